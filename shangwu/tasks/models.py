"""Key-task supervision (重点任务督办): the annual work plan (工作要点), its sections and numbered
tasks, milestones and quantitative targets, the units' periodic progress reports, and the
leaders' quarterly reviews (季度点评) of each unit."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shangwu.accounts.choices import Role
from shangwu.core.access import IN_REGION, Rule, Scope, ScopedModel, at_levels
from shangwu.core.models import Event, user_field
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import lead_unit_field
from shangwu.tasks.choices import Cycle, Grade, TaskEventKind, TaskStatus


def _task_scope_q(region) -> Q:
    """Tasks a region's users see: all for the city; elsewhere the tasks whose lead unit or one
    of whose cooperating units belongs to the user's region (a county bureau, a township office).

    Cooperating units are matched with ``pk__in`` (a subquery), not a join, so a task with two
    cooperating units in the region is not listed twice and no ``distinct()`` is needed.
    """
    from shangwu.organization.choices import RegionLevel

    if region.level == RegionLevel.CITY:
        return Q()
    co_tasks = TaskCoUnit.objects.filter(unit__region=region).values("task_id")
    return Q(lead_unit__region=region) | Q(pk__in=co_tasks)


# Plans are city-level work: leaders and city staff import plans, assign and edit tasks, change
# their status and milestones; the units below report progress on their own tasks.
CITY_PLANS = at_levels(
    RegionLevel.CITY, refusal="只有市局领导和科室人员可以维护工作要点和任务分派。"
)


class Plan(ScopedModel):
    """An annual work plan (e.g. “2026年全市商务工作要点”): its preamble (总体要求、预期目标),
    the reporting cadence, and the sections and tasks under it."""

    audited = True
    str_fields = ("title",)  # what __str__ reads (core.tables)
    kept_in_dropdowns = True  # a list's 工作要点 dropdown is kept per process (core.reference)
    scope = Scope(change=CITY_PLANS)

    title = models.CharField("标题", max_length=200)
    year = models.PositiveIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    preamble = models.TextField("总体要求与预期目标", blank=True)
    unplaced_text = models.TextField(
        "未归类内容", blank=True, help_text="导入时未能归入章节或任务的文字，原样保留。"
    )
    cycle = models.CharField(
        "报送周期", max_length=10, choices=Cycle.choices, default=Cycle.MONTHLY
    )
    due_day = models.PositiveSmallIntegerField(
        "报送日",
        default=25,
        help_text="按月、按季报送时为当月（季末月）几号（1—31）；按周、双周报送时为星期几（1—7）。遇节假日顺延至下一个工作日。",
    )
    reporting_from = models.DateField(
        "开始报送日期",
        null=True,
        blank=True,
        help_text="此日期之前到期的周期不要求报送；留空为当年1月1日。",
    )
    numbering_restarts = models.BooleanField("任务按章节重新编号", default=False)
    office = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="督办科室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = user_field("导入人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作要点"
        verbose_name_plural = "工作要点"
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "title"],
                name="tasks_plan_unique_title",
                violation_error_message="该年度已有同名的工作要点。",
            ),
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=31),
                name="tasks_plan_due_day_range",
                violation_error_message="报送日应在1到31之间。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tasks:plan_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, region) -> Q:
        # The plan shell (title, preamble, cadence) is the bureau's public frame for every unit.
        return Q()


class PlanTarget(ScopedModel):
    """A 预期目标 of the plan as a whole, from its preamble (“全年实际利用境外资金2.5亿美元以上”,
    “新增限额以上批零住餐企业150家”), linkable to the indicator that measures it."""

    audited = True
    scope = Scope(change=CITY_PLANS)

    plan = models.ForeignKey(
        Plan, verbose_name="工作要点", on_delete=models.CASCADE, related_name="targets"
    )
    sort_order = models.PositiveSmallIntegerField("顺序", default=0)
    text = models.CharField("目标原文", max_length=300)
    value_low = models.DecimalField("目标值（下限）", max_digits=16, decimal_places=2)
    value_high = models.DecimalField(
        "目标值（上限）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField("计量单位", max_length=20)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="关联指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "年度预期目标"
        verbose_name_plural = "年度预期目标"
        ordering = ["plan", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_high__isnull=True) | Q(value_high__gte=models.F("value_low")),
                name="tasks_plantarget_range_order",
                violation_error_message="目标区间的上限不能小于下限。",
            ),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.plan.get_absolute_url() + "#plan-targets"

    @classmethod
    def scope_q(cls, region) -> Q:
        return Plan.scope_q(region)


class Section(ScopedModel):
    """A headed section of a plan (一、二、… or （一）（二）…)."""

    audited = True
    str_fields = ("numeral", "title")  # what __str__ reads (core.tables)
    kept_in_dropdowns = True  # a list's 章节 dropdown is kept per process (core.reference)

    plan = models.ForeignKey(
        Plan, verbose_name="工作要点", on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveIntegerField("序号")
    numeral = models.CharField("编号", max_length=20, blank=True, help_text="原文编号，如“一、”")
    title = models.CharField("标题", max_length=300)
    text = models.TextField("正文", blank=True)

    class Meta:
        verbose_name = "章节"
        verbose_name_plural = "章节"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="tasks_section_unique_number",
                violation_error_message="同一工作要点中章节序号不能重复。",
            ),
        ]

    def __str__(self):
        return f"{self.numeral}{self.title}"

    def get_absolute_url(self):
        return reverse("tasks:plan_detail", args=[self.plan_id]) + f"#section-{self.pk}"

    @classmethod
    def scope_q(cls, region) -> Q:
        return Q()


class Task(ScopedModel):
    """A numbered key task: its text, the units in charge, leader, deadline and status."""

    audited = True
    str_fields = (
        "number",
        "title",
        "section_id",
        "plan__numbering_restarts",
        "section__number",
    )  # what __str__ reads (core.tables)
    # Changing a task is the city's; adding to it (a progress report) is its units'.
    scope = Scope(change=CITY_PLANS, add=IN_REGION)

    plan = models.ForeignKey(
        Plan, verbose_name="工作要点", on_delete=models.PROTECT, related_name="tasks"
    )
    section = models.ForeignKey(
        Section,
        verbose_name="章节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    number = models.PositiveIntegerField("编号", help_text="原文中的任务编号")
    sort_order = models.PositiveIntegerField("顺序", default=0)
    title = models.CharField("任务名称", max_length=300)
    text = models.TextField("任务内容", blank=True)
    lead_unit = lead_unit_field(related_name="lead_tasks")
    co_units = models.ManyToManyField(
        "organization.OrgUnit",
        verbose_name="配合单位",
        through="TaskCoUnit",
        blank=True,
        related_name="co_tasks",
    )
    leader = models.ForeignKey(
        "accounts.User",
        verbose_name="责任领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_tasks",
    )
    deadline = models.DateField("完成时限", null=True, blank=True, db_index=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=TaskStatus.choices,
        default=TaskStatus.NOT_STARTED,
        db_index=True,
    )
    status_reason = models.TextField("滞后原因", blank=True)
    closed_on = models.DateField("完成（取消）日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["plan", "sort_order", "id"]
        indexes = [models.Index(fields=["plan", "status"], name="tasks_task_plan_status_idx")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    @property
    def code(self) -> str:
        """The number users quote: “3” when numbering runs through, “二.3” when it restarts."""
        if self.plan.numbering_restarts and self.section_id:
            return f"{self.section.number}.{self.number}"
        return str(self.number)

    @classmethod
    def scope_q(cls, region) -> Q:
        return _task_scope_q(region)


class TaskCoUnit(models.Model):
    """A cooperating unit (配合单位) of a task."""

    audited = True

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="co_unit_links")
    unit = models.ForeignKey(
        "organization.OrgUnit", verbose_name="配合单位", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "配合单位"
        verbose_name_plural = "配合单位"
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                name="tasks_counit_unique",
                violation_error_message="该单位已是本任务的配合单位。",
            ),
        ]

    def __str__(self):
        return str(self.unit)


class TaskScoped(ScopedModel):
    """Records whose scope is their task's (milestones, targets, reports)."""

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, region) -> Q:
        from shangwu.organization.choices import RegionLevel

        if region.level == RegionLevel.CITY:
            return Q()
        co_tasks = TaskCoUnit.objects.filter(unit__region=region).values("task_id")
        return Q(task__lead_unit__region=region) | Q(task_id__in=co_tasks)


