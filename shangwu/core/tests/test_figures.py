"""Figures: every registered figure equals what its drill-down lists, for the user who asks."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from shangwu.core import figures
from shangwu.core.figures import format_value, round_half_up

pytestmark = pytest.mark.django_db


def _rows(client, url: str) -> list[dict]:
    """Every row of an API list (all pages)."""
    rows, url = [], f"{url}&page_size=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        data = response.json()
        rows += data["results"]
        url = data["next"]
    return rows


def _drill_lists(client, drill: dict) -> dict[str, list[dict]]:
    if "api" in drill:
        return {"list": _rows(client, drill["api"])}
    return {part: _rows(client, urls["api"]) for part, urls in drill.items()}


def _assert_every_figure_equals_its_drill_down(client, *, date_from, date_to, region=""):
    checked, nonzero = 0, set()
    for spec in figures.all():
        query = f"from={date_from}&to={date_to}" + (f"&region={region}" if region else "")
        response = client.get(f"/api/figures/{spec.key}/?{query}")
        if response.status_code == 400 and region:  # a list with no filter for that region level
            assert "region" in response.json()
            continue
        assert response.status_code == 200, (spec.key, response.content[:300])
        answer = response.json()
        lists = _drill_lists(client, answer["drill"])
        expected = spec.value_from_lists(lists)
        value = None if answer["value"] is None else Decimal(answer["value"])
        assert value == expected, (spec.key, value, expected, answer["drill"])
        assert answer["count"] == spec.count_from_lists(lists), (spec.key, answer["count"])
        if "numerator" in lists:
            assert answer["numerator_count"] == len(lists["numerator"]), spec.key
        for urls in [answer["drill"]] if "page" in answer["drill"] else answer["drill"].values():
            assert client.get(urls["page"]).status_code == 200, urls["page"]
        checked += 1
        if value:
            nonzero.add(spec.key)
    return checked, nonzero


@pytest.fixture
def demo_city():
    call_command("demo_data", "--size", "small", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("persona", ["city_staff", "county_a"])
def test_every_registered_figure_equals_what_its_drill_down_lists(request, as_user, demo_city, persona):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)  # indicators: a reported month
    keys = {spec.key for spec in figures.all()}
    assert {
        "cases.received", "cases.closed", "cases.closed_rate", "cases.on_time_rate",
        "cases.first_satisfaction_rate", "cases.satisfaction_rate", "cases.reopened",
        "cases.open_overdue", "cases.avg_working_days", "enterprises.key", "enterprises.visits",
        "enterprises.visit_problems", "enterprises.covered.county", "enterprises.key_coverage.city",
        "enterprises.tag.retail_above", "projects.signed", "projects.signed_investment",
        "projects.started", "projects.producing", "tasks.total", "tasks.done_on_time",
        "tasks.lagging", "tasks.reports_missing",
    } <= keys
    assert any(k.startswith("indicators.") and k.endswith(".completion") for k in keys)

    checked, nonzero = _assert_every_figure_equals_its_drill_down(
        client, date_from=datetime.date(today.year - 1, 1, 1), date_to=last_month
    )
    assert checked == len(keys)
    # Not a vacuous comparison: the demo city has cases, enterprises, visits and projects.
    assert {"cases.received", "cases.closed", "enterprises.visits", "enterprises.key"} <= nonzero
    if persona == "city_staff":
        assert {"projects.signed", "projects.signed_investment", "tasks.total"} <= nonzero
        # Narrowed to one county, the figures still equal their drill-downs.
        checked, nonzero = _assert_every_figure_equals_its_drill_down(
            client, date_from=datetime.date(today.year - 1, 1, 1), date_to=last_month, region="419902"
        )
        assert checked > 20 and "cases.received" in nonzero
