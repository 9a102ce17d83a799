"""The task figures (重点任务督办): the year's tasks, those completed on time in the period, the
lagging and overdue ones, and those with progress reports missing.

Tasks belong to the 工作要点 of a year: every figure counts the tasks of the plans of the year
in which the period ends. Tasks are city-level work: a region other than the city is refused.

The 督办通报's figures (``tasks.cycle_*``) are of another kind: one plan and cycle as the bulletin
read on a day states them (statuses at the cycle's close, the cycle's reports as known that day),
not the state now; ``bulletin_specs`` binds them to the bulletin's plan and cycle.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from shangwu.core.figures import (
    CountFigure,
    Figure,
    FigureSpec,
    RateFigure,
    Selection,
    SumFigure,
    ratio_percent,
    region_params,
    register,
    register_family,
)
from shangwu.tasks.choices import ReportState, TaskStatus
from shangwu.tasks.filtersets import TaskFilterSet
from shangwu.tasks.models import Task


def tasks(with_period=False, **params):
    def select(date_from, date_to, region):
        period = (
            {"completed_from": date_from.isoformat(), "completed_to": date_to.isoformat()}
            if with_period
            else {}
        )
        return Selection(
            model=Task,
            filterset=TaskFilterSet,
            page="tasks:task_list",
            api="task-list",
            params={
                "year": date_to.year,
                **params,
                **period,
                **region_params(region, county=None, township=None),
            },
        )

    return select


register(
    CountFigure(
        key="tasks.total",
        label="重点任务数",
        unit="项",
        definition="期间结束所在年度工作要点中的任务项数（含已取消）。",
        select=tasks(),
    )
)
register(
    CountFigure(
        key="tasks.done",
        label="完成任务数",
        unit="项",
        definition="当年工作要点中，完成日期在期间内的已完成任务项数。",
        select=tasks(with_period=True, status=TaskStatus.DONE),
    )
)
register(
    CountFigure(
        key="tasks.done_on_time",
        label="按期完成任务数",
        unit="项",
        definition="当年工作要点中，完成日期在期间内且不晚于完成时限（或无时限）的已完成任务项数。",
        select=tasks(with_period=True, on_time="true"),
    )
)
register(
    RateFigure(
        key="tasks.on_time_rate",
        label="按期完成率",
        definition="当年工作要点中完成日期在期间内的任务，按期完成的项数占完成项数的百分比。",
        numerator=tasks(with_period=True, on_time="true"),
        denominator=tasks(with_period=True, status=TaskStatus.DONE),
    )
)
register(
    CountFigure(
        key="tasks.lagging",
        label="滞后任务数",
        unit="项",
        definition="当年工作要点中，查询时状态为滞后的任务项数。",
        current=True,
        select=tasks(status=TaskStatus.LAGGING),
    )
)
register(
    CountFigure(
        key="tasks.overdue",
        label="超期未完成任务数",
        unit="项",
        definition="当年工作要点中，查询时已过完成时限仍未完成（或取消）的任务项数。",
        current=True,
        select=tasks(overdue="true"),
    )
)
register(
    CountFigure(
        key="tasks.reports_missing",
        label="有进展未报送的任务数",
        unit="项",
        definition="当年工作要点中未完成的任务，牵头单位至少有一期已到报送日而未报送进展的项数（截至查询日）。",
        current=True,
        select=tasks(report_missing="true"),
    )
)


# --- the 工作台: the asking user's unit's tasks, and the reports of the last cycle ---------------


def mine(role: str, **params):
    return tasks(mine=role, **params)


def on_day(name: str, **params):
    """Tasks in a report state on the period's last day (the day the 工作台 is opened)."""

    def select(date_from, date_to, region):
        sel = tasks(**params)(date_from, date_to, region)
        sel.params[name] = date_to.isoformat()
        return sel

    return select