class Milestone(TaskScoped):
    """A dated step of a task (时间节点): passing its date undone makes the task lag."""

    audited = True

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField("节点内容", max_length=300)
    due_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "里程碑"
        verbose_name_plural = "里程碑"
        ordering = ["task", "due_on", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.task.get_absolute_url() + "#milestones"


class Target(TaskScoped):
    """A quantitative target found in a task's text (“力争全年引进3-5个过千万美元外资项目”)."""

    audited = True

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="targets"
    )
    text = models.CharField("目标原文", max_length=300)
    value_low = models.DecimalField("目标值（下限）", max_digits=16, decimal_places=2)
    value_high = models.DecimalField(
        "目标值（上限）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField("计量单位", max_length=20)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="关联指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "量化目标"
        verbose_name_plural = "量化目标"
        ordering = ["task", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_high__isnull=True) | Q(value_high__gte=models.F("value_low")),
                name="tasks_target_range_order",
                violation_error_message="目标区间的上限不能小于下限。",
            ),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.task.get_absolute_url() + "#targets"

    @property
    def value_text(self) -> str:
        low = f"{self.value_low.normalize():f}"
        if self.value_high is not None:
            return f"{low}—{self.value_high.normalize():f}{self.unit}"
        return f"{low}{self.unit}"


