from decimal import Decimal

from django.utils.html import format_html

from shangwu.core.tables import Column, Table, vocabulary_columns
from shangwu.projects.models import IndustryChain, Project, ProjectFunds, Stage


class AmountColumn(Column):
    """Money: a number in the export (not text), two decimals on the page."""

    def value(self, obj):
        value = super().value(obj)
        return float(value) if isinstance(value, Decimal) else value

    def html(self, obj):
        value = self.value(obj)
        return (
            format_html("{}", f"{value:,.2f}")
            if isinstance(value, float)
            else format_html("{}", value)
        )


class ProjectTable(Table):
    model = Project
    columns = [
        Column("name", linkify=True),
        Column("code"),
        Column("investor_name"),
        AmountColumn("total_investment"),
        Column("stage"),
        Column("county"),
        Column("chain"),
        Column("signed_on"),
        Column("started_on"),
        Column("producing_on"),
        Column("is_key"),
        Column("investor_type", display=False),
        Column("origin_display", "资金来源地", display=False),
        AmountColumn("contract_fdi", display=False),
        Column("township", display=False),
        Column("site", display=False),
        Column("is_manufacturing", display=False),
        Column("is_foreign", display=False),
        Column("is_fortune500", display=False),
        Column("ledger_display", "纳入省台账", display=False),
        Column("registered_on", display=False),
        Column("terminated_on", display=False),
        Column("termination_reason", display=False),
    ]


class StageTable(Table):
    model = Stage
    columns = vocabulary_columns(Stage, "milestone", "is_terminal")


class IndustryChainTable(Table):
    model = IndustryChain
    columns = vocabulary_columns(IndustryChain)


class ProjectFundsTable(Table):
    model = ProjectFunds
    columns = [
        Column("project", linkify=True),
        Column("month"),
        AmountColumn("provincial_outside"),
        AmountColumn("overseas"),
        AmountColumn("fixed_asset"),
        AmountColumn("working_capital"),
        AmountColumn("fdi_usd"),
        Column("project__county", "县(市、区)"),
    ]
