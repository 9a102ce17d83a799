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

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.access import can
from shangwu.core.imports import sqlite_checkpoint_after
from shangwu.enterprises.imports.columns import (
    COLUMN_BY_FIELD,
    COLUMNS,
    HELP_SHEET_NAME,
    SHEET_NAME,
    TEMPLATE_HEADERS,
    ImportColumn,
    ImportResult,
)
from shangwu.enterprises.imports.pinyin import PinyinJob, fast_name_pinyin, start_pinyin
from shangwu.enterprises.imports.template import enterprise_import_template
from shangwu.enterprises.imports.validate import analyse
from shangwu.enterprises.imports.write import write
from shangwu.enterprises.models import Enterprise

__all__ = [
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "HELP_SHEET_NAME",
    "SHEET_NAME",
    "TEMPLATE_HEADERS",
    "ImportColumn",
    "ImportResult",
    "enterprise_import_commit",
    "enterprise_import_preview",
    "enterprise_import_template",
    "fast_name_pinyin",
]


def _check_actor(actor) -> None:
    if not can(actor, Enterprise.access, "import"):
        raise PermissionDenied("您没有导入企业的权限。")


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


def enterprise_import_preview(*, rows: list[list], actor, file_name: str) -> ImportResult:
    """Validate ``rows`` (header first) and count new / updated / unchanged / error rows. No writes."""
    _check_actor(actor)
    with _no_cyclic_gc():
        result, _ = analyse(rows=rows, actor=actor, file_name=file_name)
    return result


def enterprise_import_commit(*, rows: list[list], actor, file_name: str) -> ImportResult:
    """Validate again and write all rows in one transaction, or nothing when any row is invalid."""
    _check_actor(actor)
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
            audit_write(
                action=AuditAction.IMPORT,
                object_type=Enterprise._meta.label_lower,
                object_repr="企业",
                actor=actor,
                detail=(
                    f"导入文件“{file_name}”：共 {result.total} 行，新增 {result.created}，"
                    f"更新 {result.updated}，未变 {result.unchanged}。"
                ),
            )
    except IntegrityError:
        return ImportResult(
            file_name=file_name,
            file_error="导入期间数据被他人修改（信用代码冲突），未写入任何数据，请重新预览后再导入。",
        )
    result.committed = True
    return result
