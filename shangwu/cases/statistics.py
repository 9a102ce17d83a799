"""The statistics of case handling: ONE definition shared by the page, the export, the API and
later reports.

Population: cases *received* in the date range (受理时间), in the user's scope, excluding
duplicates merged into another case (已合并: they are not separate matters).

- 受理数 received: all of them
- 办结数 closed: status 已办结
- 办结率 = 办结数 ÷ 受理数
- 按期办结率 = 按期办结数 ÷ 办结数 (按期: the approved 申请办结 came before the 办结时限, stored
  at closing in ``closed_on_time``)
- 平均办理工作日 = Σ ``workdays_to_close`` ÷ 办结数 (受理 → 办结 in working days, paused days
  excluded; stored on every case when it closes)
- 满意率 is reported two ways, over the same 已评价 (cases with at least one 回访):
  - 首次满意率 = cases whose *first* 回访 was 满意 or 基本满意 ÷ 已评价. A 不满意 reopens the
    case (重办), and only a 满意/基本满意 closes it, so the first 回访 was satisfied exactly when
    the case is rated satisfied and was never reopened.
  - 最终满意率 = (满意 + 基本满意) ÷ 已评价, by the latest rating of each case (a case reopened
    and then rated 满意 counts as satisfied).
  Shown beside 不满意重办, so a high final rate cannot hide many first-time 不满意.
- 不满意重办 = cases reopened at least once after a 不满意 rating
- 超期未办结 = open cases whose pending deadline has passed (red light), at the moment of the query

Every number is a filter (``MEASURES``) that the case list applies too, so each drills down to
exactly the cases behind it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, Count, DateTimeField, Expression, Func, Q, Sum, Value
from django.db.models.functions import Coalesce

from shangwu.cases.choices import CaseSource, CaseStatus, Rating
from shangwu.cases.deadlines import add_months, end_of_day, local_date, overdue_q

POPULATION = ~Q(status=CaseStatus.MERGED)


class QueryMoment(Expression):
    """The moment a query is compiled, as a parameter: an index range uses it like any constant
    (SQLite's own 'now' keeps it from bounding a range)."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection):
        from django.utils import timezone

        return "%s", [self.output_field.get_db_prep_value(timezone.now(), connection)]


MEASURES: dict[str, tuple[str, Q]] = {
    "received": ("受理数", Q()),
    "closed": ("办结数", Q(status=CaseStatus.CLOSED)),
    "on_time": ("按期办结数", Q(status=CaseStatus.CLOSED, closed_on_time=True)),
    "rated": ("已评价", ~Q(rating="")),
    "satisfied": ("满意+基本满意", Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
    "first_satisfied": (
        "首次评价满意",
        Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY], reopen_count=0),
    ),
    "unsatisfied": ("不满意", Q(rating=Rating.UNSATISFIED)),
    "reopened": ("不满意重办", Q(reopen_count__gt=0)),
    "overdue": ("超期未办结", overdue_q(QueryMoment())),
}

DIMENSIONS = {
    "unit": "主办单位",
    "county": "县(市、区)",
    "source": "来源",
    "category": "类别",
    "month": "月份",
}
DIMENSION_FIELD = {
    "unit": "lead_unit",
    "county": "county",
    "source": "source",
    "category": "category",
}

COLUMNS = [
    ("received", "受理数"),
    ("closed", "办结数"),
    ("close_rate", "办结率"),
    ("on_time_rate", "按期办结率"),
    ("avg_workdays", "平均办理工作日"),
    ("first_satisfaction_rate", "满意率（首次评价）"),
    ("satisfaction_rate", "满意率（最终评价）"),
    ("reopened", "不满意重办"),
    ("overdue", "超期未办结"),
]
# Which measure filter each column drills down to (rates drill down to their numerator).
DRILL = {
    "received": "received",
    "closed": "closed",
    "close_rate": "closed",
    "on_time_rate": "on_time",
    "avg_workdays": "closed",
    "first_satisfaction_rate": "first_satisfied",
    "satisfaction_rate": "satisfied",
    "reopened": "reopened",
    "overdue": "overdue",
}


@dataclass
class Row:
    key: object
    label: str
    received: int = 0
    closed: int = 0
    on_time: int = 0
    workdays_sum: int = 0
    rated: int = 0
    satisfied: int = 0
    reopened: int = 0
    overdue: int = 0
    first_satisfied: int = 0

    @staticmethod
    def _rate(part, whole):
        # Half up, as every figure (core.figures): round() rounded 0.25 down, after float error.
        from shangwu.core.figures import ratio_percent

        return float(ratio_percent(part, whole)) if whole else None

    @property
    def avg_workdays(self):
        from shangwu.core.figures import round_half_up

        return float(round_half_up(Decimal(self.workdays_sum) / self.closed)) if self.closed else None

    @property
    def close_rate(self):
        return self._rate(self.closed, self.received)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.closed)

    @property
    def satisfaction_rate(self):
        """最终满意率 (the latest rating of each case)."""
        return self._rate(self.satisfied, self.rated)

    @property
    def first_satisfaction_rate(self):
        """首次满意率 (each case's first 回访)."""
        return self._rate(self.first_satisfied, self.rated)


