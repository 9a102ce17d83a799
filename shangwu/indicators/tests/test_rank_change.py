"""位次变化 on the page, the .xlsx and the .docx: both changes (by total and by growth), among the
counties that reported both months; a county that did not report is 未报 and moves nobody."""

import io

import openpyxl
from docx import Document

from shangwu.organization.models import Region


def test_a_county_missing_this_month_moves_nobody_and_every_output_shows_both_changes(
    as_user, city_staff, retail_may
):
    # May lacks 桃源县; every other county keeps its April order by total.
    client = as_user(city_staff)
    reporting = list(
        Region.objects.filter(level="county").exclude(code="419923").values_list("name", flat=True)
    )

    page = client.get("/indicators/?month=2026-05").content.decode()
    assert '<th colspan="2">位次变化</th>' in page
    row = page.split('data-region="419923"')[1].split("</tr>")[0]
    assert row.count("未报</td>") == 2

    wb = openpyxl.load_workbook(
        io.BytesIO(client.get("/indicators/bulletin.xlsx?month=2026-05").content)
    )
    ws = wb["社会消费品零售总额"]
    headers = [(ws.cell(row=2, column=c).value, ws.cell(row=3, column=c).value) for c in (12, 13)]
    assert headers == [("位次变化", "按总量"), (None, "按增速")]
    by_name = {r[0].value: r for r in ws.iter_rows(min_row=5, max_row=4 + 8)}
    assert (by_name["桃源县"][11].value, by_name["桃源县"][12].value) == ("未报", "未报")
    assert {by_name[name][11].value for name in reporting} == {"→"}

    doc = Document(io.BytesIO(client.get("/indicators/bulletin.docx?month=2026-05").content))
    # The retail table is the one whose 河东区 row reads 41.0 (the other indicators are empty).
    retail = next(
        t
        for t in doc.tables
        if any(r.cells[0].text == "河东区" and r.cells[3].text == "41.0" for r in t.rows)
    )
    header = [c.text for c in retail.rows[0].cells] + [c.text for c in retail.rows[1].cells]
    assert "位次变化" in header and header.count("按总量") == 2 and header.count("按增速") == 2
    ty = next(r for r in retail.rows if r.cells[0].text == "桃源县")
    assert [c.text for c in ty.cells][11:13] == ["未报", "未报"]
    for r in retail.rows:
        if r.cells[0].text in reporting:
            assert r.cells[11].text == "→"
