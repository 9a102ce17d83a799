"""A refused upload is told why and leaves an audit row saying the same (issue 15 §4). Office
files declaring an XML document type or entities (XXE, "billion laughs") are refused before any
row is read: Excel, WPS and Word never write one. The plan .docx gets the workbook's checks."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.audit.tests.test_file_routes import XXE, enterprise_row, enterprise_xlsx, rezip
from shangwu.core import imports

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def import_rows():
    return AuditLog.objects.filter(action=AuditAction.IMPORT).order_by("id")


def test_an_xxe_workbook_is_refused_before_any_row_is_read_and_the_refusal_is_audited(
    as_user, city_staff, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("rows were read")

    monkeypatch.setattr(imports, "read_rows", never)
    content = rezip(enterprise_xlsx(enterprise_row(950)), prefix={"xl/worksheets/sheet1.xml": XXE})
    response = as_user(city_staff).post(
        "/enterprises/import/", {"file": SimpleUploadedFile("企业.xlsx", content)}
    )
    assert (
        response.status_code == 400 and "文档类型声明或实体定义" in response.context["upload_error"]
    )
    row = import_rows().get()
    assert row.actor_username == "city_staff" and row.object_type == "enterprises.enterprise"
    assert (
        row.detail.startswith("上传文件“企业.xlsx”（")
        and "已拒绝：工作簿含有 XML 文档类型声明" in row.detail
    )


def test_an_accepted_upload_is_audited_with_what_the_preview_found(as_user, city_staff):
    content = enterprise_xlsx(enterprise_row(951))
    response = as_user(city_staff).post(
        "/enterprises/import/", {"file": SimpleUploadedFile("企业.xlsx", content)}
    )
    assert response.status_code == 200
    assert "预览 1 行，错误 0 处，尚未写入" in import_rows().get().detail


def plan_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("2026年工作要点")
    document.add_paragraph("一、稳外贸。")
    document.add_paragraph("1．深化外贸企业包保服务。（牵头单位：外贸科）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ({"prefix": {"word/document.xml": XXE}}, "文档含有 XML 文档类型声明或实体定义"),
        ({"add": {"word/media/big.xml": "0" * (2 * 1024 * 1024)}}, "疑似压缩炸弹"),
        ({"add": {"word/vbaProject.bin": b"VBA"}}, "文档含有宏"),
    ],
    ids=["xxe", "zip-bomb", "macro"],
)
def test_a_crafted_plan_docx_is_refused_with_its_reason_and_audited(
    as_user, city_staff, tamper, message
):
    content = rezip(plan_docx(), **tamper)
    response = as_user(city_staff).post(
        "/tasks/import/",
        {
            "year": 2026,
            "cycle": "monthly",
            "due_day": 25,
            "file": SimpleUploadedFile("要点.docx", content),
        },
    )
    assert response.status_code == 400 and message in response.content.decode()
    row = import_rows().get()
    assert row.object_type == "tasks.plan" and "已拒绝" in row.detail and message in row.detail
