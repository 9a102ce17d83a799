from shangwu.core.tables import Column, Table, vocabulary_columns
from shangwu.enterprises.models import Enterprise, Tag


class EnterpriseTable(Table):
    model = Enterprise
    columns = [
        Column("name", linkify=True),
        Column("credit_code"),
        Column("county"),
        Column("township"),
        Column("industry_section"),
        Column("ownership"),
        Column("status"),
        Column("is_key"),
        Column("tags"),
        Column("legal_representative", display=False),
        Column("address", display=False),
    ]


class TagTable(Table):
    model = Tag
    columns = vocabulary_columns(Tag, "needs_date")
