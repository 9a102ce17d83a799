"""Services of inspections §1–§5: sites and their licences, checklists, plans, the 双随机 draw
and its publication, inspections in the field. Each is one transaction writing its event row
(audit rows: the audited models' own, plus the explicit ones for draws and publication).
Rectification (§6) is ``rectification.py``."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.access import require
from shangwu.core.files import JPEG, PNG, file_store
from shangwu.core.services import event_record
from shangwu.inspections import draw as drawing
from shangwu.inspections.choices import (
    DRAW_ALGORITHM_VERSION,
    LICENCE_WARNING_DAYS,
    MIN_TEAM_SIZE,
    ChecklistStatus,
    HazardEventKind,
    HazardStatus,
    Holiday,
    InspectionEventKind,
    InspectionOutcome,
    InspectionStatus,
    ItemResult,
    LicenceStatus,
    PlanEventKind,
    PlanMethod,
    PlanStatus,
    SiteEventKind,
    TargetSource,
)
from shangwu.inspections.models import (
    Checklist,
    ChecklistItem,
    Draw,
    Hazard,
    HazardEvent,
    Inspection,
    InspectionAnswer,
    InspectionEvent,
    InspectionKind,
    InspectionPhoto,
    Inspector,
    Plan,
    PlanEvent,
    PlanTarget,
    RectificationRule,
    Site,
    SiteEvent,
)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _in_scope(actor, model, obj, action: str = "change", message: str = "") -> None:
    """``obj`` must be among the rows ``actor`` may ``action`` (no actor: the platform)."""
    if actor is None:
        return
    require(actor, model, action)
    if not model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(message or f"该{model._meta.verbose_name}不在您的数据范围内。")


# --- §1 sites and licences ---------------------------------------------------------------------

SITE_FIELDS = (
    "enterprise",
    "name",
    "site_type",
    "address",
    "county",
    "township",
    "tanks",
    "pumps",
    "manager_name",
    "is_active",
)


def site_create(*, actor, enterprise, name: str, site_type: str, **fields) -> Site:
    """Register a site of a registry enterprise; a licence given here is its 新建 event."""
    require(actor, Site, "add")
    licence_no = (fields.pop("licence_no", "") or "").strip()
    valid_until = fields.pop("licence_valid_until", None)
    fields.setdefault("county", enterprise.county)
    if "township" not in fields:
        fields["township"] = enterprise.township if fields["county"] == enterprise.county else None
    site = Site(enterprise=enterprise, name=(name or "").strip(), site_type=site_type, **fields)
    site.created_by = _user(actor)
    if licence_no:
        site.licence_no, site.licence_valid_until = licence_no, valid_until
        site.licence_status = LicenceStatus.VALID
    site.full_clean()
    with transaction.atomic():
        site.save()
        _in_scope(actor, Site, site, "add", "该场所不在您的数据范围内，不能登记。")
        event_record(SiteEvent, subject=site, kind=SiteEventKind.CREATE, actor=actor)
        if licence_no:
            event_record(
                SiteEvent,
                subject=site,
                kind=SiteEventKind.LICENCE_NEW,
                actor=actor,
                licence_no=licence_no,
                licence_valid_until=valid_until,
            )
    return site


def site_update(*, site: Site, actor, **fields) -> Site:
    """Change a site's own data (not its licence: ``site_licence_change``)."""
    _in_scope(actor, Site, site)
    changed = []
    for name, value in fields.items():
        if name not in SITE_FIELDS or name == "enterprise":
            continue
        if getattr(site, name) != value:
            setattr(site, name, value)
            changed.append(str(Site._meta.get_field(name).verbose_name))
    site.full_clean()
    with transaction.atomic():
        site.save()
        _in_scope(actor, Site, site, message="修改后的场所将不在您的数据范围内，未保存。")
        if changed:
            event_record(
                SiteEvent,
                subject=site,
                kind=SiteEventKind.EDIT,
                actor=actor,
                note="修改：" + "、".join(changed),
            )
    return site


LICENCE_CHANGES = {
    SiteEventKind.LICENCE_NEW: "新建",
    SiteEventKind.LICENCE_CHANGE: "变更",
    SiteEventKind.LICENCE_RENEW: "换证/延续",
    SiteEventKind.LICENCE_CANCEL: "注销",
}


