"""Read-side queries of the subsidy programmes: a programme's figures (headline, by category,
county and month, each cell a figure with its drill-down), an application's timeline, and the
工作台 panel (registered figures only)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from shangwu.core import figures as registry
from shangwu.subsidies.choices import ProductCategory
from shangwu.subsidies.figures import specs

HEADLINE = (
    "subsidies.applications",
    "subsidies.approved",
    "subsidies.paid",
    "subsidies.subsidy_paid",
    "subsidies.sales",
    "subsidies.units",
    "subsidies.avg_workdays_to_pay",
    "subsidies.overdue",
)
BY_ACCEPTED = ("subsidies.applications", "subsidies.approved")
BY_PAID = ("subsidies.paid", "subsidies.subsidy_paid", "subsidies.sales", "subsidies.units")


def _table(breakdown, keys, label_of) -> list[dict]:
    rows = []
    for group in breakdown.groups:
        rows.append(
            {
                "label": label_of(group.value),
                "cells": [registry.panel_cell(group.figures[k]) for k in keys],
            }
        )
    rows.sort(key=lambda r: r["label"])
    total = {"label": "合计", "cells": [registry.panel_cell(breakdown.totals[k]) for k in keys]}
    return rows + [total] if rows else []


def programme_figures(*, user, programme) -> dict:
    """The programme's figures over its whole period, within the user's scope."""
    mine = {s.key: s for s in specs(programme=programme.pk)}
    start, end = programme.start_on, max(programme.end_on, programme.start_on)
    headline = [
        registry.panel_cell(mine[k].compute(user=user, date_from=start, date_to=end))
        for k in HEADLINE
    ]
    keys = BY_ACCEPTED + BY_PAID
    by_specs = [mine[k] for k in keys]
    categories = dict(ProductCategory.choices)
    by_category = registry.breakdown(
        by_specs, by="category", user=user, date_from=start, date_to=end
    )
    by_county = registry.breakdown(by_specs, by="county", user=user, date_from=start, date_to=end)
    from shangwu.organization.models import Region

    names = dict(Region.objects.filter(level="county").values_list("pk", "name"))
    accepted = registry.breakdown(
        [mine[k] for k in BY_ACCEPTED], by=registry.MONTH, user=user, date_from=start, date_to=end
    )
    paid = registry.breakdown(
        [mine[k] for k in BY_PAID], by=registry.MONTH, user=user, date_from=start, date_to=end
    )
    months = sorted({g.value for g in accepted.groups} | {g.value for g in paid.groups})
    acc = {g.value: g for g in accepted.groups}
    pay = {g.value: g for g in paid.groups}
    month_rows = []
    for month in months:
        cells = []
        for key in BY_ACCEPTED:
            group = acc.get(month)
            cells.append(registry.panel_cell(group.figures[key]) if group else None)
        for key in BY_PAID:
            group = pay.get(month)
            cells.append(registry.panel_cell(group.figures[key]) if group else None)
        month_rows.append({"label": f"{month:%Y-%m}", "cells": cells})
    chart = {
        "months": [r["label"] for r in month_rows],
        "applications": [
            int(acc[m].figures["subsidies.applications"].value) if m in acc else 0 for m in months
        ],
        "subsidy": [
            float(pay[m].figures["subsidies.subsidy_paid"].value) if m in pay else 0 for m in months
        ],
        "categories": [
            {
                "name": categories.get(g.value, g.value),
                "value": float(g.figures["subsidies.subsidy_paid"].value),
            }
            for g in by_category.groups
        ],
    }
    return {
        "headline": headline,
        "columns": [mine[k].label + f"（{mine[k].unit}）" for k in keys],
        "by_category": _table(by_category, keys, lambda v: categories.get(v, v)),
        "by_county": _table(by_county, keys, lambda v: names.get(v, "—")),
        "by_month": month_rows,
        "chart": chart,
    }


def application_detail_context(*, application) -> dict:
    return {"events": application.events.select_related("actor").order_by("-at", "-id")}


PANEL_FIGURES = [
    ("subsidies.applications", "本年受理补贴申请"),
    ("subsidies.paid", "已拨付"),
    ("subsidies.subsidy_paid", "拨付补贴资金"),
    ("subsidies.sales", "带动销售"),
    ("subsidies.overdue", "超期未拨付"),
]


def subsidy_dashboard_panel(*, user) -> dict:
    """以旧换新等补贴 · this year: applications, paid, subsidy, sales, overdue — each a
    registered figure with its list."""
    today = timezone.localdate()
    computed = registry.compute_many(
        [key for key, _ in PANEL_FIGURES],
        user=user,
        date_from=datetime.date(today.year, 1, 1),
        date_to=today,
    )
    return {
        "title": f"以旧换新等补贴 · {today.year}年",
        "icon": "arrow-repeat",
        "figures": [
            registry.panel_cell(computed[key], label=label) for key, label in PANEL_FIGURES
        ],
    }
