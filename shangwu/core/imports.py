"""The low-level half of the import engine, shared by every upload (enterprises, projects,
indicators, the 工作要点 of tasks): checking, reading, storing between preview and commit, the
error report and fast inserts. The contract each app's importer follows (columns, result,
preview and all-or-nothing commit, template) is ``core.importer``.

The order matters: an upload is checked (size, extension, magic bytes, zip structure, macros,
XML entities) *before* any row is read, so a zip bomb or a macro workbook never reaches the
parser. Rows are then read with python-calamine (xlsx) or the csv module (UTF-8, then GBK), and
the app's importer validates them. Errors are ``RowError``s (row, column, value, reason) that
the page shows and ``error_report_xlsx`` turns into a downloadable workbook.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import os
import queue
import re
import sqlite3
import threading
import time
import uuid
import zipfile
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.exports import xlsx_bytes

logger = logging.getLogger(__name__)

# A real workbook's XML compresses well (10–30×); a ratio past this is a zip bomb.
ZIP_MAX_RATIO = 100
# What a workbook may expand to in memory, whatever its compressed size.
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
# A long CSV cell is the row checks' to report (with its row and column), not the reader's: the
# reader's own limit (128 KB) is raised once, above any file the upload limit lets through.
csv.field_size_limit(256 * 1024 * 1024)
ALLOWED_EXTENSIONS = {".xlsx", ".csv", ".docx"}  # what an upload may be stored as
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlam", ".xlsb"}
# Content types that mean macros whatever the parts are named: a VBA project, Excel 4.0 macro
# sheets (international ones too).
MACRO_CONTENT_TYPES = (b"vbaproject", b"macrosheet")
STORE_DIRNAME = "imports"
STORE_MAX_AGE_SECONDS = 24 * 3600
_TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


# The instructions sheet every import template carries; readers skip it.
HELP_SHEET_NAME = "填写说明"


class UploadRejected(Exception):
    """The file is refused as a whole, before any row is read. ``str(exc)`` is for the user."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # the spreadsheet's own row number (the header is row 1)
    column: str  # the column's header as the user wrote it
    value: str
    reason: str

    def __str__(self):
        return f"第{self.row}行“{self.column}”列：{self.reason}"


def upload_max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def audit_upload(*, model, name: str, size: int | None = None, refused: str = "", detail: str = ""):
    """One IMPORT row for every file uploaded to an import, taken or refused: a macro workbook,
    a zip bomb or an XML entity trick turned away is exactly what the auditor must see (等保).
    ``refused`` is the message the user got; ``detail`` what happened to an accepted file."""
    text = f"上传文件“{name or '(无名)'}”"
    if size is not None:
        text += f"（{size / 1024:.1f} KB）" if size < 1024 * 1024 else f"（{_size_text(size)}）"
    if refused:
        text += f"，已拒绝：{refused}"
    elif detail:
        text += f"：{detail}"
    return audit_write(
        action=AuditAction.IMPORT,
        object_type=model._meta.label_lower,
        object_repr=str(model._meta.verbose_name),
        detail=text[:2000],
    )


def audit_file_download(*, model, what: str, name: str):
    """One EXPORT row for a file the import flow hands out (its template, an error report)."""
    return audit_write(
        action=AuditAction.EXPORT,
        object_type=model._meta.label_lower,
        object_repr=str(model._meta.verbose_name),
        detail=f"下载{what}“{name}”",
    )


