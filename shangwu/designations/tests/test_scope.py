"""Who sees and who changes which designation, on the list, detail, edit and export pages and the
API (``core.testing.ScopeTestCases``), for every persona: a 河东区 enterprise's in 东湖街道, a
河东区 street's, a 云水县 one, and the city's own (跨境电商综合试验区, held by the whole city)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shangwu.core.testing import ScopeTestCases, business_models, model_routes
from shangwu.designations.models import Designation

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
def records(make_designation):
    return {
        "town": make_designation(kind="city_laozihao", township="419902001", status="awarded"),
        "street": make_designation(
            kind="pedestrian_street", holder_name="河东老街", status="applied"
        ),
        "yunshui": make_designation(kind="green_mall", county="419921", status="awarded"),
        "city": make_designation(kind="cbec_zone", county=None, status="recommended"),
    }


ALL = ("town", "street", "yunshui", "city")
EXPECTED = {
    None: dict.fromkeys(ALL, False),
    "leader": dict.fromkeys(ALL, True),
    "city_staff": dict.fromkeys(ALL, True),
    "county_a": {"town": True, "street": True, "yunshui": False, "city": False},
    "county_b": {"town": False, "street": False, "yunshui": True, "city": False},
    "township_a1": {"town": True, "street": False, "yunshui": False, "city": False},
    **{p: dict.fromkeys(ALL, False) for p in ("enterprise", "sysadmin", "secadmin", "auditor")},
}


def test_every_persona_gets_exactly_the_designations_of_their_scope_on_pages_exports_and_api(
    request, records
):
    routes = model_routes(business_models())[Designation]
    assert set(routes.pages) == {"list", "detail", "edit", "export"}
    assert routes.api == "designations"
    cases = ScopeTestCases(*_clients())
    failures = []
    for persona, expected in EXPECTED.items():
        user = request.getfixturevalue(persona) if persona else None
        for name, sees in expected.items():
            failures += cases.check(routes, persona or "anonymous", user, records[name], sees=sees)
    assert not failures, "\n".join(failures)


def test_a_county_cannot_step_another_countys_designation_through_page_or_api(
    as_user, county_a, records
):
    other = records["yunshui"]
    client = as_user(county_a)
    assert client.get(f"/designations/{other.pk}/review/").status_code == 404
    response = client.post(
        f"/designations/{other.pk}/review/", {"on": "2026-06-01", "result": "failed"}
    )
    assert response.status_code == 404
    api = APIClient()
    api.force_authenticate(county_a)
    answer = api.post(
        f"/api/designations/{other.pk}/review/",
        {"on": "2026-06-01", "result": "failed"},
        format="json",
    )
    assert answer.status_code == 404
    other.refresh_from_db()
    assert other.status == "awarded"


def test_the_export_is_audited_and_holds_only_the_users_designations(as_user, county_a, records):
    from shangwu.audit.models import AuditLog
    from shangwu.core.testing import xlsx_rows

    response = as_user(county_a).get("/designations/export/")
    assert response.status_code == 200
    names = {row[0] for row in xlsx_rows(response.content)}
    assert records["town"].name in names and records["street"].name in names
    assert records["yunshui"].name not in names and records["city"].name not in names
    assert AuditLog.objects.filter(action="export", object_type="designations.designation").exists()