register(
    CountFigure(
        key="tasks.mine_lead",
        label="本单位牵头任务数",
        unit="项",
        definition="当年工作要点中，由本人所在单位牵头、查询时未完成（或取消）的任务项数。",
        current=True,
        select=mine("lead", unfinished="true"),
    )
)
register(
    CountFigure(
        key="tasks.mine_co",
        label="本单位配合任务数",
        unit="项",
        definition="当年工作要点中，本人所在单位为配合单位、查询时未完成（或取消）的任务项数。",
        current=True,
        select=mine("co", unfinished="true"),
    )
)
register(
    CountFigure(
        key="tasks.mine_lagging",
        label="本单位牵头的滞后任务数",
        unit="项",
        definition="当年工作要点中，由本人所在单位牵头、查询时状态为滞后的任务项数。",
        current=True,
        select=mine("lead", status=TaskStatus.LAGGING),
    )
)
register(
    CountFigure(
        key="tasks.mine_to_report",
        label="本单位本期待报送任务数",
        unit="项",
        definition="当年工作要点中，由本人所在单位牵头、未完成，期间末所在报送期尚未报送进展的任务项数。",
        current=True,
        select=on_day("report_pending_on", mine="lead"),
    )
)
register(
    CountFigure(
        key="tasks.mine_reports_missing",
        label="本单位有进展未报送的任务数",
        unit="项",
        definition="当年工作要点中，由本人所在单位牵头、未完成，至少有一期已到报送日而未报送进展的任务项数（截至查询日）。",
        current=True,
        select=mine("lead", report_missing="true"),
    )
)
register(
    CountFigure(
        key="tasks.last_cycle_missing",
        label="上一期未报送任务数",
        unit="项",
        definition="当年工作要点中，期间末之前最近一个已到报送日的报送期，牵头单位未报送进展的任务项数（与督办通报的未报送一致）。",
        current=True,
        select=on_day("last_cycle_missing_on"),
    )
)


# --- the 督办 panel's per-unit lines: one lead unit's tasks missing the last cycle's report -------
# Keys ``tasks.last_cycle_missing.unit.<单位 id>``: a family over the units leading a task.

UNIT_MISSING = "tasks.last_cycle_missing.unit."


@dataclass(kw_only=True)
class UnitMissingFigure(CountFigure):
    """One lead unit's share of ``tasks.last_cycle_missing``. Several units are read together:
    the tasks of the whole figure once, counted per lead unit (the 督办 panel's lines)."""

    unit_id: int

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None):
        whole = on_day("last_cycle_missing_on")(date_from, date_to, region)
        per_unit = Counter(whole.queryset(user).order_by().values_list("lead_unit_id", flat=True))
        return [
            spec._figure(
                value=Decimal(per_unit[spec.unit_id]),
                count=per_unit[spec.unit_id],
                drill=spec.select(date_from, date_to, region).urls(),
                date_from=date_from,
                date_to=date_to,
                region=region,
            )
            for spec in specs
        ]


def unit_last_cycle_missing(unit) -> CountFigure:
    return UnitMissingFigure(
        unit_id=unit.pk,
        key=f"{UNIT_MISSING}{unit.pk}",
        label=f"{unit}上一期未报送任务数",
        unit="项",
        definition=f"当年工作要点中由{unit}牵头、期间末之前最近一个已到报送日的报送期未报送进展的任务项数（与督办通报一致）。",
        current=True,
        select=on_day("last_cycle_missing_on", lead_unit=unit.pk),
    )


def _lead_units():
    from shangwu.organization.models import OrgUnit

    return OrgUnit.objects.filter(pk__in=Task.objects.values("lead_unit_id")).order_by("pk")


def _resolve_unit(rest: str):
    unit = _lead_units().filter(pk=rest).first() if rest.isdigit() else None
    return unit_last_cycle_missing(unit) if unit else None


register_family(
    UNIT_MISSING,
    members=lambda: [unit_last_cycle_missing(u) for u in _lead_units()],
    resolve=_resolve_unit,
)


# --- the 督办通报: one plan and cycle, as the bulletin read on a day counts them ------------------
#
# Not the state now (``tasks.lagging`` counts the stored 滞后 status today): the bulletin states
# the statuses the rules give at its cycle's close and the reports of that cycle as known on the
# day it is read. Registered with the period's last day as that day, every plan of its year and
# each plan's last cycle due before it; the bulletin itself binds its plan and cycle
# (``bulletin_specs``) and reads them on today.

BULLETIN_SCOPE = (
    "督办通报的工作要点（默认为期间末所在年度的各工作要点）、所通报的报送期（默认为期间末之前"
    "最近一个已到报送日的报送期），以期间末为通报日："
)


