"""The import file's layout: columns (header, aliases, format help), the value tables the cells
are read against, and the result a preview or commit reports."""

from __future__ import annotations

import re

from shangwu.core import importer
from shangwu.core.importer import AMOUNT_MAX, YES_NO, Column
from shangwu.core.importer import HELP_SHEET_NAME as HELP_SHEET_NAME
from shangwu.core.importer import ImportResult as ImportResult
from shangwu.enterprises.choices import INDUSTRY_SECTIONS, EnterpriseStatus, Ownership

SHEET_NAME = "企业信息"

COLUMNS = [
    Column(
        "credit_code",
        "统一社会信用代码",
        True,
        "18位数字或大写字母（不含I、O、S、V、Z），第18位为校验位；作为导入的唯一键",
        ("信用代码",),
        max_length=18,
        width=24,
    ),
    Column(
        "name",
        "企业名称",
        True,
        "营业执照上的全称",
        ("名称", "单位名称"),
        max_length=200,
        width=24,
    ),
    Column("short_name", "简称", False, "不超过50字", ("企业简称",), max_length=50),
    Column(
        "county",
        "县(市、区)",
        False,
        "本市县(市、区)名称；留空时按信用代码第3—8位自动填写",
        ("县区", "所属县区", "县(市区)"),
    ),
    Column(
        "township",
        "乡镇(街道)",
        False,
        "所填县(市、区)下的乡镇或街道名称；可留空",
        ("乡镇", "乡镇街道", "街道", "所属乡镇", "所属街道", "所属乡镇(街道)"),
    ),
    Column(
        "address",
        "地址",
        False,
        "不超过200字",
        ("企业地址", "注册地址", "住所"),
        max_length=200,
        width=24,
    ),
    Column(
        "legal_representative",
        "法定代表人",
        False,
        "不超过50字",
        ("法人代表", "法人"),
        max_length=50,
    ),
    Column(
        "industry_section",
        "行业门类",
        False,
        "GB/T 4754-2017 门类字母 A—T（也可填门类名称）；留空时按行业大类推定",
        ("门类",),
    ),
    Column("industry_division", "行业大类", False, "两位数字，如 51；须属于所填门类", ("大类",)),
    Column("ownership", "经济类型", False, "/".join(Ownership.labels) + "；新企业留空为内资"),
    Column(
        "registered_capital",
        "注册资本(万元)",
        False,
        "数字，最多两位小数",
        ("注册资本", "注册资金", "注册资金(万元)"),
        title="注册资本（万元）",
    ),
    Column("established_on", "成立日期", False, "日期，如 2020-05-18", ("成立时间",)),
    Column("status", "状态", False, "/".join(EnterpriseStatus.labels) + "；新企业留空为存续"),
    Column("is_key", "重点企业", False, "是/否；新企业留空为否", ("是否重点企业", "是否重点")),
    Column(
        "tags",
        "标签",
        False,
        "标签名称，多个用“、”或“，”分隔；限上标签须写纳统日期，如 限上零售(2024-03-01)",
        width=24,
    ),
]
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
TEMPLATE_HEADERS = [c.template_header for c in COLUMNS]

# GB/T 4754-2017: which 大类 (two-digit division) belong to which 门类.
DIVISION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
SECTION_FOR_DIVISION = {
    f"{d:02d}": s for s, (lo, hi) in DIVISION_RANGES.items() for d in range(lo, hi + 1)
}
SECTION_BY_TEXT = {
    **{s: s for s, _ in INDUSTRY_SECTIONS},
    **{label: s for s, label in INDUSTRY_SECTIONS},
}
OWNERSHIP_BY_LABEL = {label: value for value, label in Ownership.choices}
STATUS_BY_LABEL = {label: value for value, label in EnterpriseStatus.choices}
BOOL_BY_TEXT = YES_NO  # the contract's table, as every importer reads 是/否
TAG_SPLIT = re.compile(r"[、，,；;]")
TAG_WITH_DATE = re.compile(r"^(?P<name>[^()（）]+?)\s*(?:[(（]\s*(?P<date>[^()（）]*?)\s*[)）])?$")
CAPITAL_MAX = AMOUNT_MAX

# Compared with the stored record to decide new / updated / unchanged (order = snapshot order).
COMPARED = [
    "name",
    "short_name",
    "county",
    "township",
    "address",
    "legal_representative",
    "industry_section",
    "industry_division",
    "ownership",
    "registered_capital",
    "established_on",
    "status",
    "is_key",
]
DEFAULTS = {
    "short_name": "",
    "township": None,
    "address": "",
    "legal_representative": "",
    "industry_section": "",
    "industry_division": "",
    "ownership": Ownership.DOMESTIC,
    "registered_capital": None,
    "established_on": None,
    "status": EnterpriseStatus.ACTIVE,
    "is_key": False,
}
# Blank in these columns means "keep" for an existing enterprise, the default for a new one.
BLANK_KEEPS = {"county", "ownership", "status", "is_key"}


def header_map(header_row) -> tuple[dict, list[str], str]:
    """field -> column index, the headers as written, and a file-level error (or "")."""
    mapping, written = importer.header_map(COLUMNS, header_row)
    missing = [COLUMN_BY_FIELD[f].header for f in ("credit_code", "name") if f not in mapping]
    if missing:
        return (
            mapping,
            written,
            f"未找到表头：前几行中没有同时写明{'、'.join(COLUMN_BY_FIELD[f].header for f in ('credit_code', 'name'))}"
            f"的一行（缺少：{'、'.join(missing)}）。请使用导入模板。",
        )
    return mapping, written, ""
