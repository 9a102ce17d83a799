"""Services of designations (荣誉认定与示范创建): every write goes through here (funded programmes
and reminders in ``services/programmes.py``), each in one
transaction, each writing its ``DesignationEvent`` row (the timeline) and its audit row.

The steps, one at a time and never back (``choices.STEP_FROM``):
培育 (``designation_cultivate``) → 申报 (``designation_apply``) → 推荐 (``designation_recommend``)
→ 认定 (``designation_award``: 有效期至 from the kind's validity, 下次复核 from its cycle) →
复核 (``designation_review``: 通过 moves the next 复核 a cycle on; 限期整改 sets a deadline; 未通过
摘牌) → 撤销 (``designation_revoke``, at any stage) / 摘牌 (``designation_delist``) / 到期
(``designation_expire``, not before the expiry date). A step out of order is refused naming the
current status and what must come first; ending keeps the whole history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.access import require
from shangwu.core.files import file_remove, file_store
from shangwu.core.services import event_record, responsibility_end
from shangwu.designations.choices import (
    ENTERPRISE_HOLDERS,
    STEP_FROM,
    STEP_LABEL,
    DesignationEventKind,
    DesignationStatus,
    RecommendLevel,
    ReviewResult,
)
from shangwu.designations.models import (
    Designation,
    DesignationAttachment,
    DesignationEvent,
    DesignationKind,
    DesignationResponsibility,
    add_years,
)

# 复核 and 验收 falling due within this many days are reminded to the responsible unit.
REMINDER_DAYS = 60


def _log(designation, kind, *, actor, now=None, **fields) -> DesignationEvent:
    if now is not None:
        fields["at"] = now
    return event_record(DesignationEvent, subject=designation, kind=kind, actor=actor, **fields)


def _check_in_scope(actor, designation, action="change") -> None:
    if actor is None:
        return
    require(actor, Designation, action)
    if not Designation.objects.restrict(actor, action).filter(pk=designation.pk).exists():
        raise PermissionDenied("该荣誉认定不在您可修改的数据范围内。")


def _today(now) -> datetime.date:
    return timezone.localdate(now or timezone.now())


def _check_day(field: str, label: str, day, *, now, after=None, after_label="") -> datetime.date:
    if day is None:
        raise ValidationError({field: f"请填写{label}。"})
    if day > _today(now):
        raise ValidationError({field: f"{label}不能晚于今天。"})
    if after is not None and day < after:
        raise ValidationError({field: f"{label}不能早于{after_label}（{after:%Y-%m-%d}）。"})
    return day


# --- Kinds (系统管理员) ----------------------------------------------------------------------

KIND_FIELDS = (
    "code",
    "name",
    "level",
    "authority",
    "holder_types",
    "validity_years",
    "review_cycle_years",
    "dynamic",
    "carries_funds",
    "tag_code",
    "sort_order",
    "is_active",
)


def designation_kind_save(
    *, actor, kind: DesignationKind | None = None, **fields
) -> DesignationKind:
    """Add (``kind`` None) or edit a 荣誉/示范类型: the 系统管理员 only (基础配置), the page and the
    API alike. A new kind's code left blank is made from its name; once it exists its code is
    fixed (figures and imports know it by it). Validated in Chinese (``DesignationKind.clean``);
    the audit row writes itself (``Vocabulary.audited``)."""
    from shangwu.core.services import vocabulary_code

    require(actor, DesignationKind, "change" if kind is not None else "add")
    bad = sorted(set(fields) - set(KIND_FIELDS))
    if bad:
        raise ValidationError({bad[0]: "该字段不能修改。"})
    if kind is not None and "code" in fields and fields["code"] != kind.code:
        raise ValidationError({"code": "代码建立后不可修改（统计和导入按代码识别）。"})
    row = kind or DesignationKind()
    for key, value in fields.items():
        setattr(row, key, value)
    if not row.code and row.name:
        row.code = vocabulary_code(DesignationKind, name=row.name)
    row.full_clean()
    with transaction.atomic():
        row.save()
    return row


# --- The record ------------------------------------------------------------------------------


HOLDER_FIELDS = ("holder_type", "enterprise", "holder_name", "county", "township", "project")


def _place_from_enterprise(fields: dict) -> None:
    """An enterprise's (or its store's) designation is where the enterprise is."""
    enterprise = fields.get("enterprise")
    if fields.get("holder_type") in ENTERPRISE_HOLDERS and enterprise is not None:
        fields["county"] = enterprise.county
        fields["township"] = enterprise.township
    if fields.get("holder_type") not in ENTERPRISE_HOLDERS:
        fields["enterprise"] = None


def _default_name(fields: dict) -> str:
    probe = Designation(**{k: fields.get(k) for k in HOLDER_FIELDS if fields.get(k) is not None})
    probe.holder_name = fields.get("holder_name") or ""
    return f"{fields['kind'].name}·{probe.holder}"[:200]


def designation_cultivate(
    *,
    actor,
    kind,
    holder_type: str,
    responsible_unit,
    official=None,
    on: datetime.date | None = None,
    now: datetime.datetime | None = None,
    name: str = "",
    **fields,
) -> Designation:
    """Put a holder on the cultivation list (培育) of ``kind``, with its responsible unit and
    official (its first ``DesignationResponsibility``, from ``on``): the designation's first
    status."""
    require(actor, Designation, "add")
    on = on or _today(now)
    _check_day("cultivation_on", "列入培育日期", on, now=now)
    if not kind.is_active:
        raise ValidationError({"kind": f"“{kind}”已停用，不能列入培育。"})
    fields.update(kind=kind, holder_type=holder_type)
    _place_from_enterprise(fields)
    name = (name or "").strip() or _default_name(fields)
    designation = Designation(
        **fields,
        name=name,
        cultivation_on=on,
        status=DesignationStatus.CULTIVATING,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    designation.full_clean()
    with transaction.atomic():
        designation.save()
        if (
            actor is not None
            and not Designation.objects.restrict(actor, "add").filter(pk=designation.pk).exists()
        ):
            raise ValidationError({"county": "该对象不在您的数据范围内，不能列入培育。"})
        _responsibility_start(
            designation, unit=responsible_unit, official=official, on=on, actor=actor
        )
        _log(
            designation,
            DesignationEventKind.CREATED,
            actor=actor,
            now=now,
            on=on,
            to_status=DesignationStatus.CULTIVATING,
            note=f"列入“{kind}”培育名单，责任单位：{responsible_unit}",
        )
    return designation


EDITABLE = ("name", "holder_name", "project", "note")


def _responsibility_start(designation, *, unit, official, on, actor, note=""):
    if unit is None:
        raise ValidationError({"responsible_unit": "请选择责任单位。"})
    if official is not None and not official.is_active:
        raise ValidationError({"official": f"“{official}”已停用，不能担任责任人。"})
    row = DesignationResponsibility(
        designation=designation,
        unit=unit,
        official=official,
        level=unit.region.level,
        start_on=on,
        note=note[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    row.full_clean(exclude=["designation"])
    row.save()
    return row


def designation_responsibility_change(
    *,
    designation: Designation,
    actor,
    responsible_unit,
    official=None,
    on: datetime.date | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> DesignationResponsibility:
    """Hand a designation to another responsible unit and/or official from ``on`` (today): the
    current ``DesignationResponsibility`` ends the day before (core ``responsibility_end``), a
    new one starts on ``on``; a 责任变更 event row names both, and each row's audit row writes
    itself. The old row stays: the history of who was responsible when."""
    _check_in_scope(actor, designation)
    on = _check_day("on", "变更日期", on or _today(now), now=now)
    current = designation.responsibility
    if current is not None:
        same = current.unit_id == getattr(responsible_unit, "pk", None) and current.official_id == (
            official.pk if official is not None else None
        )
        if same:
            raise ValidationError({"responsible_unit": "责任单位和责任人与现在相同，无需变更。"})
        if on <= current.start_on:
            raise ValidationError(
                {"on": f"变更日期须晚于现任责任的开始日期（{current.start_on:%Y-%m-%d}）。"}
            )
    with transaction.atomic():
        if current is not None:
            responsibility_end(
                responsibility=current, end_on=on - datetime.timedelta(days=1), today=on
            )
        row = _responsibility_start(
            designation,
            unit=responsible_unit,
            official=official,
            on=on,
            actor=actor,
            note=note,
        )
        before = str(current) if current is not None else "（无）"
        _log(
            designation,
            DesignationEventKind.RESPONSIBLE,
            actor=actor,
            now=now,
            on=on,
            note=f"责任变更：{before} → {row}" + (f"。{note}" if note else ""),
        )
    designation._responsibility = row
    return row


def designation_update(
    *, designation: Designation, actor, now: datetime.datetime | None = None, **fields
) -> Designation:
    """Edit the record's name, holder name, project, responsible unit and official, note.
    Status and its dates change only through the steps."""
    bad = sorted(set(fields) - set(EDITABLE))
    if bad:
        raise ValidationError(
            {bad[0]: "状态及各环节日期、文号请用“申报”“推荐”“认定”“复核”等操作填写。"}
        )
    _check_in_scope(actor, designation)
    changed = {k: v for k, v in fields.items() if getattr(designation, k) != v}
    if not changed:
        return designation
    before = {k: str(getattr(designation, k) or "") for k in changed}
    for key, value in changed.items():
        setattr(designation, key, value)
    designation.full_clean()
    with transaction.atomic():
        designation.save()
        labels = "、".join(str(Designation._meta.get_field(k).verbose_name) for k in changed)
        _log(
            designation, DesignationEventKind.UPDATED, actor=actor, now=now, note=f"修改：{labels}"
        )
        audit_write(
            action=AuditAction.UPDATE,
            obj=designation,
            actor=actor,
            changes={"before": before, "after": {k: str(v or "") for k, v in changed.items()}},
            detail=f"修改：{labels}",
        )
    return designation


# --- The steps ---------------------------------------------------------------------------------


def _refuse_out_of_order(designation: Designation, step) -> None:
    allowed = STEP_FROM[step]
    if designation.status in allowed:
        return
    current = DesignationStatus(designation.status)
    label = STEP_LABEL[step]
    if current in (
        DesignationStatus.REVOKED,
        DesignationStatus.DELISTED,
        DesignationStatus.EXPIRED,
    ):
        message = f"“{designation}”已{current.label}，不能再{label}。"
    else:
        after = "或".join(f"“{DesignationStatus(s).label}”" for s in allowed)
        message = (
            f"“{designation}”当前为“{current.label}”，不能{label}："
            f"{label}须在{after}之后（培育 → 申报 → 推荐 → 认定 → 复核，依次办理）。"
        )
    raise ValidationError({"status": message})


def _move(
    designation: Designation,
    *,
    step,
    to_status: str,
    actor,
    now,
    on: datetime.date,
    note: str,
    event_kind=DesignationEventKind.STATUS,
    **values,
) -> Designation:
    """Claim the move with a conditional UPDATE on the current status (someone else's step in
    between: reload), then the event row and the audit row, in the caller's transaction."""
    current = designation.status
    with transaction.atomic():
        claimed = Designation.objects.filter(pk=designation.pk, status=current).update(
            status=to_status, updated_at=now or timezone.now(), **values
        )
        if not claimed:
            raise ValidationError({"status": "该认定刚被他人办理，请刷新页面后重试。"})
        _log(
            designation,
            event_kind,
            actor=actor,
            now=now,
            on=on,
            from_status=current,
            to_status=to_status,
            note=note,
        )
        audit_write(
            action=AuditAction.UPDATE,
            obj=designation,
            actor=actor,
            changes={
                "before": {"status": current},
                "after": {"status": to_status, **{k: str(v) for k, v in values.items()}},
            },
            detail=f"{STEP_LABEL[step]}：{DesignationStatus(current).label} → "
            f"{DesignationStatus(to_status).label}",
        )
    designation.status = to_status
    for key, value in values.items():
        setattr(designation, key, value)
    return designation