@dataclass(eq=False)
class InBulletin:
    """A selector of tasks the 督办通报 counts (``TaskFilterSet.filter_bulletin``)."""

    params: dict = field(default_factory=dict)
    plan_id: int | None = None
    cycle: int | None = None

    def __call__(self, date_from, date_to, region) -> Selection:
        scope = (
            {"year": date_to.year}
            if self.plan_id is None
            else {"cycle_plan": self.plan_id, "cycle": self.cycle}
        )
        return Selection(
            model=Task,
            filterset=TaskFilterSet,
            page="tasks:task_list",
            api="task-list",
            params={
                **scope,
                "cycle_on": date_to.isoformat(),
                **self.params,
                **region_params(region, county=None, township=None),
            },
        )

    def bound(self, plan, cycle: int) -> InBulletin:
        return replace(self, plan_id=plan.pk, cycle=cycle)


def in_bulletin(**params) -> InBulletin:
    return InBulletin(params=params)


BULLETIN_KEYS = {
    "total": "tasks.cycle_total",
    **{status: f"tasks.cycle_{status}" for status in TaskStatus.values},
    "due": "tasks.cycle_due",
    ReportState.ON_TIME: "tasks.cycle_reported_on_time",
    ReportState.LATE: "tasks.cycle_reported_late",
    ReportState.MISSING: "tasks.cycle_missing",
    "on_time_rate": "tasks.cycle_on_time_rate",
}

register(
    CountFigure(
        key=BULLETIN_KEYS["total"],
        label="通报任务数",
        unit="项",
        definition=BULLETIN_SCOPE + "工作要点中的任务项数（含已取消）。",
        select=in_bulletin(),
    )
)
for _status, _label in TaskStatus.choices:
    register(
        CountFigure(
            key=BULLETIN_KEYS[_status],
            label=f"期末{_label}任务数",
            unit="项",
            definition=BULLETIN_SCOPE
            + f"报送期结束时（不晚于通报日）按督办规则判定为“{_label}”的任务项数。",
            select=in_bulletin(cycle_status=_status),
        )
    )
register(
    CountFigure(
        key=BULLETIN_KEYS["due"],
        label="本期应报送进展数",
        unit="项",
        definition=BULLETIN_SCOPE
        + "该期应由牵头单位报送进展的任务项数（按时、逾期与未报送之和）。",
        select=in_bulletin(cycle_report="due"),
    )
)
for _state, _label, _more in (
    (ReportState.ON_TIME, "本期按时报送数", "牵头单位在报送日前（含当日）报送该期进展的任务项数。"),
    (ReportState.LATE, "本期逾期报送数", "牵头单位在报送日后、通报日前报送该期进展的任务项数。"),
    (ReportState.MISSING, "本期未报送数", "牵头单位截至通报日仍未报送该期进展的任务项数。"),
):
    register(
        CountFigure(
            key=BULLETIN_KEYS[_state],
            label=_label,
            unit="项",
            definition=BULLETIN_SCOPE + _more,
            select=in_bulletin(cycle_report=_state),
        )
    )
register(
    RateFigure(
        key=BULLETIN_KEYS["on_time_rate"],
        label="本期按时报送率",
        definition=BULLETIN_SCOPE + "按时报送进展的任务项数占应报送项数的百分比。",
        numerator=in_bulletin(cycle_report=ReportState.ON_TIME),
        denominator=in_bulletin(cycle_report="due"),
    )
)


# --- the table 各单位情况: each lead unit's tasks by status, and its reports so far ------------------
#
# The reports are counted over every cycle due by the bulletin's close (a task owes one per cycle),
# not only the bulletin's own: the list behind such a number is the tasks with at least one
# report in that state, each with how many (``bulletin_reports``), and the number is their sum.


def _reports_of(row) -> int:
    return row["bulletin_reports"]


