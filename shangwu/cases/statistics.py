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

from django.db.models import Count, DateTimeField, Expression, Q, Sum, Value
from django.db.models.functions import Coalesce

from shangwu.cases.choices import CaseSource, CaseStatus, Rating
from shangwu.cases.deadlines import add_months, end_of_day, local_date, overdue_q
from shangwu.core import figures

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


@dataclass
class Row:
    """One line of the table: a group's figures (``figures[column]``, registry figures with
    their drill-downs), or, for 合计, the figures themselves. The counts and rates below are read
    from them, for the export and the API (rates and averages as floats, as they always were)."""

    key: object
    label: str
    figures: dict  # column -> core.figures.Figure

    def _count(self, column) -> int:
        return int(self.figures[column].value)

    def _float(self, column):
        value = self.figures[column].value
        return None if value is None else float(value)

    def url(self, column) -> str:
        """The list of the cases behind the cell (a rate: its numerator)."""
        drill = self.figures[column].drill
        return drill.get("numerator", drill)["page"]

    def text(self, column) -> str:
        figure = self.figures[column]
        if figure.value is None:
            return "—"
        return f"{figure.value}%" if column.endswith("_rate") else str(self.value(column))

    def value(self, column):
        """The cell as the export writes it: counts as int, rates and averages as float."""
        return self._float(column) if column in FLOAT_COLUMNS else self._count(column)

    received = property(lambda self: self._count("received"))
    closed = property(lambda self: self._count("closed"))
    reopened = property(lambda self: self._count("reopened"))
    overdue = property(lambda self: self._count("overdue"))
    on_time = property(lambda self: self.figures["on_time_rate"].numerator_count)
    rated = property(lambda self: self.figures["satisfaction_rate"].count)
    satisfied = property(lambda self: self.figures["satisfaction_rate"].numerator_count)
    first_satisfied = property(lambda self: self.figures["first_satisfaction_rate"].numerator_count)
    close_rate = property(lambda self: self._float("close_rate"))
    on_time_rate = property(lambda self: self._float("on_time_rate"))
    avg_workdays = property(lambda self: self._float("avg_workdays"))
    satisfaction_rate = property(
        lambda self: self._float("satisfaction_rate"), doc="最终满意率 (the latest rating)."
    )
    first_satisfaction_rate = property(
        lambda self: self._float("first_satisfaction_rate"), doc="首次满意率 (the first 回访)."
    )


FLOAT_COLUMNS = {
    "close_rate",
    "on_time_rate",
    "avg_workdays",
    "first_satisfaction_rate",
    "satisfaction_rate",
}


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


# 'YYYY-MM' in Asia/Shanghai: the one month expression of every breakdown (core.figures).
LocalMonth = figures.LocalMonth


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
    """Recompute every bucket from the cases (after a bulk load; also a safe repair). Returns the
    number of bucket rows written."""
    return _buckets_rebuild()[1]


@dataclass
class BucketsRebuilt:
    """What ``case_statistics_rebuild`` did: the cases counted, the rows written, and how many
    rows were wrong before (missing, left over, or with other counts)."""

    cases: int
    rows: int
    added: int
    removed: int
    corrected: int

    @property
    def repaired(self) -> int:
        return self.added + self.removed + self.corrected

    def summary(self) -> str:
        done = f"已按 {self.cases} 件案件（不含已合并）重建案件统计月度汇总，共 {self.rows} 行；"
        if not self.repaired:
            return done + "原汇总与案件一致，无需修正。"
        return done + (
            f"修正 {self.repaired} 行：补上缺少的 {self.added} 行，删除多余的 {self.removed} 行，"
            f"改正计数不符的 {self.corrected} 行。"
        )


BUCKET_KEYS = ["month", "county_id", "lead_unit_id", "source", "category_id"]


