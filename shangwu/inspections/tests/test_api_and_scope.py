"""The API (§9) through the same services as the pages, and scope: a county officer sees only
their county's subjects, sites, plans and inspections on every page, export, dropdown and
endpoint."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from shangwu.inspections import services

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pool(county_a, township_a1, make_officer, make_inspector):
    return [make_inspector(u) for u in (county_a, township_a1, make_officer())]


def test_a_random_plan_is_made_drawn_inspected_and_published_through_the_api(
    county_a, kind, make_site, pool, region
):
    api = api_for(county_a)
    for _ in range(4):
        make_site()
    made = api.post(
        "/api/inspection-plans/",
        {
            "kind": kind("fuel_station_annual").pk,
            "method": "random",
            "start_on": "2026-09-01",
            "end_on": "2026-12-31",
            "county": region("419902").pk,
            "sample_count": 2,
            "team_size": 2,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    drawn = api.post(f"/api/inspection-plans/{pk}/draw/", {"seed": "api-seed"}, format="json")
    assert drawn.status_code == 200, drawn.json()
    body = drawn.json()
    assert body["seed"] == "api-seed" and len(body["candidates_sha256"]) == 64
    assert body["algorithm_version"] == "sw-draw-1" and len(body["result"]) == 2
    again = api.post(f"/api/inspection-plans/{pk}/draw/", {"seed": "x"}, format="json")
    assert again.status_code == 400 and "原因" in str(again.json())

    targets = api.get(f"/api/inspection-plans/{pk}/targets/").json()
    started = api.post("/api/inspections/", {"target": targets[0]["id"]}, format="json")
    assert started.status_code == 201, started.json()
    inspection = started.json()
    answers = [{"item": a["item"], "result": "pass"} for a in inspection["answers"]]
    answers[0] = {"item": answers[0]["item"], "result": "fail", "note": "台账缺失"}
    saved = api.patch(
        f"/api/inspections/{inspection['id']}/",
        {"answers": answers, "signature_name": "钱站长"},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    submitted = api.post(
        f"/api/inspections/{inspection['id']}/submit/",
        {"responsible_person": "钱站长"},
        format="json",
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted" and submitted.json()["outcome"] == "hazards"
    twice = api.post(f"/api/inspections/{inspection['id']}/submit/", {}, format="json")
    assert twice.status_code == 400 and "已提交" in str(twice.json())

    published = api.post(f"/api/inspection-plans/{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    rows = api.get(f"/api/inspection-plans/{pk}/public/").json()
    assert len(rows) == 2 and any(r["rectification"].startswith("整改中") for r in rows)
    assert "刘洋" not in str(rows)


def test_sites_and_licence_changes_through_the_api(county_a, make_site):
    api = api_for(county_a)
    site = make_site()
    answer = api.post(
        f"/api/sites/{site.pk}/licence/",
        {"change": "licence_renew", "valid_until": "2031-12-31"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["licence_valid_until"] == "2031-12-31"
    bad = api.post(f"/api/sites/{site.pk}/licence/", {"change": "licence_new"}, format="json")
    assert bad.status_code == 400 and "已有有效许可" in str(bad.json())
    refused = api.patch(f"/api/sites/{site.pk}/", {"licence_no": "x"}, format="json")
    assert refused.status_code == 400


def test_a_county_officer_sees_only_their_county_everywhere(
    as_user, county_a, county_b, township_a1, make_site, make_plan, kind, pool
):
    mine = make_site(name="河东一站", township="419902001")
    theirs = make_site(county="419921", name="云水一站")
    plan_a = make_plan(actor=county_a, sample_count=1)
    plan_b = make_plan(actor=county_b, county="419921", method="full", name="云水县加油站全覆盖")
    inspection_b = services.inspection_start(
        actor=county_b, site=theirs, kind=kind("fuel_station_annual")
    )
    client = as_user(county_a)
    for url in ("/inspections/sites/", "/inspections/plans/", "/inspections/"):
        page = client.get(url).content.decode()
        assert "云水一站" not in page and "云水县加油站全覆盖" not in page
    assert "河东一站" in client.get("/inspections/sites/").content.decode()
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(plan_b.get_absolute_url()).status_code == 404
    assert client.get(inspection_b.get_absolute_url()).status_code == 404
    assert client.get(f"/inspections/plans/{plan_b.pk}/public/").status_code == 404
    export = client.get("/inspections/sites/export/")
    cells = [
        str(c.value)
        for row in load_workbook(BytesIO(export.content)).active.iter_rows()
        for c in row
    ]
    assert "河东一站" in cells and "云水一站" not in cells
    start = client.get("/inspections/add/").content.decode()
    assert "河东一站" in start and "云水一站" not in start

    api = api_for(county_a)
    names = [s["name"] for s in api.get("/api/sites/").json()["results"]]
    assert names == ["河东一站"]
    subjects = [e["name"] for e in api.get("/api/inspection-subjects/").json()["results"]]
    assert mine.enterprise.name in subjects and theirs.enterprise.name not in subjects
    plans = [p["id"] for p in api.get("/api/inspection-plans/").json()["results"]]
    assert plans == [plan_a.pk]
    assert api.get(f"/api/inspections/{inspection_b.pk}/").status_code == 404
    assert api.post(f"/api/inspection-plans/{plan_b.pk}/draw/", {}).status_code == 404

    # The township officer: their township only.
    township = [s["name"] for s in api_for(township_a1).get("/api/sites/").json()["results"]]
    assert township == ["河东一站"]


def test_the_admins_see_no_inspection_data(as_user, sysadmin, auditor, make_site):
    make_site()
    assert as_user(auditor).get("/inspections/sites/").status_code == 403
    assert as_user(sysadmin).get("/inspections/plans/").status_code == 403
    assert as_user(sysadmin).get("/inspections/checklists/").status_code == 200
    assert api_for(sysadmin).get("/api/sites/").status_code == 403


def test_the_plan_page_shows_the_draw_and_lets_the_team_start(
    as_user, county_a, make_site, make_plan, pool
):
    make_site()
    make_site()
    plan = make_plan(actor=county_a, sample_count=1)
    client = as_user(county_a)
    answer = client.post(f"/inspections/plans/{plan.pk}/draw/", {"seed": "page-seed"})
    assert answer.status_code == 302
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "page-seed" in page and 'data-testid="replay">一致' in page
    target = plan.targets.get()
    started = client.post("/inspections/add/", {"target": target.pk})
    assert started.status_code == 302 and "/field/" in started["Location"]
    redraw = client.post(f"/inspections/plans/{plan.pk}/draw/", {"seed": "again", "reason": "x"})
    assert redraw.status_code == 400 and "已开始检查" in redraw.content.decode()
    assert plan.draws.count() == 1 and datetime.date.today()
