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

from shangwu.core.figures import FigureSpec, Selection, register_family
from shangwu.indicators import computation
from shangwu.indicators.filtersets import IndicatorTargetFilterSet, IndicatorValueFilterSet
from shangwu.indicators.models import Indicator, IndicatorTarget, IndicatorValue

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
        value_sel = self._value(month, region)
        rows = list(value_sel.queryset(user).values()[:2])
        lists = {"list": rows}
        drill = value_sel.urls()
        if self.kind == "completion":
            target_sel = self._target(month, region)
            lists = {
                "numerator": lists["list"],
                "denominator": list(target_sel.queryset(user).values()[:2]),
            }
            drill = {"numerator": drill, "denominator": target_sel.urls()}
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


def _figure(indicator: Indicator, kind: str) -> IndicatorFigure:
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
    return [_figure(i, k) for i in Indicator.objects.filter(is_active=True) for k in KINDS]


def _resolve(rest: str):
    code, _, kind = rest.rpartition(".")
    if kind not in KINDS:
        return None
    indicator = Indicator.objects.filter(code=code, is_active=True).first()
    return _figure(indicator, kind) if indicator else None


register_family("indicators.", members=_members, resolve=_resolve)
