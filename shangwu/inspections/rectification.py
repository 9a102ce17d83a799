"""§6 Rectification (整改 → 复查 → 销号) of the hazards (隐患) an inspection found.

A hazard is born 整改中 when its inspection is submitted (services.inspection_submit). Then:
  hazard_rectify   the subject reports it rectified (整改情况, date, photos)   整改中 → 待复查
  hazard_recheck   the team re-inspects: 已整改 → 已整改; 未整改 → back to 整改中
  hazard_close     销号 once rechecked 已整改                                    已整改 → 已销号
  hazard_open_case a 重大隐患 not rectified becomes a case (cases.case_open_from, Case.origin_hazard)
  hazard_refer     a 重大隐患 not rectified is referred to another department (移送)
Every step writes a HazardEvent and an audit row; a step out of order is refused in Chinese.

Lights are the cases' contract (cases.deadlines.light_for): a hazard's deadline is the end of
its deadline day; within the warning period it is yellow, past it red. ``hazard_deadlines_pass``
(command ``hazard_deadlines``, idempotent: ``warned_at``/``overdue_at`` are set once) writes
the 黄灯/红灯 events and notifies the team and their unit's head.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.cases.choices import Light
from shangwu.cases.deadlines import light_for, warning_period
from shangwu.core.access import require
from shangwu.core.files import JPEG, PDF, PNG, file_store
from shangwu.core.services import event_record
from shangwu.inspections.choices import HazardEventKind, HazardStatus, RecheckResult, Severity
from shangwu.inspections.models import Hazard, HazardEvent, HazardPhoto

OPEN_HAZARD_STATUSES = (HazardStatus.RECTIFYING, HazardStatus.RECHECK)
PHOTO_LIMIT = 10


# --- lights ------------------------------------------------------------------------------------


def hazard_due_moment(deadline: datetime.date) -> datetime.datetime:
    """A deadline day ends at the next midnight (local time)."""
    day = datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(day)


def hazard_light(hazard: Hazard, now: datetime.datetime | None = None) -> str:
    """绿 / 黄 (deadline within the warning period) / 红 (overdue) while open; 绿 once rectified."""
    if hazard.status not in OPEN_HAZARD_STATUSES:
        return Light.GREEN
    return light_for(hazard_due_moment(hazard.deadline), now or timezone.now())


def hazard_light_q(light: str, now: datetime.datetime | None = None) -> Q:
    """The hazards whose light is ``light`` at ``now``: ``hazard_light`` as a filter."""
    now = now or timezone.now()

    def last_day_before(moment) -> datetime.date:
        """The last deadline whose moment (next midnight) is strictly before ``moment``."""
        local = timezone.localtime(moment)
        days = 1 if local.time() != datetime.time() else 2
        return local.date() - datetime.timedelta(days=days)

    last_red = last_day_before(now)
    last_yellow = last_day_before(now + warning_period())
    red = Q(status__in=OPEN_HAZARD_STATUSES, deadline__lte=last_red)
    yellow = Q(status__in=OPEN_HAZARD_STATUSES, deadline__gt=last_red, deadline__lte=last_yellow)
    return {Light.RED: red, Light.YELLOW: yellow}.get(light) or ~(red | yellow)


def rectified_on_time_q() -> Q:
    """按期整改: confirmed rectified by the 复查 (已整改 or 已销号) and done by the deadline."""
    return Q(
        status__in=(HazardStatus.RECTIFIED, HazardStatus.CLOSED),
        rectified_on__isnull=False,
        rectified_on__lte=F("deadline"),
    )


def hazard_detail_context(hazard: Hazard, user) -> dict:
    """What the hazard page adds: its light, the steps this user may take now, the photos, the
    case it became and its referral."""
    from shangwu.core.access import refusal

    may = refusal(user, Hazard, "change") is None and (
        Hazard.objects.restrict(user, "change").filter(pk=hazard.pk).exists()
    )
    steps = []
    if may:
        if hazard.status == HazardStatus.RECTIFYING:
            steps.append(("rectify", "报告整改"))
        if hazard.status == HazardStatus.RECHECK:
            steps.append(("recheck", "复查"))
        if hazard.status == HazardStatus.RECTIFIED:
            steps.append(("close", "销号"))
        case = hazard_case(hazard)
        if hazard.severity == Severity.MAJOR and hazard.is_open:
            if case is None:
                steps.append(("case", "转为案件"))
            if not hazard.referred_to:
                steps.append(("refer", "移送其他部门"))
    else:
        case = hazard_case(hazard)
    return {
        "light": hazard_light(hazard),
        "steps": steps,
        "photos": hazard.photos.order_by("pk"),
        "case": case,
    }


# --- the steps ---------------------------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _in_scope(actor, hazard: Hazard) -> None:
    if actor is None:
        return
    require(actor, Hazard, "change")
    if not Hazard.objects.restrict(actor, "change").filter(pk=hazard.pk).exists():
        raise PermissionDenied("该隐患不在您的数据范围内。")


def _step(hazard: Hazard, expected: tuple, action: str) -> None:
    hazard.refresh_from_db()
    if hazard.status not in expected:
        raise ValidationError(
            f"隐患当前为“{hazard.get_status_display()}”，不能{action}"
            f"（须为“{'、'.join(HazardStatus(s).label for s in expected)}”）。"
        )


def _move(hazard: Hazard, *, from_status: str, to_status: str, **fields) -> None:
    """A conditional UPDATE on the status it was read in: two clicks move it once."""
    moved = Hazard.objects.filter(pk=hazard.pk, status=from_status).update(
        status=to_status, updated_at=timezone.now(), **fields
    )
    if not moved:
        raise ValidationError("隐患状态已被他人更改，请刷新后重试。")
    hazard.refresh_from_db()


def _audit(hazard: Hazard, detail: str) -> None:
    audit_write(
        action=AuditAction.UPDATE,
        object_type="inspections.hazard",
        object_id=hazard.pk,
        object_repr=str(hazard),
        detail=detail[:500],
    )


def _day(value, field: str, label: str) -> datetime.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError({field: f"{label}格式应为 YYYY-MM-DD。"}) from exc
    if day > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天。"})
    return day


def hazard_rectify(
    *, hazard: Hazard, actor, note: str, rectified_on=None, photos=(), now=None
) -> Hazard:
    """整改: the rectification is reported done (整改情况, date, photos through the file
    service); the hazard waits for the team's 复查."""
    _in_scope(actor, hazard)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写整改情况。"})
    photos = [p for p in photos or () if p]
    if len(photos) > PHOTO_LIMIT:
        raise ValidationError({"photos": f"整改材料最多{PHOTO_LIMIT}个。"})
    day = _day(rectified_on, "rectified_on", "整改完成日期")
    with transaction.atomic():
        _step(hazard, (HazardStatus.RECTIFYING,), "报告整改")
        if day < hazard.found_on:
            raise ValidationError({"rectified_on": "整改完成日期不能早于发现日期。"})
        _move(
            hazard,
            from_status=HazardStatus.RECTIFYING,
            to_status=HazardStatus.RECHECK,
            rectified_on=day,
            rectify_note=note,
        )
        for upload in photos:
            file_store(
                model=HazardPhoto,
                actor=actor,
                upload=upload,
                kinds=(JPEG, PNG, PDF),
                field="photos",
                hazard=hazard,
            )
        event_record(
            HazardEvent,
            subject=hazard,
            kind=HazardEventKind.RECTIFY,
            actor=actor,
            from_status=HazardStatus.RECTIFYING,
            to_status=HazardStatus.RECHECK,
            note=f"{day:%Y-%m-%d}整改完成：{note}"[:500],
            **({"at": now} if now else {}),
        )
        _audit(hazard, f"报告整改：{note}")
    return hazard


