"""Read-side queries of the indicators module: the bulletin (月通报) for a month, the dashboard
panel, and the counts the platform computes itself from the enterprise registry and projects.

The bulletin is built once here and rendered by the page, the .xlsx, the .docx and the API.
Scope: the 月通报 is circulated to every county, so its ranking table carries all counties for
every user who may read business data (a county officer sees where the county stands); the entry
and correction pages, the value list and the values API stay limited to the user's own county
and the city total (``restrict()``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.urls import reverse

from shangwu.core.access import Access, can
from shangwu.indicators import computation as calc
from shangwu.indicators.choices import (
    ABOVE_SCALE_TAGS,
    LARGE_PROJECT_WAN_YUAN,
    Arrival,
    Computation,
    Unit,
)
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetVersion,
    IndicatorValue,
)
from shangwu.organization.choices import RegionLevel
from shangwu.organization.models import Region

CITY_LABEL = "全市"
SCOPE_NOTE = "本通报面向全市各县（市、区）印发，排名表含全部县（市、区）。"


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_label(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def spec_of(indicator: Indicator) -> calc.IndicatorSpec:
    return calc.IndicatorSpec(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        decimals=indicator.decimals,
        higher_is_better=indicator.higher_is_better,
        label=indicator.label,
        computed=indicator.is_computed,
    )


def region_list_bulletin() -> tuple[Region | None, list[Region]]:
    """(the city, its counties in their official order). Regions are reference data."""
    regions = list(
        Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by(
            "sort_order", "code"
        )
    )
    city = next((r for r in regions if r.level == RegionLevel.CITY), None)
    return city, [r for r in regions if r.level == RegionLevel.COUNTY]


def indicator_list_bulletin(*, user):
    return (
        Indicator.objects.restrict(user, "view")
        .filter(is_active=True, in_bulletin=True)
        .select_related("parent")
        .order_by("sort_order", "code")
    )


def value_latest_month(*, user) -> datetime.date | None:
    """The latest month with any data the user may see (the bulletin's default month)."""
    return IndicatorValue.objects.restrict(user, "view").aggregate(m=Max("month"))["m"]


@dataclass
class MonthReport:
    """Who has reported a month: every county against every indicator that has county values
    that month (a county that typed early does not make the month complete)."""

    month: datetime.date
    counties: list[str]
    missing: dict[str, list[str]]  # county name -> labels of the indicators it has not reported

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def reported(self) -> list[str]:
        return [name for name in self.counties if name not in self.missing]

    @property
    def banner(self) -> str:
        """ "11月：8个县区中已报3个，未报：云水县、桃源县（缺：网络零售额）…" """
        if self.complete:
            return ""
        names = []
        for name in self.counties:
            if name not in self.missing:
                continue
            lacking = self.missing[name]
            names.append(name if lacking is None else f"{name}（缺：{'、'.join(lacking)}）")
        return (
            f"{self.month.month}月：{len(self.counties)}个县区中已报{len(self.reported)}个，"
            f"未报：{'、'.join(names)}。"
        )


def _county_reports(**months) -> dict[datetime.date, dict[int, set[int]]]:
    """{month: {county id: the bulletin indicators it reported a value for}} (one query)."""
    rows = (
        IndicatorValue.objects.filter(
            region__level=RegionLevel.COUNTY,
            indicator__is_active=True,
            indicator__in_bulletin=True,
            **months,
        )
        .exclude(month_value=None, cumulative_value=None)
        .values_list("month", "region_id", "indicator_id")
    )
    reports: dict = defaultdict(lambda: defaultdict(set))
    for month, region_id, indicator_id in rows:
        reports[month][region_id].add(indicator_id)
    return reports


def _lacking(reported: dict[int, set[int]], counties) -> dict:
    """{county: the indicators it lacks} for the counties short of what any county reported."""
    required = set().union(*reported.values()) if reported else set()
    lacking = {c: required - reported.get(c.pk, set()) for c in counties}
    return {c: ids for c, ids in lacking.items() if required and ids}


def value_month_report(*, month: datetime.date, counties=None) -> MonthReport:
    """Completeness of ``month`` over all counties (the bulletin ranks them all; ``counties``:
    the bulletin's, when it has read them)."""
    if counties is None:
        _, counties = region_list_bulletin()
    reported = _county_reports(month=month)[month]
    lacking = _lacking(reported, counties)
    required = set().union(*reported.values()) if reported else set()
    # The indicators' names only to say what a county lacks (none lacking: no query).
    order = (
        list(
            Indicator.objects.filter(pk__in=required)
            .order_by("sort_order", "code")
            .values_list("pk", "name")
        )
        if lacking
        else []
    )
    labels = dict(order)
    position = {pk: n for n, (pk, _) in enumerate(order)}
    missing: dict = {}
    for county, ids in lacking.items():
        # A county with nothing at all is simply 未报; a partial one names what it lacks.
        missing[county.name] = (
            None
            if not reported.get(county.pk)
            else [labels[i] for i in sorted(ids, key=position.get)]
        )
    return MonthReport(month=month, counties=[c.name for c in counties], missing=missing)


def value_latest_complete_month(*, user) -> datetime.date | None:
    """The bulletin's default month: the latest month every county has reported in full; the
    latest month with data only when no month is complete yet. (Every month's completeness
    from one query; the 工作台 asks on every visit, so the answer is kept while the stamp of
    what it reads is unchanged: one small query instead.)"""
    if not can(user, Access.BUSINESS, "view"):
        return None
    stamp = _completeness_stamp()
    if stamp in _complete_months:
        month = _complete_months[stamp]
    else:
        month = _latest_complete_month()
        if len(_complete_months) >= 64:
            _complete_months.clear()
        _complete_months[stamp] = month
    return month or value_latest_month(user=user)


# {stamp of the monthly values, the bulletin's indicators and the counties: the latest complete
# month or None}, per process (``value_latest_complete_month``).
_complete_months: dict[tuple, datetime.date | None] = {}


def _completeness_stamp() -> tuple:
    """What the completeness of the months depends on, as one row from one query: the monthly
    values (number, newest id, last change: every write goes through ``save()``), the set of
    active bulletin indicators and the set of counties (sums of their ids and squared ids)."""
    from django.db import connection

    values = IndicatorValue._meta.db_table
    indicators = Indicator._meta.db_table
    regions = Region._meta.db_table
    active = (
        "is_active AND in_bulletin"
        if connection.vendor == "postgresql"
        else ("is_active = 1 AND in_bulletin = 1")
    )
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {values}), (SELECT MAX(id) FROM {values}), "
        f"(SELECT MAX(updated_at) FROM {values}), "
        f"(SELECT SUM(id) FROM {indicators} WHERE {active}), "
        f"(SELECT SUM(id * id) FROM {indicators} WHERE {active}), "
        f"(SELECT SUM(id) FROM {regions} WHERE level = %s), "
        f"(SELECT SUM(id * id) FROM {regions} WHERE level = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [RegionLevel.COUNTY, RegionLevel.COUNTY])
        return tuple(cursor.fetchone())


