"""Market-order and safety inspections (市场秩序与安全生产检查) with 双随机、一公开 (issue 21).

Where each section of the issue lives (models here hold every section's data):
  §1 subjects and sites (Site, SiteEvent: licence changes, expiry)     services.py, views.py
  §2 checklists, versioned (InspectionKind, Checklist, ChecklistItem)  services.py, views.py
  §3 plans (Plan; pre-holiday dates from workcalendar)                 services.py, views.py
  §4 双随机 draw and publication (Inspector, Draw, PlanTarget)          draw.py, services.py
  §5 field inspection (Inspection, InspectionAnswer, InspectionPhoto;
     findings → Hazard with a deadline from RectificationRule)         services.py, views.py
  §6 rectification 整改→复查→销号, lights, notifications, case/referral  rectification.py
     (Hazard's status/recheck/referral fields, HazardEvent, HazardPhoto; the case link is
     Case.origin_hazard, added with case_open_from as every origin is)
  §7 coverage pages coverage.py · §8 figures figures.py · §9 API api/ · §10 demo demo.py

Scope: every business row is placed by its site's county and township (a plan by its own
region; a city-wide plan, county empty, is the city's alone), so a county officer sees only
their county's subjects, plans, inspections and hazards on every page, export and endpoint.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shangwu.core.access import Access, RestrictedQuerySet, ScopedModel
from shangwu.core.models import Event, StoredFile, Vocabulary, user_field
from shangwu.inspections.choices import (
    LICENCE_WARNING_DAYS,
    ChecklistStatus,
    HazardEventKind,
    HazardStatus,
    Holiday,
    InspectionEventKind,
    InspectionOutcome,
    InspectionStatus,
    ItemResult,
    LicenceStatus,
    PlanEventKind,
    PlanMethod,
    PlanStatus,
    RecheckResult,
    Severity,
    SiteEventKind,
    SiteType,
    TargetSource,
)
from shangwu.organization.models import county_field, township_field

# ---------------------------------------------------------------- §1 subjects and sites


class InspectionKind(Vocabulary):
    """检查类型 (商超安全检查, 加油站年度检查, 油品质量专项, 单用途预付卡, 二手车交易市场…), kept by
    the 系统管理员: which registry tag makes an enterprise a subject (``tag_code``) and what kind
    of site is inspected."""

    detail_fields = ("tag_code", "site_type")

    name = models.CharField("检查类型", max_length=30, unique=True)
    tag_code = models.SlugField(
        "企业库标签代码",
        max_length=30,
        help_text="带此标签的企业是本类检查的对象（如成品油零售 oil_retail、商超 supermarket）。",
    )
    site_type = models.CharField(
        "检查场所类型", max_length=20, choices=SiteType.choices, default=SiteType.PREMISES
    )

    class Meta(Vocabulary.Meta):
        verbose_name = "检查类型"
        verbose_name_plural = "检查类型"

    def get_absolute_url(self):
        return reverse("inspections:kind_detail", args=[self.pk])


class Site(ScopedModel):
    """A place that is inspected: a fuel station with its own address and 成品油零售经营批准证书,
    a store of a chain supermarket, a market, an enterprise's premises. Its enterprise is a
    registry enterprise; its place (county, township) is the site's own."""

    audited = True
    str_fields = ("name",)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="sites",
    )
    name = models.CharField("场所名称", max_length=200)
    site_type = models.CharField("场所类型", max_length=20, choices=SiteType.choices)
    address = models.CharField("地址", max_length=200, blank=True)
    county = county_field()
    township = township_field()
    licence_no = models.CharField(
        "经营许可证号", max_length=60, blank=True, help_text="加油站为成品油零售经营批准证书编号。"
    )
    licence_valid_until = models.DateField("许可证有效期至", null=True, blank=True, db_index=True)
    licence_status = models.CharField(
        "许可状态", max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.NONE
    )
    tanks = models.PositiveSmallIntegerField("储罐数", null=True, blank=True)
    pumps = models.PositiveSmallIntegerField("加油机数", null=True, blank=True)
    manager_name = models.CharField("现场负责人", max_length=50, blank=True)
    is_active = models.BooleanField("在营", default=True)
    # The day the 90-day expiry notice went out for the current validity (idempotent notices).
    licence_notified_for = models.DateField("已提醒的有效期", null=True, blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "检查场所"
        verbose_name_plural = "检查场所"
        ordering = ["county_id", "name", "id"]
        indexes = [models.Index(fields=["county", "site_type"], name="site_county_type_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(licence_status="valid")
                | (~models.Q(licence_no="") & models.Q(licence_valid_until__isnull=False)),
                name="site_valid_licence_has_number",
                violation_error_message="许可有效时须填写许可证号和有效期。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:site_detail", args=[self.pk])

    def licence_expiring(self, today: datetime.date) -> bool:
        """A valid licence that ends within ``LICENCE_WARNING_DAYS`` (or has ended)."""
        return (
            self.licence_status == LicenceStatus.VALID
            and self.licence_valid_until is not None
            and self.licence_valid_until <= today + datetime.timedelta(days=LICENCE_WARNING_DAYS)
        )

    def clean(self):
        errors = {}
        if self.township_id and self.county_id and self.township.parent_id != self.county_id:
            errors["township"] = f"乡镇“{self.township}”不属于“{self.county}”。"
        if self.licence_status == LicenceStatus.VALID:
            if not self.licence_no.strip():
                errors["licence_no"] = "许可有效时须填写许可证号。"
            if self.licence_valid_until is None:
                errors["licence_valid_until"] = "许可有效时须填写有效期。"
        if errors:
            raise ValidationError(errors)


class SiteEvent(Event):
    """One change of a site: registration, edits and the licence's life (新建, 变更, 换证, 注销)
    with the licence number and validity at that moment."""

    subject_field = "site"
    from_status = None
    to_status = None

    site = models.ForeignKey(
        Site, verbose_name="场所", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=20, choices=SiteEventKind.choices)
    licence_no = models.CharField("许可证号", max_length=60, blank=True)
    licence_valid_until = models.DateField("有效期至", null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = "场所动态"
        verbose_name_plural = "场所动态"
        indexes = [models.Index(fields=["site", "at"], name="siteevent_at_idx")]

    def status_change(self):
        return None


class Inspector(ScopedModel):
    """执法人员: a user holding a 行政执法证, in the pool the 双随机 draw picks inspectors from.
    Placed at the user's county (and township); a city inspector has no county."""

    audited = True

    user = models.OneToOneField(
        "accounts.User", verbose_name="人员", on_delete=models.PROTECT, related_name="inspector"
    )
    cert_no = models.CharField(
        "执法证号",
        max_length=40,
        unique=True,
        error_messages={"unique": "该执法证号已登记。"},
    )
    cert_valid_until = models.DateField("执法证有效期至", null=True, blank=True)
    county = county_field(null=True, blank=True, help_text="留空表示市局执法人员。")
    township = township_field()
    is_active = models.BooleanField("在岗", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["county_id", "cert_no"]

    def __str__(self):
        return f"{self.user}（{self.cert_no}）"

    def get_absolute_url(self):
        return reverse("inspections:inspector_list") + f"?q={self.cert_no}"


# ---------------------------------------------------------------- §2 checklists


class ReferenceQuerySet(RestrictedQuerySet):
    pass


class Checklist(models.Model):
    """One version of the checklist of an inspection kind. Edited while a draft; once in use it
    is frozen (an inspection keeps the version it used) and the next edit is a new version."""

    access = Access.REFERENCE
    audited = True

    kind = models.ForeignKey(
        InspectionKind, verbose_name="检查类型", on_delete=models.PROTECT, related_name="checklists"
    )
    version = models.PositiveSmallIntegerField("版本")
    title = models.CharField("名称", max_length=100)
    status = models.CharField(
        "状态", max_length=10, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT
    )
    note = models.CharField("说明", max_length=300, blank=True)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)
    created_by = user_field("编制人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = "检查表"
        ordering = ["kind_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"],
                name="checklist_version_once",
                violation_error_message="该检查类型已有此版本。",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(status="active"),
                name="checklist_one_active_per_kind",
                violation_error_message="每种检查类型只能有一个使用中的检查表。",
            ),
        ]

    def __str__(self):
        return f"{self.title}（第{self.version}版）"

    def get_absolute_url(self):
        return reverse("inspections:checklist_detail", args=[self.pk])


class ChecklistItem(models.Model):
    """One item of a checklist version: its section, text, legal basis (依据) and the severity
    of a failure (一般 / 重大隐患)."""

    access = Access.REFERENCE
    audited = True

    checklist = models.ForeignKey(
        Checklist, verbose_name="检查表", on_delete=models.PROTECT, related_name="items"
    )
    section = models.CharField("分组", max_length=50)
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("检查内容", max_length=300)
    basis = models.CharField("依据", max_length=300, blank=True)
    severity = models.CharField(
        "不合格时隐患等级", max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["checklist_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "number"],
                name="checklistitem_number_once",
                violation_error_message="序号重复。",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    def get_absolute_url(self):
        return (
            reverse("inspections:checklist_detail", args=[self.checklist_id]) + f"#item-{self.pk}"
        )


class RectificationRule(models.Model):
    """整改期限: the working days a finding of each severity is given (一般 10, 重大 30), kept by
    the 系统管理员."""

    access = Access.REFERENCE
    audited = True

    severity = models.CharField(
        "隐患等级",
        max_length=10,
        choices=Severity.choices,
        unique=True,
        error_messages={"unique": "该隐患等级的整改期限已设置。"},
    )
    working_days = models.PositiveSmallIntegerField("整改期限（工作日）")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "整改期限"
        verbose_name_plural = "整改期限"
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_days__gte=1),
                name="rectificationrule_days_positive",
                violation_error_message="整改期限至少1个工作日。",
            ),
        ]

    def __str__(self):
        return f"{self.get_severity_display()}：{self.working_days}个工作日"

    def get_absolute_url(self):
        return reverse("inspections:rule_list")


# ---------------------------------------------------------------- §3 plans, §4 the draw


class Plan(ScopedModel):
    """检查计划: a kind, a period, a region and a method — 全覆盖 (every subject in scope once),
    双随机 (a sample of subjects and inspectors drawn from a pool) or 专项 (a hand-picked list) —
    and a coverage target. Placed by its region (county empty: the whole city)."""

    audited = True
    str_fields = ("name",)

    name = models.CharField("计划名称", max_length=200)
    kind = models.ForeignKey(
        InspectionKind, verbose_name="检查类型", on_delete=models.PROTECT, related_name="plans"
    )
    method = models.CharField("检查方式", max_length=10, choices=PlanMethod.choices)
    holiday = models.CharField(
        "节前检查", max_length=20, choices=Holiday.choices, blank=True, default=""
    )
    start_on = models.DateField("开始日期", db_index=True)
    end_on = models.DateField("结束日期")
    county = county_field(null=True, blank=True, help_text="留空表示全市。")
    township = township_field()
    sample_percent = models.PositiveSmallIntegerField(
        "抽取比例（%）", null=True, blank=True, help_text="双随机：按比例抽取检查对象。"
    )
    sample_count = models.PositiveIntegerField(
        "抽取数量", null=True, blank=True, help_text="双随机：按数量抽取（与比例二选一）。"
    )
    team_size = models.PositiveSmallIntegerField("每组执法人员数", default=2)
    coverage_target = models.PositiveSmallIntegerField("覆盖率目标（%）", default=100)
    status = models.CharField(
        "状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = user_field("公开人")
    organiser = models.ForeignKey(
        "organization.OrgUnit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明", blank=True)
    created_by = user_field("制定人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "检查计划"
        verbose_name_plural = "检查计划"
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["county", "kind", "start_on"], name="plan_county_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")),
                name="plan_end_after_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
            models.CheckConstraint(
                condition=models.Q(team_size__gte=2),
                name="plan_team_at_least_two",
                violation_error_message="每组至少2名执法人员。",
            ),
            models.CheckConstraint(
                condition=models.Q(sample_percent__isnull=True)
                | models.Q(sample_percent__gte=1, sample_percent__lte=100),
                name="plan_sample_percent_range",
                violation_error_message="抽取比例应在1%到100%之间。",
            ),
            models.CheckConstraint(
                condition=models.Q(coverage_target__lte=100),
                name="plan_coverage_target_range",
                violation_error_message="覆盖率目标不能超过100%。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.pk])

    @property
    def place(self) -> str:
        if not self.county_id:
            return "全市"
        return f"{self.county}{self.township}" if self.township_id else str(self.county)

    def clean(self):
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "结束日期不能早于开始日期。"
        if self.township_id and not self.county_id:
            errors["county"] = "选择乡镇(街道)时须选择所在县(市、区)。"
        elif self.township_id and self.township.parent_id != self.county_id:
            errors["township"] = f"乡镇“{self.township}”不属于“{self.county}”。"
        if self.method == PlanMethod.RANDOM:
            if bool(self.sample_percent) == bool(self.sample_count):
                errors["sample_percent"] = "双随机计划须填写抽取比例或抽取数量（二选一）。"
        elif self.sample_percent or self.sample_count:
            errors["sample_percent"] = "只有双随机计划按比例或数量抽取。"
        if self.team_size is not None and self.team_size < 2:
            errors["team_size"] = "每组至少2名执法人员。"
        if errors:
            raise ValidationError(errors)


class PlanEvent(Event):
    """One change of a plan: made, its subjects fixed, drawn, redrawn (with the reason),
    published, closed."""

    subject_field = "plan"

    plan = models.ForeignKey(
        Plan, verbose_name="检查计划", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=20, choices=PlanEventKind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=PlanStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = "计划动态"
        verbose_name_plural = "计划动态"
        indexes = [models.Index(fields=["plan", "at"], name="planevent_at_idx")]


class PlanScoped(ScopedModel):
    """Rows of a plan (draws, targets): in scope wherever their plan is."""

    scope_county_field = "plan__county"
    scope_township_field = "plan__township"

    class Meta:
        abstract = True


class Draw(PlanScoped):
    """One 双随机 draw of a plan, kept for ever: the candidate lists (subjects and inspectors,
    with the conflicts excluded), their SHA-256, the seed and the algorithm version, and the
    result, so anyone can replay it (``draw.draw_compute``). A redraw is a new row with its
    reason; the first stays (``is_current`` moves)."""

    audited = True

    plan = models.ForeignKey(
        Plan, verbose_name="检查计划", on_delete=models.PROTECT, related_name="draws"
    )
    number = models.PositiveSmallIntegerField("抽取次序")
    seed = models.CharField("随机种子", max_length=64)
    algorithm_version = models.CharField("算法版本", max_length=20)
    subject_candidates = models.JSONField("候选检查对象", default=list)
    inspector_candidates = models.JSONField("候选执法人员", default=list)
    candidates_sha256 = models.CharField("候选名单摘要（SHA-256）", max_length=64)
    sample_size = models.PositiveIntegerField("抽取对象数")
    team_size = models.PositiveSmallIntegerField("每组执法人员数")
    result = models.JSONField("抽取结果", default=list)
    reason = models.CharField("重新抽取原因", max_length=300, blank=True)
    is_current = models.BooleanField("当前有效", default=True)
    drawn_by = user_field("抽取人")
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now)

    class Meta:
        verbose_name = "随机抽取"
        verbose_name_plural = "随机抽取"
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="draw_number_once",
                violation_error_message="该计划已有此次抽取。",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(is_current=True),
                name="draw_one_current_per_plan",
                violation_error_message="每个计划只有一次当前有效的抽取。",
            ),
            models.CheckConstraint(
                condition=models.Q(number=1) | ~models.Q(reason=""),
                name="draw_redraw_has_reason",
                violation_error_message="重新抽取须填写原因。",
            ),
        ]

    def __str__(self):
        return f"{self.plan} 第{self.number}次抽取"

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.plan_id]) + f"#draw-{self.number}"


