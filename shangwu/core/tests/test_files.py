"""The file service (core.files): what it accepts is decided by the content; nothing reaches
storage unless the transaction commits; storage is Django's storage API, chosen by settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import InMemoryStorage
from django.db import transaction

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.cases.models import CaseAttachment
from shangwu.cases.services import case_attach
from shangwu.core import files as file_service
from shangwu.core.tests import files
from shangwu.core.tests.files import stored_files


@pytest.fixture
def case(db, county_a):
    from shangwu.cases.models import CaseCategory
    from shangwu.cases.services import case_register
    from shangwu.organization.models import Region

    return case_register(
        actor=county_a,
        source="hotline",
        kind="help",
        category=CaseCategory.objects.get(name="融资"),
        title="附件测试",
        content="附件测试",
        county=Region.objects.get(code="419902"),
    )


def attach(case, county_a, upload):
    return case_attach(case=case, actor=county_a, upload=upload)


@pytest.mark.parametrize(
    "make, content_type",
    [
        (files.pdf, "application/pdf"),
        (files.png, "image/png"),
        (
            lambda: files.SimpleUploadedFile("照片.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00rest"),
            "image/jpeg",
        ),
        (files.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (files.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_real_documents_and_images_are_accepted(case, county_a, media, make, content_type):
    attachment = attach(case, county_a, make())
    assert attachment.content_type == content_type
    assert len(attachment.sha256) == 64


@pytest.mark.parametrize(
    "upload, message",
    [
        (files.html_named_pdf("通知.pdf"), "的内容不是真正的 pdf、jpg、png、docx、xlsx 文件"),
        (
            files.SimpleUploadedFile("图片.pdf", files.PNG_BYTES),
            "的内容是 png 文件，与扩展名“.pdf”不符",
        ),
        (files.xlsx("报表.docx"), "的内容是 xlsx 文件，与扩展名“.docx”不符"),
        # A zip named .docx is not a Word document; nor is one with the content-types part only.
        (files.zip_named("伪装.docx", {"a.txt": b"hello"}), "的内容不是真正的"),
        (files.zip_named("残缺.docx", {"[Content_Types].xml": b"<Types/>"}), "的内容不是真正的"),
        (files.SimpleUploadedFile("坏.xlsx", b"PK\x03\x04not really a zip"), "的内容不是真正的"),
        (
            files.zip_named(
                "宏.docx",
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w/>",
                    "word/vbaProject.bin": b"x",
                },
            ),
            "含有宏",
        ),
        (files.SimpleUploadedFile("空.pdf", b""), "是空的"),
        (files.SimpleUploadedFile("程序.exe", b"MZ\x90\x00"), "类型不允许"),
        (files.SimpleUploadedFile("页面.html", files.HTML_BYTES), "类型不允许"),
    ],
)
def test_the_content_decides_and_a_refusal_names_the_file(case, county_a, media, upload, message):
    with pytest.raises(ValidationError) as refused:
        attach(case, county_a, upload)
    assert message in refused.value.message_dict["file"][0]
    assert upload.name in refused.value.message_dict["file"][0]
    assert not CaseAttachment.objects.exists()


def test_a_rolled_back_transaction_leaves_no_file_on_disk(
    case, county_a, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            attach(case, county_a, files.pdf("回滚.pdf"))
            raise RuntimeError("a later step of the same transaction failed")

    assert not CaseAttachment.objects.exists()
    assert stored_files(media) == []

    # The same upload committed is written, under its generated name.
    with django_capture_on_commit_callbacks(execute=True):
        attachment = attach(case, county_a, files.pdf("提交.pdf"))
    assert [p.relative_to(media).as_posix() for p in stored_files(media)] == [attachment.file.name]


class BrokenStorage(InMemoryStorage):
    """An object store that is down."""

    def _save(self, name, content):
        raise OSError("connection refused")


def test_a_file_the_storage_could_not_write_is_not_listed_and_the_audit_log_says_so(
    case, county_a, settings, django_capture_on_commit_callbacks
):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.BrokenStorage"}}
    with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
        attach(case, county_a, files.pdf("写不进去.pdf"))

    attachment = CaseAttachment.objects.get()
    assert attachment.removed_at is not None
    assert not case.attachments.listed().exists()
    row = AuditLog.objects.filter(
        object_type="cases.caseattachment", action=AuditAction.UPDATE
    ).get()
    assert "写入存储失败" in row.detail


def test_the_file_name_shown_keeps_the_users_name_without_folders():
    assert file_service.display_name("C:\\fakepath\\情况说明.pdf") == "情况说明.pdf"
    assert file_service.display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert file_service.display_name("a\x00b.pdf") == "ab.pdf"
    long = file_service.display_name("长" * 300 + ".docx")
    assert len(long) == 200 and long.endswith(".docx")


def test_files_go_through_the_storage_api_so_another_backend_is_configuration(
    as_user, case, county_a, settings, django_capture_on_commit_callbacks, media
):
    # An object store (MinIO through django-storages) is just another Storage class: an
    # in-memory one proves nothing in the code assumes a local path.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        attachment = attach(case, county_a, files.pdf("对象存储.pdf"))
    response = as_user(county_a).get(attachment.get_absolute_url())
    assert b"".join(response.streaming_content) == files.PDF_BYTES
    assert stored_files(media) == []


def test_the_storage_backend_and_its_options_come_from_the_environment(tmp_path):
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "SHANGWU_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "shangwu.settings",
        "FILE_STORAGE_BACKEND": "django.core.files.storage.FileSystemStorage",
        "FILE_STORAGE_OPTIONS": json.dumps({"location": str(tmp_path / "bucket")}),
        "FILE_MAX_MB": "3",
        "FILE_DAILY_QUOTA_MB": "50",
    }
    script = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.files.storage import default_storage;"
        "print(default_storage.location, settings.FILE_MAX_BYTES, settings.FILE_DAILY_QUOTA_BYTES)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [
        str(tmp_path / "bucket"),
        str(3 * 1024 * 1024),
        str(50 * 1024 * 1024),
    ]

    env["FILE_STORAGE_OPTIONS"] = "not json"
    bad = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "FILE_STORAGE_OPTIONS" in bad.stderr