def _latest_complete_month() -> datetime.date | None:
    months = (
        IndicatorValue.objects.filter(region__level=RegionLevel.COUNTY)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")
    )
    _, counties = region_list_bulletin()
    reports = None
    for month in months:
        if reports is None:
            reports = _county_reports(month__lte=month)
        if not _lacking(reports.get(month, {}), counties):
            return month
    return None


def value_months_available(*, user) -> list[datetime.date]:
    # No ordering: the model's (indicator and region sort orders) would join both tables and
    # make DISTINCT return every row instead of every month.
    qs = (
        IndicatorValue.objects.restrict(user, "view")
        .order_by()
        .values_list("month", flat=True)
        .distinct()
    )
    return sorted(set(qs), reverse=True)


@dataclass
class IndicatorBulletin:
    indicator: Indicator
    spec: calc.IndicatorSpec
    rows: list[calc.BulletinRow]
    paragraph: str
    trend: dict  # {"months": [...], "this_year": [...], "last_year": [...]}
    counties: dict  # {"names": [...], "cumulative": [...], "growth": [...]}
    entered_regions: int = 0
    computed: bool = False

    @property
    def city(self):
        return next((r for r in self.rows if r.is_city), None)

    @property
    def rows_html(self):
        """The table's rows, written in Python (``indicators.bulletin_html``)."""
        from shangwu.indicators.bulletin_html import bulletin_rows_html

        return bulletin_rows_html(self.rows)


