"""The working-day calendar: is a date a working day, add N working days, count working days.

Where a date's answer comes from, first match wins:

1. an administrator-entered ``DayArrangement`` for that date (放假 or 调休上班);
2. a year the administrator has entered (``CalendarYear``): weekdays work, weekends rest;
3. the ``chinesecalendar`` package, for the years it knows (2004 to its last announced year);
4. otherwise ``CalendarYearUnknown``: the State Council announces each year's arrangement in
   November or December, and a deadline must never be computed from plain weekends instead.

A later deadline processor asks this for up to a million cases, so each year is compiled once per
process into a table (one ``DayInfo`` per date plus the sorted working days) and kept until a
``CalendarYear`` or ``DayArrangement`` is saved or deleted, or ``CACHE_TTL_SECONDS`` pass (other
processes' edits reach a long-running worker that way).
"""

from __future__ import annotations

import bisect
import datetime
import time
from contextlib import nullcontext
from dataclasses import dataclass

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shangwu.core import context
from shangwu.workcalendar.choices import DayKind
from shangwu.workcalendar.models import YEAR_MAX, YEAR_MIN, CalendarYear, DayArrangement

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

LABEL_WORKDAY = "工作日"
LABEL_WEEKEND = "周末"
LABEL_MAKEUP = "调休上班"

SOURCE_ENTERED = "管理员录入"
SOURCE_BUILTIN = "内置数据（chinesecalendar）"

CACHE_TTL_SECONDS = 300

# chinesecalendar names its festivals in English; the notices use these Chinese names.
BUILTIN_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}
BUILTIN_NAMES.update(
    {
        chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
        chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
        chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
    }
)


def _builtin_years() -> range:
    """The years chinesecalendar has data for (it raises NotImplementedError outside them)."""
    years = {d.year for d in chinese_calendar.holidays} | {
        d.year for d in chinese_calendar.workdays
    }
    return range(min(years), max(years) + 1)


BUILTIN_YEARS = _builtin_years()


