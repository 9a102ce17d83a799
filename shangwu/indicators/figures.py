"""The indicator figures: for every indicator of the catalogue, its month and 1—本月 cumulative
value, their 同比 and the year's 完成进度, for the month of the period's end, as the 月通报
computes them (``computation.growth`` / ``computation.completion``).

Keys: ``indicators.<指标代码>.month``, ``.ytd``, ``.yoy``, ``.ytd_yoy``, ``.completion``. Each
reads the one row of the monthly data list for that indicator, month and region (the region
asked for, else the user's own: the city, or the user's county); 完成进度 also reads the year's
target from the target list (its denominator).
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from shangwu.core.figures import (
    CountFigure,
    FigureSpec,
    Selection,
    region_params,
    register,
    register_family,
)
from shangwu.indicators import computation
from shangwu.indicators import computation as calc
from shangwu.indicators.filtersets import (
    IndicatorTargetFilterSet,
    IndicatorTargetProposalFilterSet,
    IndicatorValueFilterSet,
)
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorValue,
)
from shangwu.organization.choices import RegionLevel

KINDS = {
    "month": ("本月", "本月数"),
    "ytd": ("1—本月累计", "1月至本月的累计数"),
    "yoy": ("本月同比", "本月数比上年同月增长的百分比"),
    "ytd_yoy": ("累计同比", "1—本月累计比上年同期累计增长的百分比"),
    "completion": ("完成进度", "1—本月累计占年度目标的百分比"),
    "target": (
        "年度目标",
        "所在年度的年度目标（全市为各县区合计且未下达全市目标时：各县区目标之和）",
    ),
}
FIELDS = {"month": "month_value", "ytd": "cumulative_value", "target": "value"}
TARGETED = {"completion", "target"}  # the kinds that read the year's targets
VALUE_FIELDS = ("month_value", "cumulative_value", "prev_month_value", "prev_cumulative_value")
GROWTH = {
    "yoy": ("month_value", "prev_month_value"),
    "ytd_yoy": ("cumulative_value", "prev_cumulative_value"),
}


def _dec(value):
    return None if value in (None, "") else Decimal(str(value))


def _region_id(row):
    return row["region_id"] if "region_id" in row else row["region"]


def _month(row):
    month = row["month"]
    return month if isinstance(month, datetime.date) else datetime.date.fromisoformat(str(month))


def region_figures(indicator, month, rows, targets) -> calc.RegionFigures | None:
    """The 月通报's figures of the regions whose rows ``rows`` holds for ``month`` (their rows of
    the same month last year give a missing 上年同期, as the bulletin reads them), summed: one
    region's own figures, or the city as the sum of the counties that reported
    (``selectors._city_figures``); the target is the sum of ``targets``. None: no region has a
    value for the month. The bulletin's own rules (``selectors._figures``), read from the rows of
    a figure's drill-down lists."""
    from types import SimpleNamespace

    from shangwu.indicators.selectors import _figures, _sum

    values: dict = {}
    for row in rows:
        values.setdefault((indicator.pk, _region_id(row)), {})[_month(row)] = {
            name: _dec(row.get(name))
            for name in (
                "month_value",
                "cumulative_value",
                "prev_month_value",
                "prev_cumulative_value",
            )
        }
    regions = {key[1] for key, months in values.items() if month in months}
    found = [
        _figures(indicator, SimpleNamespace(pk=pk, code="", name=""), month, values, {})
        for pk in sorted(regions)
    ]
    reported = [f for f in found if f.cumulative is not None or f.month_value is not None]
    if not reported:
        return None
    return calc.RegionFigures(
        code="",
        name="",
        month_value=_sum(f.month_value for f in reported),
        cumulative=_sum(f.cumulative for f in reported),
        prev_month_value=_sum(f.prev_month_value for f in reported),
        prev_cumulative=_sum(f.prev_cumulative for f in reported),
        target=_sum(_dec(t["value"]) for t in targets),
    )


def _urls(sel: Selection) -> dict:
    """``sel.urls()``, kept per URL conf and prefix: the 月通报 links some 400 cells, the same
    ones on every visit of a month."""
    from django.urls import get_script_prefix, get_urlconf

    return dict(
        _kept_urls(sel.page, sel.api, tuple(sel.params.items()), get_urlconf(), get_script_prefix())
    )


@functools.lru_cache(maxsize=8192)
def _kept_urls(page, api, items, urlconf, prefix) -> tuple:
    sel = Selection(model=None, filterset=None, page=page, api=api, params=dict(items))
    return tuple(sel.urls().items())


def _target_sum(rows) -> Decimal | None:
    """The year's target of the rows listed (one region's, or the counties' summed)."""
    present = [_dec(row["value"]) for row in rows if row.get("value") not in (None, "")]
    return sum(present, Decimal(0)) if present else None