def hazard_recheck(
    *, hazard: Hazard, actor, result: str, note: str = "", recheck_on=None, now=None
):
    """复查 by the team: 已整改 → the hazard may be 销号; 未整改 → back to 整改中 (its deadline
    unchanged, so a late one stays red)."""
    _in_scope(actor, hazard)
    if result not in RecheckResult.values:
        raise ValidationError({"result": "请选择复查结果（已整改 / 未整改）。"})
    note = (note or "").strip()
    if result == RecheckResult.NOT_RECTIFIED and not note:
        raise ValidationError({"note": "复查未整改时须填写复查意见。"})
    day = _day(recheck_on, "recheck_on", "复查日期")
    to_status = (
        HazardStatus.RECTIFIED if result == RecheckResult.RECTIFIED else HazardStatus.RECTIFYING
    )
    with transaction.atomic():
        _step(hazard, (HazardStatus.RECHECK,), "复查")
        _move(
            hazard,
            from_status=HazardStatus.RECHECK,
            to_status=to_status,
            recheck_on=day,
            recheck_result=result,
            recheck_note=note,
            rechecked_by=_user(actor),
        )
        label = RecheckResult(result).label
        event_record(
            HazardEvent,
            subject=hazard,
            kind=HazardEventKind.RECHECK,
            actor=actor,
            from_status=HazardStatus.RECHECK,
            to_status=to_status,
            note=f"{day:%Y-%m-%d}复查：{label}" + (f"，{note}" if note else ""),
            **({"at": now} if now else {}),
        )
        _audit(hazard, f"复查：{label}")
    return hazard


