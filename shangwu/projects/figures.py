"""The project figures: "三个一批" (签约、开工、投产一批) counts and their 总投资 for a period.

A project counts in a batch when its milestone date (签约时间, 开工时间, 投产时间) falls in the
period, as the 三个一批 page counts (``selectors.milestone_filter``); its drill-down is the
project list with the same ``<milestone>_from`` / ``<milestone>_to`` pair.
"""

from shangwu.core.figures import CountFigure, Selection, SumFigure, region_params, register
from shangwu.projects.choices import BATCH_MILESTONES, Milestone
from shangwu.projects.filtersets import ProjectFilterSet
from shangwu.projects.models import Project
from shangwu.projects.selectors import MILESTONE_PARAM


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


DATE_LABEL = {Milestone.SIGNED: "签约时间", Milestone.STARTED: "开工时间", Milestone.PRODUCING: "投产时间"}

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
