"""The indicator figures: for every indicator of the catalogue, its month and 1—本月 cumulative
value, their 同比 and the year's 完成进度, for the month of the period's end, as the 月通报
computes them (``computation.growth`` / ``computation.completion``).

Keys: ``indicators.<指标代码>.month``, ``.ytd``, ``.yoy``, ``.ytd_yoy``, ``.completion``. Each
reads the one row of the monthly data list for that indicator, month and region (the region
asked for, else the user's own: the city, or the user's county); 完成进度 also reads the year's
target from the target list (its denominator).
"""

from dataclasses import dataclass
from decimal import Decimal

from shangwu.core.figures import (
    CountFigure,
    FigureSpec,
    Selection,
    region_params,
    register,
    register_family,
)
from shangwu.indicators import computation
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

KINDS = {
    "month": ("本月", "本月数"),
    "ytd": ("1—本月累计", "1月至本月的累计数"),
    "yoy": ("本月同比", "本月数比上年同月增长的百分比"),
    "ytd_yoy": ("累计同比", "1—本月累计比上年同期累计增长的百分比"),
    "completion": ("完成进度", "1—本月累计占年度目标的百分比"),
}
FIELDS = {"month": "month_value", "ytd": "cumulative_value"}
GROWTH = {
    "yoy": ("month_value", "prev_month_value"),
    "ytd_yoy": ("cumulative_value", "prev_cumulative_value"),
}


def _dec(value):
    return None if value in (None, "") else Decimal(str(value))


@dataclass(kw_only=True)
class IndicatorFigure(FigureSpec):
    indicator: Indicator
    kind: str

    def _region(self, user, region):
        if region is not None:
            return region
        own = user.region
        return own.county or own  # a township user reads their county's row

    def _value(self, month, region):
        return Selection(
            model=IndicatorValue,
            filterset=IndicatorValueFilterSet,
            page="indicators:value_list",
            api="indicatorvalue-list",
            params={
                "indicator": self.indicator.pk,
                "month": month.isoformat(),
                "region": region.pk,
            },
        )

    def _target(self, month, region):
        return Selection(
            model=IndicatorTarget,
            filterset=IndicatorTargetFilterSet,
            page="indicators:target_list",
            api="indicatortarget-list",
            params={"indicator": self.indicator.pk, "year": month.year, "region": region.pk},
        )

    def compute(self, *, user, date_from, date_to, region=None):
        region = self._region(user, region)
        month = date_to.replace(day=1)
        rows = list(self._value(month, region).queryset(user).values()[:2])
        targets = (
            list(self._target(month, region).queryset(user).values()[:2])
            if self.kind == "completion"
            else []
        )
        return self._figure_from(rows, targets, month, region, date_from, date_to)

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None):
        """Every indicator's figures for one month and region from one query of the monthly
        rows (and one of the targets, for 完成进度): the 工作台's headline figures."""
        if not specs:
            return []
        region = specs[0]._region(user, region)
        month = date_to.replace(day=1)
        ids = {spec.indicator.pk for spec in specs}
        rows: dict[int, list] = {pk: [] for pk in ids}
        for row in (
            IndicatorValue.objects.restrict(user, "view")
            .filter(indicator__in=ids, month=month, region=region)
            .values()
        ):
            rows[row["indicator_id"]].append(row)
        targets: dict[int, list] = {pk: [] for pk in ids}
        if any(spec.kind == "completion" for spec in specs):
            for row in (
                IndicatorTarget.objects.restrict(user, "view")
                .filter(indicator__in=ids, year=month.year, region=region)
                .values()
            ):
                targets[row["indicator_id"]].append(row)
        figures = []
        for spec in specs:
            found = rows[spec.indicator.pk]
            figures.append(
                spec._figure_from(
                    found, targets[spec.indicator.pk], month, region, date_from, date_to
                )
            )
        return figures

    def _figure_from(self, rows, targets, month, region, date_from, date_to):
        lists = {"list": rows}
        drill = self._value(month, region).urls()
        if self.kind == "completion":
            lists = {"numerator": rows, "denominator": targets}
            drill = {"numerator": drill, "denominator": self._target(month, region).urls()}
        figure = self._figure(
            value=self.value_from_lists(lists),
            count=len(rows),
            drill=drill,
            date_from=date_from,
            date_to=date_to,
            region=region,
        )
        if self.kind == "completion":
            figure.numerator_count = len(rows)
        return figure

    def count_from_lists(self, lists):
        return len(lists.get("list", lists.get("numerator")))  # the monthly data row

    def value_from_lists(self, lists):
        rows = lists.get("list", lists.get("numerator"))
        if len(rows) != 1:
            return None
        row = rows[0]
        if self.kind in FIELDS:
            return _dec(row[FIELDS[self.kind]])
        if self.kind in GROWTH:
            current, previous = GROWTH[self.kind]
            return computation.growth(_dec(row[current]), _dec(row[previous])).value
        targets = lists["denominator"]
        target = _dec(targets[0]["value"]) if len(targets) == 1 else None
        return computation.completion(_dec(row["cumulative_value"]), target).value


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
