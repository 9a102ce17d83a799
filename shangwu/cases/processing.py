"""The deadline pass behind ``shangwu process_deadlines`` (and behind every transition, for the
one case it touched): 催办 when a case's pending deadline comes into the warning period (its
light turns yellow), a 督办单 when the deadline passes (red).

Lights are not stored: a case's light is its pending deadline read against the clock
(``Case.light_at``), so the pass never rewrites a case. What the pass writes is what it issues:

- one CaseEvent (催办 or 督办) per case, unique per (case, kind, deadline). Inserting it *claims*
  the case (``INSERT … ON CONFLICT DO NOTHING RETURNING``): two copies of the pass, or a pass and
  a transition, never issue anything twice;
- a 督办单 per red case (unique ``supervision_auto_once`` as well);
- notifications: one per recipient and kind per batch. A recipient with one case gets that
  case's message and link; with several, one message naming how many, linking to the list.

Which cases a pass looks at: those whose deadline came due (red) or into the warning period
(yellow) since the last pass (``DeadlineSweep``), read off the (status, next_deadline_at) index,
looking back ``OVERLAP`` further for transitions that were still uncommitted when the last pass
looked. A pass with nothing to do is therefore a few index probes. ``full=True`` looks at every
open case (after a bulk load that bypassed the services).
"""

from __future__ import annotations

import datetime
import json
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse

from shangwu.cases.choices import (
    OPEN_STATUSES,
    CaseEventKind,
    CaseStatus,
    DeadlineNode,
    SupervisionLevel,
)
from shangwu.cases.deadlines import CLOCK_EPOCH, warning_period
from shangwu.cases.models import Case, CaseEvent, DeadlineSweep, Notification, SupervisionOrder

# Cases claimed per transaction (and so per digest notification). Nothing is locked but the
# claims themselves, so batches can be large: on SQLite each commit writes back every index page
# the batch touched, and fewer, larger batches write far less; PostgreSQL runs its batches on
# several connections at once, so smaller ones share out evenly.
BATCH = {"postgresql": 100_000, "sqlite": 250_000}
# Up to this many cases a batch names them (primary-key probes); more, it reads their id range.
NAMED_BATCH = 20_000
# How far before the last pass's horizon the next one looks again (a transition that read the
# clock before that pass and committed after it; re-claiming is a no-op).
OVERLAP = datetime.timedelta(minutes=10)


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
ALERT_KINDS = (CaseEventKind.URGE.value, CaseEventKind.SUPERVISE.value)
# The partial unique index ``caseevent_alert_once`` as the ON CONFLICT target; SQLite wants its
# condition written exactly as the index has it.
ALERT_TARGET = (
    f"(case_id, kind, deadline_at) WHERE (deadline_at IS NOT NULL AND kind IN "
    f"('{ALERT_KINDS[0]}', '{ALERT_KINDS[1]}'))"
)
OPEN_SQL = ", ".join(f"'{s.value}'" for s in OPEN_STATUSES)


def _tables():
    return {
        "case": Case._meta.db_table,
        "event": CaseEvent._meta.db_table,
        "order": SupervisionOrder._meta.db_table,
    }


