"""The 月通报's county rows: every cell states a registry figure of the county (``indicators.
<code>.<kind>``) linked to the monthly rows behind it, for the counties the user may see; the
page, the .xlsx and the .docx state the same numbers as the bulletin's rules give."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from docx import Document

from shangwu.indicators import computation as calc
from shangwu.indicators import selectors
from shangwu.indicators.exports import row_notes, row_texts

pytestmark = pytest.mark.django_db


def by_the_rules(user, month) -> dict[str, list[list[str]]]:
    """Every indicator's rows (city, then the counties) as the bulletin's rules compute them over
    all the month's rows, whoever reads it (the 月通报 is circulated to every county): the cells
    and the notes, as printed."""
    indicators = list(selectors.indicator_list_bulletin(user=user))
    city, counties = selectors.region_list_bulletin()
    values, targets = selectors._load(indicators, month)
    previous = selectors.add_months(month, -1)
    out = {}
    for indicator in indicators:
        spec = selectors.spec_of(indicator)
        figs = selectors._month_figures(indicator, city, counties, month, values, targets)
        last = selectors._month_figures(indicator, city, counties, previous, values, targets)
        rows = calc.bulletin_rows(spec, month.month, figs, last if month.month > 1 else None)
        out[indicator.name] = [[*row_texts(r), row_notes(r)] for r in rows]
    return out


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    out = {}
    for name, body in re.findall(
        r'<h2 class="h6 mb-0 me-auto">(.*?)（[^（]*?）</h2>.*?<tbody>(.*?)</tbody>', html, re.S
    ):
        out[name] = [
            [
                re.sub(r"<[^>]+>", "", td).strip()
                for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
            ]
            for tr in body.split("</tr>")
            if "<td" in tr
        ]
    for rows in out.values():  # the name cell carries a 未报送 badge
        for row in rows:
            row[0] = row[0].replace("未报送", "").strip()
    return out


def _xlsx_texts(row, decimals: int) -> list[str]:
    """A sheet row read back as the page prints it."""
    places = [None, decimals, 1, decimals, 1, decimals, 1, 1, 1, 0, 0, None, None, None]
    out = []
    for value, p in zip(row, places, strict=False):
        if isinstance(value, (int, float)) and p is not None:
            value = f"{value:.{p}f}"
        out.append("" if value is None else str(value))
    return out


@pytest.mark.parametrize("persona", ["leader", "county_a"])
def test_the_county_rows_on_the_page_and_in_both_downloads_are_what_the_rules_give(
    request, as_user, demo_city, persona
):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    page = client.get("/indicators/")
    month = page.context["month"]
    expected = by_the_rules(user, month)
    assert len(expected) >= 5
    assert _page_tables(page.content.decode()) == expected

    ym = f"{month:%Y-%m}"
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/indicators/bulletin.xlsx?month={ym}").content)
    )
    decimals = {i.name: i.decimals for i in selectors.indicator_list_bulletin(user=user)}
    for name, rows in expected.items():
        ws = wb[name[:28]]
        shown = [
            _xlsx_texts([c.value for c in ws[4 + n]], decimals[name]) for n in range(len(rows))
        ]
        assert shown == rows, name

    doc = Document(io.BytesIO(client.get(f"/indicators/bulletin.docx?month={ym}").content))
    tables = [[[c.text for c in r.cells] for r in t.rows[2:]] for t in doc.tables]
    assert tables == [[row[:-1] for row in rows] for rows in expected.values()]


CELLS = {  # cell of a row -> the figure kind it states
    "month_value": "month",
    "month_growth": "yoy",
    "cumulative": "ytd",
    "cumulative_growth": "ytd_yoy",
    "target": "target",
    "completion": "completion",
}
LISTED = {"month_value": "month_value", "cumulative": "cumulative_value", "target": "value"}


def _shown(row, cell):
    value = getattr(row, cell)
    return value.value if isinstance(value, calc.Percent) else value


def _listed(client, url: str) -> list:
    page = client.get(f"{url}&per_page=500")
    assert page.status_code == 200, url
    rows = list(page.context["page"].object_list)
    assert page.context["page"].paginator.count == len(rows)
    return rows


@pytest.mark.parametrize("persona", ["leader", "county_a"])
def test_every_cell_of_the_rows_in_scope_is_a_figure_equal_to_the_rows_its_link_lists(
    request, as_user, demo_city, persona
):
    import datetime

    from shangwu.core import figures
    from shangwu.core.tests.test_figures import _drill_lists
    from shangwu.organization.models import Region

    user = request.getfixturevalue(persona)
    client = as_user(user)
    page = client.get("/indicators/")
    html, bulletin = page.content.decode(), page.context["bulletin"]
    month = bulletin.month
    end = selectors.add_months(month, 1) - datetime.timedelta(days=1)
    regions = {r.code: r for r in Region.objects.filter(level__in=["city", "county"])}
    own = "" if persona == "leader" else user.region.county.code
    cells = 0
    for item in bulletin.indicators:
        for row in item.rows:
            # A city user's rows are all the registry's; a county officer's only their county's
            # (the city total and the other counties are the circulated bulletin's, not linked).
            assert bool(row.links) == (persona == "leader" or row.code == own), row.name
            if not row.links:
                assert f'data-region="{row.code}"' in html
                continue
            for cell, kind in CELLS.items():
                key = f"indicators.{item.indicator.code}.{kind}"
                assert row.figure_keys[cell] == key
                link = row.links[cell]
                assert f'data-figure="{key}"><a href="{link.replace("&", "&amp;")}">' in html
                # The registry answers the same figure for the region, and its lists agree.
                figure = figures.compute(
                    key, user=user, date_from=month, date_to=end, region=regions[row.code]
                )
                assert figure.drill.get("numerator", figure.drill)["page"] == link
                assert _shown(row, cell) == calc.quantize(
                    figure.value, 1 if kind in ("yoy", "ytd_yoy", "completion") else row.decimals
                ), (row.name, key)
                lists = _drill_lists(client, figure.drill)
                assert figures.get(key).value_from_lists(lists) == figure.value, (row.name, key)
                # The link's page, as the same user, lists those rows.
                listed = _listed(client, link)
                assert len(listed) == len(lists.get("list", lists.get("numerator")))
                if cell in LISTED:  # a value: the rows listed add up to it
                    present = [getattr(r, LISTED[cell]) for r in listed]
                    present = [v for v in present if v is not None]
                    total = calc.quantize(sum(present, Decimal(0)), row.decimals)
                    assert _shown(row, cell) == (total if present else None), (row.name, cell)
                cells += 1
    expected_rows = 9 if persona == "leader" else 1
    assert cells == len(CELLS) * expected_rows * len(bulletin.indicators)
