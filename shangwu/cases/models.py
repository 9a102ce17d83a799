"""Cases (诉求与交办件): every incoming matter handled under deadline rules (13710 and others).

Status changes happen only in ``services.py`` (one service per transition), each writing a
CaseEvent row; deadlines are indexed columns processed by ``shangwu process_deadlines``.
"""

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone

from shangwu.cases.choices import (
    LIGHT_LEVEL,
    CaseEventKind,
    CaseKind,
    CaseOriginKind,
    CaseSource,
    CaseStatus,
    ClockStart,
    DayKind,
    DeadlineNode,
    DeadlineUnit,
    ExtensionKind,
    ExtensionStatus,
    Light,
    Rating,
    SupervisionLevel,
)
from shangwu.core.access import Access, RestrictedQuerySet, Rule, Scope, ScopedModel
from shangwu.core.models import Event, StoredFile, Vocabulary, user_field
from shangwu.organization.models import county_field, township_field


class CaseCategory(Vocabulary):
    """Managed vocabulary of problem categories (政策咨询, 融资, 用地…)."""

    name = models.CharField("类别", max_length=30, unique=True)

    class Meta(Vocabulary.Meta):
        verbose_name = "诉求类别"
        verbose_name_plural = "诉求类别"

    def get_absolute_url(self):
        return reverse("cases:category_edit", args=[self.pk])


class CaseCategoryMapping(models.Model):
    """The 系统管理员's table of which case category a case opened from a record gets
    (``case_open_from``): for each kind of origin, a keyword looked for in the record's own
    category or text (a visit problem's 问题类别, else its description; a project problem's title
    and content). The longest keyword found wins; a row with no keyword is that origin's default;
    with no row at all the category is 其他."""

    access = Access.REFERENCE
    audited = True

    origin_kind = models.CharField("来源", max_length=20, choices=CaseOriginKind.choices)
    keyword = models.CharField(
        "关键词",
        max_length=30,
        blank=True,
        help_text="问题类别或内容含此词时采用该类别；留空为该来源的默认类别。",
    )
    category = models.ForeignKey(
        CaseCategory, verbose_name="案件类别", on_delete=models.PROTECT, related_name="+"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "案件类别对应"
        verbose_name_plural = "案件类别对应"
        ordering = ["origin_kind", "sort_order", "keyword"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_kind", "keyword"],
                name="casecategorymapping_unique_keyword",
                violation_error_message="该来源已有这个关键词。",
            ),
        ]

    def __str__(self):
        return f"{self.get_origin_kind_display()}：{self.keyword or '（默认）'} → {self.category}"

    def get_absolute_url(self):
        return reverse("cases:categorymapping_edit", args=[self.pk])


class DeadlineRuleSet(models.Model):
    """The deadline rules for one source and kind (kind blank = every kind of that source).
    A rule set is never edited once a case uses it: a change makes a new version, and each case
    keeps the version it was assigned under, so history is not rewritten."""

    access = Access.REFERENCE
    audited = True

    name = models.CharField("名称", max_length=60)
    source = models.CharField("来源", max_length=20, choices=CaseSource.choices)
    kind = models.CharField("类型", max_length=20, choices=CaseKind.choices, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行", default=True)
    extendable_to = models.PositiveIntegerField(
        "可延长至（办结时限，同单位）", null=True, blank=True
    )
    note = models.CharField("依据", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "时限规则"
        verbose_name_plural = "时限规则"
        ordering = ["source", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "version"],
                name="ruleset_unique_version",
                violation_error_message="同一来源和类型已有该版本的规则。",
            ),
            models.UniqueConstraint(
                fields=["source", "kind"],
                condition=models.Q(is_current=True),
                name="ruleset_one_current",
                violation_error_message="同一来源和类型只能有一套现行规则。",
            ),
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"

    def get_absolute_url(self):
        return reverse("cases:ruleset_detail", args=[self.pk])


class DeadlineRule(models.Model):
    """One node of a rule set: e.g. 办结 within 7 calendar days (13710)."""

    access = Access.REFERENCE
    audited = True

    rule_set = models.ForeignKey(
        DeadlineRuleSet, verbose_name="规则", on_delete=models.CASCADE, related_name="rules"
    )
    node = models.CharField("节点", max_length=20, choices=DeadlineNode.choices)
    offset = models.PositiveIntegerField("时限")
    unit = models.CharField(
        "单位", max_length=10, choices=DeadlineUnit.choices, default=DeadlineUnit.DAYS
    )
    day_kind = models.CharField(
        "计日方式", max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR
    )
    # Rows older than this field counted from 交办 (the default keeps them so); 回访 ignores it.
    counts_from = models.CharField(
        "起算",
        max_length=10,
        choices=ClockStart.choices,
        default=ClockStart.ASSIGNED,
        help_text="自受理时间或自交办时间起算（回访均自审核通过起算）。",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "时限节点"
        verbose_name_plural = "时限节点"
        ordering = ["rule_set", "node"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "node"],
                name="rule_unique_node",
                violation_error_message="同一规则的节点不能重复。",
            )
        ]

    def __str__(self):
        start = "" if self.node == DeadlineNode.REVISIT else f"自{self.get_counts_from_display()}"
        return f"{self.get_node_display()} {start}{self.offset}{self.get_unit_display()}（{self.get_day_kind_display()}）"


