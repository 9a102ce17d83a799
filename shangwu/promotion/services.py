"""Services of the promotion events: every write goes through here, each in one transaction,
each writing its EventLog row (the timeline); audited models are logged by the audit signals,
and the one conditional UPDATE here (the status move) writes its audit row itself.

Outcome arithmetic (成果口径): an event's totals (人次, 销售额, 订单, 授信…) are what its
organiser reports for the whole event, and hold at least what its registered participants
report between them: a total left empty is their sum, a total below their sum is refused, and a
participant whose figures would pass the event's total raises it to the new sum.
``participant_count`` is the registered participants plus the other (unregistered) ones;
``signed_projects`` / ``signed_amount`` count the projects signed at the event.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write, snapshot
from shangwu.core.access import require
from shangwu.core.files import file_remove, file_store
from shangwu.core.services import event_record
from shangwu.promotion.choices import (
    HELD_STATUSES,
    NEXT_STATUS,
    ORDER_AMOUNTS,
    SUMMED,
    EventLogKind,
    EventStatus,
    OutcomeFamily,
)
from shangwu.promotion.models import (
    EventAttachment,
    EventLog,
    EventParticipant,
    EventProject,
    PromotionEvent,
)

# Written only by their own services: refused in create/update.
KEPT_FIELDS = {
    "status",
    "participant_count",
    "signed_projects",
    "signed_amount",
    "other_participants",
    "attendance",
    "sales",
    "formal_orders",
    "formal_amount",
    "intended_orders",
    "intended_amount",
    "credit_amount",
    "delegates",
    "destinations",
    "foreign_projects",
    "intended_investment",
}
QUIET_FIELDS = {"updated_at", "created_at", "id", "created_by"}
PARTICIPANT_MEASURES = SUMMED
CENT = Decimal("0.01")


def _log(event, kind, *, actor, now=None, **fields) -> EventLog:
    if now is not None:
        fields["at"] = now
    return event_record(EventLog, subject=event, kind=kind, actor=actor, **fields)


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _check_in_scope(actor, event, action="change") -> None:
    """A service called for an event the actor may not ``action`` (a county officer and the
    city's own event) is refused, whoever called it (page, API, command)."""
    if actor is None:
        return
    require(actor, PromotionEvent, action)
    if not PromotionEvent.objects.restrict(actor, action).filter(pk=event.pk).exists():
        raise PermissionDenied("该活动不在您可修改的数据范围内。")


def _label(field: str) -> str:
    return str(PromotionEvent._meta.get_field(field).verbose_name)


# --- The event record --------------------------------------------------------------------------


def event_create(
    *, actor, now: datetime.datetime | None = None, co_organisers=(), **fields
) -> PromotionEvent:
    """A new event in status 计划, registered by ``actor`` (at ``now``)."""
    bad = sorted(KEPT_FIELDS & set(fields))
    if bad:
        raise ValidationError(
            {bad[0]: "状态和成果请在活动登记后分别用“状态推进”“填报成果”操作填写。"}
        )
    require(actor, PromotionEvent, "add")
    event = PromotionEvent(**fields, status=EventStatus.PLANNED, created_by=_actor_or_none(actor))
    event.full_clean()
    with transaction.atomic():
        event.save()
        if now is not None:
            PromotionEvent.objects.filter(pk=event.pk).update(created_at=now)
        event.co_organisers.set(co_organisers)
        _log(
            event,
            EventLogKind.CREATED,
            actor=actor,
            now=now,
            to_status=event.status,
            note="活动登记",
        )
    return event


def event_update(
    *,
    event: PromotionEvent,
    actor,
    now: datetime.datetime | None = None,
    co_organisers=None,
    **fields,
) -> PromotionEvent:
    """Edit the record (name, kind, place, dates, units, 财政资金, summary…). Status and outcomes
    change only through their own services."""
    bad = sorted(KEPT_FIELDS & set(fields))
    if bad:
        raise ValidationError({bad[0]: "状态和成果请用“状态推进”“填报成果”操作修改。"})
    _check_in_scope(actor, event)
    if "kind" in fields and fields["kind"] != event.kind and event.status in HELD_STATUSES:
        if fields["kind"].family != event.kind.family:
            raise ValidationError(
                {"kind": "活动已举办并填报成果，不能改为成果类别不同的活动类型。"}
            )
    if "order_currency" in fields and fields["order_currency"] != event.order_currency:
        _check_currency_free(event)
    before = snapshot(event)
    for key, value in fields.items():
        setattr(event, key, value)
    event.full_clean()
    after = snapshot(event)
    changed = sorted(k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k))
    with transaction.atomic():
        event.save()
        units_changed = False
        if co_organisers is not None:
            old = set(event.co_organisers.values_list("pk", flat=True))
            new = {u.pk for u in co_organisers}
            if old != new:
                event.co_organisers.set(co_organisers)
                units_changed = True
        if changed or units_changed:
            _log(
                event,
                EventLogKind.UPDATED,
                actor=actor,
                now=now,
                note="修改："
                + "、".join([_label(k) for k in changed] + (["协办单位"] if units_changed else [])),
                changes={
                    "before": {k: before.get(k) for k in changed},
                    "after": {k: after[k] for k in changed},
                },
            )
    return event