def _bucket_table() -> dict[tuple, tuple]:
    from shangwu.cases.models import CaseStatBucket

    width = len(BUCKET_KEYS)
    return {
        row[:width]: row[width:]
        for row in CaseStatBucket.objects.order_by().values_list(*BUCKET_KEYS, *BUCKET_COUNTERS)
        if any(row[width:])  # a row the services emptied counts as absent
    }


def _buckets_rebuild() -> tuple[dict, int]:
    """Rebuild inside one transaction; return (the table before, rows written)."""
    from django.db import connection, transaction
    from django.db.models.functions import Coalesce

    from shangwu.cases.models import Case, CaseStatBucket

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The case services upsert buckets in their own transactions: hold them off until the
            # new totals are in, and read the cases only after any that already wrote committed.
            # (SQLite's IMMEDIATE transactions already serialize the writers.)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {CaseStatBucket._meta.db_table} IN EXCLUSIVE MODE")
        before = _bucket_table()
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
        CaseStatBucket.objects.all().delete()
        CaseStatBucket.objects.bulk_create(rows, batch_size=2000)
    return before, len(rows)


def case_statistics_rebuild() -> BucketsRebuilt:
    """``shangwu rebuild_case_statistics``: rebuild the monthly buckets from the cases, say which
    rows were wrong, and write one audit row. Idempotent: a second run finds nothing to repair."""
    from django.db import transaction

    from shangwu.audit.choices import AuditAction
    from shangwu.audit.services import audit_write
    from shangwu.cases.models import CaseStatBucket

    with transaction.atomic():
        before, written = _buckets_rebuild()
        after = _bucket_table()
        result = BucketsRebuilt(
            cases=sum(counters[BUCKET_COUNTERS.index("received")] for counters in after.values()),
            rows=written,
            added=len(after.keys() - before.keys()),
            removed=len(before.keys() - after.keys()),
            corrected=sum(1 for key in after.keys() & before.keys() if after[key] != before[key]),
        )
        audit_write(
            action=AuditAction.UPDATE,
            object_type=CaseStatBucket._meta.label_lower,
            object_repr=str(CaseStatBucket._meta.verbose_name),
            detail=result.summary(),
        )
    return result


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


# The statistics page's dimensions as filters of the case list (what a cell's drill-down adds).
DIMENSION_FILTER = {
    "unit": "lead_unit",
    "county": "county",
    "source": "source",
    "category": "category",
    "month": figures.MONTH,
}
FILTER_DIMENSION = {v: k for k, v in DIMENSION_FILTER.items()}
# The counter of the buckets each case-list measure counts (``MEASURES``).
MEASURE_COUNTER = {
    "received": "received",
    "closed": "closed",
    "on_time": "on_time",
    "rated": "rated",
    "satisfied": "satisfied",
    "first_satisfied": "first_satisfied",
    "reopened": "reopened",
    "overdue": "overdue",
}


def breakdown_from_buckets(parts, *, by, user, date_from, date_to, region):
    """``core.figures.breakdown``'s reader for the case figures: the groups from the monthly
    buckets (``_collect``) rather than one GROUP BY over the cases.

    Decided by measurement (bench/cases_speed.py times both): the nine case figures by county
    over 18 months for the leader, SQLite, 100,000 cases, quiet machine: 93 ms from the buckets,
    698 ms from one GROUP BY over the cases (2026-12-07; the GROUP BY grows with the cases: its
    conditional counts read every case of the range). So the page keeps the buckets. They hold exactly the
    figures' definitions: core/tests/test_breakdowns.py holds every cell of the page to its
    drill-down list, and ``test_the_monthly_buckets_agree_with_the_cases_for_any_range_and_scope``
    the buckets to the cases. Only the plain case figures over the whole period, in the user's
    own scope, by a dimension the buckets keep: anything else (a region, another filter) returns
    None and the general GROUP BY answers."""
    if region is not None or by not in FILTER_DIMENSION:
        return None
    wanted = []
    for part in parts:
        params = part.selection.params
        if set(params) != {"received_from", "received_to", "measure"} or (
            params["received_from"],
            params["received_to"],
        ) != (date_from.isoformat(), date_to.isoformat()):
            return None
        counter = MEASURE_COUNTER.get(params["measure"])
        if counter is None or part.aggregate is not None:
            return None
        if part.amount and (part.amount, counter) != ("workdays_to_close", "closed"):
            return None
        wanted.append((counter, "workdays_sum" if part.amount else None))
    collected = _collect(
        user=user, dimension=FILTER_DIMENSION[by], date_from=date_from, date_to=date_to
    )
    return {
        key: [(values[c], values[s] if s else None) for c, s in wanted]
        for key, values in collected.items()
        if any(values.values())
    }


