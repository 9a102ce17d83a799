"""Import of a month's template through the shared upload → preview → confirm flow: errors name
row and column, nothing is half-saved, the same file twice changes nothing, and a changed figure
becomes a correction "导入更正"."""

import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from shangwu.indicators.models import IndicatorValue, IndicatorValueRevision

URL = "/indicators/values/import/"
RETAIL = "社会消费品零售总额（亿元）1—本月累计"
RETAIL_PREV = "社会消费品零售总额（亿元）上年同期累计"
FDI = "实际使用外资（万美元）1—本月累计"


def workbook(rows, month="2026-05", headers=("区划代码", "地区", RETAIL, RETAIL_PREV, FDI)):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报"
    ws.append(["填报月份", month])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("指标.xlsx", buffer.getvalue())


def upload(client, upload, month="2026-05"):
    """The preview (or the upload page with the reason the file was refused)."""
    return client.post(URL, {"month": month, "file": upload})


def post(client, upload_file, month="2026-05"):
    """Upload and, when the preview found nothing wrong, confirm: the confirmation's response."""
    preview = upload(client, upload_file, month)
    if preview.status_code != 200 or preview.context["result"].errors:
        return preview
    return client.post(f"{URL}{preview.context['token']}/commit/")


def text_of(response) -> str:
    """What the page says, with each error as its sentence (第4行“…”列：…)."""
    errors = (response.context or {}).get("errors") or []
    return response.content.decode() + "\n".join(str(e) for e in errors)


def test_the_downloaded_template_imports_back(as_user, city_staff):
    client = as_user(city_staff)
    response = client.get("/indicators/values/template/?month=2026-05")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["填报"]
    headers = [c.value for c in ws[2]]
    assert RETAIL in headers and "出口（亿元）1—本月累计" in headers
    assert not any("新增限额以上" in (h or "") for h in headers)  # computed: not in the template
    col = headers.index(RETAIL) + 1
    ws.cell(row=3, column=col, value=88.8)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = post(client, SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert response.status_code == 302
    value = IndicatorValue.objects.get(
        indicator__code="RETAIL", month="2026-05-01", region__code=ws["A3"].value
    )
    assert value.cumulative_value == Decimal("88.8") and value.source == "imported"


def test_every_error_names_its_row_and_column_and_nothing_is_saved(as_user, city_staff):
    upload = workbook(
        [
            ["419902", "河东区", "12.5", "10", "300"],
            ["419903", "河西区", "十二", "", ""],
            ["419999", "不存在县", "1", "", ""],
            ["419902", "河东区", "1", "", ""],
        ]
    )
    response = post(as_user(city_staff), upload)
    text = text_of(response)
    assert response.status_code == 200
    assert f"第4行“{RETAIL}”列：应为数字" in text
    assert "第5行“区划代码”列：不是本市的县(市、区)或全市" in text
    assert "第6行“区划代码”列：与第3行重复" in text
    assert not IndicatorValue.objects.filter(month="2026-05-01").exists()


def test_an_unknown_column_is_reported_on_the_header_row(as_user, city_staff):
    upload = workbook(
        [["419902", "河东区", "1", "", "", "9"]],
        headers=("区划代码", "地区", RETAIL, RETAIL_PREV, FDI, "外贸总额"),
    )
    text = text_of(post(as_user(city_staff), upload))
    assert "第2行“外贸总额”列：无法识别的列" in text


def test_importing_the_same_file_twice_changes_nothing_and_a_change_is_a_correction(
    as_user, city_staff
):
    client = as_user(city_staff)
    rows = [["419902", "河东区", "12.5", "10", "300"], ["419921", "云水县", "6", "5", ""]]
    assert post(client, workbook(rows)).status_code == 302
    count = IndicatorValue.objects.count()
    assert post(client, workbook(rows)).status_code == 302
    assert IndicatorValue.objects.count() == count and not IndicatorValueRevision.objects.exists()
    rows[0][2] = "13.0"
    assert post(client, workbook(rows)).status_code == 302
    revision = IndicatorValueRevision.objects.get()
    assert revision.reason == "导入更正" and revision.old_cumulative_value == Decimal("12.5")
    assert revision.new_cumulative_value == Decimal("13.0") and revision.actor == city_staff


def test_a_county_cannot_import_another_countys_row_and_nothing_is_saved(as_user, county_a):
    rows = [["419902", "河东区", "12.5", "", ""], ["419921", "云水县", "6", "", ""]]
    response = post(as_user(county_a), workbook(rows))
    assert "只能填报河东区" in response.content.decode()
    assert not IndicatorValue.objects.filter(month="2026-05-01").exists()


def test_a_month_that_differs_from_the_files_is_refused(as_user, city_staff):
    response = post(
        as_user(city_staff), workbook([["419902", "河东区", "1", "", ""]]), month="2026-04"
    )
    assert "第1行“填报月份”列：文件中的月份与所选月份（2026-04）不一致" in text_of(response)


def test_a_macro_workbook_is_refused_before_reading(as_user, city_staff):
    upload = SimpleUploadedFile("x.xlsm", b"PK\x03\x04junk")
    response = post(as_user(city_staff), upload)
    assert "宏" in response.content.decode()