def _dt(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _in(ids) -> tuple[str, list]:
    """``ids`` for ``x IN (…)`` as one parameter, however many (a batch is larger than either
    database's limit on parameters): an array on PostgreSQL, JSON on SQLite."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", [list(ids)]
    return "SELECT value FROM json_each(%s)", [json.dumps(list(ids))]


def _window(lo, hi) -> tuple[str, list]:
    """Open cases whose pending deadline is in [lo, hi) (from the first deadline there is when
    ``lo`` is None: two-sided, see ``overdue_q``)."""
    sql = f"c.status IN ({OPEN_SQL}) AND c.next_deadline_at >= %s AND c.next_deadline_at < %s"
    return sql, [_dt(lo or CLOCK_EPOCH), _dt(hi)]


def deadlines_process(*, now: datetime.datetime, ids=None, full: bool = False) -> dict[str, int]:
    """One pass: returns how many cases were issued a 督办 (turned red) and a 催办 (yellow).
    ``ids``: only these cases, whatever the last pass saw (a transition's own case)."""
    counts = {"red": 0, "yellow": 0}
    if ids is not None and not ids:
        return counts
    warn = now + warning_period()
    sweep = None if ids is not None or full else DeadlineSweep.objects.filter(pk=1).first()
    red_from = sweep.red_to - OVERLAP if sweep and sweep.red_to else None
    yellow_from = max(now, sweep.yellow_to - OVERLAP) if sweep and sweep.yellow_to else now
    steps = [
        ("red", CaseEventKind.SUPERVISE, red_from, now),
        ("yellow", CaseEventKind.URGE, yellow_from, warn),
    ]
    # (Not inside a caller's transaction: a checkpoint there is refused.)
    big = ids is None and connection.vendor == "sqlite" and not connection.in_atomic_block
    if big:
        _sqlite_bulk_mode(True)
    try:
        batches = [b for _, kind, lo, hi in steps for b in _batches(kind, lo=lo, hi=hi, ids=ids)]
        for kind, done in _run_batches(batches, now=now):
            counts["red" if kind == CaseEventKind.SUPERVISE else "yellow"] += done
    finally:
        if big:
            _sqlite_bulk_mode(False)
    if ids is None:
        _advance(now=now, warn=warn)
        if any(counts.values()):
            from shangwu.audit.choices import AuditAction
            from shangwu.audit.services import audit_write

            audit_write(
                action=AuditAction.UPDATE,
                object_type=Case._meta.label_lower,
                object_repr="时限处理",
                detail=f"转红灯并督办 {counts['red']} 件，转黄灯并催办 {counts['yellow']} 件。",
            )
    return counts


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


def _batches(kind: str, *, lo, hi, ids) -> list[tuple]:
    """The window's cases as batches: (kind, where, params), each a range of ids (read along the
    primary key, not looked up one by one)."""
    t = _tables()
    cond, params = _window(lo, hi)
    only, only_params = "", []
    if ids is not None:
        marks, only_params = _in(ids)
        only = f" AND c.id IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT c.id FROM {t['case']} c WHERE {cond}{only}", params + only_params)
        candidates = sorted(row[0] for row in cursor.fetchall())
    batches = []
    for start in range(0, len(candidates), _batch()):
        chunk = candidates[start : start + _batch()]
        if len(chunk) <= NAMED_BATCH:
            # A few cases (an idle pass re-reads the overlap): named one by one. Their id range
            # spans the whole table, and the planner read all of it (issue 18: 703–895 ms at
            # 1,000,000 cases for a pass with nothing to do).
            marks, chunk_params = _in(chunk)
            where = f"c.id IN ({marks}) AND {cond}{only}"
            batches.append((kind, where, [*chunk_params, *params, *only_params]))
        else:
            where = f"c.id BETWEEN %s AND %s AND {cond}{only}"
            batches.append((kind, where, [chunk[0], chunk[-1], *params, *only_params]))
    return batches


def _run_batches(batches: list[tuple], *, now) -> list[tuple[str, int]]:
    """Each batch in a transaction of its own: claim, issue, notify. On PostgreSQL, outside a
    caller's transaction, on ``CASE_PASS_CONNECTIONS`` connections at once (the batches claim
    disjoint cases; the server's cores share the work)."""
    workers = getattr(settings, "CASE_PASS_CONNECTIONS", 2)
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(batches) < 2:
        workers = 1
    if workers == 1:
        return [_run_batch(batch, now=now) for batch in batches]

    def own_connection(batch):
        try:
            return _run_batch(batch, now=now)
        finally:
            connection.close()  # this thread's connection

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(own_connection, batches))


