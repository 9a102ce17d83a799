from shangwu.accounts.models import ChangeRequest, User
from shangwu.core.tables import Column, Table


class UserTable(Table):
    model = User
    columns = [
        Column("username", linkify=True),
        Column("name"),
        Column("role"),
        Column("org_unit"),
        Column("mobile", mask=True),
        Column("is_active", "启用"),
        Column("last_login", "最近登录"),
        Column("is_locked", "锁定"),
    ]


class ChangeRequestTable(Table):
    model = ChangeRequest
    columns = [
        Column("pk", "编号", linkify=True),
        Column("kind"),
        Column("target_repr"),
        Column("changes_text", "变更内容"),
        Column("requester"),
        Column("requested_at"),
        Column("status"),
        Column("decided_by"),
        Column("decided_at"),
    ]
