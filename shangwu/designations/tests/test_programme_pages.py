"""Funded programmes' own pages (issue 20, gap 2): the milestones across designations with the
cases' light and filters, the funds by year and source, add/edit through the services, an
Excel import of funds and milestones (preview, Chinese row errors, all or nothing) and audited
exports; a county sees its own programmes only."""

import datetime
import io

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.models import AuditLog
from shangwu.designations import services
from shangwu.designations.models import DesignationEvent, ProgrammeFund, ProgrammeMilestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def programmes(make_designation, county_a, county_b):
    """Two 示范县 programmes, 河东区's and 云水县's, with milestones overdue, due soon, later and
    done, and funds of two sources and years."""
    today = timezone.localdate()
    east = make_designation(kind="county_commerce_demo", holder_type="county", status="awarded")
    cloud = make_designation(
        kind="ecommerce_rural_demo", holder_type="county", county="419921", status="awarded"
    )
    day = datetime.timedelta
    services.programme_milestone_set(
        designation=east, actor=county_a, kind="plan", due_on=today - day(10)
    )
    services.programme_milestone_set(
        designation=east, actor=county_a, kind="midterm", due_on=today + day(10)
    )
    services.programme_milestone_set(
        designation=east, actor=county_a, kind="acceptance", due_on=today + day(200)
    )
    done = services.programme_milestone_set(
        designation=cloud, actor=county_b, kind="plan", due_on=today - day(40)
    )
    services.programme_milestone_complete(
        milestone=done, actor=county_b, done_on=today - day(41), result="passed"
    )
    services.programme_milestone_set(
        designation=cloud, actor=county_b, kind="acceptance", due_on=today - day(1)
    )
    for d, actor in ((east, county_a), (cloud, county_b)):
        services.programme_fund_set(
            designation=d, actor=actor, source="central", year=2025, budget=500, allocated=300
        )
        services.programme_fund_set(
            designation=d, actor=actor, source="provincial", year=2026, budget=200, allocated=100
        )
    return {"east": east, "cloud": cloud}


def test_the_city_sees_every_programmes_milestones_with_their_lights(
    as_user, city_staff, programmes
):
    client = as_user(city_staff)
    page = client.get(reverse("designations:programmemilestone_list"))
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 5
    html = page.content.decode()
    assert 'data-light="red"' in html and 'data-light="yellow"' in html
    red = client.get(reverse("designations:programmemilestone_list") + "?light=red")
    assert sorted((m.designation_id, m.kind) for m in red.context["page"].object_list) == sorted(
        [(programmes["east"].pk, "plan"), (programmes["cloud"].pk, "acceptance")]
    )
    yellow = client.get(reverse("designations:programmemilestone_list") + "?light=yellow")
    assert [m.kind for m in yellow.context["page"].object_list] == ["midterm"]
    green = client.get(reverse("designations:programmemilestone_list") + "?light=green")
    assert sorted(m.kind for m in green.context["page"].object_list) == ["acceptance", "plan"]
    assert all(m.light == "green" for m in green.context["page"].object_list)


def test_a_county_sees_only_its_own_programmes(as_user, county_a, county_b, programmes):
    page = as_user(county_a).get(reverse("designations:programmemilestone_list"))
    assert {m.designation_id for m in page.context["page"].object_list} == {programmes["east"].pk}
    funds = as_user(county_b).get(reverse("designations:programmefund_list"))
    assert {f.designation_id for f in funds.context["page"].object_list} == {programmes["cloud"].pk}
    assert [(r["year"], r["source"], r["budget"]) for r in funds.context["sums"]] == [
        (2026, "provincial", 200),
        (2025, "central", 500),
    ]


def test_the_funds_table_sums_by_year_and_source_and_each_sum_links_to_its_rows(
    as_user, city_staff, programmes
):
    client = as_user(city_staff)
    page = client.get(reverse("designations:programmefund_list"))
    sums = page.context["sums"]
    assert [(r["year"], r["source_label"], r["budget"], r["allocated"]) for r in sums] == [
        (2026, "省级资金", 400, 200),
        (2025, "中央资金", 1000, 600),
    ]
    assert page.context["sum_total"]["budget"] == 1400
    for row in sums:
        rows = client.get(row["url"]).context["page"].object_list
        assert sum(f.budget for f in rows) == row["budget"]
    html = page.content.decode()
    assert 'data-testid="fund-sums"' in html and "1400.00" in html


def test_a_county_officer_adds_and_corrects_a_fund_from_the_list_page(
    as_user, county_a, programmes
):
    client = as_user(county_a)
    form = client.get(reverse("designations:programmefund_add"))
    choices = dict(form.context["form"].fields["designation"].choices)
    assert programmes["east"].pk in choices and programmes["cloud"].pk not in choices
    body = {
        "designation": programmes["east"].pk,
        "year": 2026,
        "source": "county",
        "budget": "80",
        "allocated": "50",
        "spent": "60",
    }
    refused = client.post(reverse("designations:programmefund_add"), body)
    assert refused.status_code == 400
    assert refused.context["form"].errors["spent"] == ["已支出（60）不能超过已下达（50）。"]
    body["spent"] = "20"
    assert client.post(reverse("designations:programmefund_add"), body).status_code == 302
    body["spent"] = "30"
    assert client.post(reverse("designations:programmefund_add"), body).status_code == 302
    (row,) = ProgrammeFund.objects.filter(designation=programmes["east"], source="county")
    assert row.spent == 30
    assert (
        DesignationEvent.objects.filter(designation=programmes["east"], kind="funds").count() == 4
    )
    # Another county's programme is not offered, and posting it is refused on the form.
    body["designation"] = programmes["cloud"].pk
    other = client.post(reverse("designations:programmefund_add"), body)
    assert other.status_code == 400 and "designation" in other.context["form"].errors
    assert not ProgrammeFund.objects.filter(designation=programmes["cloud"], source="county")


