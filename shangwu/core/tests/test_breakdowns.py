"""Breakdowns: a statistics table is registry figures per group, each cell equal to its drill-down.

The cases statistics page (by county, unit, month) states the registry's case figures for each
group and links each cell to the cases behind it; its totals are the figures themselves. The same
contract breaks down any app's figures (projects by county) in one GROUP BY per model."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shangwu.cases.figures import COLUMN_FIGURES
from shangwu.core import figures
from shangwu.core.tests.test_figures import _drill_lists

pytestmark = pytest.mark.django_db


def _assert_equals_its_drill_down(client, figure, where):
    spec = figures.get(figure.key)
    lists = _drill_lists(client, figure.drill)
    assert figure.value == spec.value_from_lists(lists), (where, figure.key, figure.drill)
    assert figure.count == spec.count_from_lists(lists), (where, figure.key)
    if "numerator" in lists:
        assert figure.numerator_count == len(lists["numerator"]), (where, figure.key)


def _period():
    """From mid-January of last year to today: whole months (read from the monthly buckets) and
    edge days on both sides (read from the cases)."""
    today = timezone.localdate()
    return datetime.date(today.year - 1, 1, 15), today


@pytest.mark.parametrize("persona", ["leader", "county_a"])
def test_every_cell_of_the_statistics_by_county_equals_its_drill_down_and_the_totals_are_the_figures(
    request, as_user, demo_city, persona
):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    date_from, date_to = _period()
    page = client.get(
        "/cases/statistics/",
        {"dimension": "county", "date_from": date_from, "date_to": date_to},
    )
    assert page.status_code == 200
    html = page.content.decode()
    result = page.context["result"]
    assert result["rows"], "the demo city has cases in the period"
    cells = 0
    for row in [*result["rows"], result["total"]]:
        for column, key in COLUMN_FIGURES.items():
            figure = row.figures[column]
            assert figure.key == key
            _assert_equals_its_drill_down(client, figure, row.label)
            # The page shows the figure's value and links the cell to the cases behind it.
            assert (
                f'<a href="{row.url(column).replace("&", "&amp;")}">{row.text(column)}</a>' in html
            )
            cells += 1
    assert cells == 9 * (len(result["rows"]) + 1)
    # The totals row is the registry's figures for the user's whole scope and the period.
    for column, key in COLUMN_FIGURES.items():
        registered = figures.compute(key, user=user, date_from=date_from, date_to=date_to)
        total = result["total"].figures[column]
        assert (total.value, total.count, total.drill) == (
            registered.value,
            registered.count,
            registered.drill,
        ), column


def test_every_cell_of_the_statistics_by_unit_and_by_month_equals_its_drill_down(
    as_user, leader, demo_city
):
    client = as_user(leader)
    date_from, date_to = _period()
    for dimension in ("unit", "month"):
        result = client.get(
            "/cases/statistics/",
            {"dimension": dimension, "date_from": date_from, "date_to": date_to},
        ).context["result"]
        assert len(result["rows"]) > 1, dimension
        for row in result["rows"]:
            for column in ("received", "closed", "close_rate", "avg_workdays", "overdue"):
                _assert_equals_its_drill_down(client, row.figures[column], (dimension, row.label))
        if dimension == "month":  # a month's cells list that month's cases within the period
            for row in result["rows"]:
                month = row.figures["received"]
                first, last = row.key
                assert first.day == 1 or first == date_from
                assert (month.date_from, month.date_to) == (first, last)
                assert f"received_from={first}&received_to={last}" in month.drill["api"]


def test_the_export_and_the_api_state_the_numbers_of_the_page(as_user, county_a, demo_city):
    import io

    import openpyxl

    client = as_user(county_a)
    date_from, date_to = _period()
    query = {"dimension": "county", "date_from": date_from, "date_to": date_to}
    result = client.get("/cases/statistics/", query).context["result"]
    api = client.get("/api/cases/statistics/", query).json()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/cases/statistics/export/", query).content)
    )
    exported = [[c.value for c in row] for row in book.active.iter_rows(min_row=2)]
    for row, api_row, line in zip(
        [*result["rows"], result["total"]], [*api["rows"], api["total"]], exported, strict=True
    ):
        for n, (column, _label) in enumerate(result["columns"]):
            value = row.figures[column].value
            expected = None if value is None else Decimal(str(value))
            for stated in (api_row[column], line[n + 1]):
                assert (None if stated is None else Decimal(str(stated))) == expected, column


def test_a_breakdown_by_county_of_a_region_the_buckets_do_not_keep_is_one_group_by_per_model(
    as_user, city_staff, demo_city
):
    """Narrowed to one county, the case figures break down by category from the cases (one
    GROUP BY), and the projects' counts and sums by county likewise; every cell equals its
    drill-down."""
    from shangwu.organization.models import Region

    client = as_user(city_staff)
    date_from, date_to = datetime.date(timezone.localdate().year - 1, 1, 1), timezone.localdate()
    county = Region.objects.get(code="419902")
    keys = list(COLUMN_FIGURES.values())
    with CaptureQueriesContext(connection) as queries:
        table = figures.breakdown(
            keys,
            by="category",
            user=city_staff,
            date_from=date_from,
            date_to=date_to,
            region=county,
        )
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1, grouped
    assert len(table.groups) > 1
    for group in table.groups:
        assert f"category={group.value}" in group.figures["cases.received"].drill["api"]
        for figure in group.figures.values():
            _assert_equals_its_drill_down(client, figure, group.value)
    for key, total in table.totals.items():
        registered = figures.compute(
            key, user=city_staff, date_from=date_from, date_to=date_to, region=county
        )
        assert (total.value, total.count) == (registered.value, registered.count), key

    # By month, from the cases too: a month's cells list that month's cases of the county.
    table = figures.breakdown(
        ["cases.received", "cases.closed_rate", "cases.avg_working_days"],
        by=figures.MONTH,
        user=city_staff,
        date_from=date_from,
        date_to=date_to,
        region=county,
    )
    assert len(table.groups) > 1
    for group in table.groups:
        received = group.figures["cases.received"]
        assert received.date_from == max(group.value, date_from)
        for figure in group.figures.values():
            _assert_equals_its_drill_down(client, figure, group.value)

    project_keys = [
        "projects.signed",
        "projects.signed_investment",
        "projects.started",
        "projects.funds_total",
        "projects.fdi_usd",
    ]
    table = figures.breakdown(
        project_keys, by="county", user=city_staff, date_from=date_from, date_to=date_to
    )
    assert any(g.figures["projects.signed"].value for g in table.groups)
    for group in table.groups:
        for figure in group.figures.values():
            _assert_equals_its_drill_down(client, figure, group.value)
    for key in project_keys:
        registered = figures.compute(key, user=city_staff, date_from=date_from, date_to=date_to)
        assert table.totals[key].value == registered.value, key


def test_a_breakdown_refuses_a_condition_its_list_cannot_filter(city_staff):
    with pytest.raises(figures.FigureError) as refused:
        figures.breakdown(
            ["cases.received"],
            by="measure",
            user=city_staff,
            date_from=datetime.date(2026, 1, 1),
            date_to=datetime.date(2026, 3, 31),
        )
    assert refused.value.param == "by" and "measure" in refused.value.message