class Report(TaskScoped):
    """One unit's progress report on one task for one cycle (the lead unit's is the one that
    counts for 按时报送; cooperating units may add theirs)."""

    audited = True

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.PROTECT, related_name="reports"
    )
    cycle = models.PositiveSmallIntegerField("报送期次")
    unit = models.ForeignKey(
        "organization.OrgUnit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField("牵头单位报送", default=True)
    text = models.TextField("工作进展")
    percent = models.PositiveSmallIntegerField(
        "完成进度（%）", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name="达成里程碑",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    due_on = models.DateField("应报日期")
    is_late = models.BooleanField("逾期报送", default=False)
    submitted_at = models.DateTimeField("报送时间", db_index=True)
    submitted_by = user_field("报送人")

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["task", "-cycle", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "cycle", "unit"],
                name="tasks_report_unique_per_cycle",
                violation_error_message="该单位本期已报送过此任务的进展。",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100),
                name="tasks_report_percent_range",
                violation_error_message="完成进度应在0到100之间。",
            ),
        ]

    def __str__(self):
        return f"{self.task.code} 第{self.cycle}期 {self.unit}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.task_id]) + f"#report-{self.pk}"


class ReportRevision(models.Model):
    """A correction its unit made to a submitted report before the quarter was reviewed: what
    changed (old → new), why, who and when. The report shows its history from these rows."""

    report = models.ForeignKey(
        Report, verbose_name="进展报告", on_delete=models.PROTECT, related_name="revisions"
    )
    changes = models.JSONField("修改内容", help_text="字段 → [原值, 新值]")
    reason = models.CharField("更正原因", max_length=500)
    actor = user_field("更正人")
    at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = "报告更正记录"
        verbose_name_plural = "报告更正记录"
        ordering = ["report", "at", "id"]

    def __str__(self):
        return f"{self.report} 更正（{self.reason}）"

    def change_lines(self) -> list[str]:
        labels = {f.name: f.verbose_name for f in Report._meta.fields}
        return [
            f"{labels.get(name, name)}：{old if old not in (None, '') else '（空）'} → "
            f"{new if new not in (None, '') else '（空）'}"
            for name, (old, new) in self.changes.items()
        ]


class TaskEvent(Event):
    """One row per change of a task, written by the service that makes it (the timeline)."""

    subject_field = "task"

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=12, choices=TaskEventKind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=TaskStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = "任务动态"
        verbose_name_plural = "任务动态"
        indexes = [models.Index(fields=["task", "at"], name="taskevent_task_at_idx")]


class QuarterReview(ScopedModel):
    """季度点评: a leader's grade and comment on one unit's quarter of a plan."""

    audited = True
    # Units read their own grades; only the bureau's leaders grade.
    scope = Scope(change=Rule(roles=[Role.LEADER], refusal="只有局领导可以进行季度点评。"))

    plan = models.ForeignKey(
        Plan, verbose_name="工作要点", on_delete=models.PROTECT, related_name="reviews"
    )
    unit = models.ForeignKey(
        "organization.OrgUnit", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    grade = models.CharField("等次", max_length=10, choices=Grade.choices)
    comment = models.TextField("点评意见", blank=True)
    reviewer = user_field("点评领导")
    reviewed_at = models.DateTimeField("点评时间")

    class Meta:
        verbose_name = "季度点评"
        verbose_name_plural = "季度点评"
        ordering = ["plan", "-year", "-quarter", "unit__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "year", "quarter"],
                name="tasks_review_unique",
                violation_error_message="该单位本季度已有点评。",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="tasks_review_quarter_range",
                violation_error_message="季度应在1到4之间。",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}年第{self.quarter}季度 {self.get_grade_display()}"

    def get_absolute_url(self):
        return (
            reverse("tasks:plan_reviews", args=[self.plan_id])
            + f"?year={self.year}&quarter={self.quarter}"
        )

    @classmethod
    def scope_q(cls, region) -> Q:
        from shangwu.organization.choices import RegionLevel

        if region.level == RegionLevel.CITY:
            return Q()
        return Q(unit__region=region)