def designation_apply(
    *, designation: Designation, actor, on: datetime.date, note: str = "", now=None
) -> Designation:
    """申报: the materials are sent up (upload them as 申报材料)."""
    _check_in_scope(actor, designation)
    _refuse_out_of_order(designation, "apply")
    _check_day(
        "on", "申报日期", on, now=now, after=designation.cultivation_on, after_label="列入培育日期"
    )
    return _move(
        designation,
        step="apply",
        to_status=DesignationStatus.APPLIED,
        actor=actor,
        now=now,
        on=on,
        note=note or "申报",
        applied_on=on,
    )


def designation_recommend(
    *,
    designation: Designation,
    actor,
    on: datetime.date,
    level: str,
    doc: str,
    note: str = "",
    now=None,
) -> Designation:
    """推荐: recommended upward by the county or the city, with the document number."""
    _check_in_scope(actor, designation)
    _refuse_out_of_order(designation, "recommend")
    if level not in RecommendLevel.values:
        raise ValidationError({"level": "请选择推荐层级（县(市、区)推荐或市推荐）。"})
    if not (doc or "").strip():
        raise ValidationError({"doc": "请填写推荐文号。"})
    _check_day("on", "推荐日期", on, now=now, after=designation.applied_on, after_label="申报日期")
    return _move(
        designation,
        step="recommend",
        to_status=DesignationStatus.RECOMMENDED,
        actor=actor,
        now=now,
        on=on,
        note=note or f"{RecommendLevel(level).label}，文号：{doc.strip()}",
        recommended_on=on,
        recommend_level=level,
        recommend_doc=doc.strip(),
    )


