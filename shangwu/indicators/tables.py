from shangwu.core.tables import Column, Table
from shangwu.indicators.models import Indicator, IndicatorTarget, IndicatorValue


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
