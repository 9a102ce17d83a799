"""Demo inspections of 云河市 (§10): about 120 fuel stations and 200 supermarket stores across
the counties (a fifth of that in 河东区 and 云水县 for ``size="small"``), prepaid-card issuers,
inspectors holding 执法证 in each county and the city's 市场秩序科, and a year of plans — a
monthly city-wide 双随机 商超 check, pre-holiday specials (春节, 国庆), the annual 加油站 全覆盖
(most stations done, some still missing), one 双随机 plan on prepaid cards — with inspections
through the real services, findings in every rectification state left to the rectification
module. Idempotent: a second run finds the sites and does nothing."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from shangwu.accounts.choices import Role
from shangwu.accounts.models import User
from shangwu.enterprises.models import Enterprise, Tag
from shangwu.inspections import services
from shangwu.inspections.models import Inspection, InspectionKind, Site
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import OrgUnit, Region

SMALL_COUNTIES = ("419902", "419921")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
CHAINS = ["惠万家超市", "家家乐购物广场", "好又多生活超市"]


def _person(rng) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    )


def _credit_code(rng, county_code: str) -> str:
    from shangwu.enterprises.demo import make_credit_code

    while True:
        code = make_credit_code(rng, county_code)
        if not Enterprise.objects.filter(credit_code=code).exists():
            return code


def _enterprise(rng, county, name, tag, now):
    from shangwu.enterprises.services import enterprise_create

    existing = Enterprise.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return enterprise_create(
        actor=None,
        credit_code=_credit_code(rng, county.code),
        name=name,
        county=county,
        tags=[tag],
        now=now,
    )


def _inspectors(rng, counties, units) -> None:
    """Two officers with 执法证 per county (the county persona and one more), three of the city's
    市场秩序科; the township persona holds one too."""
    from django.conf import settings

    from shangwu.accounts.services import user_bootstrap

    n = 0

    def officer(username, name, unit, role):
        nonlocal n
        user = User.objects.filter(username=username).first() or user_bootstrap(
            username=username,
            name=name,
            role=role,
            org_unit=unit,
            password=settings.DEMO_PASSWORD,
            position="执法人员",
            must_change_password=False,
        )
        n += 1
        if not hasattr(user, "inspector"):
            services.inspector_register(
                actor=None,
                user=user,
                cert_no=f"豫{unit.region.code[:6]}{n:04d}",
                cert_valid_until=datetime.date(2028, 12, 31),
            )

    order = OrgUnit.objects.filter(name__contains="市场秩序科").first() or units["bureau"]
    for i in range(3):
        officer(f"zhifa_city{i + 1}", _person(rng), order, Role.CITY_STAFF)
    for county in counties:
        unit = units["counties"][county.code]
        persona = User.objects.filter(org_unit=unit, role=Role.COUNTY_STAFF).first()
        if persona is not None and not hasattr(persona, "inspector"):
            officer(persona.username, persona.name, unit, persona.role)
        for i in range(2):
            officer(f"zhifa_{county.code}_{i + 1}", _person(rng), unit, Role.COUNTY_STAFF)
    township = User.objects.filter(username="township_a1").first()
    if township is not None and not hasattr(township, "inspector"):
        officer("township_a1", township.name, township.org_unit, township.role)


def _sites(rng, counties, scale, now) -> None:
    oil, market = Tag.objects.get(code="oil_retail"), Tag.objects.get(code="supermarket")
    prepaid = Tag.objects.get(code="prepaid_card")
    for county in counties:
        townships = list(Region.objects.filter(parent=county).order_by("code"))
        short = county.name[:2]
        sinopec = _enterprise(rng, county, f"中国石化销售股份有限公司云河{short}分公司", oil, now)
        petro = _enterprise(
            rng, county, f"中国石油天然气股份有限公司云河{short}销售分公司", oil, now
        )
        stations = [(sinopec, 8), (petro, 4)] + [
            (
                _enterprise(
                    rng, county, f"云河{short}{rng.choice('东南西北')}顺{i}加油站有限公司", oil, now
                ),
                1,
            )
            for i in range(3)
        ]
        for enterprise, count in stations:
            for i in range(max(1, count // scale)):
                township = rng.choice(townships)
                valid = now.date() + datetime.timedelta(days=rng.randint(20, 1400))
                services.site_create(
                    actor=None,
                    enterprise=enterprise,
                    name=f"{enterprise.name[:4]}{township.name}{i + 1}号加油站",
                    site_type="fuel_station",
                    county=county,
                    township=township,
                    address=f"{county.name}{township.name}{rng.randint(1, 300)}号",
                    licence_no=f"油零售证书第{county.code}{rng.randint(1000, 9999)}号",
                    licence_valid_until=valid,
                    tanks=rng.randint(2, 6),
                    pumps=rng.randint(4, 12),
                    manager_name=_person(rng),
                )
        for chain in CHAINS[:2]:
            enterprise = _enterprise(rng, county, f"云河{short}{chain}有限公司", market, now)
            for i in range(max(1, 8 // scale)):
                township = rng.choice(townships)
                services.site_create(
                    actor=None,
                    enterprise=enterprise,
                    name=f"{chain}{township.name}店{i + 1}",
                    site_type="store",
                    county=county,
                    township=township,
                    manager_name=_person(rng),
                )
        for i in range(max(1, 9 // scale)):
            enterprise = _enterprise(
                rng, county, f"{short}{rng.choice('鑫福顺兴')}{i + 1}便民超市", market, now
            )
            services.site_create(
                actor=None,
                enterprise=enterprise,
                name=enterprise.name,
                site_type="store",
                county=county,
                township=rng.choice(townships),
                manager_name=_person(rng),
            )
        for i in range(max(1, 3 // scale)):
            enterprise = _enterprise(
                rng, county, f"{short}{rng.choice('美悦康')}{i + 1}健身美容有限公司", prepaid, now
            )
            services.site_create(
                actor=None,
                enterprise=enterprise,
                name=f"{enterprise.name}经营场所",
                site_type="premises",
                county=county,
                township=rng.choice(townships),
                manager_name=_person(rng),
            )


# A 1×1 PNG: the demo's one inspection photo (so the photo route has a record to open).
PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)
_photo_taken = []


def _photo(inspection, answers) -> None:
    """The first inspection with a failed item in 河东区 gets a photo of it, taken by county_a
    through the file service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if _photo_taken or inspection.county.code != "419902":
        return
    failed = [pk for pk, (result, _note) in answers.items() if result == "fail"]
    actor = User.objects.filter(username="county_a").first()
    if not failed or actor is None:
        return
    services.inspection_photo_add(
        inspection=inspection,
        actor=actor,
        upload=SimpleUploadedFile("现场照片.png", PHOTO, "image/png"),
        item_id=failed[0],
    )
    _photo_taken.append(inspection.pk)