def designation_award(
    *,
    designation: Designation,
    actor,
    on: datetime.date,
    doc: str,
    certificate=None,
    note: str = "",
    now=None,
) -> Designation:
    """认定: awarded on ``on`` under ``doc``; 有效期至 = ``on`` + the kind's validity, 下次复核 =
    ``on`` + its review cycle. ``certificate``: the certificate file (stored as 证书)."""
    _check_in_scope(actor, designation)
    _refuse_out_of_order(designation, "award")
    if not (doc or "").strip():
        raise ValidationError({"doc": "请填写认定文号。"})
    _check_day(
        "on", "认定日期", on, now=now, after=designation.recommended_on, after_label="推荐日期"
    )
    kind = designation.kind
    expires = add_years(on, kind.validity_years) if kind.validity_years else None
    review = add_years(on, kind.review_cycle_years) if kind.review_cycle_years else None
    with transaction.atomic():
        _move(
            designation,
            step="award",
            to_status=DesignationStatus.AWARDED,
            actor=actor,
            now=now,
            on=on,
            note=note or f"认定文号：{doc.strip()}",
            awarded_on=on,
            award_doc=doc.strip(),
            expires_on=expires,
            next_review_on=review,
        )
        if certificate is not None:
            designation_attach(
                designation=designation,
                actor=actor,
                upload=certificate,
                purpose="certificate",
                field="certificate",
                now=now,
            )
    return designation


