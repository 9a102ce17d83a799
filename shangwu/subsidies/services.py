"""Services of the subsidy programmes: every write goes through here, each in one transaction,
each status change an event row; the models are ``audited`` (the audit signals write a row per
save, masking the applicant's name and ID number).

The clock (``application_deadline``): from 受理 the programme promises 拨付 within
``promised_workdays`` working days, counted by ``workcalendar`` (statutory holidays and 调休; a
year not announced yet counted provisionally). Steps: 受理 → 审核 → 拨付, or 驳回 from 受理 or
审核; a step out of order is refused with the way it should go.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.audit.services import masked_snapshot, snapshot
from shangwu.core.access import require
from shangwu.core.services import event_record
from shangwu.subsidies.choices import (
    OPEN_STATUSES,
    ApplicationEventKind,
    ApplicationStatus,
    ProgrammeEventKind,
)
from shangwu.subsidies.models import (
    SubsidyApplication,
    SubsidyApplicationEvent,
    SubsidyProgramme,
    SubsidyProgrammeEvent,
    SubsidyRule,
)

QUIET_FIELDS = {"updated_at", "created_at", "id", "created_by"}
# Written only by the step services (review, pay, reject).
STEP_FIELDS = {
    "status",
    "reviewed_on",
    "paid_on",
    "rejected_on",
    "reject_reason",
    "due_on",
    "next_deadline_at",
    "workdays_to_pay",
    "rule_amount",
}
APPLICATION_FIELDS = {
    "programme",
    "number",
    "applicant_name",
    "id_number",
    "category",
    "units",
    "sale_amount",
    "subsidy_amount",
    "override_reason",
    "dealer",
    "dealer_unmatched_name",
    "dealer_unmatched_code",
    "county",
    "township",
    "accepted_on",
    "note",
}
PATH = "受理 → 审核 → 拨付（或在受理、审核阶段驳回）"


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _today(now) -> datetime.date:
    return timezone.localdate(now) if now is not None else timezone.localdate()


# --- the clock ------------------------------------------------------------------------------------


def application_deadline(*, accepted_on: datetime.date, workdays: int) -> datetime.date:
    """The day 拨付 is promised by: ``workdays`` working days after 受理 (not counting the day
    of 受理 itself)."""
    from shangwu.workcalendar.services import workdays_add

    return workdays_add(start=accepted_on, days=workdays, provisional=True)


def _end_of_day(day: datetime.date) -> datetime.datetime:
    from shangwu.cases.deadlines import end_of_day

    return end_of_day(day)


def _set_clock(application: SubsidyApplication, programme: SubsidyProgramme) -> None:
    application.due_on = application_deadline(
        accepted_on=application.accepted_on, workdays=programme.promised_workdays
    )
    application.next_deadline_at = (
        _end_of_day(application.due_on) if application.status in OPEN_STATUSES else None
    )


# --- programmes -------------------------------------------------------------------------------


def _rules_set(programme, rules) -> None:
    """Replace the programme's rules by ``rules`` (dicts of category, amount_per_unit, percent,
    cap_per_unit), each checked."""
    seen = set()
    for rule in rules:
        if rule["category"] in seen:
            raise ValidationError({"rules": "同一品类只能有一条补贴标准。"})
        seen.add(rule["category"])
    programme.rules.exclude(category__in=seen).delete()
    for data in rules:
        row = programme.rules.filter(category=data["category"]).first() or SubsidyRule(
            programme=programme, category=data["category"]
        )
        row.amount_per_unit = data.get("amount_per_unit")
        row.percent = data.get("percent")
        row.cap_per_unit = data.get("cap_per_unit")
        if (row.amount_per_unit is None) == (row.percent is None):
            raise ValidationError(
                {"rules": f"{row.get_category_display()}：定额补贴和比例补贴须填且只填一项。"}
            )
        row.full_clean()
        row.save()


def _check_counties(actor, counties) -> None:
    """A county officer's programme covers their own county and no other (none: the whole
    city, which is the city's to run)."""
    region = getattr(actor, "region", None)
    if actor is None or region is None or region.level != "county":
        return
    if {c.pk for c in counties} != {region.pk}:
        raise ValidationError(
            {
                "counties": f"县级用户登记的补贴项目只能覆盖本县(市、区)“{region}”，请只选择本县(市、区)。"
            }
        )


