"""Every list and export shows a moment in Beijing time as 2026-12-07 16:42:40 (the shared
table and export code, core.tables / core.exports; the database keeps UTC)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from shangwu.core.exports import xlsx_bytes
from shangwu.core.tables import Column

pytestmark = pytest.mark.django_db
MOMENT = datetime.datetime(2026, 12, 7, 8, 42, 40, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def value(city_staff):
    from shangwu.indicators import services
    from shangwu.indicators.models import Indicator, IndicatorValue
    from shangwu.organization.models import Region

    services.value_save(
        item=services.ValueInput(
            indicator=Indicator.objects.get(code="RETAIL"),
            region=Region.objects.get(code="419902"),
            cumulative_value=Decimal("40"),
        ),
        month=datetime.date(2026, 5, 1),
        actor=city_staff,
    )
    return IndicatorValue.objects.get(indicator__code="RETAIL", month=datetime.date(2026, 5, 1))


def test_a_list_page_shows_its_moments_in_beijing_time(as_user, city_staff, value):
    page = as_user(city_staff).get("/indicators/values/", {"month": "2026-05-01"}).content.decode()
    shown = timezone.localtime(value.updated_at).strftime("%Y-%m-%d %H:%M:%S")
    assert f"<td>{shown}</td>" in page
    assert "+00:00" not in page


def test_an_export_writes_its_moments_in_beijing_time(as_user, city_staff, value):
    response = as_user(city_staff).get("/indicators/values/export/", {"month": "2026-05-01"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    column = headers.index("修改时间")
    assert sheet.cell(row=2, column=column + 1).value == timezone.localtime(
        value.updated_at
    ).strftime("%Y-%m-%d %H:%M:%S")


def test_the_shared_column_and_workbook_convert_utc_to_beijing():
    class Row:
        at = MOMENT

    assert Column("at", "时间").html(Row()) == "2026-12-07 16:42:40"
    sheet = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes(sheet="s", headers=["时间"], rows=[[MOMENT]]))
    ).active
    assert sheet["A2"].value == "2026-12-07 16:42:40"
