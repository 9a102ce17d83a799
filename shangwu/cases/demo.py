"""Demo cases: ~5,000 over the last 18 months (size small: ~150) in every state — overdue and
supervised, extended, paused, reopened, merged — with ratings mostly good and some 不满意.

Each case's lifecycle is generated directly (in bulk: ``core.demo.insert_objects``) but consistent with the rules: every
deadline comes from ``deadlines.py`` and the current rule sets; 催办 and 督办单 come from one pass
of ``deadlines_process`` at the end, exactly as cron would issue them. Reproducible (seeded).
Merges, the visit problems turned into cases and the attachments go through the services
(``case_merge``, ``case_open_from``, ``case_attach``). The lifecycles themselves
stay bulk for now: 5,000 cases walked through register/assign/sign/report/close/revisit would
be some 40,000 service calls, each its own transaction with events, notices and audit rows.
"""

from __future__ import annotations

import datetime
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from shangwu.cases.choices import (
    CaseEventKind as K,
)
from shangwu.cases.choices import (
    CaseKind,
    CaseSource,
    CaseStatus,
    DeadlineNode,
    ExtensionKind,
    ExtensionStatus,
    Rating,
    SupervisionLevel,
)
from shangwu.cases.deadlines import (
    NODE_FIELDS,
    end_of_day,
    local_date,
    pending_deadline,
    provisional_basis,
    rule_dues,
    rule_set_for,
)
from shangwu.core.demo import insert_objects

SOURCES = [
    (CaseSource.VISIT, 40),
    (CaseSource.SELF_REPORT, 12),
    (CaseSource.HOTLINE, 18),
    (CaseSource.MAILBOX, 6),
    (CaseSource.SUPERIOR, 8),
    (CaseSource.NPC, 3),
    (CaseSource.CPPCC, 3),
    (CaseSource.FORUM, 7),
    (CaseSource.OTHER, 3),
]
HOTLINE = [
    (CaseKind.CONSULT, 40),
    (CaseKind.HELP, 25),
    (CaseKind.SUGGEST, 15),
    (CaseKind.COMPLAIN, 20),
]
TOPICS = {
    "政策咨询": [
        "咨询稳外贸稳外资政策申报条件",
        "咨询促消费活动补贴兑付流程",
        "咨询限上企业入库纳统政策",
    ],
    "融资": [
        "企业流动资金紧张，申请对接银行贷款",
        "申请外贸企业出口信用保险保单融资",
        "反映贷款续贷审批周期长",
    ],
    "用地": ["项目用地指标未落实，影响开工", "厂房扩建用地规划调整", "物流园区仓储用地审批"],
    "用工": ["旺季招工难，缺少熟练工人", "反映外籍员工工作许可办理慢", "申请职业技能培训补贴"],
    "审批": ["成品油零售经营许可变更办理", "单用途预付卡备案咨询", "二手车交易市场经营备案"],
    "物流": ["跨境电商海外仓物流成本高", "冷链物流配送车辆通行受限", "希望增开中欧班列舱位"],
    "外贸": [
        "出口退税进度慢，资金周转困难",
        "参加广交会展位申请",
        "遭遇海外贸易壁垒，请求指导应对",
    ],
    "外资": [
        "外资企业增资扩股手续咨询",
        "外商投资企业信息报告填报问题",
        "港澳台资企业用地用电协调",
    ],
    "消费": ["商场促消费活动场地审批", "消费券核销资金结算延迟", "特色商业街改造提升协调"],
    "水电气暖": ["厂区供电容量不足，申请增容", "天然气价格上涨，请求协调", "园区供水管网老化"],
    "其他": ["企业周边道路施工影响经营", "反映园区配套设施不完善", "申请老字号认定指导"],
}
RESOLUTIONS = [
    "已协调相关部门办理完毕，并向企业反馈。",
    "已召开专题协调会，明确责任单位和时间节点，问题已解决。",
    "已联系合作银行对接，完成授信审批。",
    "已按政策解释答复企业，企业表示理解。",
    "已现场办公，手续办结。",
]
PROGRESS = [
    "已与企业电话沟通，了解具体情况。",
    "已会同相关部门现场调研。",
    "已形成初步解决方案，正在推进。",
    "已报分管领导，协调相关单位会商。",
]
UNSATISFIED = [
    "问题未根本解决，企业不满意。",
    "答复内容与实际诉求不符。",
    "办理时间过长，企业不满意。",
]


