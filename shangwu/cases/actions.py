"""The transitions offered on a case page: which ones the user may do now (only those are shown),
their forms, and the service each calls. The services check everything again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from shangwu.cases import forms, services
from shangwu.cases.choices import OPEN_STATUSES, CaseStatus, ExtensionKind, ExtensionStatus
from shangwu.cases.services._base import is_leader, is_member, speaks_for
from shangwu.core.access import Access, can
from shangwu.organization.choices import OrgUnitKind

S = CaseStatus


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: str
    form: type
    allowed: Callable
    call: Callable
    style: str = "primary"


def _lead(c, u, ctx):
    # The lead unit's staff, or the liaison recording for a lead unit outside the bureau.
    return speaks_for(c, u, c.lead_unit)


def _liaison_for_co_unit(c, u, ctx):
    return bool(ctx["external_co_units"]) and is_member(u, c.assigning_unit_id)


def _reviewer(c, u, ctx):
    return is_member(u, c.assigning_unit_id) or is_leader(u)


def _pending(c, kind=ExtensionKind.EXTEND):
    return (
        c.extensions.filter(kind=kind, status=ExtensionStatus.PENDING)
        .order_by("requested_at")
        .first()
    )


def _pending_or_refuse(c, kind):
    # A page opened before someone else decided the request still has the form: say so (no 500).
    pending = _pending(c, kind)
    if pending is None:
        what = "挂起" if kind == ExtensionKind.PAUSE else "延期"
        raise ValidationError(f"本案件没有待审批的{what}申请（可能已由他人审批），请刷新后再操作。")
    return pending


def _decide(c, u, d):
    return services.case_decide_extension(
        extension=_pending_or_refuse(c, ExtensionKind.EXTEND),
        actor=u,
        approve=d["decision"] == "approve",
        note=d["note"],
    )


def _decide_pause(c, u, d):
    return services.case_decide_pause(
        request=_pending_or_refuse(c, ExtensionKind.PAUSE),
        actor=u,
        approve=d["decision"] == "approve",
        note=d["note"],
    )


def _pausable(c):
    return c.status in (S.ASSIGNED, S.HANDLING) and not c.paused_at


ACTIONS = [
    CaseAction(
        "assign",
        "交办",
        forms.AssignForm,
        lambda c, u, x: c.status in (S.REGISTERED, S.RETURNED) and _reviewer(c, u, x),
        lambda c, u, d: services.case_assign(
            case=c, actor=u, lead_unit=d["lead_unit"], co_units=list(d["co_units"]), note=d["note"]
        ),
    ),
    CaseAction(
        "sign",
        "签收",
        forms.NoteForm,
        lambda c, u, x: c.status == S.ASSIGNED and _lead(c, u, x),
        lambda c, u, d: services.case_sign(case=c, actor=u, note=d["note"]),
    ),
    CaseAction(
        "return",
        "退回",
        forms.ReasonForm,
        lambda c, u, x: c.status == S.ASSIGNED and _lead(c, u, x),
        lambda c, u, d: services.case_return(case=c, actor=u, reason=d["reason"]),
        "outline-danger",
    ),
    CaseAction(
        "progress",
        "进展反馈",
        forms.ProgressForm,
        lambda c, u, x: (
            c.status == S.HANDLING
            and (_lead(c, u, x) or u.org_unit_id in x["co_units"] or _liaison_for_co_unit(c, u, x))
        ),
        lambda c, u, d: services.case_report_progress(
            case=c, actor=u, note=d["note"], on_behalf_of=d.get("on_behalf_of")
        ),
    ),
    CaseAction(
        "request_close",
        "申请办结",
        forms.RequestCloseForm,
        lambda c, u, x: c.status == S.HANDLING and not c.paused_at and _lead(c, u, x),
        lambda c, u, d: services.case_request_close(case=c, actor=u, resolution=d["resolution"]),
    ),
    CaseAction(
        "review",
        "审核",
        forms.ReviewForm,
        lambda c, u, x: c.status == S.REVIEW and _reviewer(c, u, x),
        lambda c, u, d: services.case_review(
            case=c, actor=u, approve=d["decision"] == "approve", note=d["note"]
        ),
    ),
    CaseAction(
        "revisit",
        "回访",
        forms.RevisitForm,
        lambda c, u, x: c.status == S.REVISIT and _reviewer(c, u, x),
        lambda c, u, d: services.case_revisit(case=c, actor=u, rating=d["rating"], note=d["note"]),
    ),
    CaseAction(
        "extend",
        "延期申请",
        forms.ExtensionForm,
        lambda c, u, x: (
            c.status in (S.ASSIGNED, S.HANDLING) and _lead(c, u, x) and not x["pending"]
        ),
        lambda c, u, d: services.case_request_extension(
            case=c, actor=u, reason=d["reason"], proposed_due=d["proposed_due"]
        ),
        "outline-primary",
    ),
    CaseAction(
        "decide_extension",
        "审批延期",
        forms.ExtensionDecisionForm,
        lambda c, u, x: bool(x["pending"]) and c.status in OPEN_STATUSES and _reviewer(c, u, x),
        _decide,
    ),
    CaseAction(
        "pause",
        "挂起",
        forms.ReasonForm,
        # 挂起 needs the assigning unit's or a leader's approval: they pause, the lead unit asks.
        lambda c, u, x: _pausable(c) and _reviewer(c, u, x) and not x["pending_pause"],
        lambda c, u, d: services.case_pause(case=c, actor=u, reason=d["reason"]),
        "outline-secondary",
    ),
    CaseAction(
        "request_pause",
        "申请挂起",
        forms.ReasonForm,
        lambda c, u, x: (
            _pausable(c) and _lead(c, u, x) and not _reviewer(c, u, x) and not x["pending_pause"]
        ),
        lambda c, u, d: services.case_request_pause(case=c, actor=u, reason=d["reason"]),
        "outline-secondary",
    ),
    CaseAction(
        "decide_pause",
        "审批挂起",
        forms.ExtensionDecisionForm,
        lambda c, u, x: bool(x["pending_pause"]) and _reviewer(c, u, x),
        _decide_pause,
    ),
    CaseAction(
        "resume",
        "恢复办理",
        forms.NoteForm,
        lambda c, u, x: bool(c.paused_at) and (_lead(c, u, x) or _reviewer(c, u, x)),
        lambda c, u, d: services.case_resume(case=c, actor=u, note=d["note"]),
    ),
    CaseAction(
        "merge",
        "合并",
        forms.MergeForm,
        lambda c, u, x: c.status in OPEN_STATUSES and _reviewer(c, u, x),
        lambda c, u, d: services.case_merge(case=c, into=d["into"], actor=u, note=d["note"]),
        "outline-secondary",
    ),
    CaseAction(
        "supervise",
        "挂牌督办",
        forms.ListedSupervisionForm,
        lambda c, u, x: c.status in OPEN_STATUSES and is_leader(u),
        lambda c, u, d: services.case_supervise_listed(
            case=c, actor=u, required_by=d["required_by"], comment=d["comment"]
        ),
        "outline-danger",
    ),
    CaseAction(
        "attach",
        "上传附件",
        forms.AttachmentForm,
        lambda c, u, x: can(u, Access.BUSINESS, "change"),
        lambda c, u, d: services.case_attach(case=c, actor=u, upload=d["file"]),
        "outline-secondary",
    ),
]
BY_NAME = {a.name: a for a in ACTIONS}


def action_context(case, *, extensions=None, co_units=None) -> dict:
    """What the guards read besides the case: its pending 延期/挂起 requests and its co-units.
    The case page passes the extensions and co-units it shows anyway (each read once per
    request); without them they are read here."""
    if extensions is None:
        extensions = case.extensions.filter(status=ExtensionStatus.PENDING)
    if co_units is None:
        co_units = case.co_units.all()
    pending = sorted(
        (x for x in extensions if x.status == ExtensionStatus.PENDING),
        key=lambda x: (x.requested_at, x.pk),
    )
    return {
        "pending": next((x for x in pending if x.kind == ExtensionKind.EXTEND), None),
        "pending_pause": next((x for x in pending if x.kind == ExtensionKind.PAUSE), None),
        "co_units": {u.pk for u in co_units},
        "external_co_units": {u.pk for u in co_units if u.kind == OrgUnitKind.EXTERNAL},
    }


def allowed_actions(case, user, ctx: dict | None = None) -> list[CaseAction]:
    """The transitions ``user`` may do on ``case`` now; ``ctx``: ``action_context(case)``."""
    if not can(user, Access.BUSINESS, "change"):
        return []
    if ctx is None:
        ctx = action_context(case)
    return [a for a in ACTIONS if a.allowed(case, user, ctx)]
