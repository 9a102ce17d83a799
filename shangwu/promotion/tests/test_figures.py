"""The events.* figures on a hand-built set of events: each value as the bureau counts it, for
each persona's scope, and each equal to what its drill-down lists (API and page)."""

import datetime
from decimal import Decimal

import pytest

from shangwu.core import figures
from shangwu.promotion import services

pytestmark = pytest.mark.django_db

PERIOD = "from=2026-01-01&to=2026-06-30"


@pytest.fixture
def events(make_event, make_enterprise, make_project, county_a):
    """Four events held in the first half of 2026, one planned, one held the year before."""
    food = make_event(name="河东美食节", status="held")
    for sales in ("30", "20"):
        services.event_participant_add(
            event=food, enterprise=make_enterprise(), actor=county_a, sales=Decimal(sales)
        )
    services.event_record_outcomes(
        event=food, actor=county_a, other_participants=10, attendance=1000, sales=Decimal("500")
    )
    training = make_event(
        name="云水外贸培训", kind="trade_training", county="419921", status="held", days=1
    )
    for n in (2, 3, 4):
        services.event_participant_add(
            event=training, enterprise=make_enterprise(county="419921"), actor=None, attendance=n
        )
    services.event_record_outcomes(event=training, actor=None, other_participants=2)
    fair = make_event(name="广交会展团", kind="canton_fair", county=None, status="summarised")
    services.event_participant_add(
        event=fair,
        enterprise=make_enterprise(),
        actor=None,
        formal_orders=2,
        formal_amount=Decimal("150"),
        intended_orders=3,
        intended_amount=Decimal("400"),
    )
    services.event_record_outcomes(
        event=fair, actor=None, formal_orders=5, formal_amount=Decimal("300")
    )
    meeting = make_event(name="河东招商推介会", kind="investment_promotion", status="held", days=1)
    services.event_sign_project(event=meeting, project=make_project(total=12000), actor=county_a)
    services.event_sign_project(
        event=meeting,
        project=make_project(total=3000, name="第二个项目"),
        actor=county_a,
        amount=Decimal("2500"),
    )
    make_event(name="未举办的购物节", start=datetime.date(2026, 6, 20), status="preparing")
    make_event(name="去年的美食节", start=datetime.date(2025, 12, 1), status="held")
    return {"food": food, "training": training, "fair": fair, "meeting": meeting}


CITY = {
    "events.held": 4,
    "events.held_city": 1,
    "events.held_county": 3,
    "events.held_family_consumption": 1,
    "events.held.kind.canton_fair": 1,
    "events.participants": 12 + 5 + 1,
    "events.attendance": 1000 + 9,
    "events.consumption": Decimal("500.00"),
    "events.formal_orders": 5,
    "events.formal_amount": Decimal("300.00"),
    "events.intended_orders": 3,
    "events.intended_amount": Decimal("400.00"),
    "events.projects_signed": 2,
    "events.signed_amount": Decimal("14500.00"),
    "events.trained_enterprises": 5,
    "events.trained_attendance": 9,
    "events.credit_amount": Decimal("0.00"),
}
# 河东区 sees its own events and the city's 广交会 group its enterprise joined; 云水县 its
# training only (the group had none of its enterprises).
COUNTY_A = {
    "events.held": 3,
    "events.held_city": 1,
    "events.participants": 12 + 1,
    "events.trained_enterprises": 0,
    "events.consumption": Decimal("500.00"),
    "events.formal_orders": 5,
    "events.projects_signed": 2,
}
COUNTY_B = {"events.held": 1, "events.held_city": 0, "events.trained_enterprises": 5}


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
def test_each_event_figure_counts_what_the_bureau_reports_and_equals_its_drill_down(
    request, as_user, events, persona, expected
):
    client = as_user(request.getfixturevalue(persona))
    keys = [spec.key for spec in figures.all() if spec.key.startswith("events.")]
    assert set(CITY) <= set(keys)
    for key in keys:
        answer = client.get(f"/api/figures/{key}/?{PERIOD}").json()
        value = Decimal(answer["value"])
        if key in expected:
            assert value == expected[key], (persona, key, value)
        # …and the records behind it: the API list and the page list the same rows.
        rows = _rows(client, answer["drill"]["api"])
        assert value == figures.get(key).value_from_lists({"list": rows}), (persona, key)
        page = client.get(answer["drill"]["page"])
        assert page.context["page"].paginator.count == len(rows) == answer["count"], key


def test_a_figure_for_a_county_counts_only_that_countys_own_events(as_user, city_staff, events):
    from shangwu.organization.models import Region

    client = as_user(city_staff)
    code = Region.objects.get(code="419902").code
    answer = client.get(f"/api/figures/events.held/?{PERIOD}&region={code}").json()
    assert (
        Decimal(answer["value"]) == 2
    )  # the 美食节 and the 推介会; the city's group is the city's


def test_the_figures_break_down_by_kind_and_by_county(city_staff, events, kind):
    from shangwu.promotion.models import PromotionEvent

    table = figures.breakdown(
        ["events.held", "events.participants"],
        by="kind",
        user=city_staff,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 6, 30),
    )
    by_kind = {g.value: g.figures["events.held"].value for g in table.groups}
    assert by_kind == {
        kind("food_festival").pk: 1,
        kind("trade_training").pk: 1,
        kind("canton_fair").pk: 1,
        kind("investment_promotion").pk: 1,
    }
    counties = figures.breakdown(
        ["events.held"],
        by="county",
        user=city_staff,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 6, 30),
    )
    city_wide = next(g for g in counties.groups if g.value is None)
    assert city_wide.params == {"county": "null"}
    assert city_wide.figures["events.held"].value == 1
    assert PromotionEvent.objects.filter(county__isnull=True).count() == 1