def _pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def build(*, units, users, size: str) -> str:
    from shangwu.cases.models import Case, CaseCategory, CaseEvent, CaseExtension, SupervisionOrder
    from shangwu.cases.processing import deadlines_process
    from shangwu.enterprises.models import Enterprise

    total = 5000 if size == "full" else 150
    # Other modules' demos register a few cases through the services first; ours is the bulk.
    if Case.objects.count() >= total // 2:
        return ""
    rng = random.Random(4)
    now = timezone.now()
    categories = {c.name: c for c in CaseCategory.objects.all()}
    enterprises = list(Enterprise.objects.select_related("county", "township").order_by("id"))
    by_county: dict[int, list] = {}
    for e in enterprises:
        by_county.setdefault(e.county_id, []).append(e)
    counties = {code: unit for code, unit in units["counties"].items()}
    county_regions = {code: unit.region for code, unit in counties.items()}
    townships = list(units["townships"].values())
    departments = units["departments"]
    office = departments["办公室"]
    dept_for = {
        "外贸": departments["外贸科"],
        "外资": departments["外资科"],
        "消费": departments["市场运行与消费促进科"],
        "物流": departments["流通科"],
        "审批": departments["政务服务窗口"],
        "政策咨询": departments["投资促进科"],
    }
    persona_unit = {}
    for user in users.values():
        if user.role in ("leader", "city_staff", "county_staff", "township_staff"):
            persona_unit.setdefault(user.org_unit_id, user)
    leader = users.get("leader")
    rule_cache: dict[tuple, object] = {}

    def rules(source, kind):
        key = (source, kind)
        if key not in rule_cache:
            rule_cache[key] = rule_set_for(source=source, kind=kind)
        return rule_cache[key]

    # 河东区 (the demo personas' county) gets a larger share so every persona has work.
    county_codes = list(counties)
    weights = [4 if c == "419902" else 1 for c in county_codes]
    from django.db.models import Max

    seqs: dict[int, int] = {
        row["year"]: row["m"] for row in Case.objects.values("year").annotate(m=Max("seq"))
    }
    cases, plans = [], []
    for _ in range(total):
        age_days = (
            min(int(rng.expovariate(1 / 150)), 545) if rng.random() < 0.85 else rng.randint(0, 40)
        )
        received = now - datetime.timedelta(
            days=age_days, hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
        )
        source = _pick(rng, SOURCES)
        kind = (
            _pick(rng, HOTLINE)
            if source == CaseSource.HOTLINE
            else (CaseKind.MAJOR if rng.random() < 0.12 else CaseKind.ORDINARY)
        )
        code = rng.choices(county_codes, weights=weights)[0]
        county = county_regions[code]
        ent = None
        if (
            source not in (CaseSource.HOTLINE, CaseSource.MAILBOX, CaseSource.NPC, CaseSource.CPPCC)
            or rng.random() < 0.3
        ):
            pool = by_county.get(county.pk) or enterprises
            ent = rng.choice(pool) if pool else None
            if ent is not None:
                county = ent.county
        township = ent.township if ent is not None else None
        cat_name = rng.choice(list(TOPICS))
        category = categories.get(cat_name) or next(iter(categories.values()))
        title = rng.choice(TOPICS[cat_name])
        city_level = source in (
            CaseSource.SUPERIOR,
            CaseSource.NPC,
            CaseSource.CPPCC,
            CaseSource.MAILBOX,
            CaseSource.HOTLINE,
        )
        county_unit = units["counties"][county.code]
        assigning = office if city_level else county_unit
        if city_level:
            lead = dept_for.get(cat_name) if rng.random() < 0.5 else county_unit
            lead = lead or county_unit
        else:
            local = [t for t in townships if township is not None and t.region_id == township.pk]
            lead = local[0] if local and rng.random() < 0.45 else county_unit
        year = local_date(received).year
        seqs[year] = seqs.get(year, 0) + 1
        case = Case(
            number=f"{year}-{seqs[year]:06d}",
            year=year,
            seq=seqs[year],
            source=source,
            kind=kind,
            category=category,
            enterprise=ent,
            title=f"{ent.short_name or ent.name}：{title}" if ent else title,
            content=f"{title}。{'企业' if ent else '来电人'}反映：{rng.choice(PROGRESS)[:-1]}，希望尽快协调解决。",
            contact_name=rng.choice(["张", "王", "李", "赵", "刘", "陈"])
            + rng.choice(["经理", "女士", "先生", "主任"]),
            contact_phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            county=county,
            township=township,
            received_at=received,
            assigning_unit=assigning,
            registered_by=persona_unit.get(assigning.pk),
            status=CaseStatus.REGISTERED,
        )
        cases.append(case)
        plans.append((lead, age_days))

    events, extensions, orders, merges = [], [], [], []
    built = []
    for case, (lead, age_days) in zip(cases, plans, strict=True):
        try:
            timeline = _play(case, lead, age_days, rng, now, rules, persona_unit, leader)
        except ValidationError:
            continue  # a deadline in a year whose holidays nobody entered yet: leave it out
        built.append((case, timeline))
    insert_objects(Case, [c for c, _ in built])
    for case, timeline in built:
        for kind, at, frm, to, actor, note, extra in timeline["events"]:
            events.append(
                CaseEvent(
                    case=case,
                    kind=kind,
                    from_status=frm,
                    to_status=to,
                    actor=actor,
                    unit=actor.org_unit if actor else None,
                    note=note,
                    at=at,
                    data=extra,
                )
            )
        if timeline.get("extension"):
            reason, proposed, status, requested, decided = timeline["extension"]
            extensions.append(
                CaseExtension(
                    case=case,
                    reason=reason,
                    proposed_due=proposed,
                    status=status,
                    requested_by=case.handler,
                    decided_by=timeline.get("decider"),
                    decided_at=decided,
                    decision_note="同意延期。" if status == ExtensionStatus.APPROVED else "",
                )
            )
        if timeline.get("pause"):
            reason, asked, decided = timeline["pause"]
            extensions.append(
                CaseExtension(
                    case=case,
                    kind=ExtensionKind.PAUSE,
                    reason=reason,
                    status=ExtensionStatus.APPROVED,
                    requested_by=case.handler,
                    decided_by=case.registered_by,
                    decided_at=decided,
                    decision_note="同意挂起。",
                )
            )
        if timeline.get("listed"):
            orders.append(
                SupervisionOrder(
                    case=case,
                    level=SupervisionLevel.LISTED,
                    addressed_to_id=case.lead_unit_id,
                    issued_by=leader,
                    issued_at=timeline["listed"],
                    required_by=local_date(timeline["listed"]) + datetime.timedelta(days=10),
                    comment="请主要负责同志亲自协调，限期办结并报告结果。",
                )
            )
        if timeline.get("merge"):
            merges.append(case)
    insert_objects(CaseEvent, events)
    insert_objects(CaseExtension, extensions)
    insert_objects(SupervisionOrder, orders)
    # 合并: a few duplicates, each merged by the leader into an open case of the same place
    # (township, else county), through the service (its events, closing time, notices).
    from shangwu.cases.services import case_merge

    open_by_place: dict[tuple, list] = {}
    for case, _ in built:
        if case.status in (CaseStatus.HANDLING, CaseStatus.ASSIGNED):
            open_by_place.setdefault((case.county_id, case.township_id), []).append(case)
    merged = 0
    for dup in merges:
        targets = [
            c for c in open_by_place.get((dup.county_id, dup.township_id), []) if c.pk != dup.pk
        ]
        if not targets or leader is None:
            continue
        case_merge(
            case=dup,
            into=rng.choice(targets),
            actor=leader,
            now=dup.received_at + datetime.timedelta(hours=3),
        )
        merged += 1
    from shangwu.audit.choices import AuditAction
    from shangwu.audit.services import audit_write

    audit_write(
        action=AuditAction.CREATE,
        object_type=Case._meta.label_lower,
        object_repr="演示数据",
        detail=f"批量生成演示案件 {len(built)} 件（bulk_create）。",
    )
    from shangwu.cases.statistics import buckets_rebuild

    # Before the deadline pass: a case opened from a visit problem is due like any other.
    _convert_a_few_visit_problems(users=users)
    buckets_rebuild()  # the bulk inserts above bypass the services that keep the totals
    counts = deadlines_process(now=now, full=True)  # the bulk inserts bypassed the services
    _attach_a_few_files(users=users)
    return (
        f"新建诉求案件 {len(built)} 件（红灯督办 {counts['red']} 件，黄灯催办 {counts['yellow']} 件，"
        f"合并 {merged} 件）"
    )


