from shangwu.accounts.models import User
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
