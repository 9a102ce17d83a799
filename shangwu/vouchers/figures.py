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
    register_family,
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

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None) -> list:
        """Several rates at once: their numerators' and denominators' sums read together (one
        query per model, ``SumFigure.compute_batch``), as each would read them alone."""
        sums = []
        for spec in specs:
            for select, amount in (
                (spec.numerator, spec.numerator_amount),
                (spec.denominator, spec.denominator_amount),
            ):
                sums.append(
                    SumFigure(
                        key=f"{spec.key}#{len(sums)}",
                        label="",
                        unit="张",
                        definition="",
                        select=select,
                        amount=amount,
                    )
                )
        read = SumFigure.compute_batch(
            sums, user=user, date_from=date_from, date_to=date_to, region=region
        )
        out = []
        for n, spec in enumerate(specs):
            num, den = read[2 * n], read[2 * n + 1]
            figure = spec._figure(
                value=ratio_percent(num.value or 0, den.value or 0),
                count=den.count,
                drill={"numerator": num.drill, "denominator": den.drill},
                date_from=date_from,
                date_to=date_to,
                region=region,
            )
            figure.numerator_count = num.count
            out.append(figure)
        return out

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


# --- one campaign's figures (the campaign page), keyed by the campaign's id -----------------------
#
# ``vouchers.campaign.<id>.<figure>``: the campaign's own numbers (redeemed, subsidy, consumption,
# leverage, issued, redemption rate, merchants); ``vouchers.campaign.<id>.industry.<code>.<figure>``
# and ``vouchers.campaign.<id>.batch.<id>.<figure>`` the same of one industry or one batch. Each is
# the figure above with the campaign (industry, batch) added to its selection, so it opens the
# lists holding its rows; by county it is the figure with ``region`` (or ``by=county``). Labels
# name no campaign: the key is listed to users who may not see the campaign, whose rows their
# scope then leaves out.

CAMPAIGN_PREFIX = "vouchers.campaign."
CAMPAIGN = "本活动"


def campaign_specs(campaign_id: int, *, industry: str = "", batch: int | None = None) -> list:
    """The figures of one campaign (of one of its industries, or one of its batches)."""
    key = f"{CAMPAIGN_PREFIX}{campaign_id}"
    params = {"campaign": campaign_id}
    issued_params = {"campaign": campaign_id}
    scope = CAMPAIGN
    if industry:
        key += f".industry.{industry}"
        params["industry"] = issued_params["industry"] = industry
        scope = f"本活动{Industry(industry).label}类券批次"
    elif batch is not None:
        key += f".batch.{batch}"
        params["batch"] = issued_params["batch"] = batch
        scope = "本券批次"
    out = [
        SumFigure(
            key=f"{key}.redeemed_count",
            label=f"{scope}核销",
            unit="张",
            definition=f"{PERIOD}{scope}核销张数（同一券码只计一次）。",
            select=redeemed(**params),
            amount="redeemed",
        ),
        SumFigure(
            key=f"{key}.subsidy",
            label=f"{scope}核销补贴金额",
            unit="万元",
            definition=f"{PERIOD}{scope}核销记录的优惠金额之和。",
            select=redeemed(**params),
            amount="discount_cents",
            per=CENTS_PER_WAN,
        ),
        SumFigure(
            key=f"{key}.consumption",
            label=f"{scope}带动消费",
            unit="万元",
            definition=f"{PERIOD}{scope}核销订单的订单金额之和。",
            select=redeemed(**params),
            amount="order_cents",
            per=CENTS_PER_WAN,
        ),
        SumRatioFigure(
            key=f"{key}.leverage",
            label=f"{scope}杠杆率",
            definition=f"{PERIOD}{scope}核销订单金额之和 ÷ 优惠金额之和。",
            select=redeemed(**params),
            numerator="order_cents",
            denominator="discount_cents",
        ),
        SumFigure(
            key=f"{key}.issued_count",
            label=f"{scope}发放",
            unit="张",
            definition=f"{scope}券批次的发放数量之和（活动期间与统计期间有交集时）。",
            select=issued(**issued_params),
            amount="quantity",
        ),
        SumRateFigure(
            key=f"{key}.redemption_rate",
            label=f"{scope}核销率",
            definition=f"{PERIOD}{scope}核销张数 ÷ 发放张数 × 100%。",
            numerator=redeemed(**params),
            denominator=issued(**issued_params),
            numerator_amount="redeemed",
            denominator_amount="quantity",
        ),
    ]
    if not industry and batch is None:
        out += [
            CountFigure(
                key=f"{key}.merchants",
                label="本活动参与核销商户",
                unit="家",
                definition=(
                    "本活动首次至最后核销日期与统计期间有交集的核销商户"
                    "（按统一社会信用代码或名称计一家）。"
                ),
                select=took_part(campaign=campaign_id),
            ),
            CountFigure(
                key=f"{key}.enterprises",
                label="本活动参与核销的企业库企业",
                unit="家",
                definition="本活动参与核销商户中已匹配到企业库的企业。",
                select=took_part(campaign=campaign_id, registered="true"),
            ),
        ]
    return out


def _campaign_members():
    out = []
    batches = VoucherBatch.objects.order_by("campaign_id", "id").values_list(
        "campaign_id", "pk", "industry"
    )
    by_campaign: dict[int, list] = {}
    for campaign_id, pk, industry in batches:
        by_campaign.setdefault(campaign_id, []).append((pk, industry))
    from shangwu.vouchers.models import VoucherCampaign

    for campaign_id in VoucherCampaign.objects.order_by("id").values_list("pk", flat=True):
        mine = by_campaign.get(campaign_id, [])
        out += campaign_specs(campaign_id)
        for industry in sorted({i for _, i in mine}):
            out += campaign_specs(campaign_id, industry=industry)
        for pk, _ in mine:
            out += campaign_specs(campaign_id, batch=pk)
    return out


def _campaign_resolve(rest: str):
    """``<id>.<figure>``, ``<id>.industry.<code>.<figure>`` or ``<id>.batch.<id>.<figure>``."""
    from shangwu.vouchers.models import VoucherCampaign

    parts = rest.split(".")
    if not parts[0].isdigit() or len(parts) not in (2, 4):
        return None
    campaign_id = int(parts[0])
    options = {}
    if len(parts) == 4:
        if parts[1] == "industry" and parts[2] in Industry.values:
            options["industry"] = parts[2]
        elif parts[1] == "batch" and parts[2].isdigit():
            if not VoucherBatch.objects.filter(pk=int(parts[2]), campaign_id=campaign_id).exists():
                return None
            options["batch"] = int(parts[2])
        else:
            return None
    elif not VoucherCampaign.objects.filter(pk=campaign_id).exists():
        return None
    wanted = f"{CAMPAIGN_PREFIX}{rest}"
    return next((s for s in campaign_specs(campaign_id, **options) if s.key == wanted), None)


register_family(CAMPAIGN_PREFIX, members=_campaign_members, resolve=_campaign_resolve)
