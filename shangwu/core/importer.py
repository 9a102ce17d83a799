"""The import contract every module's spreadsheet import follows (enterprises, projects,
indicators, the 工作要点 of tasks).

An app declares one ``Importer`` subclass in ``<app>/imports.py``: its ``columns`` (header and
the variants clerks write, whether required, the help line of the 填写说明 sheet, a parser
turning a cell into a value or a Chinese reason — ``Choice`` by label, ``Lookup`` of a record by
name (within a parent: a township in its county), ``Code``, ``Amount``, ``Date``, ``Quarter``,
``YesNo``, declared here once for every module), the checks across one row's columns
(``check_row``) and across rows (``check_rows``), and its write step. The contract gives them all
the same things:

- one result shape (``ImportResult``): rows new / updated / unchanged, and ``RowError``s naming
  the row, the column as the user wrote it, the value and a Chinese reason;
- ``preview`` (validate and count, nothing written) and ``commit`` (validate again and write
  every row in one transaction, or nothing), both refusing an actor without the ``import`` grant;
- an IMPORT audit row summing up every committed file, beside the per-record rows the write step
  writes through the services (or, for the enterprise fast path, in bulk);
- the downloadable template (headers, an example row, a 填写说明 sheet) and the error report.

Reading and checking the upload itself is ``core.imports`` (size, extension, magic bytes, zip
bomb, macros, XML entities; calamine / csv); the upload → preview → confirm pages are
``core.views_import`` (one upload page, one preview page; an importer whose preview the user
corrects before confirming, the 工作要点's line kinds, adds its part with ``preview_include``). An importer whose layout is not one row per record (the indicators'
counties × indicators grid) overrides ``run``; the enterprise registry overrides it with its
column-wise fast path. Either way the result and the audit rows are the contract's.
"""

from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.access import can
from shangwu.core.imports import (
    HELP_SHEET_NAME,
    RowError,
    cell_text,
    merged_cells_error,
    normalize_header,
    parse_date,
    read_rows,
)

