"""The statistics of case handling: ONE definition shared by the page, the export, the API and
later reports.

Population: cases *received* in the date range (受理时间), in the user's scope, excluding
duplicates merged into another case (已合并: they are not separate matters).

- 受理数 received: all of them
- 办结数 closed: status 已办结
- 办结率 = 办结数 ÷ 受理数
- 按期办结率 = 按期办结数 ÷ 办结数 (按期: the approved 申请办结 came before the 办结时限, stored
  at closing in ``closed_on_time``)
- 平均办理工作日 = average ``workdays_to_close`` of closed cases (受理 → 办结, paused days excluded)
- 满意率 = (满意 + 基本满意) ÷ 已评价 (the latest rating of each case)
- 不满意重办 = cases reopened at least once after a 不满意 rating
- 超期未办结 = open cases whose light is red now

Every number is a filter (``MEASURES``) that the case list applies too, so each drills down to
exactly the cases behind it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from shangwu.cases.choices import OPEN_STATUSES, CaseSource, CaseStatus, Light, Rating
from shangwu.cases.deadlines import add_months, end_of_day

POPULATION = ~Q(status=CaseStatus.MERGED)

MEASURES: dict[str, tuple[str, Q]] = {
    "received": ("受理数", Q()),
    "closed": ("办结数", Q(status=CaseStatus.CLOSED)),
    "on_time": ("按期办结数", Q(status=CaseStatus.CLOSED, closed_on_time=True)),
    "rated": ("已评价", ~Q(rating="")),
    "satisfied": ("满意+基本满意", Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
    "unsatisfied": ("不满意", Q(rating=Rating.UNSATISFIED)),
    "reopened": ("不满意重办", Q(reopen_count__gt=0)),
    "overdue": ("超期未办结", Q(status__in=OPEN_STATUSES, light=Light.RED)),
}

DIMENSIONS = {
    "unit": "主办单位",
    "county": "县(市、区)",
    "source": "来源",
    "category": "类别",
    "month": "月份",
}
DIMENSION_FIELD = {"unit": "lead_unit", "county": "county", "source": "source", "category": "category"}

COLUMNS = [
    ("received", "受理数"), ("closed", "办结数"), ("close_rate", "办结率"), ("on_time_rate", "按期办结率"),
    ("avg_workdays", "平均办理工作日"), ("satisfaction_rate", "满意率"), ("reopened", "不满意重办"),
    ("overdue", "超期未办结"),
]
# Which measure filter each column drills down to (rates drill down to their numerator).
DRILL = {"received": "received", "closed": "closed", "close_rate": "closed", "on_time_rate": "on_time",
         "avg_workdays": "closed", "satisfaction_rate": "satisfied", "reopened": "reopened", "overdue": "overdue"}


@dataclass
class Row:
    key: object
    label: str
    received: int = 0
    closed: int = 0
    on_time: int = 0
    avg_workdays: float | None = None
    rated: int = 0
    satisfied: int = 0
    reopened: int = 0
    overdue: int = 0

    @staticmethod
    def _rate(part, whole):
        return round(part * 100 / whole, 1) if whole else None

    @property
    def close_rate(self):
        return self._rate(self.closed, self.received)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.closed)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.rated)


def _aggregates():
    return {
        "received": Count("id"),
        "closed": Count("id", filter=MEASURES["closed"][1]),
        "on_time": Count("id", filter=MEASURES["on_time"][1]),
        "avg_workdays": Avg("workdays_to_close", filter=MEASURES["closed"][1]),
        "rated": Count("id", filter=MEASURES["rated"][1]),
        "satisfied": Count("id", filter=MEASURES["satisfied"][1]),
        "reopened": Count("id", filter=MEASURES["reopened"][1]),
        "overdue": Count("id", filter=MEASURES["overdue"][1]),
    }


def received_between(date_from: datetime.date, date_to: datetime.date) -> Q:
    start = end_of_day(date_from - datetime.timedelta(days=1)) + datetime.timedelta(seconds=1)
    return Q(received_at__gte=start, received_at__lte=end_of_day(date_to))


def population(*, user, date_from, date_to):
    from shangwu.cases.models import Case

    return Case.objects.restrict(user, "view").filter(POPULATION, received_between(date_from, date_to))


def _row(key, label, values) -> Row:
    avg = values.get("avg_workdays")
    values = {k: (v or 0) for k, v in values.items() if k != "avg_workdays"}
    return Row(key=key, label=label, avg_workdays=round(avg, 1) if avg is not None else None, **values)


def case_statistics(*, user, dimension: str, date_from: datetime.date, date_to: datetime.date) -> dict:
    """Rows per value of ``dimension`` plus a total row, for cases received in the range."""
    from shangwu.cases.models import CaseCategory
    from shangwu.organization.models import OrgUnit, Region

    if dimension not in DIMENSIONS:
        dimension = "unit"
    qs = population(user=user, date_from=date_from, date_to=date_to)
    rows: list[Row] = []
    if dimension == "month":
        month = date_from.replace(day=1)
        while month <= date_to:
            first, last = max(month, date_from), min(add_months(month, 1) - datetime.timedelta(days=1), date_to)
            values = qs.filter(received_between(first, last)).aggregate(**_aggregates())
            if values["received"]:
                rows.append(_row((first, last), f"{month:%Y年%m月}", values))
            month = add_months(month, 1)
    else:
        field = DIMENSION_FIELD[dimension]
        grouped = list(qs.order_by().values(f"{field}").annotate(**_aggregates()))
        keys = [g[field] for g in grouped]
        if dimension == "unit":
            names = {u.pk: str(u) for u in OrgUnit.objects.filter(pk__in=[k for k in keys if k])}
        elif dimension == "county":
            names = {r.pk: r.name for r in Region.objects.filter(pk__in=keys)}
        elif dimension == "category":
            names = {c.pk: c.name for c in CaseCategory.objects.filter(pk__in=keys)}
        else:
            names = dict(CaseSource.choices)
        for g in grouped:
            key = g.pop(field)
            rows.append(_row(key, names.get(key, "未交办") if key is not None else "未交办", g))
        rows.sort(key=lambda r: (-r.received, r.label))
    total = _row(None, "合计", qs.aggregate(**_aggregates()))
    return {"dimension": dimension, "dimension_label": DIMENSIONS[dimension], "rows": rows, "total": total,
            "columns": COLUMNS, "date_from": date_from, "date_to": date_to}


def drill_params(*, dimension: str, row: Row | None, column: str, date_from, date_to) -> dict:
    """The case-list query string behind one number."""
    params = {"received_from": date_from.isoformat(), "received_to": date_to.isoformat(),
              "measure": DRILL[column]}
    if row is not None and row.key is not None:
        if dimension == "month":
            params["received_from"], params["received_to"] = row.key[0].isoformat(), row.key[1].isoformat()
        else:
            params[{"unit": "lead_unit"}.get(dimension, dimension)] = row.key
    elif row is not None and dimension == "unit" and row.label == "未交办":
        params["unassigned"] = "true"
    return params


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """1—本月累计: from 1 January to today, as the monthly bulletins count."""
    return today.replace(month=1, day=1), today
