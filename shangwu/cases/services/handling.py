"""办理中 → 申请办结 → 审核 → 回访 → 办结 (不满意 → 重办), 延期, 挂起/恢复, 挂牌督办."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from shangwu.cases.choices import (
    OPEN_STATUSES,
    CaseEventKind,
    CaseStatus,
    DeadlineNode,
    ExtensionKind,
    ExtensionStatus,
    Rating,
    SupervisionLevel,
)
from shangwu.cases.deadlines import (
    add_months,
    add_workdays_keep_time,
    calendar_error,
    end_of_day,
    local_date,
    rule_dues,
    rule_set_for,
)
from shangwu.cases.models import Case, CaseEvent, CaseExtension, SupervisionOrder
from shangwu.cases.services._base import (
    is_leader,
    is_member,
    lead_on_behalf,
    notify,
    now_or,
    on_behalf,
    require,
    require_actor,
    require_open_unpaused,
    require_status,
    require_text,
    speaks_for,
    transition,
    unit_users,
    unit_users_for,
)
from shangwu.workcalendar.services import CalendarYearUnknown, workdays_between

REVIEWERS = "只有交办单位或局领导可以"


def _handlers(case: Case, actor) -> bool:
    """The lead unit's staff, or the liaison recording for a lead unit outside the bureau."""
    return speaks_for(case, actor, case.lead_unit)


def _reviewer(case: Case, actor) -> bool:
    return is_member(actor, case.assigning_unit_id) or is_leader(actor)


def case_report_progress(
    *, case: Case, actor, note: str, on_behalf_of=None, now: datetime.datetime | None = None
) -> Case:
    """进展反馈 (any number); the first one meets the 首次反馈 node (13710: within 3 days).
    ``on_behalf_of``: the external lead or co-unit the liaison records for (by default the
    external lead unit, else the only external co-unit)."""
    require_actor(actor, case, "进展反馈")
    require_status(case, [CaseStatus.HANDLING], "进展反馈")
    units = [u for u in [case.lead_unit, *case.co_units.all()] if u is not None]
    if on_behalf_of is not None:
        require(
            on_behalf_of.pk in {u.pk for u in units} and on_behalf(case, actor, on_behalf_of),
            "只有交办单位可以为本案的外部主办或协办单位代为录入。",
        )
    elif not any(is_member(actor, u.pk) for u in units):
        external = [u for u in units if on_behalf(case, actor, u)]
        on_behalf_of = external[0] if len(external) == 1 or lead_on_behalf(case, actor) else None
        if external and on_behalf_of is None:
            raise ValidationError({"on_behalf_of": "请选择代为录入的外部单位。"})
    require(
        on_behalf_of is not None or any(is_member(actor, u.pk) for u in units),
        "只有主办或协办单位的人员可以反馈进展。",
    )
    note = require_text(note, "note", "进展情况")
    now = now_or(now)
    with transaction.atomic():
        fields = {} if case.first_feedback_at else {"first_feedback_at": now}
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.PROGRESS,
            now=now,
            fields=fields,
            note=note,
            on_behalf_of=on_behalf_of,
        )
    return case


def case_request_close(
    *, case: Case, actor, resolution: str, now: datetime.datetime | None = None
) -> Case:
    """申请办结 with the resolution; the assigning unit reviews it."""
    require_actor(actor, case, "申请办结")
    require_status(case, [CaseStatus.HANDLING], "申请办结")
    require_open_unpaused(case, "申请办结")
    require(_handlers(case, actor), "只有主办单位的人员可以申请办结。")
    resolution = require_text(resolution, "resolution", "办理结果")
    now = now_or(now)
    with transaction.atomic():
        fields = {"resolution": resolution}
        if case.first_feedback_at is None:
            fields["first_feedback_at"] = now
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.REQUEST_CLOSE,
            now=now,
            to_status=CaseStatus.REVIEW,
            fields=fields,
            note=resolution,
            on_behalf_of=lead_on_behalf(case, actor),
        )
        notify(
            case,
            recipients=unit_users([case.assigning_unit_id]),
            text=f"申请办结，请审核：{case.title}",
        )
    return case


