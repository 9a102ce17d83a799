"""Pages, downloads and API of key-task supervision: import flow, scope, bulletin, dashboard."""

import datetime
import io
import json
from decimal import Decimal

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from shangwu.tasks import services
from shangwu.tasks.models import Plan, Report, Task, TaskEvent
from shangwu.tasks.tests.conftest import SMALL_PLAN

pytestmark = pytest.mark.django_db


def _docx_upload(lines, name="工作要点.docx"):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _commit_url(preview) -> str:
    """Where the preview's form posts: a corrected re-preview (``_preview``) or the commit."""
    return reverse("tasks:plan_import_commit", args=[preview.context["token"]])


# --- import through the pages -------------------------------------------------------------------


def test_office_uploads_a_docx_previews_the_tree_fixes_a_line_and_saves(as_user, city_staff):
    client = as_user(city_staff)
    lines = SMALL_PLAN.strip().split("\n") + ["各单位要对照本要点抓好落实。"]
    response = client.post(
        reverse("tasks:plan_import"),
        {
            "file": _docx_upload(lines),
            "year": 2026,
            "cycle": "monthly",
            "due_day": 25,
        },
    )
    assert response.status_code == 200
    assert response.context["tree"]["task_count"] == 4
    assert (
        "各单位要对照本要点抓好落实" in response.context["tree"]["sections"][1]["tasks"][-1]["text"]
    )
    # The closing line was read as part of the last task: the user marks it as plan text.
    payload = {"title": "", "year": 2026, "cycle": "monthly", "due_day": 25}
    kinds = {f"kind_{line.no}": line.kind for line in response.context["lines"]}
    kinds[f"kind_{len(lines)}"] = "preamble"
    reparsed = client.post(
        _commit_url(response), {**payload, **kinds, "_preview": "1"}, HTTP_HX_REQUEST="true"
    )
    assert reparsed.templates[0].name == "tasks/includes/import_tree.html"
    assert "各单位要对照本要点" not in reparsed.context["tree"]["sections"][1]["tasks"][-1]["text"]
    assert not Plan.objects.filter(title="2026年全市商务工作要点").exists()  # nothing written
    saved = client.post(_commit_url(response), {**payload, **kinds})
    plan = Plan.objects.get(title="2026年全市商务工作要点")
    assert saved.status_code == 302 and saved.url == reverse("tasks:plan_assign", args=[plan.pk])
    assert "各单位要对照本要点抓好落实" in plan.preamble
    task = plan.tasks.get(number=1)
    assert task.lead_unit.name == "外贸科" and [u.name for u in task.co_units.all()] == [
        "河东区商务局"
    ]
    assert task.leader.name == "李文华" and task.deadline == datetime.date(2026, 12, 31)
    assert task.events.get().kind == "created"


def test_a_docx_pasted_from_the_web_with_soft_breaks_previews_its_tasks(as_user, city_staff):
    document = docx.Document()
    run = document.add_paragraph().add_run()
    for line in SMALL_PLAN.strip().split("\n"):
        run.add_text(line)
        run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    response = as_user(city_staff).post(
        reverse("tasks:plan_import"),
        {
            "file": SimpleUploadedFile("要点.docx", buffer.getvalue()),
            "year": 2026,
            "cycle": "monthly",
            "due_day": 25,
        },
    )
    assert response.status_code == 200 and response.context["tree"]["task_count"] == 4
    assert 'data-testid="no-tasks"' not in response.content.decode()


