"""The left navigation: one list for the whole platform. An entry shows only when its module
exists and the user may view it."""

from dataclasses import dataclass

from django.urls import reverse

from shangwu.core.access import Access, can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    access: str | None  # None: every signed-in user
    group: str


MENU = [
    NavItem("工作台", "core:dashboard", "speedometer2", None, "工作"),
    NavItem("企业库", "enterprises:enterprise_list", "buildings", Access.BUSINESS, "工作"),
    NavItem("行政区划", "organization:region_list", "map", Access.REFERENCE, "基础配置"),
    NavItem("机构", "organization:orgunit_list", "diagram-3", Access.REFERENCE, "基础配置"),
    NavItem("节假日安排", "workcalendar:arrangement_list", "calendar3", Access.REFERENCE, "基础配置"),
    NavItem("企业标签", "enterprises:tag_list", "tags", Access.REFERENCE, "基础配置"),
    NavItem("用户", "accounts:user_list", "people", Access.ACCOUNTS, "系统管理"),
    NavItem("安全策略", "accounts:policy", "shield-lock", Access.SECURITY, "系统管理"),
    NavItem("审计日志", "audit:auditlog_list", "journal-text", Access.AUDIT, "系统管理"),
    NavItem("API 文档", "api-docs", "code-slash", None, "帮助"),
]


def menu_for(user):
    groups: dict[str, list[dict]] = {}
    for item in MENU:
        if item.access is not None and not can(user, item.access, "view"):
            continue
        groups.setdefault(item.group, []).append(
            {"label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        )
    return list(groups.items())
