from django.utils import timezone

from shangwu.accounts.models import ChangeRequest, User
from shangwu.core.tables import Column, Table


class TimeColumn(Column):
    """A moment in Beijing time, to the minute."""

    def value(self, obj):
        moment = super().value(obj)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


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
        TimeColumn("requested_at"),
        Column("status"),
        Column("decided_by"),
        TimeColumn("decided_at"),
    ]
