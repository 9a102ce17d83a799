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
    # The 完成进度 figure's denominator when the city's target is the counties' sum.
    region_level = django_filters.ChoiceFilter(
        field_name="region__level",
        choices=[(RegionLevel.CITY, "全市"), (RegionLevel.COUNTY, "县（市、区）")],
        label="地区级别",
    )

    class Meta:
        model = IndicatorTarget
        fields = ["q", "year", "indicator", "region", "region_level"]


class IndicatorValueFilterSet(BaseFilterSet):
    search_fields = ("indicator__name", "region__name")
    month = django_filters.DateFilter(label="月份（当月1日）")
    year = YearFilter(field_name="month__year", label="年度")
    indicator = django_filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label="指标")
    region = django_filters.ModelChoiceFilter(queryset=_regions(), label="地区")
    value_source = django_filters.ChoiceFilter(
        field_name="source", choices=ValueSource.choices, label="来源"
    )
    region_level = django_filters.ChoiceFilter(
        field_name="region__level",
        choices=[(RegionLevel.CITY, "全市"), (RegionLevel.COUNTY, "县（市、区）")],
        label="地区级别",
    )
    # Last: it reads the rows the other conditions leave (the 月通报's 落后于时间进度).
    lagging = django_filters.BooleanFilter(method="filter_lagging", label="落后于时间进度")

    class Meta:
        model = IndicatorValue
        fields = [
            "q",
            "year",
            "month",
            "indicator",
            "region",
            "value_source",
            "region_level",
            "lagging",
        ]

    def filter_lagging(self, queryset, name, value):
        """Rows of the 月通报's indicators whose 完成进度 (1—本月累计 ÷ 年度目标) is below the
        时间进度 of their month, for indicators where higher is better: the bulletin's rule
        (``computation``), read from the rows and their year's targets in two queries."""
        from shangwu.indicators import computation

        if value is None:
            return queryset
        # Unordered (the model's ordering would join the regions to sort rows read into sets).
        rows = list(
            queryset.filter(
                indicator__is_active=True,
                indicator__in_bulletin=True,
                indicator__higher_is_better=True,
            )
            .order_by()
            .values_list("pk", "indicator_id", "region_id", "month", "cumulative_value")
        )
        targets = {
            (indicator, region, year): value
            for indicator, region, year, value in IndicatorTarget.objects.filter(
                indicator_id__in={r[1] for r in rows},
                region_id__in={r[2] for r in rows},
                year__in={r[3].year for r in rows},
            )
            .order_by()
            .values_list("indicator_id", "region_id", "year", "value")
        }
        lagging = [
            pk
            for pk, indicator, region, month, cumulative in rows
            if (
                done := computation.completion(
                    cumulative, targets.get((indicator, region, month.year))
                ).value
            )
            is not None
            and done < computation.time_progress(month.month)
        ]
        lagging.sort()  # the same condition whatever order the rows came in
        return queryset.filter(pk__in=lagging) if value else queryset.exclude(pk__in=lagging)


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
