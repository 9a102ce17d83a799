"""Region scope: a user sees their own node and everything below it, never a sibling's."""

import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shangwu.accounts.demo import OWNER_ENTERPRISE
from shangwu.accounts.services import token_create
from shangwu.audit.models import AuditLog
from shangwu.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

COUNTY_A, COUNTY_B, TOWNSHIP_A1, TOWNSHIP_A2 = "419902", "419921", "419902001", "419902002"
# 河东区 also holds the 企业用户 persona's own enterprise (conftest), with no township.
HEDONG = {"东湖甲商贸有限公司", "滨江乙商贸有限公司", OWNER_ENTERPRISE}


@pytest.fixture
def places(make_enterprise):
    return {
        "a1": make_enterprise(county=COUNTY_A, township=TOWNSHIP_A1, name="东湖甲商贸有限公司"),
        "a2": make_enterprise(county=COUNTY_A, township=TOWNSHIP_A2, name="滨江乙商贸有限公司"),
        "b": make_enterprise(county=COUNTY_B, name="云水丙商贸有限公司"),
    }


def names(response):
    return {e.name for e, _cells in response.context["table"].rows()}


def test_county_staff_list_shows_only_their_county(as_user, county_a, places):
    response = as_user(county_a).get(reverse("enterprises:enterprise_list"))
    assert names(response) == HEDONG


def test_county_staff_cannot_read_other_county_enterprise_and_the_attempt_is_audited(
    as_user, county_a, places
):
    url = reverse("enterprises:enterprise_detail", args=[places["b"].pk])
    assert as_user(county_a).get(url).status_code == 404
    denial = AuditLog.objects.filter(action="denied", object_id=str(places["b"].pk)).get()
    assert denial.actor_username == "county_a"


def test_county_staff_cannot_edit_other_county_enterprise(as_user, county_a, places):
    client = as_user(county_a)
    url = reverse("enterprises:enterprise_edit", args=[places["b"].pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"name": "改名", "credit_code": places["b"].credit_code}).status_code
        == 404
    )
    places["b"].refresh_from_db()
    assert places["b"].name == "云水丙商贸有限公司"


def test_county_staff_cannot_move_an_enterprise_out_of_their_scope(
    as_user, county_a, places, region
):
    e = places["a1"]
    response = as_user(county_a).post(
        reverse("enterprises:enterprise_edit", args=[e.pk]),
        {
            "credit_code": e.credit_code,
            "name": e.name,
            "county": region(COUNTY_B).pk,
            "ownership": "domestic",
            "status": "active",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    e.refresh_from_db()
    assert e.county.code == COUNTY_A


def test_county_staff_export_contains_only_their_county(as_user, county_a, places):
    response = as_user(county_a).get(reverse("enterprises:enterprise_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == HEDONG
    assert AuditLog.objects.filter(action="export", actor_username="county_a").exists()


def test_county_staff_api_hides_other_county(county_a, places):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=county_a)}")
    listed = {row["name"] for row in api.get("/api/enterprises/").json()["results"]}
    assert listed == HEDONG
    assert api.get(f"/api/enterprises/{places['b'].pk}/").status_code == 404
    assert (
        api.patch(f"/api/enterprises/{places['b'].pk}/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert AuditLog.objects.filter(
        action="denied", object_id=str(places["b"].pk), actor_username="county_a"
    ).exists()


def test_county_staff_cannot_create_through_api_in_another_county(county_a, region):
    import random

    from shangwu.enterprises.demo import make_credit_code

    api = APIClient()
    api.force_authenticate(county_a)
    code = make_credit_code(random.Random(1), COUNTY_B)
    response = api.post(
        "/api/enterprises/",
        {"credit_code": code, "name": "越界企业有限公司", "county": region(COUNTY_B).pk},
        format="json",
    )
    assert response.status_code == 400
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_township_officer_sees_only_their_township(as_user, township_a1, places):
    response = as_user(township_a1).get(reverse("enterprises:enterprise_list"))
    assert names(response) == {"东湖甲商贸有限公司"}
    assert (
        as_user(township_a1)
        .get(reverse("enterprises:enterprise_detail", args=[places["a2"].pk]))
        .status_code
        == 404
    )


def test_leader_sees_every_county(as_user, leader, places):
    response = as_user(leader).get(reverse("enterprises:enterprise_list"))
    assert names(response) == HEDONG | {"云水丙商贸有限公司"}


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "auditor", "enterprise"])
def test_admins_cannot_read_business_data(request, as_user, places, persona):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 403
    assert (
        client.get(reverse("enterprises:enterprise_detail", args=[places["a1"].pk])).status_code
        == 403
    )
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/enterprises/").status_code == 403
    # No one's records but, for the 企业用户, its own enterprise (its owner scope; no page yet).
    own = [user.enterprise] if persona == "enterprise" else []
    assert list(Enterprise.objects.restrict(user, "view")) == own


def test_anonymous_user_is_sent_to_login(client, places):
    response = client.get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get("/api/enterprises/").status_code in (401, 403)


def test_api_takes_only_a_county_as_county_and_a_township_as_township(city_staff, places, region):
    api = APIClient()
    api.force_authenticate(city_staff)
    url = f"/api/enterprises/{places['a1'].pk}/"
    for field, wrong in (("county", TOWNSHIP_A1), ("county", "419900"), ("township", COUNTY_B)):
        response = api.patch(url, {field: region(wrong).pk}, format="json")
        assert response.status_code == 400 and field in response.json(), (field, wrong)
    places["a1"].refresh_from_db()
    assert (places["a1"].county.code, places["a1"].township.code) == (COUNTY_A, TOWNSHIP_A1)


def test_an_api_id_that_is_not_a_number_is_not_found(county_a):
    api = APIClient()
    api.force_authenticate(county_a)
    for url in ("/api/enterprises/abc/", "/api/contacts/abc/", "/api/regions/abc/"):
        assert api.get(url).status_code == 404, url
    assert (
        api.post("/api/contacts/abc/reveal/", {"field": "mobile"}, format="json").status_code == 404
    )


def test_county_staff_filter_offers_and_accepts_only_their_own_places(
    as_user, county_a, places, region
):
    page = as_user(county_a).get(reverse("enterprises:enterprise_list"))
    form = page.context["filter"].form
    assert {r.code for r in form.fields["county"].queryset} == {COUNTY_A}
    assert {r.parent.code for r in form.fields["township"].queryset} == {COUNTY_A}
    api = APIClient()
    api.force_authenticate(county_a)
    assert api.get("/api/enterprises/", {"county": region(COUNTY_B).pk}).status_code == 400


def test_api_deregisters_an_enterprise_with_a_reason_and_keeps_its_history(county_a, places):
    from shangwu.enterprises.models import EnterpriseEvent

    api = APIClient()
    api.force_authenticate(county_a)
    url = f"/api/enterprises/{places['a1'].pk}/status/"
    assert "note" in api.post(url, {"status": "cancelled"}, format="json").json()
    body = api.post(url, {"status": "cancelled", "note": "企业已注销登记"}, format="json").json()
    assert body["status"] == "cancelled"
    event = EnterpriseEvent.objects.get(enterprise=places["a1"], kind="status")
    assert (event.from_status, event.to_status, event.note) == (
        "active",
        "cancelled",
        "企业已注销登记",
    )
    assert (
        api.post(
            f"/api/enterprises/{places['b'].pk}/status/",
            {"status": "cancelled", "note": "x"},
            format="json",
        ).status_code
        == 404
    )
