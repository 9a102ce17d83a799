import datetime
from decimal import Decimal

import pytest

from shangwu.indicators import services
from shangwu.indicators.models import Indicator
from shangwu.organization.models import Region

MAY = datetime.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def indicator(db):
    return lambda code: Indicator.objects.get(code=code)


@pytest.fixture
def retail_may(db, city_staff):
    """社会消费品零售总额 for May 2026 entered for every county but 桃源县, April for all, targets."""
    ind = Indicator.objects.get(code="RETAIL")
    counties = list(Region.objects.filter(level="county").order_by("sort_order"))
    city = Region.objects.get(level="city")
    total = Decimal(0)
    for n, county in enumerate(counties, start=1):
        target = Decimal(100 * n)
        total += target
        services.target_set(indicator=ind, year=2026, region=county, value=target, actor=city_staff)
        services.value_save(
            item=services.ValueInput(
                indicator=ind,
                region=county,
                cumulative_value=Decimal(30 * n),
                prev_cumulative_value=Decimal(28 * n),
            ),
            month=datetime.date(2026, 4, 1),
            actor=city_staff,
        )
        if county.code == "419923":
            continue
        services.value_save(
            item=services.ValueInput(
                indicator=ind,
                region=county,
                cumulative_value=Decimal(40 * n) + n,
                prev_cumulative_value=Decimal(36 * n),
            ),
            month=MAY,
            actor=city_staff,
        )
    services.target_set(indicator=ind, year=2026, region=city, value=total, actor=city_staff)
    return ind
