"""The file service: every file a user uploads to the platform goes through ``file_store`` (case
attachments now; visits, task reports, events and inspections later), and comes back through
``file_download`` / ``file_response``.

What it guarantees (issue 15, §1):
- the type is decided by the content (magic bytes; docx/xlsx must be real Office Open XML
  packages), and must agree with the extension: an HTML page named ``.pdf`` is refused;
- size limit ``FILE_MAX_BYTES`` and a per-user daily quota ``FILE_DAILY_QUOTA_BYTES`` (Beijing
  day, over every module's files), both from the environment;
- the user's file name is kept for display and download; the bytes are stored under a generated
  name through Django's storage API (``STORAGES["default"]``: a local folder, or an object store);
- a SHA-256 of the content is recorded;
- nothing reaches storage unless the transaction commits: the upload is staged in an anonymous
  temporary file and written by ``transaction.on_commit``; a rollback leaves nothing behind.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_denied, audit_write
from shangwu.core.access import can
from shangwu.core.models import StoredFile

logger = logging.getLogger(__name__)

STAGE_IN_MEMORY_BYTES = 2 * 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("pdf", (".pdf",), "application/pdf")
JPEG = FileKind("jpg", (".jpg", ".jpeg"), "image/jpeg")
PNG = FileKind("png", (".png",), "image/png")
DOCX = FileKind(
    "docx", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = FileKind(
    "xlsx", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
# A platform's export kept as uploaded (voucher redemptions): plain text, told by its extension
# and the absence of NUL bytes (text has no magic bytes).
CSV = FileKind("csv", (".csv",), "text/csv")
# What an attachment may be unless a module says otherwise.
DOCUMENT_KINDS: tuple[FileKind, ...] = (PDF, JPEG, PNG, DOCX, XLSX)

# The part an Office Open XML package of each kind must have besides [Content_Types].xml.
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def max_bytes() -> int:
    return int(settings.FILE_MAX_BYTES)


def daily_quota_bytes() -> int:
    return int(settings.FILE_DAILY_QUOTA_BYTES)


def size_text(size: int) -> str:
    """1.5 MB, 300 KB, 12 字节: the sizes messages quote."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


def kinds_text(kinds) -> str:
    return "、".join(k.key for k in kinds)


def display_name(raw: str) -> str:
    """The user's file name as shown and offered on download: no folders (a browser may send
    ``C:\\fakepath\\x.pdf``), no control characters, at most 200 characters with the
    extension kept."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C"
    )
    name = name.strip().strip(".") or "附件"
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


def detect_kind(fh) -> FileKind | None:
    """The kind the content says (magic bytes), or None. ``fh`` is a seekable binary file."""
    fh.seek(0)
    head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(fh)
    return None


def _ooxml_kind(fh) -> FileKind | None:
    """A zip is a docx or xlsx only if it is an Office Open XML package of that kind: the
    content-types part and the main document part are there. Only the directory is read."""
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind in (DOCX, XLSX):
        if OOXML_MAIN_PART[kind.key] in names:
            return kind
    return None


def _has_macros(fh) -> bool:
    fh.seek(0)
    with zipfile.ZipFile(fh) as zf:
        return any(n.lower().endswith("vbaproject.bin") for n in zf.namelist())


def _stored_files_models():
    """The attachment models the daily quota counts (not the imports' kept files: ``quota``)."""
    return [m for m in apps.get_models() if issubclass(m, StoredFile) and m.counts_to_quota]


def uploaded_today(user, *, now: datetime.datetime | None = None) -> int:
    """Bytes ``user`` has uploaded since midnight (Beijing time), over every module's files,
    removed ones included (they were written all the same)."""
    if user is None or user.pk is None:
        return 0
    start = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    total = 0
    for model in _stored_files_models():
        total += (
            model._base_manager.filter(uploaded_by=user, uploaded_at__gte=start).aggregate(
                s=Sum("size")
            )["s"]
            or 0
        )
    return total


@dataclass
class _Staged:
    spool: tempfile.SpooledTemporaryFile
    size: int
    sha256: str


def _stage(upload, limit: int | None = None) -> _Staged:
    """Copy the upload into an anonymous temporary file (memory up to 2 MB, then an unlinked file
    the OS removes on close), hashing as it goes. Nothing here has a name on disk."""
    spool = tempfile.SpooledTemporaryFile(max_size=STAGE_IN_MEMORY_BYTES)
    digest = hashlib.sha256()
    size = 0
    limit = limit or max_bytes()
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks = (
        upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b"")
    )
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            spool.close()
            return _Staged(spool=None, size=size, sha256="")
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    return _Staged(spool=spool, size=size, sha256=digest.hexdigest())


