import datetime

import pytest
from django.utils import timezone

from shangwu.cases import services
from shangwu.cases.choices import CaseKind, CaseSource
from shangwu.cases.models import CaseCategory
from shangwu.organization.models import OrgUnit, Region


def at(text: str) -> datetime.datetime:
    """An aware Asia/Shanghai moment from 'YYYY-MM-DD HH:MM'."""
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


@pytest.fixture
def county_unit(db):
    return OrgUnit.objects.get(name="河东区商务局")


@pytest.fixture
def township_unit(db):
    return OrgUnit.objects.get(name="东湖街道办事处")


@pytest.fixture
def category(db):
    return CaseCategory.objects.get(name="融资")


@pytest.fixture
def make_case(db, county_a, make_enterprise, category):
    """A case registered by county_a (河东区商务局 dispatches), optionally assigned at ``assigned``."""

    def make(*, source=CaseSource.VISIT, kind=CaseKind.ORDINARY, received="2025-03-03 09:00", assign_to=None,
             assigned=None, actor=None, enterprise=True, county="419902", title="企业反映融资难"):
        actor = actor or county_a
        ent = make_enterprise(county=county) if enterprise else None
        case = services.case_register(
            actor=actor, source=source, kind=kind, category=category, title=title, content="详细情况……",
            county=Region.objects.get(code=county), enterprise=ent, contact_name="李经理",
            contact_phone="13912345678", received_at=at(received), now=at(received))
        if assign_to is not None:
            services.case_assign(case=case, actor=actor, lead_unit=assign_to, now=at(assigned or received))
        return case

    return make
