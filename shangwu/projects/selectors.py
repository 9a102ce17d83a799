"""Read-side queries of the project library: "三个一批", money by period, charts, the detail page's
panels, the 工作台 panel and the case page's project box. Every query starts from restrict()."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from shangwu.core.access import Access, can
from shangwu.core.numbers import ratio
from shangwu.core.periods import QUARTER, Period
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region
from shangwu.projects.choices import BATCH_MILESTONES, MILESTONE_FIELDS, Milestone, ProjectEventKind
from shangwu.projects.models import (
    IndustryChain,
    Project,
    ProjectContact,
    ProjectEvent,
    ProjectFunds,
    ProjectLeader,
    Stage,
)

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
MILESTONE_PARAM = {m: m.value for m in Milestone}  # signed → signed_from / signed_to


def _sum(field, **filters):
    return Coalesce(Sum(field, filter=Q(**filters) if filters else None), ZERO)


def milestone_filter(milestone: str, period: Period) -> Q:
    field = MILESTONE_FIELDS[milestone]
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def milestone_url(milestone: str, period: Period, **params) -> str:
    """The project list filtered to the projects behind one figure."""
    query = {
        f"{MILESTONE_PARAM[milestone]}_from": period.start.isoformat(),
        f"{MILESTONE_PARAM[milestone]}_to": period.end.isoformat(),
        **params,
    }
    return f"{reverse('projects:project_list')}?{urlencode(query)}"


def project_list_visible(*, user, action: str = "view"):
    return Project.objects.restrict(user, action).select_related(
        "stage", "county", "township", "chain"
    )


def project_list_in_batch(*, user, milestone: str, period: Period, action: str = "view"):
    """The projects that reached ``milestone`` (签约/开工/投产…) within ``period``."""
    return project_list_visible(user=user, action=action).filter(
        milestone_filter(milestone, period)
    )


def board_counts(projects):
    """Projects and total investment per stage of a (restricted, filtered) queryset."""
    return (
        projects.order_by()
        .values("stage")
        .annotate(n=Count("id"), investment=Coalesce(Sum("total_investment"), ZERO))
    )


# --- "三个一批" ---------------------------------------------------------------------------------------


def _batch_aggregates(period: Period) -> dict:
    figures = {}
    for m in BATCH_MILESTONES:
        cond = milestone_filter(m, period)
        figures[f"{m}_count"] = Count("id", filter=cond)
        figures[f"{m}_investment"] = Coalesce(Sum("total_investment", filter=cond), ZERO)
    return figures


def _batch_cells(row: dict, period: Period, params: dict) -> list[dict]:
    return [
        {
            "milestone": m,
            "label": Milestone(m).label,
            "count": row[f"{m}_count"],
            "investment": row[f"{m}_investment"],
            "url": milestone_url(m, period, **params),
        }
        for m in BATCH_MILESTONES
    ]


def three_batches(*, user, period: Period) -> dict:
    """签约一批、开工一批、投产一批 of ``period``: counts and total investment (万元) in all,
    by county and by 产业链, each figure with the URL of the project list behind it. One
    aggregate query per grouping, whatever the number of projects."""
    qs = Project.objects.restrict(user, "view").filter(
        Q(*[milestone_filter(m, period) for m in BATCH_MILESTONES], _connector=Q.OR)
    )
    total = qs.aggregate(**_batch_aggregates(period))
    by_county = {
        r["county"]: r for r in qs.values("county").annotate(**_batch_aggregates(period)).order_by()
    }
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    region = getattr(user, "region", None)
    if region is not None and region.level != RegionLevel.CITY:
        counties = counties.filter(pk=region.county.pk)
    empty = {k: 0 for k in _batch_aggregates(period)}
    county_rows = [
        {
            "label": c.name,
            "key": c.pk,
            "cells": _batch_cells(by_county.get(c.pk, empty), period, {"county": c.pk}),
        }
        for c in counties.order_by("sort_order", "code")
    ]
    by_chain = {
        r["chain"]: r for r in qs.values("chain").annotate(**_batch_aggregates(period)).order_by()
    }
    chain_rows = [
        {
            "label": c.name,
            "key": c.pk,
            "cells": _batch_cells(by_chain.get(c.pk, empty), period, {"chain": c.pk}),
        }
        for c in IndustryChain.objects.filter(Q(is_active=True) | Q(pk__in=by_chain)).order_by(
            "sort_order", "name"
        )
    ]
    if None in by_chain:
        chain_rows.append(
            {
                "label": "未归入产业链",
                "key": None,
                "cells": _batch_cells(by_chain[None], period, {}),
            }
        )
        for cell in chain_rows[-1]["cells"]:
            cell["url"] = ""  # no filter selects "no chain"; the figure is shown without a link
    return {
        "period": period,
        "total": _batch_cells(total, period, {}),
        "by_county": county_rows,
        "by_chain": chain_rows,
    }


LEDGER_HEADERS = [
    "序号",
    "项目名称",
    "项目编码",
    "投资方",
    "总投资（万元）",
    "合同外资（万美元）",
    "产业链",
    "县(市、区)",
    "建设地点",
    "签约时间",
    "开工时间",
    "投产时间",
    "当前阶段",
    "包保领导",
    "牵头单位",
    "备注",
]


def ledger_rows(projects, *, on: datetime.date | None = None):
    """The 台账 rows (LEDGER_HEADERS) of a restricted project queryset, leaders prefetched."""
    on = on or timezone.localdate()
    current = (
        ProjectLeader.objects.current(on).select_related("official").order_by("start_on", "id")
    )
    projects = projects.select_related(
        "chain", "county", "township", "stage", "lead_unit"
    ).prefetch_related(Prefetch("leaders", queryset=current, to_attr="current_leaders"))
    for index, p in enumerate(projects, start=1):
        remarks = [p.note] if p.note else []
        if p.termination_reason:
            remarks.append(f"终止原因：{p.termination_reason}")
        if p.in_provincial_ledger:
            remarks.append(
                f"纳入省台账（{p.ledger_year}年第{p.ledger_quarter}季度{p.ledger_batch}）"
            )
        yield [
            index,
            p.name,
            p.code,
            p.investor_name,
            float(p.total_investment),
            float(p.contract_fdi) if p.contract_fdi is not None else None,
            p.chain.name if p.chain else "",
            p.county.name,
            f"{p.township.name if p.township else ''}{p.site}",
            p.signed_on,
            p.started_on,
            p.producing_on,
            p.stage.name,
            "、".join(str(a.official) for a in p.current_leaders),
            str(p.lead_unit) if p.lead_unit else "",
            "；".join(remarks),
        ]


# --- Money ----------------------------------------------------------------------------------------------


FUND_FIELDS = ["provincial_outside", "overseas", "fixed_asset", "working_capital", "fdi_usd"]


def funds_totals(*, user, start: datetime.date, end: datetime.date, **project_filters) -> dict:
    """实际到位资金 (万元) and 实际使用外资 (万美元) of the months in [start, end] over the user's
    projects: by source, by use, and split into 当年签约当年到位 (projects signed in the year of
    the month) versus projects signed in an earlier year."""
    qs = ProjectFunds.objects.restrict(user, "view").filter(
        month__gte=start.replace(day=1), month__lte=end
    )
    if project_filters:
        qs = qs.filter(**{f"project__{k}": v for k, v in project_filters.items()})
    if start.year == end.year:  # every period the pages use: a plain date range, index-friendly
        same_year = Q(
            project__signed_on__gte=datetime.date(start.year, 1, 1),
            project__signed_on__lte=datetime.date(start.year, 12, 31),
        )
    else:
        same_year = Q(project__signed_on__year=F("month__year"))
    data = qs.aggregate(
        **{f"sum_{f}": _sum(f) for f in FUND_FIELDS},
        same_year_outside=Coalesce(Sum("provincial_outside", filter=same_year), ZERO),
        same_year_overseas=Coalesce(Sum("overseas", filter=same_year), ZERO),
        projects=Count("project", distinct=True),
    )
    figures = {f: data[f"sum_{f}"] for f in FUND_FIELDS}
    figures["projects"] = data["projects"]
    figures["total"] = figures["provincial_outside"] + figures["overseas"]
    figures["same_year"] = data["same_year_outside"] + data["same_year_overseas"]
    figures["earlier"] = figures["total"] - figures["same_year"]
    figures["start"], figures["end"] = start, end
    return figures


def funds_by_month(*, user, project) -> list[ProjectFunds]:
    return list(
        ProjectFunds.objects.restrict(user, "view").filter(project=project).order_by("month")
    )


def funds_by_period(*, user, periods: list[Period]) -> list[dict]:
    """Money in place per period (for the trend chart and the overview)."""
    qs = ProjectFunds.objects.restrict(user, "view")
    aggregates = {}
    for i, p in enumerate(periods):
        cond = {"month__gte": p.start, "month__lte": p.end}
        aggregates[f"o{i}"] = _sum("provincial_outside", **cond)
        aggregates[f"s{i}"] = _sum("overseas", **cond)
        aggregates[f"f{i}"] = _sum("fdi_usd", **cond)
    data = qs.aggregate(**aggregates)
    return [
        {"period": p, "total": data[f"o{i}"] + data[f"s{i}"], "fdi_usd": data[f"f{i}"]}
        for i, p in enumerate(periods)
    ]


# --- Charts ---------------------------------------------------------------------------------------------


def funnel(*, user, period: Period) -> list[dict]:
    """Projects reaching each milestone within ``period`` (入库 first: projects entered then)."""
    qs = Project.objects.restrict(user, "view")
    entered = ProjectEvent.objects.filter(
        project=OuterRef("pk"),
        kind=ProjectEventKind.CREATED,
        on__gte=period.start,
        on__lte=period.end,
    )
    aggregates = {"entered": Count("id", filter=Exists(entered))}
    for m in Milestone:
        aggregates[m.value] = Count("id", filter=milestone_filter(m, period))
    data = qs.aggregate(**aggregates)
    steps = [{"name": "入库", "value": data["entered"]}]
    steps += [{"name": Milestone(m).label, "value": data[m.value]} for m in Milestone]
    return steps


def quarterly_trend(*, user, end: Period, count: int = 8) -> dict:
    """签约 / 开工 / 投产 counts and investment for ``count`` quarters ending with ``end``, in one
    aggregate query."""
    periods = end.last(count)
    aggregates = {}
    for i, p in enumerate(periods):
        for m in BATCH_MILESTONES:
            cond = milestone_filter(m, p)
            aggregates[f"{m}_{i}_n"] = Count("id", filter=cond)
            aggregates[f"{m}_{i}_v"] = Coalesce(Sum("total_investment", filter=cond), ZERO)
    data = Project.objects.restrict(user, "view").aggregate(**aggregates)
    series = []
    for m in BATCH_MILESTONES:
        label = Milestone(m).label
        series.append(
            {
                "name": f"{label}项目数",
                "kind": "count",
                "data": [data[f"{m}_{i}_n"] for i in range(len(periods))],
            }
        )
        series.append(
            {
                "name": f"{label}总投资（亿元）",
                "kind": "investment",
                "data": [ratio(data[f"{m}_{i}_v"], 10000, 2) for i in range(len(periods))],
            }
        )
    return {
        "labels": [p.short_label for p in periods],
        "titles": [p.label for p in periods],
        "series": series,
    }


# --- Detail page and the case page ----------------------------------------------------------------------


def project_detail_context(*, user, project, on=None) -> dict:
    on = on or timezone.localdate()
    leaders = list(
        ProjectLeader.objects.restrict(user, "view")
        .filter(project=project)
        .select_related("official__org_unit")
        .order_by("-start_on", "-id")
    )
    for row in leaders:
        row.current = row.is_current(on)
        row.can_end = not row.is_ended(on)
    funds = funds_by_month(user=user, project=project)
    totals = {f: sum((getattr(r, f) for r in funds), Decimal("0")) for f in FUND_FIELDS}
    totals["total"] = totals["provincial_outside"] + totals["overseas"]
    # The cases opened from the project (Case.origin_project), as far as the user may see them.
    cases = list(
        project.cases.restrict(user, "view").only(
            "pk", "number", "title", "status", "created_at", "origin_project"
        )
    )
    stage_events = (
        ProjectEvent.objects.filter(project=project)
        .select_related("from_stage", "to_stage", "actor")
        .order_by("-at", "-id")
    )
    return {
        "leaders": leaders,
        "contacts": list(ProjectContact.objects.restrict(user, "view").filter(project=project)),
        "funds": funds,
        "funds_totals": totals,
        "funds_chart": {
            "months": [f"{r.month:%Y-%m}" for r in funds],
            "outside": [float(r.provincial_outside) for r in funds],
            "overseas": [float(r.overseas) for r in funds],
            "fdi": [float(r.fdi_usd) for r in funds],
        },
        "project_cases": cases,
        "events": list(stage_events[:200]),
        "stages": list(Stage.objects.all()),
        "can_reveal": can(user, Access.BUSINESS, "view")
        and user.has_perm("projects.reveal_projectcontact"),
    }


def project_for_case(*, user, case) -> Project | None:
    """The project a case was raised from, if any and if the user may see it (case page box:
    ``projects/includes/case_project.html``)."""
    if case.origin_project_id is None:
        return None
    return (
        Project.objects.restrict(user, "view")
        .filter(pk=case.origin_project_id)
        .select_related("stage", "county")
        .first()
    )


def project_dashboard_panel(*, user) -> dict:
    from shangwu.core import figures as registry

    period = Period.containing(QUARTER, timezone.localdate())
    batch = registry.compute_many(
        ["projects.active", *[f"projects.{m}" for m in BATCH_MILESTONES]],
        user=user,
        date_from=period.start,
        date_to=period.end,
    )
    funds = registry.compute(
        "projects.funds_total",
        user=user,
        date_from=datetime.date(period.year, 1, 1),
        date_to=period.end,
    )
    return {
        "title": f"招商项目 · {period.label}",
        "icon": "briefcase",
        "figures": [
            registry.panel_cell(batch["projects.active"], label="在库项目"),
            *[
                registry.panel_cell(batch[f"projects.{m}"], label=f"本季度{Milestone(m).label}")
                for m in BATCH_MILESTONES
            ],
            registry.panel_cell(funds, label=f"{period.year}年到位资金"),
        ],
    }