def case_review(
    *, case: Case, actor, approve: bool, note: str = "", now: datetime.datetime | None = None
) -> Case:
    """审核 by the assigning unit or a leader: approve (→ 待回访) or return with a reason."""
    require_actor(actor, case, "审核")
    require_status(case, [CaseStatus.REVIEW], "审核")
    require(_reviewer(case, actor), f"{REVIEWERS}审核。")
    now = now_or(now)
    with transaction.atomic():
        if approve:
            requested = (
                CaseEvent.objects.filter(case=case, kind=CaseEventKind.REQUEST_CLOSE)
                .order_by("-at", "-id")
                .values_list("at", flat=True)
                .first()
            ) or now
            dues = rule_dues(
                case.rule_set or rule_set_for(source=case.source, kind=case.kind),
                start=now,
                nodes=[DeadlineNode.REVISIT],
            )
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.APPROVE,
                now=now,
                to_status=CaseStatus.REVISIT,
                fields={
                    "revisit_due_at": dues.get(DeadlineNode.REVISIT),
                    "closed_on_time": case.close_due_at is None or requested <= case.close_due_at,
                },
                note=note.strip(),
            )
        else:
            note = require_text(note, "note", "退回理由")
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.REJECT,
                now=now,
                to_status=CaseStatus.HANDLING,
                note=note,
            )
            notify(
                case,
                recipients=unit_users_for(case, [case.lead_unit_id]),
                text=f"办结申请被退回：{note}"[:200],
            )
    return case


def case_revisit(
    *, case: Case, actor, rating: str, note: str = "", now: datetime.datetime | None = None
) -> Case:
    """回访: the enterprise rates the result. 满意 / 基本满意 → 办结; 不满意 → 重办 with fresh
    deadlines from now (counted in reopen_count)."""
    require_actor(actor, case, "回访")
    require_status(case, [CaseStatus.REVISIT], "回访")
    require(_reviewer(case, actor), f"{REVIEWERS}回访。")
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择评价：满意、基本满意或不满意。"})
    now = now_or(now)
    with transaction.atomic():
        if rating == Rating.UNSATISFIED:
            note = require_text(note, "note", "不满意的原因")
            dues = rule_dues(
                case.rule_set or rule_set_for(source=case.source, kind=case.kind),
                start=now,
                nodes=[DeadlineNode.FIRST_FEEDBACK, DeadlineNode.CLOSE],
            )
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.REOPEN,
                now=now,
                to_status=CaseStatus.HANDLING,
                fields={
                    "rating": rating,
                    "reopen_count": case.reopen_count + 1,
                    "closed_on_time": None,
                    "first_feedback_at": None,
                    "feedback_due_at": dues.get(DeadlineNode.FIRST_FEEDBACK),
                    "close_due_at": dues.get(DeadlineNode.CLOSE),
                    "revisit_due_at": None,
                },
                note=note,
                data={"rating": rating},
            )
            notify(
                case,
                recipients=unit_users_for(case, [case.lead_unit_id]),
                text=f"企业不满意，重新办理：{note}"[:200],
            )
        else:
            try:
                days = workdays_between(
                    start=local_date(case.received_at), end=local_date(now), provisional=True
                )
            except CalendarYearUnknown as exc:
                raise calendar_error(exc) from exc
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.REVISIT,
                now=now,
                to_status=CaseStatus.CLOSED,
                fields={
                    "rating": rating,
                    "closed_at": now,
                    "workdays_to_close": max(days - case.paused_workdays, 0),
                },
                note=note.strip(),
                data={"rating": rating},
            )
            SupervisionOrder.objects.filter(case=case, resolved_at__isnull=True).update(
                resolved_at=now
            )
            notify(
                case,
                recipients=unit_users_for(case, [case.lead_unit_id]),
                text=f"已办结，企业评价：{Rating(rating).label}",
            )
    return case