def test_the_lists_export_as_excel_and_the_export_is_audited(as_user, city_staff, programmes):
    client = as_user(city_staff)
    for name, rows in (("programmemilestone", 5), ("programmefund", 4)):
        response = client.get(reverse(f"designations:{name}_export"))
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == rows + 1
        assert AuditLog.objects.filter(
            action="export", object_type=f"designations.{name}", detail__contains=f"导出 {rows} 行"
        ).exists()
    milestone_sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("designations:programmemilestone_export")).content)
    ).active
    assert milestone_sheet.cell(1, 1).value == "灯"
    assert {milestone_sheet.cell(r, 1).value for r in range(2, 7)} == {"红灯", "黄灯", "绿灯"}


def xlsx(head, rows) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet()
    for r, values in enumerate([head, *rows]):
        for c, value in enumerate(values):
            ws.write_string(r, c, value)
    wb.close()
    return SimpleUploadedFile("节点.xlsx", buffer.getvalue())


MILESTONE_HEAD = ["荣誉认定", "节点", "计划完成日期", "完成日期", "结果", "说明"]


def test_milestones_import_all_or_nothing_with_chinese_row_errors(as_user, county_a, programmes):
    client = as_user(county_a)
    east, cloud = programmes["east"].name, programmes["cloud"].name
    today = timezone.localdate()
    url = reverse("designations:programmemilestone_import")
    assert client.get(url).status_code == 200
    bad = xlsx(
        MILESTONE_HEAD,
        [
            [east, "验收", "2027-06-30", "", "", "省厅组织验收"],
            [cloud, "验收", "2027-06-30", "", "", ""],  # another county's
            [east, "中期", "2026-13-01", "", "", ""],
            [east, "实施方案", "2026-01-01", f"{today:%Y-%m-%d}", "", ""],
        ],
    )
    preview = client.post(url, {"file": bad})
    assert preview.status_code == 200
    errors = {(e.row, e.column): e.reason for e in preview.context["result"].errors}
    assert "您可修改的有资金支持的荣誉认定中没有" in errors[(3, "荣誉认定")]
    assert errors[(4, "节点")].startswith("应为：")
    assert errors[(4, "计划完成日期")] == "日期格式应为 2025-03-31。"
    assert errors[(5, "结果")] == "填写了完成日期须同时填写结果。"
    before = ProgrammeMilestone.objects.get(designation=programmes["east"], kind="acceptance")
    assert before.note == ""  # nothing written

    good = xlsx(
        MILESTONE_HEAD,
        [
            [east, "验收", "2027-06-30", "", "", "省厅组织验收"],
            [east, "实施方案", "2026-01-01", f"{today:%Y-%m-%d}", "通过", ""],
        ],
    )
    preview = client.post(url, {"file": good})
    result = preview.context["result"]
    assert (result.total, result.updated, result.errors) == (2, 2, [])
    done = client.post(
        reverse("designations:programmemilestone_import_commit", args=[preview.context["token"]])
    )
    assert done.status_code == 302
    acceptance = ProgrammeMilestone.objects.get(designation=programmes["east"], kind="acceptance")
    assert (acceptance.due_on, acceptance.note) == (datetime.date(2027, 6, 30), "省厅组织验收")
    plan = ProgrammeMilestone.objects.get(designation=programmes["east"], kind="plan")
    assert (plan.done_on, plan.result, plan.light) == (today, "passed", "green")
    assert AuditLog.objects.filter(action="import", detail__contains="更新 2").exists()


def test_funds_import_creates_and_updates_and_a_second_run_changes_nothing(
    as_user, county_a, programmes
):
    client = as_user(county_a)
    head = ["荣誉认定", "年度", "资金来源", "预算", "已下达", "已支出"]
    east = programmes["east"].name
    rows = [
        [east, "2025", "中央资金", "500", "300", "250"],  # updates spent
        [east, "2026", "县级资金", "80", "", ""],  # new
    ]
    url = reverse("designations:programmefund_import")
    bad = client.post(url, {"file": xlsx(head, [*rows, [east, "2026", "县级资金", "1", "", ""]])})
    assert [(e.row, e.reason) for e in bad.context["result"].errors] == [
        (4, "与第3行重复（同一项目、年度、来源）。")
    ]
    over = client.post(url, {"file": xlsx(head, [[east, "2025", "中央资金", "5", "1", "2"]])})
    assert over.context["result"].errors[0].reason == "已支出（2.00）不能超过已下达（1.00）。"
    preview = client.post(url, {"file": xlsx(head, rows)})
    assert (preview.context["result"].created, preview.context["result"].updated) == (1, 1)
    client.post(
        reverse("designations:programmefund_import_commit", args=[preview.context["token"]])
    )
    fund = ProgrammeFund.objects.get(designation=programmes["east"], year=2025, source="central")
    assert fund.spent == 250
    assert ProgrammeFund.objects.filter(designation=programmes["east"]).count() == 3
    again = client.post(url, {"file": xlsx(head, rows)}).context["result"]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