__all__ = [
    "AMOUNT_MAX",
    "HELP_SHEET_NAME",
    "YES_NO",
    "Amount",
    "Choice",
    "Code",
    "Column",
    "Date",
    "ImportResult",
    "Importer",
    "Lookup",
    "Parser",
    "Quarter",
    "RowError",
    "YesNo",
    "header_map",
    "template_xlsx",
]


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``parse`` turns a cell (as read: text, number, date or "") into the value written, or raises
    ``ValueError`` whose text is the reason shown to the user; without it the cell is trimmed
    text. A ``Parser`` (below: choices by label, look-ups by name, amounts, dates, quarters,
    yes/no, codes) also sees the row read so far and the file's context (the look-up tables the
    importer loaded once). ``into`` names the fields a parser's tuple is written to (a quarter
    is a year and a quarter). ``help`` is the column's line in the 填写说明 sheet.
    """

    field: str
    header: str
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    parse: Callable[[Any], Any] | Parser | None = None
    width: int = 14
    # The header as the template writes it, when it differs (注册资本（万元）).
    title: str = ""
    # What a blank required cell and an over-long one are told (the defaults name the column).
    empty: str = ""
    too_long: str = ""
    into: tuple[str, ...] = ()

    @property
    def template_header(self) -> str:
        return self.title or self.header

    @property
    def empty_message(self) -> str:
        return self.empty or f"{self.header}不能为空。"

    def value(self, cell, row=None, context=None):
        """The cell parsed, or ValueError with the reason."""
        if isinstance(self.parse, Parser):
            return self.parse(self, cell, row, context)
        if self.parse is not None:
            return self.parse(cell)
        text = cell_text(cell)
        if self.required and not text:
            raise ValueError(self.empty_message)
        if self.max_length is not None and len(text) > self.max_length:
            raise ValueError(self.too_long or f"不能超过{self.max_length}个字。")
        return text


# --- Parsers: how a column reads its cells, declared once for every importer --------------------


class Parser(ABC):
    """A column's reading of a cell: ``__call__(column, cell, row, context)`` returns the value
    or raises ``ValueError`` with the Chinese reason. ``row`` is the ``ParsedRow`` read so far
    (columns are read in their declared order), ``context`` what the importer's
    ``load_context`` loaded once for the file."""

    @abstractmethod
    def __call__(self, column: Column, cell, row, context): ...

    @staticmethod
    def blank(column: Column, text: str, value=None):
        """``value`` for a blank optional cell; a blank required one is refused."""
        if column.required:
            raise ValueError(column.empty_message)
        return value


# The largest amount a DecimalField(max_digits=14, decimal_places=2) holds.
AMOUNT_MAX = Decimal("999999999999.99")
# How 是/否 is written in the bureau's sheets (compared upper-cased).
YES_NO = {
    "是": True,
    "否": False,
    "Y": True,
    "N": False,
    "1": True,
    "0": False,
    "TRUE": True,
    "FALSE": False,
}


@dataclass(frozen=True)
class YesNo(Parser):
    """是/否 (also Y/N, 1/0, TRUE/FALSE); a blank cell is ``empty``."""

    empty: bool | None = False

    def __call__(self, column, cell, row, context):
        text = cell_text(cell).upper()
        if not text:
            return self.empty
        value = YES_NO.get(text)
        if value is None:
            raise ValueError("应填“是”或“否”。")
        return value


@dataclass(frozen=True)
class Choice(Parser):
    """One of a set of values, written by its label (民企 → "private"). Blank in an optional
    column is None; anything else not on the list is told the list."""

    by_label: Mapping[str, Any]

    @classmethod
    def of(cls, choices) -> Choice:
        """For a Django ``TextChoices``: its labels."""
        return cls({label: value for value, label in choices.choices})

    def __call__(self, column, cell, row, context):
        text = cell_text(cell)
        if not text and not column.required:
            return None
        try:
            return self.by_label[text]
        except KeyError:
            raise ValueError(f"应为：{'/'.join(self.by_label)}。") from None


@dataclass(frozen=True)
class Lookup(Parser):
    """A record named in the cell, found in a table the importer loads once per file
    (``context.<table>`` or ``context[table]``: name → record). ``within`` names a column read
    earlier whose record scopes the name (a township by name within its county): the table is
    then keyed by (that record's pk, name), and with no such record the cell is not read.
    ``missing`` is the reason for a name not found: ``{value}`` the name, ``{within}`` the
    scoping record, ``{choices}`` the names there are."""

    table: str
    missing: str
    within: str = ""

    def __call__(self, column, cell, row, context):
        text = cell_text(cell)
        if not text and not column.required:
            return None
        table = (
            context[self.table] if isinstance(context, Mapping) else getattr(context, self.table)
        )
        parent = None
        if self.within:
            parent = row.values.get(self.within) if row is not None else None
            if parent is None:
                return None
            found = table.get((parent.pk, text))
        else:
            found = table.get(text)
        if found is None:
            raise ValueError(
                self.missing.format(value=text, within=parent, choices="、".join(map(str, table)))
            )
        return found


@dataclass(frozen=True)
class Code(Parser):
    """A code from a fixed list (a GB/T 4754 大类), zero-padded to ``width`` when a clerk's sheet
    dropped the leading zero (3 → 03). Blank is ""."""

    codes: Mapping[str, Any]
    invalid: str
    width: int = 0

    def __call__(self, column, cell, row, context):
        text = cell_text(cell)
        if not text:
            return self.blank(column, text, "")
        if self.width and text.isdigit():
            text = text.zfill(self.width)
        if text not in self.codes:
            raise ValueError(self.invalid)
        return text


@dataclass(frozen=True)
class Amount(Parser):
    """A non-negative amount with two decimals (thousands separators allowed). Blank is None."""

    max: Decimal = AMOUNT_MAX
    invalid: str = "应为数字。"
    out_of_range: str = "金额应为非负数且不超过14位。"

    def __call__(self, column, cell, row, context):
        text = cell_text(cell)
        if not text:
            return self.blank(column, text)
        try:
            amount = Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValueError(self.invalid) from None
        if amount < 0 or amount > self.max:
            raise ValueError(self.out_of_range)
        return amount


@dataclass(frozen=True)
class Date(Parser):
    """A date cell, an Excel day number or text (2025-03-31, 2025/3/31, 2025年3月31日). Blank is
    None."""

    invalid: str = "日期格式应为 2025-03-31。"

    def __call__(self, column, cell, row, context):
        if not cell_text(cell):
            return self.blank(column, "")
        try:
            return parse_date(cell)
        except ValueError:
            raise ValueError(self.invalid) from None


_QUARTER_RE = re.compile(r"^(\d{4})\s*(?:年\s*第?\s*([1-4一二三四])\s*季度?|[Qq]([1-4]))$")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True)
class Quarter(Parser):
    """A quarter, 2025年第1季度 or 2025Q1, as (year, quarter); blank is (None, None). Declare
    the column with ``into=(year_field, quarter_field)``."""

    invalid: str = "季度应写成“2025年第1季度”或“2025Q1”。"

    def __call__(self, column, cell, row, context):
        text = cell_text(cell).replace(" ", "")
        if not text:
            return self.blank(column, text, (None, None))
        match = _QUARTER_RE.match(text)
        if match is None:
            raise ValueError(self.invalid)
        number = match.group(2) or match.group(3)
        return int(match.group(1)), _NUMERALS.get(number) or int(number)


@dataclass
class ImportResult:
    """What a preview found, or what a commit wrote (the same shape for every importer)."""

    file_name: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    # Headers no column answers to: their cells are not read (the preview says so).
    ignored_columns: list[str] = field(default_factory=list)
    # What the first updates change: (row, record, [(label, before, after)], clears something).
    changes: list[tuple] = field(default_factory=list)
    # What stops the commit but is no row's fault, and can be corrected on the preview (a plan
    # in which no task was recognised; a title already taken).
    problems: list[str] = field(default_factory=list)
    # What the importer's own part of the preview shows (``Importer.preview_include``).
    context: dict = field(default_factory=dict)
    committed: bool = False

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def changes_clear(self) -> bool:
        """Some update empties a field or drops a tag."""
        return any(change[3] for change in self.changes)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error and not self.problems

    def count(self, outcome: str) -> None:
        """Count one row as "created", "updated" or "unchanged"."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        return (
            f"导入文件“{self.file_name}”：共 {self.total} 行，新增 {self.created}，"
            f"更新 {self.updated}，未变 {self.unchanged}。"
        )