def _run_batch(batch: tuple, *, now) -> tuple[str, int]:
    kind, where, params = batch
    issue = _issue_postgresql if connection.vendor == "postgresql" else _issue_sqlite
    with transaction.atomic(), connection.cursor() as cursor:
        groups = issue(cursor, kind=kind, where=where, params=params, now=now)
        _notify(cursor, groups=groups, kind=kind)
    return kind, sum(g[2] for g in groups)


def _note(kind: str) -> str:
    if kind == CaseEventKind.SUPERVISE:
        return f"'已超过' || {NODE_LABEL_SQL} || '时限，系统自动督办'"
    return f"'临近' || {NODE_LABEL_SQL} || '时限，系统自动催办'"


def _event_sql(kind: str, source: str) -> str:
    """Insert the 催办/督办 event of each case in ``source`` (alias c) not yet issued for its
    deadline, returning the cases claimed."""
    t = _tables()
    return (
        f"INSERT INTO {t['event']} (case_id, kind, from_status, to_status, actor_id, unit_id, note, "
        f"data, deadline_at, at) SELECT c.id, '{kind}', c.status, c.status, NULL, NULL, {_note(kind)}, "
        f"NULL, c.next_deadline_at, %s FROM {source} "
        f"ON CONFLICT {ALERT_TARGET} DO NOTHING RETURNING case_id"
    )


def _order_sql(source: str) -> str:
    """督办单 addressed to the lead unit, one per case and deadline, for the cases in ``source``."""
    t = _tables()
    return (
        f"INSERT INTO {t['order']} (case_id, level, node, deadline_at, addressed_to_id, issued_by_id, "
        f"issued_at, required_by, comment, resolved_at) SELECT c.id, {SupervisionLevel.SUPERVISE.value}, "
        f"{NODE_VALUE_SQL}, c.next_deadline_at, c.lead_unit_id, NULL, %s, NULL, "
        f"{_note(CaseEventKind.SUPERVISE)}, NULL FROM {source} ON CONFLICT DO NOTHING"
    )


# With the assigning unit: a lead unit outside the bureau (外部单位) is reached through it.
GROUPS_SQL = (
    "SELECT c.lead_unit_id, c.handler_id, COUNT(*), MIN(c.id), c.assigning_unit_id "
    "FROM {source} GROUP BY 1, 2, 5"
)


def _issue_postgresql(cursor, *, kind: str, where: str, params: list, now) -> list[tuple]:
    """One statement per batch: the cases are read once, and the events, the 督办单 and the
    recipients' groups all come from that read."""
    t = _tables()
    columns = (
        "c.id, c.status, c.next_deadline_at, c.lead_unit_id, c.handler_id, c.sign_due_at, "
        "c.feedback_due_at, c.first_feedback_at, c.assigning_unit_id"
    )
    sql = (
        f"WITH due AS MATERIALIZED (SELECT {columns} FROM {t['case']} c WHERE {where}), "
        f"claimed AS ({_event_sql(kind, 'due c')}), "
        f"issued AS MATERIALIZED (SELECT c.* FROM due c JOIN claimed ON claimed.case_id = c.id)"
    )
    stamps = [_dt(now)]
    if kind == CaseEventKind.SUPERVISE:
        sql += f", orders AS ({_order_sql('issued c')})"
        stamps.append(_dt(now))
    cursor.execute(sql + " " + GROUPS_SQL.format(source="issued c"), [*params, *stamps])
    return cursor.fetchall()


def _issue_sqlite(cursor, *, kind: str, where: str, params: list, now) -> list[tuple]:
    t = _tables()
    cursor.execute(_event_sql(kind, f"{t['case']} c WHERE {where}"), [_dt(now), *params])
    claimed = [row[0] for row in cursor.fetchall()]
    if not claimed:
        return []
    marks, id_params = _in(claimed)
    source = f"{t['case']} c WHERE c.id IN ({marks})"
    if kind == CaseEventKind.SUPERVISE:
        cursor.execute(_order_sql(source), [_dt(now), *id_params])
    cursor.execute(GROUPS_SQL.format(source=source), id_params)
    return cursor.fetchall()