def _inspect(rng, inspection, on, fail_rate):
    answers = {}
    for answer in inspection.answers.select_related("item"):
        if rng.random() < fail_rate:
            answers[answer.item_id] = ("fail", "现场发现问题，已责令整改")
        else:
            answers[answer.item_id] = ("pass", "")
    services.inspection_save(
        inspection=inspection, actor=None, answers=answers, signature_name=_person(rng)
    )
    _photo(inspection, answers)
    services.inspection_submit(
        inspection=inspection,
        actor=None,
        responsible_person=inspection.site.manager_name or _person(rng),
        now=timezone.make_aware(datetime.datetime.combine(on, datetime.time(10))),
    )


def _carry_out(rng, plan, *, share, fail_rate, last_day):
    """Inspect ``share`` of the plan's targets on days within its period up to ``last_day``."""
    end = min(plan.end_on, last_day)
    if end < plan.start_on:
        return
    span = (end - plan.start_on).days
    for target in plan.targets.filter(is_active=True).select_related("site").order_by("pk"):
        if rng.random() > share:
            continue
        on = plan.start_on + datetime.timedelta(days=rng.randint(0, span))
        inspection = services.inspection_start(actor=None, target=target, inspected_on=on)
        if not inspection.inspectors.exists():
            team = list(
                User.objects.filter(inspector__county_id=target.site.county_id).order_by("pk")[:2]
            )
            inspection.inspectors.set(team)
        _inspect(rng, inspection, on, fail_rate)


