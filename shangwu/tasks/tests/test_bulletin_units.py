"""The 督办通报's table 各单位情况: every number of it is a registry figure (a ``tasks.cycle_*``
figure broken down by lead unit) linked to the tasks behind it, and the page, the .xlsx and the
.docx state the same numbers the bulletin always counted from its facts."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from docx import Document

from shangwu.core.numbers import percent, percent_text
from shangwu.tasks.choices import ReportState, TaskStatus
from shangwu.tasks.views_report import UNIT_HEADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city():
    call_command("demo_data", "--size", "small", stdout=open("/dev/null", "w"))


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