def header_map(columns, header_row) -> tuple[dict[str, int], list[str]]:
    """field → column index for the headers of ``header_row`` (header or any variant, compared
    without spaces and with either width of brackets), and the headers as written."""
    by_alias = {}
    for col in columns:
        for text in (col.header, *col.aliases):
            by_alias[normalize_header(text)] = col.field
    mapping, written = {}, [cell_text(h) for h in header_row]
    for index, text in enumerate(header_row):
        fld = by_alias.get(normalize_header(text))
        if fld and fld not in mapping:
            mapping[fld] = index
    return mapping, written


class _Rollback(Exception):
    pass


class Importer:
    """The base every app's importer subclasses (see the module docstring).

    Subclasses set ``model`` (its ``import`` grant decides who may import; its label names the
    audit rows), ``noun`` (“企业”), ``columns``, ``sheet_name``, ``template_filename``,
    ``help_lines`` and, for the default one-row-per-record flow, ``parse_row`` and
    ``write_row``.
    """

    model = None
    noun = ""
    counted = "条"
    kinds: tuple[str, ...] = ("xlsx", "csv")  # the files core.imports.check_upload lets through
    columns: list[Column] = []
    sheet_name = "导入数据"
    template_filename = "导入模板.xlsx"
    help_lines: tuple[str, ...] = ()
    date_fields: tuple[str, ...] = ()  # template columns formatted as dates
    # Service field errors → the column they are shown under.
    field_columns: dict[str, str] = {}
    # A preview the user corrects before confirming: the template included in the preview's
    # form (its fields come back through ``corrections``) and, for htmx, the fragment it swaps.
    preview_include = ""
    preview_fragment = ""

    # --- the contract's entry points ---------------------------------------------------------

    def check_actor(self, actor) -> None:
        if not can(actor, self.model.access, "import"):
            raise PermissionDenied(f"您没有导入{self.noun}的权限。")

    def preview(self, *, rows, actor, file_name: str, **options) -> ImportResult:
        """Validate every row and count new / updated / unchanged. Nothing is written."""
        self.check_actor(actor)
        return self.run(rows=rows, actor=actor, file_name=file_name, commit=False, **options)

    def commit(self, *, rows, actor, file_name: str, **options) -> ImportResult:
        """Validate again and write every row in one transaction, or nothing."""
        self.check_actor(actor)
        return self.run(rows=rows, actor=actor, file_name=file_name, commit=True, **options)

    def corrections(self, data) -> dict:
        """Options the user corrected on the preview (POSTed with a re-preview or the commit),
        as keyword arguments for ``preview`` and ``commit``; none by default."""
        return {}

    def success_message(self, result: ImportResult) -> str:
        """What the user reads after a commit."""
        n = self.counted
        return (
            f"已导入“{result.file_name}”：新增 {result.created} {n}，更新 {result.updated} {n}，"
            f"{result.unchanged} {n}无变化。"
        )

    def upload_limit(self) -> int | None:
        """The largest file this import takes, in bytes; None: ``settings.UPLOAD_MAX_BYTES``.
        An import of platform exports (a million rows) names a setting of its own."""
        return None

    def read(self, path, kind: str) -> list[list]:
        """The rows of a checked upload, header first (the 填写说明 sheet is skipped)."""
        return read_rows(path, kind, skip_sheets=(HELP_SHEET_NAME,))

    def template(self, **options) -> bytes:
        """The blank workbook: headers (required ones marked), an example row, 填写说明."""
        return template_xlsx(
            sheet_name=self.sheet_name,
            columns=self.columns,
            example=self.example_row(),
            column_help=self.column_help(),
            help_lines=self.help_lines,
            date_fields=self.date_fields,
        )

    def example_row(self) -> dict | list | tuple:
        """The template's example: a row (dict by field, or list), or a tuple of rows."""
        return {}

    def column_help(self) -> dict[str, str]:
        """Extra text after a column's help line (the values the system holds now)."""
        return {}

    def audit_import(self, *, actor, result: ImportResult, obj=None, about: str = "") -> None:
        """The one IMPORT row that sums up a committed file, for every importer (records have
        their own rows): the file and its counts, then what else identifies the import
        (``about``: the month of the indicators' grid). An import that makes one record (a
        plan) names it as ``obj``; otherwise the row names the model, as its upload row does."""
        audit_write(
            action=AuditAction.IMPORT,
            obj=obj,
            object_type=self.model._meta.label_lower,
            object_repr=str(obj or self.model._meta.verbose_name)[:200],
            actor=actor,
            detail=result.summary() + about,
        )

    # --- the default flow: one row per record, written through the services ------------------

    conflict_message = "导入期间数据被他人修改，未写入任何数据，请重新预览后再导入。"

    def run(self, *, rows, actor, file_name: str, commit: bool, **options) -> ImportResult:
        """Every row parsed and checked, then written inside one transaction, each row in its
        own savepoint so every row's errors are collected; any error, or a preview, rolls the
        whole transaction back, so the preview counts exactly what the commit would do."""
        result = ImportResult(file_name=file_name)
        if not rows:
            result.file_error = "文件中没有数据。"
            return result
        mapping, written = header_map(self.columns, rows[0])
        missing = [c.header for c in self.columns if c.required and c.field not in mapping]
        if missing:
            result.file_error = f"第1行应为表头，缺少必填列：{'、'.join(missing)}。请使用导入模板。"
            return result
        file_error = merged_cells_error(rows, 0)
        if file_error:
            result.file_error = file_error
            return result
        by_field = {c.field: c for c in self.columns}

        def column_of(fld: str) -> str:
            fld = self.field_columns.get(fld, fld) or self.columns[0].field
            i = mapping.get(fld)
            if i is not None and written[i]:
                return written[i]
            return by_field.get(fld, self.columns[0]).header

        context = self.load_context(actor=actor, **options)
        parsed = []
        for index in range(1, len(rows)):
            raw = rows[index]
            if not any(v not in ("", None) for v in raw):
                continue
            result.total += 1
            cells = {f: raw[i] if i < len(raw) else "" for f, i in mapping.items()}
            parsed.append(self.parse_row(index + 1, cells, context))
        self.check_rows(parsed, actor=actor, context=context)
        try:
            with transaction.atomic():
                for row in parsed:
                    if not row.errors:
                        try:
                            with transaction.atomic():
                                outcome = self.write_row(row, actor=actor, context=context)
                        except ValidationError as exc:
                            for fld, messages in (
                                exc.message_dict.items()
                                if hasattr(exc, "error_dict")
                                else [("", exc.messages)]
                            ):
                                for message in messages:
                                    row.err(fld if fld != "__all__" else "", "", message)
                        else:
                            result.count(outcome)
                    for fld, value, reason in row.errors:
                        result.errors.append(
                            RowError(row.rowno, column_of(fld), str(value), reason)
                        )
                if result.errors or not commit:
                    raise _Rollback
                self.audit_import(actor=actor, result=result)
        except _Rollback:
            return result
        except IntegrityError:
            return ImportResult(file_name=file_name, file_error=self.conflict_message)
        result.committed = True
        return result

    def load_context(self, *, actor, **options):
        """What every row is checked against (lookup tables), loaded once per file."""
        return None

    def parse_row(self, rowno: int, cells: dict, context) -> ParsedRow:
        """One row's cells (field → cell) read by the columns in their order, then the row's
        own checks (``check_row``)."""
        row = ParsedRow(rowno)
        for col in self.columns:
            if col.field in cells:
                row.parse(col, cells[col.field], context)
        self.check_row(row, context)
        return row

    def check_row(self, row: ParsedRow, context) -> None:
        """Checks across one row's columns (a stage and its dates), once every column is read;
        errors go to ``row.err``."""

    def check_rows(self, rows: list[ParsedRow], *, actor, context) -> None:
        """Checks across rows and against the stored records (duplicates, scope)."""

    def write_row(self, row: ParsedRow, *, actor, context) -> str:
        """Write one valid row through the services; "created", "updated" or "unchanged".
        Required by the default one-row-per-record flow; an importer with its own ``commit``
        (the enterprise fast path) does not call it."""
        raise NotImplementedError(
            f"{type(self).__name__} 使用逐行写入：须定义 write_row，或覆盖 commit。"
        )


