"""Demo data: “2026年全市商务工作要点” (fixtures/plan_2026.txt), imported through the same parser
and importer (``plan_importer.save``: ``plan_import`` and the IMPORT row) as an upload, with a year of monthly reports (some late, some
missing), a few milestones missed, and the leaders' 季度点评 for Q1 and Q2."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

from django.utils import timezone

from shangwu.tasks import cycles, parser, services
from shangwu.tasks.choices import Cycle, Grade, LineKind, TaskStatus
from shangwu.tasks.imports import plan_importer
from shangwu.tasks.models import Plan, Task

FIXTURE = Path(__file__).parent / "fixtures" / "plan_2026.txt"
TITLE = "2026年全市商务工作要点"
YEAR = 2026
REPORT_CYCLES = range(1, 13)  # January to December: every cycle due before the build day

ACTIONS = [
    "召开专题推进会{n}次，研究部署重点工作",
    "深入企业和县区开展调研{n}次，现场协调解决问题{k}个",
    "会同相关单位建立工作台账，实行周调度、月通报",
    "组织开展政策宣讲和业务培训{n}场，覆盖企业{m}家",
    "对照时间节点逐项梳理，细化分解任务清单",
    "编发工作简报{n}期，及时总结推广典型经验",
]
RESULTS = [
    "各项工作按计划有序推进",
    "阶段性目标基本完成",
    "工作成效逐步显现，企业反映良好",
    "重点环节取得实质性进展",
]
PROBLEMS = [
    "部分县区工作进度不平衡，个别企业参与积极性不高",
    "专项资金拨付进度偏慢，影响项目推进",
    "受市场需求波动影响，部分指标增速放缓",
    "基层工作力量不足，数据统计报送不够及时",
]
NEXT_STEPS = [
    "加强调度督导，对进度滞后的县区开展专项督办",
    "积极对接上级部门，争取更多政策和资金支持",
    "强化要素保障，推动重点项目加快落地",
    "加大宣传推广力度，营造良好工作氛围",
]
GRADE_COMMENTS = {
    Grade.EXCELLENT: "任务推进有力，报送及时规范，成效明显，予以表扬。",
    Grade.GOOD: "工作总体推进较好，个别节点需进一步加快。",
    Grade.FAIR: "部分任务进度偏慢，报送不够及时，请认真分析原因、加快推进。",
    Grade.POOR: "任务滞后较多，多次未按时报送进展，请主要负责同志专题研究整改。",
}


def _aware(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _report_text(rng: random.Random, cycle: int) -> str:
    first = rng.choice(ACTIONS).format(
        n=rng.randint(1, 4), k=rng.randint(2, 9), m=rng.randint(20, 160)
    )
    return f"{cycle}月，{first}，{rng.choice(RESULTS)}。"


def _progress(progress: dict[int, int], task_id: int, percent: int) -> int:
    """A task's reported completion never goes back in the demo (a lower figure needs the unit
    to confirm it)."""
    progress[task_id] = max(progress.get(task_id, 0), percent)
    return progress[task_id]


def build(*, units, users, size: str) -> str:
    """Idempotent: nothing is built when the plan exists. Reproducible: random.Random(2026)."""
    if Plan.objects.filter(year=YEAR, title=TITLE).exists():
        return ""
    rng = random.Random(2026)
    office_user = users.get("office_staff")
    leader = users.get("leader")
    texts = parser.split_text(FIXTURE.read_text(encoding="utf-8"))
    # The closing paragraph (“各县（市、区）商务局和局各科室要对照本要点…”) would read as part of
    # the last task: the same correction a user makes in the preview.
    overrides = {
        no: LineKind.PREAMBLE for no, text in enumerate(texts, start=1) if "要对照本要点" in text
    }
    _, tree = parser.parse_lines(
        texts, overrides=overrides, year=YEAR, unit_names=services.unit_names()
    )
    plan = plan_importer.save(
        file_name=f"{TITLE}.docx",
        title=TITLE,
        year=YEAR,
        tree=tree,
        actor=office_user,
        cycle=Cycle.MONTHLY,
        due_day=25,
        office=units["departments"]["办公室"],
    )

    today = timezone.localdate()
    tasks = list(
        Task.objects.filter(plan=plan)
        .select_related("plan", "lead_unit")
        .prefetch_related("milestones", "co_unit_links__unit")
        .order_by("sort_order")
    )
    # A few tasks whose lead unit stopped reporting (→ 连续2期未报送), a few with a missed milestone.
    silent = {t.pk for t in rng.sample(tasks, 3)}
    progress: dict[int, int] = {}
    with_milestones = [t for t in tasks if t.milestones.all()]
    missed_milestone = {t.pk for t in rng.sample(with_milestones, min(2, len(with_milestones)))}
    reports = late = 0
    for cycle in REPORT_CYCLES:
        due = cycles.cycle_due_date(plan, cycle)
        if due >= today:
            break
        for task in tasks:
            if task.lead_unit is None or task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
                continue
            if task.pk in silent and cycle >= 9:
                continue
            if rng.random() < 0.05:
                continue  # an occasional missing month
            is_late = rng.random() < 0.12
            day = (
                due + datetime.timedelta(days=rng.randint(1, 6))
                if is_late
                else due - datetime.timedelta(days=rng.randint(0, 6))
            )
            if day >= today:
                continue  # a late report of the cycle just due: not filed yet (未报送 so far)
            milestone = None
            for m in task.milestones.all():
                if (
                    m.done_on is None
                    and m.due_on <= due + datetime.timedelta(days=10)
                    and task.pk not in missed_milestone
                ):
                    milestone = m  # the service marks this prefetched copy done
                    break
            services.report_submit(
                task=task,
                unit=task.lead_unit,
                cycle=cycle,
                actor=office_user,
                text=_report_text(rng, cycle),
                percent=_progress(progress, task.pk, min(100, cycle * 9 + rng.randint(-5, 8))),
                milestone=milestone,
                problems=rng.choice(PROBLEMS) if rng.random() < 0.4 else "",
                next_steps=rng.choice(NEXT_STEPS),
                submitted_at=_aware(day, rng.randint(9, 17), rng.randint(0, 59)),
            )
            reports += 1
            late += is_late
            co = [link.unit for link in task.co_unit_links.all()]
            if co and rng.random() < 0.15:
                unit = rng.choice(co)
                services.report_submit(
                    task=task,
                    unit=unit,
                    cycle=cycle,
                    actor=office_user,
                    text=f"{unit}配合推进：{_report_text(rng, cycle)}",
                    next_steps=rng.choice(NEXT_STEPS),
                    submitted_at=_aware(day, 18, rng.randint(0, 59)),
                )
                reports += 1
        # Tasks due by now are closed in the month they fall due, except one left overdue.
        for task in tasks:
            if (
                task.deadline
                and task.deadline <= due + datetime.timedelta(days=10)
                and task.status not in (TaskStatus.DONE, TaskStatus.CANCELLED)
                and task.pk not in silent
                and task.number % 3 != 2
            ):
                services.task_change_status(
                    task=task,
                    status=TaskStatus.DONE,
                    actor=office_user,
                    note="经牵头单位申请、办公室核实，任务已完成。",
                    on=min(task.deadline, due),
                )
    services.plan_refresh_status(plan=plan, on=today, actor=None)

    # 季度点评 for Q1 and Q2, graded on each unit's on-time rate with a leader's judgement.
    from shangwu.tasks.selectors import review_ranking

    reviews = 0
    for quarter, reviewed_on in ((1, datetime.date(YEAR, 4, 10)), (2, datetime.date(YEAR, 7, 10))):
        if reviewed_on >= today or leader is None:
            continue
        for row in review_ranking(user=leader, plan=plan, year=YEAR, quarter=quarter):
            stats = row["stats"]
            if stats is None:
                continue
            rate = (stats.on_time_rate or 0) - rng.randint(0, 10)
            grade = (
                Grade.EXCELLENT
                if rate >= 92
                else Grade.GOOD
                if rate >= 80
                else Grade.FAIR
                if rate >= 60
                else Grade.POOR
            )
            services.review_save(
                plan=plan,
                unit=row["unit"],
                year=YEAR,
                quarter=quarter,
                grade=grade,
                comment=GRADE_COMMENTS[grade],
                actor=leader,
                reviewed_at=_aware(reviewed_on, 15, 30),
            )
            reviews += 1
    lagging = Task.objects.filter(plan=plan, status=TaskStatus.LAGGING).count()
    return (
        f"新建工作要点“{TITLE}”：{len(tasks)} 项任务、进展报告 {reports} 份（逾期 {late} 份）、"
        f"滞后任务 {lagging} 项、季度点评 {reviews} 条"
    )
