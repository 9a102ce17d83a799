"""The import contract (core.importer), proved once for every importer: enterprises, projects,
indicators and the 工作要点 of tasks.

Through the real pages, as 市商务局 staff: a good file is previewed, confirmed, and its records
are there; a file with one bad row gets that row, its column and a Chinese reason, and nothing of
the file is saved; the downloaded template, filled in, imports clean. A new importer joins by
adding its kit below.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.core.importer import Importer, RowError
from shangwu.tasks import parser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def xlsx(rows, *, sheet="Sheet") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def replace_rows(content: bytes, sheet: str, first: int, rows) -> bytes:
    """The workbook with its data rows from ``first`` on replaced by ``rows``."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    ws.delete_rows(first, ws.max_row)
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class Kit:
    """How one importer is driven through its pages."""

    name: str
    importer: Callable[[], Importer]
    url: str
    template_url: str
    records: Callable[[], int]  # how many of the importer's records exist
    good: Callable[[], tuple[bytes, int]]  # (file, records it adds)
    bad: Callable[[], tuple[bytes, int, str]]  # (file, bad row, its column)
    fill_template: Callable[[bytes], tuple[bytes, int]]  # the downloaded template made real
    form: dict
    record_type: str  # the audit rows' object type of one record written
    # After ``good`` was imported: (file, records it changes) — None where a file cannot update
    # (a 工作要点 is a new plan every time).
    changed: Callable[[], tuple[bytes, int]] | None = None
    file_name: str = "导入.xlsx"
    # How the IMPORT row that sums up a commit counts the records written.
    summary_says: Callable[[int], str] = lambda n: f"新增 {n}"

    def upload(self, client, content: bytes):
        return client.post(
            self.url, {**self.form, "file": SimpleUploadedFile(self.file_name, content)}
        )

    def confirm(self, client, preview):
        return client.post(f"{self.url}{preview.context['token']}/commit/")


# --- The four importers -------------------------------------------------------------------------


def _enterprise_rows(*names):
    from shangwu.enterprises.tests.test_import import code, row

    return [row(code(seed=900 + i), name) for i, name in enumerate(names)]


def enterprise_kit() -> Kit:
    from shangwu.enterprises.imports import TEMPLATE_HEADERS, enterprise_importer
    from shangwu.enterprises.models import Enterprise

    def good():
        return xlsx(
            [TEMPLATE_HEADERS, *_enterprise_rows("契约商贸有限公司", "契约物流有限公司")]
        ), 2

    def bad():
        rows = _enterprise_rows("契约商贸有限公司")
        bad_row = list(rows[0])
        bad_row[0], bad_row[1] = "BAD", "契约坏账有限公司"
        return xlsx([TEMPLATE_HEADERS, rows[0], bad_row]), 3, "统一社会信用代码"

    def fill(template):
        return replace_rows(template, "企业信息", 2, _enterprise_rows("模板回填有限公司")), 1

    def changed():
        return xlsx(
            [TEMPLATE_HEADERS, *_enterprise_rows("契约商贸有限公司", "契约冷链物流有限公司")]
        ), 1

    return Kit(
        "企业",
        lambda: enterprise_importer,
        "/enterprises/import/",
        "/enterprises/import/template/",
        Enterprise.objects.count,
        good,
        bad,
        fill,
        {},
        "enterprises.enterprise",
        changed,
    )


def project_kit() -> Kit:
    from shangwu.projects.imports import project_importer
    from shangwu.projects.models import Project
    from shangwu.projects.tests.test_import import HEAD, row

    def good():
        return xlsx([HEAD, row("HT-1"), row("HT-2", name="冷链物流园项目")]), 2

    def bad():
        return xlsx([HEAD, row("HT-1"), row("HT-2", county="不存在县")]), 3, "县(市、区)"

    def fill(template):
        return template, 1  # its example row is a real project

    def changed():
        return xlsx([HEAD, row("HT-1"), row("HT-2", name="冷链物流园二期项目")]), 1

    return Kit(
        "招商项目",
        lambda: project_importer,
        "/projects/import/",
        "/projects/import/template/",
        Project.objects.count,
        good,
        bad,
        fill,
        {},
        "projects.project",
        changed,
    )