def check_upload(
    source, *, name: str, kinds: tuple[str, ...] = ("xlsx", "csv"), max_bytes: int | None = None
) -> str:
    """Refuse anything that is not a plain file of one of ``kinds`` ("xlsx", "csv", "docx")
    within the limits; return the kind.

    ``source`` is a path or an open file (an upload; it is left at its start). Checked in this
    order, all before a row is read: extension (macro formats named as such), size
    (settings.UPLOAD_MAX_BYTES, or the importer's own ``max_bytes``), magic bytes, then for xlsx and docx the zip directory: the parts
    the format must have, no VBA project or macro content type, the declared uncompressed size
    and compression ratio (zip bomb), and no XML document type or entities (XXE).
    """
    ext = Path(name or "").suffix.lower()
    if kinds == ("docx",):
        if ext != ".docx":
            raise UploadRejected("只接受 .docx 文件（旧版 .doc 请在 Word 或 WPS 中另存为 .docx）。")
    elif ext in MACRO_EXTENSIONS:
        raise UploadRejected(
            f"不接受启用宏或二进制格式的工作簿（{ext}）：请另存为 .xlsx 后再上传。"
        )
    elif ext == ".xls":
        raise UploadRejected("不接受旧版 .xls 文件：请在 Excel 或 WPS 中另存为 .xlsx 后再上传。")
    elif ext.lstrip(".") not in kinds:
        raise UploadRejected(f"只接受 {' 或 '.join('.' + k for k in kinds)} 文件。")
    size = _size(source)
    limit = max_bytes or upload_max_bytes()
    if size > limit:
        raise UploadRejected(f"文件大小 {_size_text(size)}，超过上限 {_size_text(limit)}。")
    if size == 0:
        raise UploadRejected("文件是空的。")
    head = _sample(source, 8)
    if ext == ".docx":
        if head[:4] != b"PK\x03\x04":
            raise UploadRejected("文件不是真正的 .docx 文档（内容不是 Office Open XML 格式）。")
        _check_docx_zip(source)
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRejected(
            "文件是旧版 Excel（.xls）或加密的工作簿，不是 .xlsx：请另存为 .xlsx 后再上传。"
        )
    if ext == ".csv":
        if head.startswith(b"PK\x03\x04") or b"\x00" in _sample(source):
            raise UploadRejected("文件内容不是文本格式的 CSV。")
        return "csv"
    if not head.startswith(b"PK\x03\x04"):
        raise UploadRejected("文件不是真正的 .xlsx 工作簿（内容不是 Office Open XML 格式）。")
    # An import with a larger limit (a platform's million-row export) may expand further.
    _check_xlsx_zip(source, size, max(ZIP_MAX_UNCOMPRESSED, 2 * limit))
    return "xlsx"


def _size(source) -> int:
    if hasattr(source, "read"):
        return source.size if getattr(source, "size", None) is not None else len(source.read())
    return os.path.getsize(source)


def _check_docx_zip(source) -> None:
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            names = {info.filename.lower() for info in infos}
            if "word/document.xml" not in names:
                raise UploadRejected("文件不是真正的 .docx 文档（缺少文档结构）。")
            check_zip_size(infos)
            if any(n.endswith("vbaproject.bin") for n in names):
                raise UploadRejected("文档含有宏（VBA），不予接受：请另存为 .docx 后再上传。")
            check_xml_parts(zf, what="文档")
    except zipfile.BadZipFile as exc:
        raise UploadRejected("文件不是真正的 .docx 文档（压缩结构损坏）。") from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def _sample(source, size: int = 64 * 1024) -> bytes:
    if hasattr(source, "read"):
        source.seek(0)
        data = source.read(size)
        source.seek(0)
        return data
    with open(source, "rb") as fh:
        return fh.read(size)


