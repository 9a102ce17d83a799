"""Key-task supervision services: every write goes through here, each in one transaction, each
task change writing its TaskEvent row (the timeline); the audit rows are written by the signals."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.accounts.choices import Role
from shangwu.core.access import require
from shangwu.core.services import event_record
from shangwu.tasks import cycles
from shangwu.tasks.choices import FINAL_STATUSES, Cycle, Grade, TaskEventKind, TaskStatus
from shangwu.tasks.models import (
    Milestone,
    Plan,
    PlanTarget,
    QuarterReview,
    Report,
    ReportRevision,
    Section,
    Target,
    Task,
    TaskCoUnit,
    TaskEvent,
)

ALL_COUNTIES = "各县（市、区）商务局"


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _event(task, kind, *, actor, note="", from_status="", to_status=""):
    return event_record(
        TaskEvent,
        subject=task,
        kind=kind,
        actor=actor,
        note=note[:2000],
        from_status=from_status,
        to_status=to_status,
    )


def _check_cadence(*, cycle: str, due_day) -> None:
    if cycle not in Cycle.values:
        raise ValidationError({"cycle": f"未知的报送周期“{cycle}”。"})
    try:
        due_day = int(due_day)
    except (TypeError, ValueError):
        raise ValidationError({"due_day": "报送日应为数字。"}) from None
    top = 7 if cycle in (Cycle.WEEKLY, Cycle.BIWEEKLY) else 31
    if not 1 <= due_day <= top:
        what = "星期几（1—7）" if top == 7 else "每月几号（1—31）"
        raise ValidationError({"due_day": f"报送日应为{what}，实际为{due_day}。"})


# --- resolving names found in the text ----------------------------------------------------------


def unit_lookup():
    """name / short name → OrgUnit for every active unit (the importer's suggestions)."""
    from shangwu.organization.models import OrgUnit

    table = {}
    for unit in OrgUnit.objects.filter(is_active=True).select_related("region"):
        table.setdefault(unit.name, unit)
        if unit.short_name:
            table.setdefault(unit.short_name, unit)
    return table


def unit_names() -> list[str]:
    return list(unit_lookup())


def resolve_units(names, lookup=None) -> tuple[list, list[str]]:
    """(units, names not found). “各县（市、区）商务局” stands for every county bureau."""
    from shangwu.organization.choices import OrgUnitKind
    from shangwu.organization.models import OrgUnit

    lookup = lookup if lookup is not None else unit_lookup()
    units, unknown = [], []
    for name in names or ():
        name = (name or "").strip()
        if not name:
            continue
        if name in (ALL_COUNTIES, "各县（市、区）", "各县区商务局", "各县(市、区)商务局"):
            units.extend(
                OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY_BUREAU, is_active=True).order_by(
                    "sort_order", "name"
                )
            )
        elif name in lookup:
            units.append(lookup[name])
        else:
            unknown.append(name)
    seen, unique = set(), []
    for unit in units:
        if unit.pk not in seen:
            seen.add(unit.pk)
            unique.append(unit)
    return unique, unknown


def _resolve_leader(name: str):
    from shangwu.accounts.models import User

    if not name:
        return None
    return (
        User.objects.filter(name=name, is_active=True, role__in=[Role.LEADER, Role.CITY_STAFF])
        .order_by("role", "id")
        .first()
    )


def _indicator_for(text: str, indicators):
    for indicator in indicators:
        for name in (indicator.name, indicator.short_name):
            if name and name in text:
                return indicator
    return None


# --- plans --------------------------------------------------------------------------------------


