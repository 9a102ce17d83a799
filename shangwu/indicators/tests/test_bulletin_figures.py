"""The 月通报's headline numbers (the city row and its sentence) are registry figures, each linked to
the rows behind it; the registry follows the bulletin's rules (the city as the sum of the counties
that reported, their targets summed when the city has none)."""

import datetime
import re
from decimal import Decimal

import pytest

from shangwu.core import figures
from shangwu.core.tests.test_figures import _drill_lists
from shangwu.indicators import computation as calc
from shangwu.indicators import selectors
from shangwu.indicators.models import IndicatorTarget

from .conftest import MAY

MAY_END = datetime.date(2026, 5, 31)


@pytest.fixture
def city(region):
    return region("419900")


CELLS = {
    "month": "month_value",
    "yoy": "month_growth",
    "ytd": "cumulative",
    "ytd_yoy": "cumulative_growth",
    "completion": "completion",
}


def _city_row(user):
    bulletin = selectors.bulletin_build(user=user, month=MAY)
    item = next(i for i in bulletin.indicators if i.indicator.code == "RETAIL")
    return item, item.city


def test_the_city_row_states_the_registry_figures_and_each_equals_its_drill_down(
    as_user, city_staff, city, retail_may
):
    client = as_user(city_staff)
    item, row = _city_row(city_staff)
    assert "全市为各县（市、区）合计" in row.note  # the city has no row of its own
    html = client.get("/indicators/?month=2026-05").content.decode()
    for kind, cell in CELLS.items():
        figure = figures.compute(
            f"indicators.RETAIL.{kind}",
            user=city_staff,
            date_from=MAY,
            date_to=MAY_END,
            region=city,
        )
        assert figure.value is not None, kind
        # The cell states the figure, and links to the rows behind it.
        shown = getattr(row, cell)
        shown = shown.value if isinstance(shown, calc.Percent) else shown
        assert shown == calc.quantize(figure.value, row.decimals), kind
        drill = figure.drill.get("numerator", figure.drill)
        assert row.links[cell] == drill["page"]
        assert f'<a href="{drill["page"].replace("&", "&amp;")}">' in html, kind
        # The figure is what its drill-down lists: the counties' May rows (and last May's, and
        # the year's targets).
        lists = _drill_lists(client, figure.drill)
        spec = figures.get(figure.key)
        assert spec.value_from_lists(lists) == figure.value, kind
        assert len(lists.get("list", lists.get("numerator"))) == 7  # 8 counties, 桃源县 missing
    # The headline sentence quotes them.
    sentence = item.paragraph.split("。")[0]
    assert row.cumulative_text in sentence
    assert re.search(rf"同比(增长|下降){row.cumulative_growth.text.lstrip('-')}%", sentence)
    assert f"完成年度目标的{row.completion.text}%" in sentence


def test_without_a_city_target_the_completion_is_over_the_counties_targets(
    city_staff, city, retail_may
):
    IndicatorTarget.objects.filter(indicator=retail_may, region=city).delete()
    _, row = _city_row(city_staff)
    figure = figures.compute(
        "indicators.RETAIL.completion",
        user=city_staff,
        date_from=MAY,
        date_to=MAY_END,
        region=city,
    )
    counties = sum(
        IndicatorTarget.objects.filter(indicator=retail_may, region__level="county").values_list(
            "value", flat=True
        ),
        Decimal(0),
    )
    assert figure.value == calc.completion(row.cumulative, counties).value == row.completion.value
    assert "region_level=county" in figure.drill["denominator"]["api"]


def test_a_county_user_reads_the_published_city_row_without_links(county_a, retail_may):
    _, row = _city_row(county_a)
    assert row.cumulative is not None and row.links == {}
