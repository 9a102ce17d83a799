import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shangwu.organization.models import OrgUnit, Region
from shangwu.promotion import services
from shangwu.promotion.models import EventKind

# A fixed day the tests are held on (the status rules read "today" from ``now``).
TODAY = datetime.date(2026, 6, 30)
NOW = timezone.make_aware(datetime.datetime(2026, 6, 30, 10))


@pytest.fixture
def kind(db):
    """``kind("food_festival")``: a default kind by its code."""
    return lambda code: EventKind.objects.get(code=code)


@pytest.fixture
def make_event(db, city_staff, county_a):
    """An event registered through the service: in 河东区 by county_a unless ``county=None``
    (city-wide, by city_staff); ``status="held"`` walks it there."""

    def make(
        *,
        kind="food_festival",
        county="419902",
        township=None,
        start=datetime.date(2026, 5, 1),
        days=3,
        status="planned",
        actor=None,
        **fields,
    ):
        region = Region.objects.get(code=county) if county else None
        if actor is None:
            actor = county_a if county == "419902" else city_staff
        organiser = (
            OrgUnit.objects.get(region=region, kind="county_bureau")
            if region is not None
            else actor.org_unit
        )
        event = services.event_create(
            actor=actor,
            name=fields.pop("name", "测试活动"),
            kind=EventKind.objects.get(code=kind),
            level="county" if region else "city",
            organiser=organiser,
            county=region,
            township=Region.objects.get(code=township) if township else None,
            start_on=start,
            end_on=start + datetime.timedelta(days=days - 1),
            **fields,
        )
        path = ["preparing", "held", "summarised"]
        for step in path[: path.index(status) + 1] if status != "planned" else []:
            if step == "summarised":
                services.event_update(event=event, actor=actor, summary="活动圆满结束。")
            services.event_move(event=event, to_status=step, actor=actor, now=NOW)
        return event

    return make


@pytest.fixture
def make_project(db, city_staff):
    from shangwu.projects.services import project_create

    def make(*, county="419902", total=5000, name="测试签约项目"):
        return project_create(
            actor=city_staff,
            on=datetime.date(2026, 4, 1),
            code=f"P-{name}-{county}-{total}",
            name=name,
            investor_name="测试投资集团有限公司",
            investor_type="private",
            origin="province",
            origin_place="江苏",
            total_investment=Decimal(total),
            county=Region.objects.get(code=county),
        )

    return make