def file_check(
    upload,
    *,
    actor,
    kinds=DOCUMENT_KINDS,
    field: str = "file",
    now=None,
    limit: int | None = None,
    quota: bool = True,
):
    """Refuse anything the platform must not store; return (display name, kind, staged content).
    Raises ValidationError({field: message}) naming the file. ``limit``: a module's own size
    limit (a platform export the import has checked); ``quota=False``: such a file does not
    count against the daily quota of attachments."""
    name = display_name(getattr(upload, "name", ""))

    def refuse(message):
        raise ValidationError({field: f"文件“{name}”{message}"})

    ext = os.path.splitext(name)[1].lower()
    allowed = {e for k in kinds for e in k.extensions}
    if ext not in allowed:
        refuse(f"类型不允许，只能上传 {kinds_text(kinds)} 文件。")
    limit = limit or max_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        refuse(f"大小为 {size_text(declared)}，超过上限 {size_text(limit)}。")
    staged = _stage(upload, limit)
    if staged.spool is None:
        refuse(f"超过上限 {size_text(limit)}。")
    if staged.size == 0:
        staged.spool.close()
        refuse("是空的。")
    kind = detect_kind(staged.spool)
    if kind is None and CSV in kinds and ext == ".csv":
        staged.spool.seek(0)
        kind = CSV if b"\x00" not in staged.spool.read(64 * 1024) else None
    if kind is None or kind not in kinds:
        staged.spool.close()
        refuse(
            f"的内容不是真正的 {kinds_text(kinds)} 文件（按文件内容判断，不看扩展名），不予接受。"
        )
    if ext not in kind.extensions:
        staged.spool.close()
        refuse(f"的内容是 {kind.key} 文件，与扩展名“{ext}”不符，请改正后再上传。")
    if kind in (DOCX, XLSX) and _has_macros(staged.spool):
        staged.spool.close()
        refuse("含有宏（VBA），不予接受：请删除宏后另存再上传。")
    used, allowed = (uploaded_today(actor, now=now), daily_quota_bytes()) if quota else (0, 0)
    if quota and used + staged.size > allowed:
        staged.spool.close()
        refuse(
            f"（{size_text(staged.size)}）超出每日上传限额：每人每天最多上传 {size_text(allowed)}，"
            f"您今天已上传 {size_text(used)}。请明天再上传，或联系系统管理员。"
        )
    staged.spool.seek(0)
    return name, kind, staged


def storage_name(model, kind: FileKind) -> str:
    """``cases/2026/12/<32 hex>.pdf``: nothing of the user's name reaches the storage."""
    today = timezone.localdate()
    return f"{model.storage_folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{kind.extensions[0]}"