for _state, _key, _label, _more in (
    (
        "due",
        "due",
        "截至本期应报送进展数",
        "截至该期各期应由牵头单位报送进展的次数（按时、逾期与未报送之和，每项任务每期一次）。",
    ),
    (
        ReportState.ON_TIME,
        "on_time",
        "截至本期按时报送数",
        "截至该期牵头单位在报送日前（含当日）报送进展的次数。",
    ),
    (
        ReportState.LATE,
        "late",
        "截至本期逾期报送数",
        "截至该期牵头单位在报送日后、通报日前报送进展的次数。",
    ),
    (
        ReportState.MISSING,
        "missing",
        "截至本期未报送数",
        "截至该期牵头单位到通报日仍未报送进展的次数。",
    ),
):
    register(
        SumFigure(
            key=f"tasks.cycle_reports_{_key}",
            label=_label,
            unit="项",
            definition=BULLETIN_SCOPE + _more,
            select=in_bulletin(cycle_reports=_state),
            amount="bulletin_reports",
            row_amount=_reports_of,
        )
    )


@dataclass(kw_only=True)
class ReportsRateFigure(RateFigure):
    """The reports on time ÷ the reports owed over the cycles so far (each list's
    ``bulletin_reports`` summed: a task owes one report per cycle); ``count`` and
    ``numerator_count`` are the tasks listed, as for a rate of rows."""

    def compute(self, *, user, date_from, date_to, region=None) -> Figure:
        from django.db.models import Count, Sum

        num = self.numerator(date_from, date_to, region)
        den = self.denominator(date_from, date_to, region)
        read = [
            sel.queryset(user).order_by().aggregate(n=Count("pk"), s=Sum("bulletin_reports"))
            for sel in (num, den)
        ]
        figure = self._figure(
            value=ratio_percent(read[0]["s"] or 0, read[1]["s"] or 0),
            count=read[1]["n"],
            drill={"numerator": num.urls(), "denominator": den.urls()},
            date_from=date_from,
            date_to=date_to,
            region=region,
        )
        figure.numerator_count = read[0]["n"]
        return figure

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None) -> list[Figure]:
        # Sums of rows, not rows: one by one (the 督办通报 reads them per unit, ``unit_breakdown``).
        return [
            spec.compute(user=user, date_from=date_from, date_to=date_to, region=region)
            for spec in specs
        ]

    def value_from_lists(self, lists):
        part = sum(_reports_of(row) for row in lists["numerator"])
        return ratio_percent(part, sum(_reports_of(row) for row in lists["denominator"]))


register(
    ReportsRateFigure(
        key="tasks.cycle_reports_on_time_rate",
        label="截至本期按时报送率",
        definition=BULLETIN_SCOPE + "截至该期牵头单位按时报送进展的次数占应报送次数的百分比。",
        numerator=in_bulletin(cycle_reports=ReportState.ON_TIME),
        denominator=in_bulletin(cycle_reports="due"),
    )
)

# The columns of 各单位情况 (``views_report.UNIT_HEADERS`` after 单位), as registered figures.
UNIT_KEYS = {
    "tasks": BULLETIN_KEYS["total"],
    TaskStatus.DONE: BULLETIN_KEYS[TaskStatus.DONE],
    TaskStatus.ON_TRACK: BULLETIN_KEYS[TaskStatus.ON_TRACK],
    TaskStatus.LAGGING: BULLETIN_KEYS[TaskStatus.LAGGING],
    "reports_due": "tasks.cycle_reports_due",
    "reports_on_time": "tasks.cycle_reports_on_time",
    "reports_late": "tasks.cycle_reports_late",
    "reports_missing": "tasks.cycle_reports_missing",
    "reports_rate": "tasks.cycle_reports_on_time_rate",
}
# (Names apart from ``BULLETIN_KEYS``' but for the same figures: the bulletin reads both at once.)


def _bound(keys: dict[str, str], plan, cycle: int) -> dict[str, FigureSpec]:
    from shangwu.core.figures import get

    specs = {}
    for name, key in keys.items():
        spec = get(key)
        if isinstance(spec, RateFigure):
            specs[name] = replace(
                spec,
                numerator=spec.numerator.bound(plan, cycle),
                denominator=spec.denominator.bound(plan, cycle),
            )
        else:
            specs[name] = replace(spec, select=spec.select.bound(plan, cycle))
    return specs


