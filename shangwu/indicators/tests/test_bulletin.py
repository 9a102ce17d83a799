"""The 月通报 page, its downloads (.xlsx read back, .docx in 公文 format converted to PDF by
LibreOffice), the API, scope, and the numbers of the narrative against the table."""

import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from shangwu.indicators import selectors
from shangwu.indicators.exports import row_texts
from shangwu.indicators.models import IndicatorValue

from .conftest import MAY


def retail_item(user):
    bulletin = selectors.bulletin_build(user=user, month=MAY)
    return bulletin, next(i for i in bulletin.indicators if i.indicator.code == "RETAIL")


def test_the_bulletin_page_shows_every_county_with_the_computed_columns(
    as_user, city_staff, retail_may
):
    response = as_user(city_staff).get("/indicators/?month=2026-05")
    text = response.content.decode()
    assert response.status_code == 200
    assert "2026年5月" in text and "时间进度 41.7%" in text
    _, item = retail_item(city_staff)
    hd = next(r for r in item.rows if r.code == "419902")
    # 河东区: 41 against 36 last year, target 100 → 13.9%, 41.0%, −0.7 points.
    assert (hd.cumulative_text, hd.cumulative_growth.text, hd.completion.text, hd.ahead_text) == (
        "41.0",
        "13.9",
        "41.0",
        "-0.7",
    )
    assert 'data-region="419902" data-lagging="1"' in text
    assert "未报送" in text  # 桃源县 has no May figures
    assert "平台计算" in text and "填报/导入" in text
    assert 'id="bulletin-charts"' in text and "<script>" not in text.replace(
        '<script type="application/json"', ""
    )


def test_the_page_defaults_to_the_latest_complete_month(as_user, city_staff, retail_may):
    # May lacks 桃源县, so the page opens on April, which every county has reported.
    text = as_user(city_staff).get("/indicators/").content.decode()
    assert '<option value="2026-04" selected>' in text


def test_a_missing_county_is_flagged_and_the_city_is_the_sum_of_the_reporting_ones(
    city_staff, retail_may
):
    _, item = retail_item(city_staff)
    ty = next(r for r in item.rows if r.code == "419923")
    assert ty.missing and ty.rank_total is None
    city = item.city
    assert "部分县（市、区）未报送" in city.note
    reported = [r.cumulative for r in item.rows if not r.is_city and not r.missing]
    assert city.cumulative == sum(reported)


def test_county_users_see_the_whole_ranking_table_of_the_bulletin_but_only_their_own_values(
    as_user, county_a, retail_may
):
    client = as_user(county_a)
    text = client.get("/indicators/?month=2026-05").content.decode()
    assert "排名表含全部县（市、区）" in text and 'data-region="419921"' in text
    values = client.get("/api/indicator-values/?month=2026-05-01").json()["results"]
    assert {v["region_name"] for v in values} == {"河东区"}
    other = IndicatorValue.objects.filter(region__code="419921").first()
    assert client.get(f"/indicators/values/{other.pk}/").status_code == 404
    assert client.get(f"/api/indicator-values/{other.pk}/").status_code == 404


def test_the_narrative_numbers_equal_the_table(city_staff, retail_may):
    _, item = retail_item(city_staff)
    city = item.city
    numbers = re.findall(r"\d+(?:\.\d+)?", item.paragraph.split("。")[0])
    cells = row_texts(city)
    assert numbers[2] == cells[3]  # 1—5月 累计 (after "1" and "5")
    assert numbers[3] == cells[4].lstrip("-")  # 累计同比
    assert numbers[4] == cells[6]  # 完成进度
    assert numbers[5] == cells[8].lstrip("-")  # 超(欠)进度
    for row in item.rows:
        if row.rank_growth and not row.is_city:
            assert (
                f"{row.name}（{row.cumulative_growth.text}%）" in item.paragraph
                or row.rank_growth > 3
            )


def test_the_xlsx_reads_back_with_the_same_values(as_user, city_staff, retail_may):
    response = as_user(city_staff).get("/indicators/bulletin.xlsx?month=2026-05")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["社会消费品零售总额"]
    assert ws.freeze_panes == "B4"
    assert "B2:C2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["B2"].value == "本月（亿元）" and ws["B3"].value == "绝对值"
    _, item = retail_item(city_staff)
    for offset, row in enumerate(item.rows):
        cells = [c.value for c in ws[4 + offset]]
        assert cells[0] == row.name
        assert (cells[3] if cells[3] is not None else "—") == (
            float(row.cumulative) if row.cumulative is not None else "—"
        )
        if row.cumulative_growth.value is not None:
            assert cells[4] == float(row.cumulative_growth.value)
        if row.lagging:
            assert ws.cell(row=4 + offset, column=7).fill.fgColor.rgb.endswith("FCE4D6")
    assert ws.cell(row=5, column=4).number_format == "0.0"


