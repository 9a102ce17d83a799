"""The working-day calendar: is a date a working day, add N working days, count working days.

Where a date's answer comes from, first match wins:

1. an administrator-entered ``DayArrangement`` for that date (放假 or 调休上班);
2. a year the administrator has entered (``CalendarYear``): weekdays work, weekends rest;
3. the ``chinesecalendar`` package, for the years it knows (2004 to its last announced year);
4. a later year nobody has entered yet is, for callers that ask with ``provisional=True`` and can
   show it as 暂定, computed from the statutory holidays of the 全国年节及纪念日放假办法 (as amended
   in 2024) plus weekends (``statutory_holidays``), with no guess at the 调休 the State Council
   will announce; every such day says so (``DayInfo.provisional``);
5. otherwise ``CalendarYearUnknown``: the State Council announces each year's arrangement in
   November or December, and a caller that cannot mark an answer 暂定 must not get a guess.

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
from django.dispatch import Signal
from django.utils import timezone

from shangwu.core import context
from shangwu.workcalendar.choices import DayKind
from shangwu.workcalendar.models import YEAR_MAX, YEAR_MIN, CalendarYear, DayArrangement

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

LABEL_WORKDAY = "工作日"
LABEL_WEEKEND = "周末"
LABEL_MAKEUP = "调休上班"

SOURCE_ENTERED = "管理员录入"
SOURCE_BUILTIN = "内置数据（历年国务院办公厅放假通知）"
SOURCE_PROVISIONAL = "暂定（按《全国年节及纪念日放假办法》推算，未含调休）"

CACHE_TTL_SECONDS = 300

# Sent by ``calendar_year_save`` inside its transaction once a year's arrangement is saved
# (keyword arguments ``year`` and ``actor``), so the apps that computed deadlines provisionally
# for that year recompute them in the same transaction (cases connects its service here); the
# calendar itself knows nothing of cases.
calendar_year_entered = Signal()

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
# The 2024 amendment of the 全国年节及纪念日放假办法 took effect on 1 January 2025; a provisional
# year is one after every year chinesecalendar knows, never an earlier gap.
PROVISIONAL_FIRST_YEAR = max(BUILTIN_YEARS.stop, 2025)


class CalendarYearUnknown(Exception):
    """Neither the administrator nor chinesecalendar knows this year's holiday arrangement."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年节假日安排尚未录入，请系统管理员录入国务院办公厅当年的放假通知。"
        )


def provisional_notice(year: int) -> str:
    """The sentence every provisional answer carries, naming the year."""
    return (
        f"{year}年节假日安排尚未录入，此结果为暂定：按《全国年节及纪念日放假办法》的法定节假日"
        f"和周末推算，未含调休；系统管理员录入国务院办公厅的放假通知后以录入为准。"
    )


