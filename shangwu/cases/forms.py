"""Forms parse input; the services decide. One small form per transition."""

import datetime

from django import forms
from django.db.models import Q

from shangwu.cases.choices import (
    CaseKind,
    CaseSource,
    ClockStart,
    DayKind,
    DeadlineNode,
    DeadlineUnit,
    Rating,
)
from shangwu.cases.models import Case, CaseCategory, CaseCategoryMapping
from shangwu.core.forms import (
    BaseForm,
    BaseModelForm,
    MultipleFileField,
    VocabularyForm,
    file_help_text,
    vocabulary_fields,
)
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import OrgUnit, Region


def _date(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def units_for(user):
    """Units a user may assign to: everything for the city; the own county and its townships."""
    qs = (
        OrgUnit.objects.filter(is_active=True)
        .select_related("region")
        .order_by("region__code", "sort_order")
    )
    region = getattr(user, "region", None)
    if region is not None and region.level != RegionLevel.CITY:
        county = region.county
        qs = qs.filter(Q(region=county) | Q(region__parent=county))
    return qs


class CaseRegisterForm(BaseForm):
    source = forms.ChoiceField(label="来源", choices=CaseSource.choices)
    kind = forms.ChoiceField(
        label="类型",
        choices=CaseKind.choices,
        initial=CaseKind.ORDINARY,
        help_text="12345热线工单选咨询/求助/建议/投诉；其他来源选一般或重大复杂。",
    )
    category = forms.ModelChoiceField(label="类别", queryset=CaseCategory.objects.active())
    enterprise = forms.ModelChoiceField(
        label="企业",
        queryset=None,
        required=False,
        help_text="热线、信箱、人大建议、政协提案可不选企业。",
    )
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}))
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    county = forms.ModelChoiceField(
        label="县(市、区)",
        queryset=Region.objects.filter(level=RegionLevel.COUNTY),
        required=False,
        help_text="选了企业时可不填，按企业所在地。",
    )
    township = forms.ModelChoiceField(
        label="乡镇(街道)",
        queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP),
        required=False,
    )
    received_at = forms.DateTimeField(
        label="受理时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="留空为现在。",
    )
    attachments = MultipleFileField(label="附件", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from shangwu.enterprises.models import Enterprise

        self.fields["attachments"].help_text = "可多选。" + file_help_text()

        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").order_by(
            "name"
        )
        region = getattr(user, "region", None)
        if region is not None and region.level != RegionLevel.CITY:
            county = region.county
            self.fields["county"].queryset = Region.objects.filter(pk=county.pk)
            self.fields["township"].queryset = Region.objects.filter(parent=county)
            self.fields["county"].initial = county.pk
            if region.level == RegionLevel.TOWNSHIP:
                self.fields["township"].initial = region.pk


