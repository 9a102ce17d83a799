"""Consumption vouchers (消费券): campaigns, their batches, the merchants that redeemed them, the
redemptions read from the platforms' exports, and the daily and per-merchant totals the import
keeps beside them.

A campaign (``VoucherCampaign``) is funded (市级财政 / 县级财政 / 平台配套) with a budget, runs on
one platform (云闪付, 支付宝…) over a period and covers some counties; its batches
(``VoucherBatch``) say what was issued (面额, 门槛 满X减Y, quantity, industry). The platforms
export one row per redemption; ``imports.VoucherRedemptionImporter`` stores each row once
(``VoucherRedemption``, unique by campaign and 券码/流水号, so overlapping exports never count
twice) and, in the same transaction, adds the new rows to ``VoucherDaily`` (campaign × batch ×
county × day) and ``VoucherMerchantTotal`` (campaign × merchant). Figures and the campaign page
read those two tables, never the millions of redemptions.

Amounts of redemptions are kept in 分 (integers: exact sums on SQLite and PostgreSQL alike) and
shown in 元 or 万元.

Scope: the city sees every campaign; a county (or township) officer the campaigns covering their
county, and of the redemption data only their own county's (``county``). Campaigns are changed
and imported into by the city, or by a county for campaigns covering it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from shangwu.core.access import Rule, Scope, ScopedModel
from shangwu.core.models import Event, StoredFile, user_field
from shangwu.organization.models import county_field
from shangwu.vouchers.choices import (
    CENTS_PER_WAN,
    CENTS_PER_YUAN,
    CampaignLogKind,
    CampaignStatus,
    Funder,
    Industry,
    MatchKind,
    Platform,
)


def _county_of(user):
    """The county a county or township officer works in (None for the city)."""
    from shangwu.organization.choices import RegionLevel

    region = user.region
    if region.level == RegionLevel.CITY:
        return None
    return region.pk if region.level == RegionLevel.COUNTY else region.parent_id


def _campaign_q(model, user, prefix: str = "", *, only: bool = False) -> models.Q:
    """The campaigns covering the user's county (``only``: covering no other county too),
    or, with ``prefix``, the rows of those campaigns."""
    county = _county_of(user)
    if county is None:
        return models.Q()
    through = VoucherCampaign.counties.through.objects
    covering = through.filter(region_id=county).values("vouchercampaign_id")
    lookup = f"{prefix}__in" if prefix else "pk__in"
    q = models.Q(**{lookup: covering})
    if only:
        others = through.exclude(region_id=county).values("vouchercampaign_id")
        q &= ~models.Q(**{lookup: others})
    return q


LEVELS = ("city", "county")
REFUSAL = "消费券活动由市、县(市、区)商务主管部门维护。"


def campaign_scope(prefix: str = "") -> Scope:
    """Seeing: the campaigns covering the user's county. Changing: the city any campaign, a
    county the campaigns of its own county alone. Importing redemptions: the campaigns covering
    the user's county (a county imports its own county's rows only: ``imports``)."""
    return Scope(
        view=Rule(q=lambda model, user: _campaign_q(model, user, prefix)),
        change=Rule(
            levels=LEVELS,
            refusal=REFUSAL,
            q=lambda model, user: _campaign_q(model, user, prefix, only=True),
        ),
        import_=Rule(
            levels=LEVELS, refusal=REFUSAL, q=lambda model, user: _campaign_q(model, user, prefix)
        ),
    )


class VoucherCampaign(ScopedModel):
    """One voucher campaign (消费券活动): who funds it, on which platform, when and where."""

    audited = True
    str_fields = ("name",)
    scope = campaign_scope()

    name = models.CharField("活动名称", max_length=200)
    funder = models.CharField("资金来源", max_length=10, choices=Funder.choices)
    budget = models.DecimalField("财政补贴资金（万元）", max_digits=14, decimal_places=2)
    platform = models.CharField("发放平台", max_length=10, choices=Platform.choices)
    start_on = models.DateField("开始日期", db_index=True)
    end_on = models.DateField("结束日期")
    counties = models.ManyToManyField(
        "organization.Region",
        verbose_name="覆盖县(市、区)",
        related_name="+",
        limit_choices_to={"level": "county"},
    )
    organiser = models.ForeignKey(
        "organization.OrgUnit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    # Written only by services.voucher_campaign_move, each move a VoucherCampaignLog row.
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    note = models.TextField("备注", blank=True)
    created_by = user_field("登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "消费券活动"
        verbose_name_plural = "消费券活动"
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")),
                name="vouchercampaign_end_after_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0),
                name="vouchercampaign_budget_not_negative",
                violation_error_message="补贴资金不能为负数。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vouchers:campaign_detail", args=[self.pk])

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "结束日期不能早于开始日期。"})


class CampaignScoped(ScopedModel):
    """Rows of a campaign (batches, files): in scope wherever their campaign is."""

    scope = campaign_scope("campaign")

    class Meta:
        abstract = True


class VoucherBatch(CampaignScoped):
    """A batch of vouchers (券批次) as the platform's exports name it: 面额, 门槛 (满X减Y: X, 0
    for none), the quantity issued and the industry it is for."""

    audited = True

    campaign = models.ForeignKey(
        VoucherCampaign, verbose_name="消费券活动", on_delete=models.PROTECT, related_name="batches"
    )
    name = models.CharField(
        "批次名称", max_length=100, help_text="与平台导出文件中“券批次”一列写法一致。"
    )
    code = models.CharField("批次编号", max_length=50, blank=True)
    face_value = models.DecimalField("面额（元）", max_digits=10, decimal_places=2)
    threshold = models.DecimalField(
        "使用门槛（满X元）", max_digits=10, decimal_places=2, default=0, help_text="0 表示无门槛。"
    )
    quantity = models.PositiveIntegerField("发放数量（张）")
    industry = models.CharField("行业", max_length=10, choices=Industry.choices)
    # 面额 × 数量 in 分, kept by ``clean`` (the figures sum it exactly).
    issued_cents = models.BigIntegerField("发放金额（分）", default=0, editable=False)

    class Meta:
        verbose_name = "券批次"
        verbose_name_plural = "券批次"
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="voucherbatch_name_once",
                violation_error_message="本活动已有同名批次。",
            ),
            models.CheckConstraint(
                condition=models.Q(face_value__gt=0),
                name="voucherbatch_face_positive",
                violation_error_message="面额应大于0。",
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0),
                name="voucherbatch_threshold_not_negative",
                violation_error_message="使用门槛不能为负数。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vouchers:campaign_detail", args=[self.campaign_id]) + "#batches"

    @property
    def rule(self) -> str:
        face = f"{self.face_value.normalize():f}"
        if not self.threshold:
            return f"{face}元无门槛"
        return f"满{self.threshold.normalize():f}减{face}"

    def clean(self):
        if self.face_value is not None and self.quantity is not None:
            self.issued_cents = int(self.face_value * CENTS_PER_YUAN) * self.quantity
        if self.face_value and self.threshold and self.threshold < self.face_value:
            raise ValidationError({"threshold": "使用门槛（满X元）不能小于面额。"})

    @property
    def issued_wan(self):
        return self.issued_cents / CENTS_PER_WAN


def _redemption_q(model, user) -> models.Q:
    """The city all rows, a county its own county's; a township none (the data is by county)."""
    region = user.region
    if region.level == "township":
        return models.Q(pk__in=[])
    return model.scope_q(region)


