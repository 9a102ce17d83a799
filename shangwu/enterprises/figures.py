"""The enterprise figures: the registry's counts (by tag, 重点企业, 包保 coverage) and the visits.

Counts of enterprises are states at the moment of the query (存续 enterprises only); visits are
counted by their 走访日期 within the period. Tags are known by ``Tag.code``, never their name.
"""

from django.db.models import Count

from shangwu.core.figures import (
    CountFigure,
    RateFigure,
    Selection,
    SumFigure,
    region_params,
    register,
    register_family,
)
from shangwu.enterprises.baobao.filtersets import VisitFilterSet
from shangwu.enterprises.choices import AssignmentLevel, EnterpriseStatus
from shangwu.enterprises.filtersets import EnterpriseFilterSet
from shangwu.enterprises.models import Enterprise, Tag, Visit

ACTIVE = EnterpriseStatus.ACTIVE


def enterprises(**params):
    def select(date_from, date_to, region):
        return Selection(
            model=Enterprise,
            filterset=EnterpriseFilterSet,
            page="enterprises:enterprise_list",
            api="enterprise-list",
            params={"status": ACTIVE, **params, **region_params(region)},
        )

    return select


def visits(date_from, date_to, region):
    return Selection(
        model=Visit,
        filterset=VisitFilterSet,
        page="enterprises:visit_list",
        api="visit-list",
        params={
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            **region_params(region),
        },
    )


register(
    CountFigure(
        key="enterprises.active",
        label="存续企业数",
        unit="家",
        definition="查询时状态为存续的企业家数。",
        current=True,
        select=enterprises(),
    )
)
register(
    CountFigure(
        key="enterprises.key",
        label="重点企业数",
        unit="家",
        definition="查询时状态为存续、标为重点企业的企业家数。",
        current=True,
        select=enterprises(is_key="true"),
    )
)

for level, name in AssignmentLevel.choices:
    register(
        CountFigure(
            key=f"enterprises.covered.{level}",
            label=f"{name}包保企业数",
            unit="家",
            definition=f"查询时状态为存续、当天有有效{name}包保人员的企业家数。",
            current=True,
            select=enterprises(covered="yes", covered_level=level),
        )
    )
    register(
        RateFigure(
            key=f"enterprises.key_coverage.{level}",
            label=f"重点企业{name}包保覆盖率",
            definition=f"查询时存续的重点企业中，当天有有效{name}包保人员的企业所占百分比。",
            current=True,
            numerator=enterprises(is_key="true", covered="yes", covered_level=level),
            denominator=enterprises(is_key="true"),
        )
    )

register(
    CountFigure(
        key="enterprises.visits",
        label="走访次数",
        unit="次",
        definition="走访日期在期间内的走访（含电话、座谈等形式）次数。",
        select=visits,
    )
)
register(
    SumFigure(
        key="enterprises.visit_problems",
        label="走访收集问题数",
        unit="条",
        definition="走访日期在期间内的走访所收集的问题条数。",
        select=visits,
        amount="problems",
        aggregate=lambda: Count("problems"),
        row_amount=lambda row: len(row["problems"]),
    )
)


# --- one figure per tag, keyed by the tag's code ------------------------------------------------


def _tag_figure(tag: Tag) -> CountFigure:
    return CountFigure(
        key=f"enterprises.tag.{tag.code}",
        label=f"“{tag.name}”企业数",
        unit="家",
        definition=f"查询时状态为存续、带有“{tag.name}”标签（代码 {tag.code}）的企业家数。",
        current=True,
        select=enterprises(tag=tag.pk),
    )


def _tag_members():
    return [_tag_figure(tag) for tag in Tag.objects.order_by("sort_order", "name")]


def _tag_resolve(code: str):
    tag = Tag.objects.filter(code=code).first()
    return _tag_figure(tag) if tag else None


register_family("enterprises.tag.", members=_tag_members, resolve=_tag_resolve)