def _check_currency_free(event: PromotionEvent) -> None:
    """An event's order amounts are kept in its unit (万美元 or 亿元), never converted: once any
    amount is reported in it, the unit stays (choices.OrderCurrency)."""
    reported = any(getattr(event, f) is not None for f in ORDER_AMOUNTS) or (
        EventParticipant.objects.filter(event=event)
        .exclude(formal_amount__isnull=True, intended_amount__isnull=True)
        .exists()
    )
    if reported:
        raise ValidationError(
            {
                "order_currency": f"本活动已按“{event.get_order_currency_display()}”填报订单金额，"
                "不能再改订单金额单位（金额不按汇率换算）；如确需更改，请先清空活动和"
                f"{event.participant_noun}的订单金额。"
            }
        )


def event_move(
    *,
    event: PromotionEvent,
    to_status: str,
    actor,
    note: str = "",
    now: datetime.datetime | None = None,
) -> PromotionEvent:
    """One step of 计划 → 筹备 → 已举办 → 已总结, never skipped nor taken back. 已举办 only once
    the event has begun; 已总结 only with its written summary. A conditional UPDATE claims the
    move (two people moving the same event: the second is told to reload)."""
    _check_in_scope(actor, event)
    now = now or timezone.now()
    current = EventStatus(event.status)
    try:
        target = EventStatus(to_status)
    except ValueError:
        raise ValidationError({"to_status": f"“{to_status}”不是活动状态。"}) from None
    step = NEXT_STATUS.get(current)
    if target != step:
        path = " → ".join(s.label for s in EventStatus)
        if step is None:
            message = f"活动已是“{current.label}”，不能再改为“{target.label}”。"
        else:
            message = (
                f"活动状态须按 {path} 依次推进：当前为“{current.label}”，"
                f"下一步只能是“{step.label}”，不能改为“{target.label}”。"
            )
        raise ValidationError({"to_status": message})
    today = timezone.localdate(now)
    if target == EventStatus.HELD and event.start_on > today:
        raise ValidationError(
            {
                "to_status": f"活动开始日期为{event.start_on:%Y-%m-%d}，尚未举办，不能标记为“已举办”。"
            }
        )
    if target == EventStatus.SUMMARISED and not event.summary.strip():
        raise ValidationError({"to_status": "请先在“编辑”中填写活动总结，再标记为“已总结”。"})
    with transaction.atomic():
        claimed = PromotionEvent.objects.filter(pk=event.pk, status=current).update(
            status=target, updated_at=now
        )
        if not claimed:
            raise ValidationError({"to_status": "活动状态刚被他人修改，请刷新页面后重试。"})
        _log(
            event,
            EventLogKind.STATUS,
            actor=actor,
            now=now,
            from_status=current,
            to_status=target,
            note=note,
        )
        audit_write(
            action=AuditAction.UPDATE,
            obj=event,
            actor=actor,
            changes={"before": {"status": current.value}, "after": {"status": target.value}},
            detail=f"活动状态：{current.label} → {target.label}",
        )
    event.status, event.updated_at = target, now
    return event


