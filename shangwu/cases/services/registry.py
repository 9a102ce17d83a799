"""登记 → 交办 → 签收 / 退回, 合并, attachments (a case opened from a record: ``origins``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from shangwu.cases.choices import (
    HOTLINE_KINDS,
    OPEN_STATUSES,
    CaseEventKind,
    CaseSource,
    CaseStatus,
    DeadlineNode,
)
from shangwu.cases.deadlines import local_date, rule_dues, rule_set_for
from shangwu.cases.models import Case, CaseAttachment, CaseCategory, CaseEvent, SupervisionOrder
from shangwu.cases.services._base import (
    is_leader,
    is_member,
    lead_on_behalf,
    notify,
    now_or,
    require,
    require_actor,
    require_status,
    require_text,
    speaks_for,
    transition,
    unit_users,
    unit_users_for,
)
from shangwu.cases.statistics import bucket_apply, bucket_state
from shangwu.core.files import file_remove, file_store
from shangwu.core.services import event_record
from shangwu.organization.choices import RegionLevel

# Sources where a case need not name an enterprise (citizens call the hotline, write letters).
ENTERPRISE_OPTIONAL = {
    CaseSource.HOTLINE,
    CaseSource.MAILBOX,
    CaseSource.NPC,
    CaseSource.CPPCC,
    CaseSource.OTHER,
}


def _check_place(*, actor, county, township) -> None:
    if county is None or county.level != RegionLevel.COUNTY:
        raise ValidationError({"county": "请选择县(市、区)。"})
    if township is not None and township.parent_id != county.pk:
        raise ValidationError({"township": f"“{township.name}”不属于“{county.name}”。"})
    region = actor.region if actor is not None else None
    if region is None or region.level == RegionLevel.CITY:
        return
    if region.level == RegionLevel.COUNTY and county.pk != region.pk:
        raise ValidationError({"county": "只能登记本县(市、区)的案件。"})
    if region.level == RegionLevel.TOWNSHIP and (township is None or township.pk != region.pk):
        raise ValidationError({"township": "只能登记本乡镇(街道)的案件。"})


def _check_kind(source: str, kind: str) -> None:
    if source == CaseSource.HOTLINE and kind not in HOTLINE_KINDS:
        raise ValidationError({"kind": "12345热线工单的类型应为咨询、求助、建议或投诉。"})
    if source != CaseSource.HOTLINE and kind in HOTLINE_KINDS:
        raise ValidationError(
            {"kind": "咨询、求助、建议、投诉仅用于12345热线工单；其他来源请选择一般或重大复杂。"}
        )


def _allocate_and_save(case: Case) -> Case:
    """Year + per-year sequence (2025-000123): max+1, retried when a concurrent registration
    took the same number (the unique constraint decides)."""
    for _attempt in range(10):
        last = Case.objects.filter(year=case.year).aggregate(m=Max("seq"))["m"] or 0
        case.seq = last + 1
        case.number = f"{case.year}-{case.seq:06d}"
        try:
            with transaction.atomic():
                case.save()
            return case
        except IntegrityError:
            case.pk = None
            continue
    raise ValidationError("案件编号分配冲突，请重试。")


def case_register(
    *,
    actor,
    source: str,
    kind: str,
    category: CaseCategory,
    title: str,
    content: str,
    county=None,
    township=None,
    enterprise=None,
    contact_name: str = "",
    contact_phone: str = "",
    received_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
    attachments=(),
    origin: dict | None = None,
) -> Case:
    """登记: a new case in 已登记, numbered, owned by the registering unit (the dispatcher).
    ``attachments`` (uploads) are attached in the same transaction: one refused file (reported
    on the ``attachments`` field) saves nothing. ``origin`` ({"origin_project": project}) is set
    only by ``case_open_from``."""
    require_actor(actor, None, "登记")
    now = now_or(now)
    received_at = received_at or now
    title = require_text(title, "title", "标题")
    content = require_text(content, "content", "内容")
    _check_kind(source, kind)
    if enterprise is None and source not in ENTERPRISE_OPTIONAL:
        raise ValidationError(
            {"enterprise": f"来源为“{CaseSource(source).label}”的案件须选择企业。"}
        )
    if enterprise is not None:
        county = county or enterprise.county
        township = township if township is not None else enterprise.township
        if enterprise.county_id != getattr(county, "pk", None):
            raise ValidationError({"county": f"所选县(市、区)与企业“{enterprise}”所在地不一致。"})
    _check_place(actor=actor, county=county, township=township)
    if received_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": "受理时间不能晚于现在。"})
    with transaction.atomic():
        case = Case(
            year=local_date(received_at).year,
            source=source,
            kind=kind,
            category=category,
            enterprise=enterprise,
            title=title[:200],
            content=content,
            contact_name=contact_name.strip(),
            contact_phone=contact_phone.strip(),
            county=county,
            township=township,
            received_at=received_at,
            registered_by=actor,
            assigning_unit=actor.org_unit,
            status=CaseStatus.REGISTERED,
            **(origin or {}),
        )
        _allocate_and_save(case)
        bucket_apply(None, bucket_state(case))
        event_record(
            CaseEvent,
            subject=case,
            kind=CaseEventKind.REGISTER,
            to_status=CaseStatus.REGISTERED,
            actor=actor,
            unit=actor.org_unit,
            at=now,
            note=f"来源：{case.get_source_display()}，类型：{case.get_kind_display()}",
        )
        for upload in attachments or ():
            case_attach(case=case, actor=actor, upload=upload, field="attachments")
    return case


def _check_units(actor, lead_unit, co_units) -> list:
    if lead_unit is None:
        raise ValidationError({"lead_unit": "请选择主办单位。"})
    if not lead_unit.is_active:
        raise ValidationError({"lead_unit": f"“{lead_unit}”已停用。"})
    co_units = [u for u in (co_units or []) if u.pk != lead_unit.pk]
    region = actor.region
    if region is not None and region.level != RegionLevel.CITY:
        county = region.county
        for unit in [lead_unit, *co_units]:
            r = unit.region
            if not (r.pk == county.pk or r.parent_id == county.pk):
                raise ValidationError(
                    {"lead_unit": f"只能交办给本县(市、区)及所辖乡镇的单位，“{unit}”不在其内。"}
                )
    return co_units


def case_assign(
    *,
    case: Case,
    actor,
    lead_unit,
    co_units=(),
    note: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """交办 to a lead unit (主办) and optional co-units (协办). Under the current rule set (a
    re-assignment after 退回 keeps the version first used) each node's clock starts now or, for
    a node that counts from 受理 (12345, 信箱, 人大/政协 by default), at the case's receipt."""
    require_actor(actor, case, "交办")
    require_status(case, [CaseStatus.REGISTERED, CaseStatus.RETURNED], "交办")
    require(
        is_member(actor, case.assigning_unit_id) or is_leader(actor),
        "只有交办单位或局领导可以交办。",
    )
    co_units = _check_units(actor, lead_unit, co_units)
    now = now_or(now)
    with transaction.atomic():
        rule_set = case.rule_set or rule_set_for(source=case.source, kind=case.kind)
        dues = rule_dues(
            rule_set,
            start=now,
            received=case.received_at,
            nodes=[DeadlineNode.SIGN, DeadlineNode.FIRST_FEEDBACK, DeadlineNode.CLOSE],
        )
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.ASSIGN,
            now=now,
            to_status=CaseStatus.ASSIGNED,
            fields={
                "lead_unit_id": lead_unit.pk,
                "rule_set_id": rule_set.pk,
                "assigned_at": now,
                "handler_id": None,
                "signed_at": None,
                "first_feedback_at": None,
                "sign_due_at": dues.get(DeadlineNode.SIGN),
                "feedback_due_at": dues.get(DeadlineNode.FIRST_FEEDBACK),
                "close_due_at": dues.get(DeadlineNode.CLOSE),
            },
            note=note.strip(),
            data={
                "lead_unit": str(lead_unit),
                "co_units": [str(u) for u in co_units],
                "rule_set": str(rule_set),
                # Where each node's clock started, as the version said at the time.
                "counts_from": {
                    r.node: r.get_counts_from_display()
                    for r in rule_set.rules.all()
                    if r.node != DeadlineNode.REVISIT
                },
            },
        )
        case.co_units.set(co_units)
        notify(
            case,
            recipients=unit_users_for(case, [lead_unit.pk]),
            text=f"新交办：{case.title}，请及时签收。",
        )
        if co_units:
            notify(
                case,
                recipients=unit_users_for(case, [u.pk for u in co_units]),
                text=f"协办：{case.title}",
            )
    return case


