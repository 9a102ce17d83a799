"""Scope: a county sees only its own projects on the list, board, detail, export, "三个一批", the
ledger and the API; out-of-scope objects are 404; admins see no business data."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from shangwu.audit.models import AuditLog

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def two_counties(make_project):
    return (
        make_project(name="河东签约项目", reach={"签约": D(2025, 2, 1)}),
        make_project(name="云水签约项目", county="419921", reach={"签约": D(2025, 2, 2)}),
    )


def test_county_staff_see_only_their_county_on_pages_and_export(as_user, county_a, two_counties):
    own, other = two_counties
    client = as_user(county_a)
    names = [p.name for p, _ in client.get("/projects/").context["table"].rows()]
    assert names == ["河东签约项目"]
    board = client.get("/projects/board/")
    assert all(other not in c["cards"] for c in board.context["columns"])
    assert client.get(f"/projects/{other.pk}/").status_code == 404
    assert client.get(f"/projects/{other.pk}/move/").status_code == 404
    assert AuditLog.objects.filter(
        action="denied", object_type="projects.project", object_id=str(other.pk)
    ).exists()
    wb = load_workbook(io.BytesIO(client.get("/projects/export/").content))
    exported = [r[0] for r in wb.active.iter_rows(min_row=2, values_only=True)]
    assert exported == ["河东签约项目"]


def test_county_staff_figures_and_ledger_leave_out_other_counties(as_user, county_a, two_counties):
    client = as_user(county_a)
    page = client.get("/projects/three-batches/", {"kind": "quarter", "year": 2025, "number": 1})
    assert [r["label"] for r in page.context["summary"]["by_county"]] == ["河东区"]
    assert page.context["summary"]["total"][0]["count"] == 1
    wb = load_workbook(
        io.BytesIO(
            client.get("/projects/three-batches/ledger/", {"year": 2025, "number": 1}).content
        )
    )
    names = [
        r[1]
        for r in wb["签约项目"].iter_rows(min_row=3, values_only=True)
        if isinstance(r[0], (int, float))
    ]
    assert names == ["河东签约项目"]


def test_county_staff_api_is_scoped(as_user, county_a, two_counties):
    own, other = two_counties
    client = as_user(county_a)
    assert [p["name"] for p in client.get("/api/projects/").json()["results"]] == ["河东签约项目"]
    assert client.get(f"/api/projects/{other.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/projects/{other.pk}/move/",
            {"stage": 1, "on": "2025-03-01"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get(f"/api/projects/{other.pk}/funds/").status_code == 404


def test_a_county_cannot_create_a_project_in_another_county(as_user, county_a, region):
    response = as_user(county_a).post(
        "/api/projects/",
        {
            "code": "X-1",
            "name": "越界项目",
            "investor_name": "某公司",
            "investor_type": "private",
            "origin": "local",
            "total_investment": "100",
            "county": region("419921").pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400


def test_township_officers_see_only_their_township(as_user, township_a1, make_project):
    make_project(name="东湖项目", township="419902001")
    make_project(name="滨江项目", township="419902002")
    names = [p.name for p, _ in as_user(township_a1).get("/projects/").context["table"].rows()]
    assert names == ["东湖项目"]


@pytest.mark.parametrize("persona", ["sysadmin", "auditor", "enterprise"])
def test_admins_and_enterprise_users_cannot_open_project_pages(
    as_user, request, persona, two_counties
):
    client = as_user(request.getfixturevalue(persona))
    assert client.get("/projects/").status_code == 403
    assert client.get("/projects/three-batches/").status_code == 403


def test_leaders_may_read_and_export_but_not_import(as_user, leader, two_counties):
    client = as_user(leader)
    assert client.get("/projects/").status_code == 200
    assert client.get("/projects/export/").status_code == 200
    assert client.get("/projects/import/").status_code == 403


def test_a_county_cannot_link_its_project_to_another_countys_enterprise(
    as_user, county_a, two_counties, make_enterprise
):
    own, _ = two_counties
    theirs = make_enterprise(county="419921", name="云水外县企业有限公司")
    client = as_user(county_a)
    response = client.patch(
        f"/api/projects/{own.pk}/", {"enterprise": theirs.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "enterprise" in response.json()
    own.refresh_from_db()
    assert own.enterprise_id is None
    # The browsable API's form offers only enterprises the user may see.
    page = client.get("/api/projects/", HTTP_ACCEPT="text/html").content.decode()
    assert "云水外县企业有限公司" not in page