# --- Outcomes ----------------------------------------------------------------------------------


def _participant_sums(event) -> dict[str, Decimal | int]:
    row = EventParticipant.objects.filter(event=event).aggregate(
        n=Count("pk"), **{f: Sum(f) for f in PARTICIPANT_MEASURES}
    )
    # Amounts keep their two decimals on every database (SQLite sums them as floating point).
    return {k: v.quantize(CENT) if isinstance(v, Decimal) else v for k, v in row.items()}


def _not_negative(name: str, value, label: str):
    if value is None:
        return None
    if value < 0:
        raise ValidationError({name: f"{label}不能为负数。"})
    return value


def event_record_outcomes(
    *, event: PromotionEvent, actor, now: datetime.datetime | None = None, **outcomes
) -> PromotionEvent:
    """The event's outcomes as its organiser reports them, once it is held: only the fields of
    its kind's family (a 美食节 has no 签约金额). A total left empty is the participants' sum; a
    total below it is refused, naming the field and the sum."""
    _check_in_scope(actor, event)
    if event.status not in HELD_STATUSES:
        raise ValidationError("活动举办后才能填报成果：请先将状态推进到“已举办”。")
    allowed = set(event.outcome_fields)
    foreign = sorted(set(outcomes) - allowed)
    if foreign:
        raise ValidationError(
            {
                foreign[0]: f"“{_label(foreign[0])}”不是“{event.kind}”类活动的成果，"
                f"此类活动填报：{'、'.join(event.outcome_label(f) for f in event.outcome_fields)}。"
            }
        )
    sums = _participant_sums(event)
    before = snapshot(event)
    for name, value in outcomes.items():
        if name == "destinations":
            event.destinations = (value or "").strip()
            continue
        _not_negative(name, value, event.outcome_label(name))
        if name in SUMMED:
            floor = sums.get(name)
            if value is None:
                value = floor
            elif floor is not None and value < floor:
                raise ValidationError(
                    {
                        name: f"{event.outcome_label(name)}（{value}）不能小于{event.participant_noun}"
                        f"各自填报之和（{floor}）。"
                    }
                )
        setattr(event, name, value)
    event.participant_count = (sums["n"] or 0) + (event.other_participants or 0)
    after = snapshot(event)
    changed = sorted(k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k))
    with transaction.atomic():
        event.save()
        if changed:
            _log(
                event,
                EventLogKind.OUTCOMES,
                actor=actor,
                now=now,
                note="填报成果：" + "、".join(_label(k) for k in changed),
                changes={
                    "before": {k: before.get(k) for k in changed},
                    "after": {k: after[k] for k in changed},
                },
            )
    return event


def _refresh_totals(event: PromotionEvent) -> list[str]:
    """After a participant changed: the count, and each total raised to the participants' sum
    where it was below it (or empty). Returns the totals raised."""
    sums = _participant_sums(event)
    raised = []
    for name in SUMMED:
        floor = sums.get(name)
        if name not in event.participant_fields or floor is None:
            continue
        current = getattr(event, name)
        if current is None or current < floor:
            setattr(event, name, floor)
            raised.append(name)
    event.participant_count = (sums["n"] or 0) + (event.other_participants or 0)
    event.save(update_fields=["participant_count", *raised, "updated_at"])
    return raised


def _participant_values(event, outcomes: dict) -> dict:
    foreign = sorted(
        k for k, v in outcomes.items() if v is not None and k not in event.participant_fields
    )
    if foreign:
        label = str(EventParticipant._meta.get_field(foreign[0]).verbose_name)
        raise ValidationError(
            {foreign[0]: f"“{label}”不是“{event.kind}”类活动{event.participant_noun}的成果。"}
        )
    for name, value in outcomes.items():
        _not_negative(name, value, str(EventParticipant._meta.get_field(name).verbose_name))
    return outcomes