def subsidy_programme_create(
    *, actor, counties=(), rules=(), now: datetime.datetime | None = None, **fields
) -> SubsidyProgramme:
    """A new programme with its counties and rules: the city any, a county its own county's."""
    require(actor, SubsidyProgramme, "add")
    counties = list(counties)
    _check_counties(actor, counties)
    programme = SubsidyProgramme(**fields, created_by=_actor_or_none(actor))
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        programme.counties.set(counties)
        _rules_set(programme, rules)
        event_record(
            SubsidyProgrammeEvent,
            subject=programme,
            kind=ProgrammeEventKind.CREATED,
            actor=actor,
            to_status=programme.status,
            note="登记补贴项目",
            **({"at": now} if now else {}),
        )
    return programme


def subsidy_programme_update(
    *, programme: SubsidyProgramme, actor, counties=None, rules=None, **fields
) -> SubsidyProgramme:
    """Edit a programme (funding, period, counties, rules, status…); a change of status is its
    own event row."""
    require(actor, SubsidyProgramme, "change")
    if actor is not None and not (
        SubsidyProgramme.objects.restrict(actor, "change").filter(pk=programme.pk).exists()
    ):
        raise PermissionDenied("该补贴项目不在您可修改的数据范围内。")
    if counties is not None:
        counties = list(counties)
        _check_counties(actor, counties)
    before = snapshot(programme)
    old_status = programme.status
    for key, value in fields.items():
        setattr(programme, key, value)
    programme.full_clean()
    after = snapshot(programme)
    changed = sorted(
        k for k in after if k not in QUIET_FIELDS | {"status"} and before.get(k) != after.get(k)
    )
    with transaction.atomic():
        programme.save()
        if counties is not None:
            old = set(programme.counties.values_list("pk", flat=True))
            if old != {c.pk for c in counties}:
                programme.counties.set(counties)
                changed.append("counties")
        if rules is not None:
            _rules_set(programme, rules)
            changed.append("rules")
        if changed:
            labels = [
                "覆盖县(市、区)"
                if k == "counties"
                else "补贴标准"
                if k == "rules"
                else _label(SubsidyProgramme, k)
                for k in changed
            ]
            event_record(
                SubsidyProgrammeEvent,
                subject=programme,
                kind=ProgrammeEventKind.UPDATED,
                actor=actor,
                note="修改：" + "、".join(labels),
                changes={
                    "before": {k: before.get(k) for k in changed if k in before},
                    "after": {k: after.get(k) for k in changed if k in after},
                },
            )
        if programme.status != old_status:
            event_record(
                SubsidyProgrammeEvent,
                subject=programme,
                kind=ProgrammeEventKind.STATUS,
                actor=actor,
                from_status=old_status,
                to_status=programme.status,
            )
        if "promised_workdays" in changed:
            _reclock(programme)
    return programme


def _reclock(programme: SubsidyProgramme) -> None:
    """The programme's promise changed: the open applications' deadlines follow it."""
    rows = list(programme.applications.filter(status__in=OPEN_STATUSES))
    for row in rows:
        _set_clock(row, programme)
    SubsidyApplication.objects.bulk_update(rows, ["due_on", "next_deadline_at"], batch_size=500)


# --- applications -----------------------------------------------------------------------------


def subsidy_rule_amount(*, programme, category, units, sale_amount) -> Decimal | None:
    """The subsidy the programme's rule gives the sale, or None when it has no rule for the
    category."""
    rule = next((r for r in programme.rules.all() if r.category == category), None)
    if rule is None or units is None or sale_amount is None:
        return None
    return rule.subsidy_for(units=units, sale_amount=sale_amount)


