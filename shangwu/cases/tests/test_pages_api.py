"""Pages, exports and API: scope, actions through the UI, statistics definitions and drill-down."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from shangwu.cases import services, statistics
from shangwu.cases.choices import CaseSource, CaseStatus, Rating
from shangwu.cases.models import Case
from shangwu.cases.processing import deadlines_process
from shangwu.cases.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def yunshui_case(county_b, category, region):
    return services.case_register(
        actor=county_b,
        source=CaseSource.HOTLINE,
        kind="consult",
        category=category,
        title="云水县来电咨询",
        content="c",
        county=region("419921"),
    )


def test_county_a_never_sees_a_yunshui_case_on_pages_exports_or_api(
    as_user, county_a, yunshui_case
):
    client = as_user(county_a)
    assert client.get(reverse("cases:case_detail", args=[yunshui_case.pk])).status_code == 404
    assert "云水县来电咨询" not in client.get(reverse("cases:case_list")).content.decode()
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("cases:case_export")).content))
    assert "云水县来电咨询" not in str([c.value for row in book.active.iter_rows() for c in row])
    assert client.get(f"/api/cases/{yunshui_case.pk}/").status_code == 404
    assert all(r["id"] != yunshui_case.pk for r in client.get("/api/cases/").json()["results"])


def test_a_city_department_leading_a_county_case_sees_it_but_a_sibling_county_does_not(
    as_user, county_b, city_staff, county_a, yunshui_case
):
    services.case_assign(case=yunshui_case, actor=county_b, lead_unit=county_b.org_unit)
    assert as_user(city_staff).get(yunshui_case.get_absolute_url()).status_code == 200
    # A county unit made co-unit of another county's case sees it too (and only then).
    assert Case.objects.restrict(county_a).filter(pk=yunshui_case.pk).count() == 0
    yunshui_case.co_units.add(county_a.org_unit)
    assert Case.objects.restrict(county_a).filter(pk=yunshui_case.pk).count() == 1


def test_the_lead_unit_signs_through_the_page_and_sees_only_allowed_actions(
    as_user, make_case, township_unit, township_a1
):
    case = make_case(assign_to=township_unit)
    client = as_user(township_a1)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "签收" in page and "申请办结</summary>" not in page
    response = client.post(
        reverse("cases:case_action", args=[case.pk, "sign"]), {"version": case.version}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING


def test_the_loser_of_a_race_sees_the_message_and_keeps_the_typed_text(
    as_user, make_case, township_unit, township_a1
):
    case = make_case(assign_to=township_unit)
    seen = case.version
    services.case_sign(case=case, actor=township_a1)
    response = as_user(township_a1).post(
        reverse("cases:case_action", args=[case.pk, "return"]),
        {"version": seen, "reason": "我写了很长的退回理由"},
    )
    text = response.content.decode()
    assert response.status_code == 409
    assert "该案件刚被他人处理" in text and "我写了很长的退回理由" in text


def test_register_page_creates_a_case(as_user, county_a, category, region):
    response = as_user(county_a).post(
        reverse("cases:case_add"),
        {
            "source": "hotline",
            "kind": "help",
            "category": category.pk,
            "title": "求助：停电",
            "content": "厂区停电",
            "county": region("419902").pk,
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(title="求助：停电").registered_by == county_a


def test_attachments_refuse_other_types(make_case, county_a):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_case()
    with pytest.raises(ValidationError, match="类型不允许"):
        services.case_attach(case=case, actor=county_a, upload=SimpleUploadedFile("a.exe", b"MZ"))


def test_api_transition_calls_the_same_service_and_refuses_illegal_ones(
    as_user, make_case, township_unit, township_a1
):
    case = make_case(assign_to=township_unit)
    client = as_user(township_a1)
    bad = client.post(
        f"/api/cases/{case.pk}/request-close/", {"resolution": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "不能执行“申请办结”" in str(bad.json())
    ok = client.post(
        f"/api/cases/{case.pk}/sign/", {"version": case.version}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == CaseStatus.HANDLING
    stale = client.post(
        f"/api/cases/{case.pk}/return/",
        {"version": case.version, "reason": "x"},
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_api_creates_a_case(as_user, county_a, category, region):
    response = as_user(county_a).post(
        "/api/cases/",
        {
            "source": "mailbox",
            "kind": "ordinary",
            "category": category.pk,
            "title": "局长信箱来信",
            "content": "内容",
            "county": region("419902").pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["number"].startswith(
        str(datetime.date.today().year)[:2]
    )


def _closed(
    make_case, township_unit, township_a1, county_a, *, rating=None, late=False, reopen=False
):
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    done = at("2025-03-20 10:00") if late else at("2025-03-05 10:00")
    services.case_request_close(case=case, actor=township_a1, resolution="已办", now=done)
    services.case_review(case=case, actor=county_a, approve=True, now=done)
    if reopen:
        services.case_revisit(
            case=case, actor=county_a, rating=Rating.UNSATISFIED, note="不满意", now=done
        )
        if rating is None:
            return case  # reopened, still being handled (its latest rating: 不满意)
        services.case_request_close(case=case, actor=township_a1, resolution="再办", now=done)
        services.case_review(case=case, actor=county_a, approve=True, now=done)
    services.case_revisit(case=case, actor=county_a, rating=rating, now=done)
    return case


def test_statistics_definitions_on_a_hand_built_set(
    make_case, township_unit, township_a1, county_a, as_user
):
    _closed(make_case, township_unit, township_a1, county_a, rating=Rating.SATISFIED)
    _closed(make_case, township_unit, township_a1, county_a, rating=Rating.BASICALLY, late=True)
    _closed(make_case, township_unit, township_a1, county_a, rating=Rating.SATISFIED, reopen=True)
    _closed(make_case, township_unit, township_a1, county_a, reopen=True)  # open again, overdue
    make_case(assign_to=township_unit, received="2025-03-03 09:00")  # open, overdue
    dup = make_case(received="2025-03-04 09:00")
    services.case_merge(
        case=dup, into=Case.objects.filter(status=CaseStatus.ASSIGNED).first(), actor=county_a
    )
    deadlines_process(now=timezone.now())  # what cron does: the open ones are long overdue
    result = statistics.case_statistics(
        user=county_a,
        dimension="unit",
        date_from=datetime.date(2025, 3, 1),
        date_to=datetime.date(2025, 3, 31),
    )
    t = result["total"]
    assert (t.received, t.closed, t.on_time, t.rated, t.satisfied, t.reopened, t.overdue) == (
        5,
        3,
        2,
        4,
        3,
        2,
        2,
    )
    assert (t.close_rate, t.on_time_rate, t.satisfaction_rate) == (60.0, 66.7, 75.0)
    assert [r.label for r in result["rows"]] == ["东湖街道"]
    # Every number drills down to exactly the cases behind it.
    client = as_user(county_a)
    for column, expected in [
        ("received", 5),
        ("closed", 3),
        ("on_time_rate", 2),
        ("satisfaction_rate", 3),
        ("reopened", 2),
        ("overdue", 2),
    ]:
        params = statistics.drill_params(
            dimension="unit",
            row=result["rows"][0],
            column=column,
            date_from=datetime.date(2025, 3, 1),
            date_to=datetime.date(2025, 3, 31),
        )
        rows = client.get("/api/cases/", params).json()["count"]
        assert rows == expected, column
    page = client.get(
        reverse("cases:statistics"),
        {"dimension": "month", "date_from": "2025-03-01", "date_to": "2025-03-31"},
    )
    assert page.status_code == 200 and "2025年03月" in page.content.decode()
    export = client.get(
        reverse("cases:statistics_export"),
        {"dimension": "county", "date_from": "2025-03-01", "date_to": "2025-03-31"},
    )
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert [c.value for c in book.active[2]][:3] == ["河东区", 5, 3]


def test_the_dashboard_shows_my_queue_and_unread_notifications(
    as_user, make_case, township_unit, township_a1
):
    make_case(assign_to=township_unit)
    page = as_user(township_a1).get("/").content.decode()
    assert "我的待办" in page and "待签收" in page and "未读通知" in page


def test_a_visit_problem_becomes_a_case_in_one_click(
    as_user, county_a, make_enterprise, category, county_unit
):
    from shangwu.enterprises.choices import ProblemStatus
    from shangwu.enterprises.models import Visit, VisitProblem

    ent = make_enterprise()
    visit = Visit.objects.create(enterprise=ent, visited_on=datetime.date(2025, 3, 1))
    problem = VisitProblem.objects.create(
        visit=visit, enterprise=ent, description="用工缺口200人\n详情"
    )
    response = as_user(county_a).post(
        reverse("cases:case_from_problem", args=[problem.pk]),
        {"category": category.pk, "kind": "ordinary", "lead_unit": county_unit.pk},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    case = problem.case
    assert problem.status == ProblemStatus.CONVERTED and case.source == CaseSource.VISIT
    assert case.status == CaseStatus.ASSIGNED and case.title == "用工缺口200人"


def test_the_conversion_form_picks_the_case_category_a_problems_category_names(
    as_user, county_a, make_enterprise
):
    from shangwu.cases.models import CaseCategory
    from shangwu.enterprises.models import Visit, VisitProblem

    ent = make_enterprise()
    visit = Visit.objects.create(enterprise=ent, visited_on=datetime.date(2025, 3, 1))
    for problem_category, case_category in (
        ("用工招工", "用工"),
        ("融资信贷", "融资"),
        ("市场开拓", "其他"),
    ):
        problem = VisitProblem.objects.create(
            visit=visit, enterprise=ent, description="问题", category=problem_category
        )
        form = (
            as_user(county_a)
            .get(reverse("cases:case_from_problem", args=[problem.pk]))
            .context["form"]
        )
        assert form["category"].value() == CaseCategory.objects.get(name=case_category).pk, (
            problem_category
        )


def _raw(user, dimension, date_from, date_to):
    """The statistics straight from the cases (the definition, without the monthly buckets)."""
    from django.db.models import Count

    qs = statistics.population(user=user, date_from=date_from, date_to=date_to)
    out = {}
    for key, values in statistics._group_cases(qs, dimension, statistics._aggregates()):
        out[key] = {k: v or 0 for k, v in values.items()}
    for key, values in statistics._group_cases(
        qs.filter(statistics.MEASURES["overdue"][1]), dimension, {"overdue": Count("id")}
    ):
        out.setdefault(key, {})["overdue"] = values["overdue"]
    if dimension == "unit" and 0 in out:
        out[None] = out.pop(0)  # 未交办
    return {
        k: {c: v.get(c, 0) for c in statistics.COUNTERS}
        for k, v in out.items()
        if v.get("received")
    }


@pytest.mark.parametrize("dimension", ["unit", "county", "source", "category", "month"])
def test_the_monthly_buckets_agree_with_the_cases_for_any_range_and_scope(
    dimension, make_case, township_unit, township_a1, county_a, county_b, leader, city_staff
):
    _closed(make_case, township_unit, township_a1, county_a, rating=Rating.SATISFIED)
    _closed(make_case, township_unit, township_a1, county_a, rating=Rating.BASICALLY, late=True)
    _closed(make_case, township_unit, township_a1, county_a, reopen=True)
    make_case(assign_to=township_unit, received="2025-02-27 09:00")
    make_case(received="2025-04-01 00:30")  # just after a month boundary (local time)
    other = make_case(county="419921", actor=county_b, received="2025-03-15 10:00")
    services.case_assign(
        case=other, actor=county_b, lead_unit=county_b.org_unit, now=at("2025-03-15 11:00")
    )
    other.co_units.add(county_a.org_unit)  # county_a's unit co-handles a 云水县 case
    deadlines_process(now=timezone.now())
    for user in (leader, county_a, township_a1, city_staff):
        for date_from, date_to in [
            (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
            (datetime.date(2025, 2, 15), datetime.date(2025, 4, 10)),
            (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
            (datetime.date(2025, 3, 5), datetime.date(2025, 3, 20)),
        ]:
            got = statistics._collect(
                user=user, dimension=dimension, date_from=date_from, date_to=date_to
            )
            got = {k: v for k, v in got.items() if v["received"]}
            assert got == _raw(user, dimension, date_from, date_to), (
                user.username,
                date_from,
                date_to,
            )


def test_rebuilding_the_buckets_gives_what_the_services_kept(
    make_case, township_unit, township_a1, county_a
):
    from shangwu.cases.models import CaseStatBucket

    _closed(make_case, township_unit, township_a1, county_a, rating=Rating.SATISFIED)
    _closed(make_case, township_unit, township_a1, county_a, reopen=True)
    dup = make_case()
    services.case_merge(case=dup, into=make_case(assign_to=township_unit), actor=county_a)
    fields = [
        "month",
        "county_id",
        "lead_unit_id",
        "source",
        "category_id",
        *statistics.BUCKET_COUNTERS,
    ]
    kept = sorted(r for r in CaseStatBucket.objects.values_list(*fields) if any(r[5:]))
    statistics.buckets_rebuild()
    assert kept == sorted(CaseStatBucket.objects.values_list(*fields))


def test_statistics_keep_to_the_users_scope_on_page_export_and_api(
    as_user, make_case, county_b, township_unit
):
    make_case(assign_to=township_unit, received="2025-03-03 09:00", title="河东区的诉求")
    client = as_user(county_b)
    query = {"dimension": "county", "date_from": "2025-01-01", "date_to": "2025-12-31"}
    assert (
        "河东区"
        not in client.get(reverse("cases:statistics"), query)
        .content.decode()
        .split("statistics-table")[1]
    )
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cases:statistics_export"), query).content)
    )
    assert [c.value for c in book.active[2]][0] == "合计"
    data = client.get("/api/cases/statistics/", query).json()
    assert data["rows"] == [] and data["total"]["received"] == 0


def test_one_closed_of_sixteen_shows_a_close_rate_of_6_3_percent_on_page_export_and_api(
    make_case, township_unit, township_a1, county_a, as_user
):
    _closed(make_case, township_unit, township_a1, county_a, rating=Rating.SATISFIED)
    for _ in range(15):
        make_case(
            assign_to=township_unit,
            received="2025-03-03 09:00",
            source=CaseSource.MAILBOX,
            enterprise=False,
        )
    query = {"dimension": "unit", "date_from": "2025-03-01", "date_to": "2025-03-31"}
    client = as_user(county_a)
    page = client.get(reverse("cases:statistics"), query).content.decode()
    assert "6.3%" in page and "6.2%" not in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cases:statistics_export"), query).content)
    )
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert (6.3 in cells or "6.3%" in cells) and 6.2 not in cells
    api = client.get("/api/cases/statistics/", query)
    assert api.status_code == 200 and api.json()["total"]["close_rate"] == 6.3


def test_a_statistics_link_naming_only_the_dimension_takes_the_default_dates(as_user, county_a):
    page = as_user(county_a).get(reverse("cases:statistics"), {"dimension": "month"})
    html = page.content.decode()
    assert page.status_code == 200 and "该字段是必填项" not in html
    assert "<th>月份</th>" in html.split("statistics-table")[1].replace(' scope="col"', "")


def test_statistics_api_with_an_end_before_its_start_is_refused_naming_the_end_date(
    as_user, county_a
):
    query = {"dimension": "county", "date_from": "2026-03-01", "date_to": "1693-07-21"}
    response = as_user(county_a).get("/api/cases/statistics/", query)
    assert response.status_code == 400
    assert response.json() == {"date_to": ["结束日期不能早于开始日期。"]}


def test_api_case_without_a_county_is_refused_with_a_message_naming_the_county(
    as_user, county_a, category
):
    response = as_user(county_a).post(
        "/api/cases/",
        {
            "source": "mailbox",
            "kind": "ordinary",
            "category": category.pk,
            "title": "局长信箱来信",
            "content": "内容",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["county"] == ["请选择县(市、区)。"]
    assert not Case.objects.filter(title="局长信箱来信").exists()


def test_a_case_cannot_be_merged_into_a_case_of_another_county_on_the_page_or_the_api(
    as_user, leader, county_b, make_case
):
    hedong = make_case(title="河东区企业反映用地难")
    yunshui = make_case(actor=county_b, county="419921", title="云水县企业反映融资难")
    client = as_user(leader)
    page = client.post(
        reverse("cases:case_action", args=[hedong.pk, "merge"]), {"into": yunshui.number}
    )
    assert page.status_code == 200 and "只能并入同一地区的案件" in page.content.decode()
    api = client.post(
        f"/api/cases/{yunshui.pk}/merge/", {"into": hedong.pk}, content_type="application/json"
    )
    assert api.status_code == 400 and "只能并入同一地区的案件" in api.json()["into"][0]
    hedong.refresh_from_db()
    yunshui.refresh_from_db()
    assert hedong.merged_into is None and yunshui.merged_into is None
    assert hedong.status == yunshui.status == CaseStatus.REGISTERED


def test_the_leader_merges_a_duplicate_of_the_same_county_through_the_page(
    as_user, leader, make_case
):
    original = make_case(title="企业反映融资难")
    duplicate = make_case(title="企业再次反映融资难")
    page = as_user(leader).post(
        reverse("cases:case_action", args=[duplicate.pk, "merge"]), {"into": original.number}
    )
    assert page.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.MERGED and duplicate.merged_into == original
    detail = as_user(leader).get(reverse("cases:case_detail", args=[original.pk])).content.decode()
    assert "企业再次反映融资难" in detail


def test_county_b_case_page_lists_no_merged_case_of_another_county(as_user, county_b, make_case):
    yunshui = make_case(actor=county_b, county="419921", title="云水县企业反映融资难")
    hedong = make_case(title="河东区企业反映用地难")
    # Merged before merging was limited to one place (the service refuses it now).
    Case.objects.filter(pk=hedong.pk).update(merged_into=yunshui, status=CaseStatus.MERGED)
    Case.objects.filter(pk=yunshui.pk).update(merged_into=hedong)
    page = as_user(county_b).get(reverse("cases:case_detail", args=[yunshui.pk]))
    assert page.status_code == 200
    assert "河东区企业反映用地难" not in page.content.decode()
    assert hedong.number in page.content.decode()  # 并入案件: its number only
