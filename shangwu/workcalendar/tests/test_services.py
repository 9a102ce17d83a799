import datetime

import pytest
from django.core.exceptions import ValidationError

from shangwu.workcalendar.choices import DayKind
from shangwu.workcalendar.models import CalendarYear, DayArrangement
from shangwu.workcalendar.selectors import arrangement_list_builtin
from shangwu.workcalendar.services import (
    BUILTIN_YEARS,
    CalendarYearUnknown,
    calendar_year_delete,
    calendar_year_save,
    day_info,
    is_workday,
    workdays_add,
    workdays_between,
)
from shangwu.workcalendar.tests.notices import (
    NOTICES,
    d,
    holidays_of,
    makeup_workdays_of,
    span,
    working_days_of,
)

pytestmark = pytest.mark.django_db

YEARS = [2024, 2025, 2026]


# --- The State Council notices, 2024–2026 ------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_every_day_of_the_year_follows_the_state_council_notice(year):
    expected = set(working_days_of(year))
    wrong = [
        day
        for day in span(f"{year}-01-01", f"{year}-12-31")
        if is_workday(day) != (day in expected)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
def test_holidays_are_rest_days_named_after_their_festival(year):
    for name, days in NOTICES[year]["holidays"].items():
        for day in days:
            info = day_info(day)
            assert not info.is_workday, day
            assert info.label.startswith("法定节假日（"), day
            if not (year == 2025 and day == d("2025-10-06")):  # 中秋节 inside the 国庆 week
                assert info.holiday == name, day


@pytest.mark.parametrize("year", YEARS)
def test_make_up_days_on_weekends_are_working_days_labelled_tiaoxiu(year):
    for name, days in NOTICES[year]["workdays"].items():
        for day in days:
            info = day_info(day)
            assert day.weekday() >= 5, f"{day} 调休上班 should fall on a weekend"
            assert info.is_workday and info.is_makeup_workday, day
            assert info.label == "调休上班"
            assert info.holiday == name


def test_the_2025_national_day_week_is_eight_days_with_two_make_up_saturdays_and_sundays():
    assert [is_workday(day) for day in span("2025-09-27", "2025-10-12")] == [
        False,  # 9-27 Sat
        True,  # 9-28 Sun 调休上班
        True,
        True,  # 9-29, 9-30
        *[False] * 8,  # 10-1 … 10-8 国庆节、中秋节
        True,
        True,  # 10-9, 10-10
        True,  # 10-11 Sat 调休上班
        False,  # 10-12 Sun
    ]
    assert day_info(d("2025-10-06")).holiday == "中秋节"


def test_the_2025_spring_festival_runs_from_new_years_eve_to_the_seventh_day():
    assert day_info(d("2025-01-26")).label == "调休上班"
    assert not any(is_workday(day) for day in span("2025-01-28", "2025-02-04"))
    assert is_workday(d("2025-02-05"))
    assert day_info(d("2025-02-08")).label == "调休上班"


def test_the_2026_spring_festival_is_nine_days_with_two_make_up_saturdays():
    assert not any(is_workday(day) for day in span("2026-02-15", "2026-02-23"))
    assert is_workday(d("2026-02-14")) and is_workday(d("2026-02-28"))
    assert day_info(d("2026-01-04")).text == "工作日（调休上班）"


def test_day_info_labels_an_ordinary_weekday_a_weekend_and_a_holiday():
    weekday, weekend, holiday = (
        day_info(d("2025-10-13")),
        day_info(d("2025-10-18")),
        day_info(d("2025-10-01")),
    )
    assert (weekday.is_workday, weekday.label, weekday.text) == (True, "工作日", "工作日")
    assert (weekend.is_workday, weekend.label, weekend.text) == (False, "周末", "休息日（周末）")
    assert (holiday.label, holiday.holiday, holiday.text) == (
        "法定节假日（国庆节）",
        "国庆节",
        "休息日（国庆节放假）",
    )
    assert holiday.weekday_name == "星期三"


def test_day_info_accepts_a_datetime_and_uses_its_local_date():
    aware = datetime.datetime(
        2025, 9, 30, 17, 0, tzinfo=datetime.UTC
    )  # 2025-10-01 01:00 in Beijing
    assert day_info(aware).date == d("2025-10-01")


# --- Adding and counting working days -----------------------------------------------------------


def test_seven_working_days_after_the_eve_of_national_day_2025_is_october_16():
    assert workdays_add(start=d("2025-09-30"), days=7) == d("2025-10-16")


def test_going_back_seven_working_days_from_october_16_2025_returns_to_september_30():
    assert workdays_add(start=d("2025-10-16"), days=-7) == d("2025-09-30")


def test_going_back_three_working_days_counts_the_sunday_make_up_day():
    # 9-30 → 9-29 (1), 9-28 Sun 调休上班 (2), 9-26 Fri (3)
    assert workdays_add(start=d("2025-09-30"), days=-3) == d("2025-09-26")


def test_adding_working_days_skips_the_spring_festival_and_counts_make_up_saturdays():
    assert workdays_add(start=d("2025-01-27"), days=1) == d("2025-02-05")
    assert workdays_add(start=d("2025-02-07"), days=1) == d("2025-02-08")
    assert workdays_add(start=d("2026-02-13"), days=1) == d("2026-02-14")
    assert workdays_add(start=d("2026-02-13"), days=2) == d("2026-02-24")


def test_adding_zero_working_days_returns_the_start_date_even_on_a_holiday():
    assert workdays_add(start=d("2025-10-01"), days=0) == d("2025-10-01")


def test_adding_from_a_holiday_starts_counting_after_the_holiday():
    assert workdays_add(start=d("2025-10-03"), days=1) == d("2025-10-09")
    assert workdays_add(start=d("2025-10-03"), days=-1) == d("2025-09-30")


def test_adding_working_days_crosses_the_new_year_into_a_make_up_sunday():
    assert workdays_add(start=d("2025-12-31"), days=1) == d("2026-01-04")
    assert workdays_add(start=d("2026-01-04"), days=-1) == d("2025-12-31")
    assert workdays_add(start=d("2024-12-20"), days=200) == working_days_of(2025)[200 - 1 - 7]


def test_adding_matches_walking_the_notice_day_by_day():
    working = working_days_of(2024) + working_days_of(2025) + working_days_of(2026)
    for start_index in (0, 37, 250, 400, 600):
        start = working[start_index]
        for n in (1, 3, 7, 15, 30, 100):
            if start_index + n < len(working):
                assert workdays_add(start=start, days=n) == working[start_index + n]
            if start_index - n >= 0:
                assert workdays_add(start=start, days=-n) == working[start_index - n]


def test_counting_working_days_excludes_the_start_and_includes_the_end():
    assert workdays_between(start=d("2025-09-30"), end=d("2025-10-16")) == 7
    assert workdays_between(start=d("2025-10-01"), end=d("2025-10-31")) == 18
    assert workdays_between(start=d("2025-01-24"), end=d("2025-02-10")) == 7


def test_counting_is_zero_when_the_end_is_not_after_the_start():
    assert workdays_between(start=d("2025-10-16"), end=d("2025-10-16")) == 0
    assert workdays_between(start=d("2025-10-16"), end=d("2025-09-30")) == 0


def test_counting_across_whole_years_matches_the_notices():
    assert (
        workdays_between(start=d("2024-12-31"), end=d("2025-12-31"))
        == len(working_days_of(2025))
        == 248
    )
    assert workdays_between(start=d("2023-12-31"), end=d("2026-12-31")) == sum(
        len(working_days_of(y)) for y in YEARS
    )


# --- Years nobody knows -------------------------------------------------------------------------


def test_the_package_range_is_read_from_the_package_and_covers_2004_to_2026():
    assert BUILTIN_YEARS.start == 2004 and BUILTIN_YEARS.stop - 1 >= 2026


def test_a_date_in_2027_raises_naming_the_year_instead_of_guessing_weekends():
    with pytest.raises(CalendarYearUnknown, match="2027年节假日安排尚未录入") as caught:
        day_info(d("2027-01-04"))
    assert caught.value.year == 2027
    assert "国务院办公厅" in str(caught.value)


def test_a_date_before_the_package_years_raises_too():
    with pytest.raises(CalendarYearUnknown, match="2003年节假日安排尚未录入"):
        is_workday(d("2003-06-02"))


def test_adding_or_counting_into_an_unknown_year_raises():
    with pytest.raises(CalendarYearUnknown, match="2027年"):
        workdays_add(start=d("2026-12-28"), days=10)
    with pytest.raises(CalendarYearUnknown, match="2027年"):
        workdays_between(start=d("2026-12-01"), end=d("2027-01-10"))


def test_an_unknown_year_is_asked_once_and_then_answered_from_the_cache(django_assert_num_queries):
    with pytest.raises(CalendarYearUnknown):
        day_info(d("2027-03-01"))
    with django_assert_num_queries(0), pytest.raises(CalendarYearUnknown):
        day_info(d("2027-03-02"))


# --- Administrator-entered years ----------------------------------------------------------------

HOLIDAYS_2027 = [
    (d("2027-01-01"), "元旦"),
    *[(day, "春节") for day in span("2027-02-06", "2027-02-14")],
]
WORKDAYS_2027 = [(d("2027-02-20"), "春节")]


def enter_2027(**overrides):
    kwargs = {
        "year": 2027,
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "published_on": d("2026-11-12"),
        "holidays": HOLIDAYS_2027,
        "workdays": WORKDAYS_2027,
        "actor": None,
    }
    return calendar_year_save(**{**kwargs, **overrides})


def test_entering_2027_makes_its_dates_answerable():
    with pytest.raises(CalendarYearUnknown):
        day_info(d("2027-02-08"))
    calendar_year = enter_2027()
    assert str(calendar_year) == "2027年节假日安排"
    assert calendar_year.arrangements.count() == 11
    assert day_info(d("2027-01-01")).label == "法定节假日（元旦）"
    assert day_info(d("2027-02-08")).text == "休息日（春节放假）"
    assert day_info(d("2027-02-20")).label == "调休上班"
    assert day_info(d("2027-02-20")).source == "管理员录入"
    assert day_info(d("2027-03-01")).label == "工作日"
    assert day_info(d("2027-03-06")).label == "周末"


def test_working_days_run_from_a_package_year_into_an_entered_year():
    enter_2027()
    # 2026-12-31 Thu → 2027-01-01 元旦 → 01-04 Mon
    assert workdays_add(start=d("2026-12-31"), days=1) == d("2027-01-04")
    assert workdays_between(start=d("2026-12-30"), end=d("2027-01-04")) == 2
    with pytest.raises(CalendarYearUnknown, match="2028年"):
        day_info(d("2028-01-03"))


def test_entering_a_year_again_replaces_its_dates_and_keeps_unchanged_rows():
    first = enter_2027()
    kept = DayArrangement.objects.get(date=d("2027-01-01"))
    enter_2027(holidays=[(d("2027-01-01"), "元旦")], workdays=[])
    assert CalendarYear.objects.get(year=2027).pk == first.pk
    assert list(DayArrangement.objects.values_list("date", "kind", "name")) == [
        (d("2027-01-01"), DayKind.HOLIDAY, "元旦")
    ]
    assert DayArrangement.objects.get().pk == kept.pk
    assert is_workday(d("2027-02-08"))


def test_an_entered_2026_correction_wins_over_the_package():
    assert not is_workday(d("2026-10-07")) and is_workday(d("2026-10-10"))
    holidays, workdays = arrangement_list_builtin(year=2026)
    # Suppose an amended notice: 国庆 ends on 10月6日 and 10月10日 is no longer a working day.
    holidays = [(day, name) for day, name in holidays if day != d("2026-10-07")]
    workdays = [(day, name) for day, name in workdays if day != d("2026-10-10")]
    holidays.append((d("2026-10-09"), "国庆节"))
    calendar_year_save(
        year=2026,
        notice="更正通知",
        published_on=None,
        holidays=holidays,
        workdays=workdays,
        actor=None,
    )
    assert is_workday(d("2026-10-07"))
    assert not is_workday(d("2026-10-09"))
    assert day_info(d("2026-10-09")).source == "管理员录入"
    assert day_info(d("2026-10-10")).label == "周末"
    # Everything else of 2026 still follows the notice.
    assert not is_workday(d("2026-02-16")) and is_workday(d("2026-02-28"))


def test_an_entered_year_is_the_whole_truth_for_that_year_not_a_patch_on_the_package():
    calendar_year_save(
        year=2026, notice="", published_on=None, holidays=[], workdays=[], actor=None
    )
    assert is_workday(d("2026-10-01"))
    assert not is_workday(d("2026-10-10"))


def test_deleting_an_entered_year_falls_back_to_the_package_or_to_unknown():
    calendar_year_save(
        year=2026, notice="", published_on=None, holidays=[], workdays=[], actor=None
    )
    calendar_year_delete(calendar_year=CalendarYear.objects.get(year=2026))
    assert not is_workday(d("2026-10-01"))
    calendar_year_delete(calendar_year=enter_2027())
    with pytest.raises(CalendarYearUnknown):
        day_info(d("2027-01-01"))


def test_a_change_made_straight_through_the_orm_invalidates_the_cache():
    calendar_year = enter_2027()
    assert is_workday(d("2027-03-01"))
    DayArrangement.objects.create(
        calendar_year=calendar_year, date=d("2027-03-01"), kind=DayKind.HOLIDAY, name="测试"
    )
    assert not is_workday(d("2027-03-01"))


def test_a_compiled_year_answers_without_queries(django_assert_num_queries):
    is_workday(d("2025-01-02"))
    with django_assert_num_queries(0):
        for day in span("2025-01-01", "2025-12-31"):
            day_info(day)
        workdays_add(start=d("2025-01-01"), days=200)
        workdays_between(start=d("2025-01-01"), end=d("2025-12-31"))


def test_a_date_outside_the_year_is_refused_naming_the_line():
    with pytest.raises(ValidationError) as caught:
        enter_2027(holidays=[(d("2026-12-31"), "元旦"), *HOLIDAYS_2027])
    assert "放假日期“2026-12-31 元旦”不在2027年内。" in caught.value.messages
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_make_up_day_on_a_weekday_or_a_date_listed_twice_is_refused():
    with pytest.raises(ValidationError) as caught:
        enter_2027(workdays=[(d("2027-02-17"), "春节"), (d("2027-02-08"), "春节")])
    assert caught.value.messages == [
        "调休上班日期“2027-02-17 春节”是星期三，本来就是工作日，不必列为调休上班。",
        "调休上班日期“2027-02-08 春节”重复：2027-02-08 已列为放假。",
    ]


def test_a_failed_save_leaves_the_previous_arrangement_in_place():
    enter_2027()
    with pytest.raises(ValidationError):
        enter_2027(holidays=[(d("2028-01-01"), "元旦")])
    assert DayArrangement.objects.count() == 11
    assert not is_workday(d("2027-02-08"))


def test_the_builtin_draft_of_2025_lists_the_notice_dates():
    holidays, workdays = arrangement_list_builtin(year=2025)
    assert {day for day, _ in holidays} == holidays_of(2025)
    assert {day for day, _ in workdays} == makeup_workdays_of(2025)
    assert dict(workdays)[d("2025-10-11")] == "国庆节"
    with pytest.raises(CalendarYearUnknown):
        arrangement_list_builtin(year=2027)
