"""Read-side questions about the holiday arrangements."""

from __future__ import annotations

import datetime

import chinese_calendar
from django.urls import reverse

from shangwu.workcalendar.services import (
    BUILTIN_NAMES,
    BUILTIN_YEARS,
    CalendarYearUnknown,
    year_missing_next,
)

Entries = list[tuple[datetime.date, str]]


def arrangement_list_builtin(*, year: int) -> tuple[Entries, Entries]:
    """The year's 放假 and 调休上班 dates as chinesecalendar has them, (date, name) each: the
    starting draft when an administrator enters (or corrects) a year the package knows."""
    if year not in BUILTIN_YEARS:
        raise CalendarYearUnknown(year)
    holidays = sorted(
        (d, BUILTIN_NAMES.get(n, n)) for d, n in chinese_calendar.holidays.items() if d.year == year
    )
    workdays = sorted(
        (d, BUILTIN_NAMES.get(n, n)) for d, n in chinese_calendar.workdays.items() if d.year == year
    )
    return holidays, workdays


def calendar_year_reminder(*, today: datetime.date) -> dict | None:
    """From 1 October, while next year's State Council arrangement is not entered: what the
    系统管理员 is told (工作台 and notifications), with the link to the page that enters it."""
    year = year_missing_next(today=today)
    if year is None:
        return None
    return {
        "year": year,
        "text": (
            f"{year}年节假日安排尚未录入：国务院办公厅发布{year}年部分节假日安排的通知后，"
            f"请及时录入。录入前，落在{year}年的办理时限按法定节假日和周末暂定计算（不含调休）。"
        ),
        "url": f"{reverse('workcalendar:year_add')}?year={year}",
    }
