from shangwu.audit.models import AuditLog
from shangwu.core.tables import Column, Table


class AuditLogTable(Table):
    model = AuditLog
    columns = [
        Column("at", linkify=True),
        Column("actor_username"),
        Column("actor_name"),
        Column("ip"),
        Column("action"),
        Column("object_type"),
        Column("object_repr"),
        Column("detail"),
        Column("request_id", display=False),
        Column("changes", display=False),
    ]
