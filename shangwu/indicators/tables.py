from shangwu.core.tables import Column, Table
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorTargetVersion,
    IndicatorValue,
)


class IndicatorTable(Table):
    model = Indicator
    columns = [
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("parent"),
        Column("unit"),
        Column("source"),
        Column("arrival"),
        Column("decimals"),
        Column("computation"),
        Column("is_active"),
    ]


class IndicatorTargetTable(Table):
    model = IndicatorTarget
    columns = [
        Column("year"),
        Column("indicator"),
        Column("region"),
        Column("value"),
        Column("indicator__unit", "单位"),
        Column("note"),
    ]


class IndicatorValueTable(Table):
    model = IndicatorValue
    columns = [
        Column("month", linkify=True),
        Column("indicator", linkify=True),
        Column("region"),
        Column("month_value"),
        Column("cumulative_value"),
        Column("prev_month_value"),
        Column("prev_cumulative_value"),
        Column("indicator__unit", "单位"),
        Column("source"),
        Column("updated_by"),
        Column("updated_at"),
    ]


class IndicatorTargetProposalTable(Table):
    model = IndicatorTargetProposal
    columns = [
        Column("proposed_at", linkify=True),
        Column("year"),
        Column("indicator"),
        Column("region"),
        Column("current_value"),
        Column("value"),
        Column("reason"),
        Column("proposed_by"),
        Column("status"),
        Column("decided_by"),
        Column("decision_reason"),
    ]


class IndicatorTargetVersionTable(Table):
    model = IndicatorTargetVersion
    columns = [
        Column("year"),
        Column("number"),
        Column("indicator"),
        Column("region"),
        Column("old_value"),
        Column("value"),
        Column("reason"),
        Column("actor"),
        Column("at"),
    ]
