"""Designations and pilot programmes (荣誉认定与示范创建): 中华老字号, 绿色商场, 示范步行街,
县域商业体系建设示范县… from the cultivation list to award, review and withdrawal.

A designation's kind (``DesignationKind``, a managed list the 系统管理员 keeps) says its level,
who awards it, what may hold it, how long it is valid, how often it is reviewed and whether it
carries funds. Its status moves 培育 → 申报 → 推荐 → 认定 → 复核 → 撤销/摘牌/到期 only through
``services.designation_<step>``, each step a ``DesignationEvent`` row. Whether it is *current*
on a day is computed against that day (``DesignationQuerySet.current``), never stored: an
expired designation stops counting on its expiry date without anyone touching it.

Scope: the holder's place (county, township), as every business record; a city-wide holder
(county empty) is the city's alone.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shangwu.core.access import RestrictedQuerySet, ScopedModel
from shangwu.core.choices import ResponsibilityRole
from shangwu.core.models import (
    Event,
    Responsibility,
    ResponsibilityQuerySet,
    StoredFile,
    Vocabulary,
    user_field,
)
from shangwu.designations.choices import (
    ENTERPRISE_HOLDERS,
    NAMED_HOLDERS,
    AttachmentPurpose,
    DesignationEventKind,
    DesignationLevel,
    DesignationStatus,
    FundSource,
    HolderType,
    MilestoneKind,
    MilestoneResult,
    RecommendLevel,
    ReviewResult,
)
from shangwu.organization.models import county_field, township_field

# A milestone due within this many days lights yellow (a 验收 is prepared weeks ahead).
MILESTONE_WARNING_DAYS = 30


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DesignationKind(Vocabulary):
    """荣誉/示范类型 (中华老字号, 绿色商场, 县域商业体系建设示范县…), kept by the 系统管理员."""

    detail_fields = (
        "level",
        "authority",
        "holder_types",
        "validity_years",
        "review_cycle_years",
        "dynamic",
        "carries_funds",
        "tag_code",
    )

    name = models.CharField("荣誉/示范类型", max_length=30, unique=True)
    level = models.CharField("级别", max_length=10, choices=DesignationLevel.choices)
    authority = models.CharField(
        "认定单位", max_length=50, help_text="如商务部、省商务厅、市政府。"
    )
    holder_types = models.JSONField(
        "可认定对象",
        default=list,
        help_text="企业、门店/品牌、街区/商圈、乡镇/社区、县(市、区)、全市、园区/项目。",
    )
    validity_years = models.PositiveSmallIntegerField(
        "有效期（年）", null=True, blank=True, help_text="留空表示长期有效。"
    )
    review_cycle_years = models.PositiveSmallIntegerField(
        "复核周期（年）", null=True, blank=True, help_text="留空表示不定期复核。"
    )
    dynamic = models.BooleanField(
        "动态管理", default=False, help_text="如中华老字号：随时复核、有进有出。"
    )
    carries_funds = models.BooleanField(
        "有资金支持", default=False, help_text="示范县等创建项目：中央、省级资金，须验收。"
    )
    tag_code = models.SlugField(
        "企业库标签代码",
        max_length=30,
        blank=True,
        help_text="企业库中由本类认定派生的标签（如中华老字号 time_honored_national）。",
    )

    class Meta(Vocabulary.Meta):
        verbose_name = "荣誉/示范类型"
        verbose_name_plural = "荣誉/示范类型"

    def get_absolute_url(self):
        return reverse("designations:kind_detail", args=[self.pk])

    def get_holder_types_display(self) -> str:
        return "、".join(HolderType(t).label for t in self.holder_types if t in HolderType.values)

    def clean(self):
        bad = [t for t in self.holder_types or [] if t not in HolderType.values]
        if not self.holder_types or bad:
            raise ValidationError({"holder_types": "请至少选择一种可认定对象。"})


class DesignationQuerySet(RestrictedQuerySet):
    def current(self, on: datetime.date | None = None):
        """Held on ``on`` (today): awarded on or before it, not ended (撤销/摘牌/到期) by it, and
        not past its expiry date (the expiry day itself no longer counts)."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on),
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gt=on),
            awarded_on__lte=on,
        )

    def with_responsible(self):
        """Annotate each row with its responsible unit and official now (its open
        ``DesignationResponsibility``): ``responsible_unit_id``, ``responsible_unit_name``,
        ``official_id``, ``official_name``, in the rows' own query (lists, exports, the API)."""
        open_row = DesignationResponsibility.objects.filter(
            designation=models.OuterRef("pk"), end_on__isnull=True
        ).order_by("-start_on", "-id")
        return self.annotate(
            responsible_unit_id=models.Subquery(open_row.values("unit_id")[:1]),
            responsible_unit_name=models.Subquery(open_row.values("unit__name")[:1]),
            official_id=models.Subquery(open_row.values("official_id")[:1]),
            official_name=models.Subquery(open_row.values("official__name")[:1]),
        )

    def responsible_unit_is(self, unit):
        """Those whose responsible unit now is ``unit`` (an OrgUnit or its id)."""
        return self.filter(
            pk__in=DesignationResponsibility.objects.filter(unit=unit, end_on__isnull=True).values(
                "designation_id"
            )
        )

    def review_due(self, start: datetime.date, end: datetime.date):
        """Current designations whose 复核 falls due between ``start`` and ``end``."""
        return self.current(start).filter(next_review_on__gte=start, next_review_on__lte=end)


