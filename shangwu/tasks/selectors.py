"""Read-side queries of key-task supervision: report states, lagging tasks, unit statistics,
the 督办通报 and the 工作台 panel. Every query starts from ``restrict()``."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts.choices import Role
from shangwu.core import periods
from shangwu.core.access import Access, can
from shangwu.core.numbers import percent, percent_text
from shangwu.organization.choices import RegionLevel
from shangwu.tasks import cycles
from shangwu.tasks.choices import FINAL_STATUSES, GRADE_SCORE, ReportState, TaskStatus
from shangwu.tasks.evaluation import PlanFacts, evaluate
from shangwu.tasks.models import Plan, QuarterReview, Task, TaskCoUnit

OFFICE_UNIT_NAME = "办公室"


def plan_list_visible(*, user):
    return Plan.objects.restrict(user, "view")


def plan_current(*, user, on: datetime.date | None = None) -> Plan | None:
    """This year's plan (the latest one), else the most recent plan."""
    on = on or timezone.localdate()
    plans = plan_list_visible(user=user)
    return (
        plans.filter(year=on.year).order_by("-created_at", "-id").first()
        or plans.order_by("-year", "-created_at", "-id").first()
    )


def task_list_for_plan(*, user, plan):
    return (
        Task.objects.restrict(user, "view")
        .filter(plan=plan)
        .select_related("plan", "section", "lead_unit", "leader")
        .prefetch_related(
            Prefetch("co_unit_links", queryset=TaskCoUnit.objects.select_related("unit"))
        )
    )


# Inside ``plan_facts_shared()``, one evaluation per (user, plan, day): the 工作台's figures
# (their filters) and its items read the same picture of a plan instead of evaluating it again.
_shared_facts: ContextVar[dict | None] = ContextVar("tasks_shared_plan_facts", default=None)


@contextmanager
def plan_facts_shared():
    token = _shared_facts.set({}) if _shared_facts.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _shared_facts.reset(token)


def plan_shared(pk: int) -> Plan | None:
    """The plan ``pk``, read once inside ``plan_facts_shared()`` (the 督办通报 puts its own in):
    the figures of one bulletin name their plan by pk and find it here, not in a query each."""
    shared = _shared_facts.get()
    key = ("plan", pk)
    if shared is not None and key in shared:
        return shared[key]
    plan = Plan.objects.filter(pk=pk).first()
    if shared is not None:
        shared[key] = plan
    return plan


def share_plan(plan) -> None:
    shared = _shared_facts.get()
    if shared is not None:
        shared[("plan", plan.pk)] = plan


def plan_facts(
    *, user, plan, on: datetime.date | None = None, reports_on: datetime.date | None = None
) -> PlanFacts:
    shared = _shared_facts.get()
    key = (
        getattr(user, "pk", None),
        getattr(user, "role", None),
        getattr(user, "region_id", None),
        getattr(user, "org_unit_id", None),
        plan.pk,
        on or timezone.localdate(),
        reports_on,
    )
    if shared is not None and key in shared:
        return shared[key]
    if shared is None:
        return evaluate(
            plan=plan, tasks=task_list_for_plan(user=user, plan=plan), on=on, reports_on=reports_on
        )
    # The 工作台: the evaluation of an earlier request, while nothing it read has changed since
    # (the stamp is read before evaluating, so a write racing the evaluation only makes the
    # next request evaluate again, never keeps a stale picture).
    stamp = plan_stamp(plan)
    kept = _evaluations.get(key)
    if kept is not None and kept[0] == stamp:
        facts = kept[1]
    else:
        facts = evaluate(
            plan=plan, tasks=task_list_for_plan(user=user, plan=plan), on=on, reports_on=reports_on
        )
        if len(_evaluations) >= EVALUATIONS_KEPT:
            _evaluations.clear()
        _evaluations[key] = (stamp, facts)
    shared[key] = facts
    return facts


# The 工作台's plan evaluations, per process: {(user, scope, plan, day, reports day): (stamp,
# facts)}. Read only by ``plan_facts`` inside ``plan_facts_shared()``; nothing mutates the facts.
_evaluations: dict[tuple, tuple[tuple, PlanFacts]] = {}
EVALUATIONS_KEPT = 512


