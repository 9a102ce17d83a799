"""Every computed column of the 月通报, in one place, as pure functions over plain data (no ORM).

The bulletin page, the .xlsx and .docx downloads and the API all call ``bulletin_rows`` (through
``selectors.bulletin_build``), so a figure can never differ between them; the narrative
paragraphs are written from the same rounded values the tables show.

Columns of a row (DOMAIN.md, 月调度/月通报):
本月 | 本月同比% | 1—本月累计 | 累计同比% | 年度目标 | 完成进度% | 时间进度% | 超(欠)进度(百分点) |
位次(按总量) | 位次(按增速) | 位次变化 (against last month, positive = moved up).

Rules:
* growth = (this − same period last year) ÷ same period last year × 100, one decimal; when the
  previous-year value is missing, zero or negative the cell is "—" with the reason
  (上年同期无数据 / 上年同期为零 / 上年同期为负) rather than a misleading percentage;
* 时间进度 = months elapsed ÷ 12 (5月 → 41.7%); 完成进度 = 累计 ÷ 年度目标; 超(欠)进度 = the two
  *rounded* percentages subtracted, so the table reads as its own arithmetic;
* a county with no figure this month is flagged (本月未报送) and left out of the ranking — never
  counted as zero;
* ranks are competition ranks among counties ("1224": ties share a rank and the next is
  skipped), compared on the values as displayed; the city row is not ranked;
* lagging = 完成进度 below 时间进度 (for indicators where higher is better).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shangwu.core.numbers import round_half_up

DASH = "—"
HUNDRED = Decimal(100)
PCT_PLACES = 1

REASON_NO_PREVIOUS = "上年同期无数据"
REASON_PREVIOUS_ZERO = "上年同期为零"
REASON_PREVIOUS_NEGATIVE = "上年同期为负"
REASON_NO_TARGET = "未下达年度目标"
REASON_MISSING = "本月未报送"
REASON_NO_CURRENT = "本期无数据"
MISSING_SHORT = "未报"


def quantize(value: Decimal | None, places: int) -> Decimal | None:
    """Rounds half up (as the bureau's spreadsheets do), or None."""
    return round_half_up(value, places)


def fmt(value: Decimal | None, places: int) -> str:
    """A figure as the tables print it ("86.4"), or "—"."""
    if value is None:
        return DASH
    return f"{quantize(value, places):.{places}f}"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    unit: str
    decimals: int
    higher_is_better: bool = True
    label: str = ""  # the name used in sentences ("外贸进出口")
    computed: bool = False


@dataclass(frozen=True)
class RegionFigures:
    """What the database knows about one region for one indicator and month."""

    code: str
    name: str
    is_city: bool = False
    month_value: Decimal | None = None
    cumulative: Decimal | None = None
    prev_month_value: Decimal | None = None
    prev_cumulative: Decimal | None = None
    target: Decimal | None = None
    note: str = ""  # e.g. "部分县区未报送，合计不完整"


@dataclass(frozen=True)
class Percent:
    """A percentage cell: a one-decimal value, or None with the reason it is "—"."""

    value: Decimal | None
    reason: str = ""

    @property
    def text(self) -> str:
        return fmt(self.value, PCT_PLACES)

    def __str__(self) -> str:
        return self.text


def growth(current: Decimal | None, previous: Decimal | None) -> Percent:
    """同比增速 in percent, one decimal; "—" with a reason for the cases that have no meaning."""
    if current is None:
        return Percent(None, REASON_NO_CURRENT)
    if previous is None:
        return Percent(None, REASON_NO_PREVIOUS)
    if previous == 0:
        return Percent(None, REASON_PREVIOUS_ZERO)
    if previous < 0:
        return Percent(None, REASON_PREVIOUS_NEGATIVE)
    return Percent(
        quantize((Decimal(current) - Decimal(previous)) / Decimal(previous) * HUNDRED, PCT_PLACES)
    )


def completion(cumulative: Decimal | None, target: Decimal | None) -> Percent:
    """完成进度: 1—本月累计 ÷ 年度目标, percent, one decimal."""
    if cumulative is None:
        return Percent(None, REASON_NO_CURRENT)
    if target is None or target <= 0:
        return Percent(None, REASON_NO_TARGET)
    return Percent(quantize(Decimal(cumulative) / Decimal(target) * HUNDRED, PCT_PLACES))


def time_progress(month: int) -> Decimal:
    """时间进度: months elapsed ÷ 12 (5 → 41.7)."""
    return quantize(Decimal(month) / Decimal(12) * HUNDRED, PCT_PLACES)


def competition_ranks(
    values: dict[str, Decimal | None], *, descending: bool = True
) -> dict[str, int]:
    """Competition ranking ("1224"): equal values share a rank and the next rank is skipped.
    Keys whose value is None are not ranked."""
    present = [(key, value) for key, value in values.items() if value is not None]
    ordered = sorted(present, key=lambda kv: kv[1], reverse=descending)
    ranks: dict[str, int] = {}
    previous = object()
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        ranks[key] = rank
    return ranks


@dataclass
class BulletinRow:
    code: str
    name: str
    is_city: bool
    decimals: int
    month_value: Decimal | None = None
    month_growth: Percent = field(default_factory=lambda: Percent(None, REASON_NO_CURRENT))
    cumulative: Decimal | None = None
    cumulative_growth: Percent = field(default_factory=lambda: Percent(None, REASON_NO_CURRENT))
    target: Decimal | None = None
    completion: Percent = field(default_factory=lambda: Percent(None, REASON_NO_CURRENT))
    time_progress: Decimal | None = None
    ahead: Decimal | None = None  # 超(欠)进度, percentage points
    rank_total: int | None = None
    rank_growth: int | None = None
    rank_total_change: int | None = None  # last month's rank − this month's (positive = 前移)
    rank_growth_change: int | None = None
    missing: bool = False
    missing_last_month: bool = False  # reported now but not last month: no rank change
    lagging: bool = False
    note: str = ""
    # The cells read from the figure registry: column -> the figure's list page, and its key.
    links: dict = field(default_factory=dict)
    figure_keys: dict = field(default_factory=dict)

    # Display strings: the page, the .xlsx text fallbacks, the .docx and the narrative use these.
    @property
    def month_text(self) -> str:
        return fmt(self.month_value, self.decimals)

    @property
    def cumulative_text(self) -> str:
        return fmt(self.cumulative, self.decimals)

    @property
    def target_text(self) -> str:
        return fmt(self.target, self.decimals)

    @property
    def time_progress_text(self) -> str:
        return fmt(self.time_progress, PCT_PLACES)

    @property
    def ahead_text(self) -> str:
        return fmt(self.ahead, PCT_PLACES)

    @property
    def rank_total_text(self) -> str:
        return str(self.rank_total) if self.rank_total else ("" if self.is_city else DASH)

    @property
    def rank_growth_text(self) -> str:
        return str(self.rank_growth) if self.rank_growth else ("" if self.is_city else DASH)

    @property
    def rank_growth_change_text(self) -> str:
        return self._change_text(self.rank_growth, self.rank_growth_change)

    @property
    def rank_total_change_text(self) -> str:
        return self._change_text(self.rank_total, self.rank_total_change)

    def _change_text(self, rank, change) -> str:
        if self.is_city:
            return ""
        if self.missing:
            return MISSING_SHORT
        if rank and change is None and self.missing_last_month:
            return f"上月{MISSING_SHORT}"
        return rank_change_arrow(change)

    @property
    def notes_text(self) -> str:
        """Why cells are "—" (上年同期为零, 本月未报送…), and notes such as an incomplete sum."""
        reasons = [self.note] if self.note else []
        if not self.missing:
            for label, p in (
                ("本月同比", self.month_growth),
                ("累计同比", self.cumulative_growth),
                ("完成进度", self.completion),
            ):
                if p.value is None and p.reason:
                    reasons.append(f"{label}：{p.reason}")
        return "；".join(reasons)

    def as_dict(self) -> dict:
        """Plain JSON-able values (API and charts): numbers as strings, "—" cells as null."""

        def pct(p: Percent):
            return {"value": None if p.value is None else str(p.value), "reason": p.reason}

        def num(d):
            return None if d is None else f"{d:.{self.decimals}f}"

        return {
            "region_code": self.code,
            "region": self.name,
            "is_city": self.is_city,
            "month_value": num(self.month_value),
            "month_growth": pct(self.month_growth),
            "cumulative": num(self.cumulative),
            "cumulative_growth": pct(self.cumulative_growth),
            "target": num(self.target),
            "completion": pct(self.completion),
            "time_progress": None if self.time_progress is None else str(self.time_progress),
            "ahead": None if self.ahead is None else str(self.ahead),
            "rank_total": self.rank_total,
            "rank_growth": self.rank_growth,
            "rank_total_change": self.rank_total_change,
            "rank_growth_change": self.rank_growth_change,
            "missing": self.missing,
            "lagging": self.lagging,
            "note": self.notes_text,
        }


def rank_change_arrow(change: int | None) -> str:
    """↑2 (moved up two places), ↓1, → (unchanged), "" when there is nothing to compare."""
    if change is None:
        return ""
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "→"


def _ranks(
    spec: IndicatorSpec, rows: Sequence[BulletinRow]
) -> tuple[dict[str, int], dict[str, int]]:
    counties = [r for r in rows if not r.is_city and not r.missing]
    by_total = competition_ranks(
        {r.code: r.cumulative for r in counties}, descending=spec.higher_is_better
    )
    by_growth = competition_ranks(
        {r.code: r.cumulative_growth.value for r in counties}, descending=spec.higher_is_better
    )
    return by_total, by_growth


def _row(spec: IndicatorSpec, month: int, fig: RegionFigures) -> BulletinRow:
    d = spec.decimals
    row = BulletinRow(
        code=fig.code,
        name=fig.name,
        is_city=fig.is_city,
        decimals=d,
        note=fig.note,
        target=quantize(fig.target, d),
        time_progress=time_progress(month),
    )
    if fig.month_value is None and fig.cumulative is None:
        row.missing = True
        row.month_growth = row.cumulative_growth = row.completion = Percent(None, REASON_MISSING)
        row.note = row.note or REASON_MISSING
        return row
    row.month_value = quantize(fig.month_value, d)
    row.cumulative = quantize(fig.cumulative, d)
    row.month_growth = growth(fig.month_value, fig.prev_month_value)
    row.cumulative_growth = growth(fig.cumulative, fig.prev_cumulative)
    row.completion = completion(fig.cumulative, fig.target)
    if row.completion.value is not None:
        row.ahead = row.completion.value - row.time_progress
        row.lagging = spec.higher_is_better and row.completion.value < row.time_progress
    return row


def bulletin_rows(
    spec: IndicatorSpec,
    month: int,
    figures: Iterable[RegionFigures],
    last_month: Iterable[RegionFigures] | None = None,
) -> list[BulletinRow]:
    """The bulletin table of one indicator for ``month`` (1–12): the city row first, then the
    counties in the order given. ``last_month`` (same year; None for January) gives the rank
    change."""
    return rank_rows(spec, month, region_rows(spec, month, figures), last_month)


def region_rows(
    spec: IndicatorSpec, month: int, figures: Iterable[RegionFigures]
) -> list[BulletinRow]:
    """The rows of ``figures`` (the city first), not ranked yet."""
    rows = [_row(spec, month, fig) for fig in figures]
    rows.sort(key=lambda r: not r.is_city)
    return rows


def rank_rows(
    spec: IndicatorSpec,
    month: int,
    rows: list[BulletinRow],
    last_month: Iterable[RegionFigures] | None = None,
) -> list[BulletinRow]:
    """Ranks the counties of ``rows`` by the values the rows state (1—本月累计, 累计同比), and
    their change since ``last_month``."""
    by_total, by_growth = _ranks(spec, rows)
    for row in rows:
        row.rank_total = by_total.get(row.code)
        row.rank_growth = by_growth.get(row.code)
    if last_month is None or month <= 1:
        return rows
    previous = {r.code: r for r in (_row(spec, month - 1, fig) for fig in last_month)}
    for row in rows:
        before = previous.get(row.code)
        row.missing_last_month = not row.is_city and (before is None or before.missing)
    for attr, value_of in (
        ("total", lambda r: r.cumulative),
        ("growth", lambda r: r.cumulative_growth.value),
    ):
        # Only the counties ranked in both months are compared with each other.
        both = [
            r.code
            for r in rows
            if not r.is_city
            and not r.missing
            and value_of(r) is not None
            and r.code in previous
            and not previous[r.code].missing
            and value_of(previous[r.code]) is not None
        ]
        now = competition_ranks(
            {c: value_of(r) for c, r in ((r.code, r) for r in rows) if c in both},
            descending=spec.higher_is_better,
        )
        before = competition_ranks(
            {c: value_of(previous[c]) for c in both}, descending=spec.higher_is_better
        )
        for row in rows:
            if row.code in now:
                setattr(row, f"rank_{attr}_change", before[row.code] - now[row.code])
    return rows


# --- Narrative: the bureau's sentences, written from the rows' own display strings --------------


def cumulative_label(month: int) -> str:
    return "1月" if month == 1 else f"1—{month}月"


def growth_phrase(p: Percent) -> str:
    if p.value is None:
        return f"{p.reason}，不计算增速"
    if p.value > 0:
        return f"同比增长{p.text}%"
    if p.value < 0:
        return f"同比下降{fmt(-p.value, PCT_PLACES)}%"
    return "与上年同期持平"


def progress_phrase(row: BulletinRow) -> str:
    if row.completion.value is None:
        return row.completion.reason
    text = f"完成年度目标的{row.completion.text}%"
    if row.ahead is None:
        return text
    if row.ahead > 0:
        return f"{text}，超时间进度{row.ahead_text}个百分点"
    if row.ahead < 0:
        return f"{text}，落后时间进度{fmt(-row.ahead, PCT_PLACES)}个百分点"
    return f"{text}，与时间进度持平"


def rank_phrase(row: BulletinRow) -> str:
    if not row.rank_growth:
        return ""
    text = f"增速居全市第{row.rank_growth}位"
    change = row.rank_growth_change
    if change is None:
        return text
    if change > 0:
        return f"{text}，较上月前移{change}位"
    if change < 0:
        return f"{text}，较上月后退{-change}位"
    return f"{text}，与上月持平"


def region_sentence(spec: IndicatorSpec, month: int, row: BulletinRow) -> str:
    """ "1—5月，全市外贸进出口总额86.4亿元，同比增长12.3%，完成年度目标的45.6%，超时间进度
    3.9个百分点；增速居全市第2位，较上月前移1位。" (the rank clause only for ranked rows)."""
    who = "全市" if row.is_city else row.name
    if row.missing:
        return f"{cumulative_label(month)}，{who}{spec.name}{REASON_MISSING}。"
    parts = [
        f"{cumulative_label(month)}，{who}{spec.name}{row.cumulative_text}{spec.unit}",
        growth_phrase(row.cumulative_growth),
        progress_phrase(row),
    ]
    text = "，".join(parts)
    ranks = rank_phrase(row)
    return f"{text}；{ranks}。" if ranks else f"{text}。"


def indicator_paragraph(spec: IndicatorSpec, month: int, rows: Sequence[BulletinRow]) -> str:
    """The paragraph under an indicator's heading: the city sentence, then the counties."""
    city = next((r for r in rows if r.is_city), None)
    counties = [r for r in rows if not r.is_city]
    sentences = [region_sentence(spec, month, city)] if city else []
    ranked = sorted((r for r in counties if r.rank_growth), key=lambda r: (r.rank_growth, r.name))
    if ranked:
        # Ties share a place, so "前三位" may name more than three counties.
        top = "、".join(
            f"{r.name}（{r.cumulative_growth.text}%）" for r in ranked if r.rank_growth <= 3
        )
        sentences.append(f"分县（市、区）看，累计增速居前三位的是{top}。")
    lagging = [r.name for r in counties if r.lagging]
    if lagging:
        sentences.append(
            f"{'、'.join(lagging)}共{len(lagging)}个县（市、区）完成进度落后于时间进度，"
            "需加快推进。"
        )
    elif counties and any(r.completion.value is not None for r in counties):
        sentences.append("各县（市、区）完成进度均达到时间进度。")
    missing = [r.name for r in counties if r.missing]
    if missing:
        sentences.append(f"{'、'.join(missing)}本月数据未报送，未参与排名。")
    return "".join(sentences)