def case_statistics(
    *, user, dimension: str, date_from: datetime.date, date_to: datetime.date
) -> dict:
    """Rows per value of ``dimension`` plus a total row, for cases received in the range: the
    registry's case figures (``cases.figures.COLUMN_FIGURES``) broken down by the case-list filter
    of the dimension (``core.figures.breakdown``); the total row is the figures themselves. The
    page, its export and the API all read this."""
    from shangwu.cases.figures import COLUMN_FIGURES
    from shangwu.cases.models import CaseCategory
    from shangwu.organization.models import OrgUnit, Region

    if dimension not in DIMENSIONS:
        dimension = "unit"
    columns = [key for key, _label in COLUMNS]
    table = figures.breakdown(
        [COLUMN_FIGURES[c] for c in columns],
        by=DIMENSION_FILTER[dimension],
        user=user,
        date_from=date_from,
        date_to=date_to,
    )

    def by_column(found: dict) -> dict:
        return {c: found[COLUMN_FIGURES[c]] for c in columns}

    groups = [g for g in table.groups if g.figures[COLUMN_FIGURES["received"]].value]
    keys = [g.value for g in groups if g.value is not None]
    rows: list[Row] = []
    if dimension == "month":
        for group in sorted(groups, key=lambda g: g.value):
            month = group.value
            first = max(month, date_from)
            last = min(add_months(month, 1) - datetime.timedelta(days=1), date_to)
            rows.append(Row((first, last), f"{month:%Y年%m月}", by_column(group.figures)))
    else:
        if dimension == "unit":
            names = {u.pk: str(u) for u in OrgUnit.objects.filter(pk__in=keys)}
        elif dimension == "county":
            names = {r.pk: r.name for r in Region.objects.filter(pk__in=keys)}
        elif dimension == "category":
            names = {c.pk: c.name for c in CaseCategory.objects.filter(pk__in=keys)}
        else:
            names = dict(CaseSource.choices)
        for group in groups:
            label = names.get(group.value, "未交办") if group.value is not None else "未交办"
            rows.append(Row(group.value, label, by_column(group.figures)))
        rows.sort(key=lambda r: (-r.received, r.label))
    return {
        "dimension": dimension,
        "dimension_label": DIMENSIONS[dimension],
        "rows": rows,
        "total": Row(None, "合计", by_column(table.totals)),
        "columns": COLUMNS,
        "date_from": date_from,
        "date_to": date_to,
    }


def drill_params(*, dimension: str, row: Row | None, column: str, date_from, date_to) -> dict:
    """The case-list query string behind one number: its figure's drill-down (a rate's
    numerator); ``row`` None: the total's, the registered figure's own."""
    from urllib.parse import parse_qsl, urlsplit

    if row is not None:
        return dict(parse_qsl(urlsplit(row.url(column)).query))
    from shangwu.cases.figures import COLUMN_FIGURES

    spec = figures.get(COLUMN_FIGURES[column])
    select = getattr(spec, "numerator", None) or spec.select
    return {k: str(v) for k, v in select(date_from, date_to, None).params.items()}


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """1—本月累计: from 1 January to today, as the monthly bulletins count."""
    return today.replace(month=1, day=1), today