def event_participant_add(
    *,
    event: PromotionEvent,
    enterprise,
    actor,
    note: str = "",
    now: datetime.datetime | None = None,
    **outcomes,
) -> EventParticipant:
    """An enterprise of the registry took part, with its own outcomes (its event's family's).
    Anyone who may change the event adds its participants from the whole registry they see, or
    the city's: a county's enterprise joins a city-wide 广交会 group."""
    _check_in_scope(actor, event)
    from shangwu.enterprises.models import Enterprise

    if (
        actor is not None
        and not Enterprise.objects.restrict(actor, "view").filter(pk=enterprise.pk).exists()
    ):
        raise ValidationError({"enterprise": "该企业不在您的数据范围内。"})
    if EventParticipant.objects.filter(event=event, enterprise=enterprise).exists():
        raise ValidationError(
            {"enterprise": f"“{enterprise}”已在本活动的{event.participant_noun}中。"}
        )
    values = _participant_values(event, outcomes)
    with transaction.atomic():
        row = EventParticipant.objects.create(
            event=event, enterprise=enterprise, note=note, added_by=_actor_or_none(actor), **values
        )
        raised = _refresh_totals(event)
        _log(
            event,
            EventLogKind.PARTICIPANT,
            actor=actor,
            now=now,
            note=f"新增{event.participant_noun}“{enterprise}”"
            + (f"；活动合计随之更新：{'、'.join(_label(f) for f in raised)}" if raised else ""),
        )
    return row


def event_participant_update(
    *,
    participant: EventParticipant,
    actor,
    note: str | None = None,
    now: datetime.datetime | None = None,
    **outcomes,
) -> EventParticipant:
    """Correct a participant's own outcomes (and its 备注): the event's totals rise to the new
    sum where they fall below it, as when it was added."""
    event = participant.event
    _check_in_scope(actor, event)
    values = _participant_values(event, outcomes)
    with transaction.atomic():
        for name, value in values.items():
            setattr(participant, name, value)
        if note is not None:
            participant.note = note
        participant.save()
        raised = _refresh_totals(event)
        _log(
            event,
            EventLogKind.PARTICIPANT,
            actor=actor,
            now=now,
            note=f"修改{event.participant_noun}“{participant.enterprise}”的成果"
            + (f"；活动合计随之更新：{'、'.join(_label(f) for f in raised)}" if raised else ""),
        )
    return participant


def event_participant_remove(
    *, participant: EventParticipant, actor, now: datetime.datetime | None = None
) -> None:
    """Taken off the list (entered by mistake). The event's totals stay as reported."""
    event = participant.event
    _check_in_scope(actor, event)
    name = str(participant.enterprise)
    with transaction.atomic():
        participant.delete()
        _refresh_totals(event)
        _log(
            event,
            EventLogKind.PARTICIPANT,
            actor=actor,
            now=now,
            note=f"移除{event.participant_noun}“{name}”",
        )


# --- Projects signed at the event --------------------------------------------------------------

SIGNING_FAMILIES = (OutcomeFamily.INVESTMENT, OutcomeFamily.DELEGATION, OutcomeFamily.EXHIBITION)


def _refresh_signed(event: PromotionEvent) -> None:
    row = EventProject.objects.filter(event=event).aggregate(n=Count("pk"), s=Sum("amount"))
    event.signed_projects = row["n"] or 0
    event.signed_amount = Decimal(str(row["s"] or 0)).quantize(CENT)
    event.save(update_fields=["signed_projects", "signed_amount", "updated_at"])