@dataclass
class Bulletin:
    month: datetime.date
    label: str
    cumulative_label: str
    time_progress: Decimal
    indicators: list[IndicatorBulletin] = field(default_factory=list)
    scope_note: str = SCOPE_NOTE
    report: MonthReport | None = None
    target_version: str = ""

    @property
    def title(self) -> str:
        return f"{self.month.year}年{self.cumulative_label}全市商务运行主要指标完成情况通报"


def _load(indicators, month: datetime.date):
    """One query each for targets and values: this year and last year up to ``month``."""
    start = datetime.date(month.year - 1, 1, 1)
    values = defaultdict(dict)  # (indicator_id, region_id) -> {month: row}
    for v in (
        IndicatorValue.objects.filter(indicator__in=indicators, month__gte=start, month__lte=month)
        .order_by()  # keyed below: the model's ordering would only join and sort
        .values(
            "indicator_id",
            "region_id",
            "month",
            "month_value",
            "cumulative_value",
            "prev_month_value",
            "prev_cumulative_value",
            "source",
        )
    ):
        values[(v["indicator_id"], v["region_id"])][v["month"]] = v
    targets = {
        (t["indicator_id"], t["region_id"]): t["value"]
        for t in IndicatorTarget.objects.filter(indicator__in=indicators, year=month.year)
        .order_by()
        .values("indicator_id", "region_id", "value")
    }
    return values, targets


def _figures(
    indicator, region, month, values, targets, *, is_city=False, note=""
) -> calc.RegionFigures:
    rows = values.get((indicator.pk, region.pk), {})
    row = rows.get(month)
    name = CITY_LABEL if is_city else region.name
    last_year = rows.get(add_months(month, -12))
    target = targets.get((indicator.pk, region.pk))
    if row is None:
        return calc.RegionFigures(
            code=region.code, name=name, is_city=is_city, target=target, note=note
        )
    prev_month = row["prev_month_value"]
    prev_cum = row["prev_cumulative_value"]
    if prev_month is None and last_year is not None:
        prev_month = last_year["month_value"]
    if prev_cum is None and last_year is not None:
        prev_cum = last_year["cumulative_value"]
    return calc.RegionFigures(
        code=region.code,
        name=name,
        is_city=is_city,
        month_value=row["month_value"],
        cumulative=row["cumulative_value"],
        prev_month_value=prev_month,
        prev_cumulative=prev_cum,
        target=target,
        note=note,
    )


def _sum(values):
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _city_figures(
    indicator, city, counties, month, values, targets, county_figs
) -> calc.RegionFigures:
    own = _figures(indicator, city, month, values, targets, is_city=True)
    if own.cumulative is not None or own.month_value is not None or not indicator.additive:
        return own
    reported = [f for f in county_figs if f.cumulative is not None or f.month_value is not None]
    if not reported:
        return own
    note = "全市为各县（市、区）合计"
    if len(reported) < len(county_figs):
        note += "，部分县（市、区）未报送，合计不完整"
    target = (
        own.target
        if own.target is not None
        else _sum(targets.get((indicator.pk, c.pk)) for c in counties)
    )
    return calc.RegionFigures(
        code=city.code,
        name=CITY_LABEL,
        is_city=True,
        month_value=_sum(f.month_value for f in reported),
        cumulative=_sum(f.cumulative for f in reported),
        prev_month_value=_sum(f.prev_month_value for f in reported),
        prev_cumulative=_sum(f.prev_cumulative for f in reported),
        target=target,
        note=note,
    )


def _month_figures(indicator, city, counties, month, values, targets):
    county_figs = [_figures(indicator, c, month, values, targets) for c in counties]
    figs = list(county_figs)
    if city is not None:
        figs.insert(
            0, _city_figures(indicator, city, counties, month, values, targets, county_figs)
        )
    return figs