def _value_of(kind, fig, target_rows=()) -> Decimal | None:
    if kind == "target":
        return _target_sum(target_rows)
    if fig is None:
        return None
    if kind == "month":
        return fig.month_value
    if kind == "ytd":
        return fig.cumulative
    if kind == "yoy":
        return computation.growth(fig.month_value, fig.prev_month_value).value
    if kind == "ytd_yoy":
        return computation.growth(fig.cumulative, fig.prev_cumulative).value
    return computation.completion(fig.cumulative, fig.target).value


@dataclass(kw_only=True)
class IndicatorFigure(FigureSpec):
    """One value of the 月通报 for one region and month, by the bulletin's rules: the region's
    own row; for the city of an additive indicator without a row of its own, the sum of the
    counties that reported (全市为各县合计); 上年同期 from the row, else from last year's row;
    the city's target, else the sum of the counties' targets.

    Drill-down: ``list`` the month's rows (the region's, or the counties'); 同比 adds their rows
    of the same month last year as ``denominator`` (``numerator``: the month's rows); 完成进度
    the target rows as ``denominator``."""

    indicator: Indicator
    kind: str

    def _region(self, user, region):
        if region is not None:
            return region
        own = user.region
        return own.county or own  # a township user reads their county's row

    def _where(self, region, counties: bool) -> dict:
        return {"region_level": "county"} if counties else {"region": region.pk}

    def _value(self, month, region, counties=False):
        return Selection(
            model=IndicatorValue,
            filterset=IndicatorValueFilterSet,
            page="indicators:value_list",
            api="indicatorvalue-list",
            params={
                "indicator": self.indicator.pk,
                "month": month.isoformat(),
                **self._where(region, counties),
            },
        )

    def _target(self, month, region, counties=False):
        return Selection(
            model=IndicatorTarget,
            filterset=IndicatorTargetFilterSet,
            page="indicators:target_list",
            api="indicatortarget-list",
            params={
                "indicator": self.indicator.pk,
                "year": month.year,
                **self._where(region, counties),
            },
        )

    def _sums_counties(self, region) -> bool:
        return region.level == RegionLevel.CITY and self.indicator.additive

    @staticmethod
    def _has_value(row) -> bool:
        return row["month_value"] is not None or row["cumulative_value"] is not None

    def compute(self, *, user, date_from, date_to, region=None):
        return self.compute_batch(
            [self], user=user, date_from=date_from, date_to=date_to, region=region
        )[0]

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None):
        """Every indicator's figures for one month and region from one query of the monthly
        rows (this month and last year's, the region's and, for the city, the counties') and
        one of the targets (for 完成进度 and 年度目标): the 工作台's headline figures."""
        if not specs:
            return []
        region = specs[0]._region(user, region)
        return cls.compute_regions(
            specs, user=user, date_from=date_from, date_to=date_to, regions=[region]
        )[region.pk]

    @classmethod
    def compute_regions(cls, specs, *, user, date_from, date_to, regions):
        """``specs`` for each of ``regions`` (the city, counties), as ``compute_batch`` answers
        for one, from one query of the monthly rows and one of the targets for all of them (the
        月通报's city and county rows): {region: [figure of each spec]}."""
        month = date_to.replace(day=1)
        last_year = month.replace(year=month.year - 1)
        ids = {spec.indicator.pk for spec in specs}
        where = Q(region__in=[r.pk for r in regions])
        sums = any(spec._sums_counties(r) for spec in specs for r in regions)
        if sums:
            where |= Q(region__level=RegionLevel.COUNTY)
        # (indicator, region, month) -> rows; (indicator, "counties", month) -> the counties'
        rows: dict[tuple, list] = {}
        # The rows are the regions' and the counties': a row not of a city is a county's.
        cities = {r.pk for r in regions if r.level == RegionLevel.CITY}
        for row in (
            IndicatorValue.objects.restrict(user, "view")
            .filter(where, indicator__in=ids, month__in=[month, last_year])
            .order_by()  # grouped below; sums and counts do not depend on the order
            .values("indicator_id", "region_id", "month", *VALUE_FIELDS)
        ):
            key = (row["indicator_id"], row["month"])
            rows.setdefault((*key, row["region_id"]), []).append(row)
            if row["region_id"] not in cities:
                rows.setdefault((*key, "counties"), []).append(row)
        targets: dict[tuple, list] = {}
        if any(spec.kind in TARGETED for spec in specs):
            for row in (
                IndicatorTarget.objects.restrict(user, "view")
                .filter(where, indicator__in=ids, year=month.year)
                .order_by()
                .values("indicator_id", "region_id", "value")
            ):
                targets.setdefault((row["indicator_id"], row["region_id"]), []).append(row)
                if row["region_id"] not in cities:
                    targets.setdefault((row["indicator_id"], "counties"), []).append(row)
        out = {}
        for region in regions:
            figures = []
            # One reading per indicator, shared by its kinds: the month's rows, last year's, the
            # targets, their drill-downs and the bulletin's figures of them.
            read: dict[int, tuple] = {}
            for spec in specs:
                pk = spec.indicator.pk
                if pk not in read:
                    own = rows.get((pk, month, region.pk), [])
                    counties = spec._sums_counties(region) and not any(map(spec._has_value, own))
                    whose = "counties" if counties else region.pk
                    current = rows.get((pk, month, whose), [])
                    last = rows.get((pk, last_year, whose), [])
                    by_counties = counties and not targets.get((pk, region.pk))
                    target_rows = targets.get((pk, "counties" if by_counties else region.pk), [])
                    read[pk] = (
                        current,
                        last,
                        target_rows,
                        _urls(spec._value(month, region, counties)),
                        _urls(spec._value(last_year, region, counties)),
                        _urls(spec._target(month, region, by_counties)),
                        region_figures(spec.indicator, month, current + last, target_rows),
                    )
                current, last, target_rows, drill, last_drill, target_drill, fig = read[pk]
                value = _value_of(spec.kind, fig, target_rows)
                if spec.kind in GROWTH:
                    drill = {"numerator": drill, "denominator": last_drill}
                elif spec.kind == "completion":
                    drill = {"numerator": drill, "denominator": target_drill}
                elif spec.kind == "target":
                    drill = target_drill
                figure = spec._figure(
                    value=value,
                    count=len(target_rows) if spec.kind == "target" else len(current),
                    drill=drill,
                    date_from=date_from,
                    date_to=date_to,
                    region=region,
                )
                if "numerator" in drill:
                    figure.numerator_count = len(current)
                figures.append(figure)
            out[region.pk] = figures
        return out

    def count_from_lists(self, lists):
        return len(lists.get("list", lists.get("numerator")))  # the month's rows (or targets)

    def value_from_lists(self, lists, month=None):
        if self.kind == "target":
            return _target_sum(lists["list"])
        current = lists.get("list", lists.get("numerator"))
        if month is None:  # the month of the rows listed (the figure's month)
            months = {_month(row) for row in current}
            if len(months) != 1:
                return None
            (month,) = months
        last = lists.get("denominator", []) if self.kind in GROWTH else []
        targets = lists["denominator"] if self.kind == "completion" else []
        return _value_of(self.kind, region_figures(self.indicator, month, current + last, targets))


