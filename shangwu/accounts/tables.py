from django.urls import reverse
from django.utils.html import format_html

from shangwu.accounts.models import ApiToken, ChangeRequest, User
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


class RevokeColumn(Column):
    """A link to the token's revoke page while it is still usable."""

    def value(self, obj):
        return ""

    def html(self, obj):
        if not obj.is_usable():
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-danger" href="{}">撤销</a>',
            reverse("accounts:apitoken_revoke", args=[obj.pk]),
        )


class ApiTokenTable(Table):
    model = ApiToken
    columns = [
        Column("user__username", "用户名"),
        Column("user__name", "姓名"),
        Column("name"),
        Column("prefix"),
        Column("created_at"),
        Column("expires_at"),
        Column("last_used_at"),
        Column("state", "状态"),
        Column("revoked_reason"),
        RevokeColumn("pk", "操作", export=False),
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
