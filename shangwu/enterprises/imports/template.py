"""The blank import workbook: the headers, one example row, and a 填写说明 sheet."""

from __future__ import annotations

import datetime

from shangwu.enterprises.choices import INDUSTRY_SECTIONS
from shangwu.enterprises.imports.columns import (
    COLUMNS,
    HELP_SHEET_NAME,
    SHEET_NAME,
    TEMPLATE_HEADERS,
)
from shangwu.enterprises.models import Tag
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

# The template's example row; an import refuses it as it stands (validate.analyse).
EXAMPLE_NAME = "示例商贸有限公司"
EXAMPLE_CODE_BODY = "MA0000007"  # characters 9–17 of the example's credit code (GB 11714 check 7)


def enterprise_import_template() -> bytes:
    """The import template: the headers, one example row, and a 填写说明 sheet."""
    import io

    import xlsxwriter

    from shangwu.enterprises.validators import credit_code_check_char

    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code").first()
    township = (
        Region.objects.filter(parent=county).order_by("sort_order", "code").first()
        if county
        else None
    )
    body = f"91{county.code if county else '419902'}{EXAMPLE_CODE_BODY}"
    example = [
        body + credit_code_check_char(body),
        EXAMPLE_NAME,
        "示例商贸",
        county.name if county else "",
        township.name if township else "",
        "建设路1号",
        "张三",
        "F",
        "52",
        "内资",
        500,
        datetime.date(2020, 5, 18),
        "存续",
        "否",
        "限上零售(2024-03-01)、外贸实绩",
    ]
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    must = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    text_fmt = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(SHEET_NAME)
    for col, (column, title) in enumerate(zip(COLUMNS, TEMPLATE_HEADERS, strict=True)):
        ws.write_string(0, col, title, must if column.required else head)
        ws.set_column(
            col,
            col,
            24 if column.field in ("credit_code", "name", "address", "tags") else 14,
            date_fmt if column.field == "established_on" else text_fmt,
        )
    for col, value in enumerate(example):
        if isinstance(value, datetime.date):
            ws.write_datetime(1, col, datetime.datetime.combine(value, datetime.time()), date_fmt)
        elif isinstance(value, int):
            ws.write_number(1, col, value)
        else:
            ws.write_string(1, col, value)
    ws.freeze_panes(1, 0)

    help_ws = wb.add_worksheet(HELP_SHEET_NAME)
    help_ws.set_column(0, 0, 20)
    help_ws.set_column(1, 1, 8)
    help_ws.set_column(2, 2, 80)
    for col, title in enumerate(["列名", "必填", "格式与可选值"]):
        help_ws.write_string(0, col, title, head)
    tags = list(Tag.objects.order_by("sort_order", "name"))
    r = 1
    for column, title in zip(COLUMNS, TEMPLATE_HEADERS, strict=True):
        text = column.format
        if column.field == "tags":
            text += "。可用标签：" + "、".join(
                f"{t.name}{'（须写纳统日期）' if t.needs_date else ''}" for t in tags
            )
        if column.field == "industry_section":
            text += "。" + "；".join(f"{code} {label}" for code, label in INDUSTRY_SECTIONS)
        help_ws.write_string(r, 0, title)
        help_ws.write_string(r, 1, "是" if column.required else "否")
        help_ws.write_string(r, 2, text)
        r += 1
    r += 1
    for line in (
        "1. 第1行为表头，请勿修改；从第2行起每行一家企业，示例行请删除或改为真实数据。",
        "2. 以统一社会信用代码为准：代码已存在则更新该企业，不存在则新增；重复导入同一文件不会产生任何变化。",
        "3. 先预览后导入：任何一行有错误时不会写入任何数据，请按错误报告修改后重新上传。",
        "4. 只能导入您数据范围内的企业；县(市、区)、乡镇(街道)须填本市名称。",
        "5. 某列整列不存在时，已有企业的该项保持不变；单元格留空时，经济类型、状态、重点企业保持不变，其余项清空。",
        "6. 支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）；不接受启用宏的工作簿。",
    ):
        help_ws.write_string(r, 0, line)
        r += 1
    wb.close()
    return buffer.getvalue()