def plan_import(
    *,
    title: str,
    year: int,
    tree: dict,
    actor,
    cycle: str = Cycle.MONTHLY,
    due_day: int = 25,
    reporting_from: datetime.date | None = None,
    office=None,
) -> Plan:
    """Save a parsed plan (``parser.build_tree``) with its sections, tasks, milestones and
    targets; units, leaders and indicators named in the text are linked where they match.
    Callers import through ``imports.plan_importer.save``, which adds the file's IMPORT row."""
    from shangwu.indicators.models import Indicator

    title = (title or tree.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": "请填写工作要点的标题。"})
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": "年度应为四位数字。"}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": f"年度“{year}”不在2000—2100之间。"})
    _check_cadence(cycle=cycle, due_day=due_day)
    sections = tree.get("sections") or []
    if not any(s.get("tasks") for s in sections):
        raise ValidationError({"tree": "没有识别出任何任务：请在预览中把任务所在的行标为“任务”。"})
    if Plan.objects.filter(year=year, title=title).exists():
        raise ValidationError({"title": f"{year}年已有名为“{title}”的工作要点。"})
    lookup = unit_lookup()
    indicators = list(Indicator.objects.filter(is_active=True).order_by("sort_order"))
    unplaced = "\n".join(f"第{u['line']}行：{u['text']}" for u in tree.get("unplaced") or [])
    with transaction.atomic():
        plan = Plan.objects.create(
            title=title[:200],
            year=year,
            preamble=tree.get("preamble", ""),
            unplaced_text=unplaced,
            cycle=cycle,
            due_day=int(due_day),
            reporting_from=reporting_from,
            numbering_restarts=bool(tree.get("numbering_restarts")),
            office=office,
            created_by=_actor(actor),
        )
        for index, g in enumerate(tree.get("targets") or [], start=1):
            PlanTarget.objects.create(
                plan=plan,
                sort_order=index,
                text=g["text"][:300],
                value_low=Decimal(g["low"]),
                value_high=Decimal(g["high"]) if g.get("high") else None,
                unit=g["unit"][:20],
                indicator=_indicator_for(g["text"], indicators),
            )
        order = 0
        for s_index, s in enumerate(sections, start=1):
            section = Section.objects.create(
                plan=plan,
                number=s_index,
                numeral=(s.get("numeral") or "")[:20],
                title=(s.get("title") or f"第{s_index}部分")[:300],
                text=s.get("text", ""),
            )
            for t in s.get("tasks") or []:
                order += 1
                lead, lead_unknown = resolve_units([t.get("lead_unit")], lookup)
                co, co_unknown = resolve_units(t.get("co_units"), lookup)
                deadline = t.get("deadline")
                task = Task.objects.create(
                    plan=plan,
                    section=section,
                    number=int(t.get("number") or order),
                    sort_order=order,
                    title=(t.get("title") or "")[:300] or f"任务{order}",
                    text=t.get("text", ""),
                    lead_unit=lead[0] if lead else None,
                    leader=_resolve_leader(t.get("leader", "")),
                    deadline=datetime.date.fromisoformat(deadline) if deadline else None,
                )
                for unit in co:
                    if task.lead_unit_id != unit.pk:
                        TaskCoUnit.objects.create(task=task, unit=unit)
                for m in t.get("milestones") or []:
                    Milestone.objects.create(
                        task=task,
                        name=m["name"][:300],
                        due_on=datetime.date.fromisoformat(m["due_on"]),
                    )
                for g in t.get("targets") or []:
                    Target.objects.create(
                        task=task,
                        text=g["text"][:300],
                        value_low=Decimal(g["low"]),
                        value_high=Decimal(g["high"]) if g.get("high") else None,
                        unit=g["unit"][:20],
                        indicator=_indicator_for(g["text"], indicators),
                    )
                note = f"从“{title}”导入"
                unknown = lead_unknown + co_unknown
                if unknown:
                    note += f"；未匹配的单位：{'、'.join(unknown)}"
                _event(task, TaskEventKind.CREATED, actor=actor, note=note, to_status=task.status)
    return plan