def hazard_close(*, hazard: Hazard, actor, note: str = "", now=None) -> Hazard:
    """销号: only a hazard the 复查 found 已整改."""
    _in_scope(actor, hazard)
    now = now or timezone.now()
    with transaction.atomic():
        _step(hazard, (HazardStatus.RECTIFIED,), "销号")
        _move(
            hazard,
            from_status=HazardStatus.RECTIFIED,
            to_status=HazardStatus.CLOSED,
            closed_at=now,
            closed_by=_user(actor),
        )
        event_record(
            HazardEvent,
            subject=hazard,
            kind=HazardEventKind.CLOSE,
            actor=actor,
            from_status=HazardStatus.RECTIFIED,
            to_status=HazardStatus.CLOSED,
            note=(note or "").strip()[:500] or "销号",
            at=now,
        )
        _audit(hazard, "销号")
    return hazard


def _major_open(hazard: Hazard, action: str) -> None:
    hazard.refresh_from_db()
    if hazard.severity != Severity.MAJOR:
        raise ValidationError(f"只有重大隐患可以{action}。")
    if hazard.status not in OPEN_HAZARD_STATUSES:
        raise ValidationError(f"隐患已“{hazard.get_status_display()}”，不能{action}。")


def hazard_refer(*, hazard: Hazard, actor, department: str, note: str = "", on=None) -> Hazard:
    """移送: a 重大隐患 not rectified goes to another department (应急管理、市场监管、消防…); the
    hazard stays open with the referral on it."""
    _in_scope(actor, hazard)
    department = (department or "").strip()
    if not department:
        raise ValidationError({"department": "请填写移送部门。"})
    day = _day(on, "on", "移送日期")
    with transaction.atomic():
        _major_open(hazard, "移送")
        if hazard.referred_to:
            raise ValidationError(
                f"该隐患已于{hazard.referred_on:%Y-%m-%d}移送{hazard.referred_to}。"
            )
        Hazard.objects.filter(pk=hazard.pk).update(
            referred_to=department[:100],
            referred_on=day,
            referral_note=(note or "").strip(),
            updated_at=timezone.now(),
        )
        hazard.refresh_from_db()
        event_record(
            HazardEvent,
            subject=hazard,
            kind=HazardEventKind.REFER,
            actor=actor,
            note=f"移送{department}" + (f"：{note.strip()}" if (note or "").strip() else ""),
        )
        _audit(hazard, f"移送{department}")
    return hazard