BUCKET_COUNTERS = [
    "received",
    "closed",
    "on_time",
    "workdays_sum",
    "rated",
    "satisfied",
    "reopened",
    "first_satisfied",
]
COUNTERS = [*BUCKET_COUNTERS, "overdue"]
ONE = Value(1)  # COUNT(1): a count that, unlike COUNT(id), an index-only scan can answer


def _aggregates():
    """The counters as SQL aggregates over cases (the raw path; 超期未办结 is separate).
    COUNT(1), not COUNT(id): the id is in no covering index, so counting it read the table."""
    return {
        "received": Count(ONE),
        "closed": Count(ONE, filter=MEASURES["closed"][1]),
        "on_time": Count(ONE, filter=MEASURES["on_time"][1]),
        "workdays_sum": Sum("workdays_to_close", filter=MEASURES["closed"][1]),
        "rated": Count(ONE, filter=MEASURES["rated"][1]),
        "satisfied": Count(ONE, filter=MEASURES["satisfied"][1]),
        "reopened": Count(ONE, filter=MEASURES["reopened"][1]),
        "first_satisfied": Count(ONE, filter=MEASURES["first_satisfied"][1]),
    }


class LocalMonth(Func):
    """'YYYY-MM' of a datetime in Asia/Shanghai, as plain SQL (TruncMonth is a Python function
    per row on SQLite)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y-%%m', {sql}, '+8 hours')", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char(({sql}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')", params


def received_between(date_from: datetime.date, date_to: datetime.date) -> Q:
    start = end_of_day(date_from - datetime.timedelta(days=1)) + datetime.timedelta(seconds=1)
    return Q(received_at__gte=start, received_at__lte=end_of_day(date_to))


def population(*, user, date_from, date_to):
    from shangwu.cases.models import Case

    return Case.objects.restrict(user, "view").filter(
        POPULATION, received_between(date_from, date_to)
    )


# --- the monthly buckets (CaseStatBucket): kept by the services, rebuilt after bulk loads -------


def bucket_key(case) -> tuple:
    month = local_date(case.received_at).replace(day=1)
    return (month, case.county_id, case.lead_unit_id or 0, case.source, case.category_id)


def bucket_vector(case) -> dict[str, int]:
    """What one case adds to its bucket, by the definitions above."""
    if case.status == CaseStatus.MERGED:
        return dict.fromkeys(BUCKET_COUNTERS, 0)
    closed = case.status == CaseStatus.CLOSED
    return {
        "received": 1,
        "closed": int(closed),
        "on_time": int(closed and case.closed_on_time is True),
        "workdays_sum": (case.workdays_to_close or 0) if closed else 0,
        "rated": int(case.rating != ""),
        "satisfied": int(case.rating in (Rating.SATISFIED, Rating.BASICALLY)),
        "reopened": int(case.reopen_count > 0),
        "first_satisfied": int(
            case.rating in (Rating.SATISFIED, Rating.BASICALLY) and case.reopen_count == 0
        ),
    }


def bucket_state(case) -> tuple[tuple, dict]:
    return bucket_key(case), bucket_vector(case)


def bucket_apply(before: tuple | None, after: tuple | None) -> None:
    """Move one case's contribution from ``before`` to ``after`` ((key, vector) or None)."""
    deltas: dict[tuple, dict] = {}
    for state, sign in ((before, -1), (after, 1)):
        if state is None:
            continue
        key, vector = state
        row = deltas.setdefault(key, dict.fromkeys(BUCKET_COUNTERS, 0))
        for name, value in vector.items():
            row[name] += sign * value
    for key, delta in deltas.items():
        if any(delta.values()):
            _bucket_add(key, delta)


def _bucket_add(key: tuple, delta: dict) -> None:
    from django.db import connection

    from shangwu.cases.models import CaseStatBucket

    table = CaseStatBucket._meta.db_table
    keys = ["month", "county_id", "lead_unit_id", "source", "category_id"]
    month, *rest = key
    params = [
        connection.ops.adapt_datefield_value(month),
        *rest,
        *(delta[c] for c in BUCKET_COUNTERS),
    ]
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in BUCKET_COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(keys + BUCKET_COUNTERS)}) VALUES "
            f"({', '.join(['%s'] * (len(keys) + len(BUCKET_COUNTERS)))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}",
            params,
        )


