from django import forms

from shangwu.core.forms import (
    BaseForm,
    BaseModelForm,
    FollowingSelect,
    VocabularyForm,
    file_help_text,
    vocabulary_fields,
)
from shangwu.designations.choices import (
    AttachmentPurpose,
    FundSource,
    HolderType,
    MilestoneKind,
    MilestoneResult,
    RecommendLevel,
    ReviewResult,
)
from shangwu.designations.models import Designation, DesignationKind
from shangwu.organization.selectors import region_list_counties, region_list_townships

DATE = {"type": "date"}


def date_field(label, required=True, **kwargs):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE), **kwargs
    )


class DesignationForm(BaseModelForm):
    """列入培育 (new) or edit the record. The holder is fixed once on the list."""

    cultivation_on = date_field("列入培育日期", required=False, help_text="留空为今天。")
    # The first DesignationResponsibility; later changes through 变更责任 (ResponsibleForm).
    responsible_unit = forms.ModelChoiceField(label="责任单位", queryset=None)
    official = forms.ModelChoiceField(label="责任人", queryset=None, required=False)

    class Meta:
        model = Designation
        fields = [
            "kind",
            "holder_type",
            "enterprise",
            "holder_name",
            "county",
            "township",
            "project",
            "name",
            "responsible_unit",
            "official",
            "note",
        ]
        widgets = {"township": FollowingSelect(follows="county")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.accounts.models import User
        from shangwu.enterprises.models import Enterprise
        from shangwu.organization.models import OrgUnit

        self.fields["name"].required = False
        self.fields["kind"].queryset = DesignationKind.objects.active()
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(self.user, "view").only(
            "id", "name"
        )
        self.fields["county"].queryset = region_list_counties(user=self.user)
        self.fields["township"].queryset = region_list_townships(user=self.user)
        self.fields["responsible_unit"].queryset = OrgUnit.objects.filter(is_active=True)
        self.fields["official"].queryset = User.objects.filter(is_active=True).exclude(
            org_unit__isnull=True
        )
        if self.instance.pk:
            for name in ("kind", "holder_type", "enterprise", "county", "township"):
                self.fields[name].disabled = True
            for name in ("responsible_unit", "official", "cultivation_on"):
                self.fields.pop(name)
        else:
            self.fields.pop("note")
        self.apply_bootstrap()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            from shangwu.designations.services import EDITABLE

            return {k: v for k, v in data.items() if k in EDITABLE}
        data["on"] = data.pop("cultivation_on", None)
        return data

    def _post_clean(self):
        # The service validates the record (full_clean); the form only parses.
        pass


def responsible_choices(form) -> None:
    from shangwu.accounts.models import User
    from shangwu.organization.models import OrgUnit

    form.fields["responsible_unit"].queryset = OrgUnit.objects.filter(is_active=True)
    form.fields["official"].queryset = User.objects.filter(is_active=True).exclude(
        org_unit__isnull=True
    )


class ResponsibleForm(BaseForm):
    """变更责任: the designation's responsible unit and official from a day on."""

    responsible_unit = forms.ModelChoiceField(label="责任单位", queryset=None)
    official = forms.ModelChoiceField(label="责任人", queryset=None, required=False)
    on = date_field("变更日期", help_text="新的责任单位从这一天起负责；原责任至前一天结束。")
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        responsible_choices(self)


class ApplyForm(BaseForm):
    on = date_field("申报日期")
    materials = forms.FileField(label="申报材料", required=False)
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].help_text = file_help_text()


class RecommendForm(BaseForm):
    on = date_field("推荐日期")
    level = forms.ChoiceField(label="推荐层级", choices=RecommendLevel.choices)
    doc = forms.CharField(label="推荐文号", max_length=100)
    note = forms.CharField(label="说明", required=False, max_length=300)


class AwardForm(BaseForm):
    on = date_field("认定日期")
    doc = forms.CharField(label="认定文号", max_length=100)
    certificate = forms.FileField(label="证书/认定文件", required=False)
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].help_text = file_help_text()


class ReviewForm(BaseForm):
    on = date_field("复核日期")
    result = forms.ChoiceField(label="复核结果", choices=ReviewResult.choices)
    rectify_by = date_field("整改期限", required=False, help_text="限期整改时填写。")
    note = forms.CharField(label="说明", required=False, max_length=300)


class EndForm(BaseForm):
    on = date_field("日期")
    reason = forms.CharField(label="原因", max_length=300)


class AttachmentForm(BaseForm):
    purpose = forms.ChoiceField(label="用途", choices=AttachmentPurpose.choices)
    file = forms.FileField(label="文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help_text()


class _ProgrammeForm(BaseForm):
    """On the list pages (``pick=True``) the form first asks which programme: the funded
    designations the user may change."""

    def __init__(self, *args, pick=False, **kwargs):
        super().__init__(*args, **kwargs)
        if pick:
            funded = (
                Designation.objects.restrict(self.user, "change")
                .filter(kind__carries_funds=True)
                .order_by("name")
            )
            field = forms.TypedChoiceField(
                label="创建项目（荣誉认定）",
                coerce=int,
                choices=[("", "---------")] + [(d.pk, d.name) for d in funded],
            )
            self.fields = {"designation": field, **self.fields}
            self.apply_bootstrap()


class FundForm(_ProgrammeForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source = forms.ChoiceField(label="资金来源", choices=FundSource.choices)
    budget = forms.DecimalField(label="预算（万元）", max_digits=14, decimal_places=2, initial=0)
    allocated = forms.DecimalField(
        label="已下达（万元）", max_digits=14, decimal_places=2, initial=0
    )
    spent = forms.DecimalField(label="已支出（万元）", max_digits=14, decimal_places=2, initial=0)


class MilestoneForm(_ProgrammeForm):
    kind = forms.ChoiceField(label="节点", choices=MilestoneKind.choices)
    due_on = date_field("计划完成日期")
    note = forms.CharField(label="说明", required=False, max_length=300)


class MilestoneDoneForm(BaseForm):
    milestone = forms.TypedChoiceField(label="节点", coerce=int, choices=())
    done_on = date_field("完成日期")
    result = forms.ChoiceField(label="结果", choices=MilestoneResult.choices)
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, designation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [
            (m.pk, f"{m.get_kind_display()}（计划{m.due_on:%Y-%m-%d}）")
            for m in designation.milestones.filter(done_on__isnull=True)
        ]


class DesignationKindForm(VocabularyForm):
    holder_types = forms.MultipleChoiceField(
        label="可认定对象", choices=HolderType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = DesignationKind
        fields = vocabulary_fields(
            DesignationKind,
            "level",
            "authority",
            "holder_types",
            "validity_years",
            "review_cycle_years",
            "dynamic",
            "carries_funds",
            "tag_code",
        )
