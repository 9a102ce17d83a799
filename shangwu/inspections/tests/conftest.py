"""Small fixtures of inspections: fuel stations and stores in 河东区 and 云水县, inspectors with
执法证 numbers, plans made through the services."""

import datetime

import pytest

from shangwu.enterprises.models import Tag
from shangwu.inspections import services
from shangwu.inspections.models import InspectionKind
from shangwu.organization.models import OrgUnit, Region

# A working Monday the tests are held on (before 国庆 2026).
TODAY = datetime.date(2026, 9, 14)
COUNTY_A, COUNTY_B, TOWNSHIP_A1 = "419902", "419921", "419902001"


@pytest.fixture
def kind(db):
    """``kind("fuel_station_annual")``: a default inspection kind by its code."""
    return lambda code: InspectionKind.objects.get(code=code)


@pytest.fixture
def make_site(db, make_enterprise):
    """A site of a new enterprise tagged for ``tag`` (成品油零售 by default) in ``county``."""
    counter = iter(range(1, 10_000))

    def make(*, county=COUNTY_A, township=None, tag="oil_retail", enterprise=None, **fields):
        n = next(counter)
        if enterprise is None:
            enterprise = make_enterprise(
                county=county,
                township=township,
                name=f"测试石油{county}{n}有限公司",
                tags=[Tag.objects.get(code=tag)],
            )
        fields.setdefault("name", f"{enterprise.name}第{n}加油站")
        fields.setdefault("site_type", "fuel_station" if tag == "oil_retail" else "store")
        if fields["site_type"] == "fuel_station":
            fields.setdefault("licence_no", f"油零售证书第{county}{n:04d}号")
            fields.setdefault("licence_valid_until", datetime.date(2028, 12, 31))
        return services.site_create(
            actor=None,
            enterprise=enterprise,
            county=Region.objects.get(code=county),
            township=Region.objects.get(code=township) if township else None,
            manager_name="钱站长",
            **fields,
        )

    return make


@pytest.fixture
def make_officer(db):
    """A further business user of a county (to fill an inspector pool)."""
    from shangwu.accounts.models import User

    counter = iter(range(1, 1000))

    def make(county=COUNTY_A, name=None):
        n = next(counter)
        unit = OrgUnit.objects.get(region__code=county, kind="county_bureau")
        return User.objects.create(
            username=f"officer{county}{n}",
            name=name or f"执法员{n}",
            role="county_staff",
            org_unit=unit,
        )

    return make


@pytest.fixture
def make_inspector(db):
    counter = iter(range(1, 1000))

    def make(user, cert_no=None):
        return services.inspector_register(
            actor=None, user=user, cert_no=cert_no or f"豫执{user.pk:05d}{next(counter)}"
        )

    return make


@pytest.fixture
def make_plan(db, kind, city_staff):
    def make(*, actor=None, code="fuel_station_annual", method="random", county=COUNTY_A, **fields):
        fields.setdefault("start_on", datetime.date(2026, 9, 1))
        fields.setdefault("end_on", datetime.date(2026, 12, 31))
        if method == "random" and not fields.get("sample_count"):
            fields.setdefault("sample_percent", 50)
        return services.plan_create(
            actor=actor,
            kind=kind(code),
            method=method,
            county=Region.objects.get(code=county) if county else None,
            organiser=city_staff.org_unit,
            **fields,
        )

    return make
