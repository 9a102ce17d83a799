"""Excel/CSV import of the enterprise registry: the names the views, tests and the benchmark use.

The engine lives in the ``shangwu.enterprises.imports`` package (layout, validation, pinyin,
writing, template); see its docstring.
"""

from shangwu.enterprises.imports import (
    COLUMN_BY_FIELD,
    COLUMNS,
    HELP_SHEET_NAME,
    SHEET_NAME,
    TEMPLATE_HEADERS,
    ImportColumn,
    ImportResult,
    enterprise_import_commit,
    enterprise_import_preview,
    enterprise_import_template,
    fast_name_pinyin,
)

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