def _trend(indicator, city, counties, month, values, targets) -> dict:
    months = list(range(1, 13))
    this_year, last_year = [], []
    for number in months:
        for year, out in ((month.year, this_year), (month.year - 1, last_year)):
            day = datetime.date(year, number, 1)
            if day > month and year == month.year:
                out.append(None)
                continue
            fig = _month_figures(indicator, city, [], day, values, targets)[0] if city else None
            if fig is not None and fig.month_value is None and indicator.additive:
                fig = _month_figures(indicator, city, counties, day, values, targets)[0]
            value = None if fig is None else fig.month_value
            out.append(None if value is None else float(calc.quantize(value, indicator.decimals)))
    return {
        "months": [f"{m}月" for m in months],
        "this_year": this_year,
        "last_year": last_year,
        "this_year_label": f"{month.year}年",
        "last_year_label": f"{month.year - 1}年",
        "unit": indicator.unit,
    }


# The cells of a row that state a registered figure (``indicators.<code>.<kind>``).
ROW_CELLS = {
    "month": "month_value",
    "yoy": "month_growth",
    "ytd": "cumulative",
    "ytd_yoy": "cumulative_growth",
    "target": "target",
    "completion": "completion",
}
CITY_CELLS = ROW_CELLS  # the name the city row's headline kept


def regions_registered(*, user, city, counties) -> list[Region]:
    """The rows of the 月通报 whose cells the registry answers for ``user``: a city user's, the
    city and every county; a county (or township) user's, their own county. The city total and
    the other counties a county officer reads in the published bulletin lie outside what the
    registry answers them (it answers them for their own county): those cells stay the
    bulletin's, not linked."""
    own = user.region
    if own is None:
        return []
    if own.level == RegionLevel.CITY:
        return [r for r in [city, *counties] if r is not None]
    county = own.county or own
    return [c for c in counties if c.pk == county.pk]


def _figures_registered(*, user, indicators, regions, month) -> dict[tuple[int, int], dict]:
    """{(indicator, region): {kind: figure}}: every cell of ``regions``' rows from the figure
    registry, for all of them at once (two queries: the monthly rows and the targets)."""
    from shangwu.indicators.figures import KINDS, IndicatorFigure, indicator_figure

    if not regions or not indicators:
        return {}
    specs = [indicator_figure(i, kind) for i in indicators for kind in KINDS]
    end = add_months(month, 1) - datetime.timedelta(days=1)
    computed = IndicatorFigure.compute_regions(
        specs, user=user, date_from=month, date_to=end, regions=regions
    )
    out: dict[tuple[int, int], dict] = {}
    for region_pk, figures in computed.items():
        for spec, figure in zip(specs, figures, strict=True):
            out.setdefault((spec.indicator.pk, region_pk), {})[spec.kind] = figure
    return out


def _row_from_figures(row: calc.BulletinRow, found: dict, higher_is_better: bool) -> None:
    """The row states the registry's figures (shown to the indicator's decimals, as every cell
    of the bulletin) and links each cell to the rows behind it; a "—" keeps its reason. A
    county that has not reported keeps its 本月未报送 cells, linked to the (empty) month."""
    if not row.missing:
        row.month_value = calc.quantize(found["month"].value, row.decimals)
        row.cumulative = calc.quantize(found["ytd"].value, row.decimals)
        for kind, cell in (("yoy", "month_growth"), ("ytd_yoy", "cumulative_growth")):
            old = getattr(row, cell)
            value = found[kind].value
            setattr(row, cell, calc.Percent(value, "" if value is not None else old.reason))
        value = found["completion"].value
        row.completion = calc.Percent(value, "" if value is not None else row.completion.reason)
        row.ahead = None if value is None else value - row.time_progress
        row.lagging = value is not None and higher_is_better and value < row.time_progress
    row.target = calc.quantize(found["target"].value, row.decimals)
    for kind, cell in ROW_CELLS.items():
        drill = found[kind].drill
        row.links[cell] = drill.get("numerator", drill)["page"]
        row.figure_keys[cell] = found[kind].key