def site_licence_change(
    *,
    site: Site,
    actor,
    change: str,
    licence_no: str = "",
    valid_until: datetime.date | None = None,
    on: datetime.date | None = None,
    note: str = "",
) -> Site:
    """A licence's life (成品油零售经营批准证书: 新建, 变更, 换证/延续, 注销), each an event on the
    site with the licence number and validity it leaves."""
    _in_scope(actor, Site, site)
    if change not in LICENCE_CHANGES:
        raise ValidationError({"change": "请选择许可变动类型（新建、变更、换证/延续、注销）。"})
    licence_no = (licence_no or "").strip()
    if change == SiteEventKind.LICENCE_CANCEL:
        if site.licence_status != LicenceStatus.VALID:
            raise ValidationError({"change": "该场所没有有效的许可，不能注销。"})
        site.licence_status = LicenceStatus.CANCELLED
    else:
        if change == SiteEventKind.LICENCE_NEW and site.licence_status == LicenceStatus.VALID:
            raise ValidationError({"change": "该场所已有有效许可，请选择“变更”或“换证/延续”。"})
        if change != SiteEventKind.LICENCE_NEW and site.licence_status != LicenceStatus.VALID:
            raise ValidationError({"change": "该场所没有有效的许可，请选择“新建”。"})
        licence_no = licence_no or site.licence_no
        if not licence_no:
            raise ValidationError({"licence_no": "请填写许可证号。"})
        if valid_until is None:
            raise ValidationError({"valid_until": "请填写许可证有效期。"})
        site.licence_no, site.licence_valid_until = licence_no, valid_until
        site.licence_status = LicenceStatus.VALID
    with transaction.atomic():
        site.save()
        event_record(
            SiteEvent,
            subject=site,
            kind=change,
            actor=actor,
            on=on or timezone.localdate(),
            note=note,
            licence_no=site.licence_no,
            licence_valid_until=site.licence_valid_until,
        )
    return site


def site_list_licence_expiring(*, user, today: datetime.date | None = None):
    """Valid licences ending within ``LICENCE_WARNING_DAYS`` (or already ended), soonest first."""
    today = today or timezone.localdate()
    return (
        Site.objects.restrict(user, "view")
        .filter(
            licence_status=LicenceStatus.VALID,
            licence_valid_until__lte=today + datetime.timedelta(days=LICENCE_WARNING_DAYS),
        )
        .select_related("enterprise", "county", "township")
        .order_by("licence_valid_until", "pk")
    )


def licence_expiry_notify(*, today: datetime.date | None = None) -> int:
    """Tell the officers of each site's county (the city's market-order staff when the county has
    none) once per validity that its licence ends within 90 days; a SiteEvent records it.
    Idempotent (``Site.licence_notified_for``)."""
    from shangwu.accounts.choices import Role
    from shangwu.accounts.models import User
    from shangwu.cases.models import Notification

    today = today or timezone.localdate()
    due = Site.objects.filter(
        licence_status=LicenceStatus.VALID,
        licence_valid_until__lte=today + datetime.timedelta(days=LICENCE_WARNING_DAYS),
    ).exclude(licence_notified_for=F("licence_valid_until"))
    sent = 0
    staff = User.objects.filter(is_active=True, role__in=[Role.COUNTY_STAFF, Role.CITY_STAFF])
    for site in due.select_related("county"):
        recipients = list(
            staff.filter(role=Role.COUNTY_STAFF, org_unit__region_id=site.county_id).values_list(
                "pk", flat=True
            )
        ) or list(staff.filter(role=Role.CITY_STAFF).values_list("pk", flat=True))
        text = (
            f"{site.name}的许可证（{site.licence_no}）将于{site.licence_valid_until:%Y-%m-%d}到期，"
            "请督促办理延续。"
        )
        with transaction.atomic():
            for pk in recipients:
                Notification.objects.get_or_create(
                    key=f"licence:{site.pk}:{site.licence_valid_until:%Y%m%d}:{pk}",
                    defaults={
                        "recipient_id": pk,
                        "text": text[:300],
                        "url": site.get_absolute_url(),
                    },
                )
            Site.objects.filter(pk=site.pk).update(licence_notified_for=site.licence_valid_until)
            event_record(
                SiteEvent,
                subject=site,
                kind=SiteEventKind.LICENCE_EXPIRING,
                note=f"已提醒{len(recipients)}人",
                licence_no=site.licence_no,
                licence_valid_until=site.licence_valid_until,
            )
        sent += 1
    return sent


