"""Choices of the promotion line (促消费与经贸活动). Events (活动) now; consumption vouchers
(消费券) and subsidy programmes (以旧换新) will sit beside them with their own."""

from django.db import models


class EventLevel(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class EventFormat(models.TextChoices):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "线上"
    BOTH = "both", "线上线下结合"


class EventStatus(models.TextChoices):
    """计划 → 筹备 → 已举办 → 已总结, one step at a time (``services.event_move``)."""

    PLANNED = "planned", "计划"
    PREPARING = "preparing", "筹备"
    HELD = "held", "已举办"
    SUMMARISED = "summarised", "已总结"


# The one step each status may take next.
NEXT_STATUS = {
    EventStatus.PLANNED: EventStatus.PREPARING,
    EventStatus.PREPARING: EventStatus.HELD,
    EventStatus.HELD: EventStatus.SUMMARISED,
}
# An event counts in the figures once it has taken place.
HELD_STATUSES = (EventStatus.HELD, EventStatus.SUMMARISED)


class OrderCurrency(models.TextChoices):
    """The unit an event's order amounts (正式/意向订单金额, its own and its participants') are
    typed, kept and shown in: a 广交会 group or a delegation reports foreign-trade orders in
    万美元, a 老字号博览会 or a domestic fair in 亿元. One unit per event, chosen when it is
    registered; the amounts are never converted between currencies (no exchange rate is
    assumed): each currency has its own ``events.`` figures, and an event's unit cannot change
    once amounts are reported in it."""

    USD = "usd", "万美元"
    CNY = "cny", "亿元"


# The order amounts, in the event's OrderCurrency.
ORDER_AMOUNTS = ("formal_amount", "intended_amount")


class OutcomeFamily(models.TextChoices):
    """What an event of a kind yields, hence which outcome fields it records. Each managed kind
    (``EventKind``) belongs to one family, so a new kind the 系统管理员 adds (网货节, 老字号博览会)
    records the outcomes of its family without a code change."""

    CONSUMPTION = "consumption", "促消费活动"
    INVESTMENT = "investment", "招商推介与签约"
    TRAINING = "training", "业务培训"
    EXHIBITION = "exhibition", "展会组团"
    DELEGATION = "delegation", "经贸团组出访"
    FINANCING = "financing", "银企对接"
    OTHER = "other", "其他"


# The event's outcome fields each family records (in the order the form and page show them).
# participant_count and signed_projects / signed_amount are kept by the services (from the
# participants and the signed projects), never typed.
EVENT_OUTCOMES = {
    OutcomeFamily.CONSUMPTION: ("other_participants", "attendance", "sales"),
    OutcomeFamily.INVESTMENT: ("other_participants", "attendance"),
    OutcomeFamily.TRAINING: ("other_participants", "attendance"),
    OutcomeFamily.EXHIBITION: (
        "other_participants",
        "formal_orders",
        "formal_amount",
        "intended_orders",
        "intended_amount",
    ),
    OutcomeFamily.DELEGATION: (
        "destinations",
        "delegates",
        "other_participants",
        "formal_orders",
        "formal_amount",
        "intended_orders",
        "intended_amount",
        "foreign_projects",
        "intended_investment",
    ),
    OutcomeFamily.FINANCING: ("other_participants", "credit_amount"),
    OutcomeFamily.OTHER: ("other_participants", "attendance"),
}
# A participating enterprise's own outcomes, per family.
PARTICIPANT_OUTCOMES = {
    OutcomeFamily.CONSUMPTION: ("sales",),
    OutcomeFamily.INVESTMENT: (),
    OutcomeFamily.TRAINING: ("attendance",),
    OutcomeFamily.EXHIBITION: (
        "formal_orders",
        "formal_amount",
        "intended_orders",
        "intended_amount",
    ),
    OutcomeFamily.DELEGATION: (
        "formal_orders",
        "formal_amount",
        "intended_orders",
        "intended_amount",
    ),
    OutcomeFamily.FINANCING: ("credit_amount",),
    OutcomeFamily.OTHER: ("attendance",),
}
# The measures an event's total holds at least the participants' sum of (outcome arithmetic).
SUMMED = (
    "attendance",
    "sales",
    "formal_orders",
    "formal_amount",
    "intended_orders",
    "intended_amount",
    "credit_amount",
)
# What the participants are called on the page, per family.
PARTICIPANT_NOUN = {
    OutcomeFamily.CONSUMPTION: "参与商户",
    OutcomeFamily.INVESTMENT: "参会企业",
    OutcomeFamily.TRAINING: "培训企业",
    OutcomeFamily.EXHIBITION: "参展企业",
    OutcomeFamily.DELEGATION: "随团企业",
    OutcomeFamily.FINANCING: "对接企业",
    OutcomeFamily.OTHER: "参与企业",
}


class AttachmentPurpose(models.TextChoices):
    PHOTO = "photo", "活动照片"
    PLAN = "plan", "活动方案"
    SUMMARY = "summary", "活动总结"
    OTHER = "other", "其他"


class EventLogKind(models.TextChoices):
    CREATED = "created", "登记"
    UPDATED = "updated", "信息变更"
    STATUS = "status", "状态变更"
    OUTCOMES = "outcomes", "成果填报"
    PARTICIPANT = "participant", "参与企业"
    PROJECT = "project", "项目签约"
    ATTACHMENT = "attachment", "附件"