def bulletin_build(*, user, month: datetime.date) -> Bulletin:
    """The whole 月通报 for ``month`` (first day): every indicator's table, paragraph and charts."""
    month = month.replace(day=1)
    bulletin = Bulletin(
        month=month,
        label=month_label(month),
        cumulative_label=calc.cumulative_label(month.month),
        time_progress=calc.time_progress(month.month),
    )
    if not can(user, Access.BUSINESS, "view"):
        return bulletin
    city, counties = region_list_bulletin()
    bulletin.report = value_month_report(month=month, counties=counties)
    bulletin.target_version = target_version_text(year=month.year)
    indicators = list(indicator_list_bulletin(user=user))
    values, targets = _load(indicators, month)
    # The rows the user's scope covers state the registry's figures; the others (a county
    # officer reads every county's) the bulletin's rules over the circulated data.
    linked = regions_registered(user=user, city=city, counties=counties)
    registered = _figures_registered(user=user, indicators=indicators, regions=linked, month=month)
    by_code = {r.code: r.pk for r in linked}
    previous = add_months(month, -1)
    for indicator in indicators:
        spec = spec_of(indicator)
        figs = _month_figures(indicator, city, counties, month, values, targets)
        last = (
            _month_figures(indicator, city, counties, previous, values, targets)
            if month.month > 1
            else None
        )
        rows = calc.region_rows(spec, month.month, figs)
        for row in rows:
            found = registered.get((indicator.pk, by_code.get(row.code)))
            if found is not None and not (row.is_city and row.missing):
                _row_from_figures(row, found, spec.higher_is_better)
        # Ranked by the values the rows state (the figures', where the registry answers).
        calc.rank_rows(spec, month.month, rows, last)
        county_rows = [r for r in rows if not r.is_city]
        bulletin.indicators.append(
            IndicatorBulletin(
                indicator=indicator,
                spec=spec,
                rows=rows,
                paragraph=calc.indicator_paragraph(spec, month.month, rows),
                trend=_trend(indicator, city, counties, month, values, targets),
                counties={
                    "names": [r.name for r in county_rows],
                    "cumulative": [
                        None if r.cumulative is None else float(r.cumulative) for r in county_rows
                    ],
                    "growth": [
                        None
                        if r.cumulative_growth.value is None
                        else float(r.cumulative_growth.value)
                        for r in county_rows
                    ],
                    "unit": indicator.unit,
                },
                computed=indicator.is_computed,
            )
        )
    return bulletin


def indicator_dashboard_panel(*, user) -> dict | None:
    """工作台: the latest month's headline figures for the user's scope (their county, or the
    city): each top-level indicator's 1—本月累计 with its 同比 and the rows behind 落后于时间进度,
    all read from the figure registry (two queries for the indicators' values, not the whole
    月通报)."""
    from shangwu.core import figures as registry
    from shangwu.indicators.figures import indicator_figure

    if not can(user, Access.BUSINESS, "view"):
        return None
    latest = value_latest_complete_month(user=user)
    url = reverse("indicators:bulletin")
    if latest is None:
        return {
            "title": "月通报",
            "icon": "graph-up",
            "figures": [],
            "items": [("暂无指标数据", url)],
        }
    county = user.region.county if user.region is not None else None
    headline = [i for i in indicator_list_bulletin(user=user) if not i.parent_id]
    specs = [indicator_figure(i, kind) for i in headline for kind in ("ytd", "ytd_yoy")]
    end = add_months(latest, 1) - datetime.timedelta(days=1)
    computed = registry.compute_many(
        [*specs, "indicators.lagging", "indicators.proposals_pending"],
        user=user,
        date_from=latest,
        date_to=end,
    )
    cumulative_label = calc.cumulative_label(latest.month)
    figures = [
        registry.panel_cell(
            computed[f"indicators.{i.code}.ytd"],
            label=f"{i.label}（{cumulative_label}）",
            note=computed[f"indicators.{i.code}.ytd_yoy"],
        )
        for i in headline
        if computed[f"indicators.{i.code}.ytd"].count
    ]
    lagging = registry.panel_cell(
        computed["indicators.lagging"],
        label=f"落后于时间进度的{'指标' if county else '县区指标'}",
    )
    title = f"月通报 · {month_label(latest)}" + (f" · {county.name}" if county else "")
    return {
        "title": title,
        "icon": "graph-up",
        "figures": [
            *figures[:6],
            lagging,
            *_proposal_cell(user, computed["indicators.proposals_pending"]),
        ],
        "items": [("查看月通报", f"{url}?month={latest:%Y-%m}")],
    }