def _check_application(application: SubsidyApplication, *, actor) -> None:
    programme = application.programme
    errors = {}
    rule = subsidy_rule_amount(
        programme=programme,
        category=application.category,
        units=application.units,
        sale_amount=application.sale_amount,
    )
    if (
        rule is None
        and application.category
        and not programme.rules.filter(category=application.category).exists()
    ):
        errors["category"] = (
            f"补贴项目“{programme}”没有“{application.get_category_display()}”的补贴标准。"
        )
    application.rule_amount = rule
    if application.subsidy_amount is None:
        application.subsidy_amount = rule
    elif (
        rule is not None
        and application.subsidy_amount != rule
        and not (application.override_reason or "").strip()
    ):
        errors["override_reason"] = (
            f"按补贴标准应补贴{rule}元；补贴金额改为{application.subsidy_amount}元须填写调整原因。"
        )
    if application.accepted_on and not (
        programme.start_on <= application.accepted_on <= programme.end_on
    ):
        errors["accepted_on"] = (
            f"受理日期应在项目期间内（{programme.start_on:%Y-%m-%d} 至 {programme.end_on:%Y-%m-%d}）。"
        )
    counties = list(programme.counties.all())
    if counties and application.county_id and application.county_id not in {c.pk for c in counties}:
        errors["county"] = f"补贴项目“{programme}”不覆盖“{application.county}”。"
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        from shangwu.core.access import permits_row

        if not permits_row(
            actor,
            SubsidyApplication,
            "add",
            county=application.county,
            township=application.township,
        ):
            raise ValidationError({"county": "申请所在地不在您的数据范围内。"})


def _record(application, kind, *, actor, now=None, on=None, **fields):
    if now is not None:
        fields["at"] = now
    return event_record(
        SubsidyApplicationEvent, subject=application, kind=kind, actor=actor, on=on, **fields
    )


def subsidy_application_create(
    *, actor, now: datetime.datetime | None = None, **fields
) -> SubsidyApplication:
    """A new application, status 受理 on ``accepted_on``: the subsidy from the programme's rule
    unless given (a different amount needs ``override_reason``), the clock started."""
    bad = sorted(STEP_FIELDS & set(fields))
    if bad:
        raise ValidationError({bad[0]: "审核、拨付、驳回请在申请登记后用相应操作办理。"})
    unknown = sorted(set(fields) - APPLICATION_FIELDS)
    if unknown:
        raise ValidationError({unknown[0]: "不能直接填写此字段。"})
    require(actor, SubsidyApplication, "add")
    application = SubsidyApplication(
        **fields, status=ApplicationStatus.ACCEPTED, created_by=_actor_or_none(actor)
    )
    if application.programme_id is None:
        raise ValidationError({"programme": "请选择补贴项目。"})
    if actor is not None and not (
        SubsidyProgramme.objects.restrict(actor, "view")
        .filter(pk=application.programme_id)
        .exists()
    ):
        raise ValidationError({"programme": "该补贴项目不在您的数据范围内。"})
    _check_application(application, actor=actor)
    application.full_clean()
    _set_clock(application, application.programme)
    with transaction.atomic():
        application.save()
        _record(
            application,
            ApplicationEventKind.CREATED,
            actor=actor,
            now=now,
            on=application.accepted_on,
            to_status=ApplicationStatus.ACCEPTED,
            note="受理",
        )
    return application


def _check_in_scope(actor, application) -> None:
    if actor is None:
        return
    require(actor, SubsidyApplication, "change")
    if not SubsidyApplication.objects.restrict(actor, "change").filter(pk=application.pk).exists():
        raise PermissionDenied("该补贴申请不在您可办理的数据范围内。")