def test_a_document_with_no_tasks_says_so_in_red_on_the_preview(as_user, city_staff):
    response = as_user(city_staff).post(
        reverse("tasks:plan_import"),
        {
            "file": _docx_upload(["2026年工作思路", "全年工作要以稳为主，稳中求进。"]),
            "year": 2026,
            "cycle": "monthly",
            "due_day": 25,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and response.context["tree"]["task_count"] == 0
    assert 'class="alert alert-danger" role="alert" data-testid="no-tasks"' in page
    assert "没有识别出任何任务" in page


PLAN_WITH_TARGETS = SMALL_PLAN.replace(
    "主要预期目标：外贸进出口总额增长5%以上。",
    "2026年是开局之年。\n主要预期目标：全年实际利用境外资金2.5亿美元以上；"
    "新增限额以上批零住餐企业150家；外贸进出口总额增长5%以上。",
)


def test_the_preambles_expected_targets_become_plan_targets_linked_to_indicators(
    as_user, city_staff, county_a
):
    from shangwu.indicators.models import Indicator

    client = as_user(city_staff)
    preview = client.post(
        reverse("tasks:plan_import"),
        {"text": PLAN_WITH_TARGETS, "year": 2026, "cycle": "monthly", "due_day": 25},
    )
    client.post(
        _commit_url(preview), {"title": "", "year": 2026, "cycle": "monthly", "due_day": 25}
    )
    plan = Plan.objects.get(title="2026年全市商务工作要点")
    targets = list(plan.targets.order_by("sort_order"))
    assert [(t.text, t.value_low, t.unit) for t in targets] == [
        ("全年实际利用境外资金2.5亿美元以上", Decimal("2.5"), "亿美元"),
        ("新增限额以上批零住餐企业150家", Decimal("150"), "家"),
        ("外贸进出口总额增长5%以上", Decimal("5"), "%"),
    ]
    new_firms = Indicator.objects.get(name="新增限额以上批零住餐企业")
    assert targets[1].indicator == new_firms
    assert targets[2].indicator == Indicator.objects.get(code="FT_TOTAL")
    assert targets[0].indicator is None
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="plan-targets"' in page and "全年实际利用境外资金2.5亿美元以上" in page
    # The office links the first target to the indicator that measures it.
    fdi = Indicator.objects.get(code="FDI")
    url = reverse("tasks:plantarget_edit", args=[targets[0].pk])
    saved = client.post(
        url,
        {"text": targets[0].text, "value_low": "2.5", "unit": "亿美元", "indicator": fdi.pk},
    )
    assert saved.status_code == 302
    targets[0].refresh_from_db()
    assert targets[0].indicator == fdi
    assert "实际使用外资" in client.get(plan.get_absolute_url()).content.decode()
    refused = client.post(
        url, {"text": targets[0].text, "value_low": "3", "value_high": "2", "unit": "亿美元"}
    )
    assert refused.status_code == 200 and "上限不能小于下限" in refused.content.decode()
    assert as_user(county_a).post(
        url, {"text": "改", "value_low": "1", "unit": "家"}
    ).status_code in (
        403,
        404,
    )
    targets[0].refresh_from_db()
    assert targets[0].indicator == fdi and targets[0].value_low == Decimal("2.5")
    api = client.get(f"/api/plans/{plan.pk}/").json()
    assert [(t["text"], t["indicator"]) for t in api["targets"]][:2] == [
        ("全年实际利用境外资金2.5亿美元以上", fdi.pk),
        ("新增限额以上批零住餐企业150家", new_firms.pk),
    ]


def test_pasted_text_works_without_javascript_and_bad_input_names_the_field(as_user, city_staff):
    client = as_user(city_staff)
    empty = client.post(
        reverse("tasks:plan_import"), {"year": 2026, "cycle": "monthly", "due_day": 25}
    )
    assert (
        empty.status_code == 400 and "请上传 .docx 文件或粘贴工作要点全文" in empty.content.decode()
    )
    weekly = client.post(
        reverse("tasks:plan_import"),
        {"text": SMALL_PLAN, "year": 2026, "cycle": "weekly", "due_day": 25},
    )
    assert "报送日应为星期几" in weekly.content.decode()
    fake = client.post(
        reverse("tasks:plan_import"),
        {
            "file": SimpleUploadedFile("a.docx", b"not a zip"),
            "year": 2026,
            "cycle": "monthly",
            "due_day": 25,
        },
    )
    assert "不是真正的 .docx 文档" in fake.content.decode()
    preview = client.post(
        reverse("tasks:plan_import"),
        {"text": "只有一行说明文字", "year": 2026, "cycle": "monthly", "due_day": 25},
    )
    save = client.post(
        _commit_url(preview), {"year": 2026, "cycle": "monthly", "due_day": 25, "title": "空要点"}
    )
    assert save.status_code == 400 and "没有识别出任何任务" in save.content.decode()
    assert not Plan.objects.filter(title="空要点").exists()


def test_county_staff_may_not_import_or_assign(as_user, county_a, make_plan):
    plan = make_plan()
    client = as_user(county_a)
    assert client.get(reverse("tasks:plan_import")).status_code == 403
    assert client.get(reverse("tasks:plan_assign", args=[plan.pk])).status_code == 403


def test_the_assignment_sheet_saves_units_for_every_task_in_one_go(
    as_user, city_staff, make_plan, unit
):
    plan = make_plan()
    client = as_user(city_staff)
    page = client.get(reverse("tasks:plan_assign", args=[plan.pk]))
    tasks = page.context["tasks"]
    data = {}
    for task in tasks:
        data[f"lead_{task.pk}"] = task.lead_unit_id or ""
        data[f"deadline_{task.pk}"] = task.deadline.isoformat() if task.deadline else ""
    second = plan.tasks.get(number=2)
    data[f"lead_{second.pk}"] = unit("外贸科").pk
    data[f"co_{second.pk}"] = [unit("云水县商务局").pk]
    assert client.post(reverse("tasks:plan_assign", args=[plan.pk]), data).status_code == 302
    second.refresh_from_db()
    assert second.lead_unit.name == "外贸科" and [u.name for u in second.co_units.all()] == [
        "云水县商务局"
    ]
    assert second.events.filter(kind="assigned").exists()
    data[f"deadline_{second.pk}"] = "2026-13-45"
    bad = client.post(reverse("tasks:plan_assign", args=[plan.pk]), data)
    assert bad.status_code == 400 and "“完成时限”" in bad.content.decode()


def test_a_leader_saving_the_assignment_sheet_without_the_task_fields_erases_nothing(
    as_user, leader, city_staff, make_plan, unit
):
    plan = make_plan()
    tasks = list(plan.tasks.order_by("number"))
    for task in tasks:
        services.task_update(
            task=task,
            actor=city_staff,
            leader=city_staff,
            deadline=datetime.date(2026, 11, 30),
            co_units=[unit("云水县商务局"), unit("外资科")],
        )
    before = {
        t.pk: (
            t.lead_unit_id,
            t.leader_id,
            t.deadline,
            set(t.co_units.values_list("pk", flat=True)),
        )
        for t in plan.tasks.all()
    }
    events = TaskEvent.objects.filter(task__plan=plan).count()
    client = as_user(leader)
    saved = client.post(reverse("tasks:plan_assign", args=[plan.pk]), {})
    assert saved.status_code == 302
    after = {
        t.pk: (
            t.lead_unit_id,
            t.leader_id,
            t.deadline,
            set(t.co_units.values_list("pk", flat=True)),
        )
        for t in plan.tasks.all()
    }
    assert after == before and all(v[0] and v[1] and v[2] and v[3] for v in after.values())
    assert TaskEvent.objects.filter(task__plan=plan).count() == events
    assert "0 项任务有变动" in client.get(plan.get_absolute_url()).content.decode()


def test_the_assignment_sheet_as_shown_changes_only_what_the_user_changed(
    as_user, leader, make_plan, unit
):
    plan = make_plan()
    first, second = plan.tasks.get(number=1), plan.tasks.get(number=2)
    client = as_user(leader)
    page = client.get(reverse("tasks:plan_assign", args=[plan.pk])).content.decode()
    # Every field of the sheet as the browser would post it: the shown values, one row changed.
    data = {}
    for task in plan.tasks.all():
        data[f"lead_{task.pk}"] = task.lead_unit_id or ""
        data[f"leader_{task.pk}"] = task.leader_id or ""
        data[f"deadline_{task.pk}"] = task.deadline.isoformat() if task.deadline else ""
        data[f"co_{task.pk}"] = ["", *task.co_units.values_list("pk", flat=True)]
        assert (
            f'name="co_{task.pk}" value=""' in page
        )  # the marker a list with nothing chosen needs
    data[f"co_{first.pk}"] = [""]  # the user unselects every 配合单位 of task 1
    data[f"deadline_{second.pk}"] = "2026-10-31"
    assert client.post(reverse("tasks:plan_assign", args=[plan.pk]), data).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (
        list(first.co_units.all()) == [] and first.lead_unit == unit("外贸科") and first.leader_id
    )
    assert second.deadline == datetime.date(2026, 10, 31) and second.lead_unit == unit(
        "云水县商务局"
    )


# --- scope --------------------------------------------------------------------------------------


def test_county_staff_see_only_tasks_their_bureau_leads_or_cooperates_on(
    as_user, county_a, county_b, make_plan
):
    plan = make_plan()
    hedong = {t.number for t in Task.objects.restrict(county_a)}
    assert hedong == {1, 4}  # co-operates on 1, leads 4
    assert {t.number for t in Task.objects.restrict(county_b)} == {2}
    client = as_user(county_b)
    listed = [t.number for t, _ in client.get(reverse("tasks:task_list")).context["table"].rows()]
    assert listed == [2]
    assert (
        client.get(reverse("tasks:task_detail", args=[plan.tasks.get(number=4).pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("tasks:plan_detail", args=[plan.pk])).status_code == 200
    )  # the plan shell
    export = load_workbook(io.BytesIO(client.get(reverse("tasks:task_export")).content)).active
    assert [row[1] for row in export.iter_rows(min_row=2, values_only=True)] == ["培育外贸主体"]
    api = client.get("/api/tasks/").json()
    assert [t["number"] for t in api["results"]] == [2]
    assert client.get(f"/api/tasks/{plan.tasks.get(number=1).pk}/").status_code == 404


def test_a_task_with_two_cooperating_units_in_the_region_is_listed_once(county_a, make_plan, unit):
    plan = make_plan()
    task = plan.tasks.get(number=1)
    services.task_update(
        task=task, actor=None, co_units=[unit("河东区商务局"), unit("东湖街道办事处")]
    )
    from shangwu.tasks.models import TaskCoUnit

    TaskCoUnit.objects.get_or_create(task=task, unit=unit("河东区商务局"))
    assert list(Task.objects.restrict(county_a).values_list("number", flat=True)).count(1) == 1


def test_township_officers_see_tasks_of_their_township_office(township_a1, make_plan):
    make_plan()
    assert [t.number for t in Task.objects.restrict(township_a1)] == [3]


def test_county_staff_see_only_their_own_reports(as_user, county_a, county_b, make_plan, unit, at):
    plan = make_plan()
    services.report_submit(
        task=plan.tasks.get(number=4),
        unit=unit("河东区商务局"),
        cycle=1,
        text="河东进展",
        actor=None,
        submitted_at=at(2026, 1, 20),
    )
    services.report_submit(
        task=plan.tasks.get(number=2),
        unit=unit("云水县商务局"),
        cycle=1,
        text="云水进展",
        actor=None,
        submitted_at=at(2026, 1, 20),
    )
    assert [r.text for r in Report.objects.restrict(county_a)] == ["河东进展"]
    assert [r["text"] for r in as_user(county_b).get("/api/task-reports/").json()["results"]] == [
        "云水进展"
    ]


# --- reporting through page and API --------------------------------------------------------------


def test_the_lead_unit_files_a_report_from_the_task_page(as_user, county_a, make_plan):
    plan = make_plan()
    task = plan.tasks.get(number=4)
    client = as_user(county_a)
    detail = client.get(task.get_absolute_url())
    assert detail.context["can_report"] is True
    response = client.post(
        reverse("tasks:report_add", args=[task.pk]),
        {
            "cycle": 1,
            "text": "本月签约亿元以上项目3个。",
            "percent": 10,
            "problems": "",
            "next_steps": "继续推进",
        },
    )
    assert response.status_code == 302
    report = task.reports.get()
    assert (
        report.unit.name == "河东区商务局" and report.is_lead and report.is_late
    )  # January was long due
    missing_text = client.post(
        reverse("tasks:report_add", args=[task.pk]), {"cycle": 2, "text": ""}
    )
    assert missing_text.status_code == 400 and "工作进展" in missing_text.content.decode()


def test_a_unit_corrects_its_report_with_a_reason_until_the_quarter_is_reviewed(
    as_user, county_a, county_b, leader, make_plan, unit, at
):
    plan = make_plan()
    task = plan.tasks.get(number=4)
    report = services.report_submit(
        task=task,
        unit=unit("河东区商务局"),
        cycle=1,
        text="签约项目2个。",
        percent=10,
        actor=county_a,
        submitted_at=at(2026, 1, 20),
    )
    client = as_user(county_a)
    assert (
        reverse("tasks:report_correct", args=[report.pk])
        in client.get(task.get_absolute_url()).content.decode()
    )
    url = reverse("tasks:report_correct", args=[report.pk])
    no_reason = client.post(url, {"text": "签约项目3个。", "percent": 10})
    assert no_reason.status_code == 400 and "更正原因" in no_reason.content.decode()
    saved = client.post(url, {"text": "签约项目3个。", "percent": 15, "reason": "漏报1个项目"})
    assert saved.status_code == 302
    report.refresh_from_db()
    assert (report.text, report.percent) == ("签约项目3个。", 15)
    revision = report.revisions.get()
    assert revision.reason == "漏报1个项目" and revision.changes == {
        "text": ["签约项目2个。", "签约项目3个。"],
        "percent": [10, 15],
    }
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="report-revisions"' in page and "漏报1个项目" in page
    assert "工作进展：签约项目2个。 → 签约项目3个。" in page
    assert task.events.filter(kind="updated", note__contains="漏报1个项目").exists()
    # Another unit may not correct it; nobody may once the leaders have graded the quarter.
    assert as_user(county_b).post(url, {"text": "改", "reason": "改"}).status_code == 404
    services.review_save(
        plan=plan, unit=unit("河东区商务局"), year=2026, quarter=1, grade="good", actor=leader
    )
    assert url not in client.get(task.get_absolute_url()).content.decode()  # no 更正 link now
    late = client.post(url, {"text": "再改", "percent": 15, "reason": "再改"})
    assert late.status_code == 400 and "已进行季度点评" in late.content.decode()
    report.refresh_from_db()
    assert report.text == "签约项目3个。" and report.revisions.count() == 1


def test_a_completion_lower_than_last_period_asks_for_confirmation(
    as_user, county_a, make_plan, unit, at
):
    plan = make_plan()
    task = plan.tasks.get(number=4)
    services.report_submit(
        task=task,
        unit=unit("河东区商务局"),
        cycle=1,
        text="1月",
        percent=40,
        actor=county_a,
        submitted_at=at(2026, 1, 20),
    )
    client = as_user(county_a)
    url = reverse("tasks:report_add", args=[task.pk])
    asked = client.post(url, {"cycle": 2, "text": "2月", "percent": 30})
    assert asked.status_code == 400
    assert "完成进度30%低于上期（2026年1月）报送的40%" in asked.content.decode()
    assert not task.reports.filter(cycle=2).exists()
    confirmed = client.post(url, {"cycle": 2, "text": "2月", "percent": 30, "confirm_lower": "on"})
    assert confirmed.status_code == 302 and task.reports.get(cycle=2).percent == 30
    api = client.post(
        "/api/task-reports/",
        {"task": task.pk, "cycle": 3, "text": "3月", "percent": 20},
        content_type="application/json",
    )
    assert api.status_code == 400 and "低于上期" in api.json()["confirm_lower"][0]
    confirmed_api = client.post(
        "/api/task-reports/",
        {"task": task.pk, "cycle": 3, "text": "3月", "percent": 20, "confirm_lower": True},
        content_type="application/json",
    )
    assert confirmed_api.status_code == 201
    corrected = client.post(
        f"/api/task-reports/{confirmed_api.json()['id']}/correct/",
        {"percent": 35, "reason": "核实后更正"},
        content_type="application/json",
    )
    assert corrected.status_code == 200 and corrected.json()["percent"] == 35
    assert task.reports.get(cycle=3).revisions.get().reason == "核实后更正"


def test_the_api_imports_a_plan_and_takes_a_report(as_user, city_staff, county_a):
    client = as_user(city_staff)
    dry = client.post(
        "/api/plans/import/",
        {"text": SMALL_PLAN, "year": 2026, "dry_run": True},
        content_type="application/json",
    )
    assert dry.status_code == 200 and dry.json()["task_count"] == 4
    created = client.post(
        "/api/plans/import/",
        {"text": SMALL_PLAN, "year": 2026, "title": "API导入的要点"},
        content_type="application/json",
    )
    assert created.status_code == 201
    plan = Plan.objects.get(pk=created.json()["id"])
    task = plan.tasks.get(number=4)
    report = as_user(county_a).post(
        "/api/task-reports/",
        {"task": task.pk, "cycle": 1, "text": "进展"},
        content_type="application/json",
    )
    assert report.status_code == 201 and report.json()["is_late"] is True
    refused = as_user(county_a).post(
        "/api/task-reports/",
        {"task": task.pk, "cycle": 1, "text": "再报"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "已报送过" in json.dumps(
        refused.json(), ensure_ascii=False
    )
    county = as_user(county_a).post(
        "/api/plans/import/", {"text": SMALL_PLAN, "year": 2026}, content_type="application/json"
    )
    assert county.status_code == 403


def _soft_break_docx(text) -> bytes:
    document = docx.Document()
    run = document.add_paragraph().add_run()
    for line in text.strip().split("\n"):
        run.add_text(line)
        run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_api_takes_the_docx_itself_and_a_dry_run_returns_the_recognised_tree(
    as_user, city_staff
):
    client = as_user(city_staff)
    dry = client.post(
        "/api/plans/import/",
        {
            "file": SimpleUploadedFile("要点.docx", _soft_break_docx(SMALL_PLAN)),
            "year": 2026,
            "dry_run": True,
        },
    )
    page = client.post(
        reverse("tasks:plan_import"),
        {
            "file": SimpleUploadedFile("要点.docx", _soft_break_docx(SMALL_PLAN)),
            "year": 2026,
            "cycle": "monthly",
            "due_day": 25,
        },
    )
    tree = dry.json()
    assert dry.status_code == 200 and tree["task_count"] == 4
    # Read exactly as the page reads it: the same sections with the same task numbers and titles.
    assert [
        (s["title"], [(t["number"], t["title"]) for t in s["tasks"]]) for s in tree["sections"]
    ] == [
        (s["title"], [(t["number"], t["title"]) for t in s["tasks"]])
        for s in page.context["tree"]["sections"]
    ]
    assert not Plan.objects.filter(year=2026, title=tree["title"]).exists()
    saved = client.post(
        "/api/plans/import/",
        {"file": SimpleUploadedFile("要点.docx", _soft_break_docx(SMALL_PLAN)), "year": 2026},
    )
    assert saved.status_code == 201
    assert Plan.objects.get(pk=saved.json()["id"]).tasks.count() == 4


def test_the_api_import_refuses_a_fake_docx_and_an_empty_request_by_field(as_user, city_staff):
    client = as_user(city_staff)
    fake = client.post(
        "/api/plans/import/",
        {"file": SimpleUploadedFile("a.docx", b"<html>not a zip</html>"), "year": 2026},
    )
    assert fake.status_code == 400 and "不是真正的 .docx 文档" in fake.json()["file"][0]
    from shangwu.audit.models import AuditLog

    row = AuditLog.objects.filter(action="import", object_type="tasks.plan").first()
    assert "上传文件“a.docx”" in row.detail and "已拒绝" in row.detail
    empty = client.post("/api/plans/import/", {"year": 2026}, content_type="application/json")
    assert empty.status_code == 400 and "工作要点全文" in empty.json()["text"][0]


def test_the_api_schema_lists_plans_tasks_and_reports(as_user, city_staff):
    schema = as_user(city_staff).get("/api/schema/").content.decode()
    for path in (
        "/api/plans/",
        "/api/plans/import/",
        "/api/tasks/{id}/status/",
        "/api/task-reports/",
        "/api/task-reviews/",
    ):
        assert path in schema


# --- 督办通报 -----------------------------------------------------------------------------------


def test_the_bulletin_lists_lagging_tasks_missing_units_and_leader_comments(
    as_user, leader, reported_plan, unit
):
    services.review_save(
        plan=reported_plan,
        unit=unit("外贸科"),
        year=2026,
        quarter=1,
        grade="excellent",
        comment="报送及时，推进有力。",
        actor=leader,
    )
    page = as_user(leader).get(reverse("tasks:report"), {"plan": reported_plan.pk, "cycle": 1})
    b = page.context["b"]
    assert b["label"] == "2026年1月" and b["total"] == 4
    assert {u.unit.name for u in b["units_missing"]} == {"云水县商务局", "外资科"}
    assert [f.task.number for f in b["late_reports"]] == [4]
    assert b["states"]["on_time"] == 1 and b["on_time_rate"] == 25.0
    assert [r.comment for r in b["reviews"]] == ["报送及时，推进有力。"]
    assert "2026年1月应报送进展4项，按时报送1项，逾期报送1项，未报送2项" in page.context["summary"]
    later = (
        as_user(leader)
        .get(reverse("tasks:report"), {"plan": reported_plan.pk, "cycle": 7})
        .context["b"]
    )
    assert {f.task.number for f in later["lagging"]} == {1, 2, 3, 4}
    assert any("里程碑“完成外资项目签约2个”" in r for f in later["lagging"] for r in f.reasons)


def test_bulletin_downloads_are_a_workbook_and_a_gongwen_document(as_user, leader, reported_plan):
    client = as_user(leader)
    xlsx = client.get(reverse("tasks:report_xlsx"), {"plan": reported_plan.pk, "cycle": 7})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["概况", "滞后任务", "未报送", "单位情况", "领导点评"]
    assert book["滞后任务"].max_row == 5
    word = client.get(reverse("tasks:report_docx"), {"plan": reported_plan.pk, "cycle": 7})
    assert word["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = docx.Document(io.BytesIO(word.content))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "2026年全市商务工作要点推进情况督办通报" and texts[1] == "（2026年7月）"
    assert "一、总体情况" in texts and "二、滞后任务" in texts and "三、报送情况" in texts
    assert any(
        "连续" in cell.text for table in document.tables for row in table.rows for cell in row.cells
    )


def test_county_bulletin_shows_only_its_tasks_and_cannot_download_without_export(
    as_user, county_a, reported_plan
):
    b = (
        as_user(county_a)
        .get(reverse("tasks:report"), {"plan": reported_plan.pk, "cycle": 1})
        .context["b"]
    )
    assert {f.task.number for f in b["facts"].tasks} == {1, 4}


# --- 工作台 and pages -----------------------------------------------------------------------------


def test_dashboard_shows_a_units_missing_reports_and_the_office_sees_every_unit(
    as_user, county_a, leader, reported_plan
):
    from shangwu.tasks.selectors import task_dashboard_panel

    mine = task_dashboard_panel(user=county_a)
    figures = {cell["label"]: cell["figure"].value for cell in mine[0]["figures"]}
    assert figures["牵头任务"] == 1 and figures["有未报送进展的任务"] == 1
    assert sum(text.startswith("未报送") for text, _ in mine[0]["items"]) >= 6
    overall = task_dashboard_panel(user=leader)[-1]
    assert overall["title"] == "重点任务督办（全局）"
    # Each unit's missing reports: a figure line whose link lists that unit's tasks.
    lines = [item for item in overall["items"] if isinstance(item, dict)]
    yunshui = next(c for c in lines if c["label"].startswith("云水县商务局："))
    assert yunshui["key"].startswith("tasks.last_cycle_missing.unit.")
    assert yunshui["figure"].value >= 1 and "lead_unit=" in yunshui["url"]
    page = as_user(county_a).get(reverse("core:dashboard"))
    assert "重点任务（河东区商务局）" in page.content.decode()


def test_a_report_filed_changes_the_dashboard_on_the_next_request(
    as_user, county_a, reported_plan, unit
):
    """The 工作台 keeps a plan's evaluation between requests, never past a change: a report
    filed, then a task's status changed, each show on the very next 工作台."""
    from shangwu.core import figures as registry

    client = as_user(county_a)

    def panel():
        response = client.get(reverse("core:dashboard"))
        mine = next(p for p in response.context["panels"] if p["title"].startswith("重点任务（"))
        return {c["key"]: c["figure"].value for c in mine["figures"]}, mine["items"]

    before, items = panel()
    assert before["tasks.mine_reports_missing"] == 1

    def missing_cycles(items):
        return {int(url.rsplit("cycle=", 1)[1]) for text, url in items if text.startswith("未报送")}

    assert panel() == (before, items)  # the second request reads the kept evaluation: the same
    task = reported_plan.tasks.get(number=4)
    newest = max(missing_cycles(items))
    services.report_submit(
        task=task, unit=unit("河东区商务局"), cycle=newest, text="补报", actor=county_a
    )
    after, items = panel()
    assert newest not in missing_cycles(items)
    today = registry.compute(
        "tasks.mine_reports_missing",
        user=county_a,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date.today(),
    )
    assert after["tasks.mine_reports_missing"] == today.value
    services.task_change_status(task=task, actor=county_a, status="done", note="已完成")
    assert panel()[0]["tasks.mine_lead"] == before["tasks.mine_lead"] - 1


def test_the_dashboard_and_the_bulletin_count_missing_reports_alike_after_a_late_report(
    leader, reported_plan, unit, at
):
    """One definition of 未报送: a report filed after the cycle closed is 逾期报送 in the 督办通报
    as on the 工作台 (it was counted missing by the bulletin and not by the 工作台)."""
    from shangwu.tasks.selectors import bulletin_context, task_dashboard_panel

    today = datetime.date(2026, 3, 5)
    services.report_submit(
        task=reported_plan.tasks.get(number=2),
        unit=unit("云水县商务局"),
        cycle=2,
        text="2月（补报）",
        actor=None,
        submitted_at=at(2026, 3, 3),
    )
    bulletin = bulletin_context(user=leader, plan=reported_plan, cycle=2, today=today)
    assert bulletin["label"] == "2026年2月" and bulletin["as_of"] < datetime.date(2026, 3, 3)
    assert [f.task.number for f in bulletin["late_reports"]] == [2]
    overall = task_dashboard_panel(user=leader, today=today)[-1]
    figures = {cell["label"]: cell["figure"].value for cell in overall["figures"]}
    assert figures["2026年2月未报送"] == bulletin["states"]["missing"] == 3
    lines = {
        item["label"].split("：")[0]: item["figure"].value
        for item in overall["items"]
        if isinstance(item, dict)
    }
    assert lines == {str(u.unit): len(u.missing_tasks) for u in bulletin["units_missing"]}


def test_every_page_opens_for_city_and_county(as_user, leader, city_staff, county_a, reported_plan):
    task = reported_plan.tasks.get(number=1)
    for user in (leader, city_staff, county_a):
        client = as_user(user)
        for url in (
            reverse("tasks:plan_list"),
            reported_plan.get_absolute_url(),
            reverse("tasks:task_list"),
            reverse("tasks:report_list"),
            reverse("tasks:report"),
            reverse("tasks:quarterreview_list"),
            reverse("tasks:plan_reviews", args=[reported_plan.pk]),
        ):
            assert client.get(url).status_code == 200, url
    assert as_user(city_staff).get(task.get_absolute_url()).status_code == 200
    assert as_user(city_staff).get(reverse("tasks:task_edit", args=[task.pk])).status_code == 200
    assert (
        as_user(city_staff).get(reverse("tasks:plan_edit", args=[reported_plan.pk])).status_code
        == 200
    )


def test_leader_grades_units_on_the_review_page(as_user, leader, city_staff, reported_plan, unit):
    url = reverse("tasks:plan_reviews", args=[reported_plan.pk])
    wm = unit("外贸科").pk
    assert (
        as_user(city_staff)
        .post(url, {"year": 2026, "quarter": 1, f"grade_{wm}": "good"})
        .status_code
        == 403
    )
    response = as_user(leader).post(
        url, {"year": 2026, "quarter": 1, f"grade_{wm}": "good", f"comment_{wm}": "总体较好"}
    )
    assert response.status_code == 302
    review = reported_plan.reviews.get()
    assert (review.unit.name, review.grade, review.comment, review.reviewer.username) == (
        "外贸科",
        "good",
        "总体较好",
        "leader",
    )


def test_regrading_a_unit_without_the_comment_field_keeps_its_comment(
    as_user, leader, reported_plan, unit
):
    url = reverse("tasks:plan_reviews", args=[reported_plan.pk])
    wm = unit("外贸科").pk
    client = as_user(leader)
    client.post(
        url, {"year": 2026, "quarter": 1, f"grade_{wm}": "good", f"comment_{wm}": "总体较好"}
    )
    assert (
        client.post(url, {"year": 2026, "quarter": 1, f"grade_{wm}": "excellent"}).status_code
        == 302
    )
    review = reported_plan.reviews.get()
    assert (review.grade, review.comment) == ("excellent", "总体较好")
    client.post(url, {"year": 2026, "quarter": 1, f"grade_{wm}": "excellent", f"comment_{wm}": ""})
    assert reported_plan.reviews.get().comment == ""  # a comment field shown and emptied: cleared


def test_the_demo_builds_the_plan_through_the_importer_once(leader):
    from shangwu.accounts.demo import build_users
    from shangwu.organization.demo import build_regions_and_units
    from shangwu.tasks import demo
    from shangwu.tasks.choices import TaskStatus

    units = build_regions_and_units()
    users = build_users(units)
    summary = demo.build(units=units, users=users, size="small")
    plan = Plan.objects.get(title="2026年全市商务工作要点")
    assert "30 项任务" in summary and plan.sections.count() == 5 and plan.tasks.count() == 30
    assert plan.reviews.filter(quarter=1).exists() and plan.reviews.filter(quarter=2).exists()
    assert Report.objects.filter(task__plan=plan, is_late=True).exists()
    assert plan.tasks.filter(status=TaskStatus.LAGGING).exists()
    assert demo.build(units=units, users=users, size="small") == ""


def test_list_and_plan_pages_do_not_query_per_task(
    as_user, city_staff, make_plan, django_assert_max_num_queries
):
    from shangwu.tasks.tests.conftest import SMALL_PLAN as TEXT

    plan = make_plan()
    client = as_user(city_staff)
    with django_assert_max_num_queries(30) as small_list:
        client.get(reverse("tasks:task_list"))
    with django_assert_max_num_queries(40) as small_plan:
        client.get(plan.get_absolute_url())
    bigger = TEXT + "".join(
        f"{n}．新增任务{n}。完成培训{n}场。（牵头单位：外贸科；配合单位：外资科）\n"
        for n in range(5, 25)
    )
    big = make_plan(bigger, title="更大的工作要点")
    with django_assert_max_num_queries(len(small_list.captured_queries)):
        client.get(reverse("tasks:task_list"))
    with django_assert_max_num_queries(len(small_plan.captured_queries)):
        client.get(big.get_absolute_url())


def test_the_api_sets_a_tasks_leader(as_user, city_staff, leader, make_plan):
    task = make_plan(title="分管领导测试").tasks.get(number=1)
    client = as_user(city_staff)
    response = client.patch(
        f"/api/tasks/{task.pk}/", {"leader": leader.pk}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.leader == leader
    body = client.get(f"/api/tasks/{task.pk}/").json()
    assert (
        client.put(f"/api/tasks/{task.pk}/", body, content_type="application/json").status_code
        == 200
    )


def test_the_task_list_can_pick_out_tasks_without_a_section_or_a_lead_unit(
    as_user, city_staff, make_plan
):
    plan = make_plan(title="无章节测试")
    orphan = plan.tasks.get(number=1)
    orphan.section, orphan.lead_unit = None, None
    orphan.save(update_fields=["section", "lead_unit"])
    client = as_user(city_staff)
    for name in ("section", "lead_unit"):
        page = client.get(reverse("tasks:task_list"), {"plan": plan.pk, name: "null"})
        assert ("null", "（未填）") in list(page.context["filter"].form.fields[name].choices)
        assert [t.pk for t, _ in page.context["table"].rows()] == [orphan.pk], name


def test_one_on_time_report_of_sixteen_owed_shows_6_3_percent(as_user, leader, make_plan, unit, at):
    tasks = "\n".join(
        f"{n}．重点任务{n}。（牵头单位：外贸科；完成时限：2026年12月底）" for n in range(1, 17)
    )
    plan = make_plan(f"2026年全市商务工作要点\n一、稳外贸。\n{tasks}\n")
    services.report_submit(
        task=plan.tasks.get(number=1),
        unit=unit("外贸科"),
        cycle=1,
        text="1月",
        actor=None,
        submitted_at=at(2026, 1, 20),
    )
    page = as_user(leader).get(reverse("tasks:report"), {"plan": plan.pk, "cycle": 1})
    b = page.context["b"]
    assert b["owed"] == 16 and b["on_time_rate"] == 6.3  # 6.25 half up, not 6.2
    assert "按时报送率6.3%" in page.context["summary"]
    html = page.content.decode()
    assert "6.3%" in html and "6.2%" not in html
