"""Excel export shared by every list: scope and filters are applied by the caller; this escapes
cells that a spreadsheet would run as a formula (CSV/formula injection)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import xlsxwriter

from shangwu.core.tables import format_datetime

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, filename: str, content_type: str = XLSX):
    """An attachment response; the Chinese file name travels RFC 5987-encoded."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def formula_safe_workbook(buffer) -> xlsxwriter.Workbook:
    """An in-memory workbook that never turns text into formulas, numbers or links."""
    return xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )


def safe_cell(value):
    """Text that Excel or WPS would treat as a formula gets a leading apostrophe-like quote.
    Anything but a number, date or text (a related record, say) is written as its text, and
    so escaped like any other: an enterprise named "=HYPERLINK(…)" stays text in every column."""
    if value is not None and not isinstance(value, (str, int, float, Decimal, datetime.date)):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_bytes(*, sheet: str, headers: list[str], rows) -> bytes:
    buffer = io.BytesIO()
    workbook = formula_safe_workbook(buffer)
    ws = workbook.add_worksheet(sheet[:31])
    head = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, title in enumerate(headers):
        ws.write_string(0, col, title, head)
        ws.set_column(col, col, max(10, min(40, len(title) * 2 + 4)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            value = safe_cell(value)
            if isinstance(value, datetime.datetime):
                ws.write_string(r, c, format_datetime(value))
            elif isinstance(value, datetime.date):
                ws.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date_fmt)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            elif value is None:
                ws.write_blank(r, c, None)
            else:
                ws.write_string(r, c, str(value))
    ws.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