def subsidy_application_update(
    *, application: SubsidyApplication, actor, now=None, kind=ApplicationEventKind.UPDATED, **fields
) -> SubsidyApplication:
    """Edit an application's record (applicant, product, amounts, dealer, place); 受理日期 only
    while it is still at 受理. Steps go through their own services."""
    bad = sorted(STEP_FIELDS & set(fields))
    if bad:
        raise ValidationError({bad[0]: "审核、拨付、驳回请用相应操作办理。"})
    unknown = sorted(set(fields) - APPLICATION_FIELDS)
    if unknown:
        raise ValidationError({unknown[0]: "不能直接填写此字段。"})
    _check_in_scope(actor, application)
    if "programme" in fields and fields["programme"].pk != application.programme_id:
        raise ValidationError({"programme": "申请登记后不能改到其他补贴项目。"})
    if (
        "accepted_on" in fields
        and fields["accepted_on"] != application.accepted_on
        and application.status != ApplicationStatus.ACCEPTED
    ):
        raise ValidationError({"accepted_on": "申请已审核，不能再修改受理日期。"})
    if application.status in (ApplicationStatus.PAID, ApplicationStatus.REJECTED):
        raise ValidationError(f"申请已{application.get_status_display()}，不能再修改。")
    before = snapshot(application)
    for key, value in fields.items():
        setattr(application, key, value)
    if "subsidy_amount" not in fields and ({"category", "units", "sale_amount"} & set(fields)):
        application.subsidy_amount = None  # follows the rule again
    _check_application(application, actor=actor)
    application.full_clean()
    _set_clock(application, application.programme)
    after = snapshot(application)
    changed = sorted(k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k))
    with transaction.atomic():
        application.save()
        if changed:
            _record(
                application,
                kind,
                actor=actor,
                now=now,
                note="修改：" + "、".join(_label(SubsidyApplication, k) for k in changed),
                changes={
                    "before": {k: before.get(k) for k in changed},
                    "after": {k: after[k] for k in changed},
                },
            )
    return application


STEP_DATES = ("reviewed_on", "paid_on", "rejected_on")


def subsidy_application_correct(
    *, application: SubsidyApplication, actor, now=None, note: str = "导入更正", **fields
) -> bool:
    """Correct an application from a later export of its platform: its record (applicant,
    product, amounts, dealer, place, 受理日期) and the dates of the steps it has already taken,
    whatever its status, with the programme's rules (the subsidy follows the rule unless given;
    a different amount keeps its reason) and the dates in order. One event row with what
    changed (the save is audited); nothing changed: no row. Returns whether it changed."""
    allowed = (APPLICATION_FIELDS - {"programme", "number"}) | set(STEP_DATES)
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({unknown[0]: "不能通过更正修改此字段。"})
    _check_in_scope(actor, application)
    for name in STEP_DATES:
        if fields.get(name) is not None and getattr(application, name) is None:
            raise ValidationError({name: "该步骤尚未办理，请按步骤办理，不能直接填写日期。"})
    before = snapshot(application, masked=False)  # compared whole, written down masked
    for key, value in fields.items():
        setattr(application, key, value)
    if "subsidy_amount" not in fields and ({"category", "units", "sale_amount"} & set(fields)):
        application.subsidy_amount = None  # follows the rule again
    if "dealer" in fields and application.dealer_id:
        application.dealer_unmatched_name = application.dealer_unmatched_code = ""
    _check_application(application, actor=actor)
    accepted, reviewed = application.accepted_on, application.reviewed_on
    errors = {}
    if reviewed and reviewed < accepted:
        errors["reviewed_on"] = f"审核日期不能早于受理日期 {accepted:%Y-%m-%d}。"
    if application.paid_on and application.paid_on < (reviewed or accepted):
        errors["paid_on"] = f"拨付日期不能早于{'审核' if reviewed else '受理'}日期。"
    if application.rejected_on and application.rejected_on < accepted:
        errors["rejected_on"] = "驳回日期不能早于受理日期。"
    for name in ("accepted_on", *STEP_DATES):
        day = getattr(application, name)
        if day and day > _today(now):
            errors[name] = f"{_label(SubsidyApplication, name)}不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    application.full_clean()
    _set_clock(application, application.programme)
    if application.paid_on:
        from shangwu.workcalendar.services import workdays_between

        application.workdays_to_pay = workdays_between(
            start=application.accepted_on, end=application.paid_on, provisional=True
        )
    after = snapshot(application, masked=False)
    changed = sorted(k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k))
    if not changed:
        return False
    before = masked_snapshot(application, {k: before.get(k) for k in changed})
    after = masked_snapshot(application, {k: after[k] for k in changed})
    with transaction.atomic():
        application.save()
        _record(
            application,
            ApplicationEventKind.IMPORTED,
            actor=actor,
            now=now,
            note=f"{note}：" + "、".join(_label(SubsidyApplication, k) for k in changed),
            changes={"before": before, "after": after},
        )
    return True