def hazard_open_case(*, hazard: Hazard, actor, category=None, title: str = "", content: str = ""):
    """A 重大隐患 not rectified becomes a case (``cases.case_open_from``): the case keeps the
    hazard (``Case.origin_hazard``), the hazard its case (``hazard.case``) and an event."""
    from shangwu.cases.services import case_open_from

    _in_scope(actor, hazard)
    _major_open(hazard, "转为案件")
    if hazard_case(hazard) is not None:
        raise ValidationError("该隐患已转为案件。")
    return case_open_from(
        origin=hazard, actor=actor, category=category, title=title, content=content
    )


def hazard_case(hazard: Hazard):
    from shangwu.cases.models import Case

    return Case.objects.filter(origin_hazard=hazard).first()


def hazard_mark_case_opened(*, hazard: Hazard, case, actor, now=None) -> None:
    """Called by ``case_open_from``: the hazard's own event and audit row of the conversion."""
    event_record(
        HazardEvent,
        subject=hazard,
        kind=HazardEventKind.CASE,
        actor=actor,
        note=f"转为案件{case.number}",
        **({"at": now} if now else {}),
    )
    _audit(hazard, f"转为案件{case.number}")


# --- the deadline pass -------------------------------------------------------------------------


def _recipients(hazard: Hazard) -> set[int]:
    """The team (the inspection's inspectors) and the head of each of their units."""
    from shangwu.cases.services._base import unit_users

    team = list(hazard.inspection.inspectors.filter(is_active=True))
    ids = {u.pk for u in team}
    units = {u.org_unit_id for u in team if u.org_unit_id}
    if not units and hazard.inspection.created_by_id:
        creator = hazard.inspection.created_by
        ids.add(creator.pk)
        units = {creator.org_unit_id} if creator.org_unit_id else set()
    ids |= set(unit_users(list(units), heads_only=True).values_list("pk", flat=True))
    return ids


def hazard_deadlines_pass(*, now: datetime.datetime | None = None) -> dict:
    """Light open hazards yellow then red, once each (``warned_at``, ``overdue_at`` claimed by a
    conditional UPDATE), with a 黄灯/红灯 event and a notice to the team and their unit's head.
    Idempotent: run it every few minutes or daily. Returns {"yellow": n, "red": n}."""
    from shangwu.cases.models import Notification

    now = now or timezone.now()
    counts = {"yellow": 0, "red": 0}
    steps = (
        ("red", hazard_light_q(Light.RED, now), "overdue_at", HazardEventKind.OVERDUE),
        ("yellow", hazard_light_q(Light.YELLOW, now), "warned_at", HazardEventKind.WARN),
    )
    for light, q, field, kind in steps:
        due = Hazard.objects.filter(q, **{f"{field}__isnull": True}).select_related(
            "site", "inspection__created_by"
        )
        for hazard in due:
            with transaction.atomic():
                fields = {field: now}
                if light == "red":
                    fields.setdefault("warned_at", hazard.warned_at or now)
                if not Hazard.objects.filter(pk=hazard.pk, **{f"{field}__isnull": True}).update(
                    **fields
                ):
                    continue
                word = "已逾期" if light == "red" else "即将到期"
                text = (
                    f"{hazard.site}的{hazard.get_severity_display()}“{hazard.description[:40]}”"
                    f"整改期限{hazard.deadline:%Y-%m-%d}，{word}。"
                )
                event_record(HazardEvent, subject=hazard, kind=kind, note=text[:500], at=now)
                for pk in _recipients(hazard):
                    Notification.objects.get_or_create(
                        key=f"hazard:{light}:{hazard.pk}:{hazard.deadline:%Y%m%d}:{pk}",
                        defaults={
                            "recipient_id": pk,
                            "text": text[:300],
                            "url": hazard.get_absolute_url(),
                        },
                    )
                counts[light] += 1
    return counts