def designation_review(
    *,
    designation: Designation,
    actor,
    on: datetime.date,
    result: str,
    rectify_by: datetime.date | None = None,
    note: str = "",
    now=None,
) -> Designation:
    """复核: 通过 (the next 复核 a cycle after this one), 限期整改 (by ``rectify_by``), 未通过
    (摘牌 on ``on``)."""
    _check_in_scope(actor, designation)
    _refuse_out_of_order(designation, "review")
    if result not in ReviewResult.values:
        raise ValidationError({"result": "请选择复核结果（通过、限期整改或未通过）。"})
    _check_day("on", "复核日期", on, now=now, after=designation.awarded_on, after_label="认定日期")
    result = ReviewResult(result)
    cycle = designation.kind.review_cycle_years
    values = {"last_review_on": on, "last_review_result": result}
    if result == ReviewResult.PASSED:
        to_status = DesignationStatus.AWARDED
        values.update(next_review_on=add_years(on, cycle) if cycle else None, rectify_by=None)
    elif result == ReviewResult.RECTIFY:
        if rectify_by is None or rectify_by <= on:
            raise ValidationError({"rectify_by": "限期整改须填写晚于复核日期的整改期限。"})
        to_status = DesignationStatus.RECTIFYING
        # Reviewed again when the rectification is due.
        values.update(rectify_by=rectify_by, next_review_on=rectify_by)
    else:
        to_status = DesignationStatus.DELISTED
        values.update(ended_on=on, end_reason=note or "复核未通过", next_review_on=None)
    text = f"复核{result.label}" + (
        f"，整改期限{rectify_by:%Y-%m-%d}" if rectify_by and result == ReviewResult.RECTIFY else ""
    )
    return _move(
        designation,
        step="review",
        to_status=to_status,
        actor=actor,
        now=now,
        on=on,
        note=f"{text}。{note}" if note else text,
        event_kind=DesignationEventKind.REVIEW,
        **values,
    )


