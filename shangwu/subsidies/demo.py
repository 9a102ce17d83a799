"""Demo subsidy programmes for 云河市: the city's 消费品以旧换新 programme of this year (家电 and
汽车 rules, every county) with about 5,000 applications (200 for ``size="small"``) across the
counties, categories and statuses — most paid, some still in 受理 or 审核, a few rejected, and
some past their promised working days (red) — and 河东区's own 电动自行车以旧换新 programme with
a few applications (a programme a 河东区 officer sees and 云水县's does not).

The programmes go through the services; the applications and their event rows are written on
the bulk path (``core.demo.insert_objects``), their clocks by the same working-day calendar as
the services, so the full demo grows by a second or two."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from shangwu.cases.deadlines import end_of_day
from shangwu.core.demo import insert_objects
from shangwu.enterprises.models import Enterprise
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region
from shangwu.subsidies import services
from shangwu.subsidies.choices import (
    ApplicationEventKind,
    ApplicationStatus,
    ProductCategory,
    ProgrammeKind,
)
from shangwu.subsidies.models import (
    SubsidyApplication,
    SubsidyApplicationEvent,
    SubsidyProgramme,
)
from shangwu.workcalendar.services import workdays_add, workdays_between

COUNTY_A, TOWNSHIP_A1 = "419902", "419902001"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅玉兰志鹏宇浩然欣怡子轩"
# category → (weight, price range 元)
APPLIANCES = {
    ProductCategory.FRIDGE: (22, (2500, 9000)),
    ProductCategory.WASHER: (18, (1800, 6000)),
    ProductCategory.AIRCON: (22, (2600, 8000)),
    ProductCategory.TV: (16, (2200, 12000)),
    ProductCategory.COMPUTER: (8, (3500, 9000)),
    ProductCategory.WATER_HEATER: (6, (1500, 5000)),
    ProductCategory.PASSENGER_CAR: (5, (80000, 220000)),
    ProductCategory.NEV: (3, (100000, 260000)),
}
WEIGHTS = [w for w, _ in APPLIANCES.values()]
CATEGORIES = list(APPLIANCES)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(rng, county_code: str) -> str:
    birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randrange(0, 17000))
    body = f"{county_code}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _programmes(units, users, today):
    city = units["departments"].get("市场运行与消费促进科") or next(
        iter(units["departments"].values())
    )
    actor = users.get("city_staff")
    year_start = datetime.date(today.year, 1, 1)
    main = services.subsidy_programme_create(
        actor=actor,
        name=f"云河市{today.year}年消费品以旧换新（汽车、家电）",
        kind=ProgrammeKind.APPLIANCE,
        organiser=city,
        start_on=year_start,
        end_on=datetime.date(today.year, 12, 31),
        central_funds=Decimal("12000"),
        provincial_funds=Decimal("1500"),
        city_funds=Decimal("1000"),
        county_funds=Decimal("500"),
        promised_workdays=15,
        note="国家消费品以旧换新政策：家电按销售价格的15%（一级能效20%）补贴，汽车报废更新定额补贴。",
        rules=[
            {"category": c, "percent": Decimal("15"), "cap_per_unit": Decimal("2000")}
            for c in (
                ProductCategory.FRIDGE,
                ProductCategory.WASHER,
                ProductCategory.AIRCON,
                ProductCategory.TV,
                ProductCategory.COMPUTER,
                ProductCategory.WATER_HEATER,
            )
        ]
        + [
            {"category": ProductCategory.PASSENGER_CAR, "amount_per_unit": Decimal("15000")},
            {"category": ProductCategory.NEV, "amount_per_unit": Decimal("20000")},
        ],
    )
    county_a = Region.objects.get(code=COUNTY_A)
    ebike = services.subsidy_programme_create(
        actor=actor,
        name=f"河东区{today.year}年电动自行车以旧换新",
        kind=ProgrammeKind.EBIKE,
        organiser=units["counties"][COUNTY_A],
        counties=[county_a],
        start_on=datetime.date(today.year, 3, 1),
        end_on=datetime.date(today.year, 12, 31),
        county_funds=Decimal("200"),
        promised_workdays=10,
        rules=[{"category": ProductCategory.EBIKE, "amount_per_unit": Decimal("500")}],
    )
    return main, ebike


def _status(rng, accepted_on, today, workdays) -> tuple:
    """(status, reviewed_on, paid_on, rejected_on) of an application accepted on ``accepted_on``:
    most paid within the promise, some late, the recent ones still open, a few rejected."""
    age = workdays_between(start=accepted_on, end=today, provisional=True)
    roll = rng.random()
    review_days = rng.randint(1, 6)
    if roll < 0.05 and age >= 2:
        on = workdays_add(start=accepted_on, days=min(review_days, age), provisional=True)
        return ApplicationStatus.REJECTED, None, None, on
    pay_days = review_days + rng.randint(2, workdays + (8 if roll < 0.12 else -3))
    if age < review_days or roll > 0.985:
        return ApplicationStatus.ACCEPTED, None, None, None
    reviewed = workdays_add(start=accepted_on, days=review_days, provisional=True)
    if age < pay_days or roll > 0.96:
        return ApplicationStatus.REVIEWED, reviewed, None, None
    return (
        ApplicationStatus.PAID,
        reviewed,
        workdays_add(start=accepted_on, days=pay_days, provisional=True),
        None,
    )


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _applications(
    rng, programme, count, today, counties, townships, dealers, *, categories=None, unmatched=()
):
    """``unmatched``: dealer names the platform gave that the registry does not hold, for the
    first applications (kept as text, listed for matching)."""
    rules = {r.category: r for r in programme.rules.all()}
    span = (min(today, programme.end_on) - programme.start_on).days
    apps, events = [], []
    for n in range(count):
        category = (
            rng.choices(CATEGORIES, WEIGHTS)[0] if categories is None else rng.choice(categories)
        )
        low, high = APPLIANCES.get(category, (0, (1800, 4500)))[1]
        units = (
            1
            if category in (ProductCategory.PASSENGER_CAR, ProductCategory.NEV)
            or rng.random() < 0.9
            else 2
        )
        sale = Decimal(rng.randrange(low, high)) * units
        rule = rules[category]
        subsidy = rule.subsidy_for(units=units, sale_amount=sale)
        county = counties[n % len(counties)] if n % 3 else rng.choice(counties)
        town = rng.choice(townships.get(county.pk, [None])) if rng.random() < 0.6 else None
        accepted = programme.start_on + datetime.timedelta(days=int(span * rng.random() ** 0.8))
        accepted = min(accepted, today)
        status, reviewed, paid, rejected = _status(
            rng, accepted, today, programme.promised_workdays
        )
        due = workdays_add(start=accepted, days=programme.promised_workdays, provisional=True)
        open_ = status in (ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWED)
        pool = dealers.get(county.pk) or [None]
        app = SubsidyApplication(
            programme=programme,
            number=f"YJHX-{programme.pk:02d}-{accepted:%Y%m%d}-{n:05d}",
            applicant_name=_name(rng),
            id_number=_id_number(rng, county.code),
            category=category,
            units=units,
            sale_amount=sale,
            subsidy_amount=subsidy,
            rule_amount=subsidy,
            dealer_id=None if n < len(unmatched) else rng.choice(pool),
            dealer_unmatched_name=unmatched[n] if n < len(unmatched) else "",
            county=county,
            township=town,
            status=status,
            accepted_on=accepted,
            reviewed_on=reviewed,
            paid_on=paid,
            rejected_on=rejected,
            reject_reason="购新发票与申请信息不符" if rejected else "",
            due_on=due,
            next_deadline_at=end_of_day(due) if open_ else None,
            workdays_to_pay=workdays_between(start=accepted, end=paid, provisional=True)
            if paid
            else None,
            note="演示数据",
        )
        app.created_at = app.updated_at = _moment(accepted, 9)
        apps.append(app)
    insert_objects(SubsidyApplication, apps)
    for app in apps:
        steps = [
            (ApplicationEventKind.CREATED, "", ApplicationStatus.ACCEPTED, app.accepted_on, "受理")
        ]
        if app.reviewed_on:
            steps.append(
                (
                    ApplicationEventKind.REVIEWED,
                    ApplicationStatus.ACCEPTED,
                    ApplicationStatus.REVIEWED,
                    app.reviewed_on,
                    "审核通过",
                )
            )
        if app.paid_on:
            steps.append(
                (
                    ApplicationEventKind.PAID,
                    ApplicationStatus.REVIEWED,
                    ApplicationStatus.PAID,
                    app.paid_on,
                    "拨付补贴资金",
                )
            )
        if app.rejected_on:
            steps.append(
                (
                    ApplicationEventKind.REJECTED,
                    ApplicationStatus.ACCEPTED,
                    ApplicationStatus.REJECTED,
                    app.rejected_on,
                    app.reject_reason,
                )
            )
        for hour, (kind, old, new, on, note) in enumerate(steps, start=9):
            events.append(
                SubsidyApplicationEvent(
                    application=app,
                    kind=kind,
                    from_status=old,
                    to_status=new,
                    on=on,
                    note=note,
                    at=_moment(on, hour),
                )
            )
    insert_objects(SubsidyApplicationEvent, events)
    return len(apps)


def build(*, units, users, size: str) -> str:
    if SubsidyProgramme.objects.exists():
        return ""
    rng = random.Random(20261208)
    today = timezone.localdate()
    main, ebike = _programmes(units, users, today)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code"))
    townships: dict[int, list[Region]] = {}
    for t in Region.objects.filter(level=RegionLevel.TOWNSHIP):
        townships.setdefault(t.parent_id, []).append(t)
    dealers: dict[int, list[int]] = {}
    for pk, county_id in Enterprise.objects.order_by("pk").values_list("pk", "county_id")[:3000]:
        dealers.setdefault(county_id, []).append(pk)
    count = 5000 if size == "full" else 200
    made = _applications(rng, main, count, today, counties, townships, dealers)
    county_a = next(c for c in counties if c.code == COUNTY_A)
    made += _applications(
        rng,
        ebike,
        60 if size == "full" else 12,
        today,
        [county_a],
        townships,
        dealers,
        categories=[ProductCategory.EBIKE],
        unmatched=["河东区绿源电动车专卖店"] * 3,
    )
    from shangwu.audit.choices import AuditAction
    from shangwu.audit.services import audit_write

    audit_write(
        action=AuditAction.CREATE,
        object_type=SubsidyApplication._meta.label_lower,
        object_repr="演示数据",
        detail=f"批量生成演示补贴申请 {made} 件及其动态（insert_objects）。",
    )
    return f"新建补贴项目 2 个、补贴申请 {made} 件"
