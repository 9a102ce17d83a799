"""The figures of inspections (keys ``inspections.``): inspections done, coverage by kind, hazards
found, rectified on time, open major hazards, licences expiring. Each is the count of a list
(the inspections', sites' or hazards' own FilterSet with the figure's parameters), so a figure
and its drill-down cannot disagree; the coverage page (``coverage.py``) uses the same lists.
"""

import datetime

from shangwu.core.figures import (
    CountFigure,
    RateFigure,
    Selection,
    region_params,
    register,
    register_family,
)
from shangwu.inspections.choices import LICENCE_WARNING_DAYS
from shangwu.inspections.filtersets import HazardFilterSet, InspectionFilterSet, SiteFilterSet
from shangwu.inspections.models import Hazard, Inspection, InspectionKind, Site


def _select(model, filterset, page, api, **params):
    def select(date_from, date_to, region):
        values = {
            key: (value(date_from, date_to) if callable(value) else value)
            for key, value in params.items()
        }
        return Selection(
            model=model,
            filterset=filterset,
            page=page,
            api=api,
            params={**values, **region_params(region)},
        )

    return select


def inspections(**params):
    return _select(
        Inspection,
        InspectionFilterSet,
        "inspections:inspection_list",
        "inspection-list",
        status="submitted",
        inspected_from=lambda f, t: f.isoformat(),
        inspected_to=lambda f, t: t.isoformat(),
        **params,
    )


def hazards(**params):
    return _select(Hazard, HazardFilterSet, "inspections:hazard_list", "hazard-list", **params)


def found(**params):
    return hazards(
        found_from=lambda f, t: f.isoformat(), found_to=lambda f, t: t.isoformat(), **params
    )


def sites(**params):
    return _select(Site, SiteFilterSet, "inspections:site_list", "site-list", **params)


register(
    CountFigure(
        key="inspections.done",
        label="完成检查",
        unit="次",
        definition="检查日期在期间内、已提交的检查次数（各类检查合计）。",
        select=inspections(),
    )
)
register(
    CountFigure(
        key="inspections.hazards_found",
        label="发现隐患",
        unit="项",
        definition="发现日期在期间内的隐患项数（一般隐患和重大隐患）。",
        select=found(),
    )
)
register(
    CountFigure(
        key="inspections.hazards_found_major",
        label="发现重大隐患",
        unit="项",
        definition="发现日期在期间内的重大隐患项数。",
        select=found(severity="major"),
    )
)
register(
    RateFigure(
        key="inspections.rectified_on_time",
        label="隐患按期整改率",
        definition="发现日期在期间内的隐患中，经复查已整改（含已销号）且整改完成日期不晚于整改"
        "期限的比例。",
        numerator=found(on_time="true"),
        denominator=found(),
    )
)
register(
    CountFigure(
        key="inspections.major_open",
        label="重大隐患未销号",
        unit="项",
        definition="期末以前发现、目前仍在整改中或待复查的重大隐患项数。",
        select=hazards(severity="major", open="true", found_to=lambda f, t: t.isoformat()),
    )
)
register(
    CountFigure(
        key="inspections.licences_expiring",
        label="许可证即将到期",
        unit="个",
        definition=f"许可有效、有效期至期末后{LICENCE_WARNING_DAYS}天内（含已过期未换证）的"
        "在营场所个数。",
        select=sites(
            licence_status="valid",
            is_active="true",
            licence_until=lambda f, t: (
                t + datetime.timedelta(days=LICENCE_WARNING_DAYS)
            ).isoformat(),
        ),
    )
)


# --- coverage by kind: one figure per inspection kind, keyed by its code -----------------------


def _coverage_figure(kind: InspectionKind) -> RateFigure:
    subjects = {"kind": kind.pk, "is_active": "true"}
    return RateFigure(
        key=f"inspections.coverage.{kind.code}",
        label=f"{kind.name}覆盖率",
        definition=f"在营的“{kind.name}”检查对象（企业带“{kind.tag_code}”标签的场所）中，期间内"
        "至少有一次已提交的该类检查的比例。",
        numerator=sites(
            **subjects,
            inspected="true",
            inspected_from=lambda f, t: f.isoformat(),
            inspected_to=lambda f, t: t.isoformat(),
        ),
        denominator=sites(**subjects),
    )


def _coverage_members():
    return [_coverage_figure(k) for k in InspectionKind.objects.filter(is_active=True)]


def _coverage_resolve(code: str):
    kind = InspectionKind.objects.filter(code=code).first()
    return _coverage_figure(kind) if kind else None


register_family("inspections.coverage.", members=_coverage_members, resolve=_coverage_resolve)