def buckets_rebuild() -> int:
    """Recompute every bucket from the cases (after a bulk load; also a safe repair)."""
    from django.db import transaction
    from django.db.models.functions import Coalesce

    from shangwu.cases.models import Case, CaseStatBucket

    grouped = (
        Case.objects.filter(POPULATION)
        .order_by()
        .annotate(m=LocalMonth("received_at"), unit=Coalesce("lead_unit_id", 0))
        .values("m", "county_id", "unit", "source", "category_id")
        .annotate(**_aggregates())
    )
    rows = [
        CaseStatBucket(
            month=datetime.date(int(g["m"][:4]), int(g["m"][5:7]), 1),
            county_id=g["county_id"],
            lead_unit_id=g["unit"],
            source=g["source"],
            category_id=g["category_id"],
            **{c: g[c] or 0 for c in BUCKET_COUNTERS},
        )
        for g in grouped
    ]
    with transaction.atomic():
        CaseStatBucket.objects.all().delete()
        CaseStatBucket.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- the figures ---------------------------------------------------------------------------------

CASE_DIM = {
    "unit": "lead_unit_id",
    "county": "county_id",
    "source": "source",
    "category": "category_id",
}


def _month_key(text: str) -> datetime.date:
    return datetime.date(int(text[:4]), int(text[5:7]), 1)


def _group_cases(qs, dimension: str, aggregates: dict) -> list[tuple[object, dict]]:
    if dimension == "month":
        grouped = (
            qs.order_by().annotate(k=LocalMonth("received_at")).values("k").annotate(**aggregates)
        )
        return [(_month_key(g.pop("k")), g) for g in grouped]
    # Grouped by an expression, not the bare column: otherwise SQLite may walk a whole index led
    # by that column (to get the groups in order) instead of the received_at range.
    field = CASE_DIM[dimension]
    default = Value("") if dimension == "source" else Value(0)
    grouped = qs.order_by().annotate(k=Coalesce(field, default)).values("k").annotate(**aggregates)
    return [(g.pop("k"), g) for g in grouped]


def _full_months(date_from, date_to) -> tuple[datetime.date, datetime.date] | None:
    """The first and last month lying wholly inside the range (None: no whole month)."""
    first = date_from if date_from.day == 1 else add_months(date_from.replace(day=1), 1)
    after_last = date_to + datetime.timedelta(days=1)
    last = (
        add_months(after_last.replace(day=1), -1)
        if after_last.day == 1
        else add_months(date_to.replace(day=1), -1)
    )
    return (first, last) if first <= last else None


def _scope_parts(user) -> list:
    """``Case.objects.restrict(user)`` split into disjoint querysets that each use an index:
    for a county, its own cases, then those of other counties its unit leads, then those it
    co-handles (the OR of ``restrict`` alone makes SQLite test the co-unit subquery on every row
    of the other counties). Elsewhere just ``restrict``."""
    from shangwu.cases.models import Case
    from shangwu.organization.choices import RegionLevel

    region = user.region
    if region.level != RegionLevel.COUNTY:
        return [Case.objects.restrict(user, "view")]
    unit = user.org_unit_id
    parts = [Case.objects.filter(county_id=region.pk).restrict(user, "view")]
    # "Another county" as the counties before and after this one, each its own query: the index
    # on (lead_unit, county, received_at) then seeks straight to the few such cases, where
    # NOT (county = …) made PostgreSQL read every case the unit leads in its own county.
    # Usually there are none: a part with no case at all (one indexed probe) is left out, so no
    # planner is tempted to scan the range's cases for them (SQLite chose a covering index on the
    # dates over the selective one on the unit).
    for elsewhere in (Q(county_id__lt=region.pk), Q(county_id__gt=region.pk)):
        for part in (
            Case.objects.filter(elsewhere, lead_unit_id=unit),
            Case.objects.filter(elsewhere, co_units=unit).exclude(lead_unit_id=unit),
        ):
            part = part.restrict(user, "view")
            if part.exists():
                parts.append(part)
    return parts