def _play(case, lead, age_days, rng, now, rules, persona_unit, leader) -> dict:
    """Walk one case through the workflow up to a state that fits its age."""
    S = CaseStatus
    ev = []
    t = case.received_at
    registrar = case.registered_by
    ev.append(
        (K.REGISTER, t, "", S.REGISTERED, registrar, f"来源：{case.get_source_display()}", None)
    )
    out = {"events": ev}
    r = rng.random()
    if age_days < 2 and r < 0.25:
        return out  # still 已登记, waiting for 交办
    if age_days > 60 and r < 0.015:
        out["merge"] = True
        return out
    rule_set = rules(case.source, case.kind)
    assigned = t + datetime.timedelta(hours=rng.uniform(0.5, 20))
    if assigned > now:
        return out
    dues = rule_dues(rule_set, start=assigned, received=case.received_at)
    case.rule_set, case.assigned_at, case.lead_unit_id = rule_set, assigned, lead.pk
    case.sign_due_at = dues.get(DeadlineNode.SIGN)
    case.feedback_due_at = dues.get(DeadlineNode.FIRST_FEEDBACK)
    case.close_due_at = dues.get(DeadlineNode.CLOSE)
    case.status = S.ASSIGNED
    ev.append(
        (K.ASSIGN, assigned, S.REGISTERED, S.ASSIGNED, registrar, "", {"lead_unit": str(lead)})
    )
    handler = persona_unit.get(lead.pk)
    if (
        age_days < 20 and rng.random() < 0.03
    ):  # 退回: not this unit's business, back to the dispatcher
        returned = assigned + datetime.timedelta(hours=rng.uniform(1, 20))
        if returned < now:
            case.status = S.RETURNED
            ev.append(
                (
                    K.RETURN,
                    returned,
                    S.ASSIGNED,
                    S.RETURNED,
                    handler,
                    "不属于本单位职责，请重新交办。",
                    None,
                )
            )
            return _finish_open(case, out, now)
    late = rng.random() < 0.18  # a slow unit: some deadlines missed
    span = (case.close_due_at - assigned) if case.close_due_at else datetime.timedelta(days=7)
    signed = assigned + datetime.timedelta(hours=rng.uniform(1, 40 if late else 20))
    stuck = age_days < 120 and rng.random() < 0.12  # never finished: overdue, red, supervised
    if signed > now or (stuck and rng.random() < 0.2):
        return _finish_open(case, out, now)
    case.signed_at, case.handler, case.status = signed, handler, S.HANDLING
    ev.append((K.SIGN, signed, S.ASSIGNED, S.HANDLING, handler, "", None))
    feedback = signed + datetime.timedelta(hours=rng.uniform(4, 90 if late else 60))
    if feedback < now:
        case.first_feedback_at = feedback
        ev.append(
            (K.PROGRESS, feedback, S.HANDLING, S.HANDLING, handler, rng.choice(PROGRESS), None)
        )
    if rng.random() < 0.06 and case.close_due_at:
        requested = signed + datetime.timedelta(days=1)
        proposed = local_date(case.close_due_at) + datetime.timedelta(days=rng.randint(5, 20))
        if rule_set.extendable_to and case.assigned_at:
            from shangwu.cases.deadlines import add_months

            proposed = min(
                proposed, add_months(local_date(case.assigned_at), rule_set.extendable_to)
            )
        if requested < now and proposed > local_date(case.close_due_at):
            decided = requested + datetime.timedelta(hours=6)
            ev.append(
                (
                    K.EXTEND_REQUEST,
                    requested,
                    S.HANDLING,
                    S.HANDLING,
                    handler,
                    "需协调多个部门，申请延期。",
                    {"proposed_due": proposed.isoformat()},
                )
            )
            out["extension"] = (
                "需协调多个部门，申请延期。",
                proposed,
                ExtensionStatus.APPROVED,
                requested,
                decided,
            )
            out["decider"] = registrar
            case.close_due_at = end_of_day(proposed)
            ev.append(
                (K.EXTEND_APPROVE, decided, S.HANDLING, S.HANDLING, registrar, "同意延期。", None)
            )
            span = case.close_due_at - assigned
    fraction = rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.95)
    request = assigned + span * fraction
    if request > now or stuck:
        if rng.random() < 0.08:
            # 挂起 needs the assigning unit's approval: the handler asks, the dispatcher agrees.
            case.paused_at = now - datetime.timedelta(days=rng.randint(1, 5))
            asked = case.paused_at - datetime.timedelta(hours=2)
            ev.append(
                (
                    K.PAUSE_REQUEST,
                    asked,
                    S.HANDLING,
                    S.HANDLING,
                    handler,
                    "等待企业补充材料。",
                    None,
                )
            )
            ev.append(
                (
                    K.PAUSE,
                    case.paused_at,
                    S.HANDLING,
                    S.HANDLING,
                    registrar,
                    "同意挂起：等待企业补充材料。",
                    None,
                )
            )
            out["pause"] = ("等待企业补充材料。", asked, case.paused_at)
        if rng.random() < 0.05 and leader is not None:
            out["listed"] = now - datetime.timedelta(hours=rng.randint(1, 48))
            case.supervision_level = SupervisionLevel.LISTED
            ev.append(
                (K.LIST_SUPERVISE, out["listed"], S.HANDLING, S.HANDLING, leader, "挂牌督办", None)
            )
        return _finish_open(case, out, now)
    resolution = rng.choice(RESOLUTIONS)
    case.resolution = resolution
    if case.first_feedback_at is None:
        case.first_feedback_at = request
    ev.append((K.REQUEST_CLOSE, request, S.HANDLING, S.REVIEW, handler, resolution, None))
    case.status = S.REVIEW
    approved = request + datetime.timedelta(hours=rng.uniform(2, 30))
    if approved > now:
        return _finish_open(case, out, now)
    case.closed_on_time = case.close_due_at is None or request <= case.close_due_at
    case.revisit_due_at = rule_dues(rule_set, start=approved, nodes=[DeadlineNode.REVISIT]).get(
        DeadlineNode.REVISIT
    )
    case.status = S.REVISIT
    ev.append((K.APPROVE, approved, S.REVIEW, S.REVISIT, registrar, "", None))
    revisit = approved + datetime.timedelta(hours=rng.uniform(4, 70))
    if revisit > now:
        return _finish_open(case, out, now)
    rating = rng.choices(
        [Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED], weights=[78, 16, 6]
    )[0]
    if rating == Rating.UNSATISFIED:
        note = rng.choice(UNSATISFIED)
        case.rating, case.reopen_count, case.closed_on_time = rating, 1, None
        fresh = rule_dues(
            rule_set, start=revisit, nodes=[DeadlineNode.FIRST_FEEDBACK, DeadlineNode.CLOSE]
        )
        case.first_feedback_at, case.feedback_due_at = None, fresh.get(DeadlineNode.FIRST_FEEDBACK)
        case.close_due_at, case.revisit_due_at, case.status = (
            fresh.get(DeadlineNode.CLOSE),
            None,
            S.HANDLING,
        )
        ev.append((K.REOPEN, revisit, S.REVISIT, S.HANDLING, registrar, note, {"rating": rating}))
        redo = revisit + datetime.timedelta(days=rng.uniform(1, 6))
        if redo > now:
            return _finish_open(case, out, now)
        case.first_feedback_at = redo
        ev.append(
            (
                K.REQUEST_CLOSE,
                redo,
                S.HANDLING,
                S.REVIEW,
                handler,
                "重新办理：" + rng.choice(RESOLUTIONS),
                None,
            )
        )
        approved = redo + datetime.timedelta(hours=5)
        revisit = approved + datetime.timedelta(hours=20)
        if revisit > now:
            case.status = S.REVIEW
            return _finish_open(case, out, now)
        case.closed_on_time = case.close_due_at is None or redo <= case.close_due_at
        ev.append((K.APPROVE, approved, S.REVIEW, S.REVISIT, registrar, "", None))
        rating = rng.choice([Rating.SATISFIED, Rating.BASICALLY])
    from shangwu.workcalendar.services import workdays_between

    case.rating, case.status, case.closed_at = rating, S.CLOSED, revisit
    case.workdays_to_close = workdays_between(
        start=local_date(case.received_at), end=local_date(revisit)
    )
    ev.append(
        (
            K.REVISIT,
            revisit,
            S.REVISIT,
            S.CLOSED,
            registrar,
            f"电话回访，企业评价：{Rating(rating).label}",
            {"rating": rating},
        )
    )
    case.next_deadline_at = None
    return out