class PlanTarget(ScopedModel):
    """A subject (site) on a plan, with its team of inspectors and the day planned. Targets of
    a superseded draw stay, inactive. Placed where its site is: the officers of the site's
    county (township) see it and inspect it, also on a city-wide plan."""

    audited = True
    scope_county_field = "site__county"
    scope_township_field = "site__township"

    plan = models.ForeignKey(
        Plan, verbose_name="检查计划", on_delete=models.PROTECT, related_name="targets"
    )
    site = models.ForeignKey(
        Site, verbose_name="检查对象", on_delete=models.PROTECT, related_name="targets"
    )
    source = models.CharField("来源", max_length=10, choices=TargetSource.choices)
    draw = models.ForeignKey(
        Draw,
        verbose_name="随机抽取",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    team = models.ManyToManyField(
        "accounts.User", verbose_name="检查组", related_name="+", blank=True
    )
    planned_on = models.DateField("计划检查日期", null=True, blank=True)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "检查对象"
        verbose_name_plural = "计划检查对象"
        ordering = ["plan_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "site"],
                condition=models.Q(is_active=True),
                name="plantarget_site_once",
                violation_error_message="该场所已在本计划中。",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.site}"

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.plan_id]) + f"#target-{self.pk}"


# ---------------------------------------------------------------- §5 inspections in the field