def indicator_figure(indicator: Indicator, kind: str) -> IndicatorFigure:
    label, meaning = KINDS[kind]
    unit = indicator.unit if kind in FIELDS else "%"
    return IndicatorFigure(
        key=f"indicators.{indicator.code}.{kind}",
        label=f"{indicator.name}（{label}）",
        unit=unit,
        definition=f"{indicator.name}在期间末所在月份的{meaning}（地区：所选地区，未选为本人所在市或县区）。",
        indicator=indicator,
        kind=kind,
    )


def _members():
    return [indicator_figure(i, k) for i in Indicator.objects.filter(is_active=True) for k in KINDS]


def _resolve(rest: str):
    code, _, kind = rest.rpartition(".")
    if kind not in KINDS:
        return None
    indicator = Indicator.objects.filter(code=code, is_active=True).first()
    return indicator_figure(indicator, kind) if indicator else None


register_family("indicators.", members=_members, resolve=_resolve)


# --- 落后于时间进度: the monthly rows the 月通报 marks as lagging -----------------------------------
# The county rows of the period's last month whose 完成进度 is below the 时间进度 (the 月通报's
# highlighted rows): every county's for a city user, the own county's for a county or township
# user (the county rows they may see).


def lagging_rows(date_from, date_to, region):
    return Selection(
        model=IndicatorValue,
        filterset=IndicatorValueFilterSet,
        page="indicators:value_list",
        api="indicatorvalue-list",
        params={
            "month": date_to.replace(day=1).isoformat(),
            "lagging": "true",
            **(
                {"region_level": "county"}
                if region is None or region.level == "city"
                else {"region": (region.county or region).pk}
            ),
        },
    )


register(
    CountFigure(
        key="indicators.lagging",
        label="落后于时间进度的指标",
        unit="项",
        definition="期间末所在月份，各县（市、区）（县区用户：本县区）月通报指标中完成进度低于时间进度的指标项数（越大越好的指标）。",
        select=lagging_rows,
    )
)


# --- 目标调整申请: the proposals waiting for the city's decision -----------------------------------


def proposals_pending(date_from, date_to, region):
    return Selection(
        model=IndicatorTargetProposal,
        filterset=IndicatorTargetProposalFilterSet,
        page="indicators:proposal_list",
        api="indicatortargetproposal-list",
        params={
            "status": "pending",
            **region_params(region, county="region", township=None),
        },
    )


register(
    CountFigure(
        key="indicators.proposals_pending",
        label="待审核的目标调整申请",
        unit="项",
        definition="查询时县（市、区）提出、尚待市级审核的年度目标调整申请项数（县区用户：本县区的）。",
        current=True,
        select=proposals_pending,
    )
)
