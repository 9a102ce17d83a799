"""Who sees and who changes which event, on the list, detail, edit and export pages and the API
(``core.testing.ScopeTestCases``), for every persona: a county's own event, a city-wide 广交会
group that a 河东区 enterprise of 东湖街道 joined (seen by 河东区 and 东湖街道, changed by the city
alone), and a city-wide event none of their enterprises joined."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from shangwu.core.testing import ScopeTestCases, business_models, model_routes
from shangwu.promotion import services
from shangwu.promotion.models import PromotionEvent

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
def records(make_event, make_enterprise):
    hedong = make_event(name="东湖美食节", township="419902001", status="held")
    yunshui = make_event(name="云水购物节", county="419921")
    fair = make_event(name="广交会云河展团", kind="canton_fair", county=None, status="held")
    services.event_participant_add(
        event=fair, enterprise=make_enterprise(township="419902001"), actor=None
    )
    mission = make_event(name="赴日韩经贸团", kind="trade_mission", county=None)
    return {"hedong": hedong, "yunshui": yunshui, "fair": fair, "mission": mission}


# persona → record → (sees, changes)
EXPECTED = {
    None: {r: (False, False) for r in ("hedong", "yunshui", "fair", "mission")},
    "leader": {r: (True, True) for r in ("hedong", "yunshui", "fair", "mission")},
    "city_staff": {r: (True, True) for r in ("hedong", "yunshui", "fair", "mission")},
    "county_a": {
        "hedong": (True, True),
        "yunshui": (False, False),
        "fair": (True, False),
        "mission": (False, False),
    },
    "county_b": {
        "hedong": (False, False),
        "yunshui": (True, True),
        "fair": (False, False),
        "mission": (False, False),
    },
    "township_a1": {
        "hedong": (True, True),
        "yunshui": (False, False),
        "fair": (True, False),
        "mission": (False, False),
    },
    **{
        p: {r: (False, False) for r in ("hedong", "yunshui", "fair", "mission")}
        for p in ("enterprise", "sysadmin", "secadmin", "auditor")
    },
}


def test_every_persona_gets_exactly_the_events_of_their_scope_on_every_page_and_the_api(
    request, records
):
    routes = model_routes(business_models())[PromotionEvent]
    assert set(routes.pages) == {"list", "detail", "edit", "export"} and routes.api == "events"
    cases = ScopeTestCases(*_clients())
    failures = []
    for persona, expected in EXPECTED.items():
        user = request.getfixturevalue(persona) if persona else None
        for name, (sees, changes) in expected.items():
            failures += cases.check(
                routes, persona or "anonymous", user, records[name], sees=sees, changes=changes
            )
    assert not failures, "\n".join(failures)


def test_a_county_officer_reads_the_city_group_their_enterprise_joined_but_cannot_change_it(
    as_user, county_a, records
):
    fair = records["fair"]
    client = as_user(county_a)
    page = client.get(f"/promotion/events/{fair.pk}/")
    assert page.status_code == 200 and page.context["can_change"] is False
    assert "推进到" not in page.content.decode()  # no button to a form they cannot submit
    assert client.get(f"/promotion/events/{fair.pk}/edit/").status_code == 404
    assert client.get(f"/promotion/events/{fair.pk}/move/").status_code == 404
    assert (
        client.post(f"/promotion/events/{fair.pk}/move/", {"to_status": "summarised"}).status_code
        == 404
    )
    api = APIClient()
    api.force_authenticate(county_a)
    answer = api.post(f"/api/events/{fair.pk}/move/", {"to_status": "summarised"}, format="json")
    assert answer.status_code == 404
    fair.refresh_from_db()
    assert fair.status == "held"


def test_an_out_of_scope_detail_is_a_404_written_to_the_audit_log(as_user, county_b, records):
    from shangwu.audit.models import AuditLog

    response = as_user(county_b).get(f"/promotion/events/{records['hedong'].pk}/")
    assert response.status_code == 404
    assert AuditLog.objects.filter(
        action="denied", object_type="promotion.promotionevent", object_id=str(records["hedong"].pk)
    ).exists()


def test_the_city_group_a_countys_enterprise_joined_is_on_that_countys_calendar_only(
    as_user, county_a, county_b, records
):
    fair = records["fair"]
    month = f"{fair.start_on:%Y-%m}"
    mine = as_user(county_a).get("/promotion/events/calendar/", {"month": month})
    theirs = as_user(county_b).get("/promotion/events/calendar/", {"month": month})
    assert "广交会云河展团" in mine.content.decode()
    assert "广交会云河展团" not in theirs.content.decode()
    # 我的活动 is the unit's own: the city's group is not 河东区's.
    assert "广交会云河展团" not in as_user(county_a).get("/promotion/events/mine/").content.decode()