def _extension_limit(case: Case) -> tuple[datetime.date, str] | tuple[None, str]:
    """人大建议 / 政协提案: 3 months, extendable to ``extendable_to`` months, counted from where
    the version's 办结 node starts; returns the last date and that start's name (受理 / 交办)."""
    from shangwu.cases.choices import ClockStart

    rule_set = case.rule_set
    if rule_set is None or not rule_set.extendable_to or case.assigned_at is None:
        return None, ""
    close = next((r for r in rule_set.rules.all() if r.node == DeadlineNode.CLOSE), None)
    if close is not None and close.counts_from == ClockStart.RECEIVED:
        return add_months(local_date(case.received_at), rule_set.extendable_to), "受理"
    return add_months(local_date(case.assigned_at), rule_set.extendable_to), "交办"


def case_request_extension(
    *,
    case: Case,
    actor,
    reason: str,
    proposed_due: datetime.date,
    now: datetime.datetime | None = None,
) -> CaseExtension:
    """延期申请 by the lead unit: reason and the proposed closing date."""
    require_actor(actor, case, "延期申请")
    require_status(case, [CaseStatus.ASSIGNED, CaseStatus.HANDLING], "延期申请")
    require(_handlers(case, actor), "只有主办单位的人员可以申请延期。")
    reason = require_text(reason, "reason", "延期理由")
    if proposed_due is None:
        raise ValidationError({"proposed_due": "请填写申请延至的日期。"})
    if case.close_due_at and proposed_due <= local_date(case.close_due_at):
        raise ValidationError(
            {
                "proposed_due": f"申请延至的日期应晚于现办结时限{local_date(case.close_due_at):%Y-%m-%d}。"
            }
        )
    limit, since = _extension_limit(case)
    if limit and proposed_due > limit:
        raise ValidationError(
            {
                "proposed_due": f"{case.get_source_display()}最长可延至{since}后{case.rule_set.extendable_to}个月"
                f"（{limit:%Y-%m-%d}）。"
            }
        )
    if case.extensions.filter(kind=ExtensionKind.EXTEND, status=ExtensionStatus.PENDING).exists():
        raise ValidationError("已有待审批的延期申请。")
    now = now_or(now)
    with transaction.atomic():
        extension = CaseExtension.objects.create(
            case=case, reason=reason, proposed_due=proposed_due, requested_by=actor
        )
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.EXTEND_REQUEST,
            now=now,
            note=reason,
            data={"proposed_due": proposed_due.isoformat(), "extension": extension.pk},
            on_behalf_of=lead_on_behalf(case, actor),
        )
        notify(
            case,
            recipients=unit_users([case.assigning_unit_id]),
            text=f"申请延期至{proposed_due:%Y-%m-%d}，请审批。",
        )
    return extension


def case_decide_extension(
    *,
    extension: CaseExtension,
    actor,
    approve: bool,
    note: str = "",
    now: datetime.datetime | None = None,
) -> CaseExtension:
    """同意 / 不同意延期 by the assigning unit or a leader. Approved: 办结时限 becomes the end of
    the proposed day (人大/政协 capped at ``extendable_to`` months from assignment)."""
    case = extension.case
    if extension.kind != ExtensionKind.EXTEND:
        raise ValidationError("这不是延期申请。")
    require_actor(actor, case, "审批延期")
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(f"该延期申请已{extension.get_status_display()}，不能重复审批。")
    require_status(case, OPEN_STATUSES, "审批延期")
    require(_reviewer(case, actor), f"{REVIEWERS}审批延期。")
    if not approve:
        require_text(note, "note", "不同意的理由")
    now = now_or(now)
    with transaction.atomic():
        _record_decision(extension, actor=actor, approve=approve, note=note, now=now)
        if approve:
            due = extension.proposed_due
            limit, _since = _extension_limit(case)
            if limit and due > limit:
                due = limit
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.EXTEND_APPROVE,
                now=now,
                fields={"close_due_at": end_of_day(due)},
                note=note.strip(),
                data={"extension": extension.pk, "close_due": due.isoformat()},
            )
            text = f"延期申请已同意，办结时限延至{due:%Y-%m-%d}。"
        else:
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.EXTEND_REFUSE,
                now=now,
                note=note.strip(),
                data={"extension": extension.pk},
            )
            text = f"延期申请未同意：{note.strip()}"
        notify(
            case,
            recipients=[extension.requested_by_id] if extension.requested_by_id else [],
            text=text[:200],
        )
    return extension