def _handling_q(model, user) -> models.Q:
    """Region scope OR membership of the lead unit or a co-unit: a city department handling a
    county's case sees and works on it; county A never sees county B's cases unless its own unit
    was made lead or co unit."""
    from shangwu.organization.choices import RegionLevel

    region = user.region
    if region.level == RegionLevel.CITY:
        return model.scope_q(region)
    unit = user.org_unit_id
    # An uncorrelated IN (evaluated once: a hashed list) rather than EXISTS per row.
    co = Case.co_units.through.objects.filter(orgunit_id=unit).values("case_id")
    return model.scope_q(region) | models.Q(lead_unit_id=unit) | models.Q(pk__in=co)


# Who sees a case and who changes it (assigns, reports, closes): the region's users and the
# handling units (lead, co). The workflow narrows each step further (cases.actions).
HANDLING = Rule(q=_handling_q)


class Case(ScopedModel):
    """A problem, work order, letter or proposal, from registration to closure."""

    audited = True
    audit_masked = {"contact_phone"}

    number = models.CharField("编号", max_length=20, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    source = models.CharField("来源", max_length=20, choices=CaseSource.choices)
    kind = models.CharField(
        "类型", max_length=20, choices=CaseKind.choices, default=CaseKind.ORDINARY
    )
    category = models.ForeignKey(
        CaseCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容")
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    # Columns that lead a composite index below carry no index of their own (every index is
    # rewritten when the deadline pass moves a light on PostgreSQL).
    county = county_field(db_index=False)
    township = township_field()
    received_at = models.DateTimeField("受理时间")
    registered_by = user_field("登记人", blank=False)
    # Routing: the dispatching unit assigns to a lead unit (主办) with optional co-units (协办).
    assigning_unit = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="交办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    lead_unit = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
        db_index=False,
    )
    co_units = models.ManyToManyField(
        "organization.OrgUnit", verbose_name="协办单位", blank=True, related_name="co_cases"
    )
    handler = user_field("当前办理人")
    status = models.CharField(
        "状态",
        max_length=12,
        choices=CaseStatus.choices,
        default=CaseStatus.REGISTERED,
    )
    # Deadlines, computed by the services from the rule set version in force at assignment.
    rule_set = models.ForeignKey(
        DeadlineRuleSet,
        verbose_name="时限规则",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    sign_due_at = models.DateTimeField("签收时限", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    feedback_due_at = models.DateTimeField("首次反馈时限", null=True, blank=True)
    first_feedback_at = models.DateTimeField("首次反馈时间", null=True, blank=True)
    close_due_at = models.DateTimeField("办结时限", null=True, blank=True)
    revisit_due_at = models.DateTimeField("回访时限", null=True, blank=True)
    next_deadline_at = models.DateTimeField("下一时限", null=True, blank=True)
    # 暂定 deadlines: the nodes whose due time rests on a year whose holidays nobody has entered
    # yet, each with how to recompute it ({node: [from_date, working_days]}); null when none.
    # ``case_deadlines_recompute`` sets them right when the year is entered.
    provisional_dues = models.JSONField("暂定时限", null=True, blank=True)
    # The light is not stored: it is the pending deadline read against the clock (``light_at``),
    # so the deadline pass never rewrites a case. Stored here is only what a person decides:
    # 挂牌督办 by a leader. 催办 / 督办 follow the light (see ``supervision``).
    supervision_level = models.PositiveSmallIntegerField(
        "挂牌督办", choices=SupervisionLevel.choices, default=SupervisionLevel.NONE
    )
    paused_at = models.DateTimeField("挂起时间", null=True, blank=True)
    paused_workdays = models.PositiveIntegerField("累计挂起工作日", default=0)
    resolution = models.TextField("办理结果", blank=True)
    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    closed_on_time = models.BooleanField("按期办结", null=True, blank=True)
    workdays_to_close = models.PositiveIntegerField("办理工作日数", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入案件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        db_index=False,  # the partial index case_merged_into_idx below: only merged cases
    )
    # The record the case was opened from (``case_open_from``): at most one, a real foreign key
    # both ways (``problem.case``, ``project.cases``). A new kind of origin adds one field here,
    # in ORIGIN_FIELDS and in CaseOriginKind.
    origin_visit_problem = models.OneToOneField(
        "enterprises.VisitProblem",
        verbose_name="来源走访问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
    )
    origin_project = models.ForeignKey(
        "projects.Project",
        verbose_name="来源招商项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    origin_hazard = models.OneToOneField(
        "inspections.Hazard",
        verbose_name="来源检查隐患",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
    )
    # Optimistic concurrency: every transition is a conditional UPDATE on (id, version).
    version = models.PositiveIntegerField("版本", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = Scope(view=HANDLING, change=HANDLING, owner="enterprise")

    ORIGIN_FIELDS = {
        CaseOriginKind.VISIT_PROBLEM: "origin_visit_problem",
        CaseOriginKind.PROJECT: "origin_project",
        CaseOriginKind.HAZARD: "origin_hazard",
    }

    class Meta:
        verbose_name = "诉求案件"
        verbose_name_plural = "诉求案件"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "seq"],
                name="case_unique_year_seq",
                violation_error_message="年度编号重复。",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(origin_visit_problem__isnull=True)
                    & models.Q(origin_project__isnull=True)
                )
                | (
                    models.Q(origin_visit_problem__isnull=True)
                    & models.Q(origin_hazard__isnull=True)
                )
                | (models.Q(origin_project__isnull=True) & models.Q(origin_hazard__isnull=True)),
                name="case_at_most_one_origin",
                violation_error_message="一个案件只能有一个来源记录。",
            ),
        ]
        indexes = [
            models.Index(fields=["source"], name="case_source_idx"),
            # A case page lists the duplicates merged into it (issue 18): almost every case has
            # no merged_into, so a full index is mostly NULLs and, after ANALYZE, PostgreSQL
            # walked the received-date index instead (1.9–3.8 s at 1,000,000 cases). Only merged
            # cases are indexed; ``merged_into_id = x`` implies IS NOT NULL on both databases.
            models.Index(
                fields=["merged_into"],
                name="case_merged_into_idx",
                condition=models.Q(merged_into__isnull=False),
            ),
            models.Index(fields=["county", "status"], name="case_county_status_idx"),
            models.Index(fields=["received_at", "county"], name="case_received_county_idx"),
            # 我的待办 (issue 4: < 150 ms over 1M cases): the queue filters plus the scope columns,
            # so counting a queue never reads the table.
            # The id last: the co-unit part of the scope tests it, and PostgreSQL can then count
            # a queue from the index alone (SQLite's indexes hold the rowid anyway).
            models.Index(
                fields=["lead_unit", "status", "next_deadline_at", "county", "township", "id"],
                name="case_lead_queue3_idx",
            ),
            models.Index(
                fields=["assigning_unit", "status", "next_deadline_at", "county", "township", "id"],
                name="case_assigner_queue3_idx",
            ),
            # Statistics: edge days of a range and the overdue column are read from the cases
            # index-only; a county's cases led from elsewhere through (lead_unit, county).
            models.Index(
                fields=[
                    "received_at",
                    "status",
                    "county",
                    "township",
                    "lead_unit",
                    "source",
                    "category",
                    "rating",
                    "closed_on_time",
                    "reopen_count",
                    "workdays_to_close",
                ],
                name="case_stats_cover_idx",
            ),
            # 超期未办结 (status open, deadline passed) by any dimension, and the deadline pass's
            # window of deadlines that came due since its last run.
            models.Index(
                fields=[
                    "status",
                    "next_deadline_at",
                    "received_at",
                    "county",
                    "township",
                    "lead_unit",
                    "source",
                    "category",
                ],
                name="case_overdue_cover2_idx",
            ),
            models.Index(
                fields=["lead_unit", "county", "received_at"], name="case_lead_county_idx"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("cases:case_detail", args=[self.pk])

    @classmethod
    def origin_kind_of(cls, record) -> str | None:
        """The CaseOriginKind of ``record`` (a VisitProblem, a Project…), or None."""
        for kind, name in cls.ORIGIN_FIELDS.items():
            if isinstance(record, cls._meta.get_field(name).related_model):
                return kind
        return None

    @property
    def origin_kind(self) -> str | None:
        for kind, name in self.ORIGIN_FIELDS.items():
            if getattr(self, f"{name}_id") is not None:
                return kind
        return None

    @property
    def origin(self):
        """The record the case was opened from, or None."""
        kind = self.origin_kind
        return getattr(self, self.ORIGIN_FIELDS[kind]) if kind else None

    @property
    def is_open(self) -> bool:
        from shangwu.cases.choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def next_deadline_provisional(self) -> bool:
        """暂定: the pending deadline rests on a year whose holidays nobody has entered yet."""
        if not self.provisional_dues or self.next_deadline_at is None or not self.is_open:
            return False
        from shangwu.cases.deadlines import pending_node

        return pending_node(self) in self.provisional_dues

    def light_at(self, now: datetime.datetime) -> str:
        from shangwu.cases.deadlines import light_for

        return light_for(self.next_deadline_at, now) if self.is_open else Light.GREEN

    @property
    def light(self) -> str:
        """绿 / 黄 (a deadline within the warning period) / 红 (overdue), now."""
        return self.light_at(timezone.now())

    def get_light_display(self) -> str:
        return Light(self.light).label

    @property
    def supervision(self) -> int:
        """督办级别 now: 挂牌督办 when a leader listed the case, else 督办 while red and 催办
        while yellow (the pass issued the 督办单 / reminder when the light changed)."""
        if self.supervision_level >= SupervisionLevel.LISTED:
            return self.supervision_level
        return LIGHT_LEVEL.get(self.light, SupervisionLevel.NONE)

    def get_supervision_display(self) -> str:
        return SupervisionLevel(self.supervision).label


class CaseEvent(Event):
    """One row per transition (and per progress report): the case timeline and the source of
    every SLA figure. ``at`` is the moment the service was told (``now``), not the insert's."""

    subject_field = "case"

    # Indexed by (case, at) below; a second index on case alone only slows the deadline pass.
    case = models.ForeignKey(
        Case, verbose_name="案件", on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField("事项", max_length=20, choices=CaseEventKind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=CaseStatus.choices, blank=True)
    # An index on unit would be written by every 催办/督办 the deadline pass issues and read by
    # nothing.
    unit = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="操作单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    data = models.JSONField("附加数据", null=True, blank=True)
    # 催办 / 督办 issued by the deadline pass: the deadline they were issued for. Unique per case,
    # kind and deadline, so each is issued once, whichever copy of the pass or transition got
    # there first (the pass claims a case by inserting this row).
    deadline_at = models.DateTimeField("对应时限", null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = "案件事项"
        verbose_name_plural = "案件事项"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "deadline_at"],
                condition=models.Q(
                    kind__in=[CaseEventKind.URGE, CaseEventKind.SUPERVISE],
                    deadline_at__isnull=False,
                ),
                name="caseevent_alert_once",
                violation_error_message="该时限的催办/督办已发出。",
            ),
        ]

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()}"

    def who(self) -> str:
        """The acting unit; recorded on a unit's behalf, that unit (the badge says who typed it)."""
        if (self.data or {}).get("on_behalf_of"):
            return str(self.unit or "")
        who = str(self.actor) if self.actor_id else "系统"
        return f"{who}（{self.unit}）" if self.unit_id else who

    def who_badge(self) -> str:
        data = self.data or {}
        if not data.get("on_behalf_of"):
            return ""
        return f"由{data.get('recorded_by_unit', '')}{self.actor or ''}代为录入"


