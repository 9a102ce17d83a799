"""The designations.* figures on a hand-built set: each value as the bureau counts it, for each
persona's scope, and each equal to what its drill-down lists (API and page)."""

import datetime
from decimal import Decimal

import pytest

from shangwu.core import figures
from shangwu.designations import services

pytestmark = pytest.mark.django_db

PERIOD = "from=2026-01-01&to=2026-06-30"
D = datetime.date


@pytest.fixture
def world(make_designation, county_b):
    # 河东区: a 市级老字号 held since 2024; a 淘宝村 whose year ran out on 2026-03-01; a
    # 中华老字号 recommended this year; a 市级老字号 delisted on the period's last day.
    held = make_designation(kind="city_laozihao", status="awarded")
    village = make_designation(
        kind="taobao_village",
        holder_type="township",
        township="419902001",
        status="awarded",
        start=D(2024, 11, 1),
        awarded_on=D(2025, 3, 1),
    )
    recommended = make_designation(
        kind="zhonghua_laozihao", status="recommended", start=D(2026, 1, 5)
    )
    delisted = make_designation(kind="city_laozihao", status="delisted")
    # 云水县: a 绿色商场 and the 县域商业体系建设示范县 awarded this year, the latter with funds
    # and milestones.
    mall = make_designation(
        kind="green_mall",
        county="419921",
        status="awarded",
        start=D(2025, 11, 1),
        awarded_on=D(2026, 2, 1),
    )
    demo = make_designation(
        kind="county_commerce_demo",
        county="419921",
        status="awarded",
        start=D(2025, 12, 1),
        awarded_on=D(2026, 3, 1),
    )
    for source, year, budget, allocated, spent in [
        ("central", 2026, 1000, 600, 300),
        ("provincial", 2026, 500, 500, 100),
        ("central", 2025, 200, 200, 200),
    ]:
        services.programme_fund_set(
            designation=demo,
            actor=county_b,
            source=source,
            year=year,
            budget=budget,
            allocated=allocated,
            spent=spent,
        )
    plan = services.programme_milestone_set(
        designation=demo, actor=county_b, kind="plan", due_on=D(2026, 3, 31)
    )
    midterm = services.programme_milestone_set(
        designation=demo, actor=county_b, kind="midterm", due_on=D(2026, 6, 1)
    )
    services.programme_milestone_set(
        designation=demo, actor=county_b, kind="acceptance", due_on=D(2026, 12, 31)
    )
    services.programme_milestone_complete(
        milestone=plan, actor=county_b, done_on=D(2026, 3, 20), result="passed"
    )
    services.programme_milestone_complete(
        milestone=midterm, actor=county_b, done_on=D(2026, 6, 10), result="rectify"
    )
    return {
        "held": held,
        "village": village,
        "recommended": recommended,
        "delisted": delisted,
        "mall": mall,
        "demo": demo,
    }


CITY = {
    "designations.current": 3,
    "designations.current_national": 1,
    "designations.current_provincial": 1,
    "designations.current_city": 1,
    "designations.current_county": 0,
    "designations.current.kind.city_laozihao": 1,
    "designations.current.kind.taobao_village": 0,
    "designations.awarded": 2,
    "designations.awarded_national": 1,
    "designations.recommended": 2,
    "designations.funds_budget": Decimal("1500.00"),
    "designations.funds_allocated": Decimal("1100.00"),
    "designations.funds_spent": Decimal("400.00"),
    "designations.funds_allocated_central": Decimal("600.00"),
    "designations.milestones_on_time": Decimal("50.0"),
}
COUNTY_A = {
    "designations.current": 1,
    "designations.awarded": 0,
    "designations.recommended": 1,
    "designations.funds_budget": Decimal("0.00"),
}
COUNTY_B = {
    "designations.current": 2,
    "designations.awarded": 2,
    "designations.recommended": 1,
    "designations.funds_budget": Decimal("1500.00"),
    "designations.milestones_on_time": Decimal("50.0"),
}


def _rows(client, url):
    rows, url = [], f"{url}&page_size=500"
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("city_staff", CITY), ("county_a", COUNTY_A), ("county_b", COUNTY_B)],
)
def test_each_designation_figure_counts_what_the_bureau_reports_and_equals_its_drill_down(
    request, as_user, world, persona, expected
):
    client = as_user(request.getfixturevalue(persona))
    keys = [spec.key for spec in figures.all() if spec.key.startswith("designations.")]
    assert set(CITY) <= set(keys)
    for key in keys:
        answer = client.get(f"/api/figures/{key}/?{PERIOD}").json()
        value = None if answer["value"] is None else Decimal(answer["value"])
        if key in expected:
            assert value == expected[key], (persona, key, value)
        spec = figures.get(key)
        drill = answer["drill"]
        if "numerator" in drill:
            lists = {
                part: _rows(client, drill[part]["api"]) for part in ("numerator", "denominator")
            }
            assert value == spec.value_from_lists(lists), (persona, key)
            continue
        rows = _rows(client, drill["api"])
        assert value == spec.value_from_lists({"list": rows}), (persona, key)
        page = client.get(drill["page"])
        assert page.context["page"].paginator.count == len(rows) == answer["count"], key


def test_current_is_computed_against_the_period_end(city_staff, world):
    early = figures.compute(
        "designations.current", user=city_staff, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31)
    )
    # At the end of 2025: the 老字号 held since 2024, the one delisted later, the 淘宝村.
    assert early.value == 3


def test_the_matrix_links_each_cell_to_the_records_it_counts(as_user, city_staff, world):
    from shangwu.designations.models import Designation

    client = as_user(city_staff)
    page = client.get("/designations/matrix/")
    assert page.status_code == 200
    rows = {row["name"]: row for row in page.context["rows"]}
    for row in rows.values():
        for n, url in row["cells"]:
            listed = client.get(url).context["page"].paginator.count
            assert listed == n, url
    # The 合计 row adds every row, and each of its numbers opens the records it counts.
    total = page.context["total"]
    for n, url in [*total["cells"], total["total"]]:
        assert client.get(url).context["page"].paginator.count == n, url
    assert total["total"][0] == sum(row["total"][0] for row in rows.values())
    assert total["total"][0] == Designation.objects.current().count()
    assert "市本级" in rows and "合计" in page.content.decode()
    # The matrix is today's: the 淘宝村 has expired, the delisted one is gone.
    assert (
        rows["河东区"]["total"][0]
        == Designation.objects.current().filter(county__code="419902").count()
    )
