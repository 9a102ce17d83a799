"""暂定 deadlines set right: when the administrator enters a year's State Council arrangement,
every open case whose deadline was computed provisionally for it is recomputed."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from shangwu.cases.choices import OPEN_STATUSES, CaseEventKind, DeadlineNode
from shangwu.cases.deadlines import NODE_FIELDS, provisional_mark
from shangwu.cases.models import Case
from shangwu.cases.services._base import notify, now_or, transition, unit_users
from shangwu.workcalendar.services import workdays_add


def case_deadlines_recompute(*, year: int | None = None, actor=None, now=None) -> int:
    """Recompute every provisional (暂定) deadline of the open cases from its basis with the
    calendar as it is now. A deadline that moved is written through ``transition`` (a 时限重算
    event naming the year and each change, the audit row, a 催办/督办 if the new time calls for
    one) and the lead unit, the handler and, for 回访, the assigning unit are notified. A deadline
    that stays where it was only loses its 暂定 mark. Returns the number of cases whose
    deadlines moved. Idempotent: a second run finds nothing to do."""
    now = now_or(now)
    moved = 0
    cases = Case.objects.filter(provisional_dues__isnull=False, status__in=OPEN_STATUSES)
    for case in cases.order_by("pk").iterator(chunk_size=500):
        marks = dict(case.provisional_dues or {})
        fields, lines, nodes = {}, [], []
        for node, (start, count) in list(marks.items()):
            field = NODE_FIELDS[node][0]
            old = getattr(case, field)
            if old is None:
                marks.pop(node)
                continue
            start = datetime.date.fromisoformat(start)
            day = workdays_add(start=start, days=count, provisional=True)
            local = timezone.localtime(old)
            new = provisional_mark(
                timezone.make_aware(
                    datetime.datetime.combine(day, local.time().replace(tzinfo=None))
                ),
                start,
                count,
            )
            if new != old:
                fields[field] = new
                nodes.append(node)
                lines.append(
                    f"{DeadlineNode(node).label}时限由{local:%Y-%m-%d}改为{timezone.localtime(new):%Y-%m-%d}"
                )
            elif getattr(new, "basis", None) is None:
                marks.pop(node)  # confirmed where it was
        if not fields:
            if marks != case.provisional_dues:
                # Nothing moved: the deadlines stand, only no longer 暂定 (no event to write).
                Case.objects.filter(pk=case.pk).update(provisional_dues=marks or None)
            continue
        fields["provisional_dues"] = marks
        what = f"{year}年节假日安排已录入" if year else "节假日安排已录入"
        note = f"{what}，暂定时限按录入的放假安排重算：" + "；".join(lines) + "。"
        with transaction.atomic():
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.RECOMPUTE,
                now=now,
                fields=fields,
                note=note,
                data={"year": year, "nodes": nodes},
            )
            units = [case.lead_unit_id]
            if DeadlineNode.REVISIT in nodes:
                units.append(case.assigning_unit_id)
            recipients = list(unit_users(units).values_list("pk", flat=True))
            if case.handler_id:
                recipients.append(case.handler_id)
            notify(case, recipients=recipients, text=note[:250])
        moved += 1
    return moved


def calendar_year_entered_receiver(sender, *, year, actor=None, **kwargs) -> None:
    """Receiver of ``workcalendar.services.calendar_year_entered`` (connected in apps.py): the
    calendar knows nothing of cases, so it announces the year and this recomputes."""
    case_deadlines_recompute(year=year, actor=actor)


def calendar_reminder_notify(*, now=None) -> int:
    """From 1 October, each active 系统管理员 is notified once (per year) that next year's
    holiday arrangement has not been entered, linking to the page that enters it. Run by
    ``process_deadlines``; idempotent through the notification key."""
    from shangwu.accounts.choices import Role
    from shangwu.accounts.models import User
    from shangwu.cases.models import Notification
    from shangwu.workcalendar.selectors import calendar_year_reminder

    reminder = calendar_year_reminder(today=timezone.localdate(now_or(now)))
    if reminder is None:
        return 0
    admins = User.objects.filter(role=Role.SYSADMIN, is_active=True).values_list("pk", flat=True)
    rows = [
        Notification(
            recipient_id=pk,
            text=reminder["text"][:300],
            url=reminder["url"],
            key=f"calendar-missing-{reminder['year']}-{pk}",
        )
        for pk in admins
    ]
    before = Notification.objects.filter(key__startswith=f"calendar-missing-{reminder['year']}-")
    count = before.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return before.count() - count
