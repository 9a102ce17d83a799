"""Reporting periods: years, quarters and months as inclusive date ranges, and their Chinese labels.

The bureau's reports count by calendar period ("2025年第1季度", "2025年5月", cumulative "1—5月").
A record dated 2025-03-31 belongs to 2025 Q1 and one dated 2025-04-01 to Q2: every range here is
[start, end] with both ends inclusive, so selectors filter with ``__gte=start, __lte=end`` (or
``__range``) on a DateField. Indicators, tasks and projects all count periods through this module.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

YEAR = "year"
QUARTER = "quarter"
MONTH = "month"
KINDS = (YEAR, QUARTER, MONTH)
KIND_LABELS = {YEAR: "年度", QUARTER: "季度", MONTH: "月度"}
QUARTER_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四"}

# The years a user may ask about, everywhere a year is typed in (forms, list filters, the API):
# outside them a year is refused with a message rather than reaching a date computation
# (``month__year=0`` asks the database layer for 0000-01-01 and fails).
YEAR_MIN = 2000
YEAR_MAX = 2100
YEAR_ERROR = f"年度应在{YEAR_MIN}年至{YEAR_MAX}年之间。"


def _check(kind: str, year: int, number: int) -> None:
    if kind not in KINDS:
        raise ValueError(f"未知的期间类型“{kind}”：应为 year、quarter 或 month。")
    if not 1 <= int(year) <= 9999:
        raise ValueError(f"年份“{year}”无效。")
    top = {YEAR: 1, QUARTER: 4, MONTH: 12}[kind]
    if kind != YEAR and not 1 <= int(number) <= top:
        raise ValueError(f"{KIND_LABELS[kind]}序号应在1—{top}之间，实际为{number}。")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_range(kind: str, year: int, number: int = 1) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of a year, quarter (number 1–4) or month (number 1–12), inclusive."""
    _check(kind, year, number)
    year, number = int(year), int(number)
    if kind == YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if kind == QUARTER:
        first = 3 * (number - 1) + 1
        return datetime.date(year, first, 1), month_end(year, first + 2)
    return datetime.date(year, number, 1), month_end(year, number)


def ytd_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """1—本月 cumulative: 1 January to the last day of ``month``."""
    _check(MONTH, year, month)
    return datetime.date(year, 1, 1), month_end(year, month)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """(year, quarter) of a date: 2025-03-31 → (2025, 1); 2025-04-01 → (2025, 2)."""
    return day.year, (day.month - 1) // 3 + 1


def number_of(kind: str, day: datetime.date) -> int:
    if kind == YEAR:
        return 1
    if kind == QUARTER:
        return quarter_of(day)[1]
    return day.month


def period_label(kind: str, year: int, number: int = 1) -> str:
    """ "2025年", "2025年第1季度", "2025年5月"."""
    _check(kind, year, number)
    if kind == YEAR:
        return f"{year}年"
    if kind == QUARTER:
        return f"{year}年第{number}季度"
    return f"{year}年{number}月"


def cumulative_label(month: int) -> str:
    """The year-to-date label of the monthly bulletin: "1—5月" (just "1月" for January)."""
    return "1月" if int(month) == 1 else f"1—{int(month)}月"


@dataclass(frozen=True)
class Period:
    """One calendar period; ``Period.containing(QUARTER, day)``, ``.start``, ``.end``, ``.label``."""

    kind: str
    year: int
    number: int = 1

    def __post_init__(self):
        _check(self.kind, self.year, self.number)

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> Period:
        return cls(kind, day.year, number_of(kind, day))

    @property
    def range(self) -> tuple[datetime.date, datetime.date]:
        return period_range(self.kind, self.year, self.number)

    @property
    def start(self) -> datetime.date:
        return self.range[0]

    @property
    def end(self) -> datetime.date:
        return self.range[1]

    @property
    def label(self) -> str:
        return period_label(self.kind, self.year, self.number)

    @property
    def short_label(self) -> str:
        """Axis labels of a trend chart: "2025Q1", "2025-05", "2025"."""
        if self.kind == QUARTER:
            return f"{self.year}Q{self.number}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods later (negative: earlier)."""
        if self.kind == YEAR:
            return Period(YEAR, self.year + steps)
        per_year = 4 if self.kind == QUARTER else 12
        index = self.year * per_year + (self.number - 1) + steps
        return Period(self.kind, index // per_year, index % per_year + 1)

    def last(self, count: int) -> list[Period]:
        """``count`` consecutive periods ending with this one, oldest first."""
        return [self.shift(-i) for i in range(count - 1, -1, -1)]

    def __str__(self):
        return self.label
