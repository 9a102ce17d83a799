"""The case figures: ``statistics.py``'s definitions, each a filter of the case list.

Population: cases received (受理) in the period, in the user's scope, merged duplicates left out
(``statistics.POPULATION``); every figure is a ``measure`` of the case list over that population,
so its drill-down lists exactly the cases behind it.
"""

from shangwu.cases.filtersets import QUEUES, CaseFilterSet, NotificationFilterSet
from shangwu.cases.models import Case, Notification
from shangwu.cases.statistics import breakdown_from_buckets
from shangwu.core.figures import (
    AverageFigure,
    CountFigure,
    RateFigure,
    Selection,
    region_params,
    register,
    register_breakdown_reader,
)

# A breakdown of the case figures (the statistics page) reads the monthly buckets when it can.
register_breakdown_reader(Case, breakdown_from_buckets)


def measure(name: str):
    def select(date_from, date_to, region):
        return Selection(
            model=Case,
            filterset=CaseFilterSet,
            page="cases:case_list",
            api="case-list",
            params={
                "received_from": date_from.isoformat(),
                "received_to": date_to.isoformat(),
                "measure": name,
                **region_params(region),
            },
            period_field="received_at",
        )

    return select


POPULATION = "期间内受理、未被合并的案件"

RECEIVED = register(
    CountFigure(
        key="cases.received",
        label="受理数",
        unit="件",
        definition=f"{POPULATION}的件数。",
        select=measure("received"),
    )
)
CLOSED = register(
    CountFigure(
        key="cases.closed",
        label="办结数",
        unit="件",
        definition=f"{POPULATION}中已办结的件数。",
        select=measure("closed"),
    )
)
register(
    RateFigure(
        key="cases.closed_rate",
        label="办结率",
        unit="%",
        definition=f"{POPULATION}中已办结的件数占受理数的百分比。",
        numerator=measure("closed"),
        denominator=measure("received"),
    )
)
register(
    RateFigure(
        key="cases.on_time_rate",
        label="按期办结率",
        unit="%",
        definition=f"{POPULATION}中，办结时限前申请办结并获批的件数占办结数的百分比。",
        numerator=measure("on_time"),
        denominator=measure("closed"),
    )
)
register(
    RateFigure(
        key="cases.first_satisfaction_rate",
        label="满意率（首次评价）",
        unit="%",
        definition=f"{POPULATION}中，首次回访即评价满意或基本满意的件数占已评价件数的百分比。",
        numerator=measure("first_satisfied"),
        denominator=measure("rated"),
    )
)
register(
    RateFigure(
        key="cases.satisfaction_rate",
        label="满意率（最终评价）",
        unit="%",
        definition=f"{POPULATION}中，最近一次评价为满意或基本满意的件数占已评价件数的百分比。",
        numerator=measure("satisfied"),
        denominator=measure("rated"),
    )
)
register(
    CountFigure(
        key="cases.reopened",
        label="不满意重办",
        unit="件",
        definition=f"{POPULATION}中，因评价不满意至少重办过一次的件数。",
        select=measure("reopened"),
    )
)
register(
    CountFigure(
        key="cases.open_overdue",
        label="超期未办结",
        unit="件",
        definition=f"{POPULATION}中，查询时尚未办结且当前环节已超过时限（红灯）的件数。",
        select=measure("overdue"),
    )
)
register(
    AverageFigure(
        key="cases.avg_working_days",
        label="平均办理工作日",
        unit="个工作日",
        definition=f"{POPULATION}中已办结案件从受理到办结的工作日数（不含挂起）之和除以办结数。",
        select=measure("closed"),
        amount="workdays_to_close",
        row_amount=lambda row: row["workdays_to_close"] or 0,
    )
)


# --- 我的待办: the cases waiting for the asking user's unit, one figure per queue -----------------


def queue(name: str):
    def select(date_from, date_to, region):
        return Selection(
            model=Case,
            filterset=CaseFilterSet,
            page="cases:case_list",
            api="case-list",
            params={"queue": name, **region_params(region)},
        )

    return select


QUEUE_DEFINITIONS = {
    "to_assign": "查询时由本人所在单位交办、处于待交办或被退回状态的案件件数（领导另含其下属单位被退回的案件）。",
    "to_sign": "查询时由本人所在单位牵头（或经本单位交办给外部单位）、待签收的案件件数。",
    "to_handle": "查询时由本人所在单位牵头（或经本单位交办给外部单位）、办理中的案件件数。",
    "to_review": "查询时由本人所在单位交办、待审核办结的案件件数。",
    "to_revisit": "查询时由本人所在单位交办、待回访的案件件数。",
}
for _name, _label in QUEUES:
    register(
        CountFigure(
            key=f"cases.queue.{_name}",
            label=_label,
            unit="件",
            definition=QUEUE_DEFINITIONS[_name],
            current=True,
            select=queue(_name),
        )
    )


def extensions_pending(date_from, date_to, region):
    return Selection(
        model=Case,
        filterset=CaseFilterSet,
        page="cases:case_list",
        api="case-list",
        params={"extension_pending": "true", **region_params(region)},
    )


register(
    CountFigure(
        key="cases.extensions_pending",
        label="待审批延期/挂起",
        unit="件",
        definition="查询时由本人所在单位交办、有延期或挂起申请等待本单位审批的案件件数。",
        current=True,
        select=extensions_pending,
    )
)


# --- 通知: the asking user's own unread notifications ---------------------------------------------


def notifications_unread(date_from, date_to, region):
    # A user's own mail has no region: narrowing it to a county or township is refused (400).
    return Selection(
        model=Notification,
        filterset=NotificationFilterSet,
        page="cases:notification_list",
        api="notification-list",
        params={"unread": "true", **region_params(region, county=None, township=None)},
    )


register(
    CountFigure(
        key="cases.notifications_unread",
        label="未读通知",
        unit="条",
        definition="查询时本人尚未阅读的通知条数。",
        current=True,
        select=notifications_unread,
    )
)


# The statistics page's columns (``statistics.COLUMNS``) and the figure each one states.
COLUMN_FIGURES = {
    "received": "cases.received",
    "closed": "cases.closed",
    "close_rate": "cases.closed_rate",
    "on_time_rate": "cases.on_time_rate",
    "avg_workdays": "cases.avg_working_days",
    "first_satisfaction_rate": "cases.first_satisfaction_rate",
    "satisfaction_rate": "cases.satisfaction_rate",
    "reopened": "cases.reopened",
    "overdue": "cases.open_overdue",
}
