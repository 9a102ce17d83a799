"""What a new enterprise brings with it, made by the database from the rows just written.

An import of 100,000 new enterprises also writes 100,000 CREATED timeline events and a CREATE
audit row per enterprise and per tag link holding the record's snapshot (``before`` null,
``after`` as ``audit.services.snapshot`` writes it). Built in Python and sent row by row, those
rows took half the import's time; here each kind is one ``INSERT … SELECT`` over the rows just
written, the snapshot made by the database's JSON functions (``json_object`` on SQLite,
``jsonb_build_object`` on PostgreSQL). Tests hold these snapshots equal to ``snapshot()``.
"""

from __future__ import annotations

import json

from django.db import DEFAULT_DB_ALIAS, connections

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.enterprises.choices import EnterpriseEventKind
from shangwu.enterprises.models import Enterprise, EnterpriseEvent, EnterpriseTag, Tag

# An audit row's columns: who, from where and when (write._Audit.head), then what.
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
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",  # PostgreSQL; SQLite below
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


class IdSet:
    """The ids of the rows just written: a range when they are consecutive (always on SQLite,
    and on PostgreSQL unless another session drew from the sequence meanwhile), else a list."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self.consecutive = bool(ids) and ids[-1] - ids[0] == len(ids) - 1

    def where(self, column: str) -> tuple[str, list]:
        if self.consecutive:
            return f"{column} BETWEEN %s AND %s", [self.ids[0], self.ids[-1]]
        if _conn().vendor == "postgresql":
            return f"{column} = ANY(%s)", [self.ids]
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(self.ids)]


def _conn():
    return connections[DEFAULT_DB_ALIAS]


def _value(field, column: str, vendor: str, now_iso: str) -> tuple[str, list]:
    """SQL giving ``field``'s value as ``snapshot()`` writes it into the JSON."""
    kind = field.get_internal_type()
    pg = vendor == "postgresql"
    if kind == "BooleanField" and not pg:  # stored as 0/1: JSON wants true/false
        return (
            f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN json('true') "
            f"ELSE json('false') END",
            [],
        )
    if kind in _PLAIN:
        return column, []
    if kind == "DecimalField":  # str(Decimal) of the stored value: always its decimal places
        if pg:
            return f"{column}::text", []
        return (
            f"CASE WHEN {column} IS NULL THEN NULL "
            f"ELSE printf('%%.{field.decimal_places}f', {column}) END",
            [],
        )
    if kind == "DateField":
        return (f"to_char({column}, 'YYYY-MM-DD')" if pg else column), []
    if kind == "DateTimeField":  # the import stamps every timestamp with the same ``now``
        return ("CAST(%s AS text)" if pg else "%s"), [now_iso]
    raise TypeError(f"导入的审计快照不支持 {field.model.__name__}.{field.name}（{kind}）。")


def snapshot_sql(model, alias: str, now_iso: str) -> tuple[str, list]:
    """``{"before": null, "after": snapshot(row)}`` for each row of ``model`` aliased ``alias``."""
    vendor = _conn().vendor
    if getattr(model, "audit_masked", None):
        raise TypeError(f"{model.__name__} 有需遮盖的字段，不能用 SQL 生成审计快照。")
    exclude = getattr(model, "audit_exclude", set())
    parts, params = [], []
    for field in model._meta.concrete_fields:
        if field.name in exclude:
            continue
        value, value_params = _value(field, f"{alias}.{field.column}", vendor, now_iso)
        parts.append(f"'{field.name}', {value}")
        params += value_params
    build = "jsonb_build_object" if vendor == "postgresql" else "json_object"
    return f"{build}('before', NULL, 'after', {build}({', '.join(parts)}))", params


def _param(field, value) -> tuple[str, object]:
    """A placeholder and value for ``field``: PostgreSQL needs the type named in a SELECT list."""
    conn = _conn()
    prepared = field.get_db_prep_save(value, conn)
    return (f"CAST(%s AS {field.db_type(conn)})" if conn.vendor == "postgresql" else "%s"), prepared


def _insert_audit(
    *,
    action,
    object_type,
    id_sql,
    repr_sql,
    changes_sql,
    changes_params,
    source,
    where,
    where_params,
    audit,
) -> None:
    """AuditLog rows, one per row of ``source``; the common columns from ``audit`` (write._Audit)."""
    conn = _conn()
    qn = conn.ops.quote_name
    head = [_param(AuditLog._meta.get_field(name), value) for name, value in audit.head.items()]
    select = [sql for sql, _ in head]
    select += [
        "%s",
        "%s",
        f"CAST({id_sql} AS TEXT)",
        f"substr({repr_sql}, 1, 200)",
        changes_sql,
        "%s",
    ]
    params = [value for _, value in head]
    params += [action, object_type, *changes_params, audit.note, *where_params]
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(AuditLog._meta.db_table)} ({', '.join(qn(c) for c in AUDIT_FIELDS)}) "
            f"SELECT {', '.join(select)} FROM {source} WHERE {where}",
            params,
        )


def insert_create_audit(ids: IdSet, *, audit, now) -> None:
    """One CREATE audit row per new enterprise, holding its snapshot."""
    qn = _conn().ops.quote_name
    changes, changes_params = snapshot_sql(Enterprise, "e", now.isoformat())
    where, where_params = ids.where("e.id")
    _insert_audit(
        action=AuditAction.CREATE,
        object_type=Enterprise._meta.label_lower,
        id_sql="e.id",
        repr_sql="e.name",
        changes_sql=changes,
        changes_params=changes_params,
        source=f"{qn(Enterprise._meta.db_table)} e",
        where=where,
        where_params=where_params,
        audit=audit,
    )


def insert_tag_link_audit(ids: IdSet, *, audit) -> None:
    """One CREATE audit row per new tag link, named like ``str(EnterpriseTag)``."""
    qn = _conn().ops.quote_name
    changes, changes_params = snapshot_sql(EnterpriseTag, "l", "")
    where, where_params = ids.where("l.id")
    _insert_audit(
        action=AuditAction.CREATE,
        object_type=EnterpriseTag._meta.label_lower,
        id_sql="l.id",
        repr_sql="e.name || ' · ' || t.name",
        changes_sql=changes,
        changes_params=changes_params,
        source=(
            f"{qn(EnterpriseTag._meta.db_table)} l "
            f"JOIN {qn(Enterprise._meta.db_table)} e ON e.id = l.enterprise_id "
            f"JOIN {qn(Tag._meta.db_table)} t ON t.id = l.tag_id"
        ),
        where=where,
        where_params=where_params,
        audit=audit,
    )


def insert_created_events(ids: IdSet, *, actor, note: str, now) -> None:
    """The CREATED timeline event of each new enterprise (to its initial status)."""
    conn = _conn()
    qn = conn.ops.quote_name
    opts = EnterpriseEvent._meta
    actor_sql, actor_id = _param(opts.get_field("actor"), getattr(actor, "pk", None))
    at_sql, at = _param(opts.get_field("at"), now)
    where, where_params = ids.where("e.id")
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(EnterpriseEvent._meta.db_table)} "
            f"(enterprise_id, kind, from_status, to_status, note, actor_id, at) "
            f"SELECT e.id, %s, '', e.status, %s, {actor_sql}, {at_sql} "
            f"FROM {qn(Enterprise._meta.db_table)} e WHERE {where}",
            [EnterpriseEventKind.CREATED, note, actor_id, at, *where_params],
        )
