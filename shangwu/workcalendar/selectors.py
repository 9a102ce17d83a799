"""Read-side questions about the holiday arrangements."""

from __future__ import annotations

import datetime

import chinese_calendar

from shangwu.workcalendar.services import BUILTIN_NAMES, BUILTIN_YEARS, CalendarYearUnknown

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