def _check_xlsx_zip(source, size: int, max_uncompressed: int = ZIP_MAX_UNCOMPRESSED) -> None:
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise UploadRejected("文件不是真正的 .xlsx 工作簿（缺少工作簿结构）。")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise UploadRejected(
                    "工作簿含有宏（VBA），不予接受：请删除宏并另存为 .xlsx 后再上传。"
                )
            check_zip_size(infos, max_uncompressed)
            types = zf.read("[Content_Types].xml")
            if len(types) > 1024 * 1024:
                raise UploadRejected("文件不是真正的 .xlsx 工作簿。")
            lowered = types.lower()
            if b"macroenabled" in lowered:
                raise UploadRejected("工作簿是启用宏的格式，不予接受：请另存为 .xlsx 后再上传。")
            if any(word in lowered for word in MACRO_CONTENT_TYPES) or any(
                n.lower().startswith(("xl/macrosheets/", "xl/vba")) for n in names
            ):
                raise UploadRejected("工作簿含有宏，不予接受：请删除宏并另存为 .xlsx 后再上传。")
            check_xml_parts(zf, what="工作簿")
    except zipfile.BadZipFile as exc:
        raise UploadRejected("文件不是真正的 .xlsx 工作簿（压缩结构损坏）。") from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def check_zip_size(infos, max_uncompressed: int = ZIP_MAX_UNCOMPRESSED) -> None:
    """Refuse a zip (an Office file) that would expand past the limits: a zip bomb."""
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > max_uncompressed or total / packed > ZIP_MAX_RATIO:
        raise UploadRejected("文件解压后异常巨大（疑似压缩炸弹），不予处理。")
    for info in infos:
        if (
            info.file_size > 1024 * 1024
            and info.file_size / max(info.compress_size, 1) > ZIP_MAX_RATIO
        ):
            raise UploadRejected("文件解压后异常巨大（疑似压缩炸弹），不予处理。")


_XML_ROOT = re.compile(rb"<[A-Za-z_]")
_XML_PARTS = (".xml", ".rels", ".vml")


def check_xml_parts(zf: zipfile.ZipFile, *, what: str) -> None:
    """Refuse an Office file whose XML declares a document type or entities (XXE, "billion
    laughs"): Excel, WPS and Word never write one, so only a crafted file has it. Only each
    part's prolog is read (a DTD must come before the root element); run after the size checks."""
    for info in zf.infolist():
        if not info.filename.lower().endswith(_XML_PARTS):
            continue
        seen = b""
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(64 * 1024)
                seen += chunk.replace(b"\x00", b"")  # UTF-16 text reads as ASCII this way
                root = _XML_ROOT.search(seen)
                if root is not None or not chunk:
                    break
        prolog = (seen[: root.start()] if root is not None else seen).lower()
        if b"<!doctype" in prolog or b"<!entity" in prolog:
            raise UploadRejected(
                f"{what}含有 XML 文档类型声明或实体定义（可能用于读取服务器文件），不予接受："
                "请在 Excel、WPS 或 Word 中另存后再上传。"
            )


# --- Reading rows -------------------------------------------------------------------------------


class SheetRows(list):
    """A sheet's rows as ``read_rows`` gives them, with the merged ranges of the sheet
    (``((first_row, first_col), (last_row, last_col))``, 0-based) for ``merged_cells_error``."""

    merged: tuple = ()
    sheet: str = ""


def read_rows(path, kind: str, *, skip_sheets: tuple[str, ...] = ()) -> list[list]:
    """All rows of the first visible data sheet (header first), cells as Python values ("" when
    empty). Hidden sheets (old versions, lookup lists) are not read."""
    if kind == "csv":
        return _read_csv(path)
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [
            m.name
            for m in workbook.sheets_metadata
            if m.visible == SheetVisibleEnum.Visible and m.name not in skip_sheets
        ]
        if not sheets:
            raise UploadRejected("工作簿中没有可见的数据工作表。")
        sheet = workbook.get_sheet_by_name(sheets[0])
        # iter_rows() gives what to_python(skip_empty_area=False) gives, in half the time.
        rows = SheetRows(sheet.iter_rows())
        rows.merged, rows.sheet = tuple(sheet.merged_cell_ranges or ()), sheets[0]
    except UploadRejected:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        logger.info("无法读取工作簿 %s：%s", path, exc)
        raise UploadRejected(
            "无法读取工作簿：文件已损坏，或不是由 Excel / WPS 保存的 .xlsx。"
            "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再上传。"
        ) from exc
    return rows


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def merged_cells_error(rows, header_at: int) -> str:
    """Why ``rows`` cannot be imported when merged cells reach below the header row (0-based),
    or "": only the first cell of a merged range holds the value the clerk sees in every row it
    covers. Title rows merged above the header are fine."""
    merged = getattr(rows, "merged", ())
    below = [((r1, c1), (r2, c2)) for (r1, c1), (r2, c2) in merged if r2 > header_at]
    if not below:
        return ""
    shown = "、".join(
        f"{_column_letters(c1)}{r1 + 1}:{_column_letters(c2)}{r2 + 1}"
        for (r1, c1), (r2, c2) in below[:5]
    )
    more = f"等 {len(below)} 处" if len(below) > 5 else ""
    return (
        f"工作表“{rows.sheet}”的数据区有合并单元格（{shown}{more}）：合并后只有第一格有值，"
        "其余各行会被当作空白。请取消合并、逐行填写后再上传。"
    )


