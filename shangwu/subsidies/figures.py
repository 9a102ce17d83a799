"""The figures of the subsidy programmes (keys ``subsidies.``): applications accepted and
approved, subsidy paid and sales driven (万元), units (台/辆) by category, average working days
from 受理 to 拨付, and the applications overdue now.

An application counts in a period by its 受理日期 (applications, approved) or by its 拨付日期
(paid, subsidy, sales, units, working days): every figure's drill-down is the application list
with exactly those filters, so a figure and its list cannot disagree. Money is kept per
application in 元 and stated in 万元 (``per=10000``: the total divided once). Breakdowns by
category (``category``), county (``county``) and month (the selection's date) come from
``core.figures.breakdown`` over the same selections.
"""

from shangwu.core.figures import (
    AverageFigure,
    CountFigure,
    Selection,
    SumFigure,
    region_params,
    register,
)
from shangwu.subsidies.choices import ProductCategory, unit_of
from shangwu.subsidies.filtersets import SubsidyApplicationFilterSet
from shangwu.subsidies.models import SubsidyApplication


def applications(*, by: str = "accepted", **params):
    """Applications whose 受理日期 (``by="accepted"``) or 拨付日期 (``"paid"``) is in the
    period, with ``params``."""

    def select(date_from, date_to, region):
        return Selection(
            model=SubsidyApplication,
            filterset=SubsidyApplicationFilterSet,
            page="subsidies:subsidyapplication_list",
            api="subsidyapplication-list",
            params={
                f"{by}_from": date_from.isoformat(),
                f"{by}_to": date_to.isoformat(),
                **params,
                **region_params(region),
            },
            period_field=f"{by}_on",
        )

    return select


def current(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=SubsidyApplication,
            filterset=SubsidyApplicationFilterSet,
            page="subsidies:subsidyapplication_list",
            api="subsidyapplication-list",
            params={**params, **region_params(region)},
            period_field="accepted_on",
        )

    return select


ACCEPTED = "受理日期在期间内的"
PAID = "拨付日期在期间内（已拨付）的"


def _yuan(field):
    return lambda row: row[field]


def specs(**params) -> list:
    """The figures, narrowed by ``params`` (a programme's page: ``programme=<pk>``); the
    registered ones have none."""
    suffix = "（本项目）" if params else ""
    out = [
        CountFigure(
            key="subsidies.applications",
            label="受理申请",
            unit="件",
            definition=f"{ACCEPTED}补贴申请件数{suffix}。",
            select=applications(**params),
        ),
        CountFigure(
            key="subsidies.approved",
            label="审核通过",
            unit="件",
            definition=f"{ACCEPTED}补贴申请中已审核通过（含已拨付）的件数{suffix}。",
            select=applications(approved="true", **params),
        ),
        CountFigure(
            key="subsidies.rejected",
            label="驳回",
            unit="件",
            definition=f"{ACCEPTED}补贴申请中被驳回的件数{suffix}。",
            select=applications(status="rejected", **params),
        ),
        CountFigure(
            key="subsidies.paid",
            label="已拨付申请",
            unit="件",
            definition=f"{PAID}补贴申请件数{suffix}。",
            select=applications(by="paid", **params),
        ),
        SumFigure(
            key="subsidies.subsidy_paid",
            label="拨付补贴资金",
            unit="万元",
            definition=f"{PAID}补贴申请的补贴金额之和（元折合万元）{suffix}。",
            select=applications(by="paid", **params),
            amount="subsidy_amount",
            row_amount=_yuan("subsidy_amount"),
            per=10000,
        ),
        SumFigure(
            key="subsidies.sales",
            label="带动销售",
            unit="万元",
            definition=f"{PAID}补贴申请的销售金额之和（元折合万元）{suffix}。",
            select=applications(by="paid", **params),
            amount="sale_amount",
            row_amount=_yuan("sale_amount"),
            per=10000,
        ),
        SumFigure(
            key="subsidies.units",
            label="补贴产品数量",
            unit="件",
            definition=f"{PAID}补贴申请的产品数量之和（台、辆合计）{suffix}。",
            select=applications(by="paid", **params),
            amount="units",
        ),
        AverageFigure(
            key="subsidies.avg_workdays_to_pay",
            label="平均拨付工作日",
            unit="个工作日",
            definition=f"{PAID}补贴申请从受理到拨付的工作日数之和除以件数{suffix}。",
            select=applications(by="paid", **params),
            amount="workdays_to_pay",
            row_amount=lambda row: row["workdays_to_pay"] or 0,
        ),
        CountFigure(
            key="subsidies.overdue",
            label="超期未拨付",
            unit="件",
            definition=f"查询时尚未拨付、未驳回且已超过承诺拨付期限（红灯）的补贴申请件数{suffix}。",
            select=current(light="red", **params),
            current=True,
        ),
    ]
    for category in ProductCategory:
        unit = unit_of(category)
        out.append(
            SumFigure(
                key=f"subsidies.units.{category.value}",
                label=f"补贴{category.label}",
                unit=unit,
                definition=f"{PAID}{category.label}补贴申请的数量之和（{unit}）{suffix}。",
                select=applications(by="paid", category=category.value, **params),
                amount="units",
            )
        )
    return out


for _spec in specs():
    register(_spec)

# What the programme page breaks down by category, county and month.
BREAKDOWN_KEYS = (
    "subsidies.applications",
    "subsidies.approved",
    "subsidies.paid",
    "subsidies.subsidy_paid",
    "subsidies.sales",
    "subsidies.units",
)
