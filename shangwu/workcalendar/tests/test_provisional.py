"""A year the State Council has not announced yet (and nobody has entered): answered
provisionally, for callers that can say so, from the 全国年节及纪念日放假办法 and weekends."""

import chinese_calendar
import pytest

from shangwu.workcalendar.services import (
    CalendarYearUnknown,
    calendar_year_entered,
    calendar_year_save,
    day_info,
    span_provisional_years,
    statutory_holidays,
    workdays_add,
    workdays_between,
    year_is_provisional,
    year_missing_next,
)
from shangwu.workcalendar.tests.notices import d

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_holidays_match_the_state_council_notices_of_2025_and_2026(year):
    """The 2024 amendment applied from 2025: every statutory day is a holiday of that name in
    the announced arrangement (lunar dates and the 清明 solar term computed right)."""
    names = {
        "元旦": "New Year's Day",
        "春节": "Spring Festival",
        "清明节": "Tomb-sweeping Day",
        "劳动节": "Labour Day",
        "端午节": "Dragon Boat Festival",
        "中秋节": "Mid-autumn Festival",
        "国庆节": "National Day",
    }
    days = statutory_holidays(year)
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    for day, name in days:
        on_holiday, builtin = chinese_calendar.get_holiday_detail(day)
        assert on_holiday and builtin == names[name], (day, name, builtin)


def test_the_statutory_holidays_of_2027():
    assert statutory_holidays(2027) == [
        (d("2027-01-01"), "元旦"),
        (d("2027-02-05"), "春节"),  # 除夕
        (d("2027-02-06"), "春节"),
        (d("2027-02-07"), "春节"),
        (d("2027-02-08"), "春节"),
        (d("2027-04-05"), "清明节"),
        (d("2027-05-01"), "劳动节"),
        (d("2027-05-02"), "劳动节"),
        (d("2027-06-09"), "端午节"),
        (d("2027-09-15"), "中秋节"),
        (d("2027-10-01"), "国庆节"),
        (d("2027-10-02"), "国庆节"),
        (d("2027-10-03"), "国庆节"),
    ]


def test_qingming_is_the_solar_term_not_a_fixed_date():
    assert (d("2028-04-04"), "清明节") in statutory_holidays(2028)
    assert (d("2030-04-05"), "清明节") in statutory_holidays(2030)


def test_a_caller_that_cannot_say_provisional_still_gets_the_unknown_year_error():
    with pytest.raises(CalendarYearUnknown, match="2027年节假日安排尚未录入"):
        workdays_add(start=d("2026-12-28"), days=10)


def test_a_provisional_answer_counts_statutory_holidays_and_weekends_and_says_so():
    info = day_info(d("2027-02-08"), provisional=True)
    assert not info.is_workday and info.provisional and info.text == "休息日（春节放假）"
    assert day_info(d("2027-02-09"), provisional=True).is_workday  # no 调休 guessed
    assert day_info(d("2027-02-20"), provisional=True).text == "休息日（周末）"
    # 29, 30, 31 Dec; 1 Jan is 元旦; 4–8 and 11, 12 Jan.
    due = workdays_add(start=d("2026-12-28"), days=10, provisional=True)
    assert due == d("2027-01-12")
    assert span_provisional_years(d("2026-12-28"), due) == [2027]
    assert span_provisional_years(d("2026-12-01"), d("2026-12-31")) == []
    assert workdays_between(start=d("2026-12-31"), end=d("2027-01-12"), provisional=True) == 7
    assert year_is_provisional(2027) and not year_is_provisional(2026)


def test_a_provisional_year_is_compiled_once(django_assert_num_queries):
    workdays_add(start=d("2027-03-01"), days=5, provisional=True)
    with django_assert_num_queries(0):
        for n in range(200):
            workdays_add(start=d("2027-03-01"), days=n, provisional=True)


def test_entering_the_year_ends_the_provisional_answers_and_announces_it():
    heard = []

    def listener(sender, year, actor, **kwargs):
        heard.append((year, year_is_provisional(year)))

    calendar_year_entered.connect(listener, dispatch_uid="test-listener")
    try:
        calendar_year_save(
            year=2027,
            notice="国务院办公厅关于2027年部分节假日安排的通知",
            holidays=[(d("2027-01-01"), "元旦")],
            workdays=[],
        )
    finally:
        calendar_year_entered.disconnect(dispatch_uid="test-listener")
    assert heard == [(2027, False)]
    assert not day_info(d("2027-02-08"), provisional=True).provisional
    assert day_info(d("2027-02-08")).is_workday  # the entered notice is the whole truth


def test_from_1_october_next_year_is_missing_until_entered():
    assert year_missing_next(today=d("2026-09-30")) is None
    assert year_missing_next(today=d("2026-10-01")) == 2027
    assert year_missing_next(today=d("2026-12-07")) == 2027
    calendar_year_save(year=2027, holidays=[(d("2027-01-01"), "元旦")], workdays=[])
    assert year_missing_next(today=d("2026-12-07")) is None