def indicator_kit() -> Kit:
    from shangwu.indicators.imports import value_importer
    from shangwu.indicators.models import IndicatorValue
    from shangwu.indicators.tests.test_import import FDI, RETAIL, RETAIL_PREV

    head = ["区划代码", "地区", RETAIL, RETAIL_PREV, FDI]

    def good():
        rows = [["填报月份", "2026-05"], head]
        rows += [["419902", "河东区", 12.5, 10, 300], ["419921", "云水县", 6, 5, ""]]
        return xlsx(rows, sheet="填报"), 3  # one record per county and indicator given

    def bad():
        rows = [["填报月份", "2026-05"], head]
        rows += [["419902", "河东区", 12.5, 10, 300], ["419921", "云水县", "六", "", ""]]
        return xlsx(rows, sheet="填报"), 4, RETAIL

    def fill(template):
        wb = openpyxl.load_workbook(io.BytesIO(template))
        ws = wb["填报"]
        headers = [c.value for c in ws[2]]
        ws.cell(3, headers.index(RETAIL) + 1, 88.8)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue(), 1

    def changed():
        rows = [["填报月份", "2026-05"], head]
        rows += [["419902", "河东区", 13.5, 10, 300], ["419921", "云水县", 6, 5, ""]]
        return xlsx(rows, sheet="填报"), 1  # 河东区's retail figure corrected

    return Kit(
        "指标数据",
        lambda: value_importer,
        "/indicators/values/import/",
        "/indicators/values/template/?month=2026-05",
        IndicatorValue.objects.count,
        good,
        bad,
        fill,
        {"month": "2026-05"},
        "indicators.indicatorvalue",
        changed,
    )


PLAN_LINES = [
    "工作要点",
    "2026年契约测试工作要点",
    "一、稳外贸。",
    "1．深化外贸企业包保服务。（牵头单位：外贸科；完成时限：2026年12月底）",
    "2．办好进出口商品展销会。（牵头单位：外贸科）",
]


def plan_kit() -> Kit:
    from shangwu.tasks.imports import plan_importer
    from shangwu.tasks.models import Task

    def good():
        return xlsx([[line] for line in PLAN_LINES], sheet="工作要点"), 2

    def bad():
        lines = [*PLAN_LINES[:2], "三" * (parser.MAX_LINE_CHARS + 1), *PLAN_LINES[2:]]
        return xlsx([[line] for line in lines], sheet="工作要点"), 3, "工作要点"

    def fill(template):
        return template, 2  # its example lines are a plan of two tasks

    return Kit(
        "工作要点",
        lambda: plan_importer,
        "/tasks/import/",
        "/tasks/import/template/",
        Task.objects.count,
        good,
        bad,
        fill,
        {"year": 2026, "cycle": "monthly", "due_day": 25},
        "tasks.task",
        summary_says=lambda n: f"{n} 项任务",
    )


KITS = [enterprise_kit, project_kit, indicator_kit, plan_kit]
IDS = ["enterprises", "projects", "indicators", "tasks"]


def row_errors(response) -> list[str]:
    """The errors the user reads, each as “第N行“列”列：原因”."""
    context = response.context or {}
    errors = context.get("errors") or []
    if errors and isinstance(errors[0], RowError):
        return [str(e) for e in errors]
    form = context.get("form")
    if form is not None:
        return [str(m) for messages in form.errors.values() for m in messages]
    return [str(e) for e in errors]


@pytest.mark.parametrize("make_kit", KITS, ids=IDS)
def test_a_good_file_is_previewed_then_imported_and_its_records_are_there(
    make_kit, as_user, city_staff
):
    kit = make_kit()
    client = as_user(city_staff)
    content, added = kit.good()
    before = kit.records()
    preview = kit.upload(client, content)
    assert preview.status_code == 200, row_errors(preview)
    assert row_errors(preview) == []
    result = preview.context["result"]
    assert (result.created, result.updated, result.errors) == (added, 0, [])
    page = preview.content.decode()
    assert f'data-testid="count-created">{added}<' in page  # the counts the user reads
    assert kit.records() == before  # a preview writes nothing
    creates = created_rows(kit)
    done = kit.confirm(client, preview)
    assert done.status_code == 302, row_errors(done)
    assert kit.records() == before + added
    assert created_rows(kit) == creates + added  # every record written has its own audit row
    summary = AuditLog.objects.exclude(detail__startswith="上传文件").get(
        action=AuditAction.IMPORT, object_type=kit.importer().model._meta.label_lower
    )  # beside the upload's own row, the one that sums up what the commit wrote
    assert summary.actor_username == "city_staff" and kit.summary_says(added) in summary.detail


def created_rows(kit) -> int:
    return AuditLog.objects.filter(action=AuditAction.CREATE, object_type=kit.record_type).count()


