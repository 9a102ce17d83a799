"""The API: list with the page's filters, create and update through the services (masked on
the way out), the steps as actions with the services' refusals, programmes by the city only."""

import pytest
from rest_framework.test import APIClient

from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_county_officer_creates_steps_and_reads_an_application(county_a, programme):
    client = api(county_a)
    created = client.post(
        "/api/subsidy-applications/",
        {
            "programme": programme.pk,
            "number": "API-1",
            "applicant_name": "孙七",
            "id_number": "419902199202021234",
            "category": "fridge",
            "units": 1,
            "sale_amount": "5000",
            "county": county_a.region.pk,
            "accepted_on": "2026-06-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["subsidy_amount"] == "750.00" and body["status"] == "accepted"
    assert body["applicant_masked"] == "孙*" and body["id_number_masked"] == "419***********1234"
    assert "applicant_name" not in body and "id_number" not in body
    pk = body["id"]
    refused = client.post(f"/api/subsidy-applications/{pk}/pay/", {}, format="json")
    assert refused.status_code == 400
    assert "当前为“受理”" in str(refused.json())
    reviewed = client.post(
        f"/api/subsidy-applications/{pk}/review/", {"on": "2026-06-03"}, format="json"
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    paid = client.post(f"/api/subsidy-applications/{pk}/pay/", {"on": "2026-06-10"}, format="json")
    assert paid.status_code == 200 and paid.json()["workdays_to_pay"] == 7  # 6月2—5日, 8—10日
    rejected = client.post(
        f"/api/subsidy-applications/{pk}/reject/", {"reason": "x"}, format="json"
    )
    assert rejected.status_code == 400
    listed = client.get("/api/subsidy-applications/?status=paid&category=fridge").json()
    assert [r["id"] for r in listed["results"]] == [pk]


def test_an_update_through_the_api_follows_the_rule_and_refuses_step_fields(
    county_a, make_application
):
    app = make_application()
    client = api(county_a)
    answer = client.patch(
        f"/api/subsidy-applications/{app.pk}/", {"sale_amount": "8000"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["subsidy_amount"] == "1200.00"
    answer = client.patch(
        f"/api/subsidy-applications/{app.pk}/", {"subsidy_amount": "100"}, format="json"
    )
    assert answer.status_code == 400 and "override_reason" in answer.json()
    app.refresh_from_db()
    assert app.events.filter(kind="updated").count() == 1


def test_the_city_creates_a_programme_and_a_county_only_one_of_its_own_county(
    city_staff, county_a, township_a1
):
    data = {
        "name": "新能源汽车下乡",
        "kind": "nev_rural",
        "organiser": city_staff.org_unit_id,
        "start_on": "2026-05-01",
        "end_on": "2026-10-31",
        "promised_workdays": 20,
        "rules": [{"category": "nev", "amount_per_unit": "5000"}],
    }
    assert api(township_a1).post("/api/subsidy-programmes/", data, format="json").status_code == 403
    # A county's programme covers its own county alone: city-wide is refused by field.
    refused = api(county_a).post("/api/subsidy-programmes/", data, format="json")
    assert refused.status_code == 400 and "counties" in refused.json()
    hedong = county_a.region.county.pk
    own = api(county_a).post(
        "/api/subsidy-programmes/",
        {**data, "name": "河东区新能源汽车下乡", "counties": [hedong]},
        format="json",
    )
    assert own.status_code == 201, own.json()
    assert own.json()["counties"] == [hedong]
    created = api(city_staff).post("/api/subsidy-programmes/", data, format="json")
    assert created.status_code == 201, created.json()
    programme = SubsidyProgramme.objects.get(name="新能源汽车下乡")
    assert programme.rules.get().amount_per_unit == 5000
    assert programme.events.filter(kind="created").exists()


def test_an_application_in_another_county_is_refused_as_not_found(county_b, make_application):
    app = make_application()
    assert api(county_b).get(f"/api/subsidy-applications/{app.pk}/").status_code == 404
    assert (
        api(county_b)
        .patch(f"/api/subsidy-applications/{app.pk}/", {"units": 2}, format="json")
        .status_code
        == 404
    )
    assert SubsidyApplication.objects.get(pk=app.pk).units == 1
