"""The ``subsidies.`` figures on a hand-built set: each value as counted by hand, and each
equal to what its drill-down lists (the API list and the list page), for the city and for a
county; the breakdowns by category, county and month add up to the figure."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from shangwu.core import figures
from shangwu.subsidies import services

pytestmark = pytest.mark.django_db
FROM, TO = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def world(make_application, county_a, county_b):
    """河东区: a fridge paid (4000 → 600元), an air conditioner reviewed, a car paid (150000 →
    15000元) and a rejected one; 云水县: two fridges (2 units, 6000 → 900元) paid and one still
    at 受理 since March (overdue)."""
    out = {}

    def paid(app, actor, reviewed, paid_on):
        services.subsidy_application_review(application=app, actor=actor, on=reviewed)
        services.subsidy_application_pay(application=app, actor=actor, on=paid_on)
        return app

    d = datetime.date
    out["fridge"] = paid(
        make_application(accepted=d(2026, 3, 2)), county_a, d(2026, 3, 4), d(2026, 3, 16)
    )
    out["aircon"] = make_application(category="aircon", accepted=d(2026, 11, 30))
    services.subsidy_application_review(
        application=out["aircon"], actor=county_a, on=d(2026, 12, 1)
    )
    out["car"] = paid(
        make_application(category="passenger_car", sale=Decimal("150000"), accepted=d(2026, 4, 1)),
        county_a,
        d(2026, 4, 2),
        d(2026, 4, 15),
    )
    out["rejected"] = make_application(accepted=d(2026, 5, 6))
    services.subsidy_application_reject(
        application=out["rejected"], actor=county_a, reason="发票不符", on=d(2026, 5, 7)
    )
    out["yunshui"] = paid(
        make_application(county="419921", units=2, sale=Decimal("6000"), accepted=d(2026, 3, 3)),
        county_b,
        d(2026, 3, 5),
        d(2026, 4, 1),
    )
    out["late"] = make_application(county="419921", accepted=d(2026, 3, 10))
    return out


def _value(key, user):
    return figures.compute(key, user=user, date_from=FROM, date_to=TO).value


def test_the_figures_are_what_the_hand_counts_say(world, city_staff, county_a, county_b):
    expected = {
        "subsidies.applications": 6,
        "subsidies.approved": 4,
        "subsidies.rejected": 1,
        "subsidies.paid": 3,
        "subsidies.subsidy_paid": Decimal("1.65"),  # 600 + 15000 + 900 元
        "subsidies.sales": Decimal("16.00"),  # 4000 + 150000 + 6000 元
        "subsidies.units": 4,
        "subsidies.units.fridge": 3,
        "subsidies.units.passenger_car": 1,
        "subsidies.overdue": 1,
    }
    for key, value in expected.items():
        assert _value(key, city_staff) == value, key
    # 河东区 only: its fridge and car
    assert _value("subsidies.subsidy_paid", county_a) == Decimal("1.56")
    assert _value("subsidies.overdue", county_a) == 0
    assert _value("subsidies.overdue", county_b) == 1
    # working days: fridge 3月2日→16日 = 10; car 4月1日→15日 = 9 (清明 4月4—6日); 云水 3月3日→4月1日 = 21
    assert world["fridge"].workdays_to_pay == 10
    assert _value("subsidies.avg_workdays_to_pay", city_staff) == round(
        Decimal(10 + world["car"].workdays_to_pay + world["yunshui"].workdays_to_pay) / 3, 1
    )


def _rows(client, url):
    rows, url = [], f"{url}&page_size=500"
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


@pytest.mark.parametrize("persona", ["city_staff", "county_a", "county_b"])
def test_every_subsidy_figure_equals_its_drill_down(request, world, as_user, persona):
    user = request.getfixturevalue(persona)
    api = APIClient()
    api.force_authenticate(user)
    page = as_user(user)
    checked = 0
    for spec in figures.all():
        if not spec.key.startswith("subsidies."):
            continue
        answer = api.get(f"/api/figures/{spec.key}/?from={FROM}&to={TO}").json()
        lists = {"list": _rows(api, answer["drill"]["api"])}
        assert Decimal(answer["value"] or 0) == (spec.value_from_lists(lists) or 0), spec.key
        assert answer["count"] == len(lists["list"]), spec.key
        listed = page.get(answer["drill"]["page"]).context["page"].paginator.count
        assert listed == answer["count"], spec.key
        checked += 1
    assert checked >= 20


def test_the_breakdowns_add_up_to_the_figure(world, city_staff):
    keys = ["subsidies.applications", "subsidies.subsidy_paid"]
    for by in ("county", "category"):
        table = figures.breakdown(keys, by=by, user=city_staff, date_from=FROM, date_to=TO)
        for key in keys:
            total = sum(g.figures[key].value for g in table.groups)
            assert total == table.totals[key].value == _value(key, city_staff), (by, key)
    months = figures.breakdown(
        ["subsidies.applications"], by=figures.MONTH, user=city_staff, date_from=FROM, date_to=TO
    )
    by_month = {g.value.month: g.figures["subsidies.applications"].value for g in months.groups}
    assert by_month == {3: 3, 4: 1, 5: 1, 11: 1}


def test_the_overdue_figure_is_the_red_light(world, city_staff):
    figure = figures.compute("subsidies.overdue", user=city_staff, date_from=FROM, date_to=TO)
    assert "light=red" in figure.drill["page"]
    assert world["late"].light_at(timezone.now()) == "red"


@pytest.mark.parametrize("by", ["category", "county", "month"])
def test_the_figures_api_breaks_a_figure_down_and_each_group_equals_its_drill_down(
    world, as_user, city_staff, by
):
    """GET /api/figures/subsidies.subsidy_paid/?by=…: each group a figure whose lists hold its
    applications, the groups adding up to the figure."""
    api = APIClient()
    api.force_authenticate(city_staff)
    page = as_user(city_staff)
    spec = figures.get("subsidies.subsidy_paid")
    answer = api.get(f"/api/figures/subsidies.subsidy_paid/?from={FROM}&to={TO}&by={by}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["by"] == by and body["value"] == "1.65"
    groups = body["groups"]
    assert len(groups) == {"category": 2, "county": 2, "month": 2}[by]
    assert sum(Decimal(g["figure"]["value"]) for g in groups) == Decimal("1.65")
    for group in groups:
        figure = group["figure"]
        lists = {"list": _rows(api, figure["drill"]["api"])}
        assert Decimal(figure["value"]) == spec.value_from_lists(lists), group
        assert figure["count"] == len(lists["list"])
        assert page.get(figure["drill"]["page"]).context["page"].paginator.count == figure["count"]
    if by == "category":
        fridge = next(g for g in groups if g["value"] == "fridge")
        assert fridge["figure"]["value"] == "0.15" and fridge["params"] == {"category": "fridge"}
    if by == "month":
        assert [g["value"] for g in groups] == ["2026-03-01", "2026-04-01"]


def test_a_county_officer_breaks_down_their_own_county_only(world, county_a):
    api = APIClient()
    api.force_authenticate(county_a)
    body = api.get(f"/api/figures/subsidies.applications/?from={FROM}&to={TO}&by=county").json()
    assert [g["value"] for g in body["groups"]] == [county_a.region.county.pk]
    assert body["value"] == "4"


def test_a_breakdown_by_a_filter_the_list_does_not_have_is_a_clear_400(world, city_staff):
    api = APIClient()
    api.force_authenticate(city_staff)
    answer = api.get(f"/api/figures/subsidies.applications/?from={FROM}&to={TO}&by=colour")
    assert answer.status_code == 400
    assert "colour" in answer.json()["by"][0]
