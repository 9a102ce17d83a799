"""The 月通报 .docx as a reader sees it: the title turns between words into balanced lines
(GB/T 9704-2012 7.3.1), table text columns are left-aligned and figures right-aligned, headings
and captions keep with what follows, and LibreOffice prints the title's lines as written."""

import io
import subprocess

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from .test_bulletin import soffice  # noqa: F401  (the LibreOffice fixture)

TITLE_LINES = ["2026年1—5月全市商务运行", "主要指标完成情况通报"]


def title_lines_of(doc):
    """The title paragraph's lines, split at its line breaks."""
    lines, current = [], ""
    for child in doc.paragraphs[0]._p.iter():
        if child.tag == qn("w:t"):
            current += child.text
        elif child.tag == qn("w:br"):
            lines.append(current)
            current = ""
    return [*lines, current]


@pytest.fixture
def bulletin_docx(as_user, city_staff, retail_may):
    response = as_user(city_staff).get("/indicators/bulletin.docx?month=2026-05")
    assert response.status_code == 200
    return response.content


def test_the_title_turns_between_words_into_balanced_lines(bulletin_docx):
    doc = Document(io.BytesIO(bulletin_docx))
    assert title_lines_of(doc) == TITLE_LINES  # not "…完成情 / 况通报"
    assert doc.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_table_text_columns_are_left_aligned_and_figures_right_aligned(bulletin_docx):
    doc = Document(io.BytesIO(bulletin_docx))
    table = doc.tables[0]
    header = table.rows[0].cells[0].paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = table.rows[2]  # two header rows, then 全市
    assert body.cells[0].text == "全市"
    assert body.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    for cell in body.cells[1:5]:  # 本月 绝对值 / 同比, 累计 绝对值 / 同比
        assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT, cell.text
    county = next(  # a county with its 位次
        r for t in doc.tables for r in t.rows[2:] if r.cells[9].text.isdigit()
    )
    assert county.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert county.cells[9].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_a_heading_or_caption_is_never_the_last_line_of_a_page(bulletin_docx):
    doc = Document(io.BytesIO(bulletin_docx))
    headings = [p for p in doc.paragraphs if p.text.startswith(("一、", "（一）", "表1"))]
    assert len(headings) >= 3
    for paragraph in headings:
        assert paragraph.paragraph_format.keep_with_next is True, paragraph.text
    body = next(p for p in doc.paragraphs if p.text.startswith("1—5月，全市社会消费品零售总额"))
    assert not body.paragraph_format.keep_with_next


def test_libreoffice_prints_the_title_in_the_same_balanced_lines(
    bulletin_docx,
    soffice,  # noqa: F811
    tmp_path,
):
    source = tmp_path / "bulletin.docx"
    source.write_bytes(bulletin_docx)
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
    text = PdfReader(tmp_path / "bulletin.pdf").pages[0].extract_text()
    lines = [line.replace(" ", "") for line in text.splitlines() if line.strip()]
    assert lines[:2] == TITLE_LINES


# --- 版头, 发文字号, 版记 -------------------------------------------------------------------------


def configure_bulletin(**fields):
    from shangwu.core.choices import DocumentKind
    from shangwu.core.models import DocumentSetting

    return DocumentSetting.objects.update_or_create(
        kind=DocumentKind.INDICATOR_BULLETIN, defaults=fields
    )[0]


def has_red(doc):
    return any(
        r.font.color is not None
        and r.font.color.rgb is not None
        and str(r.font.color.rgb) == "FF0000"
        for p in doc.paragraphs
        for r in p.runs
    )


def test_without_settings_there_is_no_masthead_number_or_colophon(bulletin_docx, city_staff):
    doc = Document(io.BytesIO(bulletin_docx))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("2026年1—5月") and not has_red(doc)
    assert not any("〔" in t or t.startswith("抄送") or t.endswith("印发") for t in texts)
    assert "云河市商务局" in texts  # 署名: the city staff's bureau, read from their unit


def test_the_configured_masthead_number_and_colophon_are_printed(as_user, city_staff, retail_may):
    import datetime

    configure_bulletin(
        show_masthead=True,
        number_prefix="云商",
        show_colophon=True,
        cc="市政府办公室",
        printer="云河市商务局办公室",
    )
    client = as_user(city_staff)
    first = Document(io.BytesIO(client.get("/indicators/bulletin.docx?month=2026-05").content))
    year = datetime.date.today().year
    mark, _blank, number = first.paragraphs[:3]
    assert mark.text == "云河市商务局文件" and str(mark.runs[0].font.color.rgb) == "FF0000"
    assert number.text == f"云商〔{year}〕1号"
    line = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert line.get(qn("w:color")) == "FF0000"  # the red separator line
    texts = [p.text for p in first.paragraphs]
    assert "抄送：市政府办公室。" in texts
    assert any(t.startswith("云河市商务局办公室\t") and t.endswith("日印发") for t in texts)
    again = Document(io.BytesIO(client.get("/indicators/bulletin.docx?month=2026-05").content))
    assert again.paragraphs[2].text == f"云商〔{year}〕1号"  # the same document, the same number
    april = Document(io.BytesIO(client.get("/indicators/bulletin.docx?month=2026-04").content))
    assert april.paragraphs[2].text == f"云商〔{year}〕2号"


def test_a_county_officers_bulletin_is_issued_by_their_bureau_without_the_citys_masthead(
    as_user, county_a, retail_may
):
    configure_bulletin(show_masthead=True, number_prefix="云商", show_colophon=True)
    doc = Document(
        io.BytesIO(as_user(county_a).get("/indicators/bulletin.docx?month=2026-05").content)
    )
    texts = [p.text for p in doc.paragraphs]
    assert "河东区商务局" in texts and "云河市商务局" not in texts
    assert not has_red(doc) and not any("〔" in t for t in texts)