class Inspection(ScopedModel):
    """One inspection of one site: the checklist version it used, item by item results, the
    subject's signature name and the time; a draft until submitted, once."""

    audited = True

    plan = models.ForeignKey(
        Plan,
        verbose_name="检查计划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    target = models.ForeignKey(
        PlanTarget,
        verbose_name="计划检查对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    site = models.ForeignKey(
        Site, verbose_name="检查场所", on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.ForeignKey(
        InspectionKind,
        verbose_name="检查类型",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name="检查表版本", on_delete=models.PROTECT, related_name="inspections"
    )
    county = county_field()
    township = township_field()
    status = models.CharField(
        "状态",
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
        db_index=True,
    )
    outcome = models.CharField(
        "检查结果", max_length=10, choices=InspectionOutcome.choices, blank=True
    )
    inspectors = models.ManyToManyField(
        "accounts.User", verbose_name="检查人员", related_name="inspections", blank=True
    )
    inspected_on = models.DateField("检查日期", db_index=True)
    signature_name = models.CharField("被检查单位签字人", max_length=50, blank=True)
    signed_at = models.DateTimeField("签字时间", null=True, blank=True)
    note = models.TextField("检查意见", blank=True)
    created_by = user_field("检查登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = user_field("提交人")

    class Meta:
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(
                fields=["county", "kind", "inspected_on"], name="inspection_county_kind_idx"
            ),
            models.Index(fields=["site", "inspected_on"], name="inspection_site_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="submitted")
                | (models.Q(submitted_at__isnull=False) & ~models.Q(outcome="")),
                name="inspection_submitted_has_outcome",
                violation_error_message="已提交的检查须有提交时间和检查结果。",
            ),
            models.UniqueConstraint(
                fields=["target"],
                condition=models.Q(target__isnull=False),
                name="inspection_once_per_target",
                violation_error_message="该计划对象已有检查记录。",
            ),
        ]

    def __str__(self):
        return f"{self.site} {self.inspected_on:%Y-%m-%d} {self.kind}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == InspectionStatus.DRAFT


class InspectionEvent(Event):
    subject_field = "inspection"

    inspection = models.ForeignKey(
        Inspection, verbose_name="检查记录", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=20, choices=InspectionEventKind.choices)
    from_status = models.CharField(
        "原状态", max_length=12, choices=InspectionStatus.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=12, choices=InspectionStatus.choices, blank=True
    )

    class Meta(Event.Meta):
        verbose_name = "检查动态"
        verbose_name_plural = "检查动态"
        indexes = [models.Index(fields=["inspection", "at"], name="inspectionevent_at_idx")]


class InspectionScoped(ScopedModel):
    """Rows of an inspection: in scope wherever their inspection is."""

    scope_county_field = "inspection__county"
    scope_township_field = "inspection__township"

    class Meta:
        abstract = True


class InspectionAnswer(InspectionScoped):
    """The result of one checklist item in one inspection (合格 / 不合格 / 不适用) and its note."""

    audited = True

    inspection = models.ForeignKey(
        Inspection, verbose_name="检查记录", on_delete=models.PROTECT, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT, related_name="answers"
    )
    result = models.CharField("结果", max_length=10, choices=ItemResult.choices, blank=True)
    note = models.CharField("情况说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "检查项结果"
        verbose_name_plural = "检查项结果"
        ordering = ["inspection_id", "item__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item"],
                name="inspectionanswer_once",
                violation_error_message="该检查项已有结果。",
            ),
        ]

    def __str__(self):
        return f"{self.item}：{self.get_result_display() or '未填'}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.inspection_id])


