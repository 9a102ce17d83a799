""" "三个一批" (签约一批、开工一批、投产一批): the period overview with figures by county and by 产业链,
money in place, the funnel and the quarterly trend, and the ledger (台账) download."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from shangwu.core import views as generic
from shangwu.core.exports import download
from shangwu.core.periods import QUARTER, YEAR, Period
from shangwu.core.services import issuing_organ
from shangwu.projects import filtersets, forms, selectors, tables
from shangwu.projects.choices import BATCH_MILESTONES, Milestone
from shangwu.projects.ledger import ledger_xlsx
from shangwu.projects.models import Project, ProjectFunds


def period_from(params) -> tuple[Period, forms.PeriodForm]:
    """The period asked for in ``params`` (kind, year, number); this quarter by default."""
    today = timezone.localdate()
    form = forms.PeriodForm(params or None)
    kind, year, number = QUARTER, today.year, Period.containing(QUARTER, today).number
    if params and form.is_valid():
        kind = form.cleaned_data["kind"]
        year = form.cleaned_data.get("year") or today.year
        default = (
            Period.containing(kind, today).number
            if year == today.year
            else (4 if kind == QUARTER else 12)
        )
        number = 1 if kind == YEAR else (form.cleaned_data.get("number") or default)
    elif params:
        form = forms.PeriodForm(None)
    period = Period(kind, year, number)
    if not params:
        form = forms.PeriodForm(initial={"kind": kind, "year": year, "number": number})
    return period, form


class ThreeBatchesView(generic.BaseObjectView):
    queryset = Project.objects.all()
    template_name = "projects/three_batches.html"

    def get(self, request):
        user = request.user
        period, form = period_from(request.GET)
        summary = selectors.three_batches(user=user, period=period)
        year_start = period.start.replace(month=1, day=1)
        funds = selectors.funds_totals(user=user, start=period.start, end=period.end)
        funds_ytd = selectors.funds_totals(user=user, start=year_start, end=period.end)
        quarter = Period.containing(QUARTER, period.end)
        charts = {
            "funnel": selectors.funnel(user=user, period=period),
            "trend": selectors.quarterly_trend(user=user, end=quarter, count=8),
            "period": period.label,
        }
        lists = {
            m: selectors.project_list_in_batch(user=user, milestone=m, period=period).order_by(
                "county__sort_order", "code"
            )[:20]
            for m in BATCH_MILESTONES
        }
        return render(
            request,
            self.template_name,
            self.base_context(
                title="“三个一批”",
                period=period,
                form=form,
                summary=summary,
                funds=funds,
                funds_ytd=funds_ytd,
                charts=charts,
                previous=period.shift(-1),
                following=period.shift(1),
                lists=[
                    (
                        Milestone(m).label,
                        m,
                        lists[m],
                        next(c for c in summary["total"] if c["milestone"] == m),
                    )
                    for m in BATCH_MILESTONES
                ],
                query=request.GET.urlencode(),
            ),
        )


class LedgerExportView(generic.BaseObjectView):
    """The ledger (台账) workbook of the period (``?milestone=`` for one batch only)."""

    queryset = Project.objects.all()
    action = "export"

    def get(self, request):
        period, _ = period_from(request.GET)
        milestone = request.GET.get("milestone")
        milestones = [milestone] if milestone in BATCH_MILESTONES else BATCH_MILESTONES
        content, _count = ledger_xlsx(
            user=request.user,
            period=period,
            milestones=milestones,
            organ_name=issuing_organ(user=request.user),
        )
        name = (
            "、".join(Milestone(m).label for m in milestones)
            if len(milestones) == 1
            else "三个一批"
        )
        return download(content, f"{period.label}{name}项目台账.xlsx")


class ProjectFundsListView(generic.ObjectListView):
    """Monthly 到位资金 rows: the drill-down of the funds figures (core.figures)."""

    queryset = ProjectFunds.objects.select_related("project__county").order_by(
        "-month", "project_id"
    )
    filterset = filtersets.ProjectFundsFilterSet
    table = tables.ProjectFundsTable