class RedemptionScoped(ScopedModel):
    """Redemption data: the city sees all, a county officer their own county's rows, a township
    officer none; written only by the import (city and county)."""

    scope = Scope(
        view=Rule(q=_redemption_q),
        change=Rule(levels=LEVELS, refusal="核销数据由市、县(市、区)商务主管部门导入。"),
    )

    class Meta:
        abstract = True


class VoucherMerchant(RedemptionScoped):
    """A merchant (核销商户) as the exports name it, matched to the enterprise registry by its
    统一社会信用代码 (or, without one, by name: to be confirmed). One row per credit code (or,
    without one, per name), whatever the campaign."""

    audited = False  # written in bulk by the import, which writes its own audit row

    name = models.CharField("商户名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    key = models.CharField("识别键", max_length=220, unique=True, editable=False)
    county = county_field(null=True, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业库企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voucher_merchants",
    )
    match = models.CharField(
        "匹配方式", max_length=12, choices=MatchKind.choices, default=MatchKind.NONE
    )

    class Meta:
        verbose_name = "核销商户"
        verbose_name_plural = "核销商户"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class VoucherRedemption(RedemptionScoped):
    """One redemption (核销) from a platform's export: lean, as there are millions. Written only
    by the import, in bulk; ``(campaign, code)`` is unique, so a row exported twice is stored
    once."""

    # Millions of rows written only by the import, which checks every reference in the same
    # transaction: no per-row foreign key triggers and no index per reference (1M rows/import);
    # the unique (campaign, code) index serves the campaign. PROTECT still holds in Django.
    campaign = models.ForeignKey(
        VoucherCampaign,
        verbose_name="消费券活动",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    batch = models.ForeignKey(
        VoucherBatch,
        verbose_name="券批次",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    code = models.CharField("券码/交易流水号", max_length=64)
    redeemed_at = models.DateTimeField("核销时间")
    day = models.DateField("核销日期")
    merchant = models.ForeignKey(
        VoucherMerchant,
        verbose_name="商户",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    county = county_field(db_constraint=False, db_index=False)
    order_cents = models.BigIntegerField("订单金额（分）")
    discount_cents = models.BigIntegerField("优惠金额（分）")

    class Meta:
        verbose_name = "核销记录"
        verbose_name_plural = "核销记录"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="voucherredemption_once"),
        ]

    def __str__(self):
        return self.code

    @property
    def order_yuan(self):
        return self.order_cents / CENTS_PER_YUAN

    @property
    def discount_yuan(self):
        return self.discount_cents / CENTS_PER_YUAN


class VoucherDaily(RedemptionScoped):
    """Redemptions of one batch in one county on one day: count, 订单金额 and 优惠金额 (分).
    Kept by the import in the same transaction as the redemptions it adds; every figure and
    the campaign page read it."""

    campaign = models.ForeignKey(
        VoucherCampaign, verbose_name="消费券活动", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        VoucherBatch, verbose_name="券批次", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField("行业", max_length=10, choices=Industry.choices)
    county = county_field()
    day = models.DateField("核销日期")
    redeemed = models.PositiveIntegerField("核销（张）", default=0)
    order_cents = models.BigIntegerField("订单金额（分）", default=0)
    discount_cents = models.BigIntegerField("优惠金额（分）", default=0)

    class Meta:
        verbose_name = "核销日汇总"
        verbose_name_plural = "核销日汇总"
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "batch", "county", "day"], name="voucherdaily_once"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="voucherdaily_day_idx")]

    def __str__(self):
        return f"{self.day} {self.batch_id}"

    @property
    def order_wan(self):
        return self.order_cents / CENTS_PER_WAN

    @property
    def discount_wan(self):
        return self.discount_cents / CENTS_PER_WAN