def _step(
    application: SubsidyApplication,
    *,
    to: ApplicationStatus,
    allowed_from: tuple,
    actor,
    on,
    now,
    note: str,
    kind: str,
    **fields,
) -> SubsidyApplication:
    _check_in_scope(actor, application)
    current = ApplicationStatus(application.status)
    if current not in allowed_from:
        if current in (ApplicationStatus.PAID, ApplicationStatus.REJECTED):
            message = f"申请已{current.label}，不能再{to.label}。"
        else:
            need = "、".join(f"“{s.label}”" for s in allowed_from)
            message = (
                f"补贴申请须按 {PATH} 办理：当前为“{current.label}”，"
                f"只有{need}状态的申请才能{to.label}。"
            )
        raise ValidationError({"status": message})
    on = on or _today(now)
    earliest = {
        ApplicationStatus.REVIEWED: application.accepted_on,
        ApplicationStatus.PAID: application.reviewed_on or application.accepted_on,
        ApplicationStatus.REJECTED: application.reviewed_on or application.accepted_on,
    }[to]
    if on < earliest:
        raise ValidationError({"on": f"{to.label}日期不能早于{earliest:%Y-%m-%d}。"})
    if on > _today(now):
        raise ValidationError({"on": f"{to.label}日期不能晚于今天。"})
    # Claim the move: two officers at once — the second is told to reload.
    claimed = SubsidyApplication.objects.filter(pk=application.pk, status=current).update(
        status=to, **fields, updated_at=timezone.now()
    )
    if not claimed:
        raise ValidationError({"status": "该申请已被他人办理，请刷新页面后查看。"})
    before = snapshot(application)
    application.status = to
    for key, value in fields.items():
        setattr(application, key, value)
    from shangwu.audit.choices import AuditAction
    from shangwu.audit.services import audit_write

    after = snapshot(application)
    changed = [k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k)]
    audit_write(
        action=AuditAction.UPDATE,
        obj=application,
        actor=actor,
        changes={
            "before": {k: before.get(k) for k in changed},
            "after": {k: after[k] for k in changed},
        },
        detail=f"补贴申请 {application.number}：{current.label} → {to.label}",
    )
    _record(
        application,
        kind,
        actor=actor,
        now=now,
        on=on,
        from_status=current,
        to_status=to,
        note=note,
    )
    return application


def subsidy_application_review(
    *, application: SubsidyApplication, actor, on=None, note: str = "", now=None
) -> SubsidyApplication:
    """审核通过 (from 受理 only) on ``on`` (default today); the clock keeps running to 拨付."""
    on = on or _today(now)
    with transaction.atomic():
        return _step(
            application,
            to=ApplicationStatus.REVIEWED,
            allowed_from=(ApplicationStatus.ACCEPTED,),
            actor=actor,
            on=on,
            now=now,
            note=note or "审核通过",
            kind=ApplicationEventKind.REVIEWED,
            reviewed_on=on,
        )


def subsidy_application_pay(
    *, application: SubsidyApplication, actor, on=None, note: str = "", now=None
) -> SubsidyApplication:
    """拨付 (from 审核 only): the clock stops; the working days from 受理 are kept."""
    from shangwu.workcalendar.services import workdays_between

    on = on or _today(now)
    with transaction.atomic():
        return _step(
            application,
            to=ApplicationStatus.PAID,
            allowed_from=(ApplicationStatus.REVIEWED,),
            actor=actor,
            on=on,
            now=now,
            note=note or "拨付补贴资金",
            kind=ApplicationEventKind.PAID,
            paid_on=on,
            next_deadline_at=None,
            workdays_to_pay=workdays_between(
                start=application.accepted_on, end=on, provisional=True
            ),
        )


