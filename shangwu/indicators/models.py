from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from shangwu.core.access import IN_REGION, Access, RestrictedQuerySet, Scope, ScopedModel, at_levels
from shangwu.core.models import user_field
from shangwu.indicators.choices import (
    Arrival,
    Computation,
    ProposalStatus,
    Source,
    Unit,
    ValueSource,
)

AMOUNT = {"max_digits": 18, "decimal_places": 4}


class Indicator(models.Model):
    """One headline indicator of the monthly bulletin (外贸进出口总额, 社会消费品零售总额…): unit,
    source, how monthly figures arrive, and whether the platform computes it itself."""

    access = Access.REFERENCE
    audited = True
    str_fields = ("name",)  # what __str__ reads (core.tables)

    code = models.CharField("指标代码", max_length=30, unique=True)
    name = models.CharField("指标名称", max_length=60, unique=True)
    short_name = models.CharField(
        "简称",
        max_length=30,
        blank=True,
        help_text="通报文字中使用，如“外贸进出口”；留空用指标名称。",
    )
    unit = models.CharField("计量单位", max_length=6, choices=Unit.choices)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    arrival = models.CharField(
        "月度数据形式", max_length=12, choices=Arrival.choices, default=Arrival.CUMULATIVE
    )
    higher_is_better = models.BooleanField("越大越好", default=True)
    decimals = models.PositiveSmallIntegerField("小数位数", default=1)
    additive = models.BooleanField(
        "全市为各县区之和", default=True, help_text="全市未填报时按各县(市、区)合计。"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    computation = models.CharField(
        "平台计算方式",
        max_length=20,
        choices=Computation.choices,
        blank=True,
        default=Computation.NONE,
    )
    in_bulletin = models.BooleanField("列入月通报", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decimals__lte=4),
                name="indicator_decimals_max",
                violation_error_message="小数位数最多4位。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.computation)

    def clean(self):
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "上级指标不能是指标本身。"})
        if self.parent_id and self.parent and self.parent.parent_id:
            raise ValidationError({"parent": "指标最多两级：所选上级指标本身已有上级。"})


class RegionScoped(ScopedModel):
    """Indicator rows belong to a region (the city or a county): county users see their county's
    rows and the city total; the 月通报 ranking itself is circulated to all counties (selectors)."""

    scope_county_field = "region"

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, region) -> models.Q:
        from shangwu.organization.choices import RegionLevel

        if region.level == RegionLevel.CITY:
            return models.Q()
        county = region.county
        return models.Q(region_id=county.pk) | models.Q(region__level=RegionLevel.CITY)


def _own_rows(model, user) -> models.Q:
    """The rows a user writes: every row for the city; for a county officer their own county's,
    never the city total (which is the city's) nor another county's."""
    from shangwu.organization.choices import RegionLevel

    if user.region.level == RegionLevel.CITY:
        return models.Q()
    return models.Q(region_id=user.region.county.pk)


# Figures and targets are entered for the city and the counties: a township officer has no region
# to enter them for; a county officer enters their own county's rows only.
FIGURE_ENTRY = at_levels(
    "city",
    "county",
    refusal="指标数据和年度目标按全市和县(市、区)填报，乡镇(街道)用户没有可填报的地区。",
    q=_own_rows,
)
FIGURE_SCOPE = Scope(
    add=FIGURE_ENTRY,
    change=FIGURE_ENTRY,
    import_=FIGURE_ENTRY,
    delete=IN_REGION,
    # Recounting the platform's own figures rewrites every county's: the city's alone.
    compute=at_levels("city", refusal="只有市级用户可以重新计算全市指标。", grant="change"),
)


class IndicatorTarget(RegionScoped):
    """The annual target of an indicator for the city or one county (任务分解)."""

    audited = True
    # Targets belong to the city: set (下达) by city users holding the grant; a county officer
    # proposes a change of its own county's figure (``add``: the proposal form).
    scope = Scope(
        add=FIGURE_ENTRY,
        change=FIGURE_ENTRY,
        import_=FIGURE_ENTRY,
        delete=IN_REGION,
        target=at_levels(
            "city",
            refusal="年度目标及其分解由市局下达；县（市、区）可对本地目标提出调整申请（须说明理由），"
            "由市局审核。",
        ),
    )

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        "organization.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField("年度目标", **AMOUNT)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_by = user_field("修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["-year", "indicator__sort_order", "region__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "region"],
                name="indicator_target_unique",
                violation_error_message="该指标该年度该地区的目标已存在。",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="indicator_target_nonnegative",
                violation_error_message="年度目标不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.region} {self.indicator}"

    def get_absolute_url(self):
        return (
            reverse("indicators:target_list") + f"?year={self.year}&indicator={self.indicator_id}"
        )


class IndicatorTargetVersion(RegionScoped):
    """One figure's change in a version of a year's targets (目标版本): the figure that changed, from
    what to what, who, when and why. Numbered per year: the targets set in one act (下达年度目标, one
    adjustment) share their version number. Written only by the target services, never changed."""

    audited = True

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    number = models.PositiveIntegerField("版本号")
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "organization.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    old_value = models.DecimalField("原目标", null=True, blank=True, **AMOUNT)
    value = models.DecimalField("新目标", **AMOUNT)
    reason = models.CharField("原因", max_length=300)
    actor = user_field("修改人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "年度目标版本"
        verbose_name_plural = "年度目标版本"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number", "indicator", "region"],
                name="indicator_target_version_unique",
                violation_error_message="该年度该版本已含此地区此指标的目标。",
            ),
        ]

    def __str__(self):
        return f"{self.year}年目标第{self.number}版"

    @property
    def label(self) -> str:
        who = self.actor.name if self.actor_id and self.actor else "系统"
        return f"{self.year}年第{self.number}版（{self.at:%Y-%m-%d}，{who}：{self.reason}）"

    def get_absolute_url(self):
        return reverse("indicators:target_versions") + f"?year={self.year}"


