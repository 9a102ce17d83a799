"""What every case transition shares: status and role checks, the conditional UPDATE on
(id, version), the event row, the audit row, the 催办/督办 a new deadline calls for and the
notifications."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from shangwu.accounts.choices import ROLE_LEVEL, Role
from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write, plain_value
from shangwu.cases.choices import OPEN_STATUSES, CaseEventKind, CaseStatus
from shangwu.cases.deadlines import NODE_FIELDS, pending_deadline, provisional_basis
from shangwu.cases.models import Case, CaseEvent, Notification
from shangwu.cases.statistics import bucket_apply, bucket_state
from shangwu.core.services import event_record

BUSINESS_ROLES = list(ROLE_LEVEL)
# A unit's head, by the end of their position (局长, 科长, 股长, 经济办主任…).
HEAD_POSITIONS = ("长", "主任")


class ConcurrentChange(ValidationError):
    """Someone else changed the case between reading and writing it (version check)."""

    def __init__(self, case: Case):
        # The person who got there first (the automatic 催办/督办 rows do not bump the version).
        last = (
            CaseEvent.objects.filter(case_id=case.pk, actor__isnull=False)
            .select_related("actor")
            .order_by("-id")
            .first()
        )
        what = "有新的操作"
        if last is not None:
            who = last.actor.name if last.actor_id else "系统"
            what = f"{who}于{timezone.localtime(last.at):%H:%M}执行了“{last.get_kind_display()}”"
        super().__init__(f"该案件刚被他人处理（{what}），请刷新后再操作；您填写的内容已保留。")


def now_or(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def require_status(case: Case, allowed, action: str) -> None:
    if case.status not in allowed:
        raise ValidationError(f"当前状态“{case.get_status_display()}”不能执行“{action}”。")


def require_open_unpaused(case: Case, action: str) -> None:
    if case.paused_at is not None:
        raise ValidationError(f"案件已挂起，不能执行“{action}”；请先恢复办理。")


def is_leader(actor) -> bool:
    return actor is not None and actor.role == Role.LEADER


def is_member(actor, unit_id) -> bool:
    return actor is not None and unit_id is not None and actor.org_unit_id == unit_id


def on_behalf(case: Case, actor, unit):
    """``unit`` when ``actor`` records for it as the bureau's liaison: a unit outside the bureau
    (外部单位: 自然资源局, 供电公司…, no users here) whose part the assigning unit's staff enter;
    else None."""
    from shangwu.organization.choices import OrgUnitKind

    if unit is None or unit.kind != OrgUnitKind.EXTERNAL:
        return None
    return unit if is_member(actor, case.assigning_unit_id) else None


def lead_on_behalf(case: Case, actor):
    """The external lead unit the actor records for (None: the actor's own unit acts)."""
    return None if is_member(actor, case.lead_unit_id) else on_behalf(case, actor, case.lead_unit)


def speaks_for(case: Case, actor, unit) -> bool:
    """A member of ``unit``, or the liaison recording for it (``on_behalf``)."""
    return unit is not None and (
        is_member(actor, unit.pk) or on_behalf(case, actor, unit) is not None
    )


def require_actor(actor, case: Case | None, action: str) -> None:
    """A business user who may change cases, and (for an existing case) has it in scope."""
    from shangwu.core.access import Access, can

    if not can(actor, Access.BUSINESS, "change" if case is not None else "add"):
        raise PermissionDenied(f"您没有“{action}”的权限。")
    if case is not None and not Case.objects.restrict(actor, "change").filter(pk=case.pk).exists():
        raise PermissionDenied("案件不在您的数据范围内。")


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"请填写{label}。"})
    return value