class AssignForm(BaseForm):
    lead_unit = forms.ModelChoiceField(label="主办单位", queryset=OrgUnit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    note = forms.CharField(
        label="交办意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["lead_unit"].queryset = units_for(user)
        self.fields["co_units"].queryset = units_for(user)


class NoteForm(BaseForm):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BaseForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(BaseForm):
    note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    on_behalf_of = forms.ModelChoiceField(
        label="代为录入单位",
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text="外部单位的进展由交办单位代为录入。",
    )

    def __init__(self, *args, user=None, case=None, co_units=None, **kwargs):
        """``co_units``: the case's co-units when the caller has read them already (the case
        page); then the lead unit is read from ``case.lead_unit`` and nothing is queried here."""
        super().__init__(*args, user=user, **kwargs)
        from shangwu.organization.choices import OrgUnitKind

        external = []
        if case is not None and user is not None and user.org_unit_id == case.assigning_unit_id:
            if co_units is None:
                ids = [case.lead_unit_id, *case.co_units.values_list("pk", flat=True)]
                external = list(
                    OrgUnit.objects.filter(pk__in=ids, kind=OrgUnitKind.EXTERNAL).values_list(
                        "pk", flat=True
                    )
                )
            else:
                units = [case.lead_unit, *co_units] if case.lead_unit_id else co_units
                external = [u.pk for u in units if u.kind == OrgUnitKind.EXTERNAL]
        if external:
            self.fields["on_behalf_of"].queryset = OrgUnit.objects.filter(
                pk__in=external, kind=OrgUnitKind.EXTERNAL
            )
        else:
            del self.fields["on_behalf_of"]


class RequestCloseForm(BaseForm):
    resolution = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(BaseForm):
    decision = forms.ChoiceField(
        label="审核意见",
        choices=[("approve", "通过"), ("return", "退回重办")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="说明（退回时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevisitForm(BaseForm):
    rating = forms.ChoiceField(label="企业评价", choices=Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="回访情况（不满意时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(BaseForm):
    proposed_due = forms.DateField(label="申请延至", widget=_date())
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(BaseForm):
    decision = forms.ChoiceField(
        label="审批", choices=[("approve", "同意"), ("refuse", "不同意")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="审批意见（不同意时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(BaseForm):
    into = forms.CharField(label="并入案件编号", max_length=20, help_text="如 2025-000123")
    note = forms.CharField(label="说明", required=False)

    def __init__(self, *args, user=None, case=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.case = case

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        target = Case.objects.restrict(self.user, "view").filter(number=number).first()
        if target is None:
            raise forms.ValidationError(f"找不到编号为“{number}”的案件（或不在您的数据范围内）。")
        return target


class ListedSupervisionForm(BaseForm):
    required_by = forms.DateField(label="要求完成日期", widget=_date())
    comment = forms.CharField(label="督办意见", widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(BaseForm):
    file = forms.FileField(label="附件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help_text()


AUTO_CATEGORY_HELP = "已按系统管理员设置的“案件类别对应”预选；留空则按对应关系自动选择。"


class ConvertProblemForm(BaseForm):
    category = forms.ModelChoiceField(
        label="类别",
        queryset=CaseCategory.objects.active(),
        required=False,
        help_text=AUTO_CATEGORY_HELP,
    )
    kind = forms.ChoiceField(
        label="类型", choices=[(CaseKind.ORDINARY, "一般"), (CaseKind.MAJOR, "重大复杂")]
    )
    title = forms.CharField(
        label="标题", max_length=200, required=False, help_text="留空取问题描述的第一行。"
    )
    lead_unit = forms.ModelChoiceField(
        label="主办单位（选了即同时交办）", queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["lead_unit"].queryset = units_for(user)


class StatisticsForm(BaseForm):
    dimension = forms.ChoiceField(label="统计维度", choices=[])
    date_from = forms.DateField(label="受理日期自", widget=_date())
    date_to = forms.DateField(label="至", widget=_date())

    def __init__(self, *args, **kwargs):
        from shangwu.cases.statistics import DIMENSIONS

        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = list(DIMENSIONS.items())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        if (
            data.get("date_from")
            and data.get("date_to")
            and data["date_to"] - data["date_from"] > datetime.timedelta(days=3660)
        ):
            raise forms.ValidationError("统计区间不能超过10年。")
        return data


class CategoryForm(VocabularyForm):
    class Meta:
        model = CaseCategory
        fields = vocabulary_fields(CaseCategory)


class CategoryMappingForm(BaseModelForm):
    class Meta:
        model = CaseCategoryMapping
        fields = ["origin_kind", "keyword", "category", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True)


class RuleSetForm(BaseForm):
    """A whole rule set with its four nodes; saving a used rule set makes a new version."""

    name = forms.CharField(label="名称", max_length=60)
    source = forms.ChoiceField(label="来源", choices=CaseSource.choices)
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部类型"), *CaseKind.choices], required=False
    )
    extendable_to = forms.IntegerField(
        label="可延长至（月，人大建议/政协提案）", required=False, min_value=1, max_value=24
    )
    note = forms.CharField(label="依据", max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for node in DeadlineNode:
            self.fields[f"{node.value}_offset"] = forms.IntegerField(
                label=f"{node.label}时限",
                required=False,
                min_value=1,
                max_value=1000,
                help_text="留空表示该规则不设此节点。",
            )
            self.fields[f"{node.value}_unit"] = forms.ChoiceField(
                label=f"{node.label}单位", choices=DeadlineUnit.choices
            )
            self.fields[f"{node.value}_day_kind"] = forms.ChoiceField(
                label=f"{node.label}计日方式", choices=DayKind.choices
            )
            if node != DeadlineNode.REVISIT:  # 回访 counts from the approval of the closure
                self.fields[f"{node.value}_counts_from"] = forms.ChoiceField(
                    label=f"{node.label}起算",
                    choices=ClockStart.choices,
                    required=False,
                    help_text="自受理或自交办起算；留空按来源默认（12345热线、人大建议、政协提案、局长信箱自受理，其余自交办）。",
                )
        self.apply_bootstrap()

    def clean(self):
        data = super().clean()
        if not data.get(f"{DeadlineNode.CLOSE.value}_offset"):
            self.add_error(f"{DeadlineNode.CLOSE.value}_offset", "办结时限必须填写。")
        return data

    def nodes(self) -> list[tuple[str, int, str, str, str]]:
        data = self.cleaned_data
        return [
            (
                n.value,
                data[f"{n.value}_offset"],
                data[f"{n.value}_unit"],
                data[f"{n.value}_day_kind"],
                data.get(f"{n.value}_counts_from") or "",
            )
            for n in DeadlineNode
            if data.get(f"{n.value}_offset")
        ]