class CalendarYearUnknown(Exception):
    """Neither the administrator nor chinesecalendar knows this year's holiday arrangement."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年节假日安排尚未录入，请系统管理员录入国务院办公厅当年的放假通知。"
        )


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: datetime.date
    is_workday: bool
    # "工作日" / "周末" / "法定节假日（国庆节）" / "调休上班"
    label: str
    # The festival a holiday or 调休上班 day belongs to ("春节"); empty on an ordinary day.
    holiday: str = ""
    source: str = ""

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]

    @property
    def is_makeup_workday(self) -> bool:
        return self.is_workday and self.label == LABEL_MAKEUP

    @property
    def text(self) -> str:
        """One phrase for people: 工作日 / 工作日（调休上班） / 休息日（周末） / 休息日（春节放假）."""
        if self.is_workday:
            return LABEL_WORKDAY if self.label == LABEL_WORKDAY else f"工作日（{self.label}）"
        if self.label == LABEL_WEEKEND:
            return f"休息日（{LABEL_WEEKEND}）"
        return f"休息日（{self.holiday}放假）" if self.holiday else "休息日（放假）"


def _holiday_label(name: str) -> str:
    return f"法定节假日（{name}）" if name else "法定节假日"


def _plain_day(day: datetime.date, source: str) -> DayInfo:
    if day.weekday() >= 5:
        return DayInfo(day, False, LABEL_WEEKEND, "", source)
    return DayInfo(day, True, LABEL_WORKDAY, "", source)


def _builtin_day(day: datetime.date) -> DayInfo:
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    name = BUILTIN_NAMES.get(name, name or "")
    if chinese_calendar.is_workday(day):
        label = LABEL_MAKEUP if name else LABEL_WORKDAY
        return DayInfo(day, True, label, name, SOURCE_BUILTIN)
    if name:
        return DayInfo(day, False, _holiday_label(name), name, SOURCE_BUILTIN)
    return DayInfo(day, False, LABEL_WEEKEND, "", SOURCE_BUILTIN)


def _arranged_day(day: datetime.date, kind: str, name: str) -> DayInfo:
    if kind == DayKind.WORKDAY:
        return DayInfo(day, True, LABEL_MAKEUP, name, SOURCE_ENTERED)
    return DayInfo(day, False, _holiday_label(name), name, SOURCE_ENTERED)


class _YearTable:
    """One year compiled: ``infos[ordinal - first]`` and the sorted ordinals of working days."""

    __slots__ = ("year", "first", "infos", "workdays")

    def __init__(self, year: int, infos: list[DayInfo]):
        self.year = year
        self.first = datetime.date(year, 1, 1).toordinal()
        self.infos = infos
        self.workdays = [i.date.toordinal() for i in infos if i.is_workday]


_cache: dict[int, _YearTable | None] = {}  # None: the year is unknown (cached too)
_cache_expires = 0.0


def calendar_cache_clear() -> None:
    """Forget every compiled year; the next question reloads from the database."""
    global _cache_expires
    _cache.clear()
    _cache_expires = time.monotonic() + CACHE_TTL_SECONDS


def calendar_cache_invalidate(sender=None, **kwargs) -> None:
    """post_save / post_delete receiver for CalendarYear and DayArrangement (see apps.py).

    Cleared now, so the saving process sees its own change, and again after commit, so a
    question asked inside the transaction cannot keep uncommitted rows."""
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)


def _compile_year(year: int) -> _YearTable | None:
    first = datetime.date(year, 1, 1)
    length = datetime.date(year + 1, 1, 1).toordinal() - first.toordinal()
    days = [first + datetime.timedelta(days=n) for n in range(length)]
    entered = CalendarYear.objects.filter(year=year).exists()
    arranged = {
        a.date: (a.kind, a.name)
        for a in DayArrangement.objects.filter(date__range=(first, days[-1])).only(
            "date", "kind", "name"
        )
    }
    if entered:
        base = [_plain_day(d, SOURCE_ENTERED) for d in days]
    elif year in BUILTIN_YEARS:
        try:
            base = [_builtin_day(d) for d in days]
        except NotImplementedError:
            return None
    else:
        return None
    infos = [
        _arranged_day(info.date, *arranged[info.date]) if info.date in arranged else info
        for info in base
    ]
    return _YearTable(year, infos)


def _year_table(year: int) -> _YearTable:
    global _cache_expires
    now = time.monotonic()
    if now >= _cache_expires:
        _cache.clear()
        _cache_expires = now + CACHE_TTL_SECONDS
    try:
        table = _cache[year]
    except KeyError:
        table = _cache[year] = _compile_year(year)
    if table is None:
        raise CalendarYearUnknown(year)
    return table


def _as_date(day) -> datetime.date:
    if isinstance(day, datetime.datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    if isinstance(day, datetime.date):
        return day
    raise TypeError(f"需要日期，实际为 {type(day).__name__}")


def day_info(day) -> DayInfo:
    """What ``day`` is: working day or not, and why. Raises CalendarYearUnknown."""
    day = _as_date(day)
    table = _year_table(day.year)
    return table.infos[day.toordinal() - table.first]


def is_workday(day) -> bool:
    return day_info(day).is_workday


def workdays_add(*, start, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted), or before it
    when ``days`` is negative. 0 returns ``start``. 2025-09-30 + 7 = 2025-10-16 (国庆 8 days)."""
    start = _as_date(start)
    days = int(days)
    if days == 0:
        return start
    year = start.year
    table = _year_table(year)
    if days > 0:
        # Working days of the year after start, counted from index i.
        i = bisect.bisect_right(table.workdays, start.toordinal())
        while True:
            target = i + days - 1
            if target < len(table.workdays):
                return datetime.date.fromordinal(table.workdays[target])
            days -= len(table.workdays) - i
            year += 1
            table = _year_table(year)
            i = 0
    i = bisect.bisect_left(table.workdays, start.toordinal())  # working days before start
    while True:
        target = i + days
        if target >= 0:
            return datetime.date.fromordinal(table.workdays[target])
        days += i
        year -= 1
        table = _year_table(year)
        i = len(table.workdays)


def workdays_between(*, start, end) -> int:
    """How many working days d with start < d <= end; 0 when end is not after start."""
    start, end = _as_date(start), _as_date(end)
    if end <= start:
        return 0
    first = _year_table(start.year)
    before = bisect.bisect_right(first.workdays, start.toordinal())
    if start.year == end.year:
        return bisect.bisect_right(first.workdays, end.toordinal()) - before
    count = len(first.workdays) - before
    for year in range(start.year + 1, end.year):
        count += len(_year_table(year).workdays)
    return count + bisect.bisect_right(_year_table(end.year).workdays, end.toordinal())


