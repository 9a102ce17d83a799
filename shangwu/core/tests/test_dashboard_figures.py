"""The 工作台 states registered figures only: each number a panel shows is the figure's value as
the registry formats it, computed within the user's scope, and its link opens the list of exactly
the records behind it."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from shangwu.core import figures

pytestmark = pytest.mark.django_db

BUSINESS_PERSONAS = ["leader", "city_staff", "county_a", "county_b", "township_a1"]


@pytest.fixture
def demo_city():
    call_command("demo_data", "--size", "small", stdout=open("/dev/null", "w"))


def _listed(client, url: str) -> int:
    """The number of rows the list page at ``url`` shows (all pages)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    return page.paginator.count


def _cells(panels):
    for panel in panels:
        for cell in panel["figures"]:
            if "figure" in cell:
                yield panel["title"], cell
                if cell["note"] is not None:
                    yield panel["title"], cell["note"]


def _check_dashboard(request, as_user, persona) -> dict:
    """Every number on ``persona``'s 工作台 against the registry and its list; {key: figure}."""
    user = request.getfixturevalue(persona)
    client = as_user(user)
    response = client.get(reverse("core:dashboard"))
    html = response.content.decode()
    panels = response.context["panels"]
    shown = list(_cells(panels))
    # Every panel number is a figure (the personal inbox counts aside: notifications and the
    # extension requests waiting for the user's unit are the user's own mail, not records).
    bare = [
        (title, cell["label"])
        for panel in panels
        for cell in panel["figures"]
        if "figure" not in cell
        for title in [panel["title"]]
    ]
    assert set(bare) <= {("我的待办", "待审批延期/挂起"), ("通知", "未读通知")}, bare
    keys = {cell["key"] for _, cell in shown}
    assert {"cases.queue.to_assign", "enterprises.key", "projects.signed"} <= keys
    assert any(k.startswith("indicators.") and k.endswith(".ytd") for k in keys)
    assert "indicators.lagging" in keys
    nonzero = 0
    for title, cell in shown:
        figure = cell["figure"]
        again = figures.compute(
            figure.key, user=user, date_from=figure.date_from, date_to=figure.date_to
        )
        assert again.value == figure.value, (persona, title, figure.key)
        assert cell["display"] == figures.format_value(figure.value, figure.unit)
        # The page shows the number as a link to the figure's list.
        link = re.escape(f'href="{escape(cell["url"])}"')
        assert re.search(link + r"[^>]*>" + re.escape(cell["display"]) + "<", html), (
            persona,
            figure.key,
        )
        # The list holds exactly the records behind the figure (an indicator's value: its one
        # monthly row; a sum: the rows summed; a count: that many rows).
        rows = _listed(client, cell["url"])
        expected = figure.numerator_count if figure.numerator_count is not None else figure.count
        assert rows == expected, (persona, title, figure.key, rows, expected)
        if isinstance(figures.get(figure.key), figures.CountFigure):
            assert figure.value == rows, (persona, figure.key)
        nonzero += bool(figure.value)
    # Not a vacuous comparison: the demo city gives every persona numbers to check.
    assert nonzero >= 4, (persona, [(c["key"], c["display"]) for _, c in shown])
    return {cell["key"]: cell["figure"] for _, cell in shown}


def test_every_number_on_each_personas_dashboard_is_a_figure_whose_link_lists_its_records(
    request, as_user, demo_city, county_a, city_staff
):
    shown = {p: _check_dashboard(request, as_user, p) for p in BUSINESS_PERSONAS}
    # Computed within each user's scope: a county officer's figures are their county's.
    county, city = shown["county_a"], shown["city_staff"]
    assert county["enterprises.active"].value < city["enterprises.active"].value
    assert county["indicators.FT_TOTAL.ytd"].region.name == "河东区"
    assert f"region={county_a.region.county.pk}" in county["indicators.FT_TOTAL.ytd"].drill["page"]
    # The 工作台 reads figures together (one query per model): the same figures as one by one.
    today = timezone.localdate()
    period = {"date_from": datetime.date(today.year, 1, 1), "date_to": today}
    for user in (city_staff, county_a):
        specs = figures.all()
        together = figures.compute_many(specs, user=user, **period)
        for spec in specs:
            alone = figures.compute(spec.key, user=user, **period)
            assert together[spec.key].as_dict() == alone.as_dict(), spec.key
