"""The figures of the consumption vouchers (keys ``vouchers.``): issued (张/万元), redeemed
(张/万元 of subsidy), consumption driven (订单金额 of redeemed orders), leverage ratio
(consumption ÷ subsidy), redemption rate; by industry (one figure each), by county (the region
asked for) and by day (the period); merchants and registry enterprises that took part.

Redemptions are read from the daily totals the import keeps (``VoucherDaily``: one row per
batch, county and day), whose list page and API are every redemption figure's drill-down, so a
figure over millions of redemptions is a sum over thousands of rows, and equals its list.
Issued vouchers are the batches of the campaigns whose period meets the period asked for.
Amounts are kept in 分 and stated in 万元 (``SumFigure.per``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from shangwu.core.figures import (
    CountFigure,
    FigureSpec,
    Selection,
    SumFigure,
    ratio_percent,
    region_params,
    register,
)
from shangwu.core.numbers import round_half_up
from shangwu.vouchers.choices import CENTS_PER_WAN, Industry
from shangwu.vouchers.filtersets import (
    VoucherBatchFilterSet,
    VoucherDailyFilterSet,
    VoucherMerchantFilterSet,
)
from shangwu.vouchers.models import VoucherBatch, VoucherDaily, VoucherMerchant

RATIO = "倍"


def redeemed(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=VoucherDaily,
            filterset=VoucherDailyFilterSet,
            page="vouchers:daily_list",
            api="voucherdaily-list",
            params={
                "day_from": date_from.isoformat(),
                "day_to": date_to.isoformat(),
                **params,
                **region_params(region, township=None),
            },
            period_field="day",
        )

    return select


def issued(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=VoucherBatch,
            filterset=VoucherBatchFilterSet,
            page="vouchers:batch_list",
            api="voucherbatch-list",
            params={
                "period_from": date_from.isoformat(),
                "period_to": date_to.isoformat(),
                **params,
                **region_params(region, township=None),
            },
        )

    return select


def took_part(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=VoucherMerchant,
            filterset=VoucherMerchantFilterSet,
            page="vouchers:merchant_list",
            api="vouchermerchant-list",
            params={
                "active_from": date_from.isoformat(),
                "active_to": date_to.isoformat(),
                **params,
                **region_params(region, township=None),
            },
        )

    return select


@dataclass(kw_only=True)
class SumRatioFigure(FigureSpec):
    """Σ numerator ÷ Σ denominator over the rows of one selection (the leverage ratio: 订单金额 ÷
    优惠金额), two decimals half up; None without a denominator."""

    select: object = None
    numerator: str = ""
    denominator: str = ""
    unit: str = RATIO

    def _ratio(self, num, den):
        if not den:
            return None
        return round_half_up(Decimal(num or 0) / Decimal(den), 2)

    def compute(self, *, user, date_from, date_to, region=None):
        sel = self.select(date_from, date_to, region)
        agg = (
            sel.queryset(user)
            .order_by()
            .aggregate(n=Count("pk"), a=Sum(self.numerator), b=Sum(self.denominator))
        )
        return self._figure(
            value=self._ratio(agg["a"], agg["b"]),
            count=agg["n"],
            drill=sel.urls(),
            date_from=date_from,
            date_to=date_to,
            region=region,
        )

    def value_from_lists(self, lists):
        rows = lists["list"]
        return self._ratio(
            sum(int(r[self.numerator]) for r in rows), sum(int(r[self.denominator]) for r in rows)
        )


@dataclass(kw_only=True)
class SumRateFigure(FigureSpec):
    """Σ numerator amount (one selection) ÷ Σ denominator amount (another) × 100: vouchers
    redeemed ÷ vouchers issued."""

    numerator: object = None
    denominator: object = None
    numerator_amount: str = ""
    denominator_amount: str = ""
    unit: str = "%"

    def compute(self, *, user, date_from, date_to, region=None):
        num = self.numerator(date_from, date_to, region)
        den = self.denominator(date_from, date_to, region)
        a = num.queryset(user).order_by().aggregate(n=Count("pk"), s=Sum(self.numerator_amount))
        b = den.queryset(user).order_by().aggregate(n=Count("pk"), s=Sum(self.denominator_amount))
        figure = self._figure(
            value=ratio_percent(a["s"] or 0, b["s"] or 0),
            count=b["n"],
            drill={"numerator": num.urls(), "denominator": den.urls()},
            date_from=date_from,
            date_to=date_to,
            region=region,
        )
        figure.numerator_count = a["n"]
        return figure

    def value_from_lists(self, lists):
        return ratio_percent(
            sum(int(r[self.numerator_amount]) for r in lists["numerator"]),
            sum(int(r[self.denominator_amount]) for r in lists["denominator"]),
        )


PERIOD = "核销日期在期间内的"
ISSUED = "活动期间与统计期间有交集的消费券活动"

register(
    SumFigure(
        key="vouchers.issued_count",
        label="消费券发放",
        unit="张",
        definition=f"{ISSUED}各券批次的发放数量之和（按县区统计时为覆盖该县区的活动）。",
        select=issued(),
        amount="quantity",
    )
)
register(
    SumFigure(
        key="vouchers.issued_amount",
        label="消费券发放金额",
        unit="万元",
        definition=f"{ISSUED}各券批次的面额 × 发放数量之和。",
        select=issued(),
        amount="issued_cents",
        per=CENTS_PER_WAN,
    )
)
register(
    SumFigure(
        key="vouchers.redeemed_count",
        label="消费券核销",
        unit="张",
        definition=f"{PERIOD}消费券核销张数（平台导出的核销记录，同一券码只计一次）。",
        select=redeemed(),
        amount="redeemed",
    )
)
register(
    SumFigure(
        key="vouchers.subsidy",
        label="核销补贴金额",
        unit="万元",
        definition=f"{PERIOD}核销记录的优惠金额之和（财政及平台实际补贴）。",
        select=redeemed(),
        amount="discount_cents",
        per=CENTS_PER_WAN,
    )
)
register(
    SumFigure(
        key="vouchers.consumption",
        label="消费券带动消费",
        unit="万元",
        definition=f"{PERIOD}核销订单的订单金额之和。",
        select=redeemed(),
        amount="order_cents",
        per=CENTS_PER_WAN,
    )
)
register(
    SumRatioFigure(
        key="vouchers.leverage",
        label="消费券杠杆率",
        definition=f"{PERIOD}核销订单金额之和 ÷ 优惠金额之和（每1元补贴带动的消费）。",
        select=redeemed(),
        numerator="order_cents",
        denominator="discount_cents",
    )
)
register(
    SumRateFigure(
        key="vouchers.redemption_rate",
        label="消费券核销率",
        definition=f"{PERIOD}核销张数 ÷ {ISSUED}的发放张数 × 100%。",
        numerator=redeemed(),
        denominator=issued(),
        numerator_amount="redeemed",
        denominator_amount="quantity",
    )
)
for _industry in Industry:
    register(
        SumFigure(
            key=f"vouchers.redeemed_count.{_industry.value}",
            label=f"{_industry.label}消费券核销",
            unit="张",
            definition=f"{PERIOD}{_industry.label}类券批次的核销张数。",
            select=redeemed(industry=_industry.value),
            amount="redeemed",
        )
    )
    register(
        SumFigure(
            key=f"vouchers.consumption.{_industry.value}",
            label=f"{_industry.label}消费券带动消费",
            unit="万元",
            definition=f"{PERIOD}{_industry.label}类券批次核销订单的订单金额之和。",
            select=redeemed(industry=_industry.value),
            amount="order_cents",
            per=CENTS_PER_WAN,
        )
    )
register(
    CountFigure(
        key="vouchers.merchants",
        label="参与核销商户",
        unit="家",
        definition="首次至最后核销日期与统计期间有交集的核销商户（按统一社会信用代码或名称计一家）。",
        select=took_part(),
    )
)
register(
    CountFigure(
        key="vouchers.enterprises",
        label="参与核销的企业库企业",
        unit="家",
        definition="参与核销商户中已匹配到企业库的企业（按信用代码或经确认的名称匹配）。",
        select=took_part(registered="true"),
    )
)
