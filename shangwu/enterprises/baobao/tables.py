"""Tables of the enterprise service records: the HTML list and the Excel export share columns,
and phone numbers are masked columns in both."""

from shangwu.core.tables import Column, Table
from shangwu.enterprises.choices import AssignmentLevel, AssignmentRole
from shangwu.enterprises.models import Assignment, Contact, Enterprise, Visit


class ChoiceColumn(Column):
    """A column over an annotated choice value (no ``get_FOO_display`` on annotations)."""

    def __init__(self, accessor, verbose_name, *, choices, **kwargs):
        super().__init__(accessor, verbose_name, **kwargs)
        self.labels = dict(choices)

    def value(self, obj):
        raw = super().value(obj)
        return self.labels.get(raw, raw)


class ContactTable(Table):
    model = Contact
    columns = [
        Column("enterprise", linkify=True),
        Column("enterprise__county", "县(市、区)"),
        Column("name"),
        Column("position"),
        Column("mobile", mask=True),
        Column("landline", mask=True),
        Column("email"),
        Column("is_primary"),
    ]


class AssignmentTable(Table):
    model = Assignment
    columns = [
        Column("enterprise", linkify=True),
        Column("enterprise__county", "县(市、区)"),
        Column("enterprise__township", "乡镇(街道)"),
        Column("level"),
        Column("role"),
        Column("official"),
        Column("official__org_unit", "所属单位"),
        Column("start_on"),
        Column("end_on"),
        Column("note", display=False),
    ]


class VisitTable(Table):
    model = Visit
    columns = [
        Column("visited_on", linkify=True),
        Column("enterprise"),
        Column("enterprise__county", "县(市、区)"),
        Column("form"),
        Column("officials"),
        Column("problem_count", "问题数"),
        Column("notes", display=False),
    ]


class MyEnterpriseTable(Table):
    model = Enterprise
    columns = [
        Column("name", linkify=True),
        Column("county"),
        Column("township"),
        ChoiceColumn("my_level", "我的包保层级", choices=AssignmentLevel.choices),
        ChoiceColumn("my_role", "我的角色", choices=AssignmentRole.choices),
        Column("my_since", "包保起始"),
        Column("last_visited_on", "最近走访"),
        Column("pending_problems", "待转办问题"),
    ]


class UncoveredTable(Table):
    model = Enterprise
    columns = [
        Column("name", linkify=True),
        Column("county"),
        Column("township"),
        Column("tags"),
    ]
