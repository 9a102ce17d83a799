"""Facts about a plan's tasks on a given day: each lead unit's report state per cycle, the
lagging reasons and the status the rules give. Three queries whatever the number of tasks
(tasks are passed in, already restricted by the caller; reports; milestones)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from shangwu.tasks import cycles, lagging
from shangwu.tasks.choices import FINAL_STATUSES, ReportState
from shangwu.tasks.models import Milestone, Report


@dataclass
class TaskFacts:
    task: object
    states: dict[int, str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    status: str = ""
    reported: bool = False

    def state(self, cycle: int) -> str:
        return self.states.get(cycle, ReportState.NOT_DUE)


@dataclass
class PlanFacts:
    plan: object
    on: datetime.date
    cycles: list[int]  # cycles begun by ``on`` (their period has started)
    due: dict[int, datetime.date]
    labels: dict[int, str]
    tasks: list[TaskFacts]

    @property
    def past_cycles(self) -> list[int]:
        """Cycles whose due date has passed by ``on``."""
        return [c for c in self.cycles if self.due[c] < self.on]

    def by_task(self) -> dict[int, TaskFacts]:
        return {f.task.pk: f for f in self.tasks}


def plan_cycles_begun(plan, on: datetime.date) -> list[int]:
    if on < datetime.date(plan.year, 1, 1):
        return []
    return [
        i for i in range(1, cycles.cycle_count(plan) + 1) if cycles.cycle_period(plan, i)[0] <= on
    ]


def evaluate(
    *, plan, tasks, on: datetime.date | None = None, reports_on: datetime.date | None = None
) -> PlanFacts:
    """``tasks``: the plan's tasks the caller may see (a queryset or list).

    ``reports_on`` (default ``on``, never earlier): the day up to which filed reports count
    for the report states of cycles already due by ``on``. One definition of 未报送 for the
    工作台 and the 督办通报: a report still not filed today is missing, and one filed after the
    cycle's close is 逾期报送, whatever day the picture of the task statuses is taken."""
    on = on or timezone.localdate()
    reports_on = max(on, reports_on or on)
    tasks = list(tasks)
    begun = plan_cycles_begun(plan, on)
    due = cycles.due_dates(plan, begun)
    labels = {i: cycles.cycle_label(plan, i) for i in begun}
    start = cycles.reporting_start(plan)
    ids = [t.pk for t in tasks]
    submitted: dict[tuple[int, int], datetime.date] = {}
    first_report: dict[int, datetime.date] = {}
    for task_id, cycle, at in Report.objects.filter(task_id__in=ids, is_lead=True).values_list(
        "task_id", "cycle", "submitted_at"
    ):
        day = timezone.localdate(at)
        key = (task_id, cycle)
        if key not in submitted or day < submitted[key]:
            submitted[key] = day
        if task_id not in first_report or day < first_report[task_id]:
            first_report[task_id] = day
    milestones: dict[int, list[lagging.MilestoneFact]] = {}
    for task_id, name, due_on, done_on in Milestone.objects.filter(task_id__in=ids).values_list(
        "task_id", "name", "due_on", "done_on"
    ):
        milestones.setdefault(task_id, []).append(lagging.MilestoneFact(name, due_on, done_on))

    facts = []
    for task in tasks:
        f = TaskFacts(task=task)
        at_close: dict[int, str] = {}
        closed = task.closed_on if task.status in FINAL_STATUSES else None
        for c in begun:
            if (
                due[c] < start
                or task.lead_unit_id is None
                or (closed is not None and closed <= due[c] and closed <= on)
            ):
                continue
            submitted_on = submitted.get((task.pk, c))
            at_close[c] = lagging.report_state(due=due[c], submitted_on=submitted_on, on=on)
            f.states[c] = (
                lagging.report_state(due=due[c], submitted_on=submitted_on, on=reports_on)
                if due[c] < on
                else at_close[c]
            )
        f.reported = task.pk in first_report and first_report[task.pk] <= on
        # The task's lagging reasons are those of day ``on``.
        past = [(labels[c], s) for c, s in at_close.items() if s != ReportState.PENDING]
        f.reasons = lagging.lag_reasons(
            on=on,
            deadline=task.deadline,
            closed_on=closed,
            milestones=milestones.get(task.pk, []),
            states=past,
        )
        if task.status in FINAL_STATUSES and not (closed is None or closed <= on):
            # Closed after ``on``: it was still running then.
            stored = ""
        else:
            stored = task.status
        f.status = lagging.status_on(
            stored=stored, closed_on=closed, on=on, reasons=f.reasons, reported=f.reported
        )
        facts.append(f)
    return PlanFacts(plan=plan, on=on, cycles=begun, due=due, labels=labels, tasks=facts)
