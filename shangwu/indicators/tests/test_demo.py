"""The demo: 24 months for every indicator and county, targets that add up, one county missing
last month and one negative growth — and a second run changes nothing."""

import datetime

from shangwu.indicators import demo, selectors
from shangwu.indicators.models import Indicator, IndicatorValue


def test_the_demo_builds_24_months_with_a_missing_county_and_a_negative_growth(city_staff):
    summary = demo.build(units=None, users=None, size="small")
    assert "指标月度数据" in summary
    months = set(IndicatorValue.objects.values_list("month", flat=True))
    assert min(months) <= datetime.date(2024, 11, 1) and max(months) == datetime.date(2026, 10, 1)
    entered = Indicator.objects.filter(computation="").count()
    per_month = IndicatorValue.objects.filter(
        indicator__computation="", month=datetime.date(2026, 9, 1)
    ).count()
    assert per_month == entered * 9
    bulletin = selectors.bulletin_build(user=city_staff, month=datetime.date(2026, 10, 1))
    retail = next(i for i in bulletin.indicators if i.indicator.code == "RETAIL")
    assert next(r for r in retail.rows if r.code == demo.MISSING_COUNTY).missing
    assert (
        next(r for r in retail.rows if r.code == demo.DECLINING_COUNTY).cumulative_growth.value < 0
    )
    assert selectors.target_mismatches(year=2026) == []
    assert demo.build(units=None, users=None, size="small") == ""