def statutory_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The year's statutory holidays under the 全国年节及纪念日放假办法 as amended in 2024
    (国务院令第795号, in force from 2025): 元旦 1 day, 春节 4 days from 除夕, 清明节 1 (the solar
    term's day), 劳动节 2, 端午节 1, 中秋节 1, 国庆节 3. Lunar dates and the 清明 solar term come
    from ``lunar_python`` (6tail/lunar-python)."""
    from lunar_python import Lunar, Solar

    def solar(s) -> datetime.date:
        return datetime.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = solar(Lunar.fromYmd(year, 1, 1).getSolar())
    # The 清明 of the lunar year containing 15 April (always the same Gregorian year).
    qingming = solar(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"])
    days = [(datetime.date(year, 1, 1), "元旦")]
    days += [(new_year + datetime.timedelta(days=n), "春节") for n in (-1, 0, 1, 2)]
    days += [(qingming, "清明节"), (datetime.date(year, 5, 1), "劳动节")]
    days += [(datetime.date(year, 5, 2), "劳动节")]
    days += [(solar(Lunar.fromYmd(year, 5, 5).getSolar()), "端午节")]
    days += [(solar(Lunar.fromYmd(year, 8, 15).getSolar()), "中秋节")]
    days += [(datetime.date(year, 10, n), "国庆节") for n in (1, 2, 3)]
    # 除夕 of a year whose 春节 falls on 1 January or earlier never happens (春节 is late
    # January at the earliest), so every date is inside the year.
    return sorted(days)


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: datetime.date
    is_workday: bool
    # "工作日" / "周末" / "法定节假日（国庆节）" / "调休上班"
    label: str
    # The festival a holiday or 调休上班 day belongs to ("春节"); empty on an ordinary day.
    holiday: str = ""
    source: str = ""
    # From the statute, not yet from the State Council's notice (see ``provisional_notice``).
    provisional: bool = False

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


def _provisional_days(year: int, days: list[datetime.date]) -> list[DayInfo]:
    holidays = dict(statutory_holidays(year))
    infos = []
    for day in days:
        name = holidays.get(day)
        if name:
            info = DayInfo(day, False, _holiday_label(name), name, SOURCE_PROVISIONAL, True)
        elif day.weekday() >= 5:
            info = DayInfo(day, False, LABEL_WEEKEND, "", SOURCE_PROVISIONAL, True)
        else:
            info = DayInfo(day, True, LABEL_WORKDAY, "", SOURCE_PROVISIONAL, True)
        infos.append(info)
    return infos


class _YearTable:
    """One year compiled: ``infos[ordinal - first]`` and the sorted ordinals of working days."""

    __slots__ = ("year", "first", "infos", "workdays", "provisional")

    def __init__(self, year: int, infos: list[DayInfo], provisional: bool = False):
        self.year = year
        self.first = datetime.date(year, 1, 1).toordinal()
        self.infos = infos
        self.workdays = [i.date.toordinal() for i in infos if i.is_workday]
        self.provisional = provisional


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
    elif PROVISIONAL_FIRST_YEAR <= year <= YEAR_MAX and not arranged:
        return _YearTable(year, _provisional_days(year, days), provisional=True)
    else:
        return None
    infos = [
        _arranged_day(info.date, *arranged[info.date]) if info.date in arranged else info
        for info in base
    ]
    return _YearTable(year, infos)


def year_is_provisional(year: int) -> bool:
    """True when ``year`` is answered only provisionally (nobody has entered it yet)."""
    try:
        return _year_table(year, provisional=True).provisional
    except CalendarYearUnknown:
        return False


def span_provisional_years(start, end) -> list[int]:
    """The years from ``start`` to ``end`` (either order) answered only provisionally."""
    first, last = sorted((_as_date(start).year, _as_date(end).year))
    return [y for y in range(first, last + 1) if year_is_provisional(y)]


def year_missing_next(*, today: datetime.date) -> int | None:
    """From 1 October: next year when its State Council arrangement is not known yet (neither
    entered nor built in), so the administrator is reminded; otherwise None."""
    if today.month < 10:
        return None
    year = today.year + 1
    return year if year_is_provisional(year) else None


def _year_table(year: int, provisional: bool = False) -> _YearTable:
    global _cache_expires
    now = time.monotonic()
    if now >= _cache_expires:
        _cache.clear()
        _cache_expires = now + CACHE_TTL_SECONDS
    try:
        table = _cache[year]
    except KeyError:
        table = _cache[year] = _compile_year(year)
    if table is None or (table.provisional and not provisional):
        raise CalendarYearUnknown(year)
    return table


def _as_date(day) -> datetime.date:
    if isinstance(day, datetime.datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    if isinstance(day, datetime.date):
        return day
    raise TypeError(f"需要日期，实际为 {type(day).__name__}")


def day_info(day, *, provisional: bool = False) -> DayInfo:
    """What ``day`` is: working day or not, and why. Raises CalendarYearUnknown (for a year not
    entered yet only when ``provisional`` is False)."""
    day = _as_date(day)
    table = _year_table(day.year, provisional)
    return table.infos[day.toordinal() - table.first]


def is_workday(day, *, provisional: bool = False) -> bool:
    return day_info(day, provisional=provisional).is_workday


def workdays_add(*, start, days: int, provisional: bool = False) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted), or before it
    when ``days`` is negative. 0 returns ``start``. 2025-09-30 + 7 = 2025-10-16 (国庆 8 days).
    With ``provisional`` a year not entered yet is counted provisionally
    (``span_provisional_years`` tells whether the answer is)."""
    start = _as_date(start)
    days = int(days)
    if days == 0:
        return start
    year = start.year
    table = _year_table(year, provisional)
    if days > 0:
        # Working days of the year after start, counted from index i.
        i = bisect.bisect_right(table.workdays, start.toordinal())
        while True:
            target = i + days - 1
            if target < len(table.workdays):
                return datetime.date.fromordinal(table.workdays[target])
            days -= len(table.workdays) - i
            year += 1
            table = _year_table(year, provisional)
            i = 0
    i = bisect.bisect_left(table.workdays, start.toordinal())  # working days before start
    while True:
        target = i + days
        if target >= 0:
            return datetime.date.fromordinal(table.workdays[target])
        days += i
        year -= 1
        table = _year_table(year, provisional)
        i = len(table.workdays)


def workdays_between(*, start, end, provisional: bool = False) -> int:
    """How many working days d with start < d <= end; 0 when end is not after start."""
    start, end = _as_date(start), _as_date(end)
    if end <= start:
        return 0
    first = _year_table(start.year, provisional)
    before = bisect.bisect_right(first.workdays, start.toordinal())
    if start.year == end.year:
        return bisect.bisect_right(first.workdays, end.toordinal()) - before
    count = len(first.workdays) - before
    for year in range(start.year + 1, end.year):
        count += len(_year_table(year, provisional).workdays)
    last = _year_table(end.year, provisional)
    return count + bisect.bisect_right(last.workdays, end.toordinal())


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
            calendar_cache_clear()  # the recomputation below must read the entered year
            calendar_year_entered.send(sender=CalendarYear, year=year, actor=actor)
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
