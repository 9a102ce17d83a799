"""Writing the audit log. Everything goes through ``audit_write``; model changes are written by
the signal handlers in ``signals.py`` so no service has to remember them."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.core import context


def mask_value(value) -> str:
    """138****1234 style: keep the first 3 and last 4 characters."""
    text = str(value or "")
    if len(text) <= 4:
        return "*" * len(text)
    if len(text) <= 7:
        return text[:1] + "*" * (len(text) - 2) + text[-1:]
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def plain_value(value):
    """A field's value as the audit log writes it into JSON (dates ISO, amounts as text). Never
    fails: a value of a type not listed here is written as its text, so no field type can turn a
    save into a 500."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID, datetime.timedelta)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return f"（二进制 {len(data)} 字节，SHA-256 {hashlib.sha256(data).hexdigest()}）"
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain_value(v) for v in value), key=str)
    return str(value)


def file_value(instance: models.Model, field: models.FileField) -> dict | None:
    """A file field as the audit log writes it: its stored name and the content's SHA-256 (the
    row's ``sha256`` column, as every ``core.models.StoredFile`` has; never read from storage)."""
    stored = getattr(instance, field.attname)
    name = stored.name if isinstance(stored, FieldFile) else stored
    if not name:
        return None
    return {"name": str(name), "sha256": getattr(instance, "sha256", None) or None}


def snapshot(instance: models.Model, *, masked: bool = True) -> dict:
    """The row's own field values, as JSON-ready data (foreign keys as ids, files as stored name
    and hash). Personal numbers (``audit_masked``) come masked unless ``masked=False``: that form
    is for comparing, never for writing down (``masked_snapshot``)."""
    exclude = getattr(instance, "audit_exclude", set())
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        if isinstance(field, models.FileField):
            data[field.name] = file_value(instance, field)
        else:
            data[field.name] = plain_value(getattr(instance, field.attname))
    return masked_snapshot(instance, data) if masked else data


def masked_snapshot(instance: models.Model, data: dict) -> dict:
    """``data`` (a snapshot or part of one) with ``instance``'s personal numbers masked."""
    masked = getattr(instance, "audit_masked", set())
    return {k: mask_value(v) if k in masked and v else v for k, v in data.items()}


def audit_write(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    changes: dict | None = None,
    detail: str = "",
    actor=None,
) -> AuditLog:
    ctx = context.current()
    actor = actor if actor is not None else ctx.actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditLog.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or ("(系统)" if actor is None else ""),
        actor_name=getattr(actor, "name", "") or "",
        ip=ctx.ip,
        request_id=ctx.request_id,
        path=ctx.path[:300],
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        changes=changes,
        detail=detail,
    )


def audit_denied(*, model, object_id, detail: str = "") -> AuditLog:
    """An attempt to reach an object outside the user's scope (answered with 404)."""
    return audit_write(
        action=AuditAction.DENIED,
        object_type=model._meta.label_lower,
        object_id=object_id,
        object_repr=str(model._meta.verbose_name),
        detail=detail or "对象不在用户的数据范围内，已返回404。",
    )
