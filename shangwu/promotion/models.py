"""Promotion and consumption (促消费与经贸活动): events (活动) with their outcomes.

An event is a 美食节, a 招商推介会, a 外贸政策培训, a 广交会 group, a delegation abroad, a
银企对接会…: its kind is an entry of a managed list (``EventKind``), whose family
(``OutcomeFamily``) decides which outcomes it records. Status moves 计划 → 筹备 → 已举办 →
已总结 only through ``services.event_move``, each move an ``EventLog`` row. Participating
enterprises (registry records) carry their own outcomes; the event's totals hold at least their
sum (``services``: outcome arithmetic). Projects signed at an event link it to the project
library and are recorded on the project's own timeline.

Scope (``PromotionEvent.scope``): the region for changing; for seeing, also the city-wide events
(no county) in which an enterprise of the user's county (township) took part.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from shangwu.core.access import Rule, Scope, ScopedModel
from shangwu.core.models import Event, StoredFile, Vocabulary, user_field
from shangwu.organization.models import county_field, township_field
from shangwu.promotion.choices import (
    EVENT_OUTCOMES,
    ORDER_AMOUNTS,
    PARTICIPANT_NOUN,
    PARTICIPANT_OUTCOMES,
    AttachmentPurpose,
    EventFormat,
    EventLevel,
    EventLogKind,
    EventStatus,
    OrderCurrency,
    OutcomeFamily,
)


def amount_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """An amount in 万元 or 万美元 (two decimals), empty until reported."""
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, null=True, blank=True, **kwargs
    )


def count_field(verbose_name: str, **kwargs) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(verbose_name, null=True, blank=True, **kwargs)


class EventKind(Vocabulary):
    """活动类型 (购物节, 美食节, 车展, 招商推介会, 外贸政策培训, 广交会…), kept by the 系统管理员;
    ``family`` decides which outcomes an event of the kind records."""

    detail_fields = ("family",)

    name = models.CharField("活动类型", max_length=30, unique=True)
    family = models.CharField(
        "成果类别",
        max_length=12,
        choices=OutcomeFamily.choices,
        default=OutcomeFamily.OTHER,
        help_text="决定此类活动填报哪些成果（参与商户和销售额、签约项目、培训人次、订单…）。",
    )

    class Meta(Vocabulary.Meta):
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"

    def get_absolute_url(self):
        return reverse("promotion:kind_detail", args=[self.pk])


def _seen_q(model, user) -> models.Q:
    """The region; the city-wide events (no county) an enterprise of the user's county
    (township) took part in: a county bureau follows its enterprises to the 广交会; and the
    events the user's own unit organises or co-organises (我的活动)."""
    from shangwu.organization.choices import RegionLevel

    region = user.region
    own = model.scope_q(region)
    if region.level == RegionLevel.CITY:
        return own
    where = (
        "enterprise__county_id" if region.level == RegionLevel.COUNTY else "enterprise__township_id"
    )
    # An uncorrelated IN (evaluated once) rather than EXISTS per row, as Case's handling units.
    took_part = EventParticipant.objects.filter(**{where: region.pk}).values("event_id")
    unit = user.org_unit_id
    co = PromotionEvent.co_organisers.through.objects.filter(orgunit_id=unit).values(
        "promotionevent_id"
    )
    return (
        own
        | models.Q(county__isnull=True, pk__in=took_part)
        | models.Q(organiser_id=unit)
        | models.Q(pk__in=co)
    )


SEEN = Rule(q=_seen_q)