def _end(designation, *, to_status, actor, on, reason, now) -> Designation:
    _check_in_scope(actor, designation)
    _refuse_out_of_order(designation, to_status)
    label = STEP_LABEL[to_status]
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"请填写{label}原因。"})
    after = designation.awarded_on or designation.cultivation_on
    _check_day(
        "on",
        f"{label}日期",
        on,
        now=now,
        after=after,
        after_label="认定日期" if designation.awarded_on else "列入培育日期",
    )
    if to_status == DesignationStatus.EXPIRED:
        if designation.expires_on is None:
            raise ValidationError(
                {"on": f"“{designation.kind}”长期有效，没有到期日，不能登记到期。"}
            )
        if on < designation.expires_on:
            raise ValidationError({"on": f"有效期至{designation.expires_on:%Y-%m-%d}，尚未到期。"})
    return _move(
        designation,
        step=to_status,
        to_status=to_status,
        actor=actor,
        now=now,
        on=on,
        note=f"{label}：{reason}",
        ended_on=on,
        end_reason=reason,
        next_review_on=None,
    )


def designation_revoke(*, designation, actor, on, reason, now=None) -> Designation:
    """撤销: withdrawn at any stage (taken off the cultivation list, an application withdrawn,
    an award revoked). The history stays."""
    return _end(
        designation, to_status=DesignationStatus.REVOKED, actor=actor, on=on, reason=reason, now=now
    )


def designation_delist(*, designation, actor, on, reason, now=None) -> Designation:
    """摘牌: an awarded designation taken away."""
    return _end(
        designation,
        to_status=DesignationStatus.DELISTED,
        actor=actor,
        on=on,
        reason=reason,
        now=now,
    )


def designation_expire(*, designation, actor, on, reason="有效期届满", now=None) -> Designation:
    """到期: recorded once the validity has run out (it stopped counting as current on its
    expiry date already: ``current()``)."""
    return _end(
        designation, to_status=DesignationStatus.EXPIRED, actor=actor, on=on, reason=reason, now=now
    )


# --- Files ---------------------------------------------------------------------------------------


def designation_attach(
    *,
    designation: Designation,
    actor,
    upload,
    purpose: str = "other",
    field: str = "file",
    now=None,
) -> DesignationAttachment:
    """申报材料, the certificate, 复核材料 through the platform's file service."""
    if (
        actor is not None
        and not Designation.objects.restrict(actor, "change").filter(pk=designation.pk).exists()
    ):
        raise PermissionDenied("您不能为该荣誉认定上传附件。")
    with transaction.atomic():
        stored = file_store(
            model=DesignationAttachment,
            actor=actor,
            upload=upload,
            field=field,
            designation=designation,
            purpose=purpose,
        )
        _log(
            designation,
            DesignationEventKind.ATTACHMENT,
            actor=actor,
            now=now,
            note=f"上传{stored.get_purpose_display()}“{stored.name}”",
        )
    return stored


def designation_attachment_remove(*, attachment: DesignationAttachment, actor):
    if (
        not Designation.objects.restrict(actor, "change")
        .filter(pk=attachment.designation_id)
        .exists()
    ):
        raise PermissionDenied("您不能删除该荣誉认定的附件。")
    with transaction.atomic():
        removed = file_remove(obj=attachment, actor=actor)
        _log(
            attachment.designation,
            DesignationEventKind.ATTACHMENT,
            actor=actor,
            note=f"删除附件“{removed.name}”",
        )
    return removed


# --- Funded programmes and reminders (services/programmes.py) ---------------------------------

# Imported last: they use the helpers above (ruff: E402 is intended here).
from shangwu.designations.services.programmes import (  # noqa: E402
    designation_send_reminders as designation_send_reminders,
)
from shangwu.designations.services.programmes import (  # noqa: E402
    programme_fund_set as programme_fund_set,
)
from shangwu.designations.services.programmes import (  # noqa: E402
    programme_milestone_complete as programme_milestone_complete,
)
from shangwu.designations.services.programmes import (  # noqa: E402
    programme_milestone_set as programme_milestone_set,
)
