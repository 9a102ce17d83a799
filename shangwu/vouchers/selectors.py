"""Read-side questions of the vouchers: the campaign page's numbers, read from the daily and
per-merchant totals (never the redemptions), within the user's scope."""

from __future__ import annotations

from django.db.models import Sum

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


def _number(figure) -> float:
    return float(figure.value or 0)


def _link(figure) -> str:
    return figure.drill.get("numerator", figure.drill)["page"]


def _row(figs: dict, *, leverage_figure=None, **extra) -> dict:
    """One line of the campaign page: redeemed, subsidy and consumption (and the leverage ratio),
    each a figure's value and the link to its list."""
    lev = leverage_figure or figs.get("leverage")
    return {
        "n": int(figs["redeemed_count"].value or 0),
        "discount": _number(figs["subsidy"]),
        "order": _number(figs["consumption"]),
        "leverage": lev.value if lev is not None else None,
        "url": _link(figs["redeemed_count"]),
        "links": {
            "n": _link(figs["redeemed_count"]),
            "discount": _link(figs["subsidy"]),
            "order": _link(figs["consumption"]),
            **({"leverage": _link(lev)} if lev is not None else {}),
        },
        **extra,
    }


def campaign_detail_context(*, user, campaign) -> dict:
    """The campaign page: its registered figures (``vouchers.campaign.<id>.*``) over its period,
    within the user's scope: totals and leverage, by county (the figures for each county), by
    industry and by batch (each its own figures), each number linked to the list holding its
    rows; the daily curve and the top merchants from the totals the import keeps."""
    from shangwu.core import figures as registry
    from shangwu.organization.models import Region
    from shangwu.vouchers.figures import campaign_specs

    period = {"date_from": campaign.start_on, "date_to": max(campaign.end_on, campaign.start_on)}

    def named(specs):
        return {s.key.rsplit(".", 1)[1]: s for s in specs}

    mine = named(campaign_specs(campaign.pk))
    got = registry.compute_many(list(mine.values()), user=user, **period)
    totals = {name: got[spec.key] for name, spec in mine.items()}
    sums = [mine["redeemed_count"], mine["subsidy"], mine["consumption"]]

    counties = registry.breakdown(sums, by="county", user=user, **period)
    regions = Region.objects.in_bulk([g.value for g in counties.groups if g.value])
    by_county = []
    for group in sorted(counties.groups, key=lambda g: g.value or 0):
        region = regions.get(group.value)
        figs = {name: group.figures[mine[name].key] for name in ("redeemed_count", "subsidy")}
        figs["consumption"] = group.figures[mine["consumption"].key]
        lev = (
            mine["leverage"].compute(user=user, region=region, **period)
            if region is not None
            else None
        )
        by_county.append(
            _row(figs, leverage_figure=lev, name=region.name if region else "—", county=group.value)
        )

    labels = dict(Industry.choices)
    industries = registry.breakdown(sums, by="industry", user=user, **period)
    by_industry = []
    for group in sorted(industries.groups, key=lambda g: g.value or ""):
        own = named(campaign_specs(campaign.pk, industry=group.value))
        figs = {
            name: group.figures[mine[name].key]
            for name in ("redeemed_count", "subsidy", "consumption")
        }
        lev = own["leverage"].compute(user=user, **period)
        by_industry.append(
            _row(
                figs,
                leverage_figure=lev,
                name=labels.get(group.value, group.value),
                industry=group.value,
            )
        )

    batch_rows = list(VoucherBatch.objects.restrict(user, "view").filter(campaign=campaign))
    wanted = ("redeemed_count", "subsidy", "consumption", "redemption_rate")
    batch_specs = [named(campaign_specs(campaign.pk, batch=b.pk)) for b in batch_rows]
    read = registry.compute_many(
        [own[name] for own in batch_specs for name in wanted], user=user, **period
    )
    batches = []
    for batch, own in zip(batch_rows, batch_specs, strict=True):
        figs = {name: read[own[name].key] for name in wanted}
        rate = figs["redemption_rate"]
        batches.append(
            {
                **_row(figs, leverage_figure=None),
                "batch": batch,
                "rate": rate.value,
                "rate_url": _link(rate),
            }
        )

    daily = VoucherDaily.objects.restrict(user, "view").filter(campaign=campaign).order_by()
    by_day = list(daily.values("day").annotate(**SUMS).order_by("day"))
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
            **_row(totals),
            "issued": int(totals["issued_count"].value or 0),
            "rate": totals["redemption_rate"].value,
            "merchants": int(totals["merchants"].value or 0),
            "enterprises": int(totals["enterprises"].value or 0),
            "links": {
                **_row(totals)["links"],
                "issued": _link(totals["issued_count"]),
                "rate": _link(totals["redemption_rate"]),
                "merchants": _link(totals["merchants"]),
                "enterprises": _link(totals["enterprises"]),
            },
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
