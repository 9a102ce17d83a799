"""The figures of designations (keys ``designations.``): current designations (by kind, level
and county: the region narrows), newly awarded and recommended in a period, programme funds and
milestones on time.

*Current* is computed against the period's last day (``current_on``): awarded by then, not
撤销/摘牌/到期 by then, and not past its expiry date. Every figure's drill-down is the list with
the same filters, so a figure and its list cannot disagree.
"""

from shangwu.core.figures import (
    CountFigure,
    RateFigure,
    Selection,
    SumFigure,
    region_params,
    register,
    register_family,
)
from shangwu.designations.choices import DesignationLevel, FundSource
from shangwu.designations.filtersets import (
    DesignationFilterSet,
    ProgrammeFundFilterSet,
    ProgrammeMilestoneFilterSet,
)
from shangwu.designations.models import (
    Designation,
    DesignationKind,
    ProgrammeFund,
    ProgrammeMilestone,
)


def designations(**params):
    def select(date_from, date_to, region):
        values = {
            key: (value(date_from, date_to) if callable(value) else value)
            for key, value in params.items()
        }
        return Selection(
            model=Designation,
            filterset=DesignationFilterSet,
            page="designations:designation_list",
            api="designation-list",
            params={**values, **region_params(region)},
        )

    return select


def current(**params):
    return designations(current_on=lambda f, t: t.isoformat(), **params)


def _period(prefix):
    return {
        f"{prefix}_from": lambda f, t: f.isoformat(),
        f"{prefix}_to": lambda f, t: t.isoformat(),
    }


CURRENT = "期末当前有效（已认定，未撤销、摘牌、到期，且未过有效期）的"

register(
    CountFigure(
        key="designations.current",
        label="当前有效荣誉认定",
        unit="个",
        definition=f"{CURRENT}荣誉认定和示范创建个数。",
        select=current(),
    )
)
for _level in DesignationLevel:
    register(
        CountFigure(
            key=f"designations.current_{_level.value}",
            label=f"当前有效{_level.label}荣誉认定",
            unit="个",
            definition=f"{CURRENT}{_level.label}荣誉认定个数。",
            select=current(level=_level.value),
        )
    )
register(
    CountFigure(
        key="designations.awarded",
        label="新获认定",
        unit="个",
        definition="认定日期在期间内的荣誉认定和示范创建个数（含其后撤销、摘牌的）。",
        select=designations(**_period("awarded")),
    )
)
for _level in DesignationLevel:
    register(
        CountFigure(
            key=f"designations.awarded_{_level.value}",
            label=f"新获{_level.label}认定",
            unit="个",
            definition=f"认定日期在期间内的{_level.label}荣誉认定个数。",
            select=designations(level=_level.value, **_period("awarded")),
        )
    )
register(
    CountFigure(
        key="designations.recommended",
        label="推荐申报",
        unit="个",
        definition="推荐日期在期间内（县、市向上推荐）的荣誉认定个数。",
        select=designations(**_period("recommended")),
    )
)


def funds(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=ProgrammeFund,
            filterset=ProgrammeFundFilterSet,
            page="designations:programmefund_list",
            api="programmefund-list",
            params={
                "year_from": date_from.year,
                "year_to": date_to.year,
                **params,
                **region_params(region),
            },
        )

    return select


for _field, _label in [("budget", "预算"), ("allocated", "已下达"), ("spent", "已支出")]:
    register(
        SumFigure(
            key=f"designations.funds_{_field}",
            label=f"创建资金{_label}",
            unit="万元",
            definition=f"年度在期间内的示范创建项目资金{_label}之和（各来源合计）。",
            select=funds(),
            amount=_field,
        )
    )
for _source in (FundSource.CENTRAL, FundSource.PROVINCIAL):
    register(
        SumFigure(
            key=f"designations.funds_allocated_{_source.value}",
            label=f"{_source.label}已下达",
            unit="万元",
            definition=f"年度在期间内的示范创建项目{_source.label}已下达之和。",
            select=funds(source=_source.value),
            amount="allocated",
        )
    )


def milestones(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=ProgrammeMilestone,
            filterset=ProgrammeMilestoneFilterSet,
            page="designations:programmemilestone_list",
            api="programmemilestone-list",
            params={
                "due_from": date_from.isoformat(),
                "due_to": date_to.isoformat(),
                **params,
                **region_params(region),
            },
        )

    return select


register(
    RateFigure(
        key="designations.milestones_on_time",
        label="创建节点按期完成率",
        definition="计划完成日期在期间内的示范创建节点（实施方案、中期评估、验收）中，"
        "在计划日期当天或之前完成的比例。",
        numerator=milestones(on_time="true"),
        denominator=milestones(),
    )
)


# --- one figure per kind, keyed by the kind's code ---------------------------------------------


def _kind_figure(kind: DesignationKind) -> CountFigure:
    return CountFigure(
        key=f"designations.current.kind.{kind.code}",
        label=f"当前有效{kind.name}",
        unit="个",
        definition=f"{CURRENT}“{kind.name}”（代码 {kind.code}）个数。",
        select=current(kind=kind.pk),
    )


def _kind_members():
    return [_kind_figure(k) for k in DesignationKind.objects.order_by("sort_order", "name")]


def _kind_resolve(code: str):
    kind = DesignationKind.objects.filter(code=code).first()
    return _kind_figure(kind) if kind else None


register_family("designations.current.kind.", members=_kind_members, resolve=_kind_resolve)
