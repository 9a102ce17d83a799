"""The API: /api/designation-kinds/ and /api/designations/, with an action per step through the
same services; a refused step is a 400 in Chinese; files through attachments/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from shangwu.designations.models import Designation, DesignationEvent, DesignationKind
from shangwu.designations.tests.conftest import county_bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(county_a):
    client = APIClient()
    client.force_authenticate(county_a)
    return client


def test_the_kinds_are_listed_with_their_rules(api):
    rows = api.get("/api/designation-kinds/", {"page_size": 100}).json()["results"]
    by_code = {r["code"]: r for r in rows}
    assert by_code["zhonghua_laozihao"]["level"] == "national"
    assert by_code["county_commerce_demo"]["carries_funds"] is True
    assert by_code["taobao_village"]["validity_years"] == 1
    # Read-only here: a county officer may not write the reference list.
    assert api.post("/api/designation-kinds/", {"name": "x"}, format="json").status_code == 403


def test_the_system_administrator_adds_and_edits_a_kind_by_the_api(sysadmin, city_staff, county_a):
    from shangwu.audit.models import AuditLog

    admin = APIClient()
    admin.force_authenticate(sysadmin)
    body = {
        "name": "省级夜间消费集聚区",
        "level": "provincial",
        "authority": "省商务厅",
        "holder_types": ["street"],
        "validity_years": 3,
        "review_cycle_years": 3,
    }
    created = admin.post("/api/designation-kinds/", body, format="json")
    assert created.status_code == 201, created.json()
    row = DesignationKind.objects.get(pk=created.json()["id"])
    assert row.code == created.json()["code"] and row.code  # made from the name
    assert AuditLog.objects.filter(
        object_type="designations.designationkind", object_id=str(row.pk)
    ).exists()

    changed = admin.patch(f"/api/designation-kinds/{row.pk}/", {"validity_years": 5}, format="json")
    assert changed.status_code == 200 and changed.json()["validity_years"] == 5
    # Validated in Chinese, as on the page.
    empty = admin.patch(f"/api/designation-kinds/{row.pk}/", {"holder_types": []}, format="json")
    assert empty.status_code == 400
    assert empty.json()["holder_types"] == ["请至少选择一种可认定对象。"]
    recode = admin.patch(f"/api/designation-kinds/{row.pk}/", {"code": "x"}, format="json")
    assert recode.status_code == 400 and "代码建立后不可修改" in recode.json()["code"][0]

    # The business users read the kinds, and may not write them.
    for user in (city_staff, county_a):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(f"/api/designation-kinds/{row.pk}/").json()["validity_years"] == 5
        assert client.post("/api/designation-kinds/", body, format="json").status_code == 403
        refused = client.patch(
            f"/api/designation-kinds/{row.pk}/", {"dynamic": True}, format="json"
        )
        assert refused.status_code == 403
    row.refresh_from_db()
    assert row.dynamic is False


def test_a_designation_goes_through_every_step_by_the_api(
    api, county_a, make_enterprise, kind, media, committed
):
    today = f"{timezone.localdate():%Y-%m-%d}"
    shop = make_enterprise(name="东湖老店有限公司")
    created = api.post(
        "/api/designations/",
        {
            "kind": kind("city_laozihao").pk,
            "holder_type": "enterprise",
            "enterprise": shop.pk,
            "responsible_unit": county_bureau("419902").pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "cultivating" and created.json()["holder"] == shop.name

    refused = api.post(f"/api/designations/{pk}/award/", {"on": today, "doc": "1号"}, format="json")
    assert refused.status_code == 400
    assert "当前为“培育”，不能认定" in refused.json()["status"][0]

    for step, body in [
        ("apply", {"on": today}),
        ("recommend", {"on": today, "level": "county", "doc": "河商字〔2026〕8号"}),
        ("award", {"on": today, "doc": "云政〔2026〕12号"}),
        ("review", {"on": today, "result": "rectify", "rectify_by": "2099-01-01"}),
        ("delist", {"on": today, "reason": "整改不到位"}),
    ]:
        answer = api.post(f"/api/designations/{pk}/{step}/", body, format="json")
        assert answer.status_code == 200, (step, answer.json())
    assert answer.json()["status"] == "delisted"
    assert answer.json()["end_reason"] == "整改不到位"
    steps = DesignationEvent.objects.filter(designation_id=pk).exclude(to_status="")
    assert steps.count() == 6

    with committed():
        uploaded = api.post(
            f"/api/designations/{pk}/attachments/",
            {"file": SimpleUploadedFile("证书.pdf", b"%PDF-1.4\n%%EOF\n")},
            format="multipart",
        )
    assert uploaded.status_code == 201
    listed = api.get(f"/api/designations/{pk}/attachments/").json()
    assert [a["name"] for a in listed] == ["证书.pdf"]


def test_the_holder_is_fixed_once_on_the_list_but_the_unit_may_change(api, make_designation):
    d = make_designation()
    moved = api.patch(f"/api/designations/{d.pk}/", {"note": "重点培育"}, format="json")
    assert moved.status_code == 200 and moved.json()["note"] == "重点培育"
    refused = api.patch(f"/api/designations/{d.pk}/", {"holder_type": "store"}, format="json")
    assert refused.status_code == 400
    assert "不能修改" in refused.json()["holder_type"][0]
    assert (
        api.patch(f"/api/designations/{d.pk}/", {"status": "awarded"}, format="json").json()[
            "status"
        ]
        == "cultivating"
    )  # read-only: only the steps move it


def test_the_list_filters_by_kind_level_status_county_year_and_holder(api, make_designation, kind):
    make_designation(kind="city_laozihao", status="awarded")
    make_designation(kind="pedestrian_street", holder_name="河东老街", status="applied")

    def names(**params):
        return {r["name"] for r in api.get("/api/designations/", params).json()["results"]}

    assert names(level="city") == {
        "市级老字号·" + Designation.objects.get(kind__code="city_laozihao").enterprise.name
    }
    assert names(holder_type="street") == {"示范步行街/特色商业街·河东老街"}
    assert len(names(awarded_year=2024)) == 1 and names(awarded_year=2025) == set()
    assert len(names(status="applied")) == 1 and len(names(current="true")) == 1
    assert api.get("/api/designations/", {"awarded_year": 99999}).status_code == 400
