"""Investment projects (招商项目库): the stage pipeline, money in place, 包保 leaders, problems.

Stage changes happen only in ``services.project_move_stage``, which writes a ProjectEvent row and
the project's milestone date (signed_on, registered_on, started_on, producing_on, terminated_on);
"三个一批" counts those dates per period.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from shangwu.core.access import Scope, ScopedModel
from shangwu.core.choices import ResponsibilityRole
from shangwu.core.models import (
    ContactPerson,
    Event,
    Responsibility,
    ResponsibilityQuerySet,
    Vocabulary,
    user_field,
)
from shangwu.organization.models import county_field, lead_unit_field, township_field
from shangwu.projects.choices import (
    DIVISION_SECTION,
    INDUSTRY_SECTIONS,
    MILESTONE_FIELDS,
    InvestorType,
    Milestone,
    Origin,
    ProjectEventKind,
)


class Stage(Vocabulary):
    """A stage of the pipeline (线索 → 洽谈 → 签约 → 注册 → 开工 → 投产, plus 终止), in ``order``.
    The 系统管理员 may rename, insert or reorder stages; ``milestone`` tells "三个一批" which
    stage means 签约 / 注册 / 开工 / 投产, so the counts survive a rename."""

    # The pipeline's own place, unique: a stage is before or after another, never level.
    sort_field = "order"
    sort_order = None
    detail_fields = ("milestone", "is_terminal", "color")

    name = models.CharField("阶段名称", max_length=20, unique=True)
    order = models.PositiveIntegerField(
        "顺序", unique=True, help_text="数字越小越靠前；终止阶段通常排在最后。"
    )
    milestone = models.CharField(
        "对应节点",
        max_length=12,
        choices=Milestone.choices,
        blank=True,
        help_text="“三个一批”按节点统计：签约、注册、开工、投产各对应一个阶段。",
    )
    is_terminal = models.BooleanField(
        "终止阶段", default=False, help_text="进入此阶段须填写终止原因。"
    )
    color = models.CharField(
        "看板颜色",
        max_length=20,
        default="secondary",
        choices=[
            (c, c) for c in ("secondary", "info", "primary", "warning", "success", "danger", "dark")
        ],
    )

    class Meta(Vocabulary.Meta):
        verbose_name = "项目阶段"
        verbose_name_plural = "项目阶段"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"],
                condition=~models.Q(milestone=""),
                name="stage_one_per_milestone",
                violation_error_message="每个节点（签约、注册、开工、投产）只能对应一个阶段。",
            ),
            models.CheckConstraint(
                condition=models.Q(is_terminal=False) | models.Q(milestone=""),
                name="stage_terminal_has_no_milestone",
                violation_error_message="终止阶段不能对应签约、注册、开工或投产节点。",
            ),
        ]

    def get_absolute_url(self):
        return reverse("projects:stage_detail", args=[self.pk])


class IndustryChain(Vocabulary):
    """产业链: the city's leading industrial chains (新材料, 装备制造…), managed by the 系统管理员."""

    name = models.CharField("产业链", max_length=30, unique=True)

    class Meta(Vocabulary.Meta):
        verbose_name = "产业链"
        verbose_name_plural = "产业链"

    def get_absolute_url(self):
        return reverse("projects:chain_detail", args=[self.pk])


