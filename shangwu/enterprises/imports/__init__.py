"""Enterprise registry import from Excel/CSV (企业库批量导入).

The 统一社会信用代码 is the key: a row whose code is new creates an enterprise, a row whose
values differ from the stored record updates it (audited field by field), and a row that matches
changes nothing, so re-importing the same file is a no-op. Nothing is written unless every row
is valid: ``enterprise_import_preview`` validates and counts, ``enterprise_import_commit``
validates again and writes everything in one transaction, or nothing.

Modules: ``columns`` (the file's layout), ``validate`` (cells and rows), ``pinyin`` (names'
pinyin), ``write`` (the tables and the audit rows), ``template`` (the blank workbook).
Speed: bench/enterprise_import.py.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from shangwu.core.importer import Importer
from shangwu.core.imports import sqlite_checkpoint_after
from shangwu.enterprises.imports.columns import (
    COLUMN_BY_FIELD,
    COLUMNS,
    HELP_SHEET_NAME,
    SHEET_NAME,
    TEMPLATE_HEADERS,
    ImportResult,
)
from shangwu.enterprises.imports.pinyin import PinyinJob, fast_name_pinyin, start_pinyin
from shangwu.enterprises.imports.template import HELP_LINES, column_help, example_row
from shangwu.enterprises.imports.validate import analyse
from shangwu.enterprises.imports.write import write
from shangwu.enterprises.models import Enterprise

__all__ = [
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "HELP_SHEET_NAME",
    "SHEET_NAME",
    "TEMPLATE_HEADERS",
    "EnterpriseImporter",
    "ImportResult",
    "enterprise_import_commit",
    "enterprise_import_preview",
    "enterprise_import_template",
    "enterprise_importer",
    "fast_name_pinyin",
]


@contextmanager
def _no_cyclic_gc():
    """A 100,000-row file is millions of live objects and none of them cyclic garbage; the
    cyclic collector would rescan them all again and again (the import slowed to half speed)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class EnterpriseImporter(Importer):
    """The registry keyed by 统一社会信用代码, on the column-wise fast path: ``analyse`` checks
    the cells column by column against lookups loaded once, ``write`` writes the rows, their
    CREATED events and per-record audit rows in bulk (``sql.py``)."""

    model = Enterprise
    noun = "企业"
    counted = "家"
    columns = COLUMNS
    sheet_name = SHEET_NAME
    template_filename = "企业导入模板.xlsx"
    help_lines = HELP_LINES
    date_fields = ("established_on",)
    conflict_message = (
        "导入期间数据被他人修改（信用代码冲突），未写入任何数据，请重新预览后再导入。"
    )

    def example_row(self):
        return example_row()

    def column_help(self):
        return column_help()

    def run(self, *, rows, actor, file_name: str, commit: bool, **options) -> ImportResult:
        if not commit:
            with _no_cyclic_gc():
                result, _ = analyse(rows=rows, actor=actor, file_name=file_name)
            return result
        job = PinyinJob()

        def start_new_names(codes, existing, names):
            # The pinyin of the names whose code is not stored yet, beside the rest of the checks.
            nonlocal job
            job = start_pinyin([n for c, n in zip(codes, names, strict=True) if c not in existing])

        try:
            with _no_cyclic_gc(), sqlite_checkpoint_after(), transaction.atomic():
                result, plan = analyse(
                    rows=rows, actor=actor, file_name=file_name, on_codes=start_new_names
                )
                if not result.ok:
                    job.cancel()
                    return result
                write(plan=plan, actor=actor, file_name=file_name, pinyins=job)
                self.audit_import(actor=actor, result=result)
        except IntegrityError:
            return ImportResult(file_name=file_name, file_error=self.conflict_message)
        result.committed = True
        return result


enterprise_importer = EnterpriseImporter()
enterprise_import_preview = enterprise_importer.preview
enterprise_import_commit = enterprise_importer.commit
enterprise_import_template = enterprise_importer.template
