"""The 督办通报's table 各单位情况: every number of it is a registry figure (a ``tasks.cycle_*``
figure broken down by lead unit) linked to the tasks behind it, and the page, the .xlsx and the
.docx state the same numbers the bulletin always counted from its facts."""

import io
import re

import openpyxl
import pytest
from docx import Document

from shangwu.core.numbers import percent, percent_text
from shangwu.tasks.choices import ReportState, TaskStatus
from shangwu.tasks.views_report import UNIT_HEADERS

pytestmark = pytest.mark.django_db


def counted_from_facts(facts) -> dict[str, list[str]]:
    """Per lead unit, the row as the bulletin counted it from its facts: tasks, 已完成, 正常推进,
    滞后 (statuses at the cycle's close), then the reports owed, on time, late and missing over
    the cycles due so far, and the on-time rate."""
    rows: dict[str, list[int]] = {}
    for f in facts.tasks:
        if f.task.lead_unit is None:
            continue
        row = rows.setdefault(str(f.task.lead_unit), [0] * 8)
        row[0] += 1
        row[1] += f.status == TaskStatus.DONE
        row[2] += f.status == TaskStatus.ON_TRACK
        row[3] += f.status == TaskStatus.LAGGING
        for state in f.states.values():
            if state == ReportState.PENDING:
                continue
            row[4] += 1
            row[5] += state == ReportState.ON_TIME
            row[6] += state == ReportState.LATE
            row[7] += state == ReportState.MISSING
    return {
        unit: [str(n) for n in row] + [percent_text(percent(row[5], row[4]))]
        for unit, row in rows.items()
    }


def _page_rows(html: str) -> dict[str, list[str]]:
    table = re.search(r'<table[^>]*data-testid="units".*?</table>', html, re.S).group(0)
    rows = {}
    for tr in re.findall(r"<tbody>(.*?)</tbody>", table, re.S)[0].split("</tr>"):
        cells = [
            re.sub(r"<[^>]+>", "", td).strip()
            for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize("persona", ["leader", "county_a"])
def test_the_unit_table_on_the_page_and_in_both_downloads_is_what_the_bulletin_counted(
    request, as_user, demo_city, persona
):
    client = as_user(request.getfixturevalue(persona))
    page = client.get("/tasks/report/")
    b = page.context["b"]
    expected = counted_from_facts(b["facts"])
    assert len(expected) >= (8 if persona == "leader" else 3)
    assert _page_rows(page.content.decode()) == expected
    query = {"plan": b["plan"].pk, "cycle": b["cycle"]}

    wb = openpyxl.load_workbook(io.BytesIO(client.get("/tasks/report/xlsx/", query).content))
    sheet = [list(r) for r in wb["单位情况"].iter_rows(values_only=True)]
    assert sheet[0] == UNIT_HEADERS
    assert {r[0]: [str(c) for c in r[1:]] for r in sheet[1:]} == expected
    # The units in the order of the page: on-time rate first.
    assert [r[0] for r in sheet[1:]] == list(_page_rows(page.content.decode()))

    doc = Document(io.BytesIO(client.get("/tasks/report/docx/", query).content))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == UNIT_HEADERS)
    docx_rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert {r[0]: r[1:] for r in docx_rows} == expected


def _listed(client, url: str) -> tuple[int, int, str]:
    """(tasks, their 报送期数 summed, the page) of a task list link, as its page shows them."""
    page = client.get(f"{url}&per_page=500")
    assert page.status_code == 200, url
    tasks = list(page.context["page"].object_list)
    assert page.context["page"].paginator.count == len(tasks)
    return len(tasks), sum(getattr(t, "bulletin_reports", 0) for t in tasks), page.content.decode()


@pytest.mark.parametrize("persona", ["leader", "county_a"])
def test_every_number_of_the_unit_table_is_a_figure_equal_to_the_tasks_its_link_lists(
    request, as_user, demo_city, persona
):
    from shangwu.core import figures
    from shangwu.core.tests.test_figures import _drill_lists
    from shangwu.tasks.figures import UNIT_KEYS

    client = as_user(request.getfixturevalue(persona))
    page = client.get("/tasks/report/")
    html, b = page.content.decode(), page.context["b"]
    cells = 0
    for u in b["units"]:
        assert [c["key"] for c in u.cells] == list(UNIT_KEYS.values())
        for name, cell in zip(UNIT_KEYS, u.cells, strict=True):
            figure = cell["figure"]
            # The cell is the figure, linked inside its data-figure element.
            link = f'<td data-figure="{cell["key"]}"><a class="text-reset" href="{cell["url"].replace("&", "&amp;")}"'
            assert link in html, (u.unit, name)
            assert f"lead_unit={u.unit.pk}" in cell["url"]
            # The same figure from its API lists (the registry's own test of a figure).
            spec = figures.get(cell["key"])
            lists = _drill_lists(client, figure.drill)
            assert figure.value == spec.value_from_lists(lists), (u.unit, name)
            assert figure.count == spec.count_from_lists(lists), (u.unit, name)
            # And what the list page the number links to shows, as the same user.
            tasks, reports, listing = _listed(client, cell["url"])
            if name == "reports_rate":
                _, owed, _ = _listed(client, figure.drill["denominator"]["page"])
                assert cell["text"] == (
                    "—" if not owed else f"{figures.ratio_percent(reports, owed)}%"
                ), u.unit
            elif name.startswith("reports_"):
                assert int(cell["text"]) == reports, (u.unit, name)
                assert tasks == 0 or "报送期数" in listing
            else:
                assert int(cell["text"]) == tasks, (u.unit, name)
            cells += 1
    assert cells == 9 * len(b["units"]) > 0
