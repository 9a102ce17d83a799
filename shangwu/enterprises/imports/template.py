"""What the blank import workbook holds beyond its columns: the example row, the values the
system has now, and the 填写说明 rules (the workbook itself is core.importer.template_xlsx)."""

from __future__ import annotations

import datetime

from shangwu.enterprises.choices import INDUSTRY_SECTIONS
from shangwu.enterprises.models import Tag
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

# The template's example row; an import refuses it as it stands (validate.analyse).
EXAMPLE_NAME = "示例商贸有限公司"
EXAMPLE_CODE_BODY = "MA0000007"  # characters 9–17 of the example's credit code (GB 11714 check 7)


HELP_LINES = (
    "1. 第1行为表头，请勿修改；从第2行起每行一家企业，示例行请删除或改为真实数据。",
    "2. 以统一社会信用代码为准：代码已存在则更新该企业，不存在则新增；重复导入同一文件不会产生任何变化。",
    "3. 先预览后导入：任何一行有错误时不会写入任何数据，请按错误报告修改后重新上传。",
    "4. 只能导入您数据范围内的企业；县(市、区)、乡镇(街道)须填本市名称。",
    "5. 某列整列不存在时，已有企业的该项保持不变；单元格留空时，经济类型、状态、重点企业保持不变，其余项清空。",
    "6. 支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）；不接受启用宏的工作簿。",
)


def example_row() -> list:
    """The template's example row (an import refuses it as it stands: validate.analyse)."""
    from shangwu.enterprises.validators import credit_code_check_char

    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code").first()
    township = (
        Region.objects.filter(parent=county).order_by("sort_order", "code").first()
        if county
        else None
    )
    body = f"91{county.code if county else '419902'}{EXAMPLE_CODE_BODY}"
    return [
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


def column_help() -> dict[str, str]:
    """The values the system holds now, after the tags' and 门类's help lines."""
    tags = Tag.objects.order_by("sort_order", "name")
    return {
        "tags": "。可用标签："
        + "、".join(f"{t.name}{'（须写纳统日期）' if t.needs_date else ''}" for t in tags),
        "industry_section": "。"
        + "；".join(f"{code} {label}" for code, label in INDUSTRY_SECTIONS),
    }
