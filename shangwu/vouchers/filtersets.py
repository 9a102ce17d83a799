"""One FilterSet per model: the list pages, the exports, the API and every ``vouchers.``
figure (its drill-down is the list with the same parameters)."""

import django_filters
from django.db.models import Q
from django.forms import HiddenInput
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from shangwu.core.filtersets import BaseFilterSet, county_filter
from shangwu.vouchers.choices import CampaignStatus, Funder, Industry, MatchKind, Platform
from shangwu.vouchers.models import (
    VoucherBatch,
    VoucherCampaign,
    VoucherDaily,
    VoucherMerchant,
    VoucherMerchantTotal,
    VoucherRedemption,
)


def _date_input(fs, *names):
    for name in names:
        fs.form.fields[name].widget.input_type = "date"


class VoucherCampaignFilterSet(BaseFilterSet):
    """Campaigns; ``period_from`` / ``period_to``: campaigns whose period meets those dates."""

    search_fields = ("name", "note")
    funder = django_filters.ChoiceFilter(choices=Funder.choices, label="资金来源")
    platform = django_filters.ChoiceFilter(choices=Platform.choices, label="发放平台")
    status = django_filters.ChoiceFilter(choices=CampaignStatus.choices, label="状态")
    county = county_filter(field_name="counties")
    period_from = django_filters.DateFilter(
        field_name="end_on", lookup_expr="gte", label="活动期间自"
    )
    period_to = django_filters.DateFilter(
        field_name="start_on", lookup_expr="lte", label="活动期间至"
    )

    class Meta:
        model = VoucherCampaign
        fields = ["q", "funder", "platform", "status", "county", "period_from", "period_to"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        _date_input(self, "period_from", "period_to")


class VoucherBatchFilterSet(BaseFilterSet):
    """Batches (issued vouchers) of the campaigns whose period meets the dates."""

    search_fields = ("name", "code")
    campaign = django_filters.ModelChoiceFilter(
        queryset=VoucherCampaign.objects.all(), label="消费券活动"
    )
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label="行业")
    # A figure's drill-down to one batch (the campaign page's batches); not a form field.
    batch = django_filters.NumberFilter(field_name="pk", label="券批次", widget=HiddenInput)
    county = county_filter(field_name="campaign__counties")
    period_from = django_filters.DateFilter(
        field_name="campaign__end_on", lookup_expr="gte", label="活动期间自"
    )
    period_to = django_filters.DateFilter(
        field_name="campaign__start_on", lookup_expr="lte", label="活动期间至"
    )

    class Meta:
        model = VoucherBatch
        fields = ["q", "campaign", "industry", "batch", "county", "period_from", "period_to"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        _date_input(self, "period_from", "period_to")


class VoucherDailyFilterSet(BaseFilterSet):
    """Redemptions by batch, county and day (核销日汇总)."""

    search_fields = ("batch__name",)
    campaign = django_filters.ModelChoiceFilter(
        queryset=VoucherCampaign.objects.all(), label="消费券活动"
    )
    batch = django_filters.ModelChoiceFilter(queryset=VoucherBatch.objects.all(), label="券批次")
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label="行业")
    county = county_filter()
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte", label="核销日期自")
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte", label="核销日期至")

    class Meta:
        model = VoucherDaily
        fields = ["q", "campaign", "batch", "industry", "county", "day_from", "day_to"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        _date_input(self, "day_from", "day_to")


@extend_schema_field(OpenApiTypes.INT)
class CampaignTookPartFilter(django_filters.ModelChoiceFilter):
    """A campaign's id; typed for the OpenAPI schema, which cannot infer it from a method filter."""


class VoucherMerchantFilterSet(BaseFilterSet):
    """Merchants; ``active_from`` / ``active_to``: those that redeemed vouchers between their
    first and last day of redemption meeting those dates (in any campaign, or ``campaign``)."""

    search_fields = ("name", "credit_code")
    county = county_filter()
    campaign = CampaignTookPartFilter(
        queryset=VoucherCampaign.objects.all(), method="filter_took_part", label="消费券活动"
    )
    active_from = django_filters.DateFilter(method="filter_took_part", label="核销期间自")
    active_to = django_filters.DateFilter(method="filter_took_part", label="核销期间至")
    registered = django_filters.BooleanFilter(
        field_name="enterprise", lookup_expr="isnull", exclude=True, label="已匹配企业库"
    )
    match = django_filters.ChoiceFilter(choices=MatchKind.choices, label="匹配方式")

    class Meta:
        model = VoucherMerchant
        fields = ["q", "county", "campaign", "active_from", "active_to", "registered", "match"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        _date_input(self, "active_from", "active_to")

    def filter_took_part(self, queryset, name, value):
        # The three conditions read together, once (each filter method is called for its own).
        if value is None or getattr(self, "_took_part_done", False):
            return queryset
        self._took_part_done = True
        data = self.form.cleaned_data
        totals = VoucherMerchantTotal.objects.all()
        if data.get("campaign") is not None:
            totals = totals.filter(campaign=data["campaign"])
        if data.get("active_from") is not None:
            totals = totals.filter(last_day__gte=data["active_from"])
        if data.get("active_to") is not None:
            totals = totals.filter(first_day__lte=data["active_to"])
        return queryset.filter(pk__in=totals.values("merchant_id"))


class VoucherRedemptionFilterSet(BaseFilterSet):
    """One campaign's redemptions (核销明细)."""

    campaign = django_filters.ModelChoiceFilter(
        queryset=VoucherCampaign.objects.all(), label="消费券活动"
    )
    batch = django_filters.ModelChoiceFilter(queryset=VoucherBatch.objects.all(), label="券批次")
    county = county_filter()
    day_from = django_filters.DateFilter(field_name="day", lookup_expr="gte", label="核销日期自")
    day_to = django_filters.DateFilter(field_name="day", lookup_expr="lte", label="核销日期至")

    class Meta:
        model = VoucherRedemption
        fields = ["q", "campaign", "batch", "county", "day_from", "day_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code=value)) if value else queryset
