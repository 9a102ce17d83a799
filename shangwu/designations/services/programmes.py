"""Services of funded programmes (示范县等): funds by source and year, milestones (实施方案, 中期
评估, 验收), and the daily reminders of 复核 and 验收 to the unit responsible now. The same rules
as every designation service (``shangwu.designations.services``): one transaction, an event row,
the audit rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.designations.choices import (
    DesignationEventKind,
    FundSource,
    MilestoneKind,
    MilestoneResult,
)
from shangwu.designations.models import Designation, ProgrammeFund, ProgrammeMilestone
from shangwu.designations.services import REMINDER_DAYS, _check_day, _check_in_scope, _log

# --- Funded programmes ---------------------------------------------------------------------------


def _check_funded(designation) -> None:
    if not designation.kind.carries_funds:
        raise ValidationError(f"“{designation.kind}”不是有资金支持的创建项目，不登记资金和节点。")


def _amount(name: str, label: str, value) -> Decimal:
    value = Decimal(value or 0)
    if value < 0:
        raise ValidationError({name: f"{label}不能为负数。"})
    return value


def programme_fund_set(
    *,
    designation: Designation,
    actor,
    source: str,
    year: int,
    budget=0,
    allocated=0,
    spent=0,
    now=None,
) -> ProgrammeFund:
    """A programme's money from ``source`` in ``year`` (万元): set or correct it. Spent may not
    pass allocated."""
    _check_in_scope(actor, designation)
    _check_funded(designation)
    if source not in FundSource.values:
        raise ValidationError({"source": "请选择资金来源。"})
    budget = _amount("budget", "预算", budget)
    allocated = _amount("allocated", "已下达", allocated)
    spent = _amount("spent", "已支出", spent)
    if spent > allocated:
        raise ValidationError({"spent": f"已支出（{spent}）不能超过已下达（{allocated}）。"})
    with transaction.atomic():
        row, created = ProgrammeFund.objects.update_or_create(
            designation=designation,
            source=source,
            year=year,
            defaults={"budget": budget, "allocated": allocated, "spent": spent},
        )
        _log(
            designation,
            DesignationEventKind.FUNDS,
            actor=actor,
            now=now,
            note=f"{year}年{FundSource(source).label}：预算{budget}万元，已下达{allocated}万元，"
            f"已支出{spent}万元",
        )
    return row


def programme_milestone_set(
    *, designation: Designation, actor, kind: str, due_on: datetime.date, note: str = "", now=None
) -> ProgrammeMilestone:
    """Plan a milestone (实施方案, 中期评估, 验收) or move its due date."""
    _check_in_scope(actor, designation)
    _check_funded(designation)
    if kind not in MilestoneKind.values:
        raise ValidationError({"kind": "请选择节点（实施方案、中期评估或验收）。"})
    if due_on is None:
        raise ValidationError({"due_on": "请填写计划完成日期。"})
    with transaction.atomic():
        row, _ = ProgrammeMilestone.objects.update_or_create(
            designation=designation, kind=kind, defaults={"due_on": due_on, "note": note}
        )
        _log(
            designation,
            DesignationEventKind.MILESTONE,
            actor=actor,
            now=now,
            note=f"{MilestoneKind(kind).label}计划于{due_on:%Y-%m-%d}完成",
        )
    return row


def programme_milestone_complete(
    *,
    milestone: ProgrammeMilestone,
    actor,
    done_on: datetime.date,
    result: str,
    note: str = "",
    now=None,
) -> ProgrammeMilestone:
    """A milestone done on ``done_on`` with its result."""
    designation = milestone.designation
    _check_in_scope(actor, designation)
    if milestone.done_on is not None:
        raise ValidationError(
            {"done_on": f"“{milestone.get_kind_display()}”已于{milestone.done_on:%Y-%m-%d}完成。"}
        )
    if result not in MilestoneResult.values:
        raise ValidationError({"result": "请选择结果。"})
    _check_day("done_on", "完成日期", done_on, now=now)
    with transaction.atomic():
        milestone.done_on, milestone.result = done_on, result
        if note:
            milestone.note = note
        milestone.save()
        _log(
            designation,
            DesignationEventKind.MILESTONE,
            actor=actor,
            now=now,
            on=done_on,
            note=f"{milestone.get_kind_display()}完成（{MilestoneResult(result).label}）"
            + ("，逾期完成" if done_on > milestone.due_on else ""),
        )
    return milestone


# --- Reminders ------------------------------------------------------------------------------------


def designation_send_reminders(*, on: datetime.date | None = None) -> int:
    """复核 and 验收 falling due within ``REMINDER_DAYS`` of ``on`` (today): one in-app
    notification (the platform's ``cases.Notification``) to each active user of the responsible
    unit, once per due date (its ``key``): running it again the same day, or every day, sends
    nothing new. Returns the notifications sent."""
    from shangwu.accounts.models import User
    from shangwu.cases.models import Notification
    from shangwu.cases.services._base import unit_users

    on = on or timezone.localdate()
    end = on + datetime.timedelta(days=REMINDER_DAYS)
    items = []
    for d in Designation.objects.review_due(on, end).with_responsible():
        items.append(
            (
                d,
                f"review:{d.pk}:{d.next_review_on:%Y%m%d}",
                f"“{d}”将于{d.next_review_on:%Y-%m-%d}复核，请准备复核材料。",
            )
        )
    milestones = ProgrammeMilestone.objects.filter(
        kind=MilestoneKind.ACCEPTANCE, done_on__isnull=True, due_on__lte=end
    )
    holders = Designation.objects.with_responsible().in_bulk({m.designation_id for m in milestones})
    for m in milestones:
        d = holders[m.designation_id]
        items.append(
            (
                d,
                f"acceptance:{m.pk}:{m.due_on:%Y%m%d}",
                f"“{d}”验收计划于{m.due_on:%Y-%m-%d}完成"
                + ("，已逾期。" if m.due_on < on else "，请做好验收准备。"),
            )
        )
    # The unit responsible now (its open DesignationResponsibility), and its official even when
    # the official has moved to another unit.
    rows = []
    for d, key, text in items:
        users = {u.pk: u for u in unit_users([d.responsible_unit_id])}
        if d.official_id and d.official_id not in users:
            official = User.objects.filter(pk=d.official_id, is_active=True).first()
            if official is not None:
                users[official.pk] = official
        for user in users.values():
            rows.append(
                Notification(
                    recipient=user,
                    text=text[:300],
                    url=d.get_absolute_url(),
                    key=f"designation:{key}:{user.pk}"[:120],
                )
            )
    if not rows:
        return 0
    keys = {r.key for r in rows}
    sent = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [r for r in rows if r.key not in sent]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