def bulletin_specs(plan, cycle: int) -> dict[str, FigureSpec]:
    """The 督办通报's figures for one plan and cycle (``BULLETIN_KEYS``'s names → specs): the
    registered figures with their plan and cycle bound, read on the period's last day."""
    return _bound(BULLETIN_KEYS, plan, cycle)


def bulletin_unit_specs(plan, cycle: int) -> dict[str, FigureSpec]:
    """The figures of the table 各单位情况 (``UNIT_KEYS``) for one plan and cycle."""
    return _bound(UNIT_KEYS, plan, cycle)


def _rows_of(selections: list[Selection], *, user) -> list[dict[int, int]]:
    """{task: its amount} of each bulletin selection (1 a task; with ``cycle_reports``, its
    reports), by the function its list's filter applies (``TaskFilterSet.filter_bulletin``),
    all of one plan and cycle read together."""
    import datetime

    from shangwu.tasks import selectors

    first = selections[0].params
    return selectors.tasks_in_bulletin(
        user=user,
        tasks=None,
        on=datetime.date.fromisoformat(first["cycle_on"]),
        plan_id=first["cycle_plan"],
        cycle=first["cycle"],
        asks=[
            {
                "report": sel.params.get("cycle_report", ""),
                "status": sel.params.get("cycle_status", ""),
                "reports": sel.params.get("cycle_reports", ""),
            }
            for sel in selections
        ],
    )


def unit_breakdown(
    specs: dict[str, FigureSpec], *, user, lead_units: dict[int, int], date_from, date_to
) -> tuple[dict[str, Figure], dict[int, dict[str, Figure]]]:
    """``specs`` (bound to one plan and cycle) as a whole and for each lead unit: (totals, {unit:
    {name: figure}}), each figure the spec's own rows (its list's filter applied to the tasks
    the user may see), a unit's drilling down to the spec's list with ``lead_unit`` added.
    ``lead_units``: {task: its lead unit} of the tasks the bulletin covers (a task without one
    counts in the totals only). One reading of the plan's facts (``plan_facts_shared``) for
    the whole bulletin, no query: the same rows the lists select, counted per unit."""

    def parts(spec):
        if isinstance(spec, RateFigure):
            return [
                spec.numerator(date_from, date_to, None),
                spec.denominator(date_from, date_to, None),
            ]
        return [spec.select(date_from, date_to, None)]

    def figure_of(spec, tallies, drill) -> Figure:
        if isinstance(spec, RateFigure):
            (part, part_sum), (whole, whole_sum) = tallies
            figure = spec._figure(
                value=ratio_percent(part_sum, whole_sum)
                if isinstance(spec, ReportsRateFigure)
                else ratio_percent(part, whole),
                count=whole,
                drill={"numerator": drill[0], "denominator": drill[1]},
                date_from=date_from,
                date_to=date_to,
                region=None,
            )
            figure.numerator_count = part
            return figure
        ((count, total),) = tallies
        return spec._figure(
            value=Decimal(total if isinstance(spec, SumFigure) else count),
            count=count,
            drill=drill[0],
            date_from=date_from,
            date_to=date_to,
            region=None,
        )

    units = sorted(set(lead_units.values()) - {None})
    totals: dict[str, Figure] = {}
    out: dict[int, dict[str, Figure]] = {unit: {} for unit in units}
    selections = {name: parts(spec) for name, spec in specs.items()}
    every = [sel for sels in selections.values() for sel in sels]
    amounts = iter(_rows_of(every, user=user))
    for name, spec in specs.items():
        read = []
        for sel in selections[name]:
            whole = [0, 0]
            per_unit: dict[int, list[int]] = {}
            for task, amount in next(amounts).items():
                tally = per_unit.setdefault(lead_units.get(task), [0, 0])
                tally[0] += 1
                tally[1] += amount
                whole[0] += 1
                whole[1] += amount
            read.append((whole, per_unit, sel.urls()))
        totals[name] = figure_of(spec, [w for w, _, _ in read], [urls for _, _, urls in read])
        for unit in units:
            drill = [
                {key: f"{url}&lead_unit={unit}" for key, url in urls.items()} for _, _, urls in read
            ]
            out[unit][name] = figure_of(
                spec, [per_unit.get(unit, [0, 0]) for _, per_unit, _ in read], drill
            )
    return totals, out