def _read_csv(path) -> list[list]:
    raw = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UploadRejected("CSV 文件编码无法识别：请使用 UTF-8 或 GBK 编码保存。")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise UploadRejected(
            f"CSV 文件第 {reader.line_num} 行格式错误（引号不成对或单元格过长），请用 Excel 或 WPS "
            "打开检查后另存为 CSV 或 .xlsx 再上传。"
        ) from exc


class RowStream:
    """The rows of a checked upload read one at a time (header first), for imports of exports
    too large to hold as a list (a voucher platform's million rows): CSV through the csv
    reader over the file (UTF-8, else GBK/GB18030, decided on the first megabyte), .xlsx
    through python-calamine's row iterator. ``path`` and ``kind`` say what is read (the
    importer keeps the file through the file service). Iterating again starts again."""

    def __init__(self, path, kind: str, *, skip_sheets: tuple[str, ...] = ()):
        self.path, self.kind, self.skip_sheets = Path(path), kind, skip_sheets
        self.merged, self.sheet = (), ""

    def __iter__(self):
        return self._csv() if self.kind == "csv" else self._xlsx()

    def _encoding(self) -> str:
        import codecs

        with open(self.path, "rb") as fh:
            head = fh.read(1024 * 1024)
        try:
            codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        except UnicodeDecodeError:
            return "gb18030"
        return "utf-8-sig"

    def _csv(self):
        encoding = self._encoding()
        with open(self.path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                yield from reader
            except UnicodeDecodeError as exc:
                raise UploadRejected(
                    "CSV 文件编码无法识别：请使用 UTF-8 或 GBK 编码保存。"
                ) from exc
            except csv.Error as exc:
                raise UploadRejected(
                    f"CSV 文件第 {reader.line_num} 行格式错误（引号不成对或单元格过长），请用 "
                    "Excel 或 WPS 打开检查后另存为 CSV 或 .xlsx 再上传。"
                ) from exc

    def _xlsx(self):
        from python_calamine import CalamineWorkbook, SheetVisibleEnum

        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
            sheets = [
                m.name
                for m in workbook.sheets_metadata
                if m.visible == SheetVisibleEnum.Visible and m.name not in self.skip_sheets
            ]
            if not sheets:
                raise UploadRejected("工作簿中没有可见的数据工作表。")
            self.sheet = sheets[0]
            rows = workbook.get_sheet_by_name(sheets[0]).iter_rows()
        except UploadRejected:
            raise
        except Exception as exc:  # calamine raises its own error types for damaged files
            logger.info("无法读取工作簿 %s：%s", self.path, exc)
            raise UploadRejected(
                "无法读取工作簿：文件已损坏，或不是由 Excel / WPS 保存的 .xlsx。"
                "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再上传。"
            ) from exc
        yield from rows


def cell_text(value) -> str:
    """A cell as trimmed text: 51.0 → "51", dates as 2024-03-01, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# Day 0 of Excel's 1900 date system (which counts a 1900-02-29 that never was).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def parse_date(value) -> datetime.date:
    """A date cell, Excel day number or text (2024-03-01, 2024/3/1, 2024年3月1日, 20240301);
    ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 3000 <= value < 100_000:
        # A date typed into a cell formatted 常规 reaches us as Excel's day number (43969). A
        # smaller number is more likely a year typed alone (2019): that is no date.
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = cell_text(value)
    if " " in text:
        text = text.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def normalize_header(text) -> str:
    """Headers compare without spaces and with half-width brackets: 注册资本(万元) = 注册资本（万元）."""
    return re.sub(r"\s+", "", cell_text(text)).replace("（", "(").replace("）", ")").rstrip("*")


# --- Storing an upload between preview and commit ---------------------------------------------


def store_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / STORE_DIRNAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(uploaded, *, max_bytes: int | None = None) -> tuple[str, Path]:
    """Save an UploadedFile under MEDIA_ROOT/imports/<token><ext>; return (token, path).

    The size is checked before a byte is written (``max_bytes``: an importer's own limit);
    stale files of earlier uploads are removed.
    """
    limit = max_bytes or upload_max_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise UploadRejected(
            f"文件大小 {_size_text(uploaded.size)}，超过上限 {_size_text(limit)}。"
        )
    ext = Path(uploaded.name or "").suffix.lower()
    token = uuid.uuid4().hex
    directory = store_dir()
    _remove_stale(directory)
    path = directory / f"{token}{ext if ext in ALLOWED_EXTENSIONS else '.bin'}"
    with open(path, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    return token, path


def stored_path(token: str, ext: str) -> Path | None:
    """The stored upload for ``token`` (a uuid hex, never a path from the user), or None."""
    if not _TOKEN_RE.match(token or "") or ext not in ALLOWED_EXTENSIONS | {".errors.xlsx"}:
        return None
    path = store_dir() / f"{token}{ext}"
    return path if path.exists() else None


def discard_stored(token: str) -> None:
    if not _TOKEN_RE.match(token or ""):
        return
    for path in store_dir().glob(f"{token}*"):
        path.unlink(missing_ok=True)


def _remove_stale(directory: Path) -> None:
    cutoff = time.time() - STORE_MAX_AGE_SECONDS
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


# --- Error report and fast inserts ---------------------------------------------------------------


def error_report_xlsx(errors, *, sheet: str = "错误报告") -> bytes:
    """The row-level errors as a workbook: 行号 | 列 | 值 | 原因 (cells escaped by xlsx_bytes)."""
    return xlsx_bytes(
        sheet=sheet,
        headers=["行号", "列", "值", "原因"],
        rows=([e.row, e.column, e.value, e.reason] for e in errors),
    )


@contextmanager
def sqlite_bulk_cache(conn, cursor):
    """Around a bulk write on ``conn`` (any vendor; a no-op but on SQLite): SQLite's default 2 MB
    page cache thrashes once a table's indexes outgrow it, so the block gets 128 MB (a limit, not
    an allocation) and the connection's setting is put back after. Used by the import engine's
    inserts and by ``demo_data`` around the whole demo build. (temp_store cannot change inside a
    transaction; durability settings are left alone.)"""
    if conn.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    cache = cursor.fetchone()[0]
    cursor.execute("PRAGMA cache_size = -131072")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache)}")


