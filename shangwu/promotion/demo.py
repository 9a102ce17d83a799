"""Demo events for 云河市: a year of about 120 促消费与经贸活动 (30 for ``size="small"``) across
every kind and county, built through the services at their own past moments (``now=``), so each
status move has its row: 美食节 and 购物节 with their merchants and sales, 招商推介会 with
projects signed, 外贸 and 电商 training with the enterprises trained, 广交会 groups and a
delegation to Japan and Korea with their orders, 银企对接会 with credit granted. The demo
personas' county (河东区) and township (东湖街道) have events of their own, and 河东区's enterprises
go with the city to the 广交会 (a city-wide event its officers see but do not edit)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from shangwu.enterprises.models import Enterprise
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region
from shangwu.projects.models import Project
from shangwu.promotion import services
from shangwu.promotion.choices import (
    EVENT_OUTCOMES,
    PARTICIPANT_OUTCOMES,
    EventFormat,
    EventLevel,
    EventStatus,
    OrderCurrency,
    OutcomeFamily,
)
from shangwu.promotion.models import EventKind, PromotionEvent

COUNTY_A, TOWNSHIP_A1 = "419902", "419902001"

# family → (city department organising it, names)
NAMES = {
    OutcomeFamily.CONSUMPTION: (
        "市场运行与消费促进科",
        [
            "“乐购云河”{season}消费季",
            "云河{season}美食节",
            "{place}夜间经济购物节",
            "云河{season}汽车展销会",
            "{place}网货直播节",
            "“云品出山”直播带货活动",
            "老字号{season}嘉年华",
        ],
    ),
    OutcomeFamily.INVESTMENT: (
        "投资促进科",
        [
            "云河市（{city}）招商推介会",
            "{place}重点项目集中签约大会",
            "云河—{city}产业合作洽谈会",
            "{place}先进制造业招商推介会",
        ],
    ),
    OutcomeFamily.TRAINING: (
        "外贸科",
        [
            "{place}外贸政策业务培训班",
            "跨境电商实务培训",
            "RCEP关税减让政策解读会",
            "{place}电商人才培训班",
            "出口信用保险业务培训",
        ],
    ),
    OutcomeFamily.EXHIBITION: (
        "外贸科",
        [
            "组织企业参加第{n}届广交会",
            "组织企业参加第{n}届进博会",
            "中华老字号博览会云河展团",
            "中国(郑州)跨境电商博览会云河展团",
        ],
    ),
    OutcomeFamily.DELEGATION: (
        "外资科",
        ["云河市赴日韩经贸团组", "云河市赴东盟经贸考察团", "云河市赴欧洲招商经贸团"],
    ),
    OutcomeFamily.FINANCING: (
        "市场运行与消费促进科",
        ["{place}银企对接会", "外贸企业融资对接会", "小微商贸企业金融服务对接会"],
    ),
}
CITIES = ["深圳", "上海", "杭州", "苏州", "厦门", "香港", "北京", "宁波"]
SEASONS = ["春季", "五一", "夏季", "金秋", "国庆", "冬季", "元旦春节"]
VENUES = ["市会展中心", "万达广场", "人民公园", "步行街", "市民之家", "县文化广场", "电商产业园"]
DESTINATIONS = ["日本、韩国", "新加坡、马来西亚、泰国", "德国、荷兰、法国"]


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _dec(rng, low, high) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _participant_outcomes(rng, family, currency=OrderCurrency.USD) -> dict:
    values = {}
    for name in PARTICIPANT_OUTCOMES[family]:
        if name == "attendance":
            values[name] = rng.randint(1, 6)
        elif name == "sales":
            values[name] = _dec(rng, 5, 120)
        elif name in ("formal_orders", "intended_orders"):
            values[name] = rng.randint(0, 4)
        elif name in ("formal_amount", "intended_amount"):
            values[name] = (
                _dec(rng, 10, 300)
                if currency == OrderCurrency.USD
                else _dec(rng, 0, 2) + Decimal("0.05")
            )
        elif name == "credit_amount":
            values[name] = _dec(rng, 50, 800)
    return values


def _event_outcomes(rng, family) -> dict:
    """Totals over the registered participants (empty ones come from their sum)."""
    values = {
        "other_participants": rng.randint(0, 40 if family == OutcomeFamily.CONSUMPTION else 8)
    }
    fields = EVENT_OUTCOMES[family]
    if "attendance" in fields:
        values["attendance"] = None if family == OutcomeFamily.TRAINING else rng.randint(300, 30000)
    if "sales" in fields:
        values["sales"] = None if rng.random() < 0.3 else _dec(rng, 800, 12000)
    if "delegates" in fields:
        values["delegates"] = rng.randint(8, 25)
        values["destinations"] = rng.choice(DESTINATIONS)
    if "foreign_projects" in fields:
        values["foreign_projects"] = rng.randint(1, 6)
        values["intended_investment"] = _dec(rng, 500, 8000)
    return values


def _attach_plan(event, actor) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"%PDF-1.4\n% demo plan\n%%EOF\n"
    upload = SimpleUploadedFile(f"{event.name}活动方案.pdf", content, "application/pdf")
    services.event_attach(event=event, actor=actor, upload=upload, purpose="plan")


def build(*, units, users, size: str) -> str:
    if PromotionEvent.objects.exists():
        return ""
    rng = random.Random(20261207)
    today = timezone.localdate()
    count = 120 if size == "full" else 30
    kinds: dict[str, list[EventKind]] = {}
    for kind in EventKind.objects.active():
        kinds.setdefault(kind.family, []).append(kind)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code"))
    townships: dict[int, list[Region]] = {}
    for t in Region.objects.filter(level=RegionLevel.TOWNSHIP):
        townships.setdefault(t.parent_id, []).append(t)
    by_county: dict[int, list[Enterprise]] = {}
    for e in Enterprise.objects.order_by("pk").only("id", "name", "county_id", "township_id")[
        :3000
    ]:
        by_county.setdefault(e.county_id, []).append(e)
    projects: dict[int, list[Project]] = {}
    for p in Project.objects.filter(signed_on__isnull=False).order_by("pk"):
        projects.setdefault(p.county_id, []).append(p)
    city_actor = users.get("city_staff")
    county_actor = {COUNTY_A: users.get("county_a"), "419921": users.get("county_b")}
    county_a = Region.objects.get(code=COUNTY_A)
    township_a1 = Region.objects.get(code=TOWNSHIP_A1)
    families = [f for f in NAMES if kinds.get(f)]
    weights = {
        OutcomeFamily.CONSUMPTION: 40,
        OutcomeFamily.INVESTMENT: 20,
        OutcomeFamily.TRAINING: 20,
        OutcomeFamily.EXHIBITION: 10,
        OutcomeFamily.DELEGATION: 4,
        OutcomeFamily.FINANCING: 6,
    }
    # The fixed ones first: the personas' county and township, and a city-wide 广交会 group
    # with 河东区's enterprises; then the year's draw.
    plan = [
        (OutcomeFamily.CONSUMPTION, county_a, township_a1, today - datetime.timedelta(days=40)),
        (OutcomeFamily.TRAINING, county_a, None, today - datetime.timedelta(days=75)),
        (OutcomeFamily.EXHIBITION, None, None, today - datetime.timedelta(days=55)),
        (OutcomeFamily.INVESTMENT, county_a, None, today + datetime.timedelta(days=20)),
    ]
    while len(plan) < count:
        family = rng.choices(families, weights=[weights[f] for f in families])[0]
        city_wide = (
            family in (OutcomeFamily.EXHIBITION, OutcomeFamily.DELEGATION) or rng.random() < 0.3
        )
        county = None if city_wide else rng.choice(counties)
        township = (
            rng.choice(townships[county.pk])
            if county is not None and family == OutcomeFamily.CONSUMPTION and rng.random() < 0.4
            else None
        )
        start = today - datetime.timedelta(days=rng.randint(-60, 350))
        plan.append((family, county, township, start))

    made = held = participants = signed = 0
    for n, (family, county, township, start) in enumerate(plan):
        kind = rng.choice(kinds[family])
        department, patterns = NAMES[family]
        name = rng.choice(patterns).format(
            season=rng.choice(SEASONS),
            place=(township or county or "云河市").name
            if hasattr(township or county, "name")
            else "云河市",
            city=rng.choice(CITIES),
            n=rng.randint(133, 138),
        )
        name = f"{start.year}{name}" if not name.startswith(str(start.year)) else name
        if county is None:
            organiser = units["departments"][department]
            actor = city_actor
        else:
            organiser = units["counties"][county.code]
            actor = county_actor.get(county.code) or city_actor
        days = (
            1
            if family in (OutcomeFamily.TRAINING, OutcomeFamily.FINANCING, OutcomeFamily.INVESTMENT)
            else rng.randint(2, 10)
        )
        end = start + datetime.timedelta(days=days - 1)
        registered = _aware(start - datetime.timedelta(days=rng.randint(25, 45)), 9)
        event = services.event_create(
            actor=actor,
            now=registered,
            name=name,
            kind=kind,
            level=EventLevel.CITY if county is None else EventLevel.COUNTY,
            organiser=organiser,
            county=county,
            township=township,
            venue=rng.choice(VENUES) if family != OutcomeFamily.DELEGATION else "",
            format=EventFormat.BOTH
            if family == OutcomeFamily.CONSUMPTION and rng.random() < 0.4
            else EventFormat.OFFLINE,
            start_on=start,
            end_on=end,
            budget=_dec(rng, 5, 80) if rng.random() < 0.7 else None,
            # A domestic fair (老字号博览会) reports its orders in 亿元, foreign trade in 万美元.
            order_currency=OrderCurrency.CNY
            if "老字号" in name or kind.code == "time_honoured_expo"
            else OrderCurrency.USD,
            co_organisers=[units["departments"]["电子商务科"]]
            if family == OutcomeFamily.CONSUMPTION and rng.random() < 0.3
            else [],
        )
        made += 1
        if n in (0, 1):  # the personas' county's 方案, through the file service
            _attach_plan(event, actor)
        preparing = start - datetime.timedelta(days=rng.randint(7, 20))
        if preparing <= today:
            services.event_move(
                event=event, to_status=EventStatus.PREPARING, actor=actor, now=_aware(preparing)
            )
        if start > today:
            continue
        services.event_move(
            event=event, to_status=EventStatus.HELD, actor=actor, now=_aware(min(end, today), 18)
        )
        held += 1
        # Participants: the event's county's enterprises; a city-wide event draws from all, and
        # the 广交会 group of the fixed plan takes 河东区's.
        if county is not None:
            pool = by_county.get(county.pk, [])
            if township is not None:
                pool = [e for e in pool if e.township_id == township.pk] or pool
        elif n == 2:
            pool = by_county.get(county_a.pk, []) + by_county.get(counties[-1].pk, [])
        else:
            pool = [e for group in by_county.values() for e in group]
        take = min(len(pool), rng.randint(3, 8))
        chosen = pool[:take] if n in (0, 2) else rng.sample(pool, take)
        for enterprise in chosen:
            services.event_participant_add(
                event=event,
                enterprise=enterprise,
                actor=actor,
                now=_aware(min(end, today), 19),
                **_participant_outcomes(rng, family, event.order_currency),
            )
            participants += 1
        services.event_record_outcomes(
            event=event,
            actor=actor,
            now=_aware(min(end + datetime.timedelta(days=2), today), 11),
            **_event_outcomes(rng, family),
        )
        if family == OutcomeFamily.INVESTMENT:
            pool = projects.get(county.pk if county else rng.choice(counties).pk, [])
            for project in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                services.event_sign_project(event=event, project=project, actor=city_actor)
                projects[project.county_id].remove(project)
                signed += 1
        summarised = end + datetime.timedelta(days=rng.randint(3, 15))
        if summarised <= today and rng.random() < 0.7:
            services.event_update(
                event=event,
                actor=actor,
                now=_aware(summarised, 9),
                summary=f"{event.name}已圆满举办。活动由{organiser}主办，"
                f"{event.participant_noun}{event.participant_count}家参与，达到预期效果。",
            )
            services.event_move(
                event=event,
                to_status=EventStatus.SUMMARISED,
                actor=actor,
                now=_aware(summarised, 10),
            )
    return f"新建促消费与经贸活动 {made} 场（已举办 {held} 场），参与企业 {participants} 家次，活动签约项目 {signed} 个"
