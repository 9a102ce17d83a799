"""Read-side questions of the vouchers: the campaign page's numbers, read from the daily and
per-merchant totals (never the redemptions), within the user's scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from shangwu.core.figures import ratio_percent
from shangwu.core.numbers import round_half_up
from shangwu.vouchers.choices import CENTS_PER_WAN, Industry
from shangwu.vouchers.models import VoucherBatch, VoucherDaily, VoucherMerchantTotal

SUMS = {"n": Sum("redeemed"), "order": Sum("order_cents"), "discount": Sum("discount_cents")}


def _wan(cents) -> float:
    return round((cents or 0) / CENTS_PER_WAN, 2)


def leverage(order, discount):
    """订单金额 ÷ 优惠金额, two decimals half up (the ``vouchers.leverage`` figure's rule)."""
    from decimal import Decimal

    return round_half_up(Decimal(order or 0) / Decimal(discount), 2) if discount else None


def campaign_detail_context(*, user, campaign) -> dict:
    """The campaign page: totals, leverage, the daily curve, by county, by industry, by batch
    and the top merchants, each linked to the daily list that holds its rows."""
    daily = VoucherDaily.objects.restrict(user, "view").filter(campaign=campaign).order_by()
    list_url = reverse("vouchers:daily_list")

    def link(**params):
        return f"{list_url}?{urlencode({'campaign': campaign.pk, **params})}"

    totals = daily.aggregate(rows=Count("pk"), **SUMS)
    by_day = list(daily.values("day").annotate(**SUMS).order_by("day"))
    by_county = [
        {
            "name": row["county__name"],
            "n": row["n"],
            "order": _wan(row["order"]),
            "discount": _wan(row["discount"]),
            "leverage": leverage(row["order"], row["discount"]),
            "url": link(county=row["county_id"]),
        }
        for row in daily.values("county_id", "county__name").annotate(**SUMS).order_by("county_id")
    ]
    labels = dict(Industry.choices)
    by_industry = [
        {
            "name": labels.get(row["industry"], row["industry"]),
            "n": row["n"],
            "order": _wan(row["order"]),
            "discount": _wan(row["discount"]),
            "leverage": leverage(row["order"], row["discount"]),
            "url": link(industry=row["industry"]),
        }
        for row in daily.values("industry").annotate(**SUMS).order_by("industry")
    ]
    redeemed_by_batch = {row["batch_id"]: row for row in daily.values("batch_id").annotate(**SUMS)}
    batches = []
    for batch in VoucherBatch.objects.restrict(user, "view").filter(campaign=campaign):
        row = redeemed_by_batch.get(batch.pk, {})
        batches.append(
            {
                "batch": batch,
                "n": row.get("n") or 0,
                "order": _wan(row.get("order")),
                "discount": _wan(row.get("discount")),
                "rate": ratio_percent(row.get("n") or 0, batch.quantity),
                "url": link(batch=batch.pk),
            }
        )
    merchants = (
        VoucherMerchantTotal.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .select_related("merchant", "merchant__enterprise", "county")
        .order_by("-order_cents", "id")[:10]
    )
    top = [
        {
            "merchant": m.merchant,
            "county": m.county,
            "n": m.redeemed,
            "order": _wan(m.order_cents),
            "discount": _wan(m.discount_cents),
        }
        for m in merchants
    ]
    return {
        "totals": {
            "n": totals["n"] or 0,
            "order": _wan(totals["order"]),
            "discount": _wan(totals["discount"]),
            "leverage": leverage(totals["order"], totals["discount"]),
            "url": link(),
        },
        "curve": {
            "days": [row["day"].isoformat() for row in by_day],
            "count": [row["n"] for row in by_day],
            "order": [_wan(row["order"]) for row in by_day],
            "discount": [_wan(row["discount"]) for row in by_day],
        },
        "by_county": by_county,
        "by_industry": by_industry,
        "batches": batches,
        "top_merchants": top,
    }


PANEL_FIGURES = [
    ("vouchers.redeemed_count", "消费券核销"),
    ("vouchers.subsidy", "核销补贴"),
    ("vouchers.consumption", "带动消费"),
    ("vouchers.leverage", "杠杆率"),
]


def voucher_dashboard_panel(*, user) -> list:
    """消费券 · this year (工作台): redeemed, subsidy, consumption driven and the leverage ratio,
    each a registered figure with its list; none for a township (the data is by county)."""
    import datetime

    from django.utils import timezone

    from shangwu.core import figures as registry

    if user.region is None or user.region.level == "township":
        return []
    today = timezone.localdate()
    computed = registry.compute_many(
        [key for key, _ in PANEL_FIGURES],
        user=user,
        date_from=datetime.date(today.year, 1, 1),
        date_to=today,
    )
    return [
        {
            "title": f"消费券 · {today.year}年",
            "icon": "ticket-perforated",
            "figures": [
                registry.panel_cell(computed[key], label=label) for key, label in PANEL_FIGURES
            ],
        }
    ]