class IndicatorTargetProposal(RegionScoped):
    """A county officer's proposal to change their county's annual target, with a reason; city
    staff approve it (a new target version) or refuse it with a reason."""

    audited = True
    # A county officer proposes for their own county only (the city sets targets directly).
    scope = Scope(
        add=at_levels(
            "county", refusal="只有县（市、区）可以对本地年度目标提出调整申请。", q=_own_rows
        )
    )

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        "organization.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    current_value = models.DecimalField("现目标", null=True, blank=True, **AMOUNT)
    value = models.DecimalField("建议目标", **AMOUNT)
    reason = models.CharField("调整理由", max_length=300)
    status = models.CharField(
        "状态", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = user_field("申请人", blank=False)
    proposed_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = user_field("审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=300, blank=True)
    version = models.ForeignKey(
        IndicatorTargetVersion,
        verbose_name="形成的目标版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "年度目标调整申请"
        verbose_name_plural = "年度目标调整申请"
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="indicator_target_proposal_nonnegative",
                violation_error_message="建议目标不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.region} {self.indicator} 目标调整申请"

    def get_absolute_url(self):
        return reverse("indicators:proposal_detail", args=[self.pk])


class IndicatorValue(RegionScoped):
    """One month's figure of an indicator for the city or a county: 本月 and 1—本月累计 (one
    arrives, the other is derived), with the same period of last year for growth."""

    audited = True
    scope = FIGURE_SCOPE

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values"
    )
    region = models.ForeignKey(
        "organization.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("月份", help_text="当月第一天", db_index=True)
    month_value = models.DecimalField("本月", null=True, blank=True, **AMOUNT)
    cumulative_value = models.DecimalField("1—本月累计", null=True, blank=True, **AMOUNT)
    prev_month_value = models.DecimalField("上年同月", null=True, blank=True, **AMOUNT)
    prev_cumulative_value = models.DecimalField("上年同期累计", null=True, blank=True, **AMOUNT)
    source = models.CharField(
        "来源", max_length=10, choices=ValueSource.choices, default=ValueSource.ENTERED
    )
    updated_by = user_field("填报人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "指标月度数据"
        verbose_name_plural = "指标月度数据"
        ordering = ["-month", "indicator__sort_order", "region__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "month"],
                name="indicator_value_unique",
                violation_error_message="该指标该地区该月的数据已存在。",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1),
                name="indicator_value_first_day",
                violation_error_message="月份须为当月第一天。",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y年%m月} {self.region} {self.indicator}"

    def get_absolute_url(self):
        return reverse("indicators:value_detail", args=[self.pk])


class IndicatorValueRevision(ScopedModel):
    """A correction of a monthly figure: the old and new values, who, when and why. Written only
    by the correction service; never changed or deleted."""

    value = models.ForeignKey(
        IndicatorValue, verbose_name="月度数据", on_delete=models.PROTECT, related_name="revisions"
    )
    old_month_value = models.DecimalField("原本月", null=True, blank=True, **AMOUNT)
    old_cumulative_value = models.DecimalField("原累计", null=True, blank=True, **AMOUNT)
    old_prev_month_value = models.DecimalField("原上年同月", null=True, blank=True, **AMOUNT)
    old_prev_cumulative_value = models.DecimalField(
        "原上年同期累计", null=True, blank=True, **AMOUNT
    )
    new_month_value = models.DecimalField("新本月", null=True, blank=True, **AMOUNT)
    new_cumulative_value = models.DecimalField("新累计", null=True, blank=True, **AMOUNT)
    new_prev_month_value = models.DecimalField("新上年同月", null=True, blank=True, **AMOUNT)
    new_prev_cumulative_value = models.DecimalField(
        "新上年同期累计", null=True, blank=True, **AMOUNT
    )
    reason = models.CharField("更正原因", max_length=300)
    actor = user_field("更正人")
    at = models.DateTimeField("更正时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "数据更正记录"
        verbose_name_plural = "数据更正记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.value} 更正（{self.reason}）"

    def get_absolute_url(self):
        return self.value.get_absolute_url()

    @classmethod
    def scope_q(cls, region) -> models.Q:
        return _through_value(region)


def _through_value(region) -> models.Q:
    from shangwu.organization.choices import RegionLevel

    if region.level == RegionLevel.CITY:
        return models.Q()
    return models.Q(value__region_id=region.county.pk) | models.Q(
        value__region__level=RegionLevel.CITY
    )
