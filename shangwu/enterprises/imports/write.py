"""Writing a validated enterprise import, inside the caller's transaction.

New enterprises get their ids reserved up front (``allocate_ids``), so their tag links, their
CREATED timeline events and their audit rows are written straight after them without reading
anything back; every table is written with ``insert_rows`` (COPY on PostgreSQL, executemany on
SQLite). Bulk writes bypass the audit signals, so this module writes what they would have: one
CREATE row per new enterprise and per new tag link (before null, after the record's snapshot),
one UPDATE row with before/after per updated enterprise. The IMPORT summary row is the caller's.
"""

from __future__ import annotations

import json

from django.db import connection
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.services import plain_value
from shangwu.core import context
from shangwu.core.imports import allocate_ids, insert_rows
from shangwu.enterprises.choices import EnterpriseEventKind
from shangwu.enterprises.imports import sql
from shangwu.enterprises.imports.columns import COMPARED, DEFAULTS
from shangwu.enterprises.imports.pinyin import PinyinJob, fast_name_pinyin
from shangwu.enterprises.imports.validate import KEEP, tags_text
from shangwu.enterprises.models import Enterprise, EnterpriseEvent, EnterpriseTag

# The columns of a new enterprise, in the order enterprise_rows() gives them.
ENTERPRISE_FIELDS = [
    "id",
    "credit_code",
    "name",
    "short_name",
    "name_pinyin",
    "name_initials",
    *COMPARED[2:],
    "created_at",
    "updated_at",
]
_NEW_DEFAULTS = tuple(DEFAULTS.get(f, KEEP) for f in COMPARED)


class _Audit:
    """The audit rows' common columns (who, from where, when), as ``audit_write`` fills them."""

    def __init__(self, actor, now, note):
        ctx = context.current()
        self.head = {  # AuditLog's columns, in sql.AUDIT_FIELDS order
            "at": now,
            "actor_id": getattr(actor, "pk", None),
            "actor_username": getattr(actor, "username", "") or ("(系统)" if actor is None else ""),
            "actor_name": getattr(actor, "name", "") or "",
            "ip": ctx.ip,
            "request_id": ctx.request_id,
            "path": ctx.path[:300],
        }
        self.note = note

    def row(self, action, object_type, object_id, object_repr, changes_json):
        return (
            *self.head.values(),
            action,
            object_type,
            str(object_id),
            object_repr[:200],
            changes_json,
            self.note,
        )


def write(*, plan, actor, file_name: str, pinyins: PinyinJob) -> None:
    now = timezone.now()
    note = f"Excel导入：{file_name}"[:500]
    audit = _Audit(actor, now, note)
    if plan.new_rows:
        _write_new(plan.new_rows, actor=actor, now=now, note=note, audit=audit, pinyins=pinyins)
    if plan.updates:
        _write_updates(plan, actor=actor, now=now, note=note, audit=audit)


def _write_new(new_rows, *, actor, now, note, audit, pinyins) -> None:
    """The new enterprises and their tag links go in from here; their CREATED events and CREATE
    audit rows are then made by the database from the rows just written (INSERT … SELECT), so
    200,000 rows of JSON never pass through Python (sql.py)."""
    if connection.vendor == "postgresql":
        # PostgreSQL maintains its B-trees a third faster when the keys come in order, so the
        # rows go in by pinyin (once every name's pinyin is known). SQLite, with the bulk
        # insert's large page cache, gains nothing: there the rows go in as their pinyin arrives.
        new_rows = sorted(new_rows, key=lambda row: pinyins.get(row.vals[0])[0])
    ids = allocate_ids(Enterprise, len(new_rows))
    links = [
        (pk, tag_id, since)
        for pk, row in zip(ids, new_rows, strict=True)
        if row.tags
        for tag_id, since in row.tags.items()
    ]
    link_ids = allocate_ids(EnterpriseTag, len(links))
    if links:  # first: they need no pinyin, which may still be on its way
        insert_rows(
            EnterpriseTag,
            ["id", "enterprise", "tag", "since"],
            ((link_id, *link) for link_id, link in zip(link_ids, links, strict=True)),
        )
    defaults = _NEW_DEFAULTS

    def enterprise_rows():
        for pk, row in zip(ids, new_rows, strict=True):
            values = row.vals
            if KEEP in values:  # a column left out or a blank cell: the field's default
                values = [d if v is KEEP else v for v, d in zip(values, defaults, strict=True)]
            full, initials = pinyins.get(values[0])
            yield (pk, row.code, values[0], values[1], full, initials, *values[2:], now, now)

    insert_rows(Enterprise, ENTERPRISE_FIELDS, enterprise_rows())
    made = sql.IdSet(ids)
    sql.insert_created_events(made, actor=actor, note=note, now=now)
    sql.insert_create_audit(made, audit=audit, now=now)
    if links:
        sql.insert_tag_link_audit(sql.IdSet(link_ids), audit=audit)


def _write_updates(plan, *, actor, now, note, audit) -> None:
    """Updated enterprises: grouped by the set of changed columns, one bulk_update per group."""
    actor_id = getattr(actor, "pk", None)
    tag_names = plan.tag_names
    groups: dict[tuple, list] = {}
    events, audit_rows = [], []
    enterprise_type = Enterprise._meta.label_lower
    for row, pk, old, changed, held in plan.updates:
        obj = Enterprise(pk=pk, updated_at=now)
        for fld, value in changed.items():
            setattr(obj, fld + "_id" if fld in ("county", "township") else fld, value)
        fields = sorted(changed)
        if "name" in changed:
            obj.name_pinyin, obj.name_initials = fast_name_pinyin(changed["name"])
            fields += ["name_pinyin", "name_initials"]
        if fields:
            groups.setdefault(tuple(fields), []).append(obj)
        before = {f: plain_value(old[f]) for f in sorted(changed)}
        after = {f: plain_value(v) for f, v in sorted(changed.items())}
        if held is not None:
            _replace_tags(pk, held, row.tags)
            before["tags"] = tags_text(held, tag_names)
            after["tags"] = tags_text(row.tags, tag_names)
        changes = {"before": before, "after": after}
        status_moved = "status" in changed
        events.append(
            EnterpriseEvent(
                enterprise_id=pk,
                kind=EnterpriseEventKind.IMPORTED,
                changes=changes,
                note=note,
                actor_id=actor_id,
                from_status=old["status"] if status_moved else "",
                to_status=changed["status"] if status_moved else "",
                at=now,
            )
        )
        audit_rows.append(
            audit.row(
                AuditAction.UPDATE,
                enterprise_type,
                pk,
                str(changed.get("name", old["name"])),
                json.dumps(changes),
            )
        )
    for fields, objs in groups.items():
        Enterprise.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=500)
    EnterpriseEvent.objects.bulk_create(events, batch_size=1000)
    insert_rows(AuditLog, sql.AUDIT_FIELDS, audit_rows, json_text=("changes",))


def _replace_tags(enterprise_id: int, held: dict, wanted: dict) -> None:
    """One enterprise's tag links made as ``wanted``, through the ORM (audited by the signals)."""
    gone = [t for t in held if t not in wanted]
    if gone:
        EnterpriseTag.objects.filter(enterprise_id=enterprise_id, tag_id__in=gone).delete()
    for tag_id, since in wanted.items():
        if tag_id not in held:
            EnterpriseTag.objects.create(enterprise_id=enterprise_id, tag_id=tag_id, since=since)
        elif held[tag_id] != since:
            EnterpriseTag.objects.filter(enterprise_id=enterprise_id, tag_id=tag_id).update(
                since=since
            )
