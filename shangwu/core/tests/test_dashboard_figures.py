"""The 工作台 states registered figures only: each number a panel shows is the figure's value as
the registry formats it, computed within the user's scope, and its link opens the list of exactly
the records behind it."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from shangwu.core import figures

pytestmark = pytest.mark.django_db

BUSINESS_PERSONAS = ["leader", "city_staff", "county_a", "county_b", "township_a1"]


def _listed(client, url: str) -> int:
    """The number of rows the list page at ``url`` shows (all pages)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    return page.paginator.count


def _cells(panels):
    """Every figure cell of the panels: their numbers, the notes beside them (同比) and the
    figure lines among their items (the 督办 panel's per-unit 未报送)."""
    for panel in panels:
        cells = [*panel["figures"], *(i for i in panel["items"] if isinstance(i, dict))]
        for cell in cells:
            yield panel["title"], cell
            if cell.get("note") is not None:
                yield panel["title"], cell["note"]


# A quantity as a page states it: 12件, 35.2%, 8,650.0万元, 1.3个百分点, or a bare number.
QUANTITY = re.compile(
    r"\d[\d,.]*\s*(件|家|个|次|项|条|万元|亿元|万美元|%|个百分点|个工作日)|^\d[\d,.]*$"
)
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}


class _Numbers(HTMLParser):
    """The page's text, split into what figure elements (``data-figure``) state and the rest.
    A record's own text (inside a link to one record: a case's number and title, a
    notification's text, a task's title) is not a number the page states."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None, str | None]] = []  # (tag, figure key, href)
        self.stated: dict[str, str] = {}  # figure key -> its element's text
        self.loose: list[str] = []  # quantities outside any figure element

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            attrs = dict(attrs)
            self.stack.append((tag, attrs.get("data-figure"), attrs.get("href")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        text = data.strip()
        if not text or any(tag in ("script", "style", "title") for tag, _, _ in self.stack):
            return
        keys = [key for _, key, _ in self.stack if key]
        if keys:
            self.stated[keys[-1]] = self.stated.get(keys[-1], "") + text
            return
        record = any(href and re.search(r"/\d+/(\?|$)", href) for _, _, href in self.stack)
        if QUANTITY.search(text) and not record:
            self.loose.append(text)


def _assert_every_number_is_a_figure(html: str, stated: dict) -> None:
    """Every quantity on the page sits in a ``data-figure`` element of a registered figure
    and is that figure's value as the registry formats it."""
    parser = _Numbers()
    parser.feed(html)
    assert not parser.loose, f"numbers on the page that are not figures: {parser.loose}"
    assert parser.stated, "no figure elements on the page"
    for key, text in parser.stated.items():
        assert key in stated, f"data-figure={key} is not a figure computed for the page"
        display = stated[key].display
        number = re.match(r"-?[\d,.—]+", display)
        assert number, (key, display)
        number = number.group(0)
        assert display in text or text.startswith(number), (key, display, text)


def _check_dashboard(request, as_user, persona) -> dict:
    """Every number on ``persona``'s 工作台 against the registry and its list; {key: figure}."""
    user = request.getfixturevalue(persona)
    client = as_user(user)
    response = client.get(reverse("core:dashboard"))
    html = response.content.decode()
    panels = response.context["panels"]
    shown = list(_cells(panels))
    # Every panel number is a figure: the 待办 counts, the unread notifications, the requests
    # waiting for a decision, the per-unit lines; and nothing on the page states a number that
    # is not one (the top bar's unread badge included: the 通知 panel's figure).
    bare = [(title, cell.get("label")) for title, cell in shown if "figure" not in cell]
    assert not bare, bare
    _assert_every_number_is_a_figure(html, {cell["key"]: cell["figure"] for _, cell in shown})
    keys = {cell["key"] for _, cell in shown}
    assert {
        "cases.queue.to_assign",
        "cases.notifications_unread",
        "enterprises.key",
        "projects.signed",
    } <= keys
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