def plan_stamp(plan) -> tuple:
    """Everything ``evaluate`` reads about ``plan``, as one row from one query: the plan's and
    its tasks' last change (``updated_at``) and number, its co-units, reports, milestones and
    task events (number and newest id: every service that changes a milestone or corrects a
    report writes a task event), and the working-day calendar its due dates depend on."""
    from django.db import connection

    from shangwu.tasks.models import Milestone, Report, TaskEvent
    from shangwu.workcalendar.models import CalendarYear, DayArrangement

    task = Task._meta.db_table

    def child(model, fk="task_id"):
        table = model._meta.db_table
        joined = f"FROM {table} x JOIN {task} t ON x.{fk} = t.id WHERE t.plan_id = p.id"
        return f"(SELECT COUNT(*) {joined}), (SELECT MAX(x.id) {joined})"

    sql = (
        f"SELECT p.updated_at, (SELECT COUNT(*) FROM {task} t WHERE t.plan_id = p.id), "
        f"(SELECT MAX(t.updated_at) FROM {task} t WHERE t.plan_id = p.id), "
        f"{child(TaskCoUnit)}, {child(Report)}, {child(Milestone)}, {child(TaskEvent)}, "
        f"(SELECT MAX(updated_at) FROM {CalendarYear._meta.db_table}), "
        f"(SELECT COUNT(*) FROM {DayArrangement._meta.db_table}), "
        f"(SELECT MAX(id) FROM {DayArrangement._meta.db_table}) "
        f"FROM {Plan._meta.db_table} p WHERE p.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk])
        return tuple(cursor.fetchone() or ())


def task_ids_with_missing_reports(*, user, tasks, on: datetime.date | None = None) -> set[int]:
    """Of ``tasks``, the open ones whose lead unit's report is 未报送 for at least one cycle
    already due on ``on`` (the 工作台's 未报送, over every plan the tasks belong to)."""
    on = on or timezone.localdate()
    ids: set[int] = set()
    for plan in Plan.objects.filter(pk__in=tasks.values("plan_id")):
        try:
            facts = plan_facts(user=user, plan=plan, on=on)
        except cycles.CalendarYearUnknown:
            continue
        for f in facts.tasks:
            if f.task.status not in FINAL_STATUSES and any(
                f.state(c) == ReportState.MISSING for c in facts.past_cycles
            ):
                ids.add(f.task.pk)
    return ids


def task_ids_by_report_state(*, user, tasks, on: datetime.date, which: str) -> set[int]:
    """Of ``tasks``: ``which="pending"``, the open ones whose lead unit's report for the cycle
    running on ``on`` is not filed yet (本期待报送); ``"last_missing"``, those whose report for
    the last cycle already due on ``on`` is 未报送 (as the 督办通报 of that cycle counts)."""
    ids: set[int] = set()
    for plan in Plan.objects.filter(pk__in=tasks.values("plan_id")):
        try:
            facts = plan_facts(user=user, plan=plan, on=on)
        except cycles.CalendarYearUnknown:
            continue
        if which == "pending":
            current = cycles.cycle_for_date(plan, on)
            ids |= {
                f.task.pk
                for f in facts.tasks
                if current
                and f.task.status not in FINAL_STATUSES
                and f.state(current) == ReportState.PENDING
            }
        elif facts.past_cycles:
            last = facts.past_cycles[-1]
            ids |= {f.task.pk for f in facts.tasks if f.state(last) == ReportState.MISSING}
    return ids


BULLETIN_REPORTS = ("due", ReportState.ON_TIME, ReportState.LATE, ReportState.MISSING)


def _report_states(report: str) -> set[str] | None:
    """The report states ``report`` names ("due": 应报送, i.e. on time, late or missing)."""
    return {
        "due": {ReportState.ON_TIME, ReportState.LATE, ReportState.MISSING},
        "": None,
    }.get(report, {report})


def _bulletin_facts(*, user, tasks, on: datetime.date, plan_id, cycle):
    """(facts, cycle) of each plan the 督办通报 read on ``on`` covers: ``plan_id``'s, or every
    plan of ``tasks``; its ``cycle`` or the last cycle due before ``on``. The same facts as
    ``bulletin_context`` (``plan_facts`` with the same days)."""
    if plan_id is not None:
        plans = [p for p in [plan_shared(plan_id)] if p is not None]
    else:
        plans = list(Plan.objects.filter(pk__in=tasks.values("plan_id")))
    for plan in plans:
        try:
            due = [c for c, _ in bulletin_cycles(plan=plan, on=on)]
            chosen = cycle if cycle is not None else (due[0] if due else None)
            if chosen not in due:
                continue
            as_of = bulletin_as_of(plan=plan, cycle=chosen, today=on)
            facts = plan_facts(user=user, plan=plan, on=as_of, reports_on=on)
        except cycles.CalendarYearUnknown:
            continue
        yield facts, chosen


def task_ids_in_bulletin(
    *,
    user,
    tasks,
    on: datetime.date,
    plan_id: int | None = None,
    cycle: int | None = None,
    report: str = "",
    status: str = "",
) -> set[int]:
    """Of ``tasks``, those the 督办通报 of ``cycle`` (default: the last cycle due before ``on``)
    counts when read on ``on``: its plan's tasks (``plan_id``, or every plan of ``tasks``) with,
    if asked, the lead unit's report for the cycle in state ``report`` ("due": 应报送, i.e. on
    time, late or missing) and the status the rules give at the cycle's close ``status``. The
    same facts as ``bulletin_context``, so inside ``plan_facts_shared()`` the bulletin's figures
    and its lists read one evaluation."""
    (found,) = tasks_in_bulletin(
        user=user,
        tasks=tasks,
        on=on,
        plan_id=plan_id,
        cycle=cycle,
        asks=[{"report": report, "status": status}],
    )
    return set(found)


def reports_of(f, wanted: set[str]) -> int:
    """The lead unit's reports of task facts ``f`` in the states ``wanted``, over the cycles
    the facts have a state for (those due by the bulletin's close, and one filed early), as
    the table 各单位情况 counts them (``unit_list_stats``)."""
    return sum(state in wanted for state in f.states.values())


def tasks_in_bulletin(
    *, user, tasks, on: datetime.date, plan_id=None, cycle=None, asks: list[dict]
) -> list[dict[int, int]]:
    """For each of ``asks`` ({"report", "status", "reports"}, each optional), {task: amount} of
    the tasks the 督办通报 selects (``task_ids_in_bulletin``): the amount is 1, or with
    ``reports`` the task's reports in that state ("due": owed) over the cycles so far, the
    tasks without one left out (the table 各单位情况's 应报/按时/逾期/未报). One reading of
    the facts for all of them."""
    conditions = [
        (
            _report_states(ask.get("report", "")),
            ask.get("status", ""),
            _report_states(ask["reports"]) if ask.get("reports") else None,
        )
        for ask in asks
    ]
    found: list[dict[int, int]] = [{} for _ in asks]
    for facts, chosen in _bulletin_facts(
        user=user, tasks=tasks, on=on, plan_id=plan_id, cycle=cycle
    ):
        for f in facts.tasks:
            state = f.state(chosen)
            for out, (selected, status, reports) in zip(found, conditions, strict=True):
                if (selected is not None and state not in selected) or (
                    status and f.status != status
                ):
                    continue
                n = 1 if reports is None else reports_of(f, reports)
                if n:
                    out[f.task.pk] = n
    return found


# --- per-unit statistics ------------------------------------------------------------------------


@dataclass
class UnitStats:
    unit: object
    tasks: int = 0
    done: int = 0
    on_track: int = 0
    lagging: int = 0
    not_started: int = 0
    cancelled: int = 0
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    missing_tasks: list = field(default_factory=list)  # tasks missing the chosen cycle's report
    grade: str = ""
    comment: str = ""
    # The 督办通报's cells of the unit (``tasks.figures.UNIT_KEYS``' names → figures).
    figures: dict = field(default_factory=dict)

    @property
    def cells(self) -> list[dict]:
        """The numbers of the row 各单位情况 shows, each its figure linked to the tasks behind it
        (the rate: those reported on time)."""
        out = []
        for figure in self.figures.values():
            text = figure.display if figure.unit == "%" else str(int(figure.value))
            drill = figure.drill.get("numerator", figure.drill)
            out.append({"key": figure.key, "text": text, "url": drill["page"], "figure": figure})
        return out

    @property
    def on_time_rate(self) -> float | None:
        """按时报送率: reports filed by the due date / reports owed (cycles already due)."""
        return percent(self.on_time, self.expected)

    @property
    def rate_text(self) -> str:
        rate = self.on_time_rate
        return percent_text(rate)


def unit_list_stats(*, facts: PlanFacts, cycle: int | None = None) -> list[UnitStats]:
    """Per lead unit: tasks, completed, on track, lagging, reports on time / late / missing and
    the on-time rate over the cycles already due; ``cycle``: also list the tasks missing that
    cycle's report. Ordered by on-time rate, then fewer lagging tasks."""
    rows: dict[int, UnitStats] = {}
    for f in facts.tasks:
        unit = f.task.lead_unit
        if unit is None:
            continue
        row = rows.setdefault(unit.pk, UnitStats(unit=unit))
        row.tasks += 1
        row.done += f.status == TaskStatus.DONE
        row.on_track += f.status == TaskStatus.ON_TRACK
        row.lagging += f.status == TaskStatus.LAGGING
        row.not_started += f.status == TaskStatus.NOT_STARTED
        row.cancelled += f.status == TaskStatus.CANCELLED
        for _c, state in f.states.items():
            if state == ReportState.PENDING:
                continue
            row.expected += 1
            row.on_time += state == ReportState.ON_TIME
            row.late += state == ReportState.LATE
            row.missing += state == ReportState.MISSING
        if cycle is not None and f.state(cycle) == ReportState.MISSING:
            row.missing_tasks.append(f.task)
    return sorted(
        rows.values(),
        key=lambda r: (
            -(r.on_time_rate if r.on_time_rate is not None else -1),
            r.lagging,
            r.unit.sort_order,
            r.unit.pk,
        ),
    )


# --- 督办通报 -----------------------------------------------------------------------------------


def bulletin_cycles(*, plan, on: datetime.date | None = None) -> list[tuple[int, str]]:
    """The cycles a bulletin can be issued for: those whose due date has passed, newest first."""
    on = on or timezone.localdate()
    return [(c, cycles.cycle_label(plan, c)) for c in reversed(cycles.cycles_due_before(plan, on))]


def bulletin_as_of(*, plan, cycle: int, today: datetime.date | None = None) -> datetime.date:
    """The bulletin shows the picture at the cycle's close: the later of the day after the due
    date and the period's last day, but never after today."""
    today = today or timezone.localdate()
    due = cycles.cycle_due_date(plan, cycle)
    end = cycles.cycle_period(plan, cycle)[1]
    return min(today, max(due + datetime.timedelta(days=1), end))


def bulletin_context(*, user, plan, cycle: int, today: datetime.date | None = None) -> dict:
    """The 督办通报 for one cycle: counts, lagging tasks with reasons, units with missing
    reports, each unit's figures and the leaders' latest quarterly comments."""
    from shangwu.tasks.figures import (
        BULLETIN_KEYS,
        UNIT_KEYS,
        bulletin_specs,
        bulletin_unit_specs,
        unit_breakdown,
    )

    today = today or timezone.localdate()
    as_of = bulletin_as_of(plan=plan, cycle=cycle, today=today)
    with plan_facts_shared():
        share_plan(plan)
        # Task statuses as at the cycle's close; reports as known today (a report filed after
        # the close is 逾期报送, not 未报送), as the 工作台 counts them.
        facts = plan_facts(user=user, plan=plan, on=as_of, reports_on=today)
        # The headline numbers are the registry's (tasks.cycle_*), and each unit's row of
        # 各单位情况 the figures of that table for the unit's tasks: one reading of the facts.
        headline, per_unit = unit_breakdown(
            {**bulletin_specs(plan, cycle), **bulletin_unit_specs(plan, cycle)},
            user=user,
            lead_units={f.task.pk: f.task.lead_unit_id for f in facts.tasks},
            date_from=min(cycles.cycle_period(plan, cycle)[0], today),
            date_to=today,
        )
    figs = {name: headline[name] for name in BULLETIN_KEYS}
    counts = {s: int(figs[s].value) for s in TaskStatus.values}
    states = {s: 0 for s in ReportState.values}
    for f in facts.tasks:
        states[f.state(cycle)] += 1
    for s in (ReportState.ON_TIME, ReportState.LATE, ReportState.MISSING):
        states[s] = int(figs[s].value)
    owed = int(figs["due"].value)
    rate = figs["on_time_rate"].value
    headline = [
        _headline_cell(figs["total"], "重点任务", int(figs["total"].value)),
        *(_headline_cell(figs[value], label, counts[value]) for value, label in TaskStatus.choices),
        _headline_cell(figs["on_time_rate"], "本期按时报送率", "—" if rate is None else f"{rate}%"),
    ]
    units = unit_list_stats(facts=facts, cycle=cycle)
    for u in units:
        u.figures = {name: per_unit[u.unit.pk][name] for name in UNIT_KEYS}
    lagging = [f for f in facts.tasks if f.status == TaskStatus.LAGGING]
    year, quarter = periods.quarter_of(cycles.cycle_due_date(plan, cycle))
    reviews = list(review_list_latest(user=user, plan=plan, year=year, quarter=quarter))
    review_quarter = (reviews[0].year, reviews[0].quarter) if reviews else None
    return {
        "plan": plan,
        "cycle": cycle,
        "label": cycles.cycle_label(plan, cycle),
        "as_of": as_of,
        "due": cycles.cycle_due_date(plan, cycle),
        "facts": facts,
        "total": int(figs["total"].value),
        "figures": figs,
        "headline": headline,
        "counts": counts,
        "states": states,
        "owed": owed,
        "counts_list": [(label, counts[value]) for value, label in TaskStatus.choices],
        "lagging": lagging,
        "units": units,
        "units_missing": [u for u in units if u.missing_tasks],
        "late_reports": [f for f in facts.tasks if f.state(cycle) == ReportState.LATE],
        "reviews": reviews,
        "review_quarter": review_quarter,
        "on_time_rate": None if rate is None else float(rate),
    }


def _headline_cell(figure, label: str, text) -> dict:
    """One number of the bulletin's headline, linked to the tasks behind it (a rate: those
    reported on time)."""
    drill = figure.drill.get("numerator", figure.drill)
    return {"key": figure.key, "label": label, "text": text, "url": drill["page"], "figure": figure}


def bulletin_summary_text(ctx: dict) -> str:
    counts, states = ctx["counts"], ctx["states"]
    text = (
        f"截至{cycles.date_cn(ctx['as_of'])}，{ctx['plan'].title}共{ctx['total']}项重点任务，"
        f"已完成{counts[TaskStatus.DONE]}项，正常推进{counts[TaskStatus.ON_TRACK]}项，"
        f"滞后{counts[TaskStatus.LAGGING]}项，未启动{counts[TaskStatus.NOT_STARTED]}项"
    )
    if counts[TaskStatus.CANCELLED]:
        text += f"，已取消{counts[TaskStatus.CANCELLED]}项"
    text += (
        f"。{ctx['label']}应报送进展{ctx['owed']}项，按时报送{states[ReportState.ON_TIME]}项，"
        f"逾期报送{states[ReportState.LATE]}项，未报送{states[ReportState.MISSING]}项"
    )
    if ctx["on_time_rate"] is not None:
        text += f"，按时报送率{percent_text(ctx['on_time_rate'])}"
    return text + "。"


# --- 季度点评 -----------------------------------------------------------------------------------


def review_list_latest(*, user, plan, year: int, quarter: int):
    """The quarter's reviews, or failing those the latest quarter reviewed before it."""
    qs = (
        QuarterReview.objects.restrict(user, "view")
        .filter(plan=plan)
        .select_related("unit", "reviewer")
    )
    found = qs.filter(year=year, quarter=quarter)
    if found.exists():
        return found.order_by("unit__sort_order", "unit__name")
    last = (
        qs.filter(year__lte=year)
        .exclude(year=year, quarter__gt=quarter)
        .order_by("-year", "-quarter")
        .first()
    )
    if last is None:
        return qs.none()
    return qs.filter(year=last.year, quarter=last.quarter).order_by(
        "unit__sort_order", "unit__name"
    )


def review_ranking(*, user, plan, year: int, quarter: int) -> list[dict]:
    """Units ranked for a quarter: grade first, then on-time rate at the quarter's end, then
    fewer lagging tasks. Units with tasks but no grade yet come last."""
    end = periods.period_range(periods.QUARTER, year, quarter)[1]
    facts = plan_facts(
        user=user, plan=plan, on=min(end + datetime.timedelta(days=1), timezone.localdate())
    )
    stats = {s.unit.pk: s for s in unit_list_stats(facts=facts)}
    reviews = {
        r.unit_id: r
        for r in QuarterReview.objects.restrict(user, "view")
        .filter(plan=plan, year=year, quarter=quarter)
        .select_related("unit", "reviewer")
    }
    rows = []
    for unit_id, s in stats.items():
        r = reviews.get(unit_id)
        rows.append(
            {
                "unit": s.unit,
                "stats": s,
                "review": r,
                "score": GRADE_SCORE.get(r.grade, 0) if r else 0,
            }
        )
    for unit_id, r in reviews.items():
        if unit_id not in stats:
            rows.append(
                {"unit": r.unit, "stats": None, "review": r, "score": GRADE_SCORE.get(r.grade, 0)}
            )
    rows.sort(
        key=lambda row: (
            -row["score"],
            -((row["stats"].on_time_rate or 0) if row["stats"] else 0),
            row["stats"].lagging if row["stats"] else 0,
            row["unit"].sort_order,
            row["unit"].pk,
        )
    )
    rank = 0
    for i, row in enumerate(rows, start=1):
        if row["review"]:
            rank = i
            row["rank"] = rank
        else:
            row["rank"] = None
    return rows


def review_history(*, user, plan) -> dict:
    """Every unit's grade per reviewed quarter: {"quarters": [(year, q)], "rows": [(unit, [review|None])]}."""
    reviews = list(
        QuarterReview.objects.restrict(user, "view").filter(plan=plan).select_related("unit")
    )
    quarters = sorted({(r.year, r.quarter) for r in reviews})
    units = {}
    for r in reviews:
        units.setdefault(r.unit_id, (r.unit, {}))[1][(r.year, r.quarter)] = r
    rows = [
        (unit, [grades.get(q) for q in quarters])
        for unit, grades in sorted(units.values(), key=lambda u: (u[0].sort_order, u[0].name))
    ]
    return {"quarters": quarters, "rows": rows}


# --- 工作台 -------------------------------------------------------------------------------------


def is_supervisor(user) -> bool:
    """Leaders and the office (办公室) that runs supervision see every unit's gaps."""
    if user.role == Role.LEADER:
        return True
    unit = getattr(user, "org_unit", None)
    return user.role == Role.CITY_STAFF and unit is not None and unit.name == OFFICE_UNIT_NAME


def task_dashboard_panel(*, user, today: datetime.date | None = None):
    """For the user's unit: its open tasks, those to report this cycle, those with reports
    missing and the lagging ones; for leaders and the 办公室: the tasks, the last cycle's missing
    reports across units and the lagging tasks. Every number is a registered figure
    (``tasks.figures``) over this year's plans, evaluated once (``plan_facts_shared``)."""
    if not can(user, Access.BUSINESS, "view") or user.region is None:
        return []
    today = today or timezone.localdate()
    plan = plan_current(user=user, on=today)
    if plan is None:
        return []
    with plan_facts_shared():
        try:
            facts = plan_facts(user=user, plan=plan, on=today)
        except cycles.CalendarYearUnknown as exc:
            return {
                "title": "重点任务督办",
                "icon": "list-check",
                "figures": [],
                "items": [(str(exc), "")],
            }
        return _task_panels(user=user, plan=plan, facts=facts, today=today)


def _task_panels(*, user, plan, facts, today):
    from shangwu.core import figures as registry

    current = cycles.cycle_for_date(plan, today)
    past = facts.past_cycles
    last = past[-1] if past else None
    period = {"user": user, "date_from": datetime.date(today.year, 1, 1), "date_to": today}
    panels = []
    unit = user.org_unit
    supervisor = is_supervisor(user)
    in_charge = unit is not None and any(
        f.task.status not in FINAL_STATUSES
        and (
            f.task.lead_unit_id == unit.pk
            or any(link.unit_id == unit.pk for link in f.task.co_unit_links.all())
        )
        for f in facts.tasks
    )
    if in_charge or not supervisor:
        data = registry.compute_many(
            [
                "tasks.mine_lead",
                "tasks.mine_co",
                "tasks.mine_to_report",
                "tasks.mine_reports_missing",
                "tasks.mine_lagging",
            ],
            **period,
        )
        mine = [
            f
            for f in facts.tasks
            if unit is not None
            and f.task.lead_unit_id == unit.pk
            and f.task.status not in FINAL_STATUSES
        ]
        to_report = [f for f in mine if current and f.state(current) == ReportState.PENDING]
        missing = [(f, c) for f in mine for c in past if f.state(c) == ReportState.MISSING]
        items = [
            (
                f"待报送：{f.task}",
                reverse("tasks:report_add", args=[f.task.pk]) + f"?cycle={current}",
            )
            for f in to_report[:6]
        ]
        items += [
            (
                f"未报送{facts.labels[c]}：{f.task}",
                reverse("tasks:report_add", args=[f.task.pk]) + f"?cycle={c}",
            )
            for f, c in missing[-6:]
        ]
        panels.append(
            {
                "title": f"重点任务（{unit}）" if unit else "重点任务",
                "icon": "list-check",
                "figures": [
                    registry.panel_cell(data["tasks.mine_lead"], label="牵头任务"),
                    registry.panel_cell(data["tasks.mine_co"], label="配合任务"),
                    registry.panel_cell(
                        data["tasks.mine_to_report"],
                        label=f"本期（{facts.labels.get(current, '—')}）待报送",
                    ),
                    registry.panel_cell(
                        data["tasks.mine_reports_missing"], label="有未报送进展的任务"
                    ),
                    registry.panel_cell(data["tasks.mine_lagging"], label="滞后任务"),
                ],
                "items": items,
            }
        )
    if supervisor and user.region.level == RegionLevel.CITY:
        from shangwu.tasks.figures import unit_last_cycle_missing

        units = [u for u in unit_list_stats(facts=facts, cycle=last) if u.missing_tasks][:8]
        per_unit = [unit_last_cycle_missing(u.unit) for u in units] if last else []
        data = registry.compute_many(
            ["tasks.total", "tasks.last_cycle_missing", "tasks.lagging", *per_unit], **period
        )
        # Each unit's line states its figure and opens the tasks behind it.
        items = [
            registry.panel_cell(data[spec.key], label=f"{u.unit}：{facts.labels[last]}未报送")
            for u, spec in zip(units, per_unit, strict=True)
        ]
        items += [
            (f"滞后：{f.task}（{f.reasons[0] if f.reasons else ''}）", f.task.get_absolute_url())
            for f in facts.tasks
            if f.status == TaskStatus.LAGGING
        ][:6]
        panels.append(
            {
                "title": "重点任务督办（全局）",
                "icon": "megaphone",
                "figures": [
                    registry.panel_cell(data["tasks.total"], label="重点任务"),
                    registry.panel_cell(
                        data["tasks.last_cycle_missing"],
                        label=f"{facts.labels[last]}未报送" if last else "未报送",
                    ),
                    registry.panel_cell(data["tasks.lagging"], label="滞后任务"),
                ],
                "items": items,
            }
        )
    return panels