class Project(ScopedModel):
    """A project in the 招商项目库, keyed by its project code (the import key)."""

    audited = True
    str_fields = ("name",)  # what __str__ reads (core.tables)
    scope = Scope(owner="enterprise")  # a 企业用户 sees the projects its enterprise invests in

    code = models.CharField("项目编码", max_length=30, unique=True)
    name = models.CharField("项目名称", max_length=200)
    name_pinyin = models.CharField(
        "名称拼音", max_length=600, blank=True, db_index=True, editable=False
    )
    investor_name = models.CharField("投资方", max_length=200)
    investor_type = models.CharField("投资方类型", max_length=12, choices=InvestorType.choices)
    origin = models.CharField(
        "资金来源地", max_length=10, choices=Origin.choices, default=Origin.OTHER_PROVINCE
    )
    origin_place = models.CharField("来源省份或国家(地区)", max_length=50, blank=True)
    industry_section = models.CharField(
        "行业门类", max_length=1, choices=INDUSTRY_SECTIONS, blank=True
    )
    industry_division = models.CharField("行业大类", max_length=2, blank=True)
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name="产业链",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    is_key = models.BooleanField("重点项目", default=False, db_index=True)
    is_manufacturing = models.BooleanField("制造业项目", default=False)
    is_foreign = models.BooleanField("外资项目", default=False)
    is_fortune500 = models.BooleanField("世界500强项目", default=False)
    in_provincial_ledger = models.BooleanField("纳入省台账", default=False)
    ledger_year = models.PositiveSmallIntegerField("纳入省台账年度", null=True, blank=True)
    ledger_quarter = models.PositiveSmallIntegerField(
        "纳入省台账季度", null=True, blank=True, choices=[(q, f"第{q}季度") for q in range(1, 5)]
    )
    ledger_batch = models.CharField("期次", max_length=20, blank=True)
    total_investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    contract_fdi = models.DecimalField(
        "合同外资（万美元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    county = county_field()
    township = township_field()
    site = models.CharField("建设地点", max_length=200, blank=True)
    lead_unit = lead_unit_field()
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="项目企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    # Written only by services.project_move_stage, each backed by a ProjectEvent row.
    stage = models.ForeignKey(
        Stage, verbose_name="当前阶段", on_delete=models.PROTECT, related_name="projects"
    )
    stage_on = models.DateField("进入当前阶段日期", null=True, blank=True)
    signed_on = models.DateField("签约时间", null=True, blank=True, db_index=True)
    registered_on = models.DateField("注册时间", null=True, blank=True)
    started_on = models.DateField("开工时间", null=True, blank=True, db_index=True)
    producing_on = models.DateField("投产时间", null=True, blank=True, db_index=True)
    terminated_on = models.DateField("终止时间", null=True, blank=True)
    termination_reason = models.CharField("终止原因", max_length=300, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "招商项目"
        verbose_name_plural = "招商项目"
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["county", "stage"], name="project_county_stage_idx"),
            models.Index(fields=["stage", "-stage_on"], name="project_board_idx"),
        ]
        permissions = [("reveal_projectcontact", "查看项目联系人完整号码")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_investment__gte=0),
                name="project_investment_not_negative",
                violation_error_message="总投资不能为负数。",
            ),
            models.CheckConstraint(
                condition=models.Q(contract_fdi__isnull=True) | models.Q(contract_fdi__gte=0),
                name="project_fdi_not_negative",
                violation_error_message="合同外资不能为负数。",
            ),
            models.CheckConstraint(
                condition=models.Q(in_provincial_ledger=False)
                | models.Q(ledger_year__isnull=False, ledger_quarter__isnull=False),
                name="project_ledger_needs_quarter",
                violation_error_message="纳入省台账的项目须填写纳入的年度和季度。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.origin == Origin.OTHER_PROVINCE and not self.origin_place:
            errors["origin_place"] = "资金来源为省外时，请填写来源省份。"
        elif self.origin == Origin.OVERSEAS and not self.origin_place:
            errors["origin_place"] = "资金来源为境外时，请填写来源国家或地区。"
        if self.industry_division:
            section = DIVISION_SECTION.get(self.industry_division)
            if section is None:
                errors["industry_division"] = (
                    f"行业大类“{self.industry_division}”不是GB/T 4754-2017的大类代码。"
                )
            elif self.industry_section and self.industry_section != section:
                errors["industry_division"] = (
                    f"行业大类{self.industry_division}属于门类{section}，与所选门类{self.industry_section}不符。"
                )
            else:
                self.industry_section = section
        if self.in_provincial_ledger and not (self.ledger_year and self.ledger_quarter):
            errors["ledger_quarter"] = "纳入省台账的项目须填写纳入的年度和季度。"
        if self.township_id and self.county_id and self.township.parent_id != self.county_id:
            errors["township"] = f"乡镇“{self.township}”不属于“{self.county}”。"
        if errors:
            raise ValidationError(errors)

    def milestone_date(self, milestone: str):
        return getattr(self, MILESTONE_FIELDS[milestone])

    @property
    def origin_display(self) -> str:
        return (
            f"{self.get_origin_display()}（{self.origin_place}）"
            if self.origin_place
            else self.get_origin_display()
        )

    @property
    def ledger_display(self) -> str:
        if not self.in_provincial_ledger:
            return "否"
        text = f"是，{self.ledger_year}年第{self.ledger_quarter}季度"
        return f"{text}（{self.ledger_batch}）" if self.ledger_batch else text


class ProjectScoped(ScopedModel):
    """Rows of a project have no place of their own: their scope is their project's."""

    scope_county_field = "project__county"
    scope_township_field = "project__township"

    class Meta:
        abstract = True


class ProjectEvent(Event):
    """One row per change of a project, written by the service that makes it. Stage moves carry
    from_stage, to_stage and the date ``on`` the move took place (the date the user entered,
    not the moment it was recorded, which is ``at``)."""

    subject_field = "project"
    # A project's status is its stage, a row of the managed list: from_stage / to_stage.
    from_status = None
    to_status = None

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=14, choices=ProjectEventKind.choices)
    from_stage = models.ForeignKey(
        Stage,
        verbose_name="原阶段",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_stage = models.ForeignKey(
        Stage,
        verbose_name="新阶段",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes = models.JSONField("变更内容", null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = "项目动态"
        verbose_name_plural = "项目动态"
        indexes = [
            models.Index(fields=["project", "kind", "on"], name="projectevent_stage_idx"),
            models.Index(fields=["project", "at"], name="projectevent_project_at_idx"),
        ]

    def status_change(self) -> tuple[str, str] | None:
        if not self.to_stage_id:
            return None
        return (str(self.from_stage) if self.from_stage_id else "", str(self.to_stage))


class ProjectLeader(ProjectScoped, Responsibility):
    """包保领导: an official personally in charge of the project at their own level (市/县/乡),
    from ``start_on`` to ``end_on``; current and ending by the rule of
    ``core.models.Responsibility``, the same as an enterprise's 包保. Rows are never deleted: an
    ended one is the project's 包保 history."""

    subject_field = "project"

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="leaders"
    )
    role = models.CharField(
        "包保角色",
        max_length=20,
        choices=ResponsibilityRole.choices,
        default=ResponsibilityRole.LEADER,
    )

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = "包保领导"
        verbose_name_plural = "包保领导"
        ordering = ["project_id", "-start_on", "-id"]
        constraints = [
            Responsibility.end_after_start("project_leader_end_after_start"),
            models.UniqueConstraint(
                fields=["project", "official"],
                condition=models.Q(end_on__isnull=True),
                name="project_leader_one_open",
                violation_error_message="该领导已在包保此项目。",
            ),
        ]

    def __str__(self):
        return f"{self.official}（{self.project}）"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#leaders"


class ProjectContact(ProjectScoped, ContactPerson):
    """A contact person on the investor's side (``core.models.ContactPerson``). Phone numbers are
    masked everywhere (138****1234); the full number takes ``projects.reveal_projectcontact`` and
    each reveal is audited."""

    owner_field = "project"
    reveal_permission = "projects.reveal_projectcontact"
    reveal_label = "项目联系人"

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="contacts"
    )

    class Meta:
        verbose_name = "项目联系人"
        verbose_name_plural = "项目联系人"
        ordering = ["project_id", "id"]

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#contacts"


_SPLIT = models.F("provincial_outside") + models.F("overseas") - models.F("working_capital")


class ProjectFunds(ProjectScoped):
    """实际到位资金 of one month (万元), split by source (省外 / 境外) and by use (固定资产投资 /
    流动资金) — two splits of the same total — and 实际使用外资 (万美元)."""

    audited = True

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="funds"
    )
    month = models.DateField("月份", help_text="当月第一天")
    provincial_outside = models.DecimalField(
        "省外资金（万元）", max_digits=14, decimal_places=2, default=0
    )
    overseas = models.DecimalField("境外资金（万元）", max_digits=14, decimal_places=2, default=0)
    fixed_asset = models.DecimalField(
        "固定资产投资（万元）", max_digits=14, decimal_places=2, default=0
    )
    working_capital = models.DecimalField(
        "流动资金（万元）", max_digits=14, decimal_places=2, default=0
    )
    fdi_usd = models.DecimalField(
        "实际使用外资（万美元）", max_digits=14, decimal_places=2, default=0
    )
    recorded_by = user_field("填报人")
    recorded_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["project_id", "month"]
        indexes = [models.Index(fields=["month", "project"], name="projectfunds_month_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="projectfunds_one_per_month",
                violation_error_message="该项目当月已填报到位资金，请修改原记录。",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1),
                name="projectfunds_month_first_day",
                violation_error_message="月份须为当月第一天。",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    provincial_outside__gte=0,
                    overseas__gte=0,
                    fixed_asset__gte=0,
                    working_capital__gte=0,
                    fdi_usd__gte=0,
                ),
                name="projectfunds_not_negative",
                violation_error_message="到位资金各项不能为负数。",
            ),
            # Within half a cent: SQLite compares decimals as floating point.
            models.CheckConstraint(
                condition=models.Q(
                    fixed_asset__gte=_SPLIT - models.Value(Decimal("0.005")),
                    fixed_asset__lte=_SPLIT + models.Value(Decimal("0.005")),
                ),
                name="projectfunds_splits_agree",
                violation_error_message="固定资产投资与流动资金之和须等于省外资金与境外资金之和。",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.month:%Y年%m月}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.project_id]) + "#funds"

    @property
    def total(self):
        return self.provincial_outside + self.overseas
