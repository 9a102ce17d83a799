import pytest
from rest_framework.test import APIClient

from shangwu.workcalendar.models import CalendarYear
from shangwu.workcalendar.services import day_info, is_workday
from shangwu.workcalendar.tests.notices import d

pytestmark = pytest.mark.django_db

YEARS = "/api/calendar-years/"
DAY = "/api/calendar-years/day/"

BODY_2027 = {
    "year": 2027,
    "notice": "国务院办公厅关于2027年部分节假日安排的通知",
    "published_on": "2026-11-12",
    "holidays": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-02-08", "name": "春节"}],
    "workdays": [{"date": "2027-02-20", "name": "春节"}],
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_day_endpoint_answers_a_make_up_saturday(county_a):
    body = api(county_a).get(DAY, {"date": "2025-10-11"}).json()
    assert body["day"] == {
        "date": "2025-10-11",
        "weekday": "星期六",
        "is_workday": True,
        "label": "调休上班",
        "holiday": "国庆节",
        "text": "工作日（调休上班）",
        "source": "内置数据（历年国务院办公厅放假通知）",
        "provisional": False,
    }


def test_the_day_endpoint_adds_and_counts_working_days(county_a):
    body = api(county_a).get(DAY, {"date": "2025-09-30", "days": 7, "end": "2025-10-31"}).json()
    assert body["added"] == "2025-10-16" and body["between"] == 18


def test_the_day_endpoint_answers_a_year_not_entered_yet_provisionally(county_a):
    response = api(county_a).get(DAY, {"date": "2027-01-04", "days": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["added"] == "2027-01-07" and body["provisional_years"] == [2027]
    assert body["day"]["provisional"] is True and body["day"]["is_workday"] is True


def test_the_day_endpoint_answers_a_known_year_plainly(county_a):
    body = api(county_a).get(DAY, {"date": "2025-09-30", "days": 7}).json()
    assert body["provisional_years"] == [] and body["day"]["provisional"] is False


def test_the_day_endpoint_requires_a_date(county_a):
    assert api(county_a).get(DAY).status_code == 400


def test_the_system_administrator_enters_a_year_through_the_api(sysadmin):
    response = api(sysadmin).post(YEARS, BODY_2027, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["holidays"] == BODY_2027["holidays"]
    assert response.json()["workdays"] == BODY_2027["workdays"]
    assert not is_workday(d("2027-02-08")) and day_info(d("2027-02-20")).label == "调休上班"


def test_patching_the_notice_keeps_the_dates(sysadmin):
    client = api(sysadmin)
    pk = client.post(YEARS, BODY_2027, format="json").json()["id"]
    response = client.patch(f"{YEARS}{pk}/", {"notice": "国办发明电〔2026〕X号"}, format="json")
    assert response.status_code == 200
    assert (
        response.json()["notice"] == "国办发明电〔2026〕X号"
        and len(response.json()["holidays"]) == 2
    )


def test_the_api_refuses_a_date_outside_the_year_and_a_changed_year(sysadmin):
    client = api(sysadmin)
    bad = {**BODY_2027, "holidays": [{"date": "2026-12-31", "name": "元旦"}]}
    response = client.post(YEARS, bad, format="json")
    assert response.status_code == 400 and "不在2027年内" in str(response.json())
    pk = client.post(YEARS, BODY_2027, format="json").json()["id"]
    assert client.patch(f"{YEARS}{pk}/", {"year": 2028}, format="json").status_code == 400


def test_county_staff_can_read_years_but_not_write_them(county_a, sysadmin):
    api(sysadmin).post(YEARS, BODY_2027, format="json")
    client = api(county_a)
    assert client.get(YEARS).json()["count"] == 1
    assert client.post(YEARS, {**BODY_2027, "year": 2028}, format="json").status_code == 403
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_the_enterprise_user_cannot_use_the_calendar_api(enterprise):
    assert api(enterprise).get(DAY, {"date": "2025-10-11"}).status_code == 403
