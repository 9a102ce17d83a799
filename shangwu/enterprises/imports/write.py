"""Writing a validated enterprise import, inside the caller's transaction.

New enterprises get their ids reserved up front (``allocate_ids``), so their tag links, their
CREATED timeline events and their audit rows are written straight after them without reading
anything back; every table is written with ``insert_rows`` (COPY on PostgreSQL, executemany on
SQLite). Bulk writes bypass the audit signals, so this module writes what they would have: one
CREATE row per new enterprise and per new tag link (before null, after the record's snapshot),
one UPDATE row with before/after per updated enterprise. The IMPORT summary row is the caller's.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from json.encoder import encode_basestring as _js

from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.core import context
from shangwu.core.imports import allocate_ids, insert_rows
from shangwu.enterprises.choices import EnterpriseEventKind, EnterpriseStatus
from shangwu.enterprises.imports.columns import COMPARED, DEFAULTS
from shangwu.enterprises.imports.pinyin import fast_name_pinyin
from shangwu.enterprises.imports.validate import KEEP, STATUS
from shangwu.enterprises.models import Enterprise, EnterpriseEvent, EnterpriseTag, Tag

# The columns of a new enterprise, in the model's field order (= the audit snapshot's order).
ENTERPRISE_FIELDS = [f.name for f in Enterprise._meta.concrete_fields]
_NEW_DEFAULTS = tuple(DEFAULTS.get(f, KEEP) for f in COMPARED)
# The snapshot (audit.services.snapshot) of a new enterprise is formatted directly when the model
# has exactly these fields (a test compares it with the real snapshot), else built and dumped.
_FAST_SNAPSHOT = ENTERPRISE_FIELDS == [
    "id",
    "credit_code",
    "name",
    "short_name",
    "name_pinyin",
    "name_initials",
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
    "created_at",
    "updated_at",
] and not (getattr(Enterprise, "audit_exclude", None) or getattr(Enterprise, "audit_masked", None))
EVENT_FIELDS = ["enterprise", "kind", "from_status", "to_status", "note", "actor", "at"]
AUDIT_FIELDS = [
    "at",
    "actor_id",
    "actor_username",
    "actor_name",
    "ip",
    "request_id",
    "path",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "detail",
]


class _JsonCache(dict):
    """A date or amount (or None) as JSON text, as the snapshot writes it; repeats are cached."""

    def __call__(self, value):
        try:
            return self[value]
        except KeyError:
            text = self[value] = "null" if value is None else _js(_plain(value))
            return text


def _plain(value):
    """As ``audit.services.snapshot`` writes a value."""
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class _Audit:
    """The audit rows' common columns (who, from where, when), as ``audit_write`` fills them."""

    def __init__(self, actor, now, note):
        ctx = context.current()
        self.head = (
            now,
            getattr(actor, "pk", None),
            getattr(actor, "username", "") or ("(系统)" if actor is None else ""),
            getattr(actor, "name", "") or "",
            ctx.ip,
            ctx.request_id,
            ctx.path[:300],
        )
        self.note = note

    def row(self, action, object_type, object_id, object_repr, changes_json):
        return (
            *self.head,
            action,
            object_type,
            str(object_id),
            object_repr[:200],
            changes_json,
            self.note,
        )


def write(*, plan, actor, file_name: str, pinyins: dict) -> None:
    now = timezone.now()
    note = f"Excel导入：{file_name}"[:500]
    audit = _Audit(actor, now, note)
    if plan.new_rows:
        _write_new(plan.new_rows, actor=actor, now=now, note=note, audit=audit, pinyins=pinyins)
    if plan.updates:
        _write_updates(plan, actor=actor, now=now, note=note, audit=audit)