@contextmanager
def sqlite_checkpoint_after():
    """Around a large write transaction: SQLite (WAL) copies the log into the database file when a
    commit leaves the log over 1,000 pages, so after a 100 MB import the committing request would
    spend about a second on that copy. Here the copy is left to a background connection right
    after the commit. Nothing is less safe: with ``synchronous=NORMAL`` a commit is durable once
    the log is synced at a checkpoint either way, and readers see the commit at once."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "sqlite" or conn.in_atomic_block or conn.is_in_memory_db():
        yield  # nothing commits here (an outer transaction), or there is no file to copy to
        return
    conn.ensure_connection()
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint = 1000")
        path = conn.settings_dict["NAME"]
        threading.Thread(
            target=_checkpoint, args=(path,), name="sqlite-checkpoint", daemon=True
        ).start()


def _checkpoint(path) -> None:
    try:
        with closing(sqlite3.connect(path, timeout=30)) as db:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:  # the next commit over 1,000 pages checkpoints instead
        logger.warning("后台检查点未完成：%s", path, exc_info=True)


def allocate_ids(model, count: int) -> list[int]:
    """``count`` new primary keys for ``model``, reserved before the rows are inserted (so rows
    that point at them, such as events and audit rows, can be written without reading back).

    PostgreSQL: from the table's sequence (``nextval``; safe beside other writers). SQLite: the
    next ids after the AUTOINCREMENT high-water mark, so a deleted row's id is never reused; the
    caller's transaction (Django's SQLite transactions are IMMEDIATE here) holds the write lock,
    and explicitly inserted ids move SQLite's own sequence on.
    """
    if count <= 0:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    qn = conn.ops.quote_name
    pk = opts.pk.column
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # The sequence's name once: pg_get_serial_sequence() in the select list would be
            # looked up again for every row (0.5 s of 0.55 for 100,000 ids).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [qn(opts.db_table), pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, count],
            )
            return cursor.fetchone()[0]
        if conn.vendor != "sqlite":
            raise RuntimeError(f"批量导入只支持 SQLite 和 PostgreSQL，当前数据库为 {conn.vendor}。")
        if not conn.in_atomic_block:
            raise RuntimeError("allocate_ids() must run inside transaction.atomic().")
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({qn(pk)}) FROM {qn(opts.db_table)}), 0))",
            [opts.db_table],
        )
        base = cursor.fetchone()[0]
    return list(range(base + 1, base + 1 + count))


_SIMPLE_TYPES = {
    "CharField",
    "BooleanField",
    "ForeignKey",
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "PositiveIntegerField",
    "BigIntegerField",
    "TextField",
}


def insert_rows(
    model,
    field_names: list[str],
    rows,
    *,
    batch_size: int = 5000,
    json_text: tuple = (),
    skip_conflicts: tuple[str, ...] = (),
    ready: tuple = (),
) -> int | None:
    """INSERT many rows of plain values (no model instances, no signals), in the open transaction.

    For imports of 100,000 rows, bulk_create's per-instance work costs more than the database:
    the caller supplies values already in Python form; only fields that need a database
    conversion (dates, decimals, JSON) pass through ``get_db_prep_save`` (with a cache: dates,
    amounts and timestamps repeat). Fields named in ``json_text`` are given as JSON text already,
    those in ``ready`` as the database takes them (a million distinct timestamps fill no cache).
    PostgreSQL gets the rows by ``COPY … FROM STDIN`` (psycopg 3), SQLite by ``executemany``
    (no round trips either way).

    ``skip_conflicts`` names the columns of a unique constraint: a row whose key is already
    stored is skipped in SQL (idempotent imports of overlapping exports) and the number of rows
    written is returned. SQLite: ``INSERT … ON CONFLICT (…) DO NOTHING`` per ``executemany``;
    PostgreSQL: ``COPY`` into a temporary table, then ``INSERT … SELECT … ON CONFLICT (…) DO
    NOTHING``.
    """
    opts = model._meta
    conn = connections[DEFAULT_DB_ALIAS]  # the real connection: the proxy costs a lookup per use
    fields = [opts.get_field(name) for name in field_names]
    qn = conn.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    preps = [
        (i, f, {})
        for i, f in enumerate(fields)
        if f.get_internal_type() not in _SIMPLE_TYPES
        and f.name not in json_text
        and f.name not in ready
    ]
    if conn.vendor == "postgresql":
        preps = [p for p in preps if p[1].get_internal_type() == "JSONField"]

    def prepared():
        if not preps:  # every value as the database takes it: the rows as they come
            yield from rows
            return
        for row in rows:
            if preps:
                row = list(row)
                for i, f, cache in preps:
                    value = row[i]
                    if value is None:
                        continue
                    try:
                        row[i] = cache[value]
                    except KeyError:
                        row[i] = cache[value] = f.get_db_prep_save(value, conn)
                    except TypeError:  # unhashable (JSON)
                        row[i] = f.get_db_prep_save(value, conn)
            yield row

    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            from psycopg.copy import QueuedLibpqWriter

            # psycopg 3 dumps dates, decimals, timestamps and text for COPY itself.
            # Errors (a unique key taken meanwhile…) are raised as Django's (IntegrityError…).
            raw = cursor.cursor
            target = qn(opts.db_table)
            if skip_conflicts:
                target = qn(f"stage_{opts.db_table}")
                cursor.execute(f"DROP TABLE IF EXISTS {target}")
                cursor.execute(
                    f"CREATE TEMP TABLE {target} ON COMMIT DROP AS "
                    f"SELECT {columns} FROM {qn(opts.db_table)} WITH NO DATA"
                )
            with (
                conn.wrap_database_errors,
                raw.copy(
                    f"COPY {target} ({columns}) FROM STDIN",
                    writer=QueuedLibpqWriter(raw),  # sends from a thread: rows are made meanwhile
                ) as copy,
            ):
                write = copy.write_row
                for row in prepared():
                    write(row)
            if not skip_conflicts:
                return None
            keys = ", ".join(qn(opts.get_field(name).column) for name in skip_conflicts)
            cursor.execute(
                f"INSERT INTO {qn(opts.db_table)} ({columns}) SELECT {columns} FROM {target} "
                f"ON CONFLICT ({keys}) DO NOTHING"
            )
            written = cursor.rowcount
            cursor.execute(f"DROP TABLE {target}")
            return written
        sql = (
            f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES ({', '.join(['?'] * len(fields))})"
        )
        if skip_conflicts:
            keys = ", ".join(qn(opts.get_field(name).column) for name in skip_conflicts)
            sql += f" ON CONFLICT ({keys}) DO NOTHING"
        with sqlite_bulk_cache(conn, cursor):
            written = _sqlite_insert_beside(conn, sql, _batches(prepared(), batch_size))
        return written if skip_conflicts else None


def _batches(rows, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _sqlite_insert_beside(conn, sql: str, batches) -> int:
    """``executemany`` each batch in a second thread while this one builds the next batch.

    sqlite3 releases the GIL while SQLite inserts and maintains the indexes, so on a machine with
    a second core the database work runs beside the Python work that makes the rows. The
    connection is used by one thread at a time (this one only builds rows meanwhile; Django opens
    SQLite connections with check_same_thread=False); an error ends the writes and is raised
    here as Django's own database error (IntegrityError…), inside the caller's transaction.
    Returns the number of rows written.
    """
    raw = conn.connection
    work: queue.Queue = queue.Queue(maxsize=2)
    failure: list[BaseException] = []
    written = [0]

    def writer():
        cursor = raw.cursor()
        try:
            while (batch := work.get()) is not None:
                if not failure:
                    cursor.executemany(sql, batch)
                    written[0] += cursor.rowcount
        except BaseException as exc:  # handed to the main thread below
            failure.append(exc)
            while work.get() is not None:  # let the producer finish
                pass
        finally:
            cursor.close()

    thread = threading.Thread(target=writer, name="sqlite-bulk-insert", daemon=True)
    thread.start()
    try:
        for batch in batches:
            if failure:
                break
            work.put(batch)
    finally:
        work.put(None)
        thread.join()
    if failure:
        with conn.wrap_database_errors:
            raise failure[0]
    return written[0]
