"""Demo projects for 云河市: about 600 over the last 16 quarters (40 for ``size="small"``) across every
stage, built through the services so every stage has its event row: realistic names, investors
of every type, 省外 and 境外 origins, money in place by month, 包保领导, some 终止 with reasons,
and a few problems turned into cases when the case module is there."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from shangwu.core.periods import QUARTER, Period
from shangwu.enterprises.models import Enterprise
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region
from shangwu.projects import services
from shangwu.projects.choices import OVERSEAS_PLACES, PROVINCES, InvestorType, Milestone, Origin
from shangwu.projects.models import IndustryChain, Project, Stage

CHAINS = {
    # chain: (divisions, name patterns, manufacturing)
    "新材料": (
        ["30", "26", "29", "32"],
        [
            "年产{n}万吨新型建材项目",
            "{b}高性能复合材料生产基地项目",
            "年产{n}万吨改性塑料项目",
            "{b}新型铝合金型材项目",
            "{b}光伏玻璃深加工项目",
        ],
        True,
    ),
    "装备制造": (
        ["34", "35", "38", "36"],
        [
            "{b}智能装备产业园项目",
            "年产{n}万台套农机装备项目",
            "{b}新能源汽车零部件项目",
            "{b}精密数控机床生产线项目",
            "{b}环保设备制造基地项目",
        ],
        True,
    ),
    "食品加工": (
        ["13", "14", "15"],
        [
            "年产{n}万吨肉制品精深加工项目",
            "{b}中央厨房预制菜项目",
            "{b}休闲食品生产基地项目",
            "年产{n}万吨饲料项目",
            "{b}冷鲜乳制品加工项目",
        ],
        True,
    ),
    "电子信息": (
        ["39", "65"],
        [
            "{b}电子元器件产业园项目",
            "{b}智能终端组装项目",
            "{b}数据中心项目",
            "年产{n}万片印制电路板项目",
            "{b}软件和信息服务外包基地项目",
        ],
        True,
    ),
    "现代物流": (
        ["59", "58", "54"],
        [
            "{b}冷链物流园项目",
            "{b}智慧物流仓储中心项目",
            "{b}公铁联运物流港项目",
            "{b}城乡配送中心项目",
        ],
        False,
    ),
    "商贸服务": (
        ["52", "51", "72"],
        [
            "{b}商贸综合体项目",
            "{b}城市奥特莱斯项目",
            "{b}汽车商贸城项目",
            "{b}农产品批发市场升级项目",
            "{b}会展中心项目",
        ],
        False,
    ),
}
BRANDS = [
    "华润",
    "恒通",
    "中科",
    "远航",
    "金桥",
    "鼎盛",
    "新宇",
    "汇丰源",
    "宏图",
    "天瑞",
    "博林",
    "嘉合",
    "瑞泰",
    "锦华",
    "国信",
    "卓远",
    "海川",
    "正阳",
    "联众",
    "云腾",
    "东方",
    "明阳",
    "长城",
    "百合",
]
INVESTOR_TYPE_WEIGHTS = [
    (InvestorType.PRIVATE, 45),
    (InvestorType.LOCAL_SOE, 12),
    (InvestorType.CENTRAL_SOE, 8),
    (InvestorType.LISTED, 12),
    (InvestorType.FOREIGN, 8),
    (InvestorType.HMT, 8),
    (InvestorType.FORTUNE500, 7),
]
TERMINATION_REASONS = [
    "投资方资金链紧张，双方协商终止合作",
    "用地指标未能落实，项目终止",
    "企业战略调整，放弃在我市投资",
    "环评条件不具备，项目不再推进",
    "投资方被并购，新股东暂停对外投资",
]
PROBLEMS = [
    (
        "施工用电接入进度慢",
        "项目已具备开工条件，但施工临时用电接入尚未完成，影响设备进场，请协调供电部门加快办理。",
    ),
    ("土地证办理需协调", "项目用地已摘牌，不动产权证办理材料已齐全，请协调自然资源部门尽快核发。"),
    ("员工招聘困难", "项目即将投产，一线操作工缺口约80人，请协调人社部门组织专场招聘会。"),
    ("融资需求", "项目二期建设资金缺口约3000万元，希望协调银行提供固定资产贷款支持。"),
    ("道路配套未完成", "厂区门前道路尚未硬化，大型货车通行困难，请协调住建部门加快配套道路建设。"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳敏静强磊军洋勇艳杰涛明超霞平刚华建文辉力永健志兴海波宁福龙国胜学祥"


def _investor(rng, kind, brand, chain) -> tuple[str, str, str]:
    """(name, origin, origin place) consistent with the investor type."""
    province = rng.choice([p for p in PROVINCES if p != "河南"])
    if kind == InvestorType.CENTRAL_SOE:
        return (
            f"中{brand}{rng.choice(['建设', '能源', '装备', '投资'])}集团有限公司",
            Origin.OTHER_PROVINCE,
            "北京",
        )
    if kind == InvestorType.LOCAL_SOE:
        if rng.random() < 0.4:
            return f"河南{brand}投资集团有限公司", Origin.LOCAL, ""
        return f"{province}省{brand}投资控股集团有限公司", Origin.OTHER_PROVINCE, province
    if kind == InvestorType.FOREIGN:
        place = rng.choice(["新加坡", "日本", "韩国", "德国", "美国", "荷兰", "马来西亚", "阿联酋"])
        return f"{place}{brand}控股有限公司", Origin.OVERSEAS, place
    if kind == InvestorType.HMT:
        place = rng.choice(["香港", "澳门", "台湾"])
        return f"{place}{brand}国际有限公司", Origin.OVERSEAS, place
    if kind == InvestorType.FORTUNE500:
        if rng.random() < 0.5:
            place = rng.choice(OVERSEAS_PLACES[4:12])
            return f"环球{brand}集团（{place}）", Origin.OVERSEAS, place
        return (
            f"中国{brand}集团有限公司",
            Origin.OTHER_PROVINCE,
            rng.choice(["北京", "上海", "广东"]),
        )
    if kind == InvestorType.LISTED:
        return f"{province}{brand}{chain[:2]}股份有限公司", Origin.OTHER_PROVINCE, province
    if rng.random() < 0.2:
        return f"云河{brand}{chain[:2]}有限公司", Origin.LOCAL, ""
    return f"{province}{brand}{chain[:2]}集团有限公司", Origin.OTHER_PROVINCE, province


def _investment(rng, chain) -> Decimal:
    base = rng.choice(
        [3000, 5000, 8000, 10000, 15000, 20000, 30000, 50000, 80000, 100000, 150000, 200000]
    )
    if chain in ("商贸服务", "现代物流"):
        base = base // 2 or 3000
    return Decimal(base + rng.randint(0, 20) * 100)


def _gap(rng) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(20, 110))


def build(*, units, users, size: str) -> str:
    if Project.objects.exists():
        return ""
    rng = random.Random(20261122)
    today = timezone.localdate()
    first_quarter = Period.containing(QUARTER, today).shift(-15)
    window_days = (today - first_quarter.start).days
    count = 600 if size == "full" else 40
    actor = users.get("invest_staff") or users.get("city_staff")
    leaders = [u for u in (users.get("leader"), users.get("deputy")) if u is not None]
    stages = list(Stage.objects.order_by("order"))
    path = [s for s in stages if not s.is_terminal]
    terminal = next((s for s in stages if s.is_terminal), None)
    chains = {c.name: c for c in IndustryChain.objects.all()}
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code"))
    townships = {}
    for t in Region.objects.filter(level=RegionLevel.TOWNSHIP):
        townships.setdefault(t.parent_id, []).append(t)
    enterprises = {}
    for pk, county_id in Enterprise.objects.values_list("id", "county_id")[:5000]:
        enterprises.setdefault(county_id, []).append(pk)
    invest_unit = units["departments"].get("投资促进科")
    used_names = set()
    made = terminated = funds_rows = 0
    projects = []
    for i in range(count):
        chain_name = rng.choice(list(CHAINS))
        divisions, patterns, manufacturing = CHAINS[chain_name]
        while True:
            brand = rng.choice(BRANDS)
            name = rng.choice(patterns).format(b=brand, n=rng.choice([1, 2, 3, 5, 10, 20, 30]))
            if name not in used_names:
                break
            name = f"{rng.choice(['云河', '河东', '临江', '北岭', '青山'])}{name}"
            if name not in used_names:
                break
        used_names.add(name)
        kind = rng.choices(
            [k for k, _ in INVESTOR_TYPE_WEIGHTS], weights=[w for _, w in INVESTOR_TYPE_WEIGHTS]
        )[0]
        investor, origin, place = _investor(rng, kind, brand, chain_name)
        county = rng.choices(counties, weights=[16, 12, 18, 10, 9, 8, 14, 13][: len(counties)])[0]
        township = rng.choice(townships[county.pk]) if rng.random() < 0.8 else None
        total = _investment(rng, chain_name)
        foreign = origin == Origin.OVERSEAS
        entered = today - datetime.timedelta(days=rng.randint(30, window_days + 60))
        in_ledger = total >= 50000 and rng.random() < 0.6
        ledger_period = Period.containing(
            QUARTER, min(entered + datetime.timedelta(days=90), today)
        )
        project = services.project_create(
            actor=actor,
            on=entered,
            code=f"YH-{entered.year}-{i + 1:04d}",
            name=name,
            investor_name=investor,
            investor_type=kind,
            origin=origin,
            origin_place=place,
            industry_division=rng.choice(divisions),
            chain=chains.get(chain_name),
            is_key=total >= 30000 or rng.random() < 0.1,
            is_manufacturing=manufacturing,
            is_foreign=foreign,
            is_fortune500=kind == InvestorType.FORTUNE500,
            in_provincial_ledger=in_ledger,
            ledger_year=ledger_period.year if in_ledger else None,
            ledger_quarter=ledger_period.number if in_ledger else None,
            ledger_batch=f"第{rng.randint(1, 4)}期" if in_ledger else "",
            total_investment=total,
            contract_fdi=(
                total / Decimal("7.1") * Decimal(rng.choice(["0.3", "0.5", "0.8"]))
            ).quantize(Decimal("1"))
            if foreign
            else None,
            county=county,
            township=township,
            site=f"{rng.choice(['产业集聚区', '经济技术开发区', '高新区', '物流园区', '商务中心区'])}"
            f"{rng.choice(['纬一路', '经三路', '创业大道', '工业园', '滨河路'])}",
            lead_unit=invest_unit if rng.random() < 0.4 else units["counties"].get(county.code),
            note="",
        )
        made += 1
        if leaders and (project.is_key or rng.random() < 0.4):
            services.project_add_leader(
                project=project, leader=rng.choice(leaders), start_on=entered, actor=actor
            )
        services.project_add_contact(
            project=project,
            actor=actor,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            position=rng.choice(["项目经理", "总经理", "投资总监", "副总裁"]),
            mobile=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
        )
        # Walk the pipeline: each step some weeks after the last, never past today.
        target = rng.choices(range(len(path)), weights=[8, 12, 22, 14, 22, 22][: len(path)])[0]
        on = entered
        for stage in path[1 : target + 1]:
            nxt = on + _gap(rng)
            if nxt > today:
                break
            on = nxt
            services.project_move_stage(
                project=project,
                stage=stage,
                on=on,
                actor=actor,
                note="" if stage.milestone else "双方已开展实质性洽谈",
            )
        if terminal and rng.random() < 0.08:
            on = min(today, on + _gap(rng))
            services.project_move_stage(
                project=project,
                stage=terminal,
                on=on,
                actor=actor,
                note=rng.choice(TERMINATION_REASONS),
            )
            terminated += 1
        elif project.registered_on and enterprises.get(county.pk) and rng.random() < 0.6:
            services.project_update(
                project=project, actor=actor, enterprise_id=rng.choice(enterprises[county.pk])
            )
        if project.started_on and not project.terminated_on:
            funds_rows += _funds(rng, project, today, actor)
        projects.append(project)
    funds_rows += _start_one_in(rng, path, today, actor, county_code="419902")
    cases = _problems(rng, projects, actor)
    summary = f"新建招商项目 {made} 个（终止 {terminated} 个），到位资金记录 {funds_rows} 条"
    return summary + (
        f"，项目问题转办案件 {cases} 件" if cases else "（诉求办理模块尚未启用，未生成项目问题）"
    )


def _start_one_in(rng, path, today, actor, *, county_code: str) -> int:
    """The demo personas' county (河东区) has a project under way with money arriving, so its
    到位资金 pages have something true to show whatever the draw gave it: its earliest project
    walks on to 开工 through the service (steps evenly between its entry and today)."""
    county_projects = Project.objects.filter(county__code=county_code, terminated_on__isnull=True)
    if county_projects.filter(funds__isnull=False).exists():
        return 0
    started = county_projects.filter(started_on__isnull=False).order_by("started_on", "pk").first()
    if started is not None:
        # Started, but the draw skipped each of its (few) months: its first month arrives.
        return _funds(rng, started, today, actor, first_month_arrives=True)
    project = county_projects.order_by("created_at", "pk").first()
    if project is None:
        return 0
    ahead = [s for s in path if s.order > project.stage.order]
    upto = next((i for i, s in enumerate(ahead) if s.milestone == Milestone.STARTED), None)
    if upto is None:
        return 0
    steps = ahead[: upto + 1]
    last = project.events.order_by("-on", "-pk").values_list("on", flat=True).first() or today
    gap = max(1, (today - last).days // (len(steps) + 1))
    on = last
    for stage in steps:
        on = min(today, on + datetime.timedelta(days=gap))
        services.project_move_stage(project=project, stage=stage, on=on, actor=actor, note="")
    project.refresh_from_db()
    return _funds(rng, project, today, actor, first_month_arrives=True)


def _funds(rng, project, today, actor, *, first_month_arrives: bool = False) -> int:
    """Money arrives monthly from the start of works, about 40—90% of the investment overall."""
    month = project.started_on.replace(day=1)
    last = today.replace(day=1)
    months = []
    while month <= last and len(months) < 18:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    if not months:
        return 0
    # Spread over the 18 months the money takes to arrive, not over the months elapsed so far: a
    # project started last month receives a month's share, not its whole investment at once.
    share = project.total_investment * Decimal(rng.choice(["0.4", "0.55", "0.7", "0.9"])) / 18
    written = 0
    for month in months:
        if rng.random() < 0.25 and not (first_month_arrives and month == months[0]):
            continue
        amount = (share * Decimal(rng.uniform(0.5, 1.5))).quantize(Decimal("0.01"))
        overseas = amount if project.origin == Origin.OVERSEAS else Decimal("0")
        outside = Decimal("0") if overseas else amount
        working = (amount * Decimal("0.15")).quantize(Decimal("0.01"))
        fdi = (overseas / Decimal("7.1")).quantize(Decimal("0.01")) if overseas else Decimal("0")
        services.project_record_funds(
            project=project,
            month=month,
            actor=actor,
            provincial_outside=outside,
            overseas=overseas,
            working_capital=working,
            fdi_usd=fdi,
        )
        written += 1
    return written


def _problems(rng, projects, actor) -> int:
    if not services.cases_available():
        return 0
    from shangwu.cases.models import CaseCategory

    categories = list(CaseCategory.objects.filter(is_active=True))
    if not categories:
        return 0
    made = 0
    candidates = [p for p in projects if p.signed_on and not p.terminated_on]
    for project in rng.sample(candidates, min(len(candidates), max(3, len(projects) // 20))):
        title, content = rng.choice(PROBLEMS)
        services.project_raise_problem(
            project=project,
            actor=actor,
            title=title,
            content=content,
            category=rng.choice(categories),
        )
        made += 1
    return made
