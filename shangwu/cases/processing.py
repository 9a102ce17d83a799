"""The deadline pass behind ``shangwu process_deadlines`` (and behind every transition, for the
one case it touched): lights move green → yellow → red, 催办 when a case turns yellow, a 督办单
when it turns red.

Set-based and index-driven (STYLE 11): finding work is a range scan on (light, next_deadline_at),
so a pass with nothing to do is three indexed statements. Each batch is *claimed* by a
conditional ``UPDATE … WHERE light = <old> … RETURNING id``; only the run whose UPDATE changed a
row writes its event, 督办单 and notifications, so two copies running at once never issue
anything twice (and the unique constraint ``supervision_auto_once`` plus the notifications'
unique ``key`` make a second insert a no-op anyway).
"""

from __future__ import annotations

import datetime
import json

from django.db import connection, transaction
from django.urls import reverse

from shangwu.accounts.choices import ROLE_LEVEL
from shangwu.cases.choices import CaseEventKind, CaseStatus, DeadlineNode, Light, SupervisionLevel
from shangwu.cases.deadlines import warning_period
from shangwu.cases.models import Case, CaseEvent, Notification, SupervisionOrder

# Cases claimed per transaction. PostgreSQL: short transactions, and a second copy of the pass
# takes other rows meanwhile (SKIP LOCKED). SQLite has one writer anyway, and each commit writes
# back every index page the batch touched (the light's indexes are touched all over), so fewer,
# larger batches write far less.
BATCH = {"postgresql": 20_000, "sqlite": 250_000}


def _batch() -> int:
    return BATCH[connection.vendor]


NODE_SQL = (
    f"CASE WHEN c.status = '{CaseStatus.ASSIGNED.value}' AND c.next_deadline_at = c.sign_due_at "
    f"THEN '{{sign}}' WHEN c.first_feedback_at IS NULL AND c.next_deadline_at = c.feedback_due_at "
    f"THEN '{{first_feedback}}' WHEN c.status = '{CaseStatus.REVISIT.value}' THEN '{{revisit}}' "
    f"ELSE '{{close}}' END"
)
NODE_VALUE_SQL = NODE_SQL.format(**{n.value: n.value for n in DeadlineNode})
NODE_LABEL_SQL = NODE_SQL.format(**{n.value: n.label for n in DeadlineNode})


def _tables():
    from shangwu.accounts.models import User

    return {
        "case": Case._meta.db_table,
        "event": CaseEvent._meta.db_table,
        "order": SupervisionOrder._meta.db_table,
        "notice": Notification._meta.db_table,
        "user": User._meta.db_table,
    }