def test_the_docx_is_in_gongwen_format(as_user, city_staff, retail_may):
    response = as_user(city_staff).get("/indicators/bulletin.docx?month=2026-05")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    section = doc.sections[0]

    def mm(length):
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    title = doc.paragraphs[0].runs[0]
    assert title.font.size == Pt(22)
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith("1—5月，全市社会消费品零售总额"))
    assert body.runs[-1].font.size == Pt(16)
    assert body.runs[-1]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    normal = doc.styles["Normal"].paragraph_format  # body paragraphs inherit 28.95 pt exact spacing
    assert round(normal.line_spacing.pt, 2) == 28.95 and body.style.name == "Normal"
    h1 = next(p for p in doc.paragraphs if p.text.startswith("一、"))
    assert h1.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    h2 = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
    assert h2.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    footer = section.footer.paragraphs[0]
    assert footer.text.replace("PAGE", "").replace(" ", "").startswith(
        "—"
    ) and footer.text.endswith("—")
    assert footer.runs[0].font.size == Pt(14)
    assert footer.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    for table in doc.tables:
        width = sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol")))
        assert width <= Mm(156).twips + 5
    _, item = retail_item(city_staff)
    assert item.paragraph in [p.text for p in doc.paragraphs]
    table_text = [
        [c.text for c in r.cells]
        for r in doc.tables[
            [
                i.indicator.code
                for i in selectors.bulletin_build(user=city_staff, month=MAY).indicators
            ].index("RETAIL")
        ].rows
    ]
    assert row_texts(item.city) in table_text


@pytest.fixture(scope="module")
def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "libreoffice-writer-nogui"],
            check=True,
            capture_output=True,
        )
        path = shutil.which("soffice")
    return path


def test_the_docx_converts_to_pdf_with_libreoffice(
    as_user, city_staff, retail_may, soffice, tmp_path
):
    content = as_user(city_staff).get("/indicators/bulletin.docx?month=2026-05").content
    source = tmp_path / "bulletin.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "bulletin.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_the_bulletin_api_returns_the_same_rows(as_user, leader, retail_may):
    data = as_user(leader).get("/api/indicator-bulletin/?month=2026-05").json()
    retail = next(i for i in data["indicators"] if i["code"] == "RETAIL")
    _, item = retail_item(leader)
    assert retail["paragraph"] == item.paragraph
    hd = next(r for r in retail["rows"] if r["region_code"] == "419902")
    assert hd["cumulative"] == "41.0" and hd["cumulative_growth"]["value"] == "13.9"
    ty = next(r for r in retail["rows"] if r["region_code"] == "419923")
    assert ty["missing"] and ty["cumulative_growth"] == {"value": None, "reason": "本月未报送"}
    assert as_user(leader).get("/api/indicator-bulletin/docx/?month=2026-05").status_code == 200


def test_the_api_is_in_the_openapi_schema(as_user, city_staff):
    schema = as_user(city_staff).get("/api/schema/").content.decode()
    for path in (
        "/api/indicators/",
        "/api/indicator-targets/",
        "/api/indicator-values/",
        "/api/indicator-bulletin/",
    ):
        assert path in schema


def test_a_correction_through_the_api_needs_a_reason_and_keeps_history(
    as_user, county_a, retail_may
):
    client = as_user(county_a)
    value = IndicatorValue.objects.get(region__code="419902", month=MAY, indicator__code="RETAIL")
    response = client.patch(
        f"/api/indicator-values/{value.pk}/",
        {"cumulative_value": "42"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "更正原因" in response.content.decode()
    response = client.patch(
        f"/api/indicator-values/{value.pk}/",
        {"cumulative_value": "42", "reason": "核对修正"},
        content_type="application/json",
    )
    assert response.status_code == 200
    history = client.get(f"/api/indicator-values/{value.pk}/revisions/").json()
    assert history[0]["reason"] == "核对修正" and history[0]["old_cumulative_value"].startswith(
        "41"
    )


def test_the_dashboard_panel_shows_the_users_own_county(county_a, retail_may):
    panel = selectors.indicator_dashboard_panel(user=county_a)
    # April: the latest month every county has reported (May lacks 桃源县).
    assert "河东区" in panel["title"] and "2026年4月" in panel["title"]
    assert any(
        (cell["display"], cell["note"] and cell["note"]["display"]) == ("30.0亿元", "7.1%")
        for cell in panel["figures"]
    )


def test_the_admin_roles_do_not_read_the_bulletin(as_user, sysadmin, auditor):
    assert as_user(sysadmin).get("/indicators/").status_code == 403
    assert as_user(auditor).get("/indicators/bulletin.docx").status_code == 403
    assert as_user(sysadmin).get("/indicators/catalogue/").status_code == 200
