"""Forms of inspections §1–§5: they parse input; the services decide."""

from django import forms

from shangwu.core.forms import (
    BaseForm,
    BaseModelForm,
    FollowingSelect,
    VocabularyForm,
    vocabulary_fields,
)
from shangwu.inspections.choices import Holiday, PlanMethod, Severity, SiteEventKind
from shangwu.inspections.models import (
    ChecklistItem,
    InspectionKind,
    Plan,
    RectificationRule,
    Site,
)
from shangwu.organization.selectors import region_list_counties, region_list_townships

DATE = {"type": "date"}


def date_field(label, required=True, **kwargs):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE), **kwargs
    )


def subject_tag_codes() -> list[str]:
    return list(InspectionKind.objects.values_list("tag_code", flat=True).distinct())


class SiteForm(BaseModelForm):
    """登记/修改场所. The licence is given when registering; later changes go through
    “许可变动” (events)."""

    licence_valid_until = date_field("许可证有效期至", required=False)

    class Meta:
        model = Site
        fields = [
            "enterprise",
            "name",
            "site_type",
            "address",
            "county",
            "township",
            "licence_no",
            "licence_valid_until",
            "tanks",
            "pumps",
            "manager_name",
            "is_active",
        ]
        widgets = {"township": FollowingSelect(follows="county")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (
            self.fields["enterprise"]
            .queryset.filter(tags__code__in=subject_tag_codes())
            .distinct()
            .order_by("name_pinyin")
        )
        if self.user is not None:
            self.fields["county"].queryset = region_list_counties(user=self.user)
            self.fields["township"].queryset = region_list_townships(user=self.user)
        if self.instance.pk:
            self.fields["enterprise"].disabled = True
            for name in ("licence_no", "licence_valid_until"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "请通过“许可变动”登记新建、变更、延续或注销。"

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data.pop("licence_no", None)
            data.pop("licence_valid_until", None)
            data.pop("enterprise", None)
        return data


class LicenceChangeForm(BaseForm):
    change = forms.ChoiceField(
        label="变动类型",
        choices=[(k, v) for k, v in SiteEventKind.choices if k.startswith("licence_")][:4],
    )
    licence_no = forms.CharField(label="许可证号", max_length=60, required=False)
    valid_until = date_field("有效期至", required=False)
    on = date_field("变动日期", required=False, help_text="留空为今天。")
    note = forms.CharField(label="说明", max_length=300, required=False)


class InspectorForm(BaseForm):
    user = forms.ModelChoiceField(label="人员", queryset=None)
    cert_no = forms.CharField(label="执法证号", max_length=40)
    cert_valid_until = date_field("执法证有效期至", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.accounts.choices import ROLE_LEVEL
        from shangwu.accounts.models import User

        qs = User.objects.filter(
            is_active=True, role__in=list(ROLE_LEVEL), inspector__isnull=True
        ).select_related("org_unit__region")
        region = getattr(self.user, "region", None)
        if region is not None and region.level == "county":
            qs = qs.filter(
                org_unit__region__in=[region.pk, *region.children.values_list("pk", flat=True)]
            )
        elif region is not None and region.level == "township":
            qs = qs.filter(org_unit__region=region)
        self.fields["user"].queryset = qs.order_by("org_unit_id", "name")
        self.apply_bootstrap()


class InspectionKindForm(VocabularyForm):
    class Meta:
        model = InspectionKind
        fields = vocabulary_fields(InspectionKind, "tag_code", "site_type")


class RectificationRuleForm(BaseModelForm):
    class Meta:
        model = RectificationRule
        fields = ["severity", "working_days"]


class ChecklistItemForm(BaseForm):
    section = forms.CharField(label="分组", max_length=50)
    number = forms.IntegerField(label="序号", min_value=1, required=False)
    text = forms.CharField(label="检查内容", max_length=300)
    basis = forms.CharField(label="依据", max_length=300, required=False)
    severity = forms.ChoiceField(label="不合格时隐患等级", choices=Severity.choices)
    item = forms.ModelChoiceField(
        label="修改的检查项", queryset=ChecklistItem.objects.none(), required=False
    )

    def __init__(self, *args, checklist=None, **kwargs):
        super().__init__(*args, **kwargs)
        if checklist is not None:
            self.fields["item"].queryset = checklist.items.all()
        self.fields["item"].widget = forms.HiddenInput()


class PlanForm(BaseModelForm):
    start_on = date_field(
        "开始日期", required=False, help_text="节前检查留空：按工作日历取节前10个工作日。"
    )
    end_on = date_field("结束日期", required=False)
    year = forms.IntegerField(label="节日年度", required=False, min_value=2000, max_value=2100)

    class Meta:
        model = Plan
        fields = [
            "name",
            "kind",
            "method",
            "holiday",
            "start_on",
            "end_on",
            "county",
            "township",
            "sample_percent",
            "sample_count",
            "team_size",
            "coverage_target",
            "note",
        ]
        widgets = {"township": FollowingSelect(follows="county")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "留空按检查类型和月份生成。"
        self.fields["kind"].queryset = InspectionKind.objects.active()
        self.fields["holiday"].choices = [("", "（不是节前检查）"), *Holiday.choices[1:]]
        if self.user is not None:
            self.fields["county"].queryset = region_list_counties(user=self.user)
            self.fields["township"].queryset = region_list_townships(user=self.user)
            if getattr(self.user.region, "level", "city") != "city":
                self.fields["county"].required = True
                self.fields["county"].empty_label = None

    def clean(self):
        data = super().clean()
        if not data.get("holiday") and not data.get("start_on"):
            self.add_error("start_on", "请填写开始日期（节前检查可留空）。")
        if data.get("start_on") and not data.get("end_on"):
            self.add_error("end_on", "请填写结束日期。")
        return data

    def _post_clean(self):
        # The service validates the whole plan (dates from the calendar first).
        pass

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items()}
        if data.get("method") != PlanMethod.RANDOM:
            data["sample_percent"] = data["sample_count"] = None
        return data


class FixTargetsForm(BaseForm):
    sites = forms.ModelMultipleChoiceField(
        label="专项检查对象",
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        from shangwu.inspections.services import plan_subjects

        if plan is not None:
            self.fields["sites"].queryset = plan_subjects(plan).order_by("name")
        self.fields["sites"].widget.attrs = {"class": "form-check-input"}


class DrawForm(BaseForm):
    seed = forms.CharField(
        label="随机种子",
        max_length=64,
        required=False,
        help_text="留空由系统生成；公开后任何人可用同一种子和名单复现抽取结果。",
    )
    reason = forms.CharField(
        label="重新抽取原因",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InspectionStartForm(BaseForm):
    kind = forms.ModelChoiceField(label="检查类型", queryset=InspectionKind.objects.active())
    site = forms.ModelChoiceField(label="检查场所", queryset=Site.objects.none())
    inspected_on = date_field("检查日期", required=False, help_text="留空为今天。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = (
            Site.objects.restrict(self.user, "view").filter(is_active=True).order_by("name")
            if self.user is not None
            else Site.objects.none()
        )


class PhotoForm(BaseForm):
    photo = forms.FileField(label="照片", help_text="jpg、png")
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