class ParsedRow:
    """One row of the file: its number, its values by field, and its errors (field, value,
    reason) until they become ``RowError``s."""

    def __init__(self, rowno: int):
        self.rowno = rowno
        self.values: dict = {}
        self.cells: dict = {}  # field → the cell as read, for messages that quote it
        self.errors: list[tuple[str, str, str]] = []

    def err(self, fld: str, value, reason: str) -> None:
        self.errors.append((fld, value, reason))

    def has_error(self, fld: str) -> bool:
        return any(e[0] == fld for e in self.errors)

    def text(self, fld: str) -> str:
        """The cell of ``fld`` as the user wrote it (trimmed), "" when the file has no such
        column."""
        return cell_text(self.cells.get(fld, ""))

    def parse(self, column: Column, cell, context=None) -> None:
        """The cell read by its column into ``values`` (or the fields of ``column.into``), or
        its reason into ``errors``."""
        self.cells[column.field] = cell
        try:
            value = column.value(cell, self, context)
        except ValueError as exc:
            self.err(column.field, cell_text(cell), str(exc))
            return
        if column.into:
            self.values.update(zip(column.into, value, strict=True))
        else:
            self.values[column.field] = value


def template_xlsx(
    *,
    sheet_name: str,
    columns,
    example: dict | list,
    column_help: dict[str, str] | None = None,
    help_lines=(),
    date_fields=(),
) -> bytes:
    """An import template: the headers (required ones shaded), one example row, and a 填写说明
    sheet (column, required, format and values, then the numbered rules)."""
    import datetime

    import xlsxwriter

    column_help = column_help or {}
    examples = example if isinstance(example, tuple) else (example,)  # several rows: a tuple
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    must = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    text_fmt = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(sheet_name)
    for col, column in enumerate(columns):
        ws.write_string(0, col, column.template_header, must if column.required else head)
        ws.set_column(col, col, column.width, date_fmt if column.field in date_fields else text_fmt)
    for r, example in enumerate(examples, start=1):
        if isinstance(example, dict):
            example = [example.get(c.field, "") for c in columns]
        for col, value in enumerate(example):
            if isinstance(value, datetime.date):
                ws.write_datetime(
                    r, col, datetime.datetime.combine(value, datetime.time()), date_fmt
                )
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    ws.freeze_panes(1, 0)
    help_sheet(wb, columns=columns, column_help=column_help, help_lines=help_lines, head=head)
    wb.close()
    return buffer.getvalue()


def help_sheet(wb, *, columns, column_help=None, help_lines=(), head=None) -> None:
    """The 填写说明 sheet of a template workbook (readers skip it by its name)."""
    column_help = column_help or {}
    head = head or wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws = wb.add_worksheet(HELP_SHEET_NAME)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 8)
    ws.set_column(2, 2, 80)
    for col, title in enumerate(["列名", "必填", "格式与可选值"]):
        ws.write_string(0, col, title, head)
    r = 1
    for column in columns:
        ws.write_string(r, 0, column.template_header)
        ws.write_string(r, 1, "是" if column.required else "否")
        ws.write_string(r, 2, column.help + column_help.get(column.field, ""))
        r += 1
    r += 1
    for line in help_lines:
        ws.write_string(r, 0, line)
        r += 1