class VoucherMerchantTotal(RedemptionScoped):
    """A merchant's redemptions in one campaign (top merchants, merchants that took part), with
    its first and last day of redemption; kept by the import like ``VoucherDaily``."""

    campaign = models.ForeignKey(
        VoucherCampaign, verbose_name="消费券活动", on_delete=models.PROTECT, related_name="+"
    )
    merchant = models.ForeignKey(
        VoucherMerchant, verbose_name="商户", on_delete=models.PROTECT, related_name="totals"
    )
    county = county_field()
    redeemed = models.PositiveIntegerField("核销（张）", default=0)
    order_cents = models.BigIntegerField("订单金额（分）", default=0)
    discount_cents = models.BigIntegerField("优惠金额（分）", default=0)
    first_day = models.DateField("首次核销日期")
    last_day = models.DateField("最后核销日期")

    class Meta:
        verbose_name = "商户核销汇总"
        verbose_name_plural = "商户核销汇总"
        ordering = ["-order_cents", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "merchant", "county"], name="vouchermerchanttotal_once"
            ),
        ]

    def __str__(self):
        return f"{self.merchant_id}（{self.campaign_id}）"


class VoucherImportFile(StoredFile):
    """A platform export as uploaded (kept through the file service, with its SHA-256), and
    what its import stored: rows new and rows already stored."""

    owner_field = "campaign"
    storage_folder = "vouchers"
    counts_to_quota = False

    campaign = models.ForeignKey(
        VoucherCampaign, verbose_name="消费券活动", on_delete=models.PROTECT, related_name="files"
    )
    rows_total = models.PositiveIntegerField("文件行数", default=0)
    rows_new = models.PositiveIntegerField("新增核销", default=0)
    rows_stored = models.PositiveIntegerField("已存在（跳过）", default=0)

    class Meta(StoredFile.Meta):
        verbose_name = "核销数据文件"
        verbose_name_plural = "核销数据文件"

    def get_absolute_url(self):
        return reverse("vouchers:file_download", args=[self.pk])


class VoucherCampaignLog(Event):
    """One row per change of a campaign (活动动态): created, edited, status moves, batches,
    imports."""

    subject_field = "campaign"

    campaign = models.ForeignKey(
        VoucherCampaign, verbose_name="消费券活动", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=12, choices=CampaignLogKind.choices)
    from_status = models.CharField(
        "原状态", max_length=10, choices=CampaignStatus.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=10, choices=CampaignStatus.choices, blank=True
    )

    class Meta(Event.Meta):
        verbose_name = "消费券活动动态"
        verbose_name_plural = "消费券活动动态"
        indexes = [models.Index(fields=["campaign", "at"], name="vouchercampaignlog_at_idx")]