def inspector_register(*, actor, user, cert_no: str, cert_valid_until=None) -> Inspector:
    """Put a user holding a 执法证 into the pool; placed at the user's county (and township)."""
    from shangwu.organization.choices import RegionLevel

    require(actor, Inspector, "add")
    region = user.region
    if region is None or not user.is_active:
        raise ValidationError({"user": f"“{user}”不是在职的业务人员。"})
    county = township = None
    if region.level == RegionLevel.COUNTY:
        county = region
    elif region.level == RegionLevel.TOWNSHIP:
        county, township = region.parent, region
    if not (cert_no or "").strip():
        raise ValidationError({"cert_no": "请填写执法证号。"})
    inspector = Inspector(
        user=user,
        cert_no=cert_no.strip(),
        cert_valid_until=cert_valid_until,
        county=county,
        township=township,
    )
    inspector.full_clean()
    with transaction.atomic():
        inspector.save()
        _in_scope(actor, Inspector, inspector, "add", "该人员不在您的数据范围内。")
    return inspector


# --- §2 checklists -----------------------------------------------------------------------------


def _require_reference(actor, model=Checklist) -> None:
    require(actor, model, "change")


def checklist_new_version(*, kind: InspectionKind, actor) -> Checklist:
    """A draft of the next version of ``kind``'s checklist, copying the newest version's items
    (or empty for a kind with none). Only one draft at a time."""
    _require_reference(actor)
    draft = kind.checklists.filter(status=ChecklistStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError(f"“{kind}”已有草稿（第{draft.version}版），请先编辑或启用它。")
    latest = kind.checklists.order_by("-version").first()
    with transaction.atomic():
        checklist = Checklist.objects.create(
            kind=kind,
            version=(latest.version + 1) if latest else 1,
            title=latest.title if latest else f"{kind.name}检查表",
            status=ChecklistStatus.DRAFT,
            created_by=_user(actor),
        )
        if latest is not None:
            for item in latest.items.all():
                ChecklistItem.objects.create(
                    checklist=checklist,
                    section=item.section,
                    number=item.number,
                    text=item.text,
                    basis=item.basis,
                    severity=item.severity,
                )
    return checklist


def _draft(checklist: Checklist) -> None:
    if checklist.status != ChecklistStatus.DRAFT:
        raise ValidationError("检查表已启用，不能修改；请“新建版本”后修改。")


def checklist_item_save(
    *,
    checklist: Checklist,
    actor,
    section: str,
    text: str,
    basis: str = "",
    severity: str,
    number: int | None = None,
    item: ChecklistItem | None = None,
) -> ChecklistItem:
    """Add an item to a draft checklist, or change one of its items."""
    _require_reference(actor)
    _draft(checklist)
    if item is None:
        last = checklist.items.order_by("-number").first()
        item = ChecklistItem(
            checklist=checklist, number=number or ((last.number + 1) if last else 1)
        )
    elif item.checklist_id != checklist.pk:
        raise ValidationError("检查项不属于该检查表。")
    elif number:
        item.number = number
    item.section, item.text, item.basis, item.severity = (
        (section or "").strip(),
        (text or "").strip(),
        (basis or "").strip(),
        severity,
    )
    item.full_clean()
    item.save()
    return item


def checklist_item_remove(*, item: ChecklistItem, actor) -> None:
    _require_reference(actor)
    _draft(item.checklist)
    item.delete()


def checklist_activate(*, checklist: Checklist, actor, now=None) -> Checklist:
    """Put a draft in use: the kind's version in use is retired (inspections keep theirs)."""
    _require_reference(actor)
    _draft(checklist)
    if not checklist.items.exists():
        raise ValidationError("检查表没有检查项，不能启用。")
    with transaction.atomic():
        for old in checklist.kind.checklists.filter(status=ChecklistStatus.ACTIVE):
            old.status = ChecklistStatus.RETIRED
            old.save(update_fields=["status"])
        checklist.status = ChecklistStatus.ACTIVE
        checklist.activated_at = now or timezone.now()
        checklist.save(update_fields=["status", "activated_at"])
    return checklist


def checklist_in_use(kind: InspectionKind) -> Checklist:
    checklist = kind.checklists.filter(status=ChecklistStatus.ACTIVE).first()
    if checklist is None:
        raise ValidationError({"kind": f"“{kind}”还没有启用的检查表，请联系系统管理员。"})
    return checklist


# --- §3 plans ----------------------------------------------------------------------------------

HOLIDAY_NAMES = {h.value: h.label for h in Holiday if h.value}
# A pre-holiday plan runs over the working days just before the holiday.
PRE_HOLIDAY_WORKDAYS = 10


def holiday_window(*, holiday: str, year: int) -> tuple[datetime.date, datetime.date]:
    """节前检查: the ``PRE_HOLIDAY_WORKDAYS`` working days before the first day off of
    ``holiday`` in ``year``, from the working-day calendar (调休 included)."""
    from shangwu.workcalendar.services import CalendarYearUnknown, day_info, workdays_add

    name = HOLIDAY_NAMES.get(holiday)
    if not name:
        raise ValidationError({"holiday": "请选择节日。"})
    try:
        day = datetime.date(year, 1, 1)
        while day.year == year:
            info = day_info(day)
            if not info.is_workday and name in (info.holiday or ""):
                break
            day += datetime.timedelta(days=1)
        else:
            raise ValidationError({"holiday": f"{year}年的节假日安排中没有{name}。"})
        end = workdays_add(start=day, days=-1)
        start = workdays_add(start=end, days=-(PRE_HOLIDAY_WORKDAYS - 1))
    except CalendarYearUnknown as exc:
        raise ValidationError({"holiday": str(exc)}) from exc
    return start, end


PLAN_FIELDS = (
    "name",
    "kind",
    "method",
    "holiday",
    "start_on",
    "end_on",
    "county",
    "township",
    "sample_percent",
    "sample_count",
    "team_size",
    "coverage_target",
    "note",
)


def plan_create(*, actor, organiser=None, year: int | None = None, **fields) -> Plan:
    """A plan in 草稿. A pre-holiday plan given no dates takes them from the calendar
    (``holiday_window`` of ``year``)."""
    require(actor, Plan, "add")
    fields = {k: v for k, v in fields.items() if k in PLAN_FIELDS}
    if fields.get("holiday") and not fields.get("start_on"):
        year = year or timezone.localdate().year
        fields["start_on"], fields["end_on"] = holiday_window(holiday=fields["holiday"], year=year)
    if organiser is None:
        organiser = getattr(actor, "org_unit", None)
    if organiser is None:
        from shangwu.organization.models import OrgUnit

        organiser = OrgUnit.objects.order_by("pk").first()
    fields.setdefault("team_size", MIN_TEAM_SIZE)
    if fields.get("team_size") is None:
        fields["team_size"] = MIN_TEAM_SIZE
    if fields.get("coverage_target") is None:
        fields["coverage_target"] = 100
    kind = fields.get("kind")
    if kind is not None and not fields.get("name"):
        fields["name"] = f"{kind.name}（{fields.get('start_on'):%Y-%m}）"
    plan = Plan(organiser=organiser, created_by=_user(actor), **fields)
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        _in_scope(actor, Plan, plan, "add", "该计划的区域不在您的数据范围内。")
        event_record(
            PlanEvent, subject=plan, kind=PlanEventKind.CREATE, actor=actor, to_status=plan.status
        )
    return plan


def plan_update(*, plan: Plan, actor, **fields) -> Plan:
    """Change a plan while it is a draft (its subjects not fixed yet)."""
    _in_scope(actor, Plan, plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("检查对象已确定的计划不能修改。")
    for name, value in fields.items():
        if name in PLAN_FIELDS:
            setattr(plan, name, value)
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        _in_scope(actor, Plan, plan, message="修改后的计划将不在您的数据范围内，未保存。")
        event_record(PlanEvent, subject=plan, kind=PlanEventKind.EDIT, actor=actor)
    return plan


def plan_subjects(plan: Plan):
    """The plan's filtered subject list: the active sites, not of a cancelled licence, of
    enterprises tagged for its kind, in its region."""
    qs = Site.objects.filter(is_active=True, enterprise__tags__code=plan.kind.tag_code).exclude(
        licence_status=LicenceStatus.CANCELLED
    )
    if plan.county_id:
        qs = qs.filter(county_id=plan.county_id)
    if plan.township_id:
        qs = qs.filter(township_id=plan.township_id)
    return Site.objects.filter(pk__in=qs.values("pk")).select_related("enterprise")


def plan_inspectors(plan: Plan):
    """The pool: active inspectors with a 执法证 valid at the plan's start, of its county (a
    city-wide plan: every inspector)."""
    qs = Inspector.objects.filter(is_active=True).filter(
        Q(cert_valid_until__isnull=True) | Q(cert_valid_until__gte=plan.start_on)
    )
    if plan.county_id:
        qs = qs.filter(county_id=plan.county_id)
    return qs.select_related("user")


def _check_plan_changeable(plan: Plan, actor) -> None:
    _in_scope(actor, Plan, plan)
    if plan.status in (PlanStatus.PUBLISHED, PlanStatus.CLOSED):
        raise ValidationError(f"计划{plan.get_status_display()}，不能再确定检查对象。")


def plan_fix_targets(*, plan: Plan, actor, sites=None, now=None) -> int:
    """全覆盖: every subject in the plan's list; 专项: the hand-picked ``sites`` (each must be in
    the list). Fixes the plan's subjects (已确定对象)."""
    _check_plan_changeable(plan, actor)
    if plan.method == PlanMethod.RANDOM:
        raise ValidationError("双随机计划的检查对象须随机抽取。")
    if plan.targets.filter(is_active=True).exists():
        raise ValidationError("该计划的检查对象已确定。")
    subjects = plan_subjects(plan)
    if plan.method == PlanMethod.SPECIAL:
        picked = list(sites or [])
        if not picked:
            raise ValidationError({"sites": "请选择专项检查的对象。"})
        allowed = set(subjects.filter(pk__in=[s.pk for s in picked]).values_list("pk", flat=True))
        outside = [str(s) for s in picked if s.pk not in allowed]
        if outside:
            raise ValidationError(
                {"sites": f"不在本计划检查对象范围内：{'、'.join(outside[:5])}。"}
            )
        source = TargetSource.HAND
    else:
        picked = list(subjects)
        source = TargetSource.FULL
    if not picked:
        raise ValidationError("计划范围内没有检查对象（请确认企业标签和场所）。")
    with transaction.atomic():
        # One by one: each target has its own audit row (the audit log writes itself on save).
        for site in picked:
            PlanTarget.objects.create(plan=plan, site=site, source=source)
        _move(
            plan,
            PlanStatus.DRAWN,
            PlanEventKind.FIX,
            actor,
            note=f"共{len(picked)}个检查对象",
            now=now,
        )
    return len(picked)


def _move(plan, to_status, kind, actor, note="", now=None):
    from_status = plan.status
    plan.status = to_status
    plan.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    fields = {"at": now} if now else {}
    event_record(
        PlanEvent,
        subject=plan,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
        **fields,
    )


def draw_candidates(plan: Plan) -> tuple[list[dict], list[dict]]:
    """The lists a draw is made from, with each subject's conflicts: the current 包保 officials
    of its enterprise and the team of its last submitted inspection (no inspector checks an
    enterprise they are responsible for, nor the same subject twice running)."""
    from shangwu.enterprises.models import Assignment

    sites = list(plan_subjects(plan).order_by("pk"))
    inspectors = list(plan_inspectors(plan).order_by("user_id"))
    pool = {i.user_id for i in inspectors}
    today = plan.start_on
    baobao: dict[int, set[int]] = {}
    for enterprise_id, official_id in (
        Assignment.objects.current(today)
        .filter(enterprise_id__in={s.enterprise_id for s in sites}, official_id__in=pool)
        .values_list("enterprise_id", "official_id")
    ):
        baobao.setdefault(enterprise_id, set()).add(official_id)
    last_team: dict[int, set[int]] = {}
    last_seen: dict[int, tuple] = {}
    through = Inspection.inspectors.through
    for inspection in (
        Inspection.objects.filter(site__in=[s.pk for s in sites], status=InspectionStatus.SUBMITTED)
        .order_by("site_id", "-inspected_on", "-pk")
        .values("pk", "site_id")
    ):
        if inspection["site_id"] not in last_seen:
            last_seen[inspection["site_id"]] = inspection["pk"]
    if last_seen:
        by_inspection: dict[int, set[int]] = {}
        for inspection_id, user_id in through.objects.filter(
            inspection_id__in=list(last_seen.values())
        ).values_list("inspection_id", "user_id"):
            by_inspection.setdefault(inspection_id, set()).add(user_id)
        for site_id, inspection_id in last_seen.items():
            last_team[site_id] = by_inspection.get(inspection_id, set())
    subjects = [
        {
            "id": s.pk,
            "name": s.name,
            "enterprise": s.enterprise_id,
            "exclude": sorted(
                (baobao.get(s.enterprise_id, set()) | last_team.get(s.pk, set())) & pool
            ),
        }
        for s in sites
    ]
    people = [{"id": i.user_id, "name": i.user.name, "cert_no": i.cert_no} for i in inspectors]
    return subjects, people


def plan_draw(*, plan: Plan, actor, seed: str = "", reason: str = "", now=None) -> Draw:
    """双随机: draw subjects and teams for a 双随机 plan, recording the candidate lists, their
    SHA-256, the seed and the algorithm version. A redraw needs a reason, is refused once an
    inspection of the plan has begun, and keeps the earlier draws (their targets inactive)."""
    _check_plan_changeable(plan, actor)
    if plan.method != PlanMethod.RANDOM:
        raise ValidationError("只有双随机计划需要随机抽取。")
    previous = plan.draws.filter(is_current=True).first()
    reason = (reason or "").strip()
    if previous is not None:
        if not reason:
            raise ValidationError({"reason": "重新抽取须填写原因，原抽取结果将保留。"})
        if plan.inspections.exists():
            raise ValidationError("该计划已开始检查，不能重新抽取。")
    subjects, inspectors = draw_candidates(plan)
    if not subjects:
        raise ValidationError("计划范围内没有检查对象（请确认企业标签和场所）。")
    size = drawing.sample_size_for(
        len(subjects), percent=plan.sample_percent, count=plan.sample_count
    )
    seed = (seed or "").strip() or drawing.new_seed()
    try:
        result = drawing.draw_compute(
            subjects=subjects,
            inspectors=inspectors,
            seed=seed,
            sample_size=size,
            team_size=plan.team_size,
        )
    except drawing.DrawError as exc:
        raise ValidationError(str(exc)) from exc
    now = now or timezone.now()
    with transaction.atomic():
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
            for old in PlanTarget.objects.filter(plan=plan, is_active=True):
                old.is_active = False
                old.save(update_fields=["is_active"])
        draw = Draw.objects.create(
            plan=plan,
            number=(previous.number + 1) if previous else 1,
            seed=seed,
            algorithm_version=DRAW_ALGORITHM_VERSION,
            subject_candidates=subjects,
            inspector_candidates=inspectors,
            candidates_sha256=drawing.candidates_hash(subjects, inspectors),
            sample_size=size,
            team_size=plan.team_size,
            result=result,
            reason=reason if previous is not None else "",
            drawn_by=_user(actor),
            drawn_at=now,
        )
        for row in result:
            target = PlanTarget.objects.create(
                plan=plan, site_id=row["site"], source=TargetSource.DRAW, draw=draw
            )
            target.team.set(row["team"])
        note = (
            f"第{draw.number}次抽取：从{len(subjects)}个对象中抽取{size}个，"
            f"执法人员{len(inspectors)}名；种子 {seed}；名单摘要 {draw.candidates_sha256[:16]}…"
        )
        if previous is not None:
            note += f"；原因：{reason}"
        _move(
            plan,
            PlanStatus.DRAWN,
            PlanEventKind.REDRAW if previous else PlanEventKind.DRAW,
            actor,
            note=note,
            now=now,
        )
        audit_write(
            action=AuditAction.UPDATE,
            object_type="inspections.plan",
            object_id=plan.pk,
            object_repr=str(plan),
            detail=note,
        )
    return draw


def plan_publish(*, plan: Plan, actor, now=None) -> Plan:
    """一公开: the plan's list (subjects, dates, results, rectification) is published."""
    _in_scope(actor, Plan, plan)
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError("请先确定检查对象（全覆盖/专项）或随机抽取（双随机），再公开。")
    now = now or timezone.now()
    with transaction.atomic():
        plan.published_at = now
        plan.published_by = _user(actor)
        _move(plan, PlanStatus.PUBLISHED, PlanEventKind.PUBLISH, actor, now=now)
    return plan


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the public list shows no person's full name."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def plan_public_rows(plan: Plan) -> list[dict]:
    """The published list of a plan: subject, enterprise, place, date, result, rectification
    status and the team (names masked, 执法证号 shown as the law requires)."""
    targets = list(
        plan.targets.filter(is_active=True)
        .select_related("site__enterprise", "site__county")
        .prefetch_related("team__inspector")
        .order_by("site__county_id", "site__name", "pk")
    )
    inspections = {
        i.target_id: i
        for i in Inspection.objects.filter(target__in=[t.pk for t in targets]).prefetch_related(
            "hazards"
        )
    }
    rows = []
    for n, target in enumerate(targets, start=1):
        inspection = inspections.get(target.pk)
        done = inspection is not None and inspection.status == InspectionStatus.SUBMITTED
        hazards = list(inspection.hazards.all()) if done else []
        open_ = sum(1 for h in hazards if h.is_open)
        if not done:
            rectification = ""
        elif not hazards:
            rectification = "无需整改"
        elif open_:
            rectification = f"整改中（{open_}/{len(hazards)}项）"
        else:
            rectification = f"已整改（{len(hazards)}项）"
        team = []
        for user in target.team.all():
            cert = getattr(getattr(user, "inspector", None), "cert_no", "")
            team.append(f"{mask_name(user.name)}（{cert}）" if cert else mask_name(user.name))
        rows.append(
            {
                "n": n,
                "subject": target.site.name,
                "enterprise": target.site.enterprise.name,
                "county": str(target.site.county),
                "date": inspection.inspected_on if done else None,
                "result": inspection.get_outcome_display() if done else "未检查",
                "rectification": rectification,
                "team": "、".join(team),
            }
        )
    return rows


PUBLIC_HEADERS = [
    "序号",
    "检查对象",
    "所属企业",
    "县(市、区)",
    "检查日期",
    "检查结果",
    "整改情况",
    "执法人员",
]


# --- §5 inspections ----------------------------------------------------------------------------


def inspection_start(
    *,
    actor,
    site: Site | None = None,
    target: PlanTarget | None = None,
    kind: InspectionKind | None = None,
    inspected_on: datetime.date | None = None,
) -> Inspection:
    """Open a draft inspection of a plan's target (its team as inspectors) or of a site, on the
    checklist version in use for the kind; one answer row per item."""
    require(actor, Inspection, "add")
    if target is not None:
        if not target.is_active:
            raise ValidationError("该检查对象已被重新抽取替换。")
        existing = Inspection.objects.filter(target=target).first()
        if existing is not None:
            return existing
        site, kind, plan = target.site, target.plan.kind, target.plan
    else:
        plan = None
    if site is None or kind is None:
        raise ValidationError({"site": "请选择检查场所和检查类型。"})
    _in_scope(actor, Site, site, "view", "该场所不在您的数据范围内。")
    checklist = checklist_in_use(kind)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            plan=plan,
            target=target,
            site=site,
            kind=kind,
            checklist=checklist,
            county_id=site.county_id,
            township_id=site.township_id,
            inspected_on=inspected_on or timezone.localdate(),
            created_by=_user(actor),
        )
        _in_scope(actor, Inspection, inspection, "add", "该场所不在您的数据范围内。")
        team = list(target.team.all()) if target is not None else []
        if _user(actor) is not None and actor not in team and not team:
            team = [actor]
        inspection.inspectors.set(team)
        for item in checklist.items.all():
            InspectionAnswer.objects.create(inspection=inspection, item=item)
        event_record(
            InspectionEvent,
            subject=inspection,
            kind=InspectionEventKind.START,
            actor=actor,
            to_status=InspectionStatus.DRAFT,
        )
    return inspection


def _editable(inspection: Inspection, actor) -> None:
    _in_scope(actor, Inspection, inspection)
    if inspection.status != InspectionStatus.DRAFT:
        raise ValidationError("检查已提交，不能再修改。")


def inspection_save(
    *,
    inspection: Inspection,
    actor,
    answers: dict[int, tuple[str, str]] | None = None,
    signature_name: str | None = None,
    note: str | None = None,
    inspected_on: datetime.date | None = None,
    responsible_person: str | None = None,
) -> Inspection:
    """Save the draft: results and notes of items (``{item id: (result, note)}``; "" for not
    filled in yet), the subject's signature name, the opinion."""
    _editable(inspection, actor)
    answers = answers or {}
    rows = {a.item_id: a for a in inspection.answers.select_related("item")}
    errors = []
    changed = []
    for item_id, (result, text) in answers.items():
        answer = rows.get(int(item_id))
        if answer is None:
            errors.append(f"检查项{item_id}不在本检查表中。")
            continue
        if result not in ("", *ItemResult.values):
            errors.append(f"第{answer.item.number}项的结果无效。")
            continue
        text = (text or "").strip()[:500]
        if answer.result != result or answer.note != text:
            answer.result, answer.note = result, text
            changed.append(answer)
    if errors:
        raise ValidationError({"answers": errors})
    with transaction.atomic():
        for answer in changed:
            answer.save(update_fields=["result", "note"])
        fields = []
        if signature_name is not None and signature_name.strip() != inspection.signature_name:
            inspection.signature_name = signature_name.strip()[:50]
            inspection.signed_at = timezone.now() if inspection.signature_name else None
            fields += ["signature_name", "signed_at"]
        if note is not None and note.strip() != inspection.note:
            inspection.note = note.strip()
            fields.append("note")
        if inspected_on is not None and inspected_on != inspection.inspected_on:
            if inspected_on > timezone.localdate():
                raise ValidationError({"inspected_on": "检查日期不能晚于今天。"})
            inspection.inspected_on = inspected_on
            fields.append("inspected_on")
        if responsible_person is not None:
            inspection._responsible_person = responsible_person.strip()
        if fields:
            inspection.save(update_fields=[*fields, "updated_at"])
        if changed or fields:
            event_record(
                InspectionEvent,
                subject=inspection,
                kind=InspectionEventKind.SAVE,
                actor=actor,
                note=f"填写{len(changed)}项" if changed else "",
            )
    return inspection


PHOTO_KINDS = (JPEG, PNG)


def inspection_photo_add(*, inspection: Inspection, actor, upload, item_id=None) -> InspectionPhoto:
    """A photo of the inspection (of one item), through the file service (images by content)."""
    _editable(inspection, actor)
    item = None
    if item_id:
        item = inspection.checklist.items.filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": "检查项不在本检查表中。"})
    return file_store(
        model=InspectionPhoto,
        actor=actor,
        upload=upload,
        kinds=PHOTO_KINDS,
        field="photo",
        inspection=inspection,
        item=item,
    )


def rectification_deadline(*, severity: str, found_on: datetime.date) -> tuple[int, datetime.date]:
    """(working days, deadline) of a finding by its severity (``RectificationRule``; 一般 10, 重大
    30 by default), counted in working days from the day it was found. A deadline in a year
    whose holidays are not entered yet is counted provisionally (``deadline_provisional``)."""
    from shangwu.workcalendar.services import workdays_add

    rule = RectificationRule.objects.filter(severity=severity).first()
    days = rule.working_days if rule else (30 if severity == "major" else 10)
    return days, workdays_add(start=found_on, days=days, provisional=True)


def deadline_provisional(found_on: datetime.date, deadline: datetime.date) -> str:
    """The calendar's notice when the deadline was counted provisionally, else ""."""
    from shangwu.workcalendar.services import provisional_notice, span_provisional_years

    years = span_provisional_years(found_on, deadline)
    return provisional_notice(years[0]) if years else ""


def inspection_submit(
    *, inspection: Inspection, actor, responsible_person: str = "", now=None
) -> Inspection:
    """Submit once: every item answered, the subject's signature name given; each failed item
    becomes a finding (隐患) with its rectification order (deadline in working days by severity,
    the responsible person at the subject)."""
    _editable(inspection, actor)
    answers = list(inspection.answers.select_related("item").order_by("item__number"))
    missing = [str(a.item.number) for a in answers if not a.result]
    if missing:
        raise ValidationError({"answers": f"第{'、'.join(missing)}项尚未填写结果。"})
    if not inspection.signature_name:
        raise ValidationError({"signature_name": "请填写被检查单位签字人。"})
    failed = [a for a in answers if a.result == ItemResult.FAIL]
    responsible_person = (responsible_person or "").strip() or inspection.site.manager_name
    if failed and not responsible_person:
        raise ValidationError({"responsible_person": "发现隐患时须填写整改责任人。"})
    no_note = [str(a.item.number) for a in failed if not a.note]
    if no_note:
        raise ValidationError({"answers": f"不合格的第{'、'.join(no_note)}项须填写情况说明。"})
    now = now or timezone.now()
    with transaction.atomic():
        # Submitted once: a second submit of the same draft (two phones) finds it submitted.
        claimed = Inspection.objects.filter(pk=inspection.pk, status=InspectionStatus.DRAFT).update(
            status=InspectionStatus.SUBMITTED,
            outcome=InspectionOutcome.HAZARDS if failed else InspectionOutcome.PASS,
            submitted_at=now,
            submitted_by=_user(actor),
            updated_at=now,
        )
        if not claimed:
            raise ValidationError("检查已提交，不能重复提交。")
        inspection.refresh_from_db()
        for answer in failed:
            days, deadline = rectification_deadline(
                severity=answer.item.severity, found_on=inspection.inspected_on
            )
            hazard = Hazard.objects.create(
                inspection=inspection,
                answer=answer,
                site=inspection.site,
                county_id=inspection.county_id,
                township_id=inspection.township_id,
                description=f"{answer.item.text}：{answer.note}"[:500],
                severity=answer.item.severity,
                found_on=inspection.inspected_on,
                deadline_days=days,
                deadline=deadline,
                responsible_person=responsible_person[:50],
                status=HazardStatus.RECTIFYING,
            )
            event_record(
                HazardEvent,
                subject=hazard,
                kind=HazardEventKind.FIND,
                actor=actor,
                to_status=HazardStatus.RECTIFYING,
                note=f"整改期限{days}个工作日，至{deadline:%Y-%m-%d}"
                + deadline_provisional(inspection.inspected_on, deadline),
                at=now,
            )
        event_record(
            InspectionEvent,
            subject=inspection,
            kind=InspectionEventKind.SUBMIT,
            actor=actor,
            from_status=InspectionStatus.DRAFT,
            to_status=InspectionStatus.SUBMITTED,
            note=f"发现隐患{len(failed)}项" if failed else "未发现问题",
            at=now,
        )
        audit_write(
            action=AuditAction.UPDATE,
            object_type="inspections.inspection",
            object_id=inspection.pk,
            object_repr=str(inspection),
            detail=f"提交检查：{inspection.get_outcome_display()}，隐患{len(failed)}项",
        )
    return inspection