def _notify(cursor, *, groups: list[tuple], kind: str) -> int:
    """One notification per recipient for the claimed cases. 督办: the lead unit's head (all its
    members when it has none named) and the handler. 催办: the handler, or the lead unit's members
    while nobody has signed for the case. A lead unit outside the bureau (外部单位, no users here)
    is reached through the liaison who records for it: the assigning unit. Returns how many were
    written."""
    from shangwu.accounts.models import User
    from shangwu.cases.services._base import BUSINESS_ROLES, HEAD_POSITIONS
    from shangwu.organization.choices import OrgUnitKind
    from shangwu.organization.models import OrgUnit

    if not groups:
        return 0
    t = _tables()
    external = set(
        OrgUnit.objects.filter(
            pk__in={g[0] for g in groups if g[0]}, kind=OrgUnitKind.EXTERNAL
        ).values_list("pk", flat=True)
    )
    groups = [(g[4] if g[0] in external else g[0], *g[1:4]) for g in groups]
    units = {g[0] for g in groups if g[0]}
    handlers = {g[1] for g in groups if g[1]}
    people = User.objects.filter(is_active=True, role__in=BUSINESS_ROLES).filter(
        Q(org_unit_id__in=units) | Q(pk__in=handlers)
    )
    active, members, heads = set(), {}, {}
    for pk, unit, position in people.values_list("pk", "org_unit_id", "position"):
        active.add(pk)
        members.setdefault(unit, []).append(pk)
        if position.endswith(HEAD_POSITIONS):
            heads.setdefault(unit, []).append(pk)
    red = kind == CaseEventKind.SUPERVISE
    tally: dict[int, list[int]] = {}  # user → [cases, first case]
    for unit, handler, count, first in groups:
        if red:
            to = set(heads.get(unit) or members.get(unit, []))
            if handler in active:
                to.add(handler)
        elif handler:
            to = {handler} & active
        else:
            to = set(members.get(unit, []))
        for pk in to:
            seen = tally.setdefault(pk, [0, first])
            seen[0] += count
            seen[1] = min(seen[1], first)
    if not tally:
        return 0
    firsts = sorted({first for _, first in tally.values()})
    marks, first_params = _in(firsts)
    cursor.execute(
        f"SELECT c.id, c.number, SUBSTR(c.title, 1, 60), {NODE_LABEL_SQL} FROM {t['case']} c "
        f"WHERE c.id IN ({marks})",
        first_params,
    )
    about = {row[0]: row[1:] for row in cursor.fetchall()}
    list_url = reverse("cases:case_list") + ("?light=red" if red else "?light=yellow")
    rows = []
    for pk, (count, first) in tally.items():
        number, title, node = about[first]
        if count == 1:
            text = (
                f"{number} 红灯督办：已超过{node}时限，{title}"
                if red
                else f"{number} 催办：临近{node}时限，{title}"
            )
            url, case_id = reverse("cases:case_detail", args=[first]), first
        else:
            text = (
                f"{count} 件案件红灯督办：已超过办理时限（{number} 等），请尽快办理"
                if red
                else f"{count} 件案件催办：临近办理时限（{number} 等），请抓紧办理"
            )
            url, case_id = list_url, None
        rows.append(Notification(recipient_id=pk, case_id=case_id, text=text[:300], url=url))
    Notification.objects.bulk_create(rows)
    return len(rows)


def _advance(*, now, warn) -> None:
    """Move the pass's horizons forward (never back: an overlapping copy may be ahead)."""
    DeadlineSweep.objects.get_or_create(pk=1)
    DeadlineSweep.objects.filter(pk=1).filter(Q(red_to__isnull=True) | Q(red_to__lt=now)).update(
        red_to=now
    )
    DeadlineSweep.objects.filter(pk=1).filter(
        Q(yellow_to__isnull=True) | Q(yellow_to__lt=warn)
    ).update(yellow_to=warn)