def build(*, units, users, size="full") -> str:
    if Site.objects.exists():
        return ""
    rng = random.Random(2126)
    _photo_taken.clear()
    scale = 1 if size == "full" else 4
    all_counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    counties = [c for c in all_counties if size == "full" or c.code in SMALL_COUNTIES]
    now = timezone.now()
    today = timezone.localdate()
    year = today.year
    _inspectors(rng, counties, units)
    _sites(rng, counties, scale, now)
    organiser = OrgUnit.objects.filter(name__contains="市场秩序科").first() or units["bureau"]
    kind = {k.code: k for k in InspectionKind.objects.all()}
    last_day = today - datetime.timedelta(days=1)

    # The annual fuel-station 全覆盖: most stations done, some still missing.
    annual = services.plan_create(
        actor=None,
        name=f"{year}年加油站年度检查（全覆盖）",
        kind=kind["fuel_station_annual"],
        method="full",
        start_on=datetime.date(year, 3, 1),
        end_on=datetime.date(year, 12, 20),
        organiser=organiser,
    )
    services.plan_fix_targets(plan=annual, actor=None)
    _carry_out(rng, annual, share=0.75, fail_rate=0.06, last_day=last_day)

    # Monthly city-wide 双随机 商超 checks, drawn and published after the month.
    for month in range(1, 13):
        start = datetime.date(year, month, 1)
        if start > today:
            break
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        plan = services.plan_create(
            actor=None,
            name=f"{year}年{month}月商超安全生产双随机检查",
            kind=kind["supermarket_safety"],
            method="random",
            sample_percent=10,
            start_on=start,
            end_on=end,
            organiser=organiser,
        )
        services.plan_draw(plan=plan, actor=None, seed=f"demo-{year}-{month:02d}")
        _carry_out(rng, plan, share=1.0 if end < today else 0.4, fail_rate=0.08, last_day=last_day)
        if end < today:
            services.plan_publish(plan=plan, actor=None)

    # Pre-holiday specials (dates from the working-day calendar).
    for holiday in ("spring_festival", "national_day"):
        try:
            start, end = services.holiday_window(holiday=holiday, year=year)
        except Exception:  # a year the calendar does not know: no special
            continue
        plan = services.plan_create(
            actor=None,
            kind=kind["supermarket_safety"],
            method="special",
            holiday=holiday,
            name=f"{year}年{dict(services.HOLIDAY_NAMES)[holiday]}节前商超安全专项检查",
            start_on=start,
            end_on=end,
            organiser=organiser,
        )
        stores = list(services.plan_subjects(plan).order_by("pk"))
        services.plan_fix_targets(
            plan=plan, actor=None, sites=rng.sample(stores, min(len(stores), 12 // scale + 3))
        )
        _carry_out(rng, plan, share=1.0, fail_rate=0.1, last_day=last_day)

    # 河东区's own 油品质量 双随机 plan (the county draws from its own inspectors).
    hedong = Region.objects.filter(code="419902").first()
    if hedong is not None and hedong in counties:
        quality = services.plan_create(
            actor=None,
            name=f"{year}年河东区油品质量双随机抽查",
            kind=kind["oil_quality"],
            method="random",
            sample_percent=50,
            county=hedong,
            start_on=datetime.date(year, 6, 1),
            end_on=datetime.date(year, 12, 31),
            organiser=units["counties"]["419902"],
        )
        services.plan_draw(plan=quality, actor=None, seed=f"demo-hedong-{year}")
        _carry_out(rng, quality, share=0.5, fail_rate=0.1, last_day=last_day)

    # One 双随机 plan on prepaid cards, drawn but not yet inspected.
    prepaid = services.plan_create(
        actor=None,
        name=f"{year}年单用途预付卡双随机抽查",
        kind=kind["prepaid_card"],
        method="random",
        sample_percent=50,
        start_on=max(today, datetime.date(year, 11, 1)),
        end_on=datetime.date(year, 12, 31),
        organiser=organiser,
    )
    services.plan_draw(plan=prepaid, actor=None, seed=f"demo-prepaid-{year}")
    _rectify(rng, today)
    return f"新建检查场所 {Site.objects.count()} 个、检查记录 {Inspection.objects.count()} 条"


def _rectify(rng, today) -> None:
    """§6: findings in every rectification state, through rectification.py's services — most
    past their deadline rectified (a few late), rechecked and 销号, some 待复查 or sent back
    (未整改), some still 整改中 past the deadline (红灯); one 重大隐患 referred (移送)."""
    from shangwu.inspections import rectification
    from shangwu.inspections.models import Hazard

    referred = photographed = False
    for hazard in Hazard.objects.select_related("county").order_by("pk"):
        roll = rng.random()
        if hazard.deadline >= today:
            if roll < 0.4:
                rectification.hazard_rectify(
                    hazard=hazard, actor=None, note="已按要求整改", rectified_on=today
                )
            continue
        if roll < 0.12:  # left 整改中, red
            if hazard.severity == "major" and not referred:
                rectification.hazard_refer(
                    hazard=hazard, actor=None, department="市应急管理局", on=today
                )
                referred = True
            continue
        late = rng.random() < 0.15
        day = hazard.deadline + datetime.timedelta(
            days=rng.randint(1, 5) if late else -rng.randint(0, 3)
        )
        day = max(hazard.found_on, min(day, today))
        photos = []
        if not photographed and hazard.county.code == "419902":
            from django.core.files.uploadedfile import SimpleUploadedFile

            photos = [SimpleUploadedFile("整改照片.png", PHOTO, "image/png")]
            photographed = True
        rectification.hazard_rectify(
            hazard=hazard,
            actor=User.objects.filter(username="county_a").first() if photos else None,
            note="已按要求整改",
            rectified_on=day,
            photos=photos,
        )
        if roll < 0.2:
            continue  # 待复查
        recheck_on = min(day + datetime.timedelta(days=2), today)
        if roll < 0.27:
            rectification.hazard_recheck(
                hazard=hazard,
                actor=None,
                result="not_rectified",
                note="整改不到位，需继续整改",
                recheck_on=recheck_on,
            )
            continue
        rectification.hazard_recheck(
            hazard=hazard, actor=None, result="rectified", recheck_on=recheck_on
        )
        if roll < 0.35:
            continue  # 已整改, not yet 销号
        rectification.hazard_close(hazard=hazard, actor=None)
