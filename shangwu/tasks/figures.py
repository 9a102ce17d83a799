"""The task figures (重点任务督办): the year's tasks, those completed on time in the period, the
lagging and overdue ones, and those with progress reports missing.

Tasks belong to the 工作要点 of a year: every figure counts the tasks of the plans of the year
in which the period ends. Tasks are city-level work: a region other than the city is refused.
"""

from shangwu.core.figures import CountFigure, RateFigure, Selection, region_params, register
from shangwu.tasks.choices import TaskStatus
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