def case_sign(*, case: Case, actor, note: str = "", now: datetime.datetime | None = None) -> Case:
    """签收 by the lead unit: the signer becomes the current handler."""
    require_actor(actor, case, "签收")
    require_status(case, [CaseStatus.ASSIGNED], "签收")
    require(speaks_for(case, actor, case.lead_unit), "只有主办单位的人员可以签收。")
    now = now_or(now)
    with transaction.atomic():
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.SIGN,
            now=now,
            to_status=CaseStatus.HANDLING,
            fields={"signed_at": now, "handler_id": actor.pk},
            note=note.strip(),
            on_behalf_of=lead_on_behalf(case, actor),
        )
    return case


def case_return(*, case: Case, actor, reason: str, now: datetime.datetime | None = None) -> Case:
    """退回 to the dispatcher with a reason (not ours, wrong unit…); the dispatcher reassigns."""
    require_actor(actor, case, "退回")
    require_status(case, [CaseStatus.ASSIGNED], "退回")
    require(speaks_for(case, actor, case.lead_unit), "只有主办单位的人员可以退回。")
    reason = require_text(reason, "reason", "退回理由")
    now = now_or(now)
    with transaction.atomic():
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.RETURN,
            now=now,
            to_status=CaseStatus.RETURNED,
            fields={"handler_id": None},
            note=reason,
            on_behalf_of=lead_on_behalf(case, actor),
        )
        notify(
            case,
            recipients=unit_users([case.assigning_unit_id]),
            text=f"被{actor.org_unit}退回：{reason}"[:200],
        )
    return case


