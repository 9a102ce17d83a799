from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shangwu.workcalendar.services import calendar_year_save
from shangwu.workcalendar.tests.notices import d

pytestmark = pytest.mark.django_db


def workdays(*args) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_adding_seven_working_days_to_september_30_2025_prints_october_16():
    assert workdays("2025-09-30", "+7") == "2025-10-16\n"


def test_a_plain_number_adds_like_a_plus_sign():
    assert workdays("2025-09-30", "7") == "2025-10-16\n"


def test_a_minus_sign_goes_back():
    assert workdays("2025-09-30", "-3") == "2025-09-26\n"
    assert workdays("2025-10-16", "-7") == "2025-09-30\n"


def test_a_make_up_saturday_prints_as_a_working_day_with_tiaoxiu():
    assert workdays("2025-10-11") == "2025-10-11 星期六 工作日（调休上班）\n"


def test_a_holiday_a_weekend_and_an_ordinary_day_print_what_they_are():
    assert workdays("2025-10-01") == "2025-10-01 星期三 休息日（国庆节放假）\n"
    assert workdays("2025-10-18") == "2025-10-18 星期六 休息日（周末）\n"
    assert workdays("2025-10-13") == "2025-10-13 星期一 工作日\n"


def test_two_dates_print_the_number_of_working_days_between_them():
    assert workdays("2025-10-01", "2025-10-31") == "18\n"
    assert workdays("2025-10-01", "2025-10-01") == "0\n"


def test_a_reversed_range_is_an_error_in_chinese_not_zero():
    with pytest.raises(CommandError, match="结束日期 2026-10-01 早于开始日期 2026-10-31"):
        workdays("2026-10-31", "2026-10-01")


def test_a_bad_date_is_refused_naming_the_argument():
    with pytest.raises(CommandError, match="日期“2025-13-01”不是有效日期"):
        workdays("2025-13-01")
    with pytest.raises(CommandError, match="结束日期“2025-10-32”不是有效日期"):
        workdays("2025-10-01", "2025-10-32")
    with pytest.raises(CommandError, match="第二个参数“下周”应为"):
        workdays("2025-10-01", "下周")


def test_a_year_not_entered_yet_prints_the_provisional_date_and_says_so_naming_the_year():
    lines = workdays("2027-01-04", "+3").splitlines()
    assert lines[0] == "2027-01-07"
    assert lines[1].startswith("2027年节假日安排尚未录入，此结果为暂定")
    # 元旦 (1 January 2027, a Friday) is a statutory holiday: 10 working days from 28 December
    # are 29, 30, 31 December and 4–8, 11, 12 January.
    assert workdays("2026-12-28", "+10").splitlines()[0] == "2027-01-12"
    assert workdays("2027-02-08").splitlines()[0] == "2027-02-08 星期一 休息日（春节放假）（暂定）"
    assert "2027年" in workdays("2026-12-01", "2027-01-10").splitlines()[1]


def test_a_year_before_the_builtin_data_is_still_refused_with_the_calendar_message():
    with pytest.raises(CommandError, match="2003年节假日安排尚未录入，请系统管理员录入"):
        workdays("2003-05-06")


def test_an_entered_year_is_answered_by_the_command():
    calendar_year_save(
        year=2027,
        notice="",
        published_on=None,
        holidays=[(d("2027-01-01"), "元旦")],
        workdays=[],
        actor=None,
    )
    # An entered year prints plainly: the date alone, no 暂定.
    assert workdays("2026-12-31", "+1") == "2027-01-04\n"
    assert workdays("2027-01-04", "+3") == "2027-01-07\n"