class InspectionPhoto(StoredFile):
    """A photo taken on an inspection (core.files), of one item where the inspector says so."""

    owner_field = "inspection"
    storage_folder = "inspections"

    inspection = models.ForeignKey(
        Inspection, verbose_name="检查记录", on_delete=models.PROTECT, related_name="photos"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name="检查项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(StoredFile.Meta):
        verbose_name = "检查照片"
        verbose_name_plural = "检查照片"

    def get_absolute_url(self):
        return reverse("inspections:photo_download", args=[self.pk])


# ---------------------------------------------------------------- §5/§6 findings and rectification


class Hazard(ScopedModel):
    """隐患: a failed checklist item of a submitted inspection, with its rectification order —
    the deadline in working days by severity (``RectificationRule``), the person responsible at
    the subject — then 整改 → 复查 (已整改 / 未整改) → 销号. A 重大隐患 not rectified may become a
    case (``Case.origin_hazard``) or be referred to another department (``referred_*``)."""

    audited = True

    inspection = models.ForeignKey(
        Inspection, verbose_name="检查记录", on_delete=models.PROTECT, related_name="hazards"
    )
    answer = models.OneToOneField(
        InspectionAnswer,
        verbose_name="检查项结果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazard",
    )
    site = models.ForeignKey(
        Site, verbose_name="场所", on_delete=models.PROTECT, related_name="hazards"
    )
    county = county_field()
    township = township_field()
    description = models.CharField("隐患描述", max_length=500)
    severity = models.CharField("隐患等级", max_length=10, choices=Severity.choices, db_index=True)
    found_on = models.DateField("发现日期")
    deadline_days = models.PositiveSmallIntegerField("整改期限（工作日）")
    deadline = models.DateField("整改期限", db_index=True)
    responsible_person = models.CharField("整改责任人", max_length=50)
    status = models.CharField(
        "整改状态",
        max_length=12,
        choices=HazardStatus.choices,
        default=HazardStatus.RECTIFYING,
        db_index=True,
    )
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectify_note = models.TextField("整改情况", blank=True)
    recheck_on = models.DateField("复查日期", null=True, blank=True)
    recheck_result = models.CharField(
        "复查结果", max_length=15, choices=RecheckResult.choices, blank=True
    )
    recheck_note = models.TextField("复查意见", blank=True)
    rechecked_by = user_field("复查人")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = user_field("销号人")
    # Lights: set once each by the deadline command, so each notice goes out once.
    warned_at = models.DateTimeField("黄灯时间", null=True, blank=True)
    overdue_at = models.DateTimeField("红灯时间", null=True, blank=True)
    referred_to = models.CharField("移送部门", max_length=100, blank=True)
    referred_on = models.DateField("移送日期", null=True, blank=True)
    referral_note = models.TextField("移送说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "隐患"
        verbose_name_plural = "隐患"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["county", "status", "deadline"], name="hazard_county_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="hazard_closed_has_time",
                violation_error_message="已销号的隐患须有销号时间。",
            ),
        ]

    def __str__(self):
        return f"{self.site}：{self.description[:30]}"

    def get_absolute_url(self):
        return reverse("inspections:hazard_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (HazardStatus.RECTIFYING, HazardStatus.RECHECK)


class HazardEvent(Event):
    subject_field = "hazard"

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=20, choices=HazardEventKind.choices)
    from_status = models.CharField(
        "原状态", max_length=12, choices=HazardStatus.choices, blank=True
    )
    to_status = models.CharField("新状态", max_length=12, choices=HazardStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = "隐患动态"
        verbose_name_plural = "隐患动态"
        indexes = [models.Index(fields=["hazard", "at"], name="hazardevent_at_idx")]


class HazardPhoto(StoredFile):
    """Evidence of rectification (整改照片/材料), through core.files."""

    owner_field = "hazard"
    storage_folder = "inspections"

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.PROTECT, related_name="photos"
    )

    class Meta(StoredFile.Meta):
        verbose_name = "整改材料"
        verbose_name_plural = "整改材料"

    def get_absolute_url(self):
        return reverse("inspections:hazard_photo_download", args=[self.pk])