def transition(
    case: Case,
    *,
    actor,
    kind: str,
    now: datetime.datetime,
    to_status: str | None = None,
    fields: dict | None = None,
    note: str = "",
    data: dict | None = None,
    on_behalf_of=None,
) -> CaseEvent:
    """Apply ``fields`` (and ``to_status``) to ``case`` with a conditional UPDATE on its version,
    write the event and audit rows, and issue what the new deadline calls for (a deadline already
    near or past: 催办 / 督办, exactly as the pass would). 0 rows updated → ConcurrentChange.
    ``on_behalf_of``: the external unit the actor records for (the event is that unit's, marked
    as entered by the actor's unit)."""
    from shangwu.cases.processing import deadlines_process

    if on_behalf_of is not None:
        data = {
            **(data or {}),
            "on_behalf_of": str(on_behalf_of),
            "recorded_by_unit": str(actor.org_unit),
        }

    fields = dict(fields or {})
    _provisional_marks(case, fields)
    from_status = case.status
    if to_status is not None:
        fields["status"] = to_status
    before = {k: plain_value(getattr(case, k)) for k in fields}  # FKs are passed as ``<name>_id``
    stat_before = bucket_state(case)
    for key, value in fields.items():
        setattr(case, key, value)
    deadline = pending_deadline(case)
    fields["next_deadline_at"] = case.next_deadline_at = deadline
    fields["updated_at"] = now
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=case.version + 1, **fields
    )
    if not updated:
        raise ConcurrentChange(case)
    case.version += 1
    stat_after = bucket_state(case)
    if stat_after != stat_before:
        bucket_apply(stat_before, stat_after)  # the statistics' monthly totals, same transaction
    event = event_record(
        CaseEvent,
        subject=case,
        kind=kind,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        unit=on_behalf_of or getattr(actor, "org_unit", None),
        note=note,
        data=data,
        at=now,
    )
    after = {k: plain_value(getattr(case, k)) for k in before}
    audit_write(
        action=AuditAction.UPDATE,
        obj=case,
        actor=actor,
        changes={"before": before, "after": after},
        detail=CaseEventKind(kind).label,
    )
    if case.status in OPEN_STATUSES and deadline is not None:
        deadlines_process(now=now, ids=[case.pk])
    return event


def _provisional_marks(case: Case, fields: dict) -> None:
    """Keep ``provisional_dues`` in step with the due times being written: a ProvisionalDue
    leaves its basis (and is stored as a plain datetime), any other value removes the node's
    mark. A caller may pass ``provisional_dues`` itself as the starting point."""
    marks = dict(fields.get("provisional_dues", case.provisional_dues) or {})
    for node, (field, _) in NODE_FIELDS.items():
        if field not in fields:
            continue
        value = fields[field]
        basis = provisional_basis(value)
        if basis is None:
            marks.pop(node, None)
            continue
        marks[node] = [basis[0].isoformat(), basis[1]]
        fields[field] = datetime.datetime.fromtimestamp(value.timestamp(), tz=value.tzinfo)
    marks = marks or None
    if marks != case.provisional_dues or "provisional_dues" in fields:
        fields["provisional_dues"] = marks


def unit_users(unit_ids, *, heads_only: bool = False):
    from shangwu.accounts.models import User

    qs = User.objects.filter(
        org_unit_id__in=[u for u in unit_ids if u], is_active=True, role__in=BUSINESS_ROLES
    )
    if heads_only:
        heads = qs.filter(Q(*[Q(position__endswith=p) for p in HEAD_POSITIONS], _connector=Q.OR))
        if heads.exists():
            return heads
    return qs


def unit_users_for(case: Case, unit_ids, *, heads_only: bool = False):
    """``unit_users`` of units working on ``case``, where a unit outside the bureau (外部单位, no
    users here) is reached through the liaison who records for it: the assigning unit."""
    from shangwu.organization.choices import OrgUnitKind
    from shangwu.organization.models import OrgUnit

    ids = [u for u in unit_ids if u]
    external = set(
        OrgUnit.objects.filter(pk__in=ids, kind=OrgUnitKind.EXTERNAL).values_list("pk", flat=True)
    )
    if external:
        ids = [case.assigning_unit_id if u in external else u for u in ids]
    return unit_users(ids, heads_only=heads_only)


def notify(case: Case, *, recipients, text: str, exclude=None) -> int:
    """In-app notifications about ``case`` to each recipient (users or a queryset)."""
    url = case.get_absolute_url()
    seen = set()
    rows = []
    for user in recipients:
        pk = getattr(user, "pk", user)
        if pk in seen or (exclude is not None and pk == getattr(exclude, "pk", None)):
            continue
        seen.add(pk)
        rows.append(
            Notification(recipient_id=pk, case=case, text=f"{case.number} {text}"[:300], url=url)
        )
    Notification.objects.bulk_create(rows)
    return len(rows)


def open_statuses_label() -> str:
    return "、".join(CaseStatus(s).label for s in OPEN_STATUSES)
