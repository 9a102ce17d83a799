"""Import of a platform export (以旧换新 平台导出) through the shared engine: a real .xlsx
through the pages (preview, then commit), all or nothing, idempotent by 申请编号 (a re-import
walks the status forward with its event rows, corrects what changed, never duplicates), dealers
the registry does not hold kept as text and linked later, and each row error."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangwu.audit.models import AuditLog
from shangwu.subsidies.imports import COLUMNS, subsidy_application_importer
from shangwu.subsidies.models import SubsidyApplication

pytestmark = pytest.mark.django_db

HEAD = [c.header for c in COLUMNS]


def row(number, **over):
    values = {
        "申请编号": number,
        "申请人": "赵六",
        "身份证号": "419902199001011234",
        "品类": "冰箱",
        "数量": "1",
        "销售金额": "4000",
        "补贴金额": "",
        "经销商": "",
        "经销商统一社会信用代码": "",
        "县区": "河东区",
        "受理日期": "2026-05-06",
        "状态": "受理",
        "审核日期": "",
        "拨付日期": "",
    }
    values.update(over)
    return [values[h] for h in HEAD]


def xlsx(rows, name="export.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet()
    for r, values in enumerate([HEAD, *rows]):
        for c, value in enumerate(values):
            ws.write_string(r, c, value)
    wb.close()
    return SimpleUploadedFile(name, buffer.getvalue())


def run(actor, programme, rows, *, commit=True):
    call = subsidy_application_importer.commit if commit else subsidy_application_importer.preview
    return call(rows=[HEAD, *rows], actor=actor, file_name="t.xlsx", programme=programme.pk)


def test_a_real_xlsx_previews_then_commits_through_the_pages(
    as_user, county_a, programme, make_enterprise
):
    dealer = make_enterprise(name="河东家电城有限公司")
    client = as_user(county_a)
    page = client.get(reverse("subsidies:subsidyapplication_import") + f"?programme={programme.pk}")
    assert page.status_code == 200
    upload = xlsx(
        [
            row("P-1", 经销商="河东家电城有限公司"),
            row("P-2", 品类="空调", 状态="拨付", 审核日期="2026-05-08", 拨付日期="2026-05-20"),
            row("P-3", 经销商=dealer.credit_code, 状态="驳回", 审核日期="2026-05-07"),
        ]
    )
    preview = client.post(
        reverse("subsidies:subsidyapplication_import"), {"programme": programme.pk, "file": upload}
    )
    assert preview.status_code == 200, preview.content.decode()[:2000]
    result = preview.context["result"]
    assert (result.total, result.created, result.errors) == (3, 3, [])
    assert not SubsidyApplication.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("subsidies:subsidyapplication_import_commit", args=[token]))
    assert done.status_code == 302
    assert done["Location"].endswith(f"?programme={programme.pk}")
    apps = {a.number: a for a in SubsidyApplication.objects.all()}
    assert apps["P-1"].dealer == dealer and apps["P-3"].dealer == dealer
    assert apps["P-2"].status == "paid" and str(apps["P-2"].paid_on) == "2026-05-20"
    # 5月7日—20日: 7, 8, 9 (Sat, 劳动节调休), 11—15, 18—20
    assert apps["P-2"].workdays_to_pay == 11
    assert list(apps["P-2"].events.order_by("at", "id").values_list("to_status", flat=True)) == [
        "accepted",
        "reviewed",
        "paid",
    ]
    assert apps["P-3"].status == "rejected"
    assert AuditLog.objects.filter(action="import", detail__contains="新增 3").exists()


def test_the_template_downloads_with_the_platform_columns(as_user, county_a):
    from openpyxl import load_workbook

    response = as_user(county_a).get(reverse("subsidies:subsidyapplication_import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb[wb.sheetnames[0]][1]] == HEAD
    assert "填写说明" in wb.sheetnames


def test_reimporting_the_same_export_changes_nothing(county_a, programme):
    rows = [row("R-1"), row("R-2", 状态="审核", 审核日期="2026-05-07")]
    first = run(county_a, programme, rows)
    assert first.committed and first.created == 2
    events = sum(a.events.count() for a in SubsidyApplication.objects.all())
    again = run(county_a, programme, rows)
    assert again.committed and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert SubsidyApplication.objects.count() == 2
    assert sum(a.events.count() for a in SubsidyApplication.objects.all()) == events


def test_a_later_overlapping_export_walks_the_status_forward_with_its_events(county_a, programme):
    run(county_a, programme, [row("O-1"), row("O-2")])
    later = run(
        county_a,
        programme,
        [
            row("O-1", 状态="拨付", 审核日期="2026-05-08", 拨付日期="2026-05-22"),
            row("O-2"),
            row("O-3"),
        ],
    )
    assert (later.created, later.updated, later.unchanged) == (1, 1, 1)
    o1 = SubsidyApplication.objects.get(number="O-1")
    assert o1.status == "paid"
    assert list(o1.events.order_by("at", "id").values_list("kind", flat=True)) == [
        "created",
        "reviewed",
        "paid",
    ]
    assert SubsidyApplication.objects.count() == 3


def test_one_bad_row_means_nothing_is_written(county_a, programme):
    result = run(county_a, programme, [row("A-1"), row("A-2", 品类="摩托车")])
    assert not result.committed
    assert not SubsidyApplication.objects.exists()
    (error,) = result.errors
    assert (error.row, error.column) == (3, "品类")


@pytest.mark.parametrize(
    ("over", "column", "reason"),
    [
        ({"品类": "摩托车"}, "品类", "应为："),
        ({"品类": "电视"}, "品类", "没有“电视”的补贴标准"),
        ({"身份证号": "12345"}, "身份证号", "身份证号应为18位"),
        ({"销售金额": "-5"}, "销售金额", "非负数"),
        ({"销售金额": "abc"}, "销售金额", "应为数字"),
        ({"补贴金额": "5000"}, "补贴金额", "补贴金额不能超过销售金额"),
        ({"数量": "1.5"}, "数量", "数量应为正整数"),
        ({"县区": "火星区"}, "县区", "本市没有名为“火星区”的县(市、区)"),
        ({"县区": "云水县"}, "县区", "不在您的数据范围内"),
        ({"经销商统一社会信用代码": "12345"}, "经销商统一社会信用代码", "应为18位"),
        ({"受理日期": "明天"}, "受理日期", "日期格式"),
        ({"受理日期": "2025-12-31"}, "受理日期", "受理日期应在项目期间内"),
        ({"状态": "已完成"}, "状态", "应为："),
        ({"状态": "审核"}, "审核日期", "须填写审核日期"),
        ({"状态": "拨付", "审核日期": "2026-05-08"}, "拨付日期", "须填写拨付日期"),
        ({"审核日期": "2026-05-08"}, "审核日期", "状态为“受理”不应填写审核日期"),
        ({"状态": "审核", "审核日期": "2026-05-01"}, "审核日期", "审核日期不能早于受理日期"),
        (
            {"状态": "拨付", "审核日期": "2026-05-08", "拨付日期": "2026-05-07"},
            "拨付日期",
            "拨付日期不能早于审核日期",
        ),
        ({"申请人": ""}, "申请人", "申请人不能为空"),
    ],
)
def test_each_row_error_names_its_row_column_and_reason(county_a, programme, over, column, reason):
    result = run(county_a, programme, [row("E-1", **over)], commit=False)
    assert result.errors, over
    assert any(e.column == column and reason in e.reason for e in result.errors), [
        (e.column, e.reason) for e in result.errors
    ]


def test_a_dealer_of_another_county_is_not_matched_but_kept_as_text(
    county_a, programme, make_enterprise
):
    make_enterprise(county="419921", name="云水家电城有限公司")
    result = run(county_a, programme, [row("G-1", 经销商="云水家电城有限公司")])
    assert result.committed and result.errors == []
    app = SubsidyApplication.objects.get(number="G-1")
    assert app.dealer is None and app.dealer_unmatched_name == "云水家电城有限公司"


def test_a_number_twice_in_the_file_is_an_error_on_the_second(county_a, programme):
    result = run(county_a, programme, [row("D-1"), row("D-1")], commit=False)
    (error,) = result.errors
    assert error.row == 3 and "与第2行的申请编号重复" in error.reason


def test_a_status_never_goes_back_by_import(county_a, programme):
    run(county_a, programme, [row("B-1", 状态="审核", 审核日期="2026-05-07")])
    result = run(county_a, programme, [row("B-1")])
    (error,) = result.errors
    assert error.column == "状态" and "不能通过导入回退" in error.reason


def test_another_countys_application_number_is_refused(county_a, county_b, programme):
    run(county_b, programme, [row("C-1", 县区="云水县")])
    result = run(county_a, programme, [row("C-1")], commit=False)
    (error,) = result.errors
    assert "不在您的数据范围内" in error.reason


def test_a_different_rule_amount_is_kept_with_its_reason(county_a, programme):
    run(county_a, programme, [row("S-1", 补贴金额="500")])
    app = SubsidyApplication.objects.get(number="S-1")
    assert str(app.subsidy_amount) == "500.00" and app.override_reason == "按平台导出数据"


def test_a_programme_outside_the_scope_is_a_file_error(county_b, programme, city_staff):
    import datetime

    from shangwu.organization.models import Region
    from shangwu.subsidies import services

    hedong = services.subsidy_programme_create(
        actor=city_staff,
        name="河东区电动自行车",
        kind="ebike",
        organiser=city_staff.org_unit,
        counties=[Region.objects.get(code="419902")],
        start_on=datetime.date(2026, 1, 1),
        end_on=datetime.date(2026, 12, 31),
    )
    result = run(county_b, hedong, [row("X-1", 县区="云水县")])
    assert result.file_error == "请选择您数据范围内的补贴项目。"


def test_a_later_export_corrects_amounts_and_dates_that_changed_never_counting_twice(
    county_a, programme
):
    """The platform corrected R-1's sale (4000 → 5000: the subsidy follows the 15% rule, 600 →
    750), R-2's 拨付日期 and its subsidy (an amount of its own, kept with its reason): each
    application corrected once, one 导入更新 event and audit rows, the figures read the new
    amounts, and the same file again changes nothing."""
    import datetime
    from decimal import Decimal

    from shangwu.core import figures

    paid = {"状态": "拨付", "审核日期": "2026-05-08", "拨付日期": "2026-05-20"}
    run(county_a, programme, [row("C-1", **paid), row("C-2", **paid)])
    r1, r2 = (SubsidyApplication.objects.get(number=n) for n in ("C-1", "C-2"))
    assert r1.subsidy_amount == Decimal("600.00") and r1.status == "paid"
    audits = AuditLog.objects.filter(object_type__contains="subsidyapplication").count()
    corrected = [
        row("C-1", 销售金额="5000", **paid),
        row("C-2", 补贴金额="500", **{**paid, "拨付日期": "2026-05-25"}),
    ]
    later = run(county_a, programme, corrected)
    assert later.committed, [(e.column, e.reason) for e in later.errors]
    assert (later.created, later.updated, later.unchanged) == (0, 2, 0)
    assert SubsidyApplication.objects.count() == 2
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.sale_amount, r1.subsidy_amount) == (Decimal("5000.00"), Decimal("750.00"))
    assert r2.subsidy_amount == Decimal("500.00") and r2.override_reason == "按平台导出数据"
    from shangwu.workcalendar.services import workdays_between

    assert r2.paid_on == datetime.date(2026, 5, 25)
    assert r2.workdays_to_pay == workdays_between(
        start=r2.accepted_on, end=r2.paid_on, provisional=True
    )
    event = r1.events.get(kind="imported")
    assert "销售金额" in event.note and event.changes["after"]["subsidy_amount"] == "750.00"
    assert r2.events.filter(kind="imported").count() == 1
    assert AuditLog.objects.filter(object_type__contains="subsidyapplication").count() > audits
    total = figures.compute(
        "subsidies.subsidy_paid",
        user=county_a,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 12, 31),
    )
    # 750 + 500 元, each once (the first amounts gone): the paid list holds the two rows.
    assert total.count == 2
    assert total.value == figures.sum_value(Decimal("1250.00"), "万元", 10000)
    again = run(county_a, programme, corrected)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert r1.events.filter(kind="imported").count() == 1


def test_a_correction_that_breaks_the_programmes_rules_is_a_row_error_and_nothing_changes(
    county_a, programme
):
    paid = {"状态": "拨付", "审核日期": "2026-05-08", "拨付日期": "2026-05-20"}
    run(county_a, programme, [row("K-1", **paid)])
    result = run(county_a, programme, [row("K-1", **{**paid, "受理日期": "2026-05-10"})])
    assert not result.committed
    (error,) = result.errors
    assert error.column == "审核日期" and "不能早于受理日期" in error.reason
    app = SubsidyApplication.objects.get(number="K-1")
    assert str(app.accepted_on) == "2026-05-06" and not app.events.filter(kind="imported")


def test_an_unknown_dealer_is_listed_for_matching_and_linked_later_with_its_events(
    as_user, county_a, county_b, programme, make_enterprise
):
    """Two applications name 河东新家电 (not in the registry): both are kept, listed by the
    list's 经销商待匹配企业库, and one link on either joins both to the registry enterprise,
    each with an event row and an audit row; 云水县 cannot reach them."""
    from rest_framework.test import APIClient

    result = run(
        county_a,
        programme,
        [
            row("U-1", 经销商="河东新家电"),
            row("U-2", 经销商="河东新家电"),
            row("U-3", 经销商="河东新家电", 经销商统一社会信用代码="91419902MA0000001X"),
        ],
    )
    assert result.committed and result.created == 3
    client = as_user(county_a)
    listed = client.get(reverse("subsidies:subsidyapplication_list") + "?dealer_unmatched=true")
    assert listed.context["page"].paginator.count == 3
    assert "河东新家电〔待匹配企业库〕" in listed.content.decode()
    api = APIClient()
    api.force_authenticate(county_a)
    body = api.get("/api/subsidy-applications/?dealer_unmatched=true").json()
    assert sorted(r["dealer_unmatched_name"] for r in body["results"]) == ["河东新家电"] * 3
    u1 = SubsidyApplication.objects.get(number="U-1")
    page = client.get(u1.get_absolute_url())
    assert 'data-testid="link-dealer"' in page.content.decode()
    shop = make_enterprise(name="河东新家电有限公司")
    other = make_enterprise(county="419921", name="云水某公司")
    refused = client.post(
        reverse("subsidies:subsidyapplication_link_dealer", args=[u1.pk]), {"enterprise": other.pk}
    )
    assert refused.status_code == 400  # another county's enterprise is no choice
    assert (
        as_user(county_b)
        .get(reverse("subsidies:subsidyapplication_link_dealer", args=[u1.pk]))
        .status_code
        == 404
    )
    done = client.post(
        reverse("subsidies:subsidyapplication_link_dealer", args=[u1.pk]), {"enterprise": shop.pk}
    )
    assert done.status_code == 302
    u1.refresh_from_db()
    u2 = SubsidyApplication.objects.get(number="U-2")
    assert u1.dealer == shop and u2.dealer == shop and u1.dealer_unmatched_name == ""
    for app in (u1, u2):
        assert app.events.filter(kind="dealer").count() == 1
        assert AuditLog.objects.filter(
            object_id=str(app.pk), action="update", object_type__contains="subsidyapplication"
        ).exists()
    # U-3 carries a credit code: a different dealer until linked by itself (API).
    u3 = SubsidyApplication.objects.get(number="U-3")
    assert u3.dealer is None
    mismatch = api.post(
        f"/api/subsidy-applications/{u3.pk}/link-dealer/", {"enterprise": shop.pk}, format="json"
    )
    assert mismatch.status_code == 400 and "不一致" in str(mismatch.json())
    assert (
        client.get(reverse("subsidies:subsidyapplication_list") + "?dealer_unmatched=true")
        .context["page"]
        .paginator.count
        == 1
    )
