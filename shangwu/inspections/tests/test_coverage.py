"""§7 coverage on a hand-built set: per kind, plan and period, by county and township; every
number equals its drill-down list; the fuel-station annual page names the stations not yet
inspected this year; a county sees only its own."""

import datetime

import pytest
from django.urls import reverse

from shangwu.inspections import coverage, rectification, services
from shangwu.organization.models import Region

from .conftest import COUNTY_A, COUNTY_B, TOWNSHIP_A1

pytestmark = pytest.mark.django_db

YEAR = 2026


def _inspect(actor, site, kind, on, fail=()):
    inspection = services.inspection_start(actor=actor, site=site, kind=kind, inspected_on=on)
    answers = {}
    for answer in inspection.answers.select_related("item"):
        failed = answer.item.number in fail
        answers[answer.item_id] = ("fail" if failed else "pass", "不合格" if failed else "")
    services.inspection_save(
        inspection=inspection, actor=actor, answers=answers, signature_name="钱站长"
    )
    return services.inspection_submit(inspection=inspection, actor=actor)


@pytest.fixture
def stations(county_a, county_b, make_site, kind):
    """河东区: three stations (two in township a1), two inspected in 2026 (one with a 重大 and a
    一般 hazard, one clean), one inspected only in 2025; 云水县: one station inspected."""
    fuel = kind("fuel_station_annual")
    a1 = make_site(township=TOWNSHIP_A1)
    a2 = make_site(township=TOWNSHIP_A1)
    a3 = make_site()
    b1 = make_site(county=COUNTY_B)
    _inspect(county_a, a1, fuel, datetime.date(2026, 3, 10), fail=(4, 6))
    _inspect(county_a, a2, fuel, datetime.date(2026, 4, 8))
    _inspect(county_a, a3, fuel, datetime.date(2025, 11, 5))
    _inspect(county_b, b1, fuel, datetime.date(2026, 5, 12), fail=(6,))
    return {"fuel": fuel, "a1": a1, "a2": a2, "a3": a3, "b1": b1}


def _cells(rows, label):
    row = next(r for r in rows if r.label == label)
    return {name: cell["value"] for name, cell in row.cells.items()}


def test_city_staff_read_coverage_by_county_and_every_number_is_its_list(
    as_user, city_staff, county_a, stations
):
    general = stations["a1"].hazards.get(severity="general")
    rectification.hazard_rectify(
        hazard=general, actor=county_a, note="已整改", rectified_on=datetime.date(2026, 3, 12)
    )
    rectification.hazard_recheck(hazard=general, actor=county_a, result="rectified")
    rows = coverage.coverage_table(
        user=city_staff,
        kind=stations["fuel"],
        date_from=datetime.date(YEAR, 1, 1),
        date_to=datetime.date(YEAR, 12, 31),
    )
    a = _cells(rows, Region.objects.get(code=COUNTY_A).name)
    assert (a["subjects"], a["inspected"], a["coverage"]) == (3, 2, "66.7%")
    assert (a["general"], a["major"], a["on_time"], a["major_open"]) == (1, 1, 1, 1)
    assert a["overdue"] == 1  # the 重大 one, found in March, is past its 30 working days
    total = _cells(rows, "合计")
    assert (total["subjects"], total["inspected"], total["general"]) == (4, 3, 2)

    client = as_user(city_staff)
    row = next(r for r in rows if r.label == Region.objects.get(code=COUNTY_A).name)
    for name in ("subjects", "inspected", "general", "major", "on_time", "overdue", "major_open"):
        url = row.cells[name]["url"]
        page = client.get(url)
        assert page.status_code == 200, url
        listed = page.context["page"].paginator.count
        assert listed == row.cells[name]["value"], (name, url)


def test_a_county_officer_reads_it_by_township_and_never_the_other_county(
    as_user, county_a, stations
):
    client = as_user(county_a)
    page = client.get(reverse("inspections:coverage"), {"year": YEAR})
    assert page.status_code == 200
    rows = page.context["rows"]
    labels = [r.label for r in rows]
    assert Region.objects.get(code=TOWNSHIP_A1).name in labels
    assert all(Region.objects.get(code=COUNTY_B).name not in label for label in labels)
    township = _cells(rows, Region.objects.get(code=TOWNSHIP_A1).name)
    assert (township["subjects"], township["inspected"]) == (2, 2)
    assert _cells(rows, rows[-1].label)["subjects"] == 3
    # Asking for the other county gives a Chinese refusal, not its numbers.
    other = client.get(
        reverse("inspections:coverage"), {"county": Region.objects.get(code=COUNTY_B).pk}
    )
    assert other.status_code == 400 and "rows" not in other.context


def test_the_fuel_station_page_lists_the_stations_not_inspected_this_year(
    as_user, county_a, stations
):
    page = as_user(county_a).get(reverse("inspections:coverage_fuel"), {"year": YEAR})
    body = page.content.decode()
    assert page.context["missing_count"] == 1
    assert stations["a3"].name in body and stations["a2"].name not in body.split("尚未检查")[1]
    listed = as_user(county_a).get(page.context["missing_url"])
    assert [s.pk for s in listed.context["page"]] == [stations["a3"].pk]


def test_coverage_of_a_plan_counts_its_targets(county_a, make_plan, stations):
    plan = make_plan(method="special", county=COUNTY_A)
    services.plan_fix_targets(plan=plan, actor=None, sites=[stations["a2"], stations["a3"]])
    rows = coverage.coverage_table(
        user=county_a,
        kind=plan.kind,
        date_from=plan.start_on,
        date_to=plan.end_on,
        plan=plan,
    )
    total = _cells(rows, rows[-1].label)
    assert (total["subjects"], total["inspected"]) == (2, 0)


def test_bad_coverage_input_is_a_chinese_message_not_a_500(as_user, city_staff, stations):
    page = as_user(city_staff).get(
        reverse("inspections:coverage"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert page.status_code == 400 and "不能早于" in page.content.decode()
    junk = as_user(city_staff).get(reverse("inspections:coverage"), {"year": "abc"})
    assert junk.status_code == 400