UPDATING = [enterprise_kit, project_kit, indicator_kit]


@pytest.mark.parametrize("make_kit", UPDATING, ids=IDS[:3])
def test_a_changed_file_is_previewed_as_updates_and_only_the_change_is_written(
    make_kit, as_user, city_staff
):
    kit = make_kit()
    client = as_user(city_staff)
    content, added = kit.good()
    assert kit.confirm(client, kit.upload(client, content)).status_code == 302
    before = kit.records()
    changes = AuditLog.objects.filter(action=AuditAction.UPDATE, object_type=kit.record_type)
    updates = changes.count()
    content, updated = kit.changed()
    preview = kit.upload(client, content)
    result = preview.context["result"]
    assert (result.created, result.updated, result.errors) == (0, updated, [])
    assert result.unchanged == result.total - updated
    assert f'data-testid="count-updated">{updated}<' in preview.content.decode()
    assert changes.count() == updates  # nothing written by the preview
    assert kit.confirm(client, preview).status_code == 302
    assert kit.records() == before
    assert changes.count() == updates + updated  # each changed record's before/after


def test_the_same_plan_again_is_told_on_its_preview_and_not_saved_twice(as_user, city_staff):
    kit = plan_kit()
    client = as_user(city_staff)
    content, _ = kit.good()
    assert kit.confirm(client, kit.upload(client, content)).status_code == 302
    before = kit.records()
    preview = kit.upload(client, content)
    assert preview.status_code == 200
    assert (
        "2026年已有名为“2026年契约测试工作要点”的工作要点。" in preview.context["result"].problems
    )
    refused = kit.confirm(client, preview)
    assert refused.status_code == 400 and "已有名为" in refused.content.decode()
    assert kit.records() == before


@pytest.mark.parametrize("make_kit", KITS, ids=IDS)
def test_a_bad_row_is_named_by_row_column_and_reason_and_nothing_is_saved(
    make_kit, as_user, city_staff
):
    kit = make_kit()
    client = as_user(city_staff)
    content, bad_row, column = kit.bad()
    before = kit.records()
    response = kit.upload(client, content)
    assert response.status_code in (200, 400)
    named = [e for e in row_errors(response) if e.startswith(f"第{bad_row}行“{column}”列：")]
    assert named, row_errors(response)
    reason = named[0].split("列：", 1)[1]
    assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason)  # said in Chinese
    assert kit.records() == before


@pytest.mark.parametrize("make_kit", KITS, ids=IDS)
def test_the_template_downloads_with_its_instructions_and_reimports_clean(
    make_kit, as_user, city_staff
):
    kit = make_kit()
    client = as_user(city_staff)
    response = client.get(kit.template_url)
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "填写说明" in wb.sheetnames
    content, added = kit.fill_template(response.content)
    before = kit.records()
    preview = kit.upload(client, content)
    assert preview.status_code == 200 and row_errors(preview) == [], row_errors(preview)
    assert kit.confirm(client, preview).status_code == 302
    assert kit.records() == before + added


@pytest.mark.parametrize("make_kit", KITS, ids=IDS)
def test_every_importer_is_declared_on_the_contract(make_kit):
    importer = make_kit().importer()
    assert isinstance(importer, Importer)
    assert importer.model is not None and importer.noun and importer.columns
    assert type(importer).__module__.endswith(".imports")  # <app>/imports.py


@pytest.mark.parametrize("make_kit", KITS, ids=IDS)
def test_every_upload_page_is_the_shared_one_and_links_its_template(make_kit, as_user, city_staff):
    kit = make_kit()
    page = as_user(city_staff).get(kit.url)
    assert page.status_code == 200
    assert "core/import_upload.html" in [t.name for t in page.templates]
    html = page.content.decode()
    assert f'<h1 class="h4 mb-3">导入{kit.importer().noun}</h1>' in html
    assert f'href="{kit.template_url.split("?")[0]}"' in html


def test_a_bulk_write_gets_a_large_sqlite_page_cache_and_the_connection_gets_its_own_back():
    """``sqlite_bulk_cache`` (public: the import engine and ``demo_data`` use it): 128 MB of page
    cache inside the block on SQLite, the connection's setting after it; elsewhere nothing."""
    from django.db import connection

    from shangwu.core.imports import sqlite_bulk_cache

    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            with sqlite_bulk_cache(connection, cursor):
                cursor.execute("SELECT 1")
                assert cursor.fetchone()[0] == 1
            return
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        with sqlite_bulk_cache(connection, cursor):
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -131072
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
