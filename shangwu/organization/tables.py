from shangwu.core.tables import Column, Table
from shangwu.organization.models import OrgUnit, Region


class RegionTable(Table):
    model = Region
    columns = [
        Column("code", linkify=True),
        Column("name", linkify=True),
        Column("level"),
        Column("parent"),
    ]


class OrgUnitTable(Table):
    model = OrgUnit
    columns = [
        Column("name", linkify=True),
        Column("short_name"),
        Column("kind"),
        Column("region"),
        Column("is_active"),
    ]
