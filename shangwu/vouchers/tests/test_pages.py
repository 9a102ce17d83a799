"""The pages as the bureau's staff use them: register a campaign and its batches, upload a
platform's CSV export (preview, confirm), read the campaign page (totals, leverage, the daily
curve, by county and industry, top merchants, the kept file), export with an audit row."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shangwu.audit.models import AuditLog
from shangwu.core.testing import xlsx_rows
from shangwu.organization.models import Region
from shangwu.vouchers.models import VoucherBatch, VoucherCampaign, VoucherRedemption
from shangwu.vouchers.tests.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


def _upload(client, campaign, content, name="银联导出.csv"):
    return client.post(
        "/vouchers/import/",
        {"campaign": campaign.pk, "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_city_staff_register_a_campaign_and_a_batch_through_the_pages(as_user, city_staff):
    client = as_user(city_staff)
    hedong, yunshui = Region.objects.get(code="419902"), Region.objects.get(code="419921")
    response = client.post(
        "/vouchers/campaigns/add/",
        {
            "name": "云河夏季消费券",
            "funder": "city",
            "budget": "300",
            "platform": "alipay",
            "start_on": "2026-07-01",
            "end_on": "2026-08-31",
            "counties": [hedong.pk, yunshui.pk],
            "organiser": city_staff.org_unit_id,
        },
    )
    campaign = VoucherCampaign.objects.get(name="云河夏季消费券")
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    response = client.post(
        f"/vouchers/campaigns/{campaign.pk}/batches/add/",
        {
            "name": "家电满2000减300",
            "code": "",
            "face_value": "300",
            "threshold": "2000",
            "quantity": "2000",
            "industry": "appliance",
        },
    )
    assert response.status_code == 302
    batch = VoucherBatch.objects.get(campaign=campaign)
    assert (batch.rule, batch.issued_cents) == ("满2000减300", 2000 * 30000)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "家电满2000减300" in page and "活动登记" in page
    # A batch whose threshold is below its face value is refused, naming the field.
    response = client.post(
        f"/vouchers/campaigns/{campaign.pk}/batches/add/",
        {
            "name": "错券",
            "face_value": "50",
            "threshold": "20",
            "quantity": "1",
            "industry": "retail",
        },
    )
    assert response.status_code == 400
    assert "使用门槛（满X元）不能小于面额。" in response.content.decode()


def test_a_county_officer_uploads_a_real_export_previews_it_and_finds_it_on_the_campaign_page(
    as_user, county_a, make_campaign, media
):
    campaign = make_campaign()
    client = as_user(county_a)
    content = csv_bytes(
        [
            row("P1", order="200", discount="30"),
            row(
                "P2",
                merchant="东湖便利店",
                batch="零售满200减50",
                order="250",
                discount="50",
                at="2026-05-04 20:00:00",
            ),
        ],
        encoding="gbk",
    )
    preview = _upload(client, campaign, content)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert 'data-testid="rows-new">2<' in text and 'data-testid="rows-stored">0<' in text
    assert not VoucherRedemption.objects.exists()
    token = preview.context["token"]
    done = client.post(f"/vouchers/import/{token}/commit/")
    assert done.status_code == 302 and done["Location"] == campaign.get_absolute_url()
    page = client.get(done["Location"])
    assert page.context["totals"]["n"] == 2
    assert page.context["totals"]["leverage"] == Decimal("5.63")  # 450 ÷ 80, half up
    html = page.content.decode()
    assert 'data-testid="total-redeemed">2<' in html and "银联导出.csv" in html
    assert "voucher-curve-data" in html and "vouchers/charts.js" in html
    assert [r["name"] for r in page.context["by_industry"]] == ["餐饮", "零售"]
    assert [m["merchant"].name for m in page.context["top_merchants"]] == [
        "东湖便利店",
        "云河老字号餐馆",
    ]
    # The same export again: nothing new, nothing counted twice.
    again = _upload(client, campaign, content)
    assert 'data-testid="rows-new">0<' in again.content.decode()
    client.post(f"/vouchers/import/{again.context['token']}/commit/")
    assert client.get(campaign.get_absolute_url()).context["totals"]["n"] == 2


def test_an_export_with_errors_shows_them_and_cannot_be_confirmed(
    as_user, city_staff, make_campaign, media
):
    campaign = make_campaign()
    client = as_user(city_staff)
    preview = _upload(client, campaign, csv_bytes([row("E1"), row("E2", discount="500")]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "优惠金额不能大于订单金额。" in html and 'data-testid="confirm-import"' not in html
    report = client.get(f"/vouchers/import/{preview.context['token']}/errors/")
    assert report.status_code == 200
    refused = client.post(f"/vouchers/import/{preview.context['token']}/commit/")
    assert refused.status_code == 400 and not VoucherRedemption.objects.exists()


def test_an_upload_that_is_no_csv_is_refused_in_chinese(as_user, city_staff, make_campaign, media):
    campaign = make_campaign()
    response = _upload(as_user(city_staff), campaign, b"PK\x03\x04not a csv", name="x.csv")
    assert response.status_code == 400
    assert "文件内容不是文本格式的 CSV。" in response.content.decode()


def test_the_campaign_list_filters_and_its_export_is_audited(as_user, city_staff, make_campaign):
    make_campaign(name="河东专属券", counties=("419902",))
    make_campaign(name="云水专属券", counties=("419921",))
    client = as_user(city_staff)
    hedong = Region.objects.get(code="419902")
    listed = client.get(f"/vouchers/campaigns/?county={hedong.pk}")
    assert [c.name for c in listed.context["page"].object_list] == ["河东专属券"]
    export = client.get(f"/vouchers/campaigns/export/?county={hedong.pk}")
    assert export.status_code == 200
    names = {r[0] for r in xlsx_rows(export.content)}
    assert names == {"河东专属券"}
    assert AuditLog.objects.filter(action="export", object_type="vouchers.vouchercampaign").exists()


def test_the_status_moves_one_step_at_a_time_with_a_timeline_row(
    as_user, city_staff, make_campaign
):
    campaign = make_campaign()
    client = as_user(city_staff)
    response = client.post(f"/vouchers/campaigns/{campaign.pk}/move/", {"to_status": "running"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "running"
    assert campaign.events.filter(kind="moved", from_status="planned", to_status="running").exists()
    skipped = client.post(f"/vouchers/campaigns/{campaign.pk}/move/", {"to_status": "planned"})
    assert skipped.status_code == 400


def test_the_lists_behind_the_figures_open_for_city_and_county(
    as_user, county_a, make_campaign, run_import, city_staff
):
    campaign = make_campaign()
    run_import(city_staff, campaign, csv_bytes([row("L1"), row("L2", county="云水县")]))
    client = as_user(county_a)
    daily = client.get(f"/vouchers/daily/?campaign={campaign.pk}")
    assert [d.county.name for d in daily.context["page"].object_list] == ["河东区"]
    assert client.get("/vouchers/merchants/").status_code == 200
    assert client.get("/vouchers/batches/").status_code == 200
    redemptions = client.get(f"/vouchers/redemptions/?campaign={campaign.pk}")
    assert [r.code for r in redemptions.context["page"].object_list] == ["L1"]


def test_the_upload_page_offers_the_campaign_the_template_and_the_larger_limit(
    as_user, city_staff, make_campaign
):
    import tempfile
    from pathlib import Path

    from shangwu.core.imports import read_rows

    campaign = make_campaign()
    client = as_user(city_staff)
    page = client.get(f"/vouchers/import/?campaign={campaign.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "不超过 512 MB" in html and f'<option value="{campaign.pk}" selected>' in html
    template = client.get("/vouchers/import/template/")
    assert template.status_code == 200
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        path.write_bytes(template.content)
        header = read_rows(path, "xlsx", skip_sheets=("填写说明",))[0]
    assert header[:3] == ["券批次", "券码", "核销时间"]
