from django.utils.html import format_html

from shangwu.core.tables import Column, Table, vocabulary_columns
from shangwu.designations.models import (
    Designation,
    DesignationKind,
    ProgrammeFund,
    ProgrammeMilestone,
)
from shangwu.projects.tables import AmountColumn


class DesignationTable(Table):
    model = Designation
    row_fields = None  # ``holder`` and ``place`` read the record and its related rows
    columns = [
        Column("name", linkify=True),
        Column("kind"),
        Column("kind__level", "级别"),
        Column("holder", "认定对象"),
        Column("holder_type", display=False),
        Column("place", "所在地"),
        Column("status"),
        Column("responsible_unit_name", "责任单位"),
        Column("official_name", "责任人", display=False),
        Column("cultivation_on", display=False),
        Column("applied_on", display=False),
        Column("recommended_on", display=False),
        Column("recommend_doc", display=False),
        Column("awarded_on"),
        Column("award_doc", display=False),
        Column("expires_on", display=False),
        Column("next_review_on"),
        Column("last_review_result", display=False),
        Column("ended_on", display=False),
        Column("end_reason", display=False),
    ]


class ProgrammeFundTable(Table):
    model = ProgrammeFund
    columns = [
        Column("designation", linkify=True),
        Column("designation__county", "所在地"),
        Column("year"),
        Column("source"),
        AmountColumn("budget"),
        AmountColumn("allocated"),
        AmountColumn("spent"),
    ]


class MilestoneLightColumn(Column):
    """The cases' light of a milestone (red overdue, yellow within 30 days, green otherwise or
    done), as a badge; the export writes its label."""

    def value(self, obj):
        from shangwu.cases.choices import Light

        return Light(obj.light).label

    def html(self, obj, *, links: bool = True):
        from shangwu.cases.choices import Light
        from shangwu.cases.tables import LIGHT_CLASS

        light = obj.light
        return format_html(
            '<span class="badge text-bg-{}" data-light="{}">{}</span>',
            LIGHT_CLASS[light],
            light,
            Light(light).label,
        )


class ProgrammeMilestoneTable(Table):
    model = ProgrammeMilestone
    row_fields = None  # the light reads the row's own dates
    columns = [
        MilestoneLightColumn("light", "灯"),
        Column("designation", linkify=True),
        Column("designation__county", "所在地"),
        Column("kind"),
        Column("due_on"),
        Column("done_on"),
        Column("result"),
        Column("note"),
    ]


class DesignationKindTable(Table):
    model = DesignationKind
    columns = vocabulary_columns(
        DesignationKind,
        "level",
        "authority",
        "validity_years",
        "review_cycle_years",
        "carries_funds",
    )