def _place(case: Case) -> str:
    return str(case.township or case.county)


def _in_place_of(case: Case, other: Case) -> bool:
    """Whether ``case`` is within the region scope of ``other``'s place (its township, else its
    county): the users who see ``other`` by region also see ``case``."""
    return Case.objects.filter(Case.scope_q(other.township or other.county), pk=case.pk).exists()


def case_merge(
    *, case: Case, into: Case, actor, note: str = "", now: datetime.datetime | None = None
) -> Case:
    """合并: a duplicate is closed as merged into another open case; its history stays."""
    require_actor(actor, case, "合并")
    require_status(case, OPEN_STATUSES, "合并")
    require(
        is_member(actor, case.assigning_unit_id) or is_leader(actor),
        "只有交办单位或局领导可以合并案件。",
    )
    if into is None or into.pk == case.pk:
        raise ValidationError({"into": "请选择要并入的另一件案件。"})
    if not Case.objects.restrict(actor, "view").filter(pk=into.pk).exists():
        raise PermissionDenied("要并入的案件不在您的数据范围内。")
    if not (_in_place_of(into, case) and _in_place_of(case, into)):
        # Each side's page names the other: a case of another county or township would show its
        # number and title to users who may not see it.
        raise ValidationError(
            {
                "into": f"案件{into.number}属于{_place(into)}，本案件属于{_place(case)}：只能并入同一地区的案件。"
            }
        )
    if into.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "into": f"案件{into.number}状态为“{into.get_status_display()}”，只能并入未办结的案件。"
            }
        )
    now = now_or(now)
    with transaction.atomic():
        transition(
            case,
            actor=actor,
            kind=CaseEventKind.MERGE,
            now=now,
            to_status=CaseStatus.MERGED,
            fields={"merged_into_id": into.pk, "closed_at": now, "paused_at": None},
            note=note.strip() or f"重复件，并入{into.number}",
            data={"into": into.number},
        )
        SupervisionOrder.objects.filter(case=case, resolved_at__isnull=True).update(resolved_at=now)
        event_record(
            CaseEvent,
            subject=into,
            kind=CaseEventKind.MERGE,
            from_status=into.status,
            to_status=into.status,
            actor=actor,
            unit=actor.org_unit,
            at=now,
            note=f"并入重复件{case.number}",
            data={"merged": case.number},
        )
        if case.lead_unit_id:
            notify(
                case,
                recipients=unit_users([case.lead_unit_id]),
                text=f"已作为重复件并入{into.number}，无需再办。",
            )
    return case


def case_attach(*, case: Case, actor, upload, field: str = "file") -> CaseAttachment:
    """An attachment, through the platform's file service (core.files: pdf, jpg, png, docx or
    xlsx judged by content, FILE_MAX_MB, the daily quota, SHA-256, written on commit).
    ``field`` names the form field a refusal is reported on."""
    require_actor(actor, case, "上传附件")
    return file_store(model=CaseAttachment, actor=actor, upload=upload, field=field, case=case)


def case_attachment_remove(*, attachment: CaseAttachment, actor) -> CaseAttachment:
    """删除 an attachment: soft (the row and its audit history stay; no longer listed or
    downloadable). Whoever may change the case may remove its files."""
    require_actor(actor, attachment.case, "删除附件")
    return file_remove(obj=attachment, actor=actor)
