import django_filters

from shangwu.core.filtersets import BaseFilterSet, YearFilter
from shangwu.indicators.choices import ProposalStatus, Source, ValueSource
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorTargetVersion,
    IndicatorValue,
)
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region


def _regions():
    return Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])


class IndicatorFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "short_name")
    # Not called "source": the cases module's filter of that name has other choices (OpenAPI enums).
    data_source = django_filters.ChoiceFilter(
        field_name="source", choices=Source.choices, label="数据来源"
    )

    class Meta:
        model = Indicator
        fields = ["q", "data_source", "is_active"]


class IndicatorTargetFilterSet(BaseFilterSet):
    search_fields = ("indicator__name", "region__name")
    year = YearFilter(label="年度")
    indicator = django_filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label="指标")
    region = django_filters.ModelChoiceFilter(queryset=_regions(), label="地区")

    class Meta:
        model = IndicatorTarget
        fields = ["q", "year", "indicator", "region"]


class IndicatorValueFilterSet(BaseFilterSet):
    search_fields = ("indicator__name", "region__name")
    month = django_filters.DateFilter(label="月份（当月1日）")
    year = YearFilter(field_name="month__year", label="年度")
    indicator = django_filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label="指标")
    region = django_filters.ModelChoiceFilter(queryset=_regions(), label="地区")
    value_source = django_filters.ChoiceFilter(
        field_name="source", choices=ValueSource.choices, label="来源"
    )

    class Meta:
        model = IndicatorValue
        fields = ["q", "year", "month", "indicator", "region", "value_source"]


class IndicatorTargetProposalFilterSet(BaseFilterSet):
    search_fields = ("indicator__name", "region__name", "reason")
    year = YearFilter(label="年度")
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label="状态")
    region = django_filters.ModelChoiceFilter(queryset=_regions(), label="地区")

    class Meta:
        model = IndicatorTargetProposal
        fields = ["q", "year", "status", "region"]


class IndicatorTargetVersionFilterSet(BaseFilterSet):
    search_fields = ("indicator__name", "region__name", "reason")
    year = YearFilter(label="年度")
    indicator = django_filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label="指标")
    region = django_filters.ModelChoiceFilter(queryset=_regions(), label="地区")

    class Meta:
        model = IndicatorTargetVersion
        fields = ["q", "year", "indicator", "region"]