def _record_decision(extension: CaseExtension, *, actor, approve: bool, note: str, now) -> None:
    """Decide a pending 延期/挂起申请 once: a conditional UPDATE, so two deciders never both win."""
    updated = CaseExtension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
        decided_by=actor,
        decided_at=now,
        decision_note=note.strip(),
    )
    if not updated:
        raise ValidationError(f"该{extension.get_kind_display()}申请刚被他人审批，请刷新后查看。")
    extension.refresh_from_db()


def _require_pausable(case: Case) -> None:
    require_status(case, [CaseStatus.ASSIGNED, CaseStatus.HANDLING], "挂起")
    if case.paused_at is not None:
        raise ValidationError("案件已处于挂起状态。")


def case_pause(*, case: Case, actor, reason: str, now: datetime.datetime | None = None) -> Case:
    """挂起 while waiting for the enterprise: the deadline clock stops. 挂起 needs the approval of
    the assigning unit or a leader, like 延期 (a handler must not stop a red light by itself): they
    pause directly, the lead unit asks with ``case_request_pause``."""
    require_actor(actor, case, "挂起")
    _require_pausable(case)
    require(
        _reviewer(case, actor),
        "挂起须经交办单位或局领导同意：主办单位请提交挂起申请。",
    )
    if case.extensions.filter(kind=ExtensionKind.PAUSE, status=ExtensionStatus.PENDING).exists():
        raise ValidationError("已有待审批的挂起申请，请通过“审批挂起”处理。")
    reason = require_text(reason, "reason", "挂起原因")
    now = now_or(now)
    with transaction.atomic():
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.PAUSE,
            now=now,
            fields={"paused_at": now},
            note=reason,
        )
    return case


def case_request_pause(
    *, case: Case, actor, reason: str, now: datetime.datetime | None = None
) -> CaseExtension:
    """挂起申请 by the lead unit, with the reason; the clock runs until it is approved."""
    require_actor(actor, case, "挂起申请")
    _require_pausable(case)
    require(_handlers(case, actor), "只有主办单位的人员可以申请挂起。")
    reason = require_text(reason, "reason", "挂起原因")
    if case.extensions.filter(kind=ExtensionKind.PAUSE, status=ExtensionStatus.PENDING).exists():
        raise ValidationError("已有待审批的挂起申请。")
    now = now_or(now)
    with transaction.atomic():
        request = CaseExtension.objects.create(
            case=case, kind=ExtensionKind.PAUSE, reason=reason, requested_by=actor
        )
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.PAUSE_REQUEST,
            now=now,
            note=reason,
            data={"extension": request.pk},
            on_behalf_of=lead_on_behalf(case, actor),
        )
        notify(
            case,
            recipients=unit_users([case.assigning_unit_id]),
            text=f"申请挂起，请审批：{reason}"[:200],
        )
    return request


def case_decide_pause(
    *,
    request: CaseExtension,
    actor,
    approve: bool,
    note: str = "",
    now: datetime.datetime | None = None,
) -> CaseExtension:
    """同意 / 不同意挂起 by the assigning unit or a leader. Approved: the case is paused from now
    (the 挂起 event names the request); refused: it runs on, with the reason."""
    case = request.case
    if request.kind != ExtensionKind.PAUSE:
        raise ValidationError("这不是挂起申请。")
    require_actor(actor, case, "审批挂起")
    if request.status != ExtensionStatus.PENDING:
        raise ValidationError(f"该挂起申请已{request.get_status_display()}，不能重复审批。")
    require(_reviewer(case, actor), f"{REVIEWERS}审批挂起。")
    if approve:
        _require_pausable(case)
    else:
        require_text(note, "note", "不同意的理由")
    now = now_or(now)
    with transaction.atomic():
        _record_decision(request, actor=actor, approve=approve, note=note, now=now)
        if approve:
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.PAUSE,
                now=now,
                fields={"paused_at": now},
                note=f"同意挂起：{request.reason}"
                + (f"（{note.strip()}）" if note.strip() else ""),
                data={"extension": request.pk},
            )
            text = "挂起申请已同意，办理时限暂停计算。"
        else:
            transition(
                case,
                actor=actor,
                kind=CaseEventKind.PAUSE_REFUSE,
                now=now,
                note=note.strip(),
                data={"extension": request.pk},
            )
            text = f"挂起申请未同意：{note.strip()}"
        notify(
            case,
            recipients=[request.requested_by_id] if request.requested_by_id else [],
            text=text[:200],
        )
    return request