class PromotionEvent(ScopedModel):
    """One event (活动): what, who organised it, where and when, its status and its outcomes."""

    audited = True
    str_fields = ("name",)
    # Seeing: the region, the city-wide events its enterprises took part in, and its own unit's
    # events; changing: the region only (a county never edits the city's own event).
    scope = Scope(view=SEEN, change=Rule())

    name = models.CharField("活动名称", max_length=200)
    kind = models.ForeignKey(
        EventKind, verbose_name="活动类型", on_delete=models.PROTECT, related_name="events"
    )
    level = models.CharField("活动级别", max_length=10, choices=EventLevel.choices)
    organiser = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="主办单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_organisers = models.ManyToManyField(
        "organization.OrgUnit", verbose_name="协办单位", blank=True, related_name="+"
    )
    partners = models.CharField(
        "其他合办方",
        max_length=200,
        blank=True,
        help_text="行业协会、平台企业等（不在机构表中的）。",
    )
    county = county_field(null=True, blank=True, help_text="留空表示全市范围的活动。")
    township = township_field()
    venue = models.CharField("举办地点", max_length=200, blank=True)
    format = models.CharField(
        "举办形式", max_length=10, choices=EventFormat.choices, default=EventFormat.OFFLINE
    )
    start_on = models.DateField("开始日期", db_index=True)
    end_on = models.DateField("结束日期")
    budget = amount_field("财政资金（万元）")
    order_currency = models.CharField(
        "订单金额单位",
        max_length=4,
        choices=OrderCurrency.choices,
        default=OrderCurrency.USD,
        help_text="展会组团、经贸团组出访的正式/意向订单金额按此单位填报和统计"
        "（外贸订单一般为万美元，内贸展会为亿元）。",
    )
    # Written only by services.event_move, each move an EventLog row.
    status = models.CharField(
        "状态", max_length=12, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    summary = models.TextField("活动总结", blank=True)
    note = models.TextField("备注", blank=True)

    # Outcomes (成果): typed by the organiser once the event is held, per its kind's family;
    # participant_count and the signed projects' columns are kept by the services.
    other_participants = count_field(
        "其他参与主体（家）", help_text="未在企业库中的商户、企业家数。"
    )
    participant_count = models.PositiveIntegerField("参与企业（家）", default=0, editable=False)
    attendance = count_field("参与人次")
    sales = amount_field("销售额/带动消费（万元）")
    formal_orders = count_field("正式订单/合同（项）")
    # The order amounts are in the event's order_currency (万美元 or 亿元).
    formal_amount = amount_field("正式订单/合同金额")
    intended_orders = count_field("意向订单（项）")
    intended_amount = amount_field("意向订单金额")
    credit_amount = amount_field("授信/融资金额（万元）")
    delegates = count_field("出访人数（人）")
    destinations = models.CharField("出访国家(地区)", max_length=200, blank=True)
    foreign_projects = count_field("外资合作项目（个）")
    intended_investment = amount_field("意向投资额（万美元）")
    signed_projects = models.PositiveIntegerField("签约项目（个）", default=0, editable=False)
    signed_amount = models.DecimalField(
        "签约金额（万元）", max_digits=16, decimal_places=2, default=0, editable=False
    )

    created_by = user_field("登记人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(fields=["county", "start_on"], name="promotionevent_county_idx"),
            models.Index(fields=["status", "start_on"], name="promotionevent_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")),
                name="promotionevent_end_after_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
            models.CheckConstraint(
                condition=models.Q(level="city") | models.Q(county__isnull=False),
                name="promotionevent_county_level_has_county",
                violation_error_message="县级活动须选择所在县(市、区)。",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="promotionevent_budget_not_negative",
                violation_error_message="财政资金不能为负数。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("promotion:event_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "结束日期不能早于开始日期。"
        if self.level == EventLevel.COUNTY and not self.county_id:
            errors["county"] = "县级活动须选择所在县(市、区)。"
        if self.township_id and not self.county_id:
            errors["township"] = "选择乡镇(街道)时须同时选择所在县(市、区)。"
        elif self.township_id and self.township.parent_id != self.county_id:
            errors["township"] = f"乡镇“{self.township}”不属于“{self.county}”。"
        if errors:
            raise ValidationError(errors)

    @property
    def family(self) -> str:
        return self.kind.family

    def outcome_label(self, name: str, model=None) -> str:
        """The label of an outcome field of the event (``model``: or of its participants),
        an order amount with the event's unit: “正式订单/合同金额（亿元）”."""
        label = str((model or PromotionEvent)._meta.get_field(name).verbose_name)
        if name in ORDER_AMOUNTS:
            return f"{label}（{self.get_order_currency_display()}）"
        return label

    @property
    def outcome_fields(self) -> tuple[str, ...]:
        return EVENT_OUTCOMES[self.kind.family]

    @property
    def participant_fields(self) -> tuple[str, ...]:
        return PARTICIPANT_OUTCOMES[self.kind.family]

    @property
    def participant_noun(self) -> str:
        return PARTICIPANT_NOUN[self.kind.family]

    @property
    def place(self) -> str:
        if not self.county_id:
            return "全市"
        return f"{self.county}{self.township}" if self.township_id else str(self.county)


class EventScoped(ScopedModel):
    """Rows of an event (participants, signed projects): in scope wherever their event is."""

    scope = Scope(
        view=Rule(
            q=lambda model, user: models.Q(
                event__in=PromotionEvent.objects.restrict(user, "view").values("pk")
            )
        ),
        change=Rule(
            q=lambda model, user: models.Q(
                event__in=PromotionEvent.objects.restrict(user, "change").values("pk")
            )
        ),
    )

    class Meta:
        abstract = True


class EventParticipant(EventScoped):
    """An enterprise of the registry that took part (参与商户, 参展企业, 培训企业, 对接企业…),
    with its own outcomes (those of its event's family)."""

    audited = True

    event = models.ForeignKey(
        PromotionEvent, verbose_name="活动", on_delete=models.PROTECT, related_name="participants"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="promotion_events",
    )
    attendance = count_field("参与人次")
    sales = amount_field("销售额（万元）")
    formal_orders = count_field("正式订单（项）")
    # In the event's order_currency (万美元 or 亿元).
    formal_amount = amount_field("正式订单金额")
    intended_orders = count_field("意向订单（项）")
    intended_amount = amount_field("意向订单金额")
    credit_amount = amount_field("授信/融资金额（万元）")
    note = models.CharField("备注", max_length=200, blank=True)
    added_by = user_field("登记人", db_index=False)
    added_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动参与企业"
        verbose_name_plural = "活动参与企业"
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"],
                name="eventparticipant_once",
                violation_error_message="该企业已在本活动的参与企业中。",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise}（{self.event}）"

    def get_absolute_url(self):
        return reverse("promotion:event_detail", args=[self.event_id]) + "#participants"


class EventProject(EventScoped):
    """A project of the project library signed at the event (签约项目), with the amount signed
    (签约金额, by default the project's 总投资)."""

    audited = True

    event = models.ForeignKey(
        PromotionEvent, verbose_name="活动", on_delete=models.PROTECT, related_name="projects"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="promotion_events",
    )
    amount = models.DecimalField("签约金额（万元）", max_digits=14, decimal_places=2)
    signed_on = models.DateField("签约日期")
    added_by = user_field("登记人", db_index=False)
    added_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动签约项目"
        verbose_name_plural = "活动签约项目"
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "project"],
                name="eventproject_once",
                violation_error_message="该项目已在本活动签约。",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="eventproject_amount_not_negative",
                violation_error_message="签约金额不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.project}（{self.event}）"

    def get_absolute_url(self):
        return reverse("promotion:event_detail", args=[self.event_id]) + "#projects"


