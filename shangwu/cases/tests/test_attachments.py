"""Case attachments through the real pages and API: a clerk uploads a real file, lists it, downloads
it back byte for byte; everything refused leaves nothing behind (issue 15, §1)."""

import hashlib
from urllib.parse import quote

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.cases.models import Case, CaseAttachment
from shangwu.core.tests import files
from shangwu.core.tests.files import stored_files


def attach_url(case):
    return reverse("cases:case_action", args=[case.pk, "attach"])


def download_url(attachment):
    return reverse("cases:attachment_download", args=[attachment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def upload(client, case, file, committed):
    with committed():
        return client.post(attach_url(case), {"file": file, "version": case.version})


def test_county_officer_uploads_a_pdf_and_downloads_it_back_byte_for_byte(
    as_user, county_a, make_case, media, committed
):
    case = make_case()
    client = as_user(county_a)

    response = upload(client, case, files.pdf("整改报告（第一版）.pdf"), committed)

    assert response.status_code == 302
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.name == "整改报告（第一版）.pdf"
    assert attachment.sha256 == hashlib.sha256(files.PDF_BYTES).hexdigest()
    assert attachment.content_type == "application/pdf"
    # Stored under a generated name: nothing of the user's name reaches the disk.
    on_disk = stored_files(media)
    assert [p.relative_to(media).as_posix() for p in on_disk] == [attachment.file.name]
    assert attachment.file.name.startswith("cases/") and "整改" not in attachment.file.name
    assert on_disk[0].read_bytes() == files.PDF_BYTES

    page = client.get(case.get_absolute_url()).content.decode()
    assert "整改报告（第一版）.pdf" in page
    assert download_url(attachment) in page
    row = page[page.index(f'data-attachment="{attachment.pk}"') :][:1500]
    assert county_a.name in row  # uploader
    assert str(filesizeformat(attachment.size)) in row
    assert f"{timezone.localtime(attachment.uploaded_at):%Y-%m-%d %H:%M}" in row

    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert body(response) == files.PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''" + quote("整改报告（第一版）.pdf")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    download = AuditLog.objects.get(action=AuditAction.DOWNLOAD, object_id=str(attachment.pk))
    assert download.actor_username == "county_a" and "整改报告（第一版）.pdf" in download.detail
    # The audit row of the upload names the stored file and its hash (it used to 500 here).
    created = AuditLog.objects.get(
        action=AuditAction.CREATE, object_type="cases.caseattachment", object_id=str(attachment.pk)
    )
    assert created.changes["after"]["file"] == {
        "name": attachment.file.name,
        "sha256": attachment.sha256,
    }


def test_office_files_and_images_are_accepted(as_user, county_a, make_case, media, committed):
    case = make_case()
    client = as_user(county_a)
    for file in (files.docx(), files.xlsx(), files.png()):
        assert upload(client, case, file, committed).status_code == 302
    assert sorted(case.attachments.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]
    assert len(stored_files(media)) == 3


def test_an_html_page_named_pdf_is_refused_and_nothing_is_kept(
    as_user, county_a, make_case, media, committed
):
    case = make_case()
    response = upload(as_user(county_a), case, files.html_named_pdf("通知.pdf"), committed)

    assert response.status_code == 200
    assert "文件“通知.pdf”的内容不是真正的" in response.content.decode()
    assert not CaseAttachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(
    as_user, county_a, make_case, media, committed, settings
):
    settings.FILE_MAX_BYTES = 100
    case = make_case()
    response = upload(as_user(county_a), case, files.pdf("大文件.pdf"), committed)

    assert "超过上限 100 字节" in response.content.decode()
    assert not CaseAttachment.objects.exists()
    assert stored_files(media) == []


def test_the_daily_quota_refuses_the_upload_that_would_pass_it(
    as_user, county_a, make_case, media, committed, settings
):
    settings.FILE_DAILY_QUOTA_BYTES = len(files.PDF_BYTES) + 10
    case = make_case()
    client = as_user(county_a)
    assert upload(client, case, files.pdf("第一份.pdf"), committed).status_code == 302

    response = upload(client, case, files.pdf("第二份.pdf"), committed)

    page = response.content.decode()
    assert "超出每日上传限额" in page and "您今天已上传" in page
    assert list(case.attachments.values_list("name", flat=True)) == ["第一份.pdf"]
    assert len(stored_files(media)) == 1


def test_county_b_gets_404_for_a_file_of_county_a_and_the_attempt_is_audited(
    as_user, county_a, county_b, make_case, media, committed
):
    case = make_case()
    upload(as_user(county_a), case, files.pdf(), committed)
    attachment = case.attachments.get()

    response = as_user(county_b).get(download_url(attachment))

    assert response.status_code == 404
    assert files.PDF_BYTES not in response.content
    denied = AuditLog.objects.get(action=AuditAction.DENIED, object_type="cases.caseattachment")
    assert denied.actor_username == "county_b" and denied.object_id == str(attachment.pk)
    assert not AuditLog.objects.filter(action=AuditAction.DOWNLOAD).exists()
    # Nor can they remove it.
    remove = as_user(county_b).post(reverse("cases:attachment_remove", args=[attachment.pk]))
    assert remove.status_code == 404
    assert CaseAttachment.objects.get(pk=attachment.pk).removed_at is None


def test_removing_a_file_hides_it_and_keeps_its_record_and_audit_rows(
    as_user, county_a, make_case, media, committed
):
    case = make_case()
    client = as_user(county_a)
    upload(client, case, files.pdf("误传的文件.pdf"), committed)
    attachment = case.attachments.get()
    client.get(download_url(attachment))

    response = client.post(reverse("cases:attachment_remove", args=[attachment.pk]), follow=True)

    assert "已删除附件“误传的文件.pdf”" in response.content.decode()
    assert download_url(attachment) not in response.content.decode()
    assert client.get(download_url(attachment)).status_code == 404
    kept = CaseAttachment.objects.get(pk=attachment.pk)
    assert kept.removed_by == county_a and kept.removed_at is not None
    rows = AuditLog.objects.filter(object_type="cases.caseattachment", object_id=str(attachment.pk))
    assert set(rows.values_list("action", flat=True)) == {
        AuditAction.CREATE,
        AuditAction.DOWNLOAD,
        AuditAction.UPDATE,
    }
    removal = rows.get(action=AuditAction.UPDATE)
    assert (
        removal.changes["before"]["removed_at"] is None and removal.changes["after"]["removed_at"]
    )
    # Removing a file does not count a denial: the owner simply finds it gone.
    assert not AuditLog.objects.filter(action=AuditAction.DENIED).exists()


def register_form(category, region, **extra):
    return {
        "source": "hotline",
        "kind": "help",
        "category": category.pk,
        "title": "求助：厂区停电三天",
        "content": "企业反映厂区停电三天，生产线停工。",
        "contact_name": "王厂长",
        "county": region("419902").pk,
        **extra,
    }


def test_registering_a_case_with_a_refused_file_keeps_what_was_typed_and_saves_nothing(
    as_user, county_a, category, region, media, committed
):
    before = Case.objects.count()
    with committed():
        response = as_user(county_a).post(
            reverse("cases:case_add"),
            register_form(
                category,
                region,
                attachments=[files.pdf("现场.pdf"), files.html_named_pdf("伪装.pdf")],
            ),
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "求助：厂区停电三天" in page
        and "企业反映厂区停电三天，生产线停工。" in page
        and "王厂长" in page
    )
    assert "文件“伪装.pdf”的内容不是真正的" in page
    assert "请重新选择附件" in page
    assert Case.objects.count() == before
    assert not CaseAttachment.objects.exists()
    assert stored_files(media) == []


def test_registering_a_case_with_two_files_saves_the_case_and_both(
    as_user, county_a, category, region, media, committed
):
    with committed():
        response = as_user(county_a).post(
            reverse("cases:case_add"),
            register_form(
                category, region, attachments=[files.pdf("现场.pdf"), files.docx("说明.docx")]
            ),
        )

    assert response.status_code == 302
    case = Case.objects.get(title="求助：厂区停电三天")
    assert sorted(case.attachments.values_list("name", flat=True)) == ["现场.pdf", "说明.docx"]
    assert len(stored_files(media)) == 2


def test_the_api_lists_uploads_and_downloads_attachments_through_the_same_service(
    as_user, county_a, county_b, make_case, media, committed
):
    case = make_case()
    client = as_user(county_a)
    url = f"/api/cases/{case.pk}/attachments/"
    with committed():
        created = client.post(url, {"file": files.pdf("接口上传.pdf")})
    assert created.status_code == 201, created.content
    refused = client.post(url, {"file": files.html_named_pdf("接口.pdf")})
    assert refused.status_code == 400 and "内容不是真正的" in refused.json()["file"][0]

    listed = client.get(url).json()
    assert [a["name"] for a in listed] == ["接口上传.pdf"]
    detail = client.get(f"/api/cases/{case.pk}/").json()
    assert [a["id"] for a in detail["attachments"]] == [listed[0]["id"]]
    response = client.get(listed[0]["download_url"])
    assert response.status_code == 200 and body(response) == files.PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert as_user(county_b).get(listed[0]["download_url"]).status_code == 404

    removed = client.post(f"{url}{listed[0]['id']}/remove/")
    assert removed.status_code == 204
    assert client.get(url).json() == []
    assert client.get(listed[0]["download_url"]).status_code == 404


def test_rows_from_before_the_file_service_get_their_hash_and_type(county_a, make_case, media):
    """Migration 0011 fills SHA-256 and type of existing attachments from their stored content
    (an old row kept the user's own name as its storage name)."""
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    migration = importlib.import_module("shangwu.cases.migrations.0013_attachments_stored_files")
    case = make_case()
    stored = default_storage.save("cases/2025/03/旧附件.pdf", ContentFile(files.PDF_BYTES))
    old = CaseAttachment.objects.create(
        case=case,
        file=stored,
        name="旧附件.pdf",
        size=len(files.PDF_BYTES),
        content_type="",
        sha256="",
        uploaded_by=county_a,
    )
    lost = CaseAttachment.objects.create(
        case=case,
        file="cases/2025/03/丢失.docx",
        name="丢失.docx",
        size=10,
        content_type="",
        sha256="",
        uploaded_by=county_a,
    )

    migration.fill_hash_and_type(apps, None)

    old.refresh_from_db()
    lost.refresh_from_db()
    assert old.sha256 == hashlib.sha256(files.PDF_BYTES).hexdigest()
    assert old.content_type == "application/pdf"
    assert lost.sha256 == "" and lost.content_type.endswith("wordprocessingml.document")


def test_the_admin_roles_never_download_case_files(
    as_user, county_a, auditor, sysadmin, make_case, media, committed
):
    case = make_case()
    upload(as_user(county_a), case, files.pdf(), committed)
    attachment = case.attachments.get()
    for admin in (auditor, sysadmin):
        response = as_user(admin).get(download_url(attachment))
        assert response.status_code == 403
        assert files.PDF_BYTES not in response.content
    assert not AuditLog.objects.filter(action=AuditAction.DOWNLOAD).exists()
