"""Import: template, preview, all-or-nothing, row-level errors, idempotent by project code, scope."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from shangwu.projects import imports
from shangwu.projects.models import Project, ProjectEvent

pytestmark = pytest.mark.django_db
HEAD = [
    "项目编码",
    "项目名称",
    "投资方",
    "投资方类型",
    "资金来源地",
    "来源省份或国家(地区)",
    "产业链",
    "总投资（万元）",
    "县(市、区)",
    "当前阶段",
    "签约时间",
    "开工时间",
]


def row(code, name="年产5万吨新型建材项目", county="河东区", stage="", signed="", started="", **kw):
    values = {
        "投资方类型": "民企",
        "资金来源地": "省外",
        "来源省份或国家(地区)": "江苏",
        "产业链": "新材料",
        "总投资（万元）": "50000",
        **kw,
    }
    return [
        code,
        name,
        "示例建材集团有限公司",
        values["投资方类型"],
        values["资金来源地"],
        values["来源省份或国家(地区)"],
        values["产业链"],
        values["总投资（万元）"],
        county,
        stage,
        signed,
        started,
    ]


def xlsx(rows) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet()
    for r, values in enumerate([HEAD, *rows]):
        for c, value in enumerate(values):
            ws.write_string(r, c, value)
    wb.close()
    return SimpleUploadedFile("projects.xlsx", buffer.getvalue())


def test_the_template_downloads_with_headers_and_instructions(as_user, city_staff):
    response = as_user(city_staff).get("/projects/import/template/")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["项目信息", "填写说明"]
    assert [c.value for c in wb["项目信息"][1]] == imports.TEMPLATE_HEADERS


def test_preview_counts_without_writing_and_commit_writes_with_stage_events(as_user, city_staff):
    client = as_user(city_staff)
    preview = client.post(
        "/projects/import/",
        {
            "file": xlsx(
                [
                    row("YH-1", stage="开工", signed="2025-03-31", started="2025-05-06"),
                    row("YH-2", name="冷链物流园项目", 产业链="现代物流"),
                ]
            )
        },
    )
    assert preview.status_code == 200 and preview.context["result"].created == 2
    assert not Project.objects.exists()
    token = preview.context["token"]
    done = client.post(f"/projects/import/{token}/commit/")
    assert done.status_code == 302
    project = Project.objects.get(code="YH-1")
    assert project.stage.name == "开工" and str(project.signed_on) == "2025-03-31"
    assert str(project.registered_on) == "2025-05-06"
    assert ProjectEvent.objects.filter(project=project, kind="stage").count() == 2


def test_one_bad_row_means_nothing_is_written_and_errors_name_row_and_column(city_staff):
    rows = [
        HEAD,
        row("YH-1"),
        row("YH-2", county="火星区"),
        row("YH-3", stage="开工", signed="2025-05-01", started="2025-04-01"),
        row("YH-1", name="重复"),
    ]
    result = imports.project_import_commit(rows=rows, actor=city_staff, file_name="t.xlsx")
    assert not result.committed and not Project.objects.exists()
    errors = {(e.row, e.column): e.reason for e in result.errors}
    assert "本市没有名为“火星区”的县(市、区)" in errors[(3, "县(市、区)")]
    assert "不能早于" in errors[(4, "当前阶段")]
    assert "与第2行的项目编码重复" in errors[(5, "项目编码")]


def test_importing_the_same_file_twice_changes_nothing(city_staff):
    rows = [HEAD, row("YH-1", stage="签约", signed="2025-03-31"), row("YH-2")]
    first = imports.project_import_commit(rows=rows, actor=city_staff, file_name="t.xlsx")
    events = ProjectEvent.objects.count()
    again = imports.project_import_commit(rows=rows, actor=city_staff, file_name="t.xlsx")
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert ProjectEvent.objects.count() == events


def test_a_changed_row_updates_and_moves_forward_but_never_backwards(city_staff):
    imports.project_import_commit(
        rows=[HEAD, row("YH-1", stage="签约", signed="2025-03-31")],
        actor=city_staff,
        file_name="t.xlsx",
    )
    result = imports.project_import_commit(
        rows=[
            HEAD,
            row(
                "YH-1",
                stage="开工",
                signed="2025-03-31",
                started="2025-06-01",
                **{"总投资（万元）": "60000"},
            ),
        ],
        actor=city_staff,
        file_name="t.xlsx",
    )
    project = Project.objects.get(code="YH-1")
    assert (
        result.updated == 1 and project.stage.name == "开工" and project.total_investment == 60000
    )
    back = imports.project_import_commit(
        rows=[HEAD, row("YH-1", stage="签约", signed="2025-03-31")],
        actor=city_staff,
        file_name="t.xlsx",
    )
    assert not back.committed and "不能通过导入回退" in back.errors[0].reason


def test_a_county_cannot_import_into_another_county(county_a):
    result = imports.project_import_commit(
        rows=[HEAD, row("YH-9", county="云水县")], actor=county_a, file_name="t"
    )
    assert not result.committed and result.errors[0].reason == "项目所在地不在您的数据范围内。"


def test_macro_workbooks_are_refused_before_reading(as_user, city_staff):
    fake = SimpleUploadedFile("evil.xlsm", b"PK\x03\x04whatever")
    response = as_user(city_staff).post("/projects/import/", {"file": fake})
    assert response.status_code == 400 and "宏" in response.context["upload_error"]
