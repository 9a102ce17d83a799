import pytest
from django.urls import reverse

from shangwu.audit.models import AuditLog
from shangwu.workcalendar.models import CalendarYear, DayArrangement
from shangwu.workcalendar.services import calendar_year_save, day_info, is_workday
from shangwu.workcalendar.tests.notices import d, span

pytestmark = pytest.mark.django_db

LIST = reverse("workcalendar:arrangement_list")
ADD = reverse("workcalendar:year_add")

NOTICE_2027 = {
    "year": "2027",
    "notice": "国务院办公厅关于2027年部分节假日安排的通知",
    "published_on": "2026-11-12",
    "note": "",
    "holidays_text": "2027-01-01 元旦\n\n2027-02-06 至 2027-02-14 春节\n",
    "workdays_text": "2027-02-20 春节",
}


def enter_2027():
    return calendar_year_save(
        year=2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知",
        published_on=None,
        holidays=[
            (d("2027-01-01"), "元旦"),
            *[(day, "春节") for day in span("2027-02-06", "2027-02-14")],
        ],
        workdays=[(d("2027-02-20"), "春节")],
        actor=None,
    )


# --- The list and its “check a date” box --------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "city_staff", "county_a", "township_a1", "sysadmin"])
def test_everyone_with_reference_access_can_check_a_date(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    html = client.get(LIST, {"date": "2025-10-11"}).content.decode()
    assert "2025年10月11日 星期六" in html and "工作日（调休上班）" in html


@pytest.mark.parametrize("persona", ["enterprise", "secadmin", "auditor"])
def test_users_without_reference_access_are_refused_the_calendar(request, as_user, persona):
    assert as_user(request.getfixturevalue(persona)).get(LIST).status_code == 403


def test_the_check_box_adds_working_days_and_counts_them_without_javascript(as_user, city_staff):
    html = (
        as_user(city_staff)
        .get(LIST, {"date": "2025-09-30", "days": "7", "end": "2025-10-31"})
        .content.decode()
    )
    assert "之后第 7 个工作日" in html and "2025年10月16日" in html
    assert "共 <strong>18</strong> 个工作日" in html
    assert "<html" in html


def test_the_check_box_going_back_says_before(as_user, city_staff):
    html = as_user(city_staff).get(LIST, {"date": "2025-09-30", "days": "-3"}).content.decode()
    assert "之前第 3 个工作日" in html and "2025年9月26日" in html


def test_with_htmx_the_check_box_returns_only_its_fragment(as_user, city_staff):
    response = as_user(city_staff).get(
        LIST, {"date": "2025-10-01"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="day-check"
    )
    html = response.content.decode()
    assert "休息日（国庆节放假）" in html
    assert "<html" not in html and "object-table" not in html


def test_checking_a_date_in_an_unentered_year_answers_provisionally_and_says_so(
    as_user, city_staff
):
    html = as_user(city_staff).get(LIST, {"date": "2027-02-05", "days": "1"}).content.decode()
    assert 'data-testid="day-check-result"' in html
    assert "休息日（春节放假）" in html and "暂定" in html
    assert "2027年节假日安排尚未录入，此结果为暂定" in html
    # 除夕 Friday 5 Feb to 初三 Monday 8 Feb off: the next working day is Tuesday 9 Feb.
    assert "2027年2月9日" in html


def test_the_list_shows_entered_years_with_their_counts_and_finds_them_by_year(as_user, sysadmin):
    enter_2027()
    client = as_user(sysadmin)
    html = client.get(LIST).content.decode()
    assert "国务院办公厅关于2027年部分节假日安排的通知" in html
    assert "<td>10</td>" in html and "<td>1</td>" in html
    assert "2027" in client.get(LIST, {"q": "2027年"}).content.decode()
    assert "没有符合条件的" in client.get(LIST, {"q": "2030"}).content.decode()


def test_the_list_runs_the_same_queries_however_many_years(as_user, sysadmin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(sysadmin)

    def list_queries():
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len([q for q in queries if "workcalendar" in q["sql"]])

    enter_2027()
    one_year = list_queries()
    for year in (2028, 2029, 2030):
        calendar_year_save(
            year=year, notice="", published_on=None, holidays=[], workdays=[], actor=None
        )
    assert list_queries() == one_year == 2  # the page count and the annotated rows


def test_the_list_exports_to_excel_for_the_system_administrator(as_user, sysadmin):
    enter_2027()
    response = as_user(sysadmin).get(reverse("workcalendar:year_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- Entering a year ----------------------------------------------------------------------------


def test_the_system_administrator_enters_2027_and_the_calendar_knows_it(as_user, sysadmin):
    response = as_user(sysadmin).post(ADD, NOTICE_2027)
    calendar_year = CalendarYear.objects.get(year=2027)
    assert response.status_code == 302 and response["Location"] == calendar_year.get_absolute_url()
    assert calendar_year.arrangements.count() == 11
    assert day_info(d("2027-02-08")).text == "休息日（春节放假）"
    assert day_info(d("2027-02-20")).label == "调休上班"


def test_entering_a_year_is_audited_in_the_administrators_name(as_user, sysadmin):
    as_user(sysadmin).post(ADD, NOTICE_2027)
    rows = AuditLog.objects.filter(
        object_type="workcalendar.dayarrangement", actor_username="sysadmin"
    )
    assert rows.count() == 11
    assert AuditLog.objects.filter(
        object_type="workcalendar.calendaryear", actor_username="sysadmin"
    ).exists()


def test_a_line_that_cannot_be_read_is_refused_naming_the_line(as_user, sysadmin):
    data = {**NOTICE_2027, "holidays_text": "2027-01-01 元旦\n2027-02-06 到 春节\n2026-12-31 元旦"}
    html = as_user(sysadmin).post(ADD, data).content.decode()
    assert "放假日期第2行“2027-02-06 到 春节”的结束日期无法识别" in html
    assert "放假日期第3行“2026-12-31 元旦”不在2027年内。" in html
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_make_up_day_on_a_weekday_or_listed_twice_is_refused_naming_the_line(as_user, sysadmin):
    data = {**NOTICE_2027, "workdays_text": "2027-02-20 春节\n2027-02-17 春节\n2027-02-13 春节"}
    html = as_user(sysadmin).post(ADD, data).content.decode()
    assert "调休上班日期第2行：2027-02-17 是星期三，本来就是工作日" in html
    assert "调休上班日期第3行：2027-02-13 已在放假日期第3行中列出。" in html
    assert not CalendarYear.objects.exists()


def test_a_year_entered_twice_is_refused(as_user, sysadmin):
    enter_2027()
    html = as_user(sysadmin).post(ADD, NOTICE_2027).content.decode()
    assert "该年度的节假日安排已录入。" in html


def test_the_add_page_can_start_from_the_builtin_data_of_a_known_year(as_user, sysadmin):
    html = as_user(sysadmin).get(ADD, {"year": "2026"}).content.decode()
    assert "2026-02-15 至 2026-02-23 春节" in html
    assert "2026-10-10 国庆节" in html


def test_the_edit_page_shows_the_dates_as_lines_and_saves_a_correction(as_user, sysadmin):
    calendar_year = enter_2027()
    client = as_user(sysadmin)
    url = reverse("workcalendar:year_edit", args=[calendar_year.pk])
    html = client.get(url).content.decode()
    assert "2027-02-06 至 2027-02-14 春节" in html
    data = {
        **NOTICE_2027,
        "year": "2099",
        "holidays_text": "2027-01-01 元旦\n2027-02-06 至 2027-02-13 春节",
    }
    assert client.post(url, data).status_code == 302
    assert is_workday(d("2027-02-15"))  # the 14th was a Sunday; the 15th is now an ordinary Monday
    assert not CalendarYear.objects.filter(year=2099).exists()  # the year itself cannot change
    assert DayArrangement.objects.filter(calendar_year=calendar_year).count() == 10


def test_county_staff_can_read_but_not_enter_a_year(as_user, county_a):
    client = as_user(county_a)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, NOTICE_2027).status_code == 403
    assert not CalendarYear.objects.exists()


# --- Detail and delete --------------------------------------------------------------------------


def test_the_year_page_lists_holidays_and_make_up_days(as_user, city_staff):
    calendar_year = enter_2027()
    html = as_user(city_staff).get(calendar_year.get_absolute_url()).content.decode()
    assert "2月6日至2月14日" in html and "春节" in html
    assert "2月20日" in html and "星期六" in html
    assert "全年工作日" in html


def test_the_page_of_a_corrected_builtin_year_shows_where_it_differs(as_user, sysadmin):
    calendar_year = calendar_year_save(
        year=2026,
        notice="",
        published_on=None,
        holidays=[(d("2026-10-01"), "国庆节")],
        workdays=[],
        actor=None,
    )
    html = as_user(sysadmin).get(calendar_year.get_absolute_url()).content.decode()
    assert "与内置数据的差异" in html and "chinesecalendar" not in html
    assert "2026-10-10" in html and "调休上班（国庆节）" in html


def test_deleting_a_year_removes_its_dates_and_the_year_becomes_unknown_again(as_user, sysadmin):
    calendar_year = enter_2027()
    client = as_user(sysadmin)
    response = client.post(reverse("workcalendar:year_delete", args=[calendar_year.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not CalendarYear.objects.exists() and not DayArrangement.objects.exists()
    assert "2027年节假日安排尚未录入" in client.get(LIST, {"date": "2027-03-01"}).content.decode()


def test_county_staff_cannot_delete_a_year(as_user, county_a):
    calendar_year = enter_2027()
    assert (
        as_user(county_a)
        .post(reverse("workcalendar:year_delete", args=[calendar_year.pk]))
        .status_code
        == 403
    )
    assert CalendarYear.objects.filter(pk=calendar_year.pk).exists()


def test_a_line_without_a_date_is_refused_naming_the_line(as_user, sysadmin):
    data = {**NOTICE_2027, "workdays_text": "2027-02-20 春节\n春节 2月21日"}
    html = as_user(sysadmin).post(ADD, data).content.decode()
    assert "调休上班日期第2行“春节 2月21日”无法识别，应写作" in html