class EventAttachment(StoredFile):
    """A photo, the 方案 or the 总结 of an event (core.files: type by content, limits, SHA-256,
    soft removal). In scope wherever its event is."""

    owner_field = "event"
    storage_folder = "promotion"

    event = models.ForeignKey(
        PromotionEvent, verbose_name="活动", on_delete=models.PROTECT, related_name="attachments"
    )
    purpose = models.CharField(
        "用途", max_length=10, choices=AttachmentPurpose.choices, default=AttachmentPurpose.OTHER
    )

    class Meta(StoredFile.Meta):
        verbose_name = "活动附件"
        verbose_name_plural = "活动附件"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def get_absolute_url(self):
        return reverse("promotion:attachment_download", args=[self.pk])


class EventLog(Event):
    """One row per change of an event (活动动态), written by the service that makes it: status
    moves (from_status → to_status), outcomes, participants, signed projects, files."""

    subject_field = "event"

    event = models.ForeignKey(
        PromotionEvent, verbose_name="活动", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=12, choices=EventLogKind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=EventStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=EventStatus.choices, blank=True)
    changes = models.JSONField("变更内容", null=True, blank=True)

    class Meta(Event.Meta):
        verbose_name = "活动动态"
        verbose_name_plural = "活动动态"
        indexes = [models.Index(fields=["event", "at"], name="eventlog_event_at_idx")]