def plan_target_update(*, target: PlanTarget, actor, **fields) -> PlanTarget:
    """A plan-level 预期目标: its wording, value range, unit and the indicator that measures it."""
    allowed = {"text", "value_low", "value_high", "unit", "indicator"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(target, key, value)
    if not (target.text or "").strip():
        raise ValidationError({"text": "请填写目标原文。"})
    if target.value_high is not None and target.value_high < target.value_low:
        raise ValidationError({"value_high": "目标区间的上限不能小于下限。"})
    with transaction.atomic():
        target.save()
    return target


def plan_update(*, plan: Plan, actor, **fields) -> Plan:
    """Title, cadence, due day, reporting start, 督办科室."""
    allowed = {"title", "preamble", "cycle", "due_day", "reporting_from", "office"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(plan, key, value)
    _check_cadence(cycle=plan.cycle, due_day=plan.due_day)
    if not (plan.title or "").strip():
        raise ValidationError({"title": "请填写工作要点的标题。"})
    if Plan.objects.filter(year=plan.year, title=plan.title).exclude(pk=plan.pk).exists():
        raise ValidationError({"title": f"{plan.year}年已有名为“{plan.title}”的工作要点。"})
    with transaction.atomic():
        plan.save()
    return plan


# --- tasks --------------------------------------------------------------------------------------

TASK_FIELDS = {"title", "text", "section", "lead_unit", "leader", "deadline", "number"}


def task_update(*, task: Task, actor, co_units=None, note: str = "", **fields) -> Task:
    """Edit a task and assign it (牵头单位、配合单位、责任领导、完成时限); one event row names
    what changed."""
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    labels = {
        f.name: str(f.verbose_name) for f in Task._meta.get_fields() if hasattr(f, "verbose_name")
    }
    changed = []
    for key, value in fields.items():
        if getattr(task, key) != value:
            changed.append(labels.get(key, key))
            setattr(task, key, value)
    if not (task.title or "").strip():
        raise ValidationError({"title": "请填写任务名称。"})
    if task.section_id and task.section.plan_id != task.plan_id:
        raise ValidationError({"section": "所选章节不属于本任务的工作要点。"})
    with transaction.atomic():
        task.save()
        if co_units is not None:
            wanted = {u.pk for u in co_units if u.pk != task.lead_unit_id}
            current = set(task.co_unit_links.values_list("unit_id", flat=True))
            if wanted != current:
                changed.append("配合单位")
                task.co_unit_links.filter(unit_id__in=current - wanted).delete()
                for unit_id in sorted(wanted - current):
                    TaskCoUnit.objects.create(task=task, unit_id=unit_id)
        if changed:
            assigned = {"牵头单位", "配合单位", "责任领导", "完成时限"} & set(changed)
            kind = TaskEventKind.ASSIGNED if assigned else TaskEventKind.UPDATED
            text = f"修改：{'、'.join(changed)}"
            if task.lead_unit_id:
                text += f"；牵头单位：{task.lead_unit}"
            _event(task, kind, actor=actor, note=f"{text}。{note}".strip())
    return task


def plan_assign(*, plan: Plan, actor, changes: dict) -> int:
    """Save the assignment sheet: ``changes`` maps each task of ``plan`` to the fields to set
    (only those the sheet showed; see ``forms.assignment_changes``), all in one transaction.
    Returns how many tasks changed."""
    changed = 0
    with transaction.atomic():
        for task, fields in changes.items():
            if task.plan_id != plan.pk:
                raise ValidationError(f"任务{task.code}不属于本工作要点。")
            fields = dict(fields)
            co_units = fields.pop("co_units", None)
            before = (task.lead_unit_id, task.leader_id, task.deadline, _co_unit_ids(task))
            task_update(task=task, actor=actor, co_units=co_units, **fields)
            changed += before != (
                task.lead_unit_id,
                task.leader_id,
                task.deadline,
                _co_unit_ids(task),
            )
    return changed


def _co_unit_ids(task: Task) -> set[int]:
    return set(task.co_unit_links.values_list("unit_id", flat=True))


def task_change_status(
    *, task: Task, status: str, actor, note: str = "", on: datetime.date | None = None
) -> Task:
    """Close a task (已完成 / 已取消) or reopen it; a reopened task's status comes from the rules."""
    on = on or timezone.localdate()
    if status not in (TaskStatus.DONE, TaskStatus.CANCELLED, "reopen"):
        raise ValidationError({"status": "只能标记为“已完成”“已取消”或重新打开。"})
    if status == TaskStatus.CANCELLED and not (note or "").strip():
        raise ValidationError({"note": "取消任务须填写原因。"})
    old = task.status
    with transaction.atomic():
        if status == "reopen":
            if old not in FINAL_STATUSES:
                raise ValidationError({"status": "任务未办结，无需重新打开。"})
            task.status, task.closed_on = TaskStatus.ON_TRACK, None
            task.save(update_fields=["status", "closed_on", "updated_at"])
            _event(
                task,
                TaskEventKind.STATUS,
                actor=actor,
                note=note or "重新打开",
                from_status=old,
                to_status=task.status,
            )
            return task_refresh_status(task=task, on=on, actor=actor)
        if old == status:
            raise ValidationError({"status": f"任务已是“{task.get_status_display()}”状态。"})
        task.status, task.closed_on, task.status_reason = status, on, ""
        task.save(update_fields=["status", "closed_on", "status_reason", "updated_at"])
        _event(
            task, TaskEventKind.STATUS, actor=actor, note=note, from_status=old, to_status=status
        )
    return task


def task_refresh_status(*, task: Task, on: datetime.date | None = None, actor=None) -> Task:
    """Apply the lagging rules (lagging.py) to one task; writes an event when the status moves."""
    plan_refresh_status(plan=task.plan, on=on, actor=actor, tasks=[task])
    task.refresh_from_db(fields=["status", "status_reason"])
    return task


def plan_refresh_status(
    *, plan: Plan, on: datetime.date | None = None, actor=None, tasks=None
) -> int:
    """Re-evaluate every open task of a plan (the daily ``tasks_refresh`` command); returns how
    many tasks changed status. Idempotent."""
    from shangwu.tasks.evaluation import evaluate

    on = on or timezone.localdate()
    tasks = (
        list(tasks)
        if tasks is not None
        else list(
            Task.objects.filter(plan=plan).exclude(status__in=FINAL_STATUSES).select_related("plan")
        )
    )
    facts = evaluate(plan=plan, tasks=tasks, on=on)
    changed = 0
    with transaction.atomic():
        for f in facts.tasks:
            task = f.task
            if task.status in FINAL_STATUSES:
                continue
            reason = "；".join(f.reasons)
            if task.status == f.status and task.status_reason == reason:
                continue
            old = task.status
            task.status, task.status_reason = f.status, reason
            # save(), not update(): the status change is audited by the signals.
            task.save(update_fields=["status", "status_reason", "updated_at"])
            if old != f.status:
                changed += 1
                _event(
                    task,
                    TaskEventKind.STATUS,
                    actor=actor,
                    from_status=old,
                    to_status=f.status,
                    note=reason or "按报送和节点情况自动判定",
                )
    return changed


def milestone_save(
    *,
    task: Task,
    actor,
    name: str,
    due_on: datetime.date,
    milestone: Milestone | None = None,
    done_on: datetime.date | None = None,
) -> Milestone:
    if not (name or "").strip():
        raise ValidationError({"name": "请填写节点内容。"})
    if due_on is None:
        raise ValidationError({"due_on": "请填写计划完成日期。"})
    with transaction.atomic():
        if milestone is None:
            milestone = Milestone.objects.create(
                task=task, name=name.strip(), due_on=due_on, done_on=done_on
            )
            _event(
                task,
                TaskEventKind.MILESTONE,
                actor=actor,
                note=f"新增里程碑“{milestone.name}”，计划{due_on:%Y-%m-%d}完成",
            )
        else:
            milestone.name, milestone.due_on, milestone.done_on = name.strip(), due_on, done_on
            milestone.save()
            _event(task, TaskEventKind.MILESTONE, actor=actor, note=f"修改里程碑“{milestone.name}”")
    task_refresh_status(task=task, actor=actor)
    return milestone


def milestone_complete(
    *, milestone: Milestone, actor, done_on: datetime.date | None = None
) -> Milestone:
    done_on = done_on or timezone.localdate()
    if milestone.done_on:
        raise ValidationError(
            {"done_on": f"里程碑“{milestone}”已于{milestone.done_on:%Y-%m-%d}完成。"}
        )
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        _event(
            milestone.task,
            TaskEventKind.MILESTONE,
            actor=actor,
            note=f"里程碑“{milestone.name}”于{cycles.date_cn(done_on)}完成",
        )
    task_refresh_status(task=milestone.task, on=max(done_on, timezone.localdate()), actor=actor)
    return milestone


# --- reports ------------------------------------------------------------------------------------


def report_submit(
    *,
    task: Task,
    unit,
    cycle: int,
    actor,
    text: str,
    percent: int | None = None,
    milestone: Milestone | None = None,
    problems: str = "",
    next_steps: str = "",
    submitted_at: datetime.datetime | None = None,
    confirm_lower: bool = False,
) -> Report:
    """A unit files its progress report for one cycle. The lead unit's report is the one that
    counts for 按时报送; one report per unit, task and cycle; filed after the due date it is
    marked 逾期."""
    submitted_at = submitted_at or timezone.now()
    day = (
        timezone.localdate(submitted_at) if timezone.is_aware(submitted_at) else submitted_at.date()
    )
    plan = task.plan
    if unit is None:
        raise ValidationError({"unit": "您的账号没有所属单位，不能报送。"})
    is_lead = task.lead_unit_id == unit.pk
    if not is_lead and not task.co_unit_links.filter(unit=unit).exists():
        raise ValidationError({"unit": f"“{unit}”不是本任务的牵头单位或配合单位，不能报送进展。"})
    if task.status in FINAL_STATUSES:
        raise ValidationError({"task": f"任务已{task.get_status_display()}，无需再报送进展。"})
    try:
        cycle = int(cycle)
        start, _ = cycles.cycle_period(plan, cycle)
    except (TypeError, ValueError):
        raise ValidationError(
            {"cycle": f"报送期次应在1—{cycles.cycle_count(plan)}之间。"}
        ) from None
    if start > day:
        raise ValidationError(
            {"cycle": f"{cycles.cycle_label(plan, cycle)}尚未开始，不能提前报送。"}
        )
    if not (text or "").strip():
        raise ValidationError({"text": "请填写工作进展。"})
    if percent is not None and not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": "完成进度应在0到100之间。"})
    if milestone is not None and milestone.task_id != task.pk:
        raise ValidationError({"milestone": "所选里程碑不属于本任务。"})
    _check_percent_drop(
        task=task, unit=unit, cycle=cycle, percent=percent, confirm_lower=confirm_lower
    )
    if Report.objects.filter(task=task, cycle=cycle, unit=unit).exists():
        raise ValidationError(
            {"cycle": f"“{unit}”已报送过{cycles.cycle_label(plan, cycle)}的进展。"}
        )
    due = cycles.cycle_due_date(plan, cycle)
    with transaction.atomic():
        report = Report.objects.create(
            task=task,
            cycle=cycle,
            unit=unit,
            is_lead=is_lead,
            text=text.strip(),
            percent=percent,
            milestone=milestone,
            problems=(problems or "").strip(),
            next_steps=(next_steps or "").strip(),
            due_on=due,
            is_late=day > due,
            submitted_at=submitted_at,
            submitted_by=_actor(actor),
        )
        note = f"{unit}报送{cycles.cycle_label(plan, cycle)}进展" + (
            "（逾期）" if report.is_late else ""
        )
        if percent is not None:
            note += f"，完成进度{percent}%"
        _event(task, TaskEventKind.REPORT, actor=actor, note=note)
        if milestone is not None and milestone.done_on is None:
            milestone.done_on = day
            milestone.save(update_fields=["done_on"])
            _event(
                task,
                TaskEventKind.MILESTONE,
                actor=actor,
                note=f"里程碑“{milestone.name}”于{cycles.date_cn(day)}完成（随进展报送）",
            )
        task_refresh_status(task=task, on=max(day, timezone.localdate()), actor=actor)
    return report


def _check_percent_drop(*, task, unit, cycle: int, percent, confirm_lower: bool) -> None:
    """A completion percentage lower than the unit's last reported one is usually a typing
    mistake: it is taken only when the unit confirms it."""
    if percent is None or confirm_lower:
        return
    previous = (
        Report.objects.filter(task=task, unit=unit, cycle__lt=cycle, percent__isnull=False)
        .order_by("-cycle")
        .first()
    )
    if previous is not None and int(percent) < previous.percent:
        label = cycles.cycle_label(task.plan, previous.cycle)
        raise ValidationError(
            {
                "confirm_lower": f"完成进度{percent}%低于上期（{label}）报送的{previous.percent}%。"
                "如确实如此，请勾选“确认进度低于上期”后再提交。"
            }
        )


def report_quarter(report: Report) -> tuple[int, int]:
    """(year, quarter) of the quarter the report is due in: the one whose 季度点评 closes it."""
    due = report.due_on
    return due.year, (due.month - 1) // 3 + 1


def report_is_reviewed(report: Report) -> bool:
    """Whether the leaders have graded (季度点评) the unit's quarter the report is due in: from
    then on the report is part of the record and can no longer be corrected."""
    year, quarter = report_quarter(report)
    return QuarterReview.objects.filter(
        plan_id=report.task.plan_id, unit_id=report.unit_id, year=year, quarter=quarter
    ).exists()


def quarters_reviewed(*, plan_id: int, unit_id: int) -> set[tuple[int, int]]:
    """The (year, quarter)s of ``plan_id`` graded for ``unit_id``: ``report_is_reviewed`` for all
    of a unit's reports on one page in one query."""
    return set(
        QuarterReview.objects.filter(plan_id=plan_id, unit_id=unit_id).values_list(
            "year", "quarter"
        )
    )


REPORT_CORRECTABLE = ("text", "percent", "problems", "next_steps")


def report_correct(
    *, report: Report, actor, reason: str, confirm_lower: bool = False, **fields
) -> Report:
    """Its unit corrects a submitted report until the quarter is reviewed; the reason and the
    old values are kept (``ReportRevision``) and the task's timeline says so."""
    unknown = set(fields) - set(REPORT_CORRECTABLE)
    if unknown:
        raise ValidationError(f"不能更正的字段：{'、'.join(sorted(unknown))}")
    if getattr(actor, "org_unit_id", None) != report.unit_id:
        raise ValidationError(f"只有报送单位“{report.unit}”可以更正本报告。")
    if report_is_reviewed(report):
        raise ValidationError("本季度已进行季度点评，该报告不能再更正。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正原因。"})
    if "text" in fields and not (fields["text"] or "").strip():
        raise ValidationError({"text": "请填写工作进展。"})
    percent = fields.get("percent", report.percent)
    if percent is not None and not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": "完成进度应在0到100之间。"})
    if "percent" in fields and fields["percent"] != report.percent:
        _check_percent_drop(
            task=report.task,
            unit=report.unit,
            cycle=report.cycle,
            percent=fields["percent"],
            confirm_lower=confirm_lower,
        )
    changes = {}
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if value != getattr(report, name):
            changes[name] = [getattr(report, name), value]
    if not changes:
        raise ValidationError("没有修改任何内容。")
    with transaction.atomic():
        for name, (_old, new) in changes.items():
            setattr(report, name, new)
        report.save(update_fields=list(changes))
        ReportRevision.objects.create(
            report=report, changes=changes, reason=reason[:500], actor=_actor(actor)
        )
        _event(
            report.task,
            TaskEventKind.UPDATED,
            actor=actor,
            note=f"{report.unit}更正{cycles.cycle_label(report.task.plan, report.cycle)}进展"
            f"（原因：{reason}）",
        )
        task_refresh_status(task=report.task, on=timezone.localdate(), actor=actor)
    return report


# --- 季度点评 -----------------------------------------------------------------------------------


def review_save(
    *,
    plan: Plan,
    unit,
    year: int,
    quarter: int,
    grade: str,
    actor,
    comment: str | None = "",
    reviewed_at: datetime.datetime | None = None,
) -> QuarterReview:
    """A leader grades one unit's quarter (优秀 / 良好 / 一般 / 较差) with a comment; grading the
    same quarter again replaces the grade (the audit log keeps the earlier one). ``comment=None``
    keeps the comment already given."""
    require(actor, QuarterReview, "add")  # the leaders' (QuarterReview.scope)
    if grade not in Grade.values:
        raise ValidationError({"grade": f"等次“{grade}”无效：应为优秀、良好、一般或较差。"})
    try:
        quarter = int(quarter)
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"quarter": "季度应为1—4。"}) from None
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": f"季度应为1—4，实际为{quarter}。"})
    if unit is None:
        raise ValidationError({"unit": "请选择被点评的单位。"})
    with transaction.atomic():
        review, created = QuarterReview.objects.get_or_create(
            plan=plan,
            unit=unit,
            year=year,
            quarter=quarter,
            defaults={
                "grade": grade,
                "comment": (comment or "").strip(),
                "reviewer": _actor(actor),
                "reviewed_at": reviewed_at or timezone.now(),
            },
        )
        if not created:
            review.grade = grade
            if comment is not None:
                review.comment = comment.strip()
            review.reviewer, review.reviewed_at = _actor(actor), reviewed_at or timezone.now()
            review.save()
    return review
