"""The project figures: "三个一批" (签约、开工、投产一批) counts and their 总投资 for a period, and
the 实际到位资金 (省外, 境外) and 实际使用外资 of the months in the period.

A project counts in a batch when its milestone date (签约时间, 开工时间, 投产时间) falls in the
period, as the 三个一批 page counts (``selectors.milestone_filter``); its drill-down is the
project list with the same ``<milestone>_from`` / ``<milestone>_to`` pair.
"""

from decimal import Decimal

from django.db.models import F, Sum

from shangwu.core.figures import CountFigure, Selection, SumFigure, region_params, register
from shangwu.projects.choices import BATCH_MILESTONES, Milestone
from shangwu.projects.filtersets import ProjectFilterSet, ProjectFundsFilterSet
from shangwu.projects.models import Project, ProjectFunds
from shangwu.projects.selectors import MILESTONE_PARAM


def projects(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=Project,
            filterset=ProjectFilterSet,
            page="projects:project_list",
            api="project-list",
            params={**params, **region_params(region)},
        )

    return select


register(
    CountFigure(
        key="projects.active",
        label="在库项目数",
        unit="个",
        definition="查询时所处阶段不是终结阶段（落地投产或终止）的项目个数。",
        current=True,
        select=projects(stage_terminal="false"),
    )
)


def batch(milestone: str):
    def select(date_from, date_to, region):
        param = MILESTONE_PARAM[milestone]
        return Selection(
            model=Project,
            filterset=ProjectFilterSet,
            page="projects:project_list",
            api="project-list",
            params={
                f"{param}_from": date_from.isoformat(),
                f"{param}_to": date_to.isoformat(),
                **region_params(region),
            },
        )

    return select


DATE_LABEL = {
    Milestone.SIGNED: "签约时间",
    Milestone.STARTED: "开工时间",
    Milestone.PRODUCING: "投产时间",
}

for _m in BATCH_MILESTONES:
    _name = Milestone(_m).label
    register(
        CountFigure(
            key=f"projects.{_m}",
            label=f"{_name}项目数",
            unit="个",
            definition=f"{DATE_LABEL[_m]}在期间内的项目个数（{_name}一批）。",
            select=batch(_m),
        )
    )
    register(
        SumFigure(
            key=f"projects.{_m}_investment",
            label=f"{_name}项目总投资",
            unit="万元",
            definition=f"{DATE_LABEL[_m]}在期间内的项目（{_name}一批）总投资之和。",
            select=batch(_m),
            amount="total_investment",
        )
    )


def funds(date_from, date_to, region):
    """The monthly 到位资金 rows of the months in the period (a month counts from its first day,
    as ``selectors.funds_totals`` counts)."""
    return Selection(
        model=ProjectFunds,
        filterset=ProjectFundsFilterSet,
        page="projects:funds_list",
        api="projectfunds-list",
        params={
            "month_from": date_from.replace(day=1).isoformat(),
            "month_to": date_to.isoformat(),
            **region_params(region),
        },
    )


for _key, _field, _label, _unit in [
    ("funds_provincial_outside", "provincial_outside", "省外到位资金", "万元"),
    ("funds_overseas", "overseas", "境外到位资金", "万元"),
    ("fdi_usd", "fdi_usd", "实际使用外资", "万美元"),
]:
    register(
        SumFigure(
            key=f"projects.{_key}",
            label=_label,
            unit=_unit,
            definition=f"月份在期间内的项目按月填报的{_label}之和。",
            select=funds,
            amount=_field,
        )
    )
register(
    SumFigure(
        key="projects.funds_total",
        label="实际到位资金",
        unit="万元",
        definition="月份在期间内的项目按月填报的省外到位资金与境外到位资金之和。",
        select=funds,
        amount="provincial_outside",
        aggregate=lambda: Sum(F("provincial_outside") + F("overseas")),
        row_amount=lambda row: (
            Decimal(str(row["provincial_outside"] or 0)) + Decimal(str(row["overseas"] or 0))
        ),
    )
)
