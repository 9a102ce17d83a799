"""The left navigation: one list for the whole platform. An entry shows only when its module
exists and the user may view it."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

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
    NavItem("我的包保企业", "enterprises:my_enterprises", "person-check", Access.BUSINESS, "工作"),
    NavItem("走访记录", "enterprises:visit_list", "signpost-split", Access.BUSINESS, "工作"),
    NavItem("包保覆盖", "enterprises:coverage", "pie-chart", Access.BUSINESS, "工作"),
    NavItem("诉求办理", "cases:case_list", "inboxes", Access.BUSINESS, "工作"),
    NavItem("督办", "cases:supervision_list", "flag", Access.BUSINESS, "工作"),
    NavItem("办理统计", "cases:statistics", "bar-chart", Access.BUSINESS, "工作"),
    NavItem("招商项目", "projects:project_list", "briefcase", Access.BUSINESS, "工作"),
    NavItem("三个一批", "projects:three_batches", "collection", Access.BUSINESS, "工作"),
    NavItem("月通报", "indicators:bulletin", "graph-up", Access.BUSINESS, "工作"),
    NavItem("指标数据", "indicators:value_list", "table", Access.BUSINESS, "工作"),
    NavItem("重点任务", "tasks:plan_list", "list-check", Access.BUSINESS, "工作"),
    NavItem("督办通报", "tasks:report", "megaphone", Access.BUSINESS, "工作"),
    NavItem("促消费活动", "promotion:event_list", "shop", Access.BUSINESS, "工作"),
    NavItem("我的活动", "promotion:event_mine", "person-workspace", Access.BUSINESS, "工作"),
    NavItem("消费券", "vouchers:campaign_list", "ticket-perforated", Access.BUSINESS, "工作"),
    NavItem(
        "以旧换新补贴", "subsidies:subsidyapplication_list", "arrow-repeat", Access.BUSINESS, "工作"
    ),
    NavItem("补贴项目", "subsidies:subsidyprogramme_list", "cash-coin", Access.BUSINESS, "工作"),
    NavItem("荣誉认定", "designations:designation_list", "award", Access.BUSINESS, "工作"),
    NavItem("检查计划", "inspections:plan_list", "clipboard-check", Access.BUSINESS, "工作"),
    NavItem("检查记录", "inspections:inspection_list", "search", Access.BUSINESS, "工作"),
    NavItem("检查对象", "inspections:site_list", "fuel-pump", Access.BUSINESS, "工作"),
    NavItem("执法人员", "inspections:inspector_list", "person-badge", Access.BUSINESS, "工作"),
    NavItem("隐患整改", "inspections:hazard_list", "exclamation-triangle", Access.BUSINESS, "工作"),
    NavItem("检查覆盖率", "inspections:coverage", "pie-chart", Access.BUSINESS, "工作"),
    NavItem("行政区划", "organization:region_list", "map", Access.REFERENCE, "基础配置"),
    NavItem("机构", "organization:orgunit_list", "diagram-3", Access.REFERENCE, "基础配置"),
    NavItem(
        "节假日安排", "workcalendar:arrangement_list", "calendar3", Access.REFERENCE, "基础配置"
    ),
    NavItem("企业标签", "enterprises:tag_list", "tags", Access.REFERENCE, "基础配置"),
    NavItem("时限规则", "cases:ruleset_list", "hourglass-split", Access.REFERENCE, "基础配置"),
    NavItem("诉求类别", "cases:category_list", "bookmarks", Access.REFERENCE, "基础配置"),
    NavItem("案件类别对应", "cases:categorymapping_list", "shuffle", Access.REFERENCE, "基础配置"),
    NavItem("项目阶段", "projects:stage_list", "signpost-split", Access.REFERENCE, "基础配置"),
    NavItem("产业链", "projects:chain_list", "link-45deg", Access.REFERENCE, "基础配置"),
    NavItem("活动类型", "promotion:kind_list", "bookmark-star", Access.REFERENCE, "基础配置"),
    NavItem("荣誉/示范类型", "designations:kind_list", "patch-check", Access.REFERENCE, "基础配置"),
    NavItem("检查类型", "inspections:kind_list", "ui-checks", Access.REFERENCE, "基础配置"),
    NavItem("检查表", "inspections:checklist_list", "card-checklist", Access.REFERENCE, "基础配置"),
    NavItem("整改期限", "inspections:rule_list", "alarm", Access.REFERENCE, "基础配置"),
    NavItem("指标目录", "indicators:indicator_list", "list-ol", Access.REFERENCE, "基础配置"),
    NavItem(
        "公文格式", "core:documentsetting_list", "file-earmark-text", Access.REFERENCE, "基础配置"
    ),
    NavItem("用户", "accounts:user_list", "people", Access.ACCOUNTS, "系统管理"),
    # The 安全管理员's approval queue; the 系统管理员 sees their own requests there.
    NavItem(
        "变更审批", "accounts:changerequest_list", "check2-square", Access.ACCOUNTS, "系统管理"
    ),
    NavItem("安全策略", "accounts:policy", "shield-lock", Access.SECURITY, "系统管理"),
    NavItem("API令牌", "accounts:apitoken_list", "key", Access.SECURITY, "系统管理"),
    NavItem("审计日志", "audit:auditlog_list", "journal-text", Access.AUDIT, "系统管理"),
    NavItem("API 文档", "api-docs", "code-slash", None, "帮助"),
]


def menu_for(user):
    groups: dict[str, list[dict]] = {}
    for item in MENU:
        if item.access is not None and not can(user, item.access, "view"):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # a module that is not installed yet shows no entry
        groups.setdefault(item.group, []).append(
            {"label": item.label, "url": url, "icon": item.icon}
        )
    return list(groups.items())
