"""Who may do what: the one table of role grants, and ``restrict()``, which every list, detail,
edit, delete, export, import and API endpoint starts from (NetBox's RestrictedQuerySet)."""

from __future__ import annotations

from django.db import models

from shangwu.accounts.choices import Role


class Access(models.TextChoices):
    BUSINESS = "business", "业务数据"
    REFERENCE = "reference", "基础配置"
    ACCOUNTS = "accounts", "账号管理"
    SECURITY = "security", "安全策略"
    AUDIT = "audit", "审计日志"


class Action(models.TextChoices):
    VIEW = "view", "查看"
    ADD = "add", "新增"
    CHANGE = "change", "修改"
    DELETE = "delete", "删除"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    UNLOCK = "unlock", "解锁"
    APPROVE = "approve", "审批"
    TARGET = "target", "下达年度目标"  # set targets and decide county proposals (city level)


_WORK = {"view", "add", "change", "delete", "export", "import"}

# 三权分立: the 系统管理员 runs configuration and accounts, the 安全管理员 the security policy, the
# 审计管理员 reads the audit log; none of the three reads business data. The 系统管理员's account
# and org-structure changes that move people or scope (new accounts, roles, units, active flags,
# passwords, a unit's region, a region's parent) are only requests: the 安全管理员 approves them.
GRANTS: dict[str, dict[str, frozenset[str]]] = {
    Access.BUSINESS: {
        Role.LEADER: frozenset({"view", "add", "change", "export", "target"}),
        Role.CITY_STAFF: frozenset(_WORK | {"target"}),
        Role.COUNTY_STAFF: frozenset(_WORK),
        Role.TOWNSHIP_STAFF: frozenset(_WORK),
    },
    Access.REFERENCE: {
        Role.LEADER: frozenset({"view"}),
        Role.CITY_STAFF: frozenset({"view"}),
        Role.COUNTY_STAFF: frozenset({"view"}),
        Role.TOWNSHIP_STAFF: frozenset({"view"}),
        Role.SYSADMIN: frozenset({"view", "add", "change", "delete", "export", "import"}),
    },
    Access.ACCOUNTS: {
        Role.SYSADMIN: frozenset({"view", "add", "change", "delete"}),
        Role.SECADMIN: frozenset({"view", "unlock", "approve"}),
    },
    Access.SECURITY: {Role.SECADMIN: frozenset({"view", "change"})},
    Access.AUDIT: {Role.AUDITOR: frozenset({"view", "export"})},
}


def can(user, access: str, action: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return action in GRANTS.get(access, {}).get(user.role, frozenset())


def restrict(queryset, user, action: str = "view"):
    """The queryset of ``queryset``'s model that ``user`` may ``action``.

    Business data is further limited to the user's region node and everything below it; a
    county officer never sees a sibling county's rows.
    """
    model = queryset.model
    if not can(user, model.access, action):
        return queryset.none()
    if model.access != Access.BUSINESS:
        return queryset
    region = user.region
    if region is None:
        return queryset.none()
    return queryset.filter(model.scope_q(region))


def restrict_choices(queryset, user, *, business_only: bool = False):
    """The choices of a form or serializer field pointing at ``queryset``'s model, limited to what
    ``user`` may view. ``business_only``: people, units and reference lists keep every choice
    (the API; a form whose people are chosen otherwise overrides its field)."""
    if isinstance(queryset, models.Manager):  # a ModelSerializer hands the manager over
        queryset = queryset.all()
    if user is None or not isinstance(queryset, RestrictedQuerySet):
        return queryset
    if business_only and queryset.model.access != Access.BUSINESS:
        return queryset
    return queryset.restrict(user, "view")


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict(self, user, action)


class ScopedModel(models.Model):
    """Base for every business record: region scope by county and township columns.

    ``scope_county_field`` / ``scope_township_field`` name the foreign keys to Region; a model
    whose scope is not just its own place overrides ``scope_q``.
    """

    access = Access.BUSINESS
    scope_county_field = "county"
    scope_township_field = "township"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, region) -> models.Q:
        from shangwu.organization.choices import RegionLevel

        if region.level == RegionLevel.CITY:
            return models.Q()
        if region.level == RegionLevel.COUNTY:
            return models.Q(**{f"{cls.scope_county_field}_id": region.pk})
        return models.Q(**{f"{cls.scope_township_field}_id": region.pk})
