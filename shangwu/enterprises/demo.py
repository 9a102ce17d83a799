"""Demo enterprises for 云河市: realistic names, valid credit codes, tags by industry."""

import datetime
import random
from decimal import Decimal

from shangwu.enterprises.choices import EnterpriseStatus, Ownership
from shangwu.enterprises.models import Enterprise, Tag
from shangwu.enterprises.validators import credit_code_from
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

BRANDS = list(
    "华鑫恒泰宏达兴盛永昌金源瑞丰博远正通汇川嘉禾德润天成万隆信达盛世福源明辉宇航鼎新中和"
    "海诚凯旋联创众邦锦程佳美东升广汇国泰长虹安达新宇美嘉优品百佳润泽卓越"
)
SECTIONS = [
    # (门类, 大类 choices, words, weight)
    (
        "C",
        ["13", "14", "17", "18", "26", "29", "33", "34", "38", "39"],
        [
            "食品",
            "纺织",
            "机械",
            "电子科技",
            "新材料",
            "塑业",
            "电气",
            "汽车零部件",
            "精密制造",
            "化工",
        ],
        30,
    ),
    (
        "F",
        ["51", "52"],
        ["商贸", "贸易", "超市", "百货", "医药连锁", "石化销售", "汽车销售", "家电"],
        35,
    ),
    ("H", ["61", "62"], ["酒店", "餐饮管理", "宾馆", "食府"], 12),
    ("I", ["64", "65"], ["网络科技", "电子商务", "信息技术"], 8),
    ("G", ["54", "59"], ["物流", "供应链管理", "仓储"], 8),
    ("L", ["72"], ["商务服务", "会展服务"], 7),
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛"
DIGITS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_credit_code(rng: random.Random, region_code: str) -> str:
    """91 (工商, 企业), the region, an 8-digit organisation body and both check characters."""
    return credit_code_from("91", region_code, "".join(rng.choice(DIGITS[:10]) for _ in range(8)))


def build_enterprises(*, units, users, count: int) -> int:
    """``count`` registry records, each taken in through ``enterprise_create`` on the day the
    registry took it in (a past day), its tags added through ``enterprise_set_tag`` and, for one
    no longer 存续, its end recorded through ``enterprise_change_status``; then the service data
    (``build_service_data``). The timelines are the services' own event rows, at past dates."""

    from shangwu.enterprises.services import (
        enterprise_change_status,
        enterprise_create,
        enterprise_set_tag,
    )

    # The 企业用户 persona's own enterprise (accounts.demo) is made with the accounts; the
    # registry is built once, beside it.
    if Enterprise.objects.filter(users__isnull=True).exists():
        return 0
    rng = random.Random(20261122)
    tags = {t.name: t for t in Tag.objects.all()}
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    townships = {}
    for t in Region.objects.filter(level=RegionLevel.TOWNSHIP):
        townships.setdefault(t.parent_id, []).append(t)
    weights = [18, 14, 16, 10, 9, 8, 13, 12][: len(counties)]
    used_names, used_codes = set(), set()
    rows = []
    today = datetime.date(2026, 11, 1)  # founding dates and 纳统 dates: fixed, reproducible
    for _ in range(count):
        county = rng.choices(counties, weights=weights)[0]
        township = rng.choice(townships[county.pk]) if rng.random() < 0.85 else None
        section, divisions, words, _w = rng.choices(SECTIONS, weights=[s[3] for s in SECTIONS])[0]
        while True:
            brand = rng.choice(BRANDS) + rng.choice(BRANDS)
            place = rng.choice(["云河", county.name[:2], ""])
            name = f"{place}{brand}{rng.choice(words)}{rng.choice(SUFFIXES)}"
            if name not in used_names:
                break
        used_names.add(name)
        code = make_credit_code(rng, county.code)
        while code in used_codes:
            code = make_credit_code(rng, county.code)
        used_codes.add(code)
        ownership = rng.choices(
            [Ownership.DOMESTIC, Ownership.FOREIGN, Ownership.HMT], weights=[88, 8, 4]
        )[0]
        status = rng.choices(
            [
                EnterpriseStatus.ACTIVE,
                EnterpriseStatus.CANCELLED,
                EnterpriseStatus.REVOKED,
                EnterpriseStatus.MOVED_OUT,
            ],
            weights=[94, 3, 1, 2],
        )[0]
        fields = dict(
            credit_code=code,
            name=name,
            short_name=brand + rng.choice(words)[:2],
            county=county,
            township=township,
            address=f"{county.name}{township.name if township else ''}{rng.choice(['建设路', '人民路', '工业大道', '滨河路', '商贸街', '解放路'])}{rng.randint(1, 399)}号",
            legal_representative=rng.choice(SURNAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.7 else ""),
            industry_section=section,
            industry_division=rng.choice(divisions),
            ownership=ownership,
            registered_capital=Decimal(
                rng.choice([50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000])
            ),
            established_on=today - datetime.timedelta(days=rng.randint(200, 9000)),
            is_key=rng.random() < 0.18,
        )
        tag_names = []
        if section == "F":
            tag_names.append(rng.choice(["限上批发", "限上零售"]) if rng.random() < 0.55 else None)
            if "石化" in name:
                tag_names.append("成品油零售")
            if "超市" in name or "百货" in name:
                tag_names.append("商超")
        if section == "H" and rng.random() < 0.5:
            tag_names.append("限上住宿" if ("酒店" in name or "宾馆" in name) else "限上餐饮")
        if section in ("C", "F") and rng.random() < 0.22:
            tag_names.append("外贸实绩")
        if ownership != Ownership.DOMESTIC:
            tag_names.append("外资企业")
        if section == "I" or rng.random() < 0.05:
            tag_names.append(rng.choice(["电商企业", "跨境电商"]))
        if rng.random() < 0.01:
            # 老字号 now comes from the designations (designations.demo); the draw stays so the
            # rest of the demo keeps its sequence.
            rng.choice(["中华老字号", "省级老字号"])
        rows.append((fields, status, [n for n in tag_names if n]))

    actor = users.get("city_staff")
    clock = DemoClock()
    days = random.Random(20261206)  # its own sequence: the rest of the demo stays as it was
    for fields, status, names in rows:
        founded = fields["established_on"]
        # 登记入库: when the registry took it in, after it was founded and at least a month ago;
        # everything else on its timeline comes after (build_service_data keeps to that).
        day = max(founded, datetime.date(2023, 1, 1)) + datetime.timedelta(
            days=days.randint(0, 300)
        )
        day = max(min(day, clock.today - datetime.timedelta(days=30)), founded)
        names = [tags[n] for n in dict.fromkeys(names)]
        # Tags without a 纳统 date come with the record (as the form takes them); a 限上 tag is
        # added through enterprise_set_tag with its date.
        enterprise = enterprise_create(
            actor=actor,
            now=clock.opening(day),
            tags=[t for t in names if not t.needs_date],
            **fields,
        )
        last = day
        for tag in (t for t in names if t.needs_date):
            # Entered the statistics after it was founded; recorded when the registry took it
            # in, or on the day it entered the statistics.
            since = max(
                today - datetime.timedelta(days=rng.randint(30, 2000)),
                founded + datetime.timedelta(days=30),
            )
            on = max(day, since)
            enterprise_set_tag(
                enterprise=enterprise, tag=tag, actor=actor, since=since, now=clock.at(on)
            )
            last = max(last, on)
        if status != EnterpriseStatus.ACTIVE:
            ended = day + datetime.timedelta(days=days.randint(30, 600))
            ended = min(max(ended, last + datetime.timedelta(days=1)), clock.today)
            enterprise_change_status(
                enterprise=enterprise,
                status=status,
                actor=actor,
                note=STATUS_NOTES[status],
                now=clock.at(ended),
            )
    build_service_data(users=users, rng=rng, visits=_visit_count(count))
    return len(rows)


def _visit_count(enterprises: int) -> int:
    """About 3,000 visits for the full registry of 2,000; in proportion for a smaller one (a
    floor keeps every county's officials on record)."""
    return max(300, round(enterprises * 1.5))


class DemoClock:
    """Past moments for the demo's service calls: office hours of a given day (the registry's
    entry opens its day at 08:30), never later than the moment the demo is built."""

    def __init__(self, seed: int = 20261207):
        from django.utils import timezone

        self.now = timezone.now()
        # A few minutes back, so a moment of "today" is never dated after the day (built just
        # after midnight, today is still yesterday).
        self.today = timezone.localdate(self.now - datetime.timedelta(minutes=10))
        self.hours = random.Random(seed)

    def _aware(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        from django.utils import timezone

        moment = timezone.make_aware(datetime.datetime.combine(day, time))
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def opening(self, day: datetime.date) -> datetime.datetime:
        return self._aware(day, datetime.time(8, 30))

    def at(self, day: datetime.date) -> datetime.datetime:
        return self._aware(day, datetime.time(self.hours.randint(9, 17), self.hours.randint(0, 59)))


# --- Enterprise service (服务企业): officials, contacts, 包保 and visits -------------------------

POSITIONS = ["总经理", "办公室主任", "财务负责人", "董事长", "行政经理", "副总经理", "外贸部经理"]
PROBLEMS = {
    "融资信贷": [
        "流动资金紧张，希望对接银行开展应收账款融资",
        "申请续贷手续繁琐，希望协调简化",
        "希望了解政府性融资担保政策",
    ],
    "用工招工": [
        "旺季一线工人缺口约{n}人，希望帮助对接劳务市场",
        "技术工人招聘困难，希望组织校企对接",
    ],
    "用地用房": ["扩建项目用地指标尚未落实", "租赁厂房到期，希望协调周边闲置厂房"],
    "审批手续": ["消防验收办理进度慢，希望协调加快", "食品经营许可证延续办理咨询"],
    "水电气暖": ["工业用电容量不足，申请增容", "天然气价格上涨，希望了解阶段性支持政策"],
    "物流运输": ["园区道路破损影响货车通行", "希望协调开通物流专线"],
    "市场开拓": ["希望参加广交会等展会并申请展位补贴", "希望对接本地大型商超进场销售"],
    "政策咨询": [
        "咨询限上企业入统相关政策",
        "咨询消费券活动参与方式",
        "咨询外贸稳增长奖补政策申报条件",
    ],
    "外贸外资": ["出口退税到账慢", "外资企业增资手续咨询", "海外订单下降，希望组织出海拓市场活动"],
}
VISIT_NOTES = [
    "了解企业生产经营情况，企业运行总体平稳。",
    "走访企业生产车间，听取企业负责人介绍订单和用工情况。",
    "宣讲惠企政策，发放政策汇编，收集企业诉求。",
    "召开座谈会，了解企业一季度经营情况和下步计划。",
    "电话回访前期反映问题的办理情况，企业表示满意。",
    "线上视频连线，了解企业外贸订单和物流情况。",
]


def _person(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    )


def _mobile(rng: random.Random) -> str:
    return (
        rng.choice(["13", "15", "18", "17"])
        + str(rng.randint(0, 9))
        + f"{rng.randint(0, 99999999):08d}"
    )


def _demo_officials(*, users, rng, password_hash, now) -> dict:
    """Extra county and township officials (two per county office, one per township office),
    so 包保 and visits name plausible people. Returns {"city": [...], county_id: [...], township_id: [...]}."""
    from shangwu.accounts.choices import Role
    from shangwu.accounts.models import User
    from shangwu.organization.choices import OrgUnitKind
    from shangwu.organization.models import OrgUnit

    wanted = []
    # Not for units outside the bureau (外部单位): they have no users here.
    units = OrgUnit.objects.select_related("region").exclude(kind=OrgUnitKind.EXTERNAL)
    for unit in units.filter(region__level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]):
        county_level = unit.region.level == RegionLevel.COUNTY
        for i in range(1, 3 if county_level else 2):
            wanted.append(
                User(
                    username=f"{'c' if county_level else 't'}{unit.region.code}_{i}",
                    name=_person(rng),
                    role=Role.COUNTY_STAFF if county_level else Role.TOWNSHIP_STAFF,
                    org_unit=unit,
                    position=rng.choice(["服务专员", "副局长", "股长"])
                    if county_level
                    else rng.choice(["经济办主任", "服务专员"]),
                    mobile=_mobile(rng),
                    must_change_password=False,
                    password_changed_at=now,
                    password=password_hash,
                )
            )
    existing = set(
        User.objects.filter(username__in=[u.username for u in wanted]).values_list(
            "username", flat=True
        )
    )
    User.objects.bulk_create([u for u in wanted if u.username not in existing])
    officials: dict = {"city": []}
    business = User.objects.filter(
        role__in=[Role.LEADER, Role.CITY_STAFF, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF]
    )
    for user in business.select_related("org_unit__region").order_by("username"):
        region = user.org_unit.region
        officials.setdefault("city" if region.level == RegionLevel.CITY else region.pk, []).append(
            user
        )
    return officials


STATUS_NOTES = {
    EnterpriseStatus.CANCELLED: "企业已办理注销登记",
    EnterpriseStatus.REVOKED: "营业执照被依法吊销",
    EnterpriseStatus.MOVED_OUT: "企业迁往外市，已办理迁出",
}


def build_service_data(*, users, rng: random.Random, visits: int = 3000) -> dict:
    """Contacts, 包保 and about ``visits`` visits with their problems, each through its service
    (``contact_create``, ``assignment_create``/``assignment_end``, ``visit_create``,
    ``visit_problem_dismiss``) at a past moment: the timeline rows are the services' own, dated
    when the thing happened, after the enterprise's 登记入库 (read from its timeline). 包保
    deliberately stops short of full coverage (county level ~78% of key enterprises, city and
    township less) so the report shows gaps."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission
    from django.utils import timezone

    from shangwu.enterprises.baobao.services import (
        assignment_create,
        assignment_end,
        contact_create,
        visit_create,
        visit_problem_dismiss,
    )
    from shangwu.enterprises.choices import (
        AssignmentLevel,
        AssignmentRole,
        EnterpriseEventKind,
        VisitForm,
    )
    from shangwu.enterprises.models import EnterpriseEvent, Visit

    if Visit.objects.exists():
        return {}
    clock = DemoClock(seed=20261208)
    today = clock.today
    entered = {
        e["enterprise_id"]: timezone.localdate(e["at"])
        for e in EnterpriseEvent.objects.filter(kind=EnterpriseEventKind.CREATED).values(
            "enterprise_id", "at"
        )
    }
    officials = _demo_officials(
        users=users,
        rng=rng,
        password_hash=make_password(settings.DEMO_PASSWORD),
        now=timezone.now(),
    )
    # Seeing full phone numbers is a per-user permission the 系统管理员 grants.
    reveal = Permission.objects.get(
        content_type__app_label="enterprises", codename="reveal_contact"
    )
    for name in ("city_staff", "county_a"):
        if name in users:
            users[name].user_permissions.add(reveal)
    registrar = users.get("city_staff")

    def after_entry(e, day: datetime.date, gap: int = 1) -> datetime.date:
        return max(day, entered.get(e.pk, e.established_on) + datetime.timedelta(days=gap))

    enterprises = list(Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by("id"))
    contacts = 0
    for e in Enterprise.objects.order_by("id"):
        if rng.random() < 0.12:
            continue
        for i in range(rng.choice([1, 1, 1, 2, 2, 3])):
            contact_create(
                enterprise=e,
                actor=registrar,
                name=_person(rng),
                position=POSITIONS[0] if i == 0 and rng.random() < 0.5 else rng.choice(POSITIONS),
                mobile=_mobile(rng) if rng.random() < 0.95 else "",
                landline=f"0{rng.choice(['391', '392', '393'])}-{rng.randint(2000000, 8999999)}"
                if rng.random() < 0.5
                else "",
                email=f"{rng.choice(['office', 'hr', 'sales', 'info'])}{rng.randint(1, 99)}@{e.credit_code[-6:].lower()}.com.cn"
                if rng.random() < 0.4
                else "",
                is_primary=i == 0,
            )
            contacts += 1

    leaders = [u for u in officials["city"] if u.role == "leader"]
    city_staff = [u for u in officials["city"] if u.role == "city_staff"]
    assignments = []

    def assign(e, official, level, role, start_on, end_on=None):
        # Not before it existed, nor before the registry took it in.
        start_on = after_entry(e, max(start_on, e.established_on + datetime.timedelta(days=10)))
        assignment = assignment_create(
            enterprise=e,
            official=official,
            level=level,
            role=role,
            start_on=start_on,
            actor=registrar,
            now=clock.at(start_on),
        )
        if end_on:  # handed over: ended on the day before the successor's start
            assignment_end(
                assignment=assignment, end_on=end_on, actor=registrar, now=clock.at(end_on)
            )
        assignments.append(assignment)

    for e in enterprises:
        foreign = e.ownership != Ownership.DOMESTIC
        share = 1.0 if e.is_key else 0.08
        start = today - datetime.timedelta(days=rng.randint(30, 700))
        if rng.random() < 0.78 * share and officials.get(e.county_id):
            earliest = after_entry(
                e, e.established_on + datetime.timedelta(days=120), gap=120
            )  # room for an earlier official's term
            if rng.random() < 0.15 and earliest < today - datetime.timedelta(days=30):
                start = max(start, earliest)
                handover = start - datetime.timedelta(days=1)
                assign(
                    e,
                    rng.choice(officials[e.county_id]),
                    AssignmentLevel.COUNTY,
                    AssignmentRole.COMMISSIONER,
                    handover - datetime.timedelta(days=rng.randint(100, 500)),
                    handover,
                )
            assign(
                e,
                rng.choice(officials[e.county_id]),
                AssignmentLevel.COUNTY,
                AssignmentRole.AMBASSADOR if foreign else AssignmentRole.COMMISSIONER,
                start,
            )
        if e.is_key and rng.random() < 0.35:
            if rng.random() < 0.4:
                assign(e, rng.choice(leaders), AssignmentLevel.CITY, AssignmentRole.LEADER, start)
            else:
                assign(
                    e,
                    rng.choice(city_staff),
                    AssignmentLevel.CITY,
                    AssignmentRole.AMBASSADOR if foreign else AssignmentRole.COMMISSIONER,
                    start,
                )
        if e.township_id and rng.random() < 0.5 * share and officials.get(e.township_id):
            pool = officials[e.township_id]
            persona = [u for u in pool if u.username == "township_a1"]
            assign(
                e,
                (persona or pool)[0] if rng.random() < 0.7 else rng.choice(pool),
                AssignmentLevel.TOWNSHIP,
                AssignmentRole.COMMISSIONER,
                start,
            )

    # Visits over the last 18 months, mostly by the enterprise's own officials.
    by_enterprise: dict = {}
    for a in assignments:
        if a.end_on is None:
            by_enterprise.setdefault(a.enterprise_id, []).append(a.official)
    weights = [6 if e.pk in by_enterprise else 1 for e in enterprises]
    forms = [VisitForm.ONSITE, VisitForm.PHONE, VisitForm.MEETING, VisitForm.ONLINE]
    made = problems = 0
    for e in rng.choices(enterprises, weights=weights, k=visits):
        local = officials.get(e.township_id, []) + officials.get(e.county_id, [])
        pool = by_enterprise.get(e.pk) or local or officials["city"]
        people = list(dict.fromkeys(rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2])))))
        if local and rng.random() < 0.3:
            people = list(dict.fromkeys([*people, rng.choice(local)]))
        visited_on = today - datetime.timedelta(days=rng.randint(0, 548))
        floor = after_entry(e, e.established_on)
        if visited_on < floor:  # a young record: visited since the registry took it in
            visited_on = min(today, floor + (floor - visited_on))
        form = rng.choices(forms, weights=[60, 20, 10, 10])[0]
        notes = rng.choice(VISIT_NOTES)
        raised = [
            {
                "category": category,
                "description": rng.choice(PROBLEMS[category]).format(n=rng.randint(10, 80)),
            }
            for category in rng.sample(
                sorted(PROBLEMS), k=rng.choices([0, 1, 2, 3], weights=[45, 32, 16, 7])[0]
            )
        ]
        visit = visit_create(
            enterprise=e,
            visited_on=visited_on,
            officials=people,
            actor=people[0],
            form=form,
            notes=notes,
            problems=raised,
            now=clock.at(visited_on),
        )
        made += 1
        problems += len(raised)
        if raised and (today - visited_on).days > 60:
            # Some old ones were answered on the spot: 无需转办, through the service.
            for problem in visit.problems.order_by("id"):
                if rng.random() < 0.3:
                    visit_problem_dismiss(
                        problem=problem, actor=people[0], note="已现场答复政策口径"
                    )
    _attach_a_few_visit_files(users=users)
    return {
        "contacts": contacts,
        "assignments": len(assignments),
        "visits": made,
        "problems": problems,
    }


def _demo_png(width: int = 96, height: int = 64, rgb=(70, 130, 180)) -> bytes:
    """A small solid-colour PNG (a stand-in for a site photo), built with the standard library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _attach_a_few_visit_files(*, users) -> None:
    """A few 河东区 visits carry a site photo and the scanned 走访记录, uploaded through the file
    service (baobao.services.visit_attach), so the visit page shows thumbnails that download."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shangwu.cases.demo import _demo_pdf
    from shangwu.enterprises.baobao.services import visit_attach
    from shangwu.enterprises.models import Visit

    actor = users.get("county_a")
    if actor is None:
        return
    for visit in (
        Visit.objects.restrict(actor, "change").filter(attachments__isnull=True).order_by("id")[:5]
    ):
        for upload in (
            SimpleUploadedFile("现场照片.png", _demo_png(), "image/png"),
            SimpleUploadedFile("走访记录.pdf", _demo_pdf(f"Visit {visit.pk}"), "application/pdf"),
        ):
            try:
                visit_attach(visit=visit, actor=actor, upload=upload)
            except ValidationError:
                continue