def _proposal_cell(user, figure):
    """Pending target proposals (``indicators.proposals_pending``): to decide (city staff with
    the grant) or awaiting the city's decision (county); no cell when there are none."""
    from shangwu.core import figures as registry

    if not figure.count:
        return []
    text = "待审核的目标调整申请" if can(user, Access.BUSINESS, "target") else "目标调整申请审核中"
    return [registry.panel_cell(figure, label=text)]


# --- Counts the platform computes itself (system reads for the compute service) ---------------


def computed_month_counts(*, indicator: Indicator, month: datetime.date) -> dict[int, Decimal]:
    """{county region id: this month's figure} for a computed indicator, in the indicator's unit.

    * 新增限上批零住餐企业: enterprises whose 限上 tag's 纳统 date falls in the month (an
      enterprise with two 限上 tags counts once);
    * 省外到位资金: the projects' monthly 省外资金 (万元 → the indicator's unit);
    * 新签约亿元以上项目: projects signed in the month with 总投资 ≥ 1 亿元.
    """
    end = add_months(month, 1) - datetime.timedelta(days=1)
    if indicator.computation == Computation.NEW_ABOVE_SCALE:
        from shangwu.enterprises.models import EnterpriseTag

        rows = (
            EnterpriseTag.objects.filter(
                tag__code__in=ABOVE_SCALE_TAGS, since__gte=month, since__lte=end
            )
            .values("enterprise__county_id")
            .annotate(n=Count("enterprise_id", distinct=True))
        )
        return {r["enterprise__county_id"]: Decimal(r["n"]) for r in rows}
    try:
        from shangwu.projects.models import Project, ProjectFunds
    except ImportError:  # the projects module is not installed: nothing to count
        return {}
    if indicator.computation == Computation.PROVINCIAL_FUNDS:
        rows = (
            ProjectFunds.objects.filter(month=month)
            .values("project__county_id")
            .annotate(total=Sum("provincial_outside"))
        )
        factor = Decimal(10000) if indicator.unit == Unit.YI_YUAN else Decimal(1)
        return {r["project__county_id"]: (r["total"] or Decimal(0)) / factor for r in rows}
    if indicator.computation == Computation.SIGNED_LARGE_PROJECTS:
        rows = (
            Project.objects.filter(
                signed_on__gte=month,
                signed_on__lte=end,
                total_investment__gte=LARGE_PROJECT_WAN_YUAN,
            )
            .values("county_id")
            .annotate(n=Count("id"))
        )
        return {r["county_id"]: Decimal(r["n"]) for r in rows}
    return {}


def value_list_for_entry(*, user, month: datetime.date):
    """The user's own rows for a month (entry page): county users their county and the city."""
    return (
        IndicatorValue.objects.restrict(user, "view")
        .filter(month=month)
        .select_related("indicator", "region", "updated_by")
    )


def target_version_current(*, year: int) -> IndicatorTargetVersion | None:
    """The version of ``year``'s targets in force: the latest one written."""
    return (
        IndicatorTargetVersion.objects.filter(year=year)
        .select_related("actor")
        .order_by("-number")
        .first()
    )


def target_version_text(*, year: int) -> str:
    """ "2026年第3版（2026-03-02，王科长：批准河东区……）" — printed on the bulletin."""
    version = target_version_current(year=year)
    return version.label if version else f"{year}年尚未下达目标"


def target_list_year(*, user, year: int):
    return (
        IndicatorTarget.objects.restrict(user, "view")
        .filter(year=year)
        .select_related("indicator", "region")
        .order_by("indicator__sort_order", "region__sort_order")
    )


