"""Monthly data import on the shared import contract (core.importer): a template of counties ×
indicators for one month, read back with every error naming its row and column; a preview counts
what the commit will write, and nothing is written unless the whole file is valid
(``services.values_import`` runs it in one transaction, and the contract's ``audit_import`` writes
the IMPORT row naming the month; each changed figure keeps its revision row "导入更正").

Layout (sheet “填报”):
  row 1: 填报月份 | 2026-05
  row 2: 区划代码 | 地区 | <指标>（<单位>）<本月 or 1—本月累计> | <指标>（<单位>）<上年同月 or 上年同期累计> | …
  row 3…: one row per county (and 全市 when the city total is entered rather than summed).
Either 本月 or 累计 may be given for each indicator (the other is derived); an empty cell leaves
the stored figure as it is.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal, InvalidOperation

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db import transaction

from shangwu.core.importer import Column, Importer, ImportResult, help_sheet
from shangwu.core.imports import RowError, cell_text, normalize_header
from shangwu.indicators import services
from shangwu.indicators.choices import Arrival
from shangwu.indicators.models import IndicatorValue
from shangwu.indicators.services import ValueInput

KIND_LABELS = {
    "month_value": "本月",
    "cumulative_value": "1—本月累计",
    "prev_month_value": "上年同月",
    "prev_cumulative_value": "上年同期累计",
}
MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\s*\d{1,2}\s*日?)?$")


def header_for(indicator, kind: str) -> str:
    return f"{indicator.name}（{indicator.unit}）{KIND_LABELS[kind]}"


def template_kinds(indicator) -> tuple[str, str]:
    if indicator.arrival == Arrival.MONTH:
        return "month_value", "prev_month_value"
    return "cumulative_value", "prev_cumulative_value"


def template_xlsx(*, indicators, regions, month: datetime.date, values=None) -> bytes:
    """The blank (or pre-filled) template; ``values`` maps (indicator id, region id) to a row."""
    values = values or {}
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    ws = wb.add_worksheet("填报")
    head = wb.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    note = wb.add_format({"italic": True, "font_color": "#666666"})
    ws.write_string(0, 0, "填报月份", head)
    ws.write_string(0, 1, f"{month:%Y-%m}")
    ws.write_string(
        0, 2, "说明：本月与累计任填其一，另一项由系统推算；空白单元格不改变已有数据。", note
    )
    ws.write_string(1, 0, "区划代码", head)
    ws.write_string(1, 1, "地区", head)
    col = 2
    columns = []
    for indicator in indicators:
        for kind in template_kinds(indicator):
            ws.write_string(1, col, header_for(indicator, kind), head)
            ws.set_column(col, col, 18)
            columns.append((indicator, kind))
            col += 1
    ws.set_row(1, 45)
    ws.set_column(0, 1, 12)
    for r, region in enumerate(regions, start=2):
        ws.write_string(r, 0, region.code)
        ws.write_string(r, 1, region.name)
        for c, (indicator, kind) in enumerate(columns, start=2):
            row = values.get((indicator.pk, region.pk))
            value = getattr(row, kind, None) if row is not None else None
            if value is not None:
                ws.write_number(r, c, float(value))
    ws.freeze_panes(2, 2)
    help_sheet(wb, columns=HELP_COLUMNS, help_lines=HELP_LINES, head=head)
    wb.close()
    return buffer.getvalue()


# The 填写说明 sheet: the grid's columns, then the rules.
HELP_COLUMNS = [
    Column("code", "区划代码", False, "县(市、区)的6位区划代码；全市合计行可填市的代码或写“全市”"),
    Column("name", "地区", False, "县(市、区)名称；区划代码与地区至少填一项"),
    Column(
        "value",
        "指标名称（单位）本月 / 1—本月累计",
        False,
        "数字，最多四位小数；本月与累计任填其一，另一项由系统推算；累计值不能为负数",
    ),
    Column(
        "prev",
        "指标名称（单位）上年同月 / 上年同期累计",
        False,
        "数字；用于计算同比，可留空",
    ),
]
HELP_LINES = (
    "1. 第1行为填报月份（如 2026-05），第2行为表头，请勿修改；从第3行起每行一个县(市、区)。",
    "2. 空白单元格不改变已有数据；同一文件重复导入不会重复写入；已有数据被改动的记为“导入更正”。",
    "3. 先预览后导入：任何一格有错误时整份文件都不导入，请按错误报告修改后重新上传。",
    "4. 由平台自动计算的指标不在模板中，也不能导入。",
)


def parse_month(value) -> datetime.date:
    if isinstance(value, datetime.datetime | datetime.date):
        return datetime.date(value.year, value.month, 1)
    match = MONTH_RE.match(cell_text(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(cell_text(value))
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def _number(value, places: int = 4) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = cell_text(value).replace(",", "").replace("，", "")
        number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return (
        number.quantize(Decimal(1).scaleb(-places))
        if number.as_tuple().exponent < -places
        else number
    )


def parse_values(rows, *, indicators, regions, month: datetime.date | None = None):
    """(month, [ValueInput], [RowError]) from the rows of an uploaded template. ``month`` from
    the form wins over the file's own 填报月份 only when the file has none; a mismatch is an
    error."""
    errors: list[RowError] = []
    if len(rows) < 3:
        return month, [], [RowError(1, "填报月份", "", "文件没有数据行：请使用下载的模板填写。")]
    file_month = None
    first = rows[0]
    if len(first) > 1 and cell_text(first[1]):
        try:
            file_month = parse_month(first[1])
        except ValueError:
            errors.append(RowError(1, "填报月份", cell_text(first[1]), "月份格式应为 2026-05。"))
    if file_month and month and file_month != month:
        errors.append(
            RowError(
                1,
                "填报月份",
                cell_text(first[1]),
                f"文件中的月份与所选月份（{month:%Y-%m}）不一致。",
            )
        )
    month = month or file_month
    if month is None and not errors:
        errors.append(RowError(1, "填报月份", "", "请填写填报月份，如 2026-05。"))

    by_header = {
        normalize_header(header_for(i, k)): (i, k) for i in indicators for k in KIND_LABELS
    }
    header = rows[1]
    columns: dict[int, tuple] = {}
    code_col = name_col = None
    for c, text in enumerate(header):
        norm = normalize_header(text)
        if not norm:
            continue
        if norm == "区划代码":
            code_col = c
        elif norm == "地区":
            name_col = c
        elif norm in by_header:
            columns[c] = by_header[norm]
        else:
            errors.append(
                RowError(
                    2,
                    cell_text(text),
                    cell_text(text),
                    "无法识别的列：列名应为“指标名称（单位）本月/1—本月累计/上年同月/上年同期累计”。",
                )
            )
    if code_col is None and name_col is None:
        errors.append(RowError(2, "区划代码", "", "缺少“区划代码”或“地区”列。"))
    if errors:
        return month, [], errors

    by_code = {r.code: r for r in regions}
    by_name = {r.name: r for r in regions}
    by_name["全市"] = next((r for r in regions if r.level == "city"), None)
    items: dict[tuple, ValueInput] = {}
    seen = {}
    for index, row in enumerate(rows[2:], start=3):
        if not any(cell_text(v) for v in row):
            continue
        code = cell_text(row[code_col]) if code_col is not None and code_col < len(row) else ""
        label = cell_text(row[name_col]) if name_col is not None and name_col < len(row) else ""
        region = by_code.get(code) if code else by_name.get(label)
        if region is None:
            column = "区划代码" if code else "地区"
            errors.append(RowError(index, column, code or label, "不是本市的县(市、区)或全市。"))
            continue
        if region.pk in seen:
            errors.append(
                RowError(index, "区划代码", code or label, f"与第{seen[region.pk]}行重复。")
            )
            continue
        seen[region.pk] = index
        for c, (indicator, kind) in columns.items():
            raw = row[c] if c < len(row) else ""
            if cell_text(raw) == "":
                continue
            column = cell_text(header[c])
            if indicator.is_computed:
                errors.append(
                    RowError(index, column, cell_text(raw), "该指标由平台自动计算，不能导入。")
                )
                continue
            try:
                value = _number(raw)
            except (InvalidOperation, ValueError):
                errors.append(RowError(index, column, cell_text(raw), "应为数字。"))
                continue
            if value < 0 and kind == "cumulative_value":
                errors.append(RowError(index, column, cell_text(raw), "累计值不能为负数。"))
                continue
            item = items.setdefault(
                (indicator.pk, region.pk), ValueInput(indicator=indicator, region=region)
            )
            setattr(item, kind, value)
    return month, list(items.values()), errors


class ValueImporter(Importer):
    """A month's figures, counties × indicators (the grid layout overrides ``run``)."""

    model = IndicatorValue
    noun = "指标数据"
    counted = "条"
    kinds = ("xlsx",)
    sheet_name = "填报"
    columns = HELP_COLUMNS
    help_lines = HELP_LINES

    def template_filename_for(self, month: datetime.date) -> str:
        return f"指标数据导入模板-{month:%Y-%m}.xlsx"

    def template(self, *, user, month: datetime.date, **options) -> bytes:
        """The month's template with the figures already entered for the user's regions."""
        from shangwu.indicators import selectors
        from shangwu.indicators.forms import writable_regions
        from shangwu.indicators.models import Indicator

        existing = {
            (v.indicator_id, v.region_id): v
            for v in selectors.value_list_for_entry(user=user, month=month)
        }
        return template_xlsx(
            indicators=Indicator.objects.restrict(user).filter(is_active=True, computation=""),
            regions=list(writable_regions(user)),
            month=month,
            values=existing,
        )

    def run(self, *, rows, actor, file_name: str, commit: bool, month=None, **options):
        from shangwu.indicators.forms import writable_regions
        from shangwu.indicators.models import Indicator
        from shangwu.organization.models import Region

        if isinstance(month, str):
            month = datetime.date.fromisoformat(month)
        result = ImportResult(file_name=file_name)
        writable = list(writable_regions(actor))
        # Regions outside the user's scope are still recognised, so the service can say whose
        # row it refuses ("只能填报河东区") rather than "not a county".
        regions = writable + [
            r for r in Region.objects.filter(level__in=["city", "county"]) if r not in writable
        ]
        indicators = list(Indicator.objects.restrict(actor).filter(is_active=True))
        month, items, result.errors = parse_values(
            rows, indicators=indicators, regions=regions, month=month
        )
        result.total = len(items)
        if result.errors:
            return result
        try:
            with transaction.atomic():
                counts = services.values_import(items=items, month=month, actor=actor)
                result.created, result.updated = counts["created"], counts["changed"]
                result.unchanged = counts["unchanged"]
                if commit:
                    self.audit_import(
                        actor=actor, result=result, about=f"填报月份 {month:%Y年%m月}。"
                    )
                else:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            result.file_error = "；".join(exc.messages)
            result.created = result.updated = result.unchanged = 0
            return result
        result.committed = commit
        return result


value_importer = ValueImporter()
