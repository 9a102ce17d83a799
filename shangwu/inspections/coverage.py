"""§7 Coverage and results: per kind, plan and period, by county (or by township within one
county): subjects, inspected, coverage %, findings by severity, rectified on time, overdue, 重大
隐患 open. Every number is the count of a list (``core.figures.Selection``: the list's own
FilterSet and parameters, restricted to the user), so a cell and its drill-down cannot disagree.

Subjects are the active sites whose enterprise holds the kind's tag (a plan's: its active
targets); inspected are those with a submitted inspection of the kind (of the plan) in the
period; findings are the hazards found in the period (of the plan's inspections); overdue is the
red light now (open past the deadline).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from shangwu.core.figures import Selection, count_together, ratio_percent
from shangwu.inspections.filtersets import HazardFilterSet, SiteFilterSet
from shangwu.inspections.models import Hazard, InspectionKind, Plan, Site
from shangwu.organization.choices import RegionLevel
from shangwu.organization.selectors import region_list_counties, region_list_townships

COLUMNS = [
    ("subjects", "检查对象"),
    ("inspected", "已检查"),
    ("coverage", "覆盖率"),
    ("general", "一般隐患"),
    ("major", "重大隐患"),
    ("on_time", "按期整改"),
    ("overdue", "逾期未整改"),
    ("major_open", "重大隐患未销号"),
]


def coverage_selections(
    *,
    kind: InspectionKind,
    date_from: datetime.date,
    date_to: datetime.date,
    plan: Plan | None = None,
    region: dict | None = None,
) -> dict[str, Selection]:
    """The lists behind one row: ``region`` is the list filter of the row ({"county": pk} or
    {"township": pk}, or {} for the user's whole scope)."""
    region = region or {}
    sites = {"kind": kind.pk, "is_active": "true", **region}
    hazards = {
        "kind": kind.pk,
        "found_from": date_from.isoformat(),
        "found_to": date_to.isoformat(),
        **region,
    }
    if plan is not None:
        sites["plan"] = plan.pk
        hazards["plan"] = plan.pk

    def site_list(**params):
        return Selection(Site, SiteFilterSet, "inspections:site_list", "site-list", sites | params)

    def hazard_list(**params):
        return Selection(
            Hazard, HazardFilterSet, "inspections:hazard_list", "hazard-list", hazards | params
        )

    return {
        "subjects": site_list(),
        "inspected": site_list(
            inspected="true",
            inspected_from=date_from.isoformat(),
            inspected_to=date_to.isoformat(),
        ),
        "general": hazard_list(severity="general"),
        "major": hazard_list(severity="major"),
        "on_time": hazard_list(on_time="true"),
        "overdue": hazard_list(light="red"),
        "major_open": hazard_list(severity="major", open="true"),
    }


@dataclass
class CoverageRow:
    label: str
    cells: dict = field(default_factory=dict)  # name -> {"value", "url"}
    is_total: bool = False

    @property
    def ordered(self) -> list[tuple[str, dict]]:
        """The cells in the columns' order (for the page)."""
        return [(name, self.cells[name]) for name, _ in COLUMNS]


def coverage_row(*, user, label: str, is_total=False, **params) -> CoverageRow:
    selections = coverage_selections(**params)
    names = list(selections)
    counts = count_together([selections[n] for n in names], user=user)
    row = CoverageRow(label=label, is_total=is_total)
    for name, value in zip(names, counts, strict=True):
        row.cells[name] = {"value": value, "url": selections[name].urls()["page"]}
    rate = ratio_percent(row.cells["inspected"]["value"], row.cells["subjects"]["value"])
    row.cells["coverage"] = {
        "value": "—" if rate is None else f"{rate}%",
        "url": row.cells["inspected"]["url"],
    }
    return row


def coverage_table(
    *,
    user,
    kind: InspectionKind,
    date_from: datetime.date,
    date_to: datetime.date,
    plan: Plan | None = None,
    county=None,
) -> list[CoverageRow]:
    """One row per county in the user's scope (per township when ``county`` is chosen or the
    user is a county's), then the total of the user's scope (or of the county)."""
    common = {"kind": kind, "date_from": date_from, "date_to": date_to, "plan": plan}
    region = getattr(user, "region", None)
    if county is None and region is not None and region.level != RegionLevel.CITY:
        county = region.county
    rows = []
    if county is None:
        for c in region_list_counties(user=user).order_by("code"):
            rows.append(coverage_row(user=user, label=c.name, region={"county": c.pk}, **common))
        rows.append(coverage_row(user=user, label="合计", is_total=True, **common))
    else:
        for t in region_list_townships(user=user, county=county).order_by("code"):
            rows.append(coverage_row(user=user, label=t.name, region={"township": t.pk}, **common))
        rows.append(
            coverage_row(
                user=user,
                label=f"{county.name}合计",
                is_total=True,
                region={"county": county.pk},
                **common,
            )
        )
    return rows


def sites_not_inspected(*, user, kind: InspectionKind, year: int, county=None):
    """The fuel-station annual coverage's missing list: active sites of ``kind`` in the user's
    scope with no submitted inspection of it in ``year`` (the same list as the 未检查 link)."""
    selection = sites_not_inspected_selection(kind=kind, year=year, county=county)
    return selection.queryset(user).select_related("county", "township", "enterprise")


def sites_not_inspected_selection(*, kind, year: int, county=None) -> Selection:
    params = {
        "kind": kind.pk,
        "is_active": "true",
        "inspected": "false",
        "inspected_from": datetime.date(year, 1, 1).isoformat(),
        "inspected_to": datetime.date(year, 12, 31).isoformat(),
    }
    if county is not None:
        params["county"] = county.pk
    return Selection(Site, SiteFilterSet, "inspections:site_list", "site-list", params)
