"""The voucher API: campaigns created and updated through the same services as the pages, the
``import`` action (multipart upload, preview or commit), the ``figures`` action, and filters
shared with the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from shangwu.organization.models import Region
from shangwu.vouchers.models import VoucherCampaign, VoucherRedemption
from shangwu.vouchers.tests.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_campaign_is_created_updated_and_moved_through_the_api(city_staff):
    api = _api(city_staff)
    hedong = Region.objects.get(code="419902")
    created = api.post(
        "/api/voucher-campaigns/",
        {
            "name": "API 消费券",
            "funder": "platform",
            "budget": "80.00",
            "platform": "meituan",
            "start_on": "2026-09-01",
            "end_on": "2026-09-30",
            "counties": [hedong.pk],
            "organiser": city_staff.org_unit_id,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    campaign = VoucherCampaign.objects.get(pk=pk)
    assert campaign.events.filter(kind="created").exists() and campaign.status == "planned"
    bad = api.patch(f"/api/voucher-campaigns/{pk}/", {"end_on": "2026-08-01"}, format="json")
    assert bad.status_code == 400 and "结束日期不能早于开始日期。" in str(bad.json())
    moved = api.post(f"/api/voucher-campaigns/{pk}/move/", {"to_status": "running"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "running"
    batch = api.post(
        f"/api/voucher-campaigns/{pk}/batches/",
        {
            "name": "外卖券",
            "face_value": "10",
            "threshold": "0",
            "quantity": 100,
            "industry": "catering",
        },
        format="json",
    )
    assert batch.status_code == 201 and batch.json()["issued_cents"] == 100000
    listed = api.get(f"/api/voucher-campaigns/?county={hedong.pk}&platform=meituan").json()
    assert [c["id"] for c in listed["results"]] == [pk]


def test_an_export_is_previewed_then_imported_through_the_api(city_staff, make_campaign, media):
    campaign = make_campaign()
    api = _api(city_staff)
    content = csv_bytes([row("API1"), row("API2", county="云水县")])
    preview = api.post(
        f"/api/voucher-campaigns/{campaign.pk}/import/",
        {"file": SimpleUploadedFile("e.csv", content), "commit": "false"},
        format="multipart",
    )
    assert preview.status_code == 200, preview.content
    assert (preview.json()["new"], preview.json()["committed"]) == (2, False)
    assert not VoucherRedemption.objects.exists()
    done = api.post(
        f"/api/voucher-campaigns/{campaign.pk}/import/",
        {"file": SimpleUploadedFile("e.csv", content), "commit": "true"},
        format="multipart",
    )
    assert done.json()["committed"] is True and VoucherRedemption.objects.count() == 2
    again = api.post(
        f"/api/voucher-campaigns/{campaign.pk}/import/",
        {"file": SimpleUploadedFile("e.csv", content), "commit": "true"},
        format="multipart",
    )
    assert (again.json()["new"], again.json()["already_stored"]) == (0, 2)
    figures = api.get(f"/api/voucher-campaigns/{campaign.pk}/figures/").json()
    assert figures["totals"]["n"] == 2 and figures["curve"]["days"] == ["2026-05-02"]
    assert {b["name"]: b["n"] for b in figures["batches"]} == {
        "餐饮满100减30": 2,
        "零售满200减50": 0,
    }


def test_an_api_import_with_errors_writes_nothing_and_says_why(city_staff, make_campaign, media):
    campaign = make_campaign()
    answer = _api(city_staff).post(
        f"/api/voucher-campaigns/{campaign.pk}/import/",
        {
            "file": SimpleUploadedFile("e.csv", csv_bytes([row("X1", batch="不存在")])),
            "commit": "true",
        },
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["column"] == "券批次"
    assert not VoucherRedemption.objects.exists()


def test_a_county_imports_into_a_shared_campaign_it_cannot_edit(county_a, make_campaign, media):
    campaign = make_campaign()
    api = _api(county_a)
    assert (
        api.patch(
            f"/api/voucher-campaigns/{campaign.pk}/", {"note": "x"}, format="json"
        ).status_code
        == 404
    )
    done = api.post(
        f"/api/voucher-campaigns/{campaign.pk}/import/",
        {"file": SimpleUploadedFile("e.csv", csv_bytes([row("C1")])), "commit": "true"},
        format="multipart",
    )
    assert done.status_code == 200 and done.json()["committed"] is True


def test_a_township_officer_cannot_import(township_a1, make_campaign, media):
    campaign = make_campaign()
    answer = _api(township_a1).post(
        f"/api/voucher-campaigns/{campaign.pk}/import/",
        {"file": SimpleUploadedFile("e.csv", csv_bytes([row("T1")])), "commit": "true"},
        format="multipart",
    )
    assert answer.status_code in (403, 404)
    assert not VoucherRedemption.objects.exists()