def case_resume(*, case: Case, actor, note: str = "", now: datetime.datetime | None = None) -> Case:
    """恢复: the paused working days are added back to every deadline still running."""
    require_actor(actor, case, "恢复办理")
    if case.paused_at is None:
        raise ValidationError(
            f"当前状态“{case.get_status_display()}”（未挂起）不能执行“恢复办理”。"
        )
    require(
        _handlers(case, actor) or _reviewer(case, actor),
        "只有主办单位、交办单位或局领导可以恢复办理。",
    )
    now = now_or(now)
    try:
        days = workdays_between(
            start=local_date(case.paused_at), end=local_date(now), provisional=True
        )
    except CalendarYearUnknown as exc:
        raise calendar_error(exc) from exc
    fields = {"paused_at": None, "paused_workdays": case.paused_workdays + days}
    marks = case.provisional_dues or {}
    if case.signed_at is None and case.sign_due_at:
        fields["sign_due_at"] = add_workdays_keep_time(
            case.sign_due_at, days, marks.get(DeadlineNode.SIGN)
        )
    if case.first_feedback_at is None and case.feedback_due_at:
        fields["feedback_due_at"] = add_workdays_keep_time(
            case.feedback_due_at, days, marks.get(DeadlineNode.FIRST_FEEDBACK)
        )
    if case.close_due_at:
        fields["close_due_at"] = add_workdays_keep_time(
            case.close_due_at, days, marks.get(DeadlineNode.CLOSE)
        )
    with transaction.atomic():
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.RESUME,
            now=now,
            fields=fields,
            note=note.strip() or f"恢复办理，挂起{days}个工作日，时限相应顺延。",
            data={"paused_workdays": days},
        )
    return case


def case_supervise_listed(
    *,
    case: Case,
    actor,
    required_by: datetime.date,
    comment: str,
    now: datetime.datetime | None = None,
) -> SupervisionOrder:
    """挂牌督办, issued by a leader by hand, with a required date and a comment."""
    require_actor(actor, case, "挂牌督办")
    require(is_leader(actor), "只有局领导可以挂牌督办。")
    require_status(case, OPEN_STATUSES, "挂牌督办")
    comment = require_text(comment, "comment", "督办意见")
    now = now_or(now)
    if required_by is None or required_by < local_date(now):
        raise ValidationError({"required_by": "要求完成日期不能早于今天。"})
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            case=case,
            level=SupervisionLevel.LISTED,
            addressed_to_id=case.lead_unit_id,
            issued_by=actor,
            issued_at=now,
            required_by=required_by,
            comment=comment,
        )
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.LIST_SUPERVISE,
            now=now,
            fields={"supervision_level": SupervisionLevel.LISTED},
            note=comment,
            data={"required_by": required_by.isoformat(), "order": order.pk},
        )
        notify(
            case,
            recipients=unit_users_for(case, [case.lead_unit_id], heads_only=True),
            text=f"{actor.name}挂牌督办，要求{required_by:%Y-%m-%d}前办结：{comment}"[:200],
        )
    return order


def notification_mark_read(*, user, ids=None, now: datetime.datetime | None = None) -> int:
    """Mark the user's own notifications read (all unread, or the given ids)."""
    from shangwu.cases.models import Notification

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now_or(now))