def _write_new(new_rows, *, actor, now, note, audit, pinyins) -> None:
    actor_id = getattr(actor, "pk", None)
    ids = allocate_ids(Enterprise, len(new_rows))
    links = [
        (pk, tag_id, since)
        for pk, row in zip(ids, new_rows, strict=True)
        if row.tags
        for tag_id, since in row.tags.items()
    ]
    link_ids = allocate_ids(EnterpriseTag, len(links))

    # The enterprises, and their CREATE audit rows (the snapshot the signals would write).
    enterprise_type = Enterprise._meta.label_lower
    now_json = _js(now.isoformat())
    as_json = _JsonCache()
    dumps = json.dumps
    audit_rows = []
    defaults = _NEW_DEFAULTS

    def enterprise_rows():
        """The enterprises' rows; their audit rows are made on the way (beside the inserts)."""
        for pk, row in zip(ids, new_rows, strict=True):
            (
                name,
                short_name,
                county,
                township,
                address,
                legal,
                section,
                division,
                ownership,
                capital,
                established,
                status,
                is_key,
            ) = [d if v is KEEP else v for v, d in zip(row.vals, defaults, strict=True)]
            full, initials = pinyins.get(name) or fast_name_pinyin(name)
            values = (
                pk,
                row.code,
                name,
                short_name,
                full,
                initials,
                county,
                township,
                address,
                legal,
                section,
                division,
                ownership,
                capital,
                established,
                status,
                is_key,
                now,
                now,
            )
            if _FAST_SNAPSHOT:
                changes = (  # compact, and UTF-8 rather than \\u escapes: smaller rows
                    f'{{"before":null,"after":{{"id":{pk},"credit_code":{_js(row.code)},'
                    f'"name":{_js(name)},"short_name":{_js(short_name)},'
                    f'"name_pinyin":{_js(full)},"name_initials":{_js(initials)},'
                    f'"county":{county},"township":{"null" if township is None else township},'
                    f'"address":{_js(address)},"legal_representative":{_js(legal)},'
                    f'"industry_section":{_js(section)},"industry_division":{_js(division)},'
                    f'"ownership":{_js(ownership)},"registered_capital":{as_json(capital)},'
                    f'"established_on":{as_json(established)},"status":{_js(status)},'
                    f'"is_key":{"true" if is_key else "false"},'
                    f'"created_at":{now_json},"updated_at":{now_json}}}}}'
                )
            else:
                after = {f: _plain(v) for f, v in zip(ENTERPRISE_FIELDS, values, strict=True)}
                changes = dumps({"before": None, "after": after})
            audit_rows.append(audit.row(AuditAction.CREATE, enterprise_type, pk, name, changes))
            names[pk] = name
            yield values

    names: dict[int, str] = {}  # filled while the rows stream out: the tag links' object_repr
    insert_rows(Enterprise, ENTERPRISE_FIELDS, enterprise_rows())

    if links:
        insert_rows(
            EnterpriseTag,
            ["id", "enterprise", "tag", "since"],
            ((link_id, *link) for link_id, link in zip(link_ids, links, strict=True)),
        )
        link_type = EnterpriseTag._meta.label_lower
        tag_names = dict(Tag.objects.values_list("id", "name"))
        missing = {pk for pk, _tag, _since in links} - names.keys()
        if missing:  # links added to enterprises that already existed
            names.update(Enterprise.objects.filter(pk__in=missing).values_list("id", "name"))
        for link_id, (pk, tag_id, since) in zip(link_ids, links, strict=True):
            since_json = as_json(since)
            audit_rows.append(
                audit.row(
                    AuditAction.CREATE,
                    link_type,
                    link_id,
                    f"{names[pk]} · {tag_names[tag_id]}",  # str(EnterpriseTag)
                    f'{{"before":null,"after":{{"id":{link_id},"enterprise":{pk},'
                    f'"tag":{tag_id},"since":{since_json}}}}}',
                )
            )
    insert_rows(
        EnterpriseEvent,
        EVENT_FIELDS,
        (
            (pk, EnterpriseEventKind.CREATED, "", status, note, actor_id, now)
            for pk, status in zip(ids, _statuses(new_rows), strict=True)
        ),
    )
    insert_rows(AuditLog, AUDIT_FIELDS, audit_rows, json_text=("changes",))


def _statuses(rows):
    for row in rows:
        status = row.vals[STATUS]
        yield EnterpriseStatus.ACTIVE if status is KEEP else status


def _tags_text(held: dict, tag_names: dict) -> list[str]:
    return sorted(f"{tag_names[t]}({s:%Y-%m-%d})" if s else tag_names[t] for t, s in held.items())


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
        before = {f: _plain(old[f]) for f in sorted(changed)}
        after = {f: _plain(v) for f, v in sorted(changed.items())}
        if held is not None:
            _replace_tags(pk, held, row.tags)
            before["tags"] = _tags_text(held, tag_names)
            after["tags"] = _tags_text(row.tags, tag_names)
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
    insert_rows(AuditLog, AUDIT_FIELDS, audit_rows, json_text=("changes",))


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