def subsidy_application_reject(
    *, application: SubsidyApplication, actor, reason: str, on=None, now=None
) -> SubsidyApplication:
    """驳回 (from 受理 or 审核) with its reason; the clock stops."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "驳回须填写原因。"})
    on = on or _today(now)
    with transaction.atomic():
        return _step(
            application,
            to=ApplicationStatus.REJECTED,
            allowed_from=OPEN_STATUSES,
            actor=actor,
            on=on,
            now=now,
            note=reason,
            kind=ApplicationEventKind.REJECTED,
            rejected_on=on,
            reject_reason=reason[:200],
            next_deadline_at=None,
        )


def subsidy_dealer_link(
    *, application: SubsidyApplication, actor, enterprise, now=None
) -> list[SubsidyApplication]:
    """Link a dealer the platform named but the registry did not hold (kept as text on import)
    to a registry enterprise: this application and every other one within the actor's change
    scope naming the same dealer (name and code), each an event row and an audit row. Paid and
    rejected applications are linked too: the dealer is a fact of the sale, not a step."""
    from shangwu.enterprises.models import Enterprise

    _check_in_scope(actor, application)
    name, code = application.dealer_unmatched_name, application.dealer_unmatched_code
    if application.dealer_id or not name:
        raise ValidationError({"enterprise": "该申请没有待匹配的经销商。"})
    if enterprise is None:
        raise ValidationError({"enterprise": "请选择企业库中的企业。"})
    if actor is not None and not (
        Enterprise.objects.restrict(actor, "view").filter(pk=enterprise.pk).exists()
    ):
        raise ValidationError({"enterprise": "该企业不在您的数据范围内。"})
    if code and enterprise.credit_code and code != enterprise.credit_code:
        raise ValidationError(
            {
                "enterprise": f"平台导出的统一社会信用代码 {code} 与企业“{enterprise}”的"
                f" {enterprise.credit_code} 不一致，请核对后再关联。"
            }
        )
    same = SubsidyApplication.objects.filter(
        dealer__isnull=True, dealer_unmatched_name=name, dealer_unmatched_code=code
    )
    if actor is not None:
        same = same.restrict(actor, "change")
    linked = []
    with transaction.atomic():
        for row in same.order_by("pk"):
            before = {"dealer": None, "dealer_unmatched_name": name, "dealer_unmatched_code": code}
            row.dealer = enterprise
            row.dealer_unmatched_name = row.dealer_unmatched_code = ""
            row.save(
                update_fields=[
                    "dealer",
                    "dealer_unmatched_name",
                    "dealer_unmatched_code",
                    "updated_at",
                ]
            )
            _record(
                row,
                ApplicationEventKind.DEALER,
                actor=actor,
                now=now,
                note=f"经销商“{name}”关联企业库企业“{enterprise}”",
                changes={
                    "before": before,
                    "after": {
                        "dealer": enterprise.pk,
                        "dealer_unmatched_name": "",
                        "dealer_unmatched_code": "",
                    },
                },
            )
            linked.append(row)
    return linked


REVEAL_PERMISSION = "subsidies.reveal_subsidyapplication"


def subsidy_application_reveal(*, application: SubsidyApplication, actor) -> dict:
    """The applicant's full name and ID number, for a user holding ``reveal_subsidyapplication``
    (as the registry's contacts' numbers: ``core.reveal``); each reveal, and each refused
    attempt, is an audit row. The caller has found the application within scope."""
    from shangwu.audit.choices import AuditAction
    from shangwu.audit.services import audit_write
    from shangwu.core.access import can

    if not (can(actor, SubsidyApplication.access, "view") and actor.has_perm(REVEAL_PERMISSION)):
        audit_write(
            action=AuditAction.DENIED,
            obj=application,
            actor=actor,
            detail="无“查看补贴申请人完整身份信息”权限，拒绝查看（403）。",
        )
        raise PermissionDenied("您没有查看申请人完整身份信息的权限。")
    audit_write(
        action=AuditAction.REVEAL,
        obj=application,
        actor=actor,
        detail=f"查看补贴申请 {application.number} 申请人的完整姓名和身份证号。",
    )
    return {"applicant_name": application.applicant_name, "id_number": application.id_number}
