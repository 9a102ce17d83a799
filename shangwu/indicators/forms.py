import datetime

from django import forms

from shangwu.core.access import permits
from shangwu.core.forms import BaseForm, BaseModelForm, YearField
from shangwu.indicators.imports import parse_month
from shangwu.indicators.models import Indicator, IndicatorValue
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region


class MonthField(forms.CharField):
    """A month as "2026-05" (or 2026年5月); cleaned to its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            raise forms.ValidationError("月份格式应为 2026-05。") from exc

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value


def writable_regions(user):
    """The 地区 choices of figure entry: all for city users, their own county otherwise; none
    for a user the scope refuses figure entry (``IndicatorValue.scope``: a township officer)."""
    qs = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by(
        "sort_order", "code"
    )
    if not permits(user, IndicatorValue, "add"):
        return qs.none()
    if user.region.level == RegionLevel.CITY:
        return qs
    return qs.filter(pk=user.region.county.pk)


class IndicatorForm(BaseModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "short_name",
            "unit",
            "source",
            "arrival",
            "higher_is_better",
            "decimals",
            "additive",
            "parent",
            "computation",
            "in_bulletin",
            "sort_order",
            "is_active",
        ]


class TargetForm(BaseForm):
    indicator = forms.ModelChoiceField(
        label="指标", queryset=Indicator.objects.filter(is_active=True)
    )
    year = YearField(label="年度")
    region = forms.ModelChoiceField(label="地区", queryset=Region.objects.none())
    value = forms.DecimalField(label="年度目标", min_value=0, max_digits=18, decimal_places=4)
    note = forms.CharField(label="备注", max_length=200, required=False)
    reason = forms.CharField(
        label="调整原因",
        max_length=300,
        required=False,
        help_text="调整已下达的目标时必填，记入目标版本。",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = writable_regions(user)


class TargetProposalForm(BaseForm):
    """A county officer's proposal for their own county's figure (the region is theirs)."""

    indicator = forms.ModelChoiceField(
        label="指标", queryset=Indicator.objects.filter(is_active=True)
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    value = forms.DecimalField(label="建议目标", min_value=0, max_digits=18, decimal_places=4)
    reason = forms.CharField(
        label="调整理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProposalDecisionForm(BaseForm):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "批准"), ("refuse", "退回")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="审核意见", max_length=300, required=False, help_text="退回时必填。"
    )


class ValueForm(BaseForm):
    indicator = forms.ModelChoiceField(
        label="指标", queryset=Indicator.objects.filter(is_active=True, computation="")
    )
    region = forms.ModelChoiceField(label="地区", queryset=Region.objects.none())
    month = MonthField(label="月份")
    month_value = forms.DecimalField(label="本月", required=False, max_digits=18, decimal_places=4)
    cumulative_value = forms.DecimalField(
        label="1—本月累计", required=False, max_digits=18, decimal_places=4
    )
    prev_month_value = forms.DecimalField(
        label="上年同月", required=False, max_digits=18, decimal_places=4
    )
    prev_cumulative_value = forms.DecimalField(
        label="上年同期累计", required=False, max_digits=18, decimal_places=4
    )
    reason = forms.CharField(
        label="更正原因", max_length=300, required=False, help_text="更正已有数据时必填。"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = writable_regions(user)

    def clean(self):
        data = super().clean()
        if data.get("month_value") is None and data.get("cumulative_value") is None:
            raise forms.ValidationError("“本月”和“1—本月累计”至少填写一项。")
        return data


class ImportForm(BaseForm):
    month = MonthField(label="填报月份")
    file = forms.FileField(label="导入文件（.xlsx）")


class MonthForm(BaseForm):
    month = MonthField(label="月份")