def event_sign_project(
    *,
    event: PromotionEvent,
    project,
    actor,
    amount: Decimal | None = None,
    signed_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> EventProject:
    """``project`` (of the project library) was signed at ``event``: the link with its 签约金额
    (default: the project's 总投资), the event's signed totals, and a line on the project's own
    timeline (``projects.services.project_mark_signed_at_event``)."""
    from shangwu.projects.models import Project
    from shangwu.projects.services import project_mark_signed_at_event

    _check_in_scope(actor, event)
    if event.family not in SIGNING_FAMILIES:
        raise ValidationError(
            {
                "project": f"“{event.kind}”类活动不登记签约项目（招商推介、签约、洽谈、展会、出访类活动才登记）。"
            }
        )
    if event.status not in HELD_STATUSES:
        raise ValidationError("活动举办后才能登记签约项目：请先将状态推进到“已举办”。")
    if (
        actor is not None
        and not Project.objects.restrict(actor, "view").filter(pk=project.pk).exists()
    ):
        raise ValidationError({"project": "该项目不在您的数据范围内。"})
    if EventProject.objects.filter(event=event, project=project).exists():
        raise ValidationError({"project": f"“{project}”已在本活动签约。"})
    amount = project.total_investment if amount is None else amount
    _not_negative("amount", amount, "签约金额")
    signed_on = signed_on or event.start_on
    if signed_on < event.start_on or signed_on > event.end_on:
        raise ValidationError(
            {
                "signed_on": f"签约日期须在活动举办期间（{event.start_on:%Y-%m-%d}至{event.end_on:%Y-%m-%d}）。"
            }
        )
    with transaction.atomic():
        row = EventProject.objects.create(
            event=event,
            project=project,
            amount=amount,
            signed_on=signed_on,
            added_by=_actor_or_none(actor),
        )
        _refresh_signed(event)
        project_mark_signed_at_event(project=project, event=event, actor=actor, on=signed_on)
        _log(
            event,
            EventLogKind.PROJECT,
            actor=actor,
            now=now,
            note=f"签约项目“{project}”，签约金额{amount}万元",
        )
    return row


def event_project_create(
    *,
    event: PromotionEvent,
    actor,
    amount: Decimal | None = None,
    now: datetime.datetime | None = None,
    **project_fields,
) -> EventProject:
    """A project new to the library, signed at the event: entered through the project library's
    own service (``project_create``, entered on the event's first day) and linked."""
    from shangwu.projects.services import project_create

    _check_in_scope(actor, event)
    with transaction.atomic():
        project = project_create(actor=actor, on=event.start_on, **project_fields)
        return event_sign_project(event=event, project=project, actor=actor, amount=amount, now=now)


def event_unsign_project(
    *, link: EventProject, actor, now: datetime.datetime | None = None
) -> None:
    event = link.event
    _check_in_scope(actor, event)
    name = str(link.project)
    with transaction.atomic():
        link.delete()
        _refresh_signed(event)
        _log(event, EventLogKind.PROJECT, actor=actor, now=now, note=f"撤销签约项目“{name}”")


# --- Files: photos, 方案, 总结 -----------------------------------------------------------------


def event_attach(
    *, event: PromotionEvent, actor, upload, purpose: str = "other", field: str = "file", now=None
) -> EventAttachment:
    """A photo (jpg, png), the 方案 or the 总结 (pdf, docx, xlsx) through the platform's file
    service (type by content, size limit, daily quota, SHA-256, written on commit)."""
    if not PromotionEvent.objects.restrict(actor, "change").filter(pk=event.pk).exists():
        raise PermissionDenied("您不能为该活动上传附件。")
    with transaction.atomic():
        stored = file_store(
            model=EventAttachment,
            actor=actor,
            upload=upload,
            field=field,
            event=event,
            purpose=purpose,
        )
        _log(
            event,
            EventLogKind.ATTACHMENT,
            actor=actor,
            now=now,
            note=f"上传{stored.get_purpose_display()}“{stored.name}”",
        )
    return stored


def event_attachment_remove(*, attachment: EventAttachment, actor) -> EventAttachment:
    """删除 an event's file: soft (row, bytes and audit stay; no longer listed or downloadable)."""
    if not PromotionEvent.objects.restrict(actor, "change").filter(pk=attachment.event_id).exists():
        raise PermissionDenied("您不能删除该活动的附件。")
    with transaction.atomic():
        removed = file_remove(obj=attachment, actor=actor)
        _log(
            attachment.event,
            EventLogKind.ATTACHMENT,
            actor=actor,
            note=f"删除附件“{removed.name}”",
        )
    return removed
