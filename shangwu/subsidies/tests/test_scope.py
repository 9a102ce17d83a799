"""Who sees and who changes which programme and application, on the list, detail, edit and
export pages and the API (``core.testing.ScopeTestCases``), for every persona; the steps and
the API actions out of scope; the 企业用户 (a dealer) reads its own applications through
``restrict`` and has no page."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shangwu.core.testing import ScopeTestCases, business_models, model_routes
from shangwu.organization.models import Region
from shangwu.subsidies import services
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme

pytestmark = pytest.mark.django_db


def _clients():
    pages, apis = {}, {}

    def client_for(user):
        key = user.pk if user else None
        if key not in pages:
            pages[key] = Client()
            if user is not None:
                pages[key].force_login(user)
        return pages[key]

    def api_for(user):
        key = user.pk if user else None
        if key not in apis:
            apis[key] = APIClient()
            if user is not None:
                apis[key].force_authenticate(user)
        return apis[key]

    return client_for, api_for


@pytest.fixture
def records(programme, make_application, city_staff):
    hedong_programme = services.subsidy_programme_create(
        actor=city_staff,
        name="河东区电动自行车以旧换新",
        kind="ebike",
        organiser=city_staff.org_unit,
        counties=[Region.objects.get(code="419902")],
        start_on=datetime.date(2026, 1, 1),
        end_on=datetime.date(2026, 12, 31),
        rules=[{"category": "ebike", "amount_per_unit": 500}],
    )
    return {
        "city_programme": programme,
        "hedong_programme": hedong_programme,
        "hedong": make_application(township="419902001"),
        "hedong_elsewhere": make_application(),
        "yunshui": make_application(county="419921"),
    }


PERSONAS = [
    None,
    "leader",
    "city_staff",
    "county_a",
    "county_b",
    "township_a1",
    "enterprise",
    "sysadmin",
    "secadmin",
    "auditor",
]
# persona → record → (sees, changes)
SEES = {
    "leader": {"city_programme", "hedong_programme", "hedong", "hedong_elsewhere", "yunshui"},
    "city_staff": {"city_programme", "hedong_programme", "hedong", "hedong_elsewhere", "yunshui"},
    "county_a": {"city_programme", "hedong_programme", "hedong", "hedong_elsewhere"},
    "county_b": {"city_programme", "yunshui"},
    "township_a1": {"city_programme", "hedong_programme", "hedong"},
}
# A county maintains the programmes of its own county alone: 河东区 its own, not the city's.
CHANGES_PROGRAMMES = {"county_a": {"hedong_programme"}, "county_b": set()}


def test_every_persona_gets_exactly_their_scope_on_every_page_and_the_api(request, records):
    all_routes = model_routes(business_models())
    programme_routes = all_routes[SubsidyProgramme]
    application_routes = all_routes[SubsidyApplication]
    assert set(application_routes.pages) == {"list", "detail", "edit", "export"}
    assert application_routes.api == "subsidy-applications"
    assert programme_routes.api == "subsidy-programmes"
    cases = ScopeTestCases(*_clients())
    failures = []
    for persona in PERSONAS:
        user = request.getfixturevalue(persona) if persona else None
        for name, record in records.items():
            routes = programme_routes if "programme" in name else application_routes
            sees = name in SEES.get(persona, set())
            changes = (
                name in CHANGES_PROGRAMMES[persona]
                if "programme" in name and persona in CHANGES_PROGRAMMES
                else None
            )
            failures += cases.check(
                routes, persona or "anonymous", user, record, sees=sees, changes=changes
            )
    assert not failures, "\n".join(failures)


def test_a_county_officer_cannot_take_a_step_on_another_countys_application(
    as_user, county_b, records
):
    app = records["hedong"]
    client = as_user(county_b)
    assert client.post(f"/subsidies/applications/{app.pk}/review/").status_code == 404
    api = APIClient()
    api.force_authenticate(county_b)
    assert api.post(f"/api/subsidy-applications/{app.pk}/review/", {}).status_code == 404
    app.refresh_from_db()
    assert app.status == "accepted"


def test_the_dealer_reads_only_its_own_applications_through_restrict(enterprise, records, county_a):
    own = records["hedong"]
    own.dealer = enterprise.enterprise
    own.save(update_fields=["dealer"])
    assert list(SubsidyApplication.objects.restrict(enterprise, "view")) == [own]
    assert not SubsidyApplication.objects.restrict(enterprise, "change").exists()
    assert not SubsidyProgramme.objects.restrict(enterprise, "view").exists()