class CaseExtension(models.Model):
    """延期申请 (reason and proposed date) or 挂起申请 (reason): the lead unit asks, the assigning
    unit or a leader decides."""

    audited = True

    case = models.ForeignKey(
        Case, verbose_name="案件", on_delete=models.PROTECT, related_name="extensions"
    )
    kind = models.CharField(
        "申请事项", max_length=10, choices=ExtensionKind.choices, default=ExtensionKind.EXTEND
    )
    reason = models.TextField("理由")
    proposed_due = models.DateField("申请延至", null=True, blank=True)
    status = models.CharField(
        "审批状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = user_field("申请人", blank=False)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = user_field("审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期/挂起申请"
        verbose_name_plural = "延期/挂起申请"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=ExtensionKind.PAUSE) | models.Q(proposed_due__isnull=False),
                name="extension_has_proposed_due",
                violation_error_message="延期申请须填写申请延至的日期。",
            ),
        ]

    def __str__(self):
        if self.kind == ExtensionKind.PAUSE:
            return f"{self.case.number} 申请挂起"
        return f"{self.case.number} 延期至{self.proposed_due}"


class SupervisionOrder(models.Model):
    """催办 / 督办单 / 挂牌督办. Automatic ones are unique per case, level and deadline, so
    ``process_deadlines`` never issues the same order twice, even when two copies run."""

    audited = True

    case = models.ForeignKey(
        Case, verbose_name="案件", on_delete=models.PROTECT, related_name="supervisions"
    )
    level = models.PositiveSmallIntegerField("级别", choices=SupervisionLevel.choices)
    node = models.CharField("节点", max_length=20, choices=DeadlineNode.choices, blank=True)
    deadline_at = models.DateTimeField("对应时限", null=True, blank=True)
    # Read through their case only (no index: see CaseEvent.actor).
    addressed_to = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="督办对象",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    issued_by = user_field("督办人", db_index=False)
    issued_at = models.DateTimeField("督办时间")
    required_by = models.DateField("要求完成日期", null=True, blank=True)
    comment = models.TextField("督办意见", blank=True)
    resolved_at = models.DateTimeField("解除时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "level", "node", "deadline_at"],
                condition=models.Q(issued_by__isnull=True),
                name="supervision_auto_once",
                violation_error_message="该时限的督办单已发出。",
            ),
        ]

    def __str__(self):
        return f"{self.case.number} {self.get_level_display()}"


class NotificationQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """A user's own notifications, whatever the role (the 系统管理员 gets the holiday
        reminder); nobody reads another's."""
        from shangwu.core.access import can

        if not can(user, Access.MAIL, action):
            return self.none()
        return self.filter(recipient=user)


class Notification(models.Model):
    """An in-app message to one user. ``key`` makes automatic notifications idempotent."""

    access = Access.MAIL

    # Indexed by (recipient, read_at) below (the 工作台's unread count).
    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    case = models.ForeignKey(
        Case,
        verbose_name="案件",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    key = models.CharField("去重键", max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]
        # The 工作台's unread count and newest-first list, read off the index (no sort).
        indexes = [
            models.Index(fields=["recipient", "read_at", "id"], name="notification_unread_id_idx")
        ]

    def __str__(self):
        return self.text


class CaseAttachment(StoredFile):
    """A file attached to a case (core.files: type by content, limits, SHA-256, soft removal).
    In scope wherever its case is."""

    owner_field = "case"
    storage_folder = "cases"

    case = models.ForeignKey(
        Case, verbose_name="案件", on_delete=models.PROTECT, related_name="attachments"
    )

    class Meta(StoredFile.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def get_absolute_url(self):
        return reverse("cases:attachment_download", args=[self.pk])


class CaseStatBucket(models.Model):
    """Monthly totals behind the statistics, so a year over a million cases is a sum over a few
    thousand rows (issue 4: statistics < 150 ms). One row per month received × county × lead unit
    × source × category; kept by the case services (``statistics.bucket_apply``) in the same
    transaction as each change, and rebuilt from the cases by ``statistics.buckets_rebuild``
    after bulk loads. The definitions are those of ``statistics.py``; 超期未办结 is a current state
    and is read from the cases themselves."""

    month = models.DateField("受理月份")
    county_id = models.PositiveIntegerField("县(市、区)")
    lead_unit_id = models.PositiveIntegerField("主办单位（0为未交办）")
    source = models.CharField("来源", max_length=20, choices=CaseSource.choices)
    category_id = models.PositiveIntegerField("类别")
    received = models.IntegerField("受理数", default=0)
    closed = models.IntegerField("办结数", default=0)
    on_time = models.IntegerField("按期办结数", default=0)
    workdays_sum = models.IntegerField("办理工作日合计", default=0)
    rated = models.IntegerField("已评价", default=0)
    satisfied = models.IntegerField("满意+基本满意", default=0)
    reopened = models.IntegerField("不满意重办", default=0)
    first_satisfied = models.IntegerField("首次评价满意", default=0)

    class Meta:
        verbose_name = "案件统计月度汇总"
        verbose_name_plural = "案件统计月度汇总"
        ordering = ["month", "county_id", "lead_unit_id", "source", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "county_id", "lead_unit_id", "source", "category_id"],
                name="case_stat_bucket_unique",
                violation_error_message="统计汇总行重复。",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} 受理{self.received}"


class DeadlineSweep(models.Model):
    """How far the deadline pass has looked (one row). Each pass reads only the deadlines that
    came due (红) or into the warning period (黄) since the last one, so a pass with nothing to do
    is a few index probes however many cases are open."""

    red_to = models.DateTimeField("红灯已处理至", null=True)
    yellow_to = models.DateTimeField("黄灯已处理至", null=True)

    class Meta:
        verbose_name = "时限处理进度"
        verbose_name_plural = "时限处理进度"

    def __str__(self):
        return f"红灯至 {self.red_to}，黄灯至 {self.yellow_to}"