def _finish_open(case, out, now) -> dict:
    # The deadlines pass at the end issues the 催办/督办 of the cases whose deadline is near or past.
    case.next_deadline_at = pending_deadline(case)
    # Deadlines in a year not entered yet are 暂定, exactly as the services mark them.
    marks = {}
    for node, (field, _) in NODE_FIELDS.items():
        basis = provisional_basis(getattr(case, field))
        if basis is not None:
            marks[node] = [basis[0].isoformat(), basis[1]]
    case.provisional_dues = marks or None
    return out


def _convert_a_few_visit_problems(*, users) -> None:
    """Turn a few problems recorded on recent 河东区 visits into cases through the real service,
    the day after the visit (before now), so the demo shows the link both ways and each case's
    received time, events and deadlines follow from when it was opened."""
    from shangwu.cases.services import case_open_from
    from shangwu.enterprises.choices import ProblemStatus
    from shangwu.enterprises.models import VisitProblem
    from shangwu.organization.choices import OrgUnitKind
    from shangwu.organization.models import OrgUnit

    actor = users.get("county_a")
    if actor is None:
        return
    now = timezone.now()
    problems = (
        VisitProblem.objects.filter(
            status=ProblemStatus.PENDING,
            enterprise__county=actor.region,
            visit__visited_on__lt=timezone.localdate(now),
        )
        .select_related("visit", "enterprise")
        .order_by("-visit__visited_on", "id")[:3]
    )
    offices = {
        u.region_id: u
        for u in OrgUnit.objects.filter(
            region__parent=actor.region, is_active=True, kind=OrgUnitKind.TOWNSHIP_OFFICE
        )
    }
    for problem in problems:
        next_morning = timezone.make_aware(
            datetime.datetime.combine(
                problem.visit.visited_on + datetime.timedelta(days=1), datetime.time(10, 0)
            )
        )
        try:
            # Assigned at once to the enterprise's township office where it has one: the
            # deadlines run from the day it was opened.
            case_open_from(
                origin=problem,
                actor=actor,
                lead_unit=offices.get(problem.enterprise.township_id),
                now=min(next_morning, now - datetime.timedelta(hours=1)),
            )
        except ValidationError:
            continue


def _demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF (ASCII text only: the demo needs no font embedding)."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _attach_a_few_files(*, users) -> None:
    """A few 河东区 cases carry their 交办单 as a PDF, uploaded through the file service, so the
    case page shows attachments that download."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shangwu.cases.models import Case
    from shangwu.cases.services import case_attach

    actor = users.get("county_a")
    if actor is None:
        return
    cases = (
        Case.objects.restrict(actor, "change").filter(attachments__isnull=True).order_by("id")[:8]
    )
    for case in cases:
        upload = SimpleUploadedFile(
            f"{case.number}交办单.pdf", _demo_pdf(f"Case {case.number}"), "application/pdf"
        )
        try:
            case_attach(case=case, actor=actor, upload=upload)
        except ValidationError:
            continue