def _validated_arrangements(*, year, holidays, workdays) -> dict[datetime.date, tuple[str, str]]:
    if not (YEAR_MIN <= year <= YEAR_MAX):
        raise ValidationError(f"年度应在{YEAR_MIN}年至{YEAR_MAX}年之间。")
    wanted: dict[datetime.date, tuple[str, str]] = {}
    errors = []
    for kind, title, entries in (
        (DayKind.HOLIDAY, "放假日期", holidays),
        (DayKind.WORKDAY, "调休上班日期", workdays),
    ):
        for day, name in entries:
            name = (name or "").strip()
            if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
                errors.append(f"{title}“{day}”不是日期。")
                continue
            line = f"{title}“{day:%Y-%m-%d} {name}”" if name else f"{title}“{day:%Y-%m-%d}”"
            if day.year != year:
                errors.append(f"{line}不在{year}年内。")
            elif len(name) > 50:
                errors.append(f"{line}的节日名称超过50个字。")
            elif day in wanted:
                errors.append(f"{line}重复：{day:%Y-%m-%d} 已列为{DayKind(wanted[day][0]).label}。")
            elif kind == DayKind.WORKDAY and day.weekday() < 5:
                errors.append(
                    f"{line}是{WEEKDAY_NAMES[day.weekday()]}，本来就是工作日，不必列为调休上班。"
                )
            else:
                wanted[day] = (kind, name)
    if errors:
        raise ValidationError(errors)
    return wanted


def calendar_year_save(
    *,
    year: int,
    notice: str = "",
    published_on: datetime.date | None = None,
    holidays: list[tuple[datetime.date, str]],
    workdays: list[tuple[datetime.date, str]],
    actor=None,
    note: str | None = None,
) -> CalendarYear:
    """Enter (or replace) one year's arrangement from its State Council notice.

    ``holidays`` and ``workdays`` are the whole year's 放假 and 调休上班 dates as (date, name);
    whatever the year had before is replaced, in one transaction. Only real changes touch rows,
    so the audit log shows exactly which dates changed."""
    wanted = _validated_arrangements(year=year, holidays=holidays, workdays=workdays)
    # Commands and tests run outside a request: the audit log still names the actor.
    acting = (
        context.acting(user=actor)
        if actor is not None and context.current().actor() is None
        else nullcontext()
    )
    try:
        with acting, transaction.atomic():
            calendar_year = CalendarYear.objects.filter(year=year).first() or CalendarYear(
                year=year
            )
            calendar_year.notice = (notice or "").strip()
            calendar_year.published_on = published_on
            if note is not None:
                calendar_year.note = note
            calendar_year.full_clean(validate_unique=False)
            calendar_year.save()
            existing = DayArrangement.objects.filter(
                Q(calendar_year=calendar_year)
                | Q(date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
            )
            for arrangement in existing:
                if arrangement.date not in wanted:
                    arrangement.delete()
                    continue
                kind, name = wanted.pop(arrangement.date)
                if (arrangement.calendar_year_id, arrangement.kind, arrangement.name) != (
                    calendar_year.pk,
                    kind,
                    name,
                ):
                    arrangement.calendar_year, arrangement.kind, arrangement.name = (
                        calendar_year,
                        kind,
                        name,
                    )
                    arrangement.save()
            for day in sorted(wanted):
                kind, name = wanted[day]
                DayArrangement.objects.create(
                    calendar_year=calendar_year, date=day, kind=kind, name=name
                )
    finally:
        # Committed or rolled back, no compiled year may outlive this.
        calendar_cache_clear()
    return calendar_year


def calendar_year_delete(*, calendar_year: CalendarYear, actor=None) -> None:
    """Remove an entered year and its dates; the year falls back to chinesecalendar if it knows
    it, and otherwise becomes unknown again."""
    acting = (
        context.acting(user=actor)
        if actor is not None and context.current().actor() is None
        else nullcontext()
    )
    try:
        with acting, transaction.atomic():
            for arrangement in DayArrangement.objects.filter(calendar_year=calendar_year):
                arrangement.delete()
            calendar_year.delete()
    finally:
        calendar_cache_clear()