def target_mismatches(*, year: int) -> list[str]:
    """任务分解 check: county targets that do not add up to the city's, one message per indicator."""
    city, counties = region_list_bulletin()
    if city is None:
        return []
    messages = []
    rows = IndicatorTarget.objects.filter(year=year).values("indicator_id", "region_id", "value")
    by_indicator = defaultdict(dict)
    for r in rows:
        by_indicator[r["indicator_id"]][r["region_id"]] = r["value"]
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=by_indicator, additive=True)}
    for pk, indicator in sorted(indicators.items(), key=lambda kv: kv[1].sort_order):
        values = by_indicator[pk]
        if city.pk not in values:
            continue
        county_sum = sum((values[c.pk] for c in counties if c.pk in values), Decimal(0))
        missing = [c.name for c in counties if c.pk not in values]
        d = indicator.decimals
        if calc.quantize(county_sum, d) != calc.quantize(values[city.pk], d) or missing:
            text = (
                f"{indicator.name}：各县（市、区）目标合计{calc.fmt(county_sum, d)}{indicator.unit}，"
                f"全市目标{calc.fmt(values[city.pk], d)}{indicator.unit}"
            )
            if missing:
                text += f"；{'、'.join(missing)}未分解"
            messages.append(text + "。")
    return messages


# --- Grid entry ---------------------------------------------------------------------------------


@dataclass
class GridRow:
    """One cell row of the entry grid: an indicator × region, with what is beside the cell."""

    indicator: Indicator
    region: Region
    field: str  # the figure that arrives (month_value or cumulative_value)
    prev_field: str  # its same period last year
    value: Decimal | None = None  # saved this month
    prev: Decimal | None = None  # saved same period last year
    last_year: Decimal | None = None  # last year's same month (shown beside the cell)
    last_month: Decimal | None = None  # last month (shown beside the cell)
    base_cumulative: Decimal | None = None  # last month's 累计 (0 in January), to derive
    derived: Decimal | None = None  # saved counterpart (累计 for monthly indicators)

    @property
    def key(self) -> str:
        return f"{self.indicator.pk}-{self.region.pk}"

    @property
    def label(self) -> str:
        return f"{self.region.name}·{self.indicator.name}"

    @property
    def monthly(self) -> bool:
        return self.field == "month_value"


def value_grid_rows(*, user, month: datetime.date, indicators, regions) -> list[GridRow]:
    """The grid of ``month``: one row per indicator × region (the caller passes the writable
    ones), with last year's same month and last month read in one query."""
    months = [month, add_months(month, -1), add_months(month, -12)]
    stored = {
        (v.indicator_id, v.region_id, v.month): v
        for v in IndicatorValue.objects.restrict(user, "view").filter(
            indicator__in=indicators, region__in=regions, month__in=months
        )
    }
    rows = []
    for indicator in indicators:
        for region in regions:
            monthly = indicator.arrival == Arrival.MONTH
            field = "month_value" if monthly else "cumulative_value"
            prev_field = "prev_month_value" if monthly else "prev_cumulative_value"
            other = "cumulative_value" if monthly else "month_value"
            now = stored.get((indicator.pk, region.pk, months[0]))
            before = stored.get((indicator.pk, region.pk, months[1]))
            year_ago = stored.get((indicator.pk, region.pk, months[2]))
            last_year = getattr(year_ago, field) if year_ago is not None else None
            if last_year is None and now is not None:
                last_year = getattr(now, prev_field)
            rows.append(
                GridRow(
                    indicator=indicator,
                    region=region,
                    field=field,
                    prev_field=prev_field,
                    value=getattr(now, field) if now is not None else None,
                    prev=getattr(now, prev_field) if now is not None else None,
                    last_year=last_year,
                    last_month=getattr(before, field) if before is not None else None,
                    base_cumulative=Decimal(0)
                    if month.month == 1
                    else (before.cumulative_value if before is not None else None),
                    derived=getattr(now, other) if now is not None else None,
                )
            )
    return rows
