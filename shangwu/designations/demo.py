"""Demo designations for 云河市: about 150 (30 for ``size="small"``) across the default kinds,
levels and counties, in every state — on the cultivation list, applied, recommended, awarded,
under rectification, revoked, delisted, expired — with a handful of 复核 falling due within the
next quarter and two funded 示范县 programmes (县域商业体系建设示范县 in 河东区, 电子商务进农村综合
示范县 in 云水县) with their funds by source and year and their milestones (one 验收 due soon,
one 中期评估 overdue).

The fast path: the rows and each designation's step events are computed here and written with
``bulk_create`` (the steps' dates in order, as the services would have written them), with one
audit row that says so (as the cases' demo does)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.designations.choices import (
    ENTERPRISE_HOLDERS,
    DesignationEventKind,
    DesignationStatus,
    HolderType,
    RecommendLevel,
    ReviewResult,
)
from shangwu.designations.models import (
    Designation,
    DesignationEvent,
    DesignationKind,
    DesignationResponsibility,
    ProgrammeFund,
    ProgrammeMilestone,
    add_years,
)
from shangwu.enterprises.models import Enterprise
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

COUNTY_A, COUNTY_B, TOWNSHIP_A1 = "419902", "419921", "419902001"

STREETS = ["{t}商业步行街", "{t}美食街", "{c}万达商圈", "{c}老街", "{t}夜市街区", "{c}中央商务区"]
PARKS = ["{c}电子商务产业园", "{c}快递物流园", "{c}现代物流园区", "{c}综合保税物流中心"]
# Final status → weight of the draw.
STATES = [
    (DesignationStatus.CULTIVATING, 16),
    (DesignationStatus.APPLIED, 9),
    (DesignationStatus.RECOMMENDED, 9),
    (DesignationStatus.AWARDED, 46),
    (DesignationStatus.RECTIFYING, 5),
    (DesignationStatus.REVOKED, 6),
    (DesignationStatus.DELISTED, 5),
    (DesignationStatus.EXPIRED, 4),
]
ORDER = [
    DesignationStatus.CULTIVATING,
    DesignationStatus.APPLIED,
    DesignationStatus.RECOMMENDED,
    DesignationStatus.AWARDED,
]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _holder(rng, kind, county, townships, enterprises):
    """(holder_type, enterprise, holder_name, county, township) for ``kind`` in ``county``."""
    holder_type = rng.choice(kind.holder_types)
    if holder_type == HolderType.CITY:
        return holder_type, None, "", None, None
    township = rng.choice(townships[county.pk]) if townships.get(county.pk) else None
    if holder_type in ENTERPRISE_HOLDERS:
        pool = enterprises.get(county.pk) or []
        if not pool:
            return None
        e = rng.choice(pool)
        name = f"{e.short_name or e.name[:6]}（{township.name if township else county.name}店）"
        return (
            holder_type,
            e,
            name if holder_type == HolderType.STORE else "",
            e.county_id,
            e.township_id,
        )
    if holder_type == HolderType.STREET:
        name = rng.choice(STREETS).format(
            t=township.name if township else county.name, c=county.name
        )
        return holder_type, None, name, county.pk, township.pk if township else None
    if holder_type == HolderType.PARK:
        return holder_type, None, rng.choice(PARKS).format(c=county.name), county.pk, None
    if holder_type == HolderType.TOWNSHIP:
        if township is None:
            return None
        return holder_type, None, "", county.pk, township.pk
    return holder_type, None, "", county.pk, None


def _attach_certificate(designation, actor) -> None:
    """One awarded designation with its certificate, through the file service (its download and
    removal routes have a record to open, as the other modules' attachments do)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shangwu.designations.services import designation_attach

    content = b"%PDF-1.4\n% demo certificate\n%%EOF\n"
    upload = SimpleUploadedFile("认定证书.pdf", content, "application/pdf")
    designation_attach(designation=designation, actor=actor, upload=upload, purpose="certificate")


def build(*, units, users, size: str) -> str:
    if Designation.objects.exclude(note="由企业库标签迁入").exists():
        return ""
    rng = random.Random(20261208)
    today = timezone.localdate()
    count = 150 if size == "full" else 30
    kinds = list(DesignationKind.objects.active())
    funded = [k for k in kinds if k.carries_funds]
    plain = [k for k in kinds if not k.carries_funds]
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code"))
    townships: dict[int, list[Region]] = {}
    for t in Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"):
        townships.setdefault(t.parent_id, []).append(t)
    enterprises: dict[int, list[Enterprise]] = {}
    for e in (
        Enterprise.objects.filter(industry_section__in=["F", "H"])
        .order_by("pk")
        .only("id", "name", "short_name", "county_id", "township_id")[:3000]
    ):
        enterprises.setdefault(e.county_id, []).append(e)
    bureau_of = {c.pk: units["counties"][c.code] for c in counties if c.code in units["counties"]}
    city_unit = next(iter(units["departments"].values()))
    actors = {COUNTY_A: users.get("county_a"), COUNTY_B: users.get("county_b")}
    city_actor = users.get("city_staff")
    county_code = {c.pk: c.code for c in counties}

    rows: list[tuple[Designation, list[DesignationEvent]]] = []
    n = 0
    soon = 0
    while len(rows) < count - 2 and n < count * 5:
        n += 1
        kind = rng.choice(plain)
        county = rng.choice(counties)
        holder = _holder(rng, kind, county, townships, enterprises)
        if holder is None:
            continue
        holder_type, enterprise, holder_name, county_id, township_id = holder
        status = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
        if status == DesignationStatus.EXPIRED and not kind.validity_years:
            status = DesignationStatus.AWARDED
        # 复核 due within the next quarter for a few awarded ones with a cycle.
        due_soon = (
            status == DesignationStatus.AWARDED and kind.review_cycle_years and soon < count // 15
        )
        if due_soon:
            soon += 1
            awarded = add_years(
                today + datetime.timedelta(days=rng.randint(10, 85)), -kind.review_cycle_years
            )
        elif status == DesignationStatus.EXPIRED:
            awarded = add_years(today, -(kind.validity_years or 1)) - datetime.timedelta(
                days=rng.randint(20, 200)
            )
        else:
            awarded = today - datetime.timedelta(days=rng.randint(40, 900))
        recommended = awarded - datetime.timedelta(days=rng.randint(30, 120))
        applied = recommended - datetime.timedelta(days=rng.randint(15, 60))
        cultivated = applied - datetime.timedelta(days=rng.randint(30, 200))
        if status in (
            DesignationStatus.CULTIVATING,
            DesignationStatus.APPLIED,
            DesignationStatus.RECOMMENDED,
        ):
            # On its way: the steps taken so far lie in the past year.
            shift = today - datetime.timedelta(days=rng.randint(5, 60)) - recommended
            cultivated, applied, recommended = (
                cultivated + shift,
                applied + shift,
                recommended + shift,
            )
        actor = actors.get(county_code.get(county_id)) or city_actor
        unit = bureau_of.get(county_id, city_unit)
        name_holder = Designation(
            holder_type=holder_type,
            enterprise=enterprise,
            holder_name=holder_name,
            county_id=county_id,
            township_id=township_id,
        )
        if county_id:
            name_holder.county = next(c for c in counties if c.pk == county_id)
        if township_id and holder_type == HolderType.TOWNSHIP:
            name_holder.township = next(t for t in townships[county_id] if t.pk == township_id)
        d = Designation(
            kind=kind,
            name=f"{kind.name}·{name_holder.holder}"[:200],
            holder_type=holder_type,
            enterprise=enterprise,
            holder_name=holder_name,
            county_id=county_id,
            township_id=township_id,
            status=status,
            cultivation_on=cultivated,
            created_by=actor,
        )
        d.demo_responsible = (unit, actor)
        events = [
            DesignationEvent(
                kind=DesignationEventKind.CREATED,
                to_status=DesignationStatus.CULTIVATING,
                on=cultivated,
                at=_at(cultivated),
                actor=actor,
                note=f"列入“{kind}”培育名单，责任单位：{unit}",
            )
        ]
        reached = ORDER.index(status) if status in ORDER else 3
        if status == DesignationStatus.REVOKED:
            reached = rng.randint(0, 3)
        steps = [
            (DesignationStatus.APPLIED, applied, "申报"),
            (DesignationStatus.RECOMMENDED, recommended, "县(市、区)推荐，文号：示范推〔%d〕%d号"),
            (DesignationStatus.AWARDED, awarded, "认定文号：认〔%d〕%d号"),
        ][:reached]
        previous = DesignationStatus.CULTIVATING
        for to, day, note in steps:
            if "%d" in note:
                note = note % (day.year, rng.randint(1, 60))
            events.append(
                DesignationEvent(
                    kind=DesignationEventKind.STATUS,
                    from_status=previous,
                    to_status=to,
                    on=day,
                    at=_at(day),
                    actor=actor,
                    note=note,
                )
            )
            previous = to
        if reached >= 1:
            d.applied_on = applied
        if reached >= 2:
            d.recommended_on, d.recommend_level = recommended, RecommendLevel.COUNTY
            d.recommend_doc = events[2].note.split("文号：")[-1]
        last = [cultivated, applied, recommended, awarded][reached]
        if reached >= 3:
            d.awarded_on, d.award_doc = awarded, events[3].note.split("文号：")[-1]
            d.expires_on = add_years(awarded, kind.validity_years) if kind.validity_years else None
            d.next_review_on = (
                add_years(awarded, kind.review_cycle_years) if kind.review_cycle_years else None
            )
        if status == DesignationStatus.RECTIFYING:
            review_day = min(
                today - datetime.timedelta(days=rng.randint(5, 30)),
                max(awarded + datetime.timedelta(days=30), today - datetime.timedelta(days=5)),
            )
            d.last_review_on, d.last_review_result = review_day, ReviewResult.RECTIFY
            d.rectify_by = d.next_review_on = today + datetime.timedelta(days=rng.randint(20, 120))
            events.append(
                DesignationEvent(
                    kind=DesignationEventKind.REVIEW,
                    from_status=DesignationStatus.AWARDED,
                    to_status=DesignationStatus.RECTIFYING,
                    on=review_day,
                    at=_at(review_day),
                    actor=actor,
                    note=f"复核限期整改，整改期限{d.rectify_by:%Y-%m-%d}",
                )
            )
        if status in (
            DesignationStatus.REVOKED,
            DesignationStatus.DELISTED,
            DesignationStatus.EXPIRED,
        ):
            if status == DesignationStatus.EXPIRED:
                end, reason = d.expires_on, "有效期届满"
            else:
                end = min(today, last + datetime.timedelta(days=rng.randint(20, 300)))
                reason = rng.choice(
                    ["企业放弃申报", "材料不符合要求", "企业停业", "发生重大安全事故", "复核不合格"]
                    if status == DesignationStatus.REVOKED
                    else ["经营场所变更，不再符合条件", "发生重大质量安全事件", "复核不合格"]
                )
            d.ended_on, d.end_reason, d.next_review_on = end, reason, None
            events.append(
                DesignationEvent(
                    kind=DesignationEventKind.STATUS,
                    from_status=previous,
                    to_status=status,
                    on=end,
                    at=_at(end),
                    actor=actor,
                    note=f"{DesignationStatus(status).label}：{reason}",
                )
            )
        rows.append((d, events))

    # Two funded 示范县 programmes.
    programmes = []
    for code, kind_code in ((COUNTY_A, "county_commerce_demo"), (COUNTY_B, "ecommerce_rural_demo")):
        kind = next((k for k in funded if k.code == kind_code), None)
        county = next((c for c in counties if c.code == code), None)
        if kind is None or county is None:
            continue
        awarded = today - datetime.timedelta(days=420)
        actor = actors.get(code) or city_actor
        d = Designation(
            kind=kind,
            name=f"{kind.name}·{county.name}",
            holder_type=HolderType.COUNTY,
            county_id=county.pk,
            status=DesignationStatus.AWARDED,
            cultivation_on=awarded - datetime.timedelta(days=200),
            applied_on=awarded - datetime.timedelta(days=150),
            recommended_on=awarded - datetime.timedelta(days=90),
            recommend_level=RecommendLevel.CITY,
            recommend_doc=f"云商〔{awarded.year}〕15号",
            awarded_on=awarded,
            award_doc=f"商办流通函〔{awarded.year}〕88号",
            created_by=actor,
        )
        d.demo_responsible = (bureau_of[county.pk], actor)
        events = []
        previous = ""
        for to, day in (
            (DesignationStatus.CULTIVATING, d.cultivation_on),
            (DesignationStatus.APPLIED, d.applied_on),
            (DesignationStatus.RECOMMENDED, d.recommended_on),
            (DesignationStatus.AWARDED, d.awarded_on),
        ):
            events.append(
                DesignationEvent(
                    kind=DesignationEventKind.CREATED
                    if not previous
                    else DesignationEventKind.STATUS,
                    from_status=previous,
                    to_status=to,
                    on=day,
                    at=_at(day),
                    actor=actor,
                    note=DesignationStatus(to).label,
                )
            )
            previous = to
        rows.append((d, events))
        programmes.append((d, code))

    Designation.objects.bulk_create([d for d, _ in rows])
    all_events = []
    for d, events in rows:
        for e in events:
            e.designation = d
            all_events.append(e)
    DesignationEvent.objects.bulk_create(all_events)
    # Each one's responsible unit and official since it was put on the list (the 包保 base).
    DesignationResponsibility.objects.bulk_create(
        [
            DesignationResponsibility(
                designation=d,
                unit=unit,
                official=official,
                level=unit.region.level,
                start_on=d.cultivation_on,
                created_by=official,
            )
            for d, _ in rows
            for unit, official in [d.demo_responsible]
        ]
    )

    funds, milestones = [], []
    for d, code in programmes:
        year = d.awarded_on.year
        for y, (central, provincial, county_money) in (
            (year, (1500, 500, 300)),
            (year + 1, (1500, 500, 400)),
        ):
            share = Decimal("1") if y < today.year else Decimal("0.6")
            for source, amount in (
                ("central", central),
                ("provincial", provincial),
                ("county", county_money),
            ):
                budget = Decimal(amount)
                allocated = (budget * share).quantize(Decimal("0.01"))
                funds.append(
                    ProgrammeFund(
                        designation=d,
                        source=source,
                        year=y,
                        budget=budget,
                        allocated=allocated,
                        spent=(allocated * Decimal("0.7")).quantize(Decimal("0.01")),
                    )
                )
        plan_due = d.awarded_on + datetime.timedelta(days=60)
        milestones.append(
            ProgrammeMilestone(
                designation=d,
                kind="plan",
                due_on=plan_due,
                done_on=plan_due - datetime.timedelta(days=5),
                result="passed",
            )
        )
        if code == COUNTY_A:
            milestones += [
                ProgrammeMilestone(
                    designation=d,
                    kind="midterm",
                    due_on=today - datetime.timedelta(days=90),
                    done_on=today - datetime.timedelta(days=80),
                    result="rectify",
                    note="个别项目进度滞后，已整改",
                ),
                ProgrammeMilestone(
                    designation=d, kind="acceptance", due_on=today + datetime.timedelta(days=45)
                ),
            ]
        else:
            milestones += [
                ProgrammeMilestone(
                    designation=d, kind="midterm", due_on=today - datetime.timedelta(days=20)
                ),
                ProgrammeMilestone(
                    designation=d, kind="acceptance", due_on=today + datetime.timedelta(days=200)
                ),
            ]
    ProgrammeFund.objects.bulk_create(funds)
    ProgrammeMilestone.objects.bulk_create(milestones)
    audit_write(
        action=AuditAction.CREATE,
        object_type=Designation._meta.label_lower,
        object_repr="演示数据",
        detail=f"批量生成演示荣誉认定 {len(rows)} 个，认定动态 {len(all_events)} 条，"
        f"创建资金 {len(funds)} 条、节点 {len(milestones)} 个（bulk_create）。",
    )
    _attach_certificate(
        next(d for d, _ in rows if d.status == DesignationStatus.AWARDED), users["city_staff"]
    )
    states = {}
    for d, _ in rows:
        states[d.status] = states.get(d.status, 0) + 1
    detail = "、".join(f"{s.label}{states[s]}" for s in DesignationStatus if s in states)
    return f"荣誉认定 {len(rows)} 个（{detail}），其中示范县创建项目 {len(programmes)} 个"
