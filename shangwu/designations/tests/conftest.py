import datetime

import pytest
from django.utils import timezone

from shangwu.designations import services
from shangwu.designations.models import DesignationKind
from shangwu.organization.models import OrgUnit, Region

# A fixed day the tests are held on (the steps read "today" from ``now``).
TODAY = datetime.date(2026, 6, 30)
NOW = timezone.make_aware(datetime.datetime(2026, 6, 30, 10))

PATH = ["cultivating", "applied", "recommended", "awarded"]


@pytest.fixture
def kind(db):
    """``kind("zhonghua_laozihao")``: a default kind by its code."""
    return lambda code: DesignationKind.objects.get(code=code)


def county_bureau(code):
    return OrgUnit.objects.get(region__code=code, kind="county_bureau")


@pytest.fixture
def make_designation(db, county_a, county_b, city_staff, make_enterprise):
    """A designation put on the cultivation list through the service and walked through the
    steps up to ``status`` (培育 2024-01-10, 申报 02-01, 推荐 03-01, 认定 ``awarded_on``)."""

    def make(
        *,
        kind="city_laozihao",
        county="419902",
        status="cultivating",
        holder_type=None,
        enterprise=None,
        holder_name="",
        township=None,
        awarded_on=datetime.date(2024, 4, 1),
        start=datetime.date(2024, 1, 10),
        actor=None,
        **fields,
    ):
        kind_obj = DesignationKind.objects.get(code=kind)
        holder_type = holder_type or kind_obj.holder_types[0]
        if actor is None:
            actor = {"419902": county_a, "419921": county_b}.get(county, city_staff)
        if holder_type in ("enterprise", "store") and enterprise is None:
            enterprise = make_enterprise(county=county, township=township)
        unit = county_bureau(county) if county else city_staff.org_unit
        d = services.designation_cultivate(
            actor=actor,
            kind=kind_obj,
            holder_type=holder_type,
            enterprise=enterprise,
            holder_name=holder_name,
            county=Region.objects.get(code=county)
            if county and holder_type not in ("enterprise", "store")
            else None,
            township=Region.objects.get(code=township)
            if township and holder_type not in ("enterprise", "store")
            else None,
            responsible_unit=unit,
            on=start,
            now=NOW,
            **fields,
        )
        steps = PATH[1 : PATH.index(status) + 1] if status in PATH else PATH[1:]
        for step in steps:
            if step == "applied":
                services.designation_apply(
                    designation=d, actor=actor, on=start + datetime.timedelta(days=22), now=NOW
                )
            elif step == "recommended":
                services.designation_recommend(
                    designation=d,
                    actor=actor,
                    on=start + datetime.timedelta(days=50),
                    level="county",
                    doc="河商字〔2024〕8号",
                    now=NOW,
                )
            elif step == "awarded":
                services.designation_award(
                    designation=d, actor=actor, on=awarded_on, doc="云政〔2024〕12号", now=NOW
                )
        if status not in PATH:
            ender = {
                "revoked": services.designation_revoke,
                "delisted": services.designation_delist,
            }[status]
            ender(designation=d, actor=actor, on=TODAY, reason="测试", now=NOW)
        d.refresh_from_db()
        return d

    return make
