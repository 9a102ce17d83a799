"""Reporting cycles of a plan (周调度 / 双周调度 / 月通报 / 季点评) and their due dates.

Cycle ``index`` runs from 1 within the plan's year. A cycle's due date is the plan's due day in
the cycle's period (the day of the month for monthly and quarterly cycles — the quarter's last
month —, the weekday 1—7 for weekly and biweekly ones), moved to the next working day when it
falls on a weekend or a holiday (the working-day calendar, 调休 included). A year whose holiday
arrangement nobody has entered raises ``CalendarYearUnknown``, whose message names the year.
"""

from __future__ import annotations

import calendar
import datetime

from shangwu.core import periods
from shangwu.tasks.choices import Cycle
from shangwu.workcalendar.services import CalendarYearUnknown, is_workday

__all__ = [
    "CalendarYearUnknown",
    "cycle_count",
    "cycle_period",
    "cycle_due_date",
    "cycle_label",
    "cycle_for_date",
    "cycles_due_before",
    "date_cn",
]

ONE_DAY = datetime.timedelta(days=1)


def date_cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _first_monday(year: int) -> datetime.date:
    jan1 = datetime.date(year, 1, 1)
    return jan1 - datetime.timedelta(days=jan1.weekday())


def _length(cycle: str) -> int:
    return 7 if cycle == Cycle.WEEKLY else 14


def cycle_count(plan) -> int:
    if plan.cycle == Cycle.MONTHLY:
        return 12
    if plan.cycle == Cycle.QUARTERLY:
        return 4
    first = _first_monday(plan.year)
    days = (datetime.date(plan.year, 12, 31) - first).days + 1
    return -(-days // _length(plan.cycle))


def _check_index(plan, index: int) -> int:
    index = int(index)
    if not 1 <= index <= cycle_count(plan):
        raise ValueError(f"报送期次应在1—{cycle_count(plan)}之间，实际为{index}。")
    return index


def cycle_period(plan, index: int) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of cycle ``index``, inclusive."""
    index = _check_index(plan, index)
    if plan.cycle == Cycle.MONTHLY:
        return periods.period_range(periods.MONTH, plan.year, index)
    if plan.cycle == Cycle.QUARTERLY:
        return periods.period_range(periods.QUARTER, plan.year, index)
    length = _length(plan.cycle)
    start = _first_monday(plan.year) + datetime.timedelta(days=length * (index - 1))
    return start, start + datetime.timedelta(days=length - 1)


def nominal_due_date(plan, index: int) -> datetime.date:
    """The due day before the holiday rule."""
    start, end = cycle_period(plan, index)
    if plan.cycle in (Cycle.MONTHLY, Cycle.QUARTERLY):
        month = end.month
        return datetime.date(
            plan.year, month, min(plan.due_day, calendar.monthrange(plan.year, month)[1])
        )
    weekday = min(max(plan.due_day, 1), 7)
    return end - datetime.timedelta(days=7 - weekday)


def cycle_due_date(plan, index: int) -> datetime.date:
    """The due date of cycle ``index``: next working day when the due day is a holiday."""
    day = nominal_due_date(plan, index)
    while not is_workday(day):
        day += ONE_DAY
    return day


def cycle_label(plan, index: int) -> str:
    index = _check_index(plan, index)
    if plan.cycle == Cycle.MONTHLY:
        return periods.period_label(periods.MONTH, plan.year, index)
    if plan.cycle == Cycle.QUARTERLY:
        return periods.period_label(periods.QUARTER, plan.year, index)
    start, end = cycle_period(plan, index)
    word = "周" if plan.cycle == Cycle.WEEKLY else "期"
    return f"第{index}{word}（{start.month}月{start.day}日—{end.month}月{end.day}日）"


def cycle_for_date(plan, day: datetime.date) -> int | None:
    """The cycle whose period contains ``day`` (None outside the plan's year)."""
    for index in range(1, cycle_count(plan) + 1):
        start, end = cycle_period(plan, index)
        if start <= day <= end:
            return index
    return None


def reporting_start(plan) -> datetime.date:
    return plan.reporting_from or datetime.date(plan.year, 1, 1)


def cycles_due_before(plan, on: datetime.date) -> list[int]:
    """The cycles whose due date has passed by ``on`` (due < on) and that reports are owed for."""
    start = reporting_start(plan)
    result = []
    for index in range(1, cycle_count(plan) + 1):
        if cycle_period(plan, index)[0] > on:
            break
        due = cycle_due_date(plan, index)
        if due >= on:
            break
        if due >= start:
            result.append(index)
    return result


def due_dates(plan, indexes) -> dict[int, datetime.date]:
    return {i: cycle_due_date(plan, i) for i in indexes}