class Designation(ScopedModel):
    """One designation of one holder: from the cultivation list to award, review and its end."""

    audited = True
    str_fields = ("name",)

    kind = models.ForeignKey(
        DesignationKind,
        verbose_name="荣誉/示范类型",
        on_delete=models.PROTECT,
        related_name="designations",
    )
    name = models.CharField(
        "名称", max_length=200, help_text="如“云河老字号·王记面馆”，留空按对象和类型生成。"
    )
    holder_type = models.CharField("认定对象类型", max_length=12, choices=HolderType.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designations",
    )
    holder_name = models.CharField(
        "对象名称", max_length=200, blank=True, help_text="门店/品牌、街区/商圈、园区/项目的名称。"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="关联项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designations",
    )
    county = county_field(null=True, blank=True, help_text="留空表示全市。")
    township = township_field()
    status = models.CharField(
        "状态",
        max_length=12,
        choices=DesignationStatus.choices,
        default=DesignationStatus.CULTIVATING,
        db_index=True,
    )
    cultivation_on = models.DateField("列入培育日期")
    applied_on = models.DateField("申报日期", null=True, blank=True)
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    recommend_level = models.CharField(
        "推荐层级", max_length=10, choices=RecommendLevel.choices, blank=True
    )
    recommend_doc = models.CharField("推荐文号", max_length=100, blank=True)
    awarded_on = models.DateField("认定日期", null=True, blank=True, db_index=True)
    award_doc = models.CharField("认定文号", max_length=100, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    next_review_on = models.DateField("下次复核日期", null=True, blank=True, db_index=True)
    last_review_on = models.DateField("最近复核日期", null=True, blank=True)
    last_review_result = models.CharField(
        "最近复核结果", max_length=10, choices=ReviewResult.choices, blank=True
    )
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    ended_on = models.DateField("撤销/摘牌/到期日期", null=True, blank=True)
    end_reason = models.CharField("撤销/摘牌/到期原因", max_length=300, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = "荣誉认定"
        verbose_name_plural = "荣誉认定"
        ordering = ["-awarded_on", "-cultivation_on", "-id"]
        indexes = [
            models.Index(fields=["county", "kind"], name="designation_county_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(holder_type__in=[t.value for t in ENTERPRISE_HOLDERS])
                | models.Q(enterprise__isnull=False),
                name="designation_enterprise_holder_has_enterprise",
                violation_error_message="认定对象为企业或门店/品牌时须选择企业。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("designations:designation_detail", args=[self.pk])

    @property
    def holder(self) -> str:
        """Who holds it, as the pages say it."""
        if self.holder_type == HolderType.ENTERPRISE:
            return str(self.enterprise) if self.enterprise_id else ""
        if self.holder_type == HolderType.STORE:
            return (
                f"{self.enterprise}·{self.holder_name}" if self.enterprise_id else self.holder_name
            )
        if self.holder_type in NAMED_HOLDERS:
            return self.holder_name
        if self.holder_type == HolderType.TOWNSHIP:
            return self.holder_name or str(self.township or "")
        if self.holder_type == HolderType.COUNTY:
            return str(self.county or "")
        return "全市"

    @property
    def place(self) -> str:
        if not self.county_id:
            return "全市"
        return f"{self.county}{self.township}" if self.township_id else str(self.county)

    @property
    def responsibility(self) -> DesignationResponsibility | None:
        """Who is responsible now: the open ``DesignationResponsibility`` (history: the ended
        ones, ``responsibilities``)."""
        if not hasattr(self, "_responsibility"):
            self._responsibility = (
                self.responsibilities.filter(end_on__isnull=True)
                .select_related("unit", "official")
                .order_by("-start_on", "-id")
                .first()
                if self.pk
                else None
            )
        return self._responsibility

    def is_current(self, on: datetime.date) -> bool:
        return (
            self.awarded_on is not None
            and self.awarded_on <= on
            and (self.ended_on is None or self.ended_on > on)
            and (self.expires_on is None or self.expires_on > on)
        )

    def clean(self):
        errors = {}
        kind = self.kind if self.kind_id else None
        if kind is not None and self.holder_type and self.holder_type not in kind.holder_types:
            allowed = kind.get_holder_types_display()
            errors["holder_type"] = f"“{kind}”的认定对象只能是：{allowed}。"
        if self.holder_type in ENTERPRISE_HOLDERS and not self.enterprise_id:
            errors["enterprise"] = "认定对象为企业或门店/品牌时须选择企业。"
        if self.holder_type in NAMED_HOLDERS and not self.holder_name.strip():
            errors["holder_name"] = "请填写门店/品牌、街区/商圈或园区/项目的名称。"
        if self.holder_type in (
            HolderType.COUNTY,
            HolderType.STREET,
            HolderType.TOWNSHIP,
            HolderType.PARK,
        ):
            if not self.county_id:
                errors["county"] = "请选择所在县(市、区)。"
        if self.holder_type == HolderType.TOWNSHIP and not self.township_id:
            errors["township"] = "认定对象为乡镇(街道)/社区时须选择乡镇(街道)。"
        if self.holder_type == HolderType.CITY and self.county_id:
            errors["county"] = "认定对象为全市时不选县(市、区)。"
        if self.township_id and self.county_id and self.township.parent_id != self.county_id:
            errors["township"] = f"乡镇“{self.township}”不属于“{self.county}”。"
        if errors:
            raise ValidationError(errors)


class DesignationEvent(Event):
    """One row per change of a designation (认定动态): each step with who and when."""

    subject_field = "designation"

    designation = models.ForeignKey(
        Designation, verbose_name="荣誉认定", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=12, choices=DesignationEventKind.choices)
    from_status = models.CharField(
        "原状态", max_length=12, choices=DesignationStatus.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=12, choices=DesignationStatus.choices, blank=True
    )

    class Meta(Event.Meta):
        verbose_name = "认定动态"
        verbose_name_plural = "认定动态"
        indexes = [models.Index(fields=["designation", "at"], name="designationevent_at_idx")]


class DesignationAttachment(StoredFile):
    """申报材料, the certificate (证书/认定文件), 复核材料 (core.files). In scope wherever its
    designation is."""

    owner_field = "designation"
    storage_folder = "designations"

    designation = models.ForeignKey(
        Designation, verbose_name="荣誉认定", on_delete=models.PROTECT, related_name="attachments"
    )
    purpose = models.CharField(
        "用途", max_length=12, choices=AttachmentPurpose.choices, default=AttachmentPurpose.OTHER
    )

    class Meta(StoredFile.Meta):
        verbose_name = "认定附件"
        verbose_name_plural = "认定附件"

    def get_absolute_url(self):
        return reverse("designations:attachment_download", args=[self.pk])


class DesignationScoped(ScopedModel):
    """Rows of a designation (funds, milestones): in scope wherever their designation is."""

    scope_county_field = "designation__county"
    scope_township_field = "designation__township"

    class Meta:
        abstract = True


class DesignationResponsibility(DesignationScoped, Responsibility):
    """Who answers for a designation (培育名单's 责任单位 and 责任人) from ``start_on`` to
    ``end_on``: a core ``Responsibility`` (包保) with the unit beside the official. One open row
    per designation (the current one); a change (``services.designation_responsibility_change``)
    ends it the day before the new one starts, so the rows are the history of who was
    responsible when. Rows are never deleted."""

    subject_field = "designation"

    designation = models.ForeignKey(
        Designation,
        verbose_name="荣誉认定",
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    unit = models.ForeignKey(
        "organization.OrgUnit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        "accounts.User",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designation_responsibilities",
    )
    role = models.CharField(
        "包保角色",
        max_length=20,
        choices=ResponsibilityRole.choices,
        default=ResponsibilityRole.COMMISSIONER,
    )

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = "认定责任"
        verbose_name_plural = "认定责任"
        ordering = ["designation_id", "-start_on", "-id"]
        constraints = [
            Responsibility.end_after_start("designation_responsibility_end_after_start"),
            models.UniqueConstraint(
                fields=["designation"],
                condition=models.Q(end_on__isnull=True),
                name="designation_responsibility_one_open",
                violation_error_message="该荣誉认定已有现任责任单位，请用“变更责任”。",
            ),
        ]

    def __str__(self):
        who = f"（{self.official}）" if self.official_id else ""
        return f"{self.unit}{who}"

    def get_absolute_url(self):
        return (
            reverse("designations:designation_detail", args=[self.designation_id]) + "#responsible"
        )


class ProgrammeFund(DesignationScoped):
    """A funded programme's money from one source in one year: budgeted, allocated, spent
    (万元)."""

    audited = True

    designation = models.ForeignKey(
        Designation, verbose_name="荣誉认定", on_delete=models.PROTECT, related_name="funds"
    )
    source = models.CharField("资金来源", max_length=12, choices=FundSource.choices)
    year = models.PositiveSmallIntegerField("年度")
    budget = models.DecimalField("预算（万元）", max_digits=14, decimal_places=2, default=0)
    allocated = models.DecimalField("已下达（万元）", max_digits=14, decimal_places=2, default=0)
    spent = models.DecimalField("已支出（万元）", max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = "创建资金"
        verbose_name_plural = "创建资金"
        ordering = ["designation_id", "year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["designation", "source", "year"],
                name="programmefund_once",
                violation_error_message="该来源该年度的资金已登记，请修改原记录。",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0, allocated__gte=0, spent__gte=0),
                name="programmefund_not_negative",
                violation_error_message="金额不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.designation} {self.year}年{self.get_source_display()}"

    def get_absolute_url(self):
        return reverse("designations:designation_detail", args=[self.designation_id]) + "#funds"


class ProgrammeMilestone(DesignationScoped):
    """实施方案, 中期评估, 验收 of a funded programme: due date, when done and the result. An
    overdue one lights yellow/red as a case does (``light_at``)."""

    audited = True

    designation = models.ForeignKey(
        Designation, verbose_name="荣誉认定", on_delete=models.PROTECT, related_name="milestones"
    )
    kind = models.CharField("节点", max_length=12, choices=MilestoneKind.choices)
    due_on = models.DateField("计划完成日期", db_index=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    result = models.CharField("结果", max_length=10, choices=MilestoneResult.choices, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "创建节点"
        verbose_name_plural = "创建节点"
        ordering = ["designation_id", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["designation", "kind"],
                name="programmemilestone_once",
                violation_error_message="该节点已登记。",
            ),
        ]

    def __str__(self):
        return f"{self.designation} {self.get_kind_display()}"

    def get_absolute_url(self):
        return (
            reverse("designations:designation_detail", args=[self.designation_id]) + "#milestones"
        )

    def light_at(self, now: datetime.datetime) -> str:
        """The cases' lights (``cases.choices.Light``) on the due day: red once it has passed
        undone, yellow within ``MILESTONE_WARNING_DAYS`` of it, green otherwise or once done."""
        from shangwu.cases.choices import Light

        if self.done_on is not None:
            return Light.GREEN
        today = timezone.localdate(now)
        if self.due_on < today:
            return Light.RED
        if self.due_on <= today + datetime.timedelta(days=MILESTONE_WARNING_DAYS):
            return Light.YELLOW
        return Light.GREEN

    @property
    def light(self) -> str:
        return self.light_at(timezone.now())

    @property
    def on_time(self) -> bool | None:
        if self.done_on is None:
            return None
        return self.done_on <= self.due_on
