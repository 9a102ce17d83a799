"""Deadline arithmetic for cases, in one place.

A node's due time is ``start + offset``: hours are exact; days end at 23:59:59 (Asia/Shanghai)
of the due day, counted in calendar days or in working days (``shangwu.workcalendar``, which
knows 调休); months land on the same day N months later (the month's last day when it has no
such day), end of day. A working-day count reaching into a year whose holiday arrangement nobody
has entered yet is computed provisionally (暂定: statutory holidays and weekends, see
``shangwu.workcalendar.services``) and returned as a ``ProvisionalDue`` that remembers how to
recompute it; the case keeps that in ``Case.provisional_dues``, shows the deadline as 暂定, and
``case_deadlines_recompute`` sets it right when the year is entered. Registering, assigning,
extending never fail because of the calendar; a year outside the calendar's range (before 2004)
still raises a ValidationError that says so.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from shangwu.cases.choices import (
    CaseKind,
    CaseStatus,
    ClockStart,
    DayKind,
    DeadlineNode,
    DeadlineUnit,
    Light,
)
from shangwu.workcalendar.services import (
    CalendarYearUnknown,
    span_provisional_years,
    workdays_add,
)

END_OF_DAY = datetime.time(23, 59, 59)

# The field holding each node's due time on Case, and the one recording when it was met.
NODE_FIELDS = {
    DeadlineNode.SIGN: ("sign_due_at", "signed_at"),
    DeadlineNode.FIRST_FEEDBACK: ("feedback_due_at", "first_feedback_at"),
    DeadlineNode.CLOSE: ("close_due_at", None),
    DeadlineNode.REVISIT: ("revisit_due_at", None),
}


def warning_period() -> datetime.timedelta:
    """How long before a deadline a case turns yellow (settings.CASE_WARNING_HOURS, default 24)."""
    return datetime.timedelta(hours=getattr(settings, "CASE_WARNING_HOURS", 24))


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY))


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def calendar_error(exc: CalendarYearUnknown) -> ValidationError:
    return ValidationError(f"无法计算办理时限：{exc}")


class ProvisionalDue(datetime.datetime):
    """A due time resting on a year whose holidays nobody has entered yet (暂定). ``basis`` is
    (from_date, working_days): the due day is ``workdays_add(from_date, working_days)``, so it
    can be recomputed exactly once the year is entered, however it was reached (assignment,
    pause and resume, reopening)."""

    basis: tuple[datetime.date, int]


def provisional_mark(due: datetime.datetime, start: datetime.date, days: int) -> datetime.datetime:
    """``due`` as a ProvisionalDue when counting ``days`` working days from ``start`` reached
    into a year not entered yet; ``due`` itself otherwise."""
    if not span_provisional_years(start, due):
        return due
    marked = ProvisionalDue(
        due.year,
        due.month,
        due.day,
        due.hour,
        due.minute,
        due.second,
        due.microsecond,
        tzinfo=due.tzinfo,
        fold=due.fold,
    )
    marked.basis = (start, days)
    return marked


def provisional_basis(value) -> tuple[datetime.date, int] | None:
    return getattr(value, "basis", None)


def add_workdays_keep_time(moment: datetime.datetime, days: int, basis=None) -> datetime.datetime:
    """``moment`` moved ``days`` working days later, same time of day (pause → resume).
    ``basis``: the (from_date, working_days) ``moment`` was provisionally computed from, so the
    moved deadline stays recomputable."""
    local = timezone.localtime(moment)
    start, count = (
        (datetime.date.fromisoformat(str(basis[0])), int(basis[1])) if basis else (local.date(), 0)
    )
    if days <= 0:
        return provisional_mark(moment, start, count) if basis else moment
    try:
        day = workdays_add(start=start, days=count + days, provisional=True)
    except CalendarYearUnknown as exc:
        raise calendar_error(exc) from exc
    due = timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))
    return provisional_mark(due, start, count + days)


def node_due(
    *, start: datetime.datetime, offset: int, unit: str, day_kind: str
) -> datetime.datetime:
    """When a node falls due, ``offset`` ``unit``s after ``start`` (a ProvisionalDue when it
    rests on a year not entered yet)."""
    if unit == DeadlineUnit.HOURS:
        return start + datetime.timedelta(hours=offset)
    day = local_date(start)
    basis = None
    try:
        if unit == DeadlineUnit.MONTHS:
            due = add_months(day, offset)
            if day_kind == DayKind.WORKING:
                # A month-based working-day rule falls on the next working day if needed
                # (the first working day after the day before).
                basis = (due - datetime.timedelta(days=1), 1)
                due = workdays_add(start=basis[0], days=1, provisional=True)
        elif day_kind == DayKind.WORKING:
            basis = (day, offset)
            due = workdays_add(start=day, days=offset, provisional=True)
        else:
            due = day + datetime.timedelta(days=offset)
    except CalendarYearUnknown as exc:
        raise calendar_error(exc) from exc
    return provisional_mark(end_of_day(due), *basis) if basis else end_of_day(due)


def rule_set_for(*, source: str, kind: str):
    """The current rule set for a source and kind: the exact pair first, then the source's
    catch-all (kind blank). Hotline kinds map onto 一般 for sources without hotline rules."""
    from shangwu.cases.models import DeadlineRuleSet

    candidates = DeadlineRuleSet.objects.filter(source=source, is_current=True).prefetch_related(
        "rules"
    )
    by_kind = {rs.kind: rs for rs in candidates}
    for key in (kind, "", CaseKind.ORDINARY):
        if key in by_kind:
            return by_kind[key]
    raise ValidationError(
        f"没有“{_label(source)}·{_label(kind, kind=True)}”的现行时限规则，请系统管理员在“时限规则”中配置。"
    )


def _label(value, kind=False):
    from shangwu.cases.choices import CaseSource

    choices = CaseKind if kind else CaseSource
    try:
        return choices(value).label
    except ValueError:
        return value or "全部类型"


def rule_dues(
    rule_set,
    *,
    start: datetime.datetime,
    received: datetime.datetime | None = None,
    nodes=None,
) -> dict[str, datetime.datetime]:
    """Due times of the rule set's nodes (all, or only ``nodes``) counted from ``start``, or from
    ``received`` for a node that counts from 受理 when ``received`` is given (at 交办; 回访 and
    重办 pass none and count from their own moment)."""
    dues = {}
    for rule in rule_set.rules.all():
        if nodes is not None and rule.node not in nodes:
            continue
        begin = (
            received
            if received is not None
            and rule.counts_from == ClockStart.RECEIVED
            and rule.node != DeadlineNode.REVISIT
            else start
        )
        dues[rule.node] = node_due(
            start=begin, offset=rule.offset, unit=rule.unit, day_kind=rule.day_kind
        )
    return dues


def pending_deadline(case) -> datetime.datetime | None:
    """The next deadline a case is working towards in its status (None: no clock runs)."""
    if case.paused_at is not None:
        return None
    status = case.status
    candidates = []
    if status == CaseStatus.ASSIGNED:
        candidates = [case.sign_due_at, case.feedback_due_at, case.close_due_at]
    elif status == CaseStatus.HANDLING:
        if case.first_feedback_at is None:
            candidates.append(case.feedback_due_at)
        candidates.append(case.close_due_at)
    elif status == CaseStatus.REVISIT:
        candidates = [case.revisit_due_at]
    candidates = [c for c in candidates if c is not None]
    return min(candidates) if candidates else None


def pending_node(case) -> str:
    """Which node ``pending_deadline`` belongs to (for 督办单 and messages)."""
    due = pending_deadline(case)
    if due is None:
        return ""
    for node, (field, _) in NODE_FIELDS.items():
        if getattr(case, field) == due:
            return node
    return ""


def light_for(deadline: datetime.datetime | None, now: datetime.datetime) -> str:
    if deadline is None:
        return Light.GREEN
    if deadline < now:
        return Light.RED
    if deadline < now + warning_period():
        return Light.YELLOW
    return Light.GREEN


# No deadline is earlier: the lower bound of "overdue" (see ``overdue_q``).
CLOCK_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def overdue_q(now):
    """Open cases whose pending deadline has passed at ``now`` (a moment or an expression).
    Bounded below too: SQLite (built without STAT4) guesses a one-sided range at a quarter of
    the table and would read the cases by their received date instead; a two-sided one it reads
    off the (status, next_deadline_at, …) index (1.5 s → 12 ms at 1M cases)."""
    from django.db.models import Q

    from shangwu.cases.choices import OPEN_STATUSES

    return Q(status__in=OPEN_STATUSES, next_deadline_at__gte=CLOCK_EPOCH, next_deadline_at__lt=now)


def light_q(light: str, now: datetime.datetime | None = None):
    """The cases whose light is ``light`` at ``now`` (default: the moment of the query): the same
    rule as ``light_for``, as a filter the (status, next_deadline_at) index answers."""
    from django.db.models import Q

    from shangwu.cases.choices import OPEN_STATUSES

    now = now or timezone.now()
    red = overdue_q(now)
    yellow = Q(
        status__in=OPEN_STATUSES,
        next_deadline_at__gte=now,
        next_deadline_at__lt=now + warning_period(),
    )
    return {Light.RED: red, Light.YELLOW: yellow}.get(light) or ~(red | yellow)


def _close_requested_at(case) -> datetime.datetime | None:
    from shangwu.cases.choices import CaseEventKind
    from shangwu.cases.models import CaseEvent

    return (
        CaseEvent.objects.filter(case_id=case.pk, kind=CaseEventKind.REQUEST_CLOSE)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )


def node_states(case, now: datetime.datetime) -> list[dict]:
    """Each node's due time and state, for the detail page."""
    rows = []
    for node, (due_field, done_field) in NODE_FIELDS.items():
        due = getattr(case, due_field)
        if due is None:
            continue
        done = getattr(case, done_field) if done_field else None
        if node == DeadlineNode.CLOSE and case.status in (
            CaseStatus.REVIEW,
            CaseStatus.REVISIT,
            CaseStatus.CLOSED,
        ):
            # 办结 is met by the 申请办结 that was approved (the one ``closed_on_time`` judges).
            done = _close_requested_at(case)
            state = "已申请办结" if case.status == CaseStatus.REVIEW else "已办结"
            if case.closed_on_time is False:
                state += "（逾期）"
        elif node == DeadlineNode.REVISIT and case.status == CaseStatus.CLOSED:
            done = case.closed_at  # set by the 回访 that closed the case
            state = "已回访" if done is None or done <= due else "已回访（逾期）"
        elif done is not None:
            state = "已完成（逾期）" if done > due else "已完成"
        elif case.paused_at is not None:
            state = "挂起中"
        elif not case.is_open:
            state = "—"
        else:
            state = {Light.RED: "已逾期", Light.YELLOW: "临近时限", Light.GREEN: "正常"}[
                light_for(due, now)
            ]
        provisional = case.is_open and done is None and node in (case.provisional_dues or {})
        rows.append(
            {
                "node": DeadlineNode(node).label,
                "due": due,
                "done": done,
                "state": state,
                "provisional": provisional,
            }
        )
    return rows
