"""The figures of the promotion events (keys ``events.``): events held by level and by kind,
participants and 人次, consumption driven, orders (formal / intended) and their amounts, projects
signed at events and their amounts, enterprises trained.

An event counts in a period when it has been held (已举办 or 已总结: ``held=true``) and its
开始日期 falls in the period; every figure's drill-down is the event list with those filters
(and the family or level it is about), so a figure and its list cannot disagree. The amounts are
the event totals as reported (``services``: at least the participants' sum).
"""

from shangwu.core.figures import (
    CountFigure,
    Selection,
    SumFigure,
    region_params,
    register,
    register_family,
)
from shangwu.promotion.choices import EventLevel, OrderCurrency, OutcomeFamily
from shangwu.promotion.filtersets import PromotionEventFilterSet
from shangwu.promotion.models import EventKind, PromotionEvent


def held(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=PromotionEvent,
            filterset=PromotionEventFilterSet,
            page="promotion:event_list",
            api="promotionevent-list",
            params={
                "held": "true",
                "start_from": date_from.isoformat(),
                "start_to": date_to.isoformat(),
                **params,
                **region_params(region),
            },
            period_field="start_on",
        )

    return select


PERIOD = "开始日期在期间内、已举办（含已总结）的"

register(
    CountFigure(
        key="events.held",
        label="举办活动",
        unit="次",
        definition=f"{PERIOD}促消费与经贸活动场次。",
        select=held(),
    )
)
for _level in EventLevel:
    register(
        CountFigure(
            key=f"events.held_{_level.value}",
            label=f"举办{_level.label}活动",
            unit="次",
            definition=f"{PERIOD}{_level.label}活动场次。",
            select=held(level=_level.value),
        )
    )
for _family in OutcomeFamily:
    register(
        CountFigure(
            key=f"events.held_family_{_family.value}",
            label=f"举办{_family.label}",
            unit="次",
            definition=f"{PERIOD}{_family.label}类活动场次。",
            select=held(family=_family.value),
        )
    )

register(
    SumFigure(
        key="events.participants",
        label="参与企业",
        unit="家",
        definition=f"{PERIOD}活动的参与企业家数之和（企业库中登记的参与企业与其他参与主体），"
        "一家企业参加多场按多场计。",
        select=held(),
        amount="participant_count",
    )
)
register(
    SumFigure(
        key="events.attendance",
        label="参与人次",
        unit="人次",
        definition=f"{PERIOD}活动填报的参与人次之和。",
        select=held(),
        amount="attendance",
    )
)
register(
    SumFigure(
        key="events.consumption",
        label="带动消费",
        unit="万元",
        definition=f"{PERIOD}促消费活动（购物节、美食节、车展…）填报的销售额/带动消费之和。",
        select=held(family=OutcomeFamily.CONSUMPTION.value),
        amount="sales",
    )
)
for _key, _label in [
    ("formal_orders", "正式订单/合同"),
    ("intended_orders", "意向订单"),
]:
    register(
        SumFigure(
            key=f"events.{_key}",
            label=_label,
            unit="项",
            definition=f"{PERIOD}展会组团和经贸团组出访等活动填报的{_label}项数之和。",
            select=held(),
            amount=_key,
        )
    )
# Order amounts: each event reports them in its own unit (choices.OrderCurrency), never
# converted between currencies, so each unit has its own figure and list.
for _field, _label in [("formal_amount", "正式订单/合同金额"), ("intended_amount", "意向订单金额")]:
    for _currency, _suffix in [(OrderCurrency.USD, ""), (OrderCurrency.CNY, "_cny")]:
        register(
            SumFigure(
                key=f"events.{_field}{_suffix}",
                label=_label + ("（人民币）" if _suffix else ""),
                unit=_currency.label,
                definition=f"{PERIOD}、订单金额以{_currency.label}填报的活动（展会组团、经贸团组出访"
                f"等）的{_label}之和；以另一单位填报的活动另计，不按汇率换算。",
                select=held(order_currency=_currency.value),
                amount=_field,
            )
        )