def _collect(*, user, dimension, date_from, date_to) -> dict[object, dict]:
    """Counters per dimension value. Whole months come from the buckets; the edge days of the
    range, the cases a county sees only as lead or co-unit, and 超期未办结 come from the cases
    (index-only scans). A township's own data is small: all from the cases."""
    from django.db.models import Sum as S

    from shangwu.cases.models import Case, CaseStatBucket
    from shangwu.core.access import can
    from shangwu.organization.choices import RegionLevel

    totals: dict[object, dict] = {}

    def add(pairs):
        for key, values in pairs:
            row = totals.setdefault(key, dict.fromkeys(COUNTERS, 0))
            for name, value in values.items():
                row[name] += value or 0

    def from_cases(parts, first, last, extra=None, aggregates=None):
        for qs in parts:
            qs = qs.filter(POPULATION, received_between(first, last), extra or Q())
            add(_group_cases(qs, dimension, aggregates or _aggregates()))

    region = getattr(user, "region", None)
    if region is None or not can(user, Case.access, "view"):
        return totals
    parts = _scope_parts(user)
    months = _full_months(date_from, date_to) if region.level != RegionLevel.TOWNSHIP else None
    if months is None:
        from_cases(parts, date_from, date_to)
    else:
        first, last = months
        buckets = CaseStatBucket.objects.filter(month__gte=first, month__lte=last)
        if region.level == RegionLevel.COUNTY:
            buckets = buckets.filter(county_id=region.pk)
        field = "month" if dimension == "month" else CASE_DIM[dimension]
        add(
            (g.pop(field), g)
            for g in buckets.order_by().values(field).annotate(**{c: S(c) for c in BUCKET_COUNTERS})
        )
        if date_from < first:  # edge days before the first whole month
            from_cases(parts, date_from, first - datetime.timedelta(days=1))
        after = add_months(last, 1)
        if after <= date_to:  # edge days after the last whole month
            from_cases(parts, after, date_to)
        if (
            region.level == RegionLevel.COUNTY
        ):  # other counties' cases this unit leads or co-handles
            from_cases(parts[1:], first, after - datetime.timedelta(days=1))
    from_cases(parts, date_from, date_to, MEASURES["overdue"][1], {"overdue": Count(ONE)})
    if dimension == "unit" and 0 in totals:
        zero = totals.pop(0)
        add([(None, zero)])
    return totals


def _row(key, label, values) -> Row:
    return Row(key=key, label=label, **{k: (v or 0) for k, v in values.items()})


def _total(rows: list[Row]) -> Row:
    return Row(key=None, label="合计", **{k: sum(getattr(r, k) for r in rows) for k in COUNTERS})


def case_statistics(
    *, user, dimension: str, date_from: datetime.date, date_to: datetime.date
) -> dict:
    """Rows per value of ``dimension`` plus a total row, for cases received in the range."""
    from shangwu.cases.models import CaseCategory
    from shangwu.organization.models import OrgUnit, Region

    if dimension not in DIMENSIONS:
        dimension = "unit"
    totals = {
        k: v
        for k, v in _collect(
            user=user, dimension=dimension, date_from=date_from, date_to=date_to
        ).items()
        if v["received"]
    }
    keys = [k for k in totals if k is not None]
    rows: list[Row] = []
    if dimension == "month":
        for month in sorted(totals):
            first = max(month, date_from)
            last = min(add_months(month, 1) - datetime.timedelta(days=1), date_to)
            rows.append(_row((first, last), f"{month:%Y年%m月}", totals[month]))
    else:
        if dimension == "unit":
            names = {u.pk: str(u) for u in OrgUnit.objects.filter(pk__in=keys)}
        elif dimension == "county":
            names = {r.pk: r.name for r in Region.objects.filter(pk__in=keys)}
        elif dimension == "category":
            names = {c.pk: c.name for c in CaseCategory.objects.filter(pk__in=keys)}
        else:
            names = dict(CaseSource.choices)
        for key, values in totals.items():
            rows.append(
                _row(key, names.get(key, "未交办") if key is not None else "未交办", values)
            )
        rows.sort(key=lambda r: (-r.received, r.label))
    return {
        "dimension": dimension,
        "dimension_label": DIMENSIONS[dimension],
        "rows": rows,
        "total": _total(rows),  # the rows partition the population: the total is their sum
        "columns": COLUMNS,
        "date_from": date_from,
        "date_to": date_to,
    }


def drill_params(*, dimension: str, row: Row | None, column: str, date_from, date_to) -> dict:
    """The case-list query string behind one number."""
    params = {
        "received_from": date_from.isoformat(),
        "received_to": date_to.isoformat(),
        "measure": DRILL[column],
    }
    if row is not None and row.key is not None:
        if dimension == "month":
            params["received_from"], params["received_to"] = (
                row.key[0].isoformat(),
                row.key[1].isoformat(),
            )
        else:
            params[{"unit": "lead_unit"}.get(dimension, dimension)] = row.key
    elif row is not None and dimension == "unit" and row.label == "未交办":
        params["unassigned"] = "true"
    return params


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """1—本月累计: from 1 January to today, as the monthly bulletins count."""
    return today.replace(month=1, day=1), today
