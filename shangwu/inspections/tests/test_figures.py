"""§8 figures under ``inspections.``: each counts what the bureau reports on a hand-built set and
equals its drill-down (the API list and the page), for the city and for each county."""

import datetime
from decimal import Decimal

import pytest

from shangwu.core import figures
from shangwu.inspections import rectification

from .test_coverage import stations  # noqa: F401 - the hand-built set

pytestmark = pytest.mark.django_db

PERIOD = "from=2026-01-01&to=2026-12-31"

# The hand-built set (test_coverage.stations): 河东区 three stations, two inspected in 2026 (one
# with a 重大 and a 一般 hazard, the 一般 rectified on time), one only in 2025; 云水县 one station
# inspected in 2026 with a 一般 hazard. Every station's licence runs to 2028-12-31.
CITY = {
    "inspections.done": Decimal(3),
    "inspections.hazards_found": Decimal(3),
    "inspections.hazards_found_major": Decimal(1),
    "inspections.rectified_on_time": Decimal("33.3"),
    "inspections.major_open": Decimal(1),
    "inspections.licences_expiring": Decimal(0),
    "inspections.coverage.fuel_station_annual": Decimal("75.0"),
}
COUNTY_A = CITY | {
    "inspections.done": Decimal(2),
    "inspections.hazards_found": Decimal(2),
    "inspections.rectified_on_time": Decimal("50.0"),
    "inspections.coverage.fuel_station_annual": Decimal("66.7"),
}
COUNTY_B = CITY | {
    "inspections.done": Decimal(1),
    "inspections.hazards_found": Decimal(1),
    "inspections.hazards_found_major": Decimal(0),
    "inspections.rectified_on_time": Decimal("0.0"),
    "inspections.major_open": Decimal(0),
    "inspections.coverage.fuel_station_annual": Decimal("100.0"),
}


@pytest.fixture
def world(stations, county_a):  # noqa: F811
    general = stations["a1"].hazards.get(severity="general")
    rectification.hazard_rectify(
        hazard=general, actor=county_a, note="已整改", rectified_on=datetime.date(2026, 3, 12)
    )
    rectification.hazard_recheck(hazard=general, actor=county_a, result="rectified")
    return stations


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
def test_each_inspection_figure_counts_the_hand_built_set_and_equals_its_drill_down(
    request, as_user, world, persona, expected
):
    client = as_user(request.getfixturevalue(persona))
    keys = [spec.key for spec in figures.all() if spec.key.startswith("inspections.")]
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


def test_licences_expiring_counts_the_stations_within_ninety_days_of_the_period_end(
    city_staff, world
):
    from shangwu.inspections.models import Site

    Site.objects.filter(pk=world["a2"].pk).update(licence_valid_until=datetime.date(2027, 2, 1))
    figure = figures.compute(
        "inspections.licences_expiring",
        user=city_staff,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 12, 31),
    )
    assert figure.value == 1