register(
    SumFigure(
        key="events.exhibitors",
        label="参展企业",
        unit="家",
        definition=f"{PERIOD}展会组团活动的参展企业家数之和（企业库中登记的与其他参展主体）。",
        select=held(family=OutcomeFamily.EXHIBITION.value),
        amount="participant_count",
    )
)
register(
    SumFigure(
        key="events.delegates",
        label="出访人数",
        unit="人",
        definition=f"{PERIOD}经贸团组出访填报的出访人数之和。",
        select=held(family=OutcomeFamily.DELEGATION.value),
        amount="delegates",
    )
)
register(
    SumFigure(
        key="events.foreign_projects",
        label="出访达成外资合作项目",
        unit="个",
        definition=f"{PERIOD}经贸团组出访填报的外资合作项目个数之和。",
        select=held(family=OutcomeFamily.DELEGATION.value),
        amount="foreign_projects",
    )
)
register(
    SumFigure(
        key="events.intended_investment",
        label="出访意向投资额",
        unit="万美元",
        definition=f"{PERIOD}经贸团组出访填报的外资合作项目意向投资额之和。",
        select=held(family=OutcomeFamily.DELEGATION.value),
        amount="intended_investment",
    )
)
register(
    SumFigure(
        key="events.matched_enterprises",
        label="银企对接企业",
        unit="家",
        definition=f"{PERIOD}银企对接活动的对接企业家数之和（企业库中登记的与其他对接主体）。",
        select=held(family=OutcomeFamily.FINANCING.value),
        amount="participant_count",
    )
)
register(
    SumFigure(
        key="events.projects_signed",
        label="活动签约项目",
        unit="个",
        definition=f"{PERIOD}活动上签约的招商项目个数（登记到项目库的签约项目）。",
        select=held(),
        amount="signed_projects",
    )
)
register(
    SumFigure(
        key="events.signed_amount",
        label="活动签约金额",
        unit="万元",
        definition=f"{PERIOD}活动上签约项目的签约金额之和（未另填时为项目总投资）。",
        select=held(),
        amount="signed_amount",
    )
)
register(
    SumFigure(
        key="events.trained_enterprises",
        label="培训企业",
        unit="家",
        definition=f"{PERIOD}外贸、电商、政策等业务培训的参训企业家数之和。",
        select=held(family=OutcomeFamily.TRAINING.value),
        amount="participant_count",
    )
)
register(
    SumFigure(
        key="events.trained_attendance",
        label="培训人次",
        unit="人次",
        definition=f"{PERIOD}业务培训填报的参训人次之和。",
        select=held(family=OutcomeFamily.TRAINING.value),
        amount="attendance",
    )
)
register(
    SumFigure(
        key="events.credit_amount",
        label="银企对接授信/融资",
        unit="万元",
        definition=f"{PERIOD}银企对接活动填报的授信/融资金额之和。",
        select=held(family=OutcomeFamily.FINANCING.value),
        amount="credit_amount",
    )
)


# --- one figure per kind, keyed by the kind's code ---------------------------------------------


def _kind_figure(kind: EventKind) -> CountFigure:
    return CountFigure(
        key=f"events.held.kind.{kind.code}",
        label=f"举办{kind.name}",
        unit="次",
        definition=f"{PERIOD}“{kind.name}”（代码 {kind.code}）活动场次。",
        select=held(kind=kind.pk),
    )


def _kind_members():
    return [_kind_figure(kind) for kind in EventKind.objects.order_by("sort_order", "name")]


def _kind_resolve(code: str):
    kind = EventKind.objects.filter(code=code).first()
    return _kind_figure(kind) if kind else None


register_family("events.held.kind.", members=_kind_members, resolve=_kind_resolve)
