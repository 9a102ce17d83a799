"""A county officer walks a restaurant from the 老字号 cultivation list to award through the
pages, uploading the application materials and the certificate, and finds it on the enterprise's
page, in this year's figures and on the matrix; a step out of order is answered in Chinese on the
form; the 系统管理员 edits a kind."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shangwu.audit.models import AuditLog
from shangwu.core.testing import timeline_entries
from shangwu.designations.models import Designation, DesignationKind
from shangwu.designations.tests.conftest import county_bureau

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def test_a_restaurant_is_put_on_the_list_applied_recommended_and_awarded_with_its_certificate(
    as_user, county_a, make_enterprise, kind, media, committed
):
    today = timezone.localdate()
    restaurant = make_enterprise(township="419902001", name="王记面馆餐饮有限公司")
    client = as_user(county_a)
    added = client.post(
        "/designations/add/",
        {
            "kind": kind("city_laozihao").pk,
            "holder_type": "enterprise",
            "enterprise": restaurant.pk,
            "responsible_unit": county_bureau("419902").pk,
            "official": county_a.pk,
        },
    )
    assert added.status_code == 302, added.content.decode()[:800]
    d = Designation.objects.get(enterprise=restaurant)
    assert d.name == "市级老字号·王记面馆餐饮有限公司" and d.status == "cultivating"
    detail = d.get_absolute_url()

    # Out of order: 认定 before 推荐 is refused on the form, in words.
    refused = client.post(
        f"/designations/{d.pk}/award/", {"on": f"{today:%Y-%m-%d}", "doc": "云政〔2026〕1号"}
    )
    assert refused.status_code == 400
    assert "当前为“培育”，不能认定" in refused.content.decode()

    with committed():
        applied = client.post(
            f"/designations/{d.pk}/apply/",
            {
                "on": f"{today:%Y-%m-%d}",
                "materials": SimpleUploadedFile("申报材料.pdf", PDF),
            },
        )
    assert applied.status_code == 302, applied.content.decode()[:800]
    recommended = client.post(
        f"/designations/{d.pk}/recommend/",
        {"on": f"{today:%Y-%m-%d}", "level": "county", "doc": "河商字〔2026〕8号"},
    )
    assert recommended.status_code == 302
    with committed():
        awarded = client.post(
            f"/designations/{d.pk}/award/",
            {
                "on": f"{today:%Y-%m-%d}",
                "doc": "云政〔2026〕12号",
                "certificate": SimpleUploadedFile("老字号证书.pdf", PDF),
            },
        )
    assert awarded.status_code == 302, awarded.content.decode()[:800]
    d.refresh_from_db()
    assert d.status == "awarded" and d.awarded_on == today
    assert d.next_review_on == today.replace(year=today.year + 3)

    # The page: status, the two files, the timeline of each step.
    page = client.get(detail)
    html = page.content.decode()
    assert "当前有效" in html and "申报材料.pdf" in html and "老字号证书.pdf" in html
    assert [e["status"] for e in timeline_entries(page) if e["status"]] == [
        "推荐 → 认定",
        "申报 → 推荐",
        "培育 → 申报",
        "培育",
    ]
    certificate = d.attachments.get(purpose="certificate")
    download = client.get(f"/designations/attachments/{certificate.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert AuditLog.objects.filter(
        action="download", object_type="designations.designationattachment"
    ).exists()

    # The enterprise's page lists it; this year's figure and the matrix count it.
    enterprise_page = client.get(restaurant.get_absolute_url()).content.decode()
    assert "市级老字号·王记面馆餐饮有限公司" in enterprise_page
    figure = client.get(
        f"/api/figures/designations.awarded/?from={today.year}-01-01&to={today.year}-12-31"
    ).json()
    assert figure["value"] == "1"
    matrix = client.get("/designations/matrix/").context
    hedong = next(r for r in matrix["rows"] if r["name"] == "河东区")
    assert hedong["total"][0] == 1


def test_the_review_falling_due_next_quarter_is_found_on_the_list(
    as_user, county_a, make_designation
):
    today = timezone.localdate()
    awarded = today.replace(year=today.year - 3) + datetime.timedelta(days=30)
    soon = make_designation(
        status="awarded", awarded_on=awarded, start=awarded - datetime.timedelta(days=90)
    )
    make_designation(status="awarded")  # awarded 2024-04-01: reviewed 2027-04-01
    response = as_user(county_a).get(
        "/designations/",
        {
            "review_from": f"{today:%Y-%m-%d}",
            "review_to": f"{today + datetime.timedelta(days=92):%Y-%m-%d}",
        },
    )
    assert [d.pk for d in response.context["page"]] == [soon.pk]


def test_the_cultivation_list_counts_each_units_designations_and_links_them(
    as_user, county_a, make_designation
):
    make_designation(status="cultivating")
    make_designation(status="applied")
    make_designation(status="awarded")
    client = as_user(county_a)
    page = client.get("/designations/cultivation/")
    (row,) = page.context["rows"]
    assert row["name"] == "河东区商务局"
    assert [n for n, _ in row["cells"]] == [1, 1, 0] and row["total"][0] == 2
    assert client.get(row["total"][1]).context["page"].paginator.count == 2


def test_the_system_administrator_edits_a_kind_and_an_officer_may_not(as_user, sysadmin, county_a):
    green = DesignationKind.objects.get(code="green_mall")
    client = as_user(sysadmin)
    response = client.post(
        f"/designations/kinds/{green.pk}/edit/",
        {
            "name": "绿色商场",
            "sort_order": 40,
            "level": "provincial",
            "authority": "省商务厅",
            "holder_types": ["enterprise", "store"],
            "validity_years": "3",
            "review_cycle_years": "3",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    green.refresh_from_db()
    assert green.validity_years == 3
    assert as_user(county_a).get(f"/designations/kinds/{green.pk}/edit/").status_code == 403
    assert as_user(county_a).get("/designations/kinds/").status_code == 200