def _dt(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _in(ids) -> tuple[str, list]:
    """``ids`` for ``x IN (…)``; on SQLite one JSON parameter, however many (a batch there is
    larger than SQLite's limit on parameters)."""
    if connection.vendor == "postgresql":  # a batch's ids as placeholders: PostgreSQL plans
        return ", ".join(["%s"] * len(ids)), list(ids)  # the joins on their true number
    return "SELECT value FROM json_each(%s)", [json.dumps(list(ids))]


def _claim(cursor, *, to_light: str, level: int, cond: str, params: list, ids) -> list[int]:
    t = _tables()
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    only, only_params = ("", [])
    if ids is not None:
        marks, only_params = _in(ids)
        only = f" AND id IN ({marks})"
    sql = (
        f"UPDATE {t['case']} SET light = %s, supervision_level = CASE WHEN supervision_level < %s THEN %s "
        f"ELSE supervision_level END WHERE id IN (SELECT id FROM {t['case']} WHERE {cond}{only} LIMIT {_batch()}{lock}) "
        f"AND {cond} RETURNING id"
    )
    cursor.execute(sql, [to_light, level, level, *params, *only_params, *params])
    return [row[0] for row in cursor.fetchall()]


def _issue(cursor, *, claimed: list[int], kind: str, now, red: bool) -> None:
    """Events, 督办单 (red only) and notifications for the claimed cases."""
    t = _tables()
    marks, id_params = _in(claimed)
    at = _dt(now)
    if red:
        note = f"'已超过' || {NODE_LABEL_SQL} || '时限，系统自动督办'"
    else:
        note = f"'临近' || {NODE_LABEL_SQL} || '时限，系统自动催办'"
    cursor.execute(
        f"INSERT INTO {t['event']} (case_id, kind, from_status, to_status, actor_id, unit_id, note, data, at) "
        f"SELECT c.id, %s, c.status, c.status, NULL, NULL, {note}, NULL, %s FROM {t['case']} c WHERE c.id IN ({marks})",
        [kind, at, *id_params],
    )
    if red:
        cursor.execute(
            f"INSERT INTO {t['order']} (case_id, level, node, deadline_at, addressed_to_id, issued_by_id, issued_at, "
            f"required_by, comment, resolved_at) SELECT c.id, %s, {NODE_VALUE_SQL}, c.next_deadline_at, c.lead_unit_id, "
            f"NULL, %s, NULL, {note}, NULL FROM {t['case']} c WHERE c.id IN ({marks}) ON CONFLICT DO NOTHING",
            [SupervisionLevel.SUPERVISE.value, at, *id_params],
        )
    roles = list(ROLE_LEVEL)
    role_marks = ", ".join(["%s"] * len(roles))
    member = f"u.is_active = %s AND u.role IN ({role_marks})"
    head = "(u.position LIKE %s OR u.position LIKE %s)"
    head_params = ["%长", "%主任"]
    if red:
        # 督办单: addressed to the lead unit's head (all its members when it has none named), and the handler.
        who = (
            f"(u.id = c.handler_id OR (u.org_unit_id = c.lead_unit_id AND ({head} OR NOT EXISTS ("
            f"SELECT 1 FROM {t['user']} h WHERE h.org_unit_id = c.lead_unit_id AND h.is_active = %s "
            f"AND (h.position LIKE %s OR h.position LIKE %s)))))"
        )
        who_params = [*head_params, True, *head_params]
        text = f"c.number || ' 红灯督办：已超过' || {NODE_LABEL_SQL} || '时限，' || SUBSTR(c.title, 1, 60)"
    else:
        who = "(u.id = c.handler_id OR (c.handler_id IS NULL AND u.org_unit_id = c.lead_unit_id))"
        who_params = []
        text = (
            f"c.number || ' 催办：临近' || {NODE_LABEL_SQL} || '时限，' || SUBSTR(c.title, 1, 60)"
        )
    prefix, suffix = reverse("cases:case_detail", args=[987654321]).split("987654321")
    cursor.execute(
        f"INSERT INTO {t['notice']} (recipient_id, case_id, text, url, {connection.ops.quote_name('key')}, "
        f"created_at, read_at) SELECT u.id, c.id, {text}, %s || c.id || %s, 'ev:' || e.id || ':' || u.id, %s, NULL "
        f"FROM {t['event']} e JOIN {t['case']} c ON c.id = e.case_id JOIN {t['user']} u ON {member} AND {who} "
        f"WHERE e.case_id IN ({marks}) AND e.kind = %s AND e.at = %s ON CONFLICT DO NOTHING",
        [prefix, suffix, at, True, *roles, *who_params, *id_params, kind, at],
    )


def deadlines_process(*, now: datetime.datetime, ids=None) -> dict[str, int]:
    """One pass: returns how many cases turned red, turned yellow and calmed down."""
    warn = now + warning_period()
    counts = {"red": 0, "yellow": 0, "lowered": 0}
    if ids is not None and not ids:
        return counts
    steps = [
        (
            "red",
            Light.RED,
            SupervisionLevel.SUPERVISE,
            CaseEventKind.SUPERVISE,
            "light IN (%s, %s) AND next_deadline_at < %s",
            [Light.GREEN.value, Light.YELLOW.value, _dt(now)],
        ),
        (
            "yellow",
            Light.YELLOW,
            SupervisionLevel.URGE,
            CaseEventKind.URGE,
            "light = %s AND next_deadline_at >= %s AND next_deadline_at < %s",
            [Light.GREEN.value, _dt(now), _dt(warn)],
        ),
    ]
    # (Not inside a caller's transaction: a checkpoint there is refused.)
    big = ids is None and connection.vendor == "sqlite" and not connection.in_atomic_block
    if big:
        _sqlite_bulk_mode(True)
    try:
        _run_steps(steps, ids=ids, now=now, counts=counts)
    finally:
        if big:
            _sqlite_bulk_mode(False)
    return _lower(now=now, warn=warn, ids=ids, counts=counts)


def _sqlite_bulk_mode(on: bool) -> None:
    """A big pass on SQLite: a larger page cache, and the WAL checkpointed once at the end rather
    than after every batch (the same pages would be written back again and again)."""
    with connection.cursor() as cursor:
        if on:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only
            cursor.execute("PRAGMA wal_autocheckpoint = 0")
        else:
            cursor.execute("PRAGMA wal_autocheckpoint = 1000")
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _run_steps(steps, *, ids, now, counts) -> None:
    for name, light, level, kind, cond, params in steps:
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                claimed = _claim(
                    cursor,
                    to_light=light.value,
                    level=level.value,
                    cond=cond,
                    params=params,
                    ids=ids,
                )
                if claimed:
                    _issue(cursor, claimed=claimed, kind=kind.value, now=now, red=name == "red")
            counts[name] += len(claimed)
            if len(claimed) < _batch():
                break


def _lower(*, now, warn, ids, counts) -> dict[str, int]:
    # A deadline moved later (extension, resume, reopen…): lower the light; nothing is issued.
    t = _tables()
    only, only_params = "", []
    if ids is not None:
        marks, only_params = _in(ids)
        only = f" AND id IN ({marks})"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t['case']} SET light = CASE WHEN next_deadline_at IS NULL THEN %s WHEN next_deadline_at < %s "
            f"THEN %s WHEN next_deadline_at < %s THEN %s ELSE %s END WHERE ((light = %s AND (next_deadline_at >= %s "
            f"OR next_deadline_at IS NULL)) OR (light = %s AND (next_deadline_at >= %s OR next_deadline_at IS NULL))){only}",
            [
                Light.GREEN.value,
                _dt(now),
                Light.RED.value,
                _dt(warn),
                Light.YELLOW.value,
                Light.GREEN.value,
                Light.YELLOW.value,
                _dt(warn),
                Light.RED.value,
                _dt(now),
                *only_params,
            ],
        )
        counts["lowered"] = cursor.rowcount
    if ids is None and any(counts.values()):
        from shangwu.audit.choices import AuditAction
        from shangwu.audit.services import audit_write

        audit_write(
            action=AuditAction.UPDATE,
            object_type=Case._meta.label_lower,
            object_repr="时限处理",
            detail=f"转红灯并督办 {counts['red']} 件，转黄灯并催办 {counts['yellow']} 件，"
            f"时限顺延后降灯 {counts['lowered']} 件。",
        )
    return counts
