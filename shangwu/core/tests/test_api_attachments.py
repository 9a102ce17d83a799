"""One set of attachment actions (``core.api.attachment_actions``) and one file serializer
(``core.serializers.StoredFileSerializer``) serve every record with files: a case and a visit
alike take a real PDF and give it back byte for byte, refuse a program, remove softly, and leave
their audit rows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.cases import services as case_services
from shangwu.cases.choices import CaseKind, CaseSource
from shangwu.cases.models import CaseAttachment, CaseCategory
from shangwu.core.tests import files
from shangwu.enterprises.baobao import services as visit_services
from shangwu.enterprises.models import VisitAttachment
from shangwu.organization.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
)


def a_case(make_enterprise, county_a):
    now = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 0))
    return case_services.case_register(
        actor=county_a,
        source=CaseSource.VISIT,
        kind=CaseKind.ORDINARY,
        category=CaseCategory.objects.get(name="融资"),
        title="企业反映融资难",
        content="详细情况……",
        county=Region.objects.get(code="419902"),
        enterprise=make_enterprise(county="419902"),
        contact_name="李经理",
        contact_phone="13912345678",
        received_at=now,
        now=now,
    )


def a_visit(make_enterprise, county_a):
    return visit_services.visit_create(
        enterprise=make_enterprise(county="419902", township="419902001"),
        visited_on=timezone.localdate() - datetime.timedelta(days=1),
        officials=[county_a],
        actor=county_a,
    )


RECORDS = {
    "case": (a_case, "/api/cases/{}/attachments/", CaseAttachment),
    "visit": (a_visit, "/api/visits/{}/attachments/", VisitAttachment),
}


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("kind", RECORDS)
def test_a_county_officer_uploads_a_pdf_and_downloads_it_back_with_audit_rows(
    kind, make_enterprise, county_a, committed
):
    make, url, model = RECORDS[kind]
    record = make(make_enterprise, county_a)
    api = api_as(county_a)
    with committed():
        created = api.post(url.format(record.pk), {"file": files.pdf()}, format="multipart")
    assert created.status_code == 201, created.content
    item = created.json()
    stored = model.objects.get(pk=item["id"])
    assert item["name"] == "整改报告.pdf" and item["content_type"] == "application/pdf"
    assert item["uploaded_by_name"] == county_a.name and item["size"] == len(files.PDF_BYTES)
    assert item["download_url"].endswith(f"{url.format(record.pk)}{stored.pk}/download/")
    assert AuditLog.objects.filter(
        action=AuditAction.CREATE, object_type=model._meta.label_lower, object_id=str(stored.pk)
    ).exists()

    assert [f["id"] for f in api.get(url.format(record.pk)).json()] == [stored.pk]
    response = api.get(item["download_url"])
    assert response.status_code == 200 and body(response) == files.PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    download = AuditLog.objects.get(action=AuditAction.DOWNLOAD, object_id=str(stored.pk))
    assert download.actor_username == "county_a" and "整改报告.pdf" in download.detail


@pytest.mark.parametrize("kind", RECORDS)
def test_a_program_named_pdf_is_refused_with_a_message_on_the_file_field_and_nothing_kept(
    kind, make_enterprise, county_a, committed
):
    make, url, model = RECORDS[kind]
    record = make(make_enterprise, county_a)
    program = SimpleUploadedFile("安装程序.exe", EXE_BYTES, content_type="application/octet-stream")
    with committed():
        refused = api_as(county_a).post(
            url.format(record.pk), {"file": program}, format="multipart"
        )
    assert refused.status_code == 400
    assert "类型不允许，只能上传" in refused.json()["file"][0]  # on the field that was sent
    assert not model.objects.exists()
    assert not AuditLog.objects.filter(
        action=AuditAction.CREATE, object_type=model._meta.label_lower
    ).exists()


@pytest.mark.parametrize("kind", RECORDS)
def test_removing_hides_the_file_keeps_its_row_and_other_counties_get_404(
    kind, make_enterprise, county_a, county_b, committed
):
    make, url, model = RECORDS[kind]
    record = make(make_enterprise, county_a)
    api = api_as(county_a)
    with committed():
        item = api.post(url.format(record.pk), {"file": files.pdf()}, format="multipart").json()
    assert api_as(county_b).get(item["download_url"]).status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor_username="county_b").exists()

    assert api.post(f"{url.format(record.pk)}{item['id']}/remove/").status_code == 204
    assert api.get(url.format(record.pk)).json() == []
    assert api.get(item["download_url"]).status_code == 404
    stored = model.objects.get(pk=item["id"])
    assert stored.removed_at is not None and stored.removed_by == county_a
    assert AuditLog.objects.filter(
        action=AuditAction.UPDATE, object_type=model._meta.label_lower, object_id=str(stored.pk)
    ).exists()
