"""The IMPORT row that sums up an imported 工作要点: what the 审计管理员 reads after city staff
import a plan through the page or the API (who, from where, which plan, how many sections and
tasks), one row per import, beside the per-upload rows."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangwu.audit.models import AuditLog
from shangwu.tasks.models import Plan
from shangwu.tasks.tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db


def summary_rows():
    """The IMPORT rows about plans other than the upload rows (上传文件…)."""
    return AuditLog.objects.filter(action="import", object_type="tasks.plan").exclude(
        detail__startswith="上传文件"
    )


def docx_upload(text, name="工作要点.docx"):
    document = docx.Document()
    for line in text.strip().split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_city_staff_importing_a_plan_on_the_page_leaves_one_row_naming_the_plan_and_its_size(
    as_user, city_staff
):
    client = as_user(city_staff)
    options = {"year": 2026, "cycle": "monthly", "due_day": 25}
    preview = client.post(
        reverse("tasks:plan_import"), {"file": docx_upload(SMALL_PLAN), **options}
    )
    assert preview.status_code == 200
    assert not summary_rows().exists()  # a preview writes nothing, its summary neither
    commit_url = reverse("tasks:plan_import_commit", args=[preview.context["token"]])
    assert client.post(commit_url, options).status_code == 302
    plan = Plan.objects.get(title="2026年全市商务工作要点")
    row = summary_rows().get()
    assert (row.actor_id, row.actor_username, row.actor_name) == (
        city_staff.pk,
        "city_staff",
        city_staff.name,
    )
    assert (row.object_id, row.object_repr) == (str(plan.pk), "2026年全市商务工作要点")
    assert row.path == commit_url and row.ip == "127.0.0.1" and row.request_id
    assert "“2026年全市商务工作要点”（2026年）" in row.detail
    assert "2 个章节、4 项任务" in row.detail


def test_city_staff_importing_a_plan_through_the_api_leaves_the_same_row(as_user, city_staff):
    response = as_user(city_staff).post(
        "/api/plans/import/",
        {"text": SMALL_PLAN, "year": 2026, "title": "API导入的要点"},
        content_type="application/json",
    )
    assert response.status_code == 201
    row = summary_rows().get()
    assert (row.actor_username, row.object_id, row.object_repr) == (
        "city_staff",
        str(response.json()["id"]),
        "API导入的要点",
    )
    assert row.path == "/api/plans/import/"
    assert "“API导入的要点”（2026年）" in row.detail and "2 个章节、4 项任务" in row.detail


def test_a_refused_plan_leaves_no_summary_row(as_user, city_staff):
    client = as_user(city_staff)
    options = {"year": 2026, "cycle": "monthly", "due_day": 25}
    preview = client.post(
        reverse("tasks:plan_import"), {"file": docx_upload(SMALL_PLAN), **options}
    )
    commit_url = reverse("tasks:plan_import_commit", args=[preview.context["token"]])
    assert client.post(commit_url, options).status_code == 302
    again = client.post(reverse("tasks:plan_import"), {"file": docx_upload(SMALL_PLAN), **options})
    commit_url = reverse("tasks:plan_import_commit", args=[again.context["token"]])
    assert client.post(commit_url, options).status_code == 400  # the title is taken
    assert summary_rows().count() == 1


def test_the_row_reads_like_every_importers_summary_with_the_file_and_the_plan(as_user, city_staff):
    client = as_user(city_staff)
    options = {"year": 2026, "cycle": "monthly", "due_day": 25}
    preview = client.post(
        reverse("tasks:plan_import"), {"file": docx_upload(SMALL_PLAN), **options}
    )
    client.post(reverse("tasks:plan_import_commit", args=[preview.context["token"]]), options)
    assert summary_rows().get().detail == (
        "导入文件“工作要点.docx”：共 4 行，新增 4，更新 0，未变 0。"
        "工作要点“2026年全市商务工作要点”（2026年）：2 个章节、4 项任务。"
    )