def _write_after_commit(model, pk: int, name: str, spool) -> None:
    try:
        spool.seek(0)
        saved = default_storage.save(name, File(spool, name=os.path.basename(name)))
        if saved != name:  # a storage that renames on collision (never with uuid names)
            model._base_manager.filter(pk=pk).update(file=saved)
    except Exception:
        # The row is committed but its content could not be written (object store down, disk
        # full): hide the row, say so in the audit log, and let the request fail so the user
        # is told (the error page asks them to refresh and check).
        logger.exception("附件写入存储失败：%s（%s #%s）", name, model._meta.label, pk)
        now = timezone.now()
        if model._base_manager.filter(pk=pk, removed_at__isnull=True).update(removed_at=now):
            audit_write(
                action=AuditAction.UPDATE,
                obj=model._base_manager.get(pk=pk),
                changes={"before": {"removed_at": None}, "after": {"removed_at": now.isoformat()}},
                detail="文件写入存储失败，记录已自动删除（不再列出）。",
            )
        raise
    finally:
        spool.close()


def file_store(
    *,
    model: type[StoredFile],
    actor,
    upload,
    kinds=DOCUMENT_KINDS,
    field: str = "file",
    now=None,
    limit: int | None = None,
    quota: bool = True,
    **owner,
) -> StoredFile:
    """Check ``upload`` (``file_check``, with ``limit`` and ``quota``) and record it as a new
    ``model`` row for ``owner`` (e.g. ``case=case``, and the model's own fields). The bytes are
    written to storage when the transaction commits."""
    if not can(actor, model.access, "add"):
        raise PermissionDenied("您没有上传文件的权限。")
    name, kind, staged = file_check(
        upload, actor=actor, kinds=kinds, field=field, now=now, limit=limit, quota=quota
    )
    with transaction.atomic():
        obj = model(
            file=storage_name(model, kind),
            name=name,
            size=staged.size,
            content_type=kind.content_type,
            sha256=staged.sha256,
            uploaded_by=actor,
            **owner,
        )
        obj.save()
        transaction.on_commit(
            partial(_write_after_commit, model, obj.pk, obj.file.name, staged.spool)
        )
    return obj


def file_remove(*, obj: StoredFile, actor, now=None) -> StoredFile:
    """Soft removal: the row, its audit history and the stored bytes stay; the file is no longer
    listed or downloadable. The caller has checked the owner is in the actor's scope."""
    with transaction.atomic():
        fresh = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
        if fresh.removed_at is not None:
            raise ValidationError(f"文件“{fresh.name}”已删除。")
        fresh.removed_at = now or timezone.now()
        fresh.removed_by = actor
        fresh.save(update_fields=["removed_at", "removed_by"])
    return fresh


def file_get(queryset, *, user, pk, action: str = "view") -> StoredFile:
    """The listed file ``pk`` of ``queryset`` if ``user`` may ``action`` its owner; else a 404.
    Out of scope is audited as denied; removed (in scope) is a plain 404."""
    model = queryset.model
    obj = queryset.all().restrict(user, action).listed().filter(pk=pk).first()
    if obj is None:
        in_scope = model.objects.all().restrict(user, action).filter(pk=pk).exists()
        if not in_scope and model._base_manager.filter(pk=pk).exists():
            audit_denied(model=model, object_id=pk)
        raise Http404("文件不存在、已删除或不在您的数据范围内。")
    return obj


def file_download(*, obj: StoredFile, actor):
    """Open a file for its download and write the audit row. Missing content is a 404, not a 500."""
    try:
        fh = default_storage.open(obj.file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        logger.error("附件内容缺失：%s（%s #%s）", obj.file.name, obj._meta.label, obj.pk)
        raise Http404("文件内容缺失，请联系系统管理员。") from exc
    audit_write(
        action=AuditAction.DOWNLOAD,
        obj=obj,
        actor=actor,
        detail=f"下载文件“{obj.name}”（{size_text(obj.size)}，SHA-256 {obj.sha256}）",
    )
    return fh


def file_response(obj: StoredFile, fh) -> FileResponse:
    """Always a download (never shown inline), the user's name RFC 5987-encoded (as
    ``core.exports.download``), the stored type, and no sniffing."""
    response = FileResponse(fh, content_type=obj.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(obj.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
