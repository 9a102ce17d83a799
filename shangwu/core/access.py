"""Who may do what: the one table of role grants, and ``restrict()``, which every list, detail,
edit, delete, export, import and API endpoint starts from (NetBox's RestrictedQuerySet)."""

from __future__ import annotations

from django.db import models

from shangwu.accounts.choices import Role


class Access(models.TextChoices):
    BUSINESS = "business", "业务数据"
    OWN = (
        "own",
        "本企业数据",
    )  # the 企业用户's: business records of the one enterprise they are bound to
    REFERENCE = "reference", "基础配置"
    ACCOUNTS = "accounts", "账号管理"
    SECURITY = "security", "安全策略"
    AUDIT = "audit", "审计日志"
    MAIL = "mail", "本人通知"  # a user's own notifications: every role reads its own, nobody else's


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
    # The 企业用户 reads its own enterprise's records (``Scope.owner``) and nothing else; no page or
    # endpoint is open to it yet (it holds no BUSINESS grant). Filing a case (诉求) comes later.
    Access.OWN: {Role.ENTERPRISE: frozenset({"view"})},
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
    Access.MAIL: {role: frozenset({"view"}) for role in Role},
}


def can(user, access: str, action: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return action in GRANTS.get(access, {}).get(user.role, frozenset())


def restrict(queryset, user, action: str = "view"):
    """The queryset of ``queryset``'s model that ``user`` may ``action``.

    Business data follows the model's ``scope`` declaration (``Scope``): the rule for
    ``action`` (region by default: the user's region node and everything below it, so a county
    officer never sees a sibling county's rows), or, for a 企业用户, the owner path to the one
    enterprise the user is bound to.
    """
    model = queryset.model
    if getattr(model, "access", None) == Access.BUSINESS and _is_owner(user):
        owner_q = scope_of(model).owner_q(user, action)
        return queryset.none() if owner_q is None else queryset.filter(owner_q)
    if not can(user, model.access, _grant(model, action)):
        return queryset.none()
    if model.access != Access.BUSINESS:
        return queryset
    rule = scope_of(model).rule(action)
    if not rule.permits(user):
        return queryset.none()
    return queryset.filter(rule.q(model, user))


def scope_of(model) -> Scope:
    """The model's declaration; a business model without one (a file, read through its owner
    record's ``restrict``) has the default: region for every action, nothing for a 企业用户."""
    return getattr(model, "scope", None) or DEFAULT_SCOPE


def _grant(model, action: str) -> str:
    """The role grant ``action`` needs: its own, or the one its scope rule names (``grant=``)."""
    if model.access != Access.BUSINESS:
        return action
    rule = scope_of(model).actions.get(action)
    return rule.grant if rule is not None and rule.grant else action


def _is_owner(user) -> bool:
    return getattr(user, "role", None) == Role.ENTERPRISE and getattr(
        user, "is_authenticated", False
    )


def refusal(user, model, action: str) -> str | None:
    """Why ``user`` may not ``action`` on ``model`` at all (before any row is read), or None if
    they may: the role grant first, then the model's scope rule for the action (e.g. only the
    city maintains the work plan). Pages answer 403 with this text, the API too."""
    scope = scope_of(model) if model.access == Access.BUSINESS else None
    if not can(user, model.access, _grant(model, action)):
        # An action with a rule of its own (``target=``…) says why in its own words.
        return (
            scope.actions[action].refusal
            if scope is not None and action in scope.actions
            else NO_GRANT
        )
    if scope is not None:
        rule = scope.rule(action)
        if not rule.permits(user):
            return rule.refusal
    return None


def permits(user, model, action: str) -> bool:
    """May ``user`` ``action`` some rows of ``model``? Buttons, menus and services ask this."""
    return refusal(user, model, action) is None


def require(user, model, action: str) -> None:
    """``permits`` for services: PermissionDenied with the rule's own reason. No actor (the
    platform itself, a command) is always allowed."""
    from django.core.exceptions import PermissionDenied

    if user is None:
        return
    reason = refusal(user, model, action)
    if reason is not None:
        raise PermissionDenied(reason)


def permits_row(user, model, action: str, **fields) -> bool:
    """May ``user`` ``action`` a row of ``model`` holding ``fields`` — one about to be written,
    such as a county's figure for a month (``region=county``)? ``permits``, then the rule's rows
    (the same ``q`` ``restrict`` filters by) tested on those values. No actor: always."""
    if user is None:
        return True
    if not permits(user, model, action):
        return False
    row = {}
    for name, value in fields.items():
        row[name] = value
        if isinstance(value, models.Model):
            row[f"{name}_id"] = value.pk
    return matches(scope_of(model).rule(action).q(model, user), row)


def matches(q: models.Q, row: dict) -> bool:
    """``q`` evaluated on ``row`` (field name → value) in Python: the plain lookups a scope rule
    uses (exact, in, isnull, AND/OR/NOT). Any other lookup, or a field the row lacks, is an
    error, never a silent yes."""
    results = []
    for child in q.children:
        if isinstance(child, models.Q):
            results.append(matches(child, row))
            continue
        name, value = child
        field, _, lookup = name.partition("__")
        got = row[field]
        if lookup in ("", "exact"):
            results.append(got == value)
        elif lookup == "in":
            results.append(got in value)
        elif lookup == "isnull":
            results.append((got is None) == bool(value))
        else:
            raise ValueError(f"permits_row: lookup {name!r} is not supported")
    ok = all(results) if q.connector == models.Q.AND else any(results)
    return not ok if q.negated else ok


NO_GRANT = "您没有执行此操作的权限。"


class Rule:
    """Which rows of a business model a user may act on, for one action.

    ``levels``: the region levels whose users may act at all (None: every level); ``roles``: the
    roles that may (None: every role the grants allow); a user elsewhere is refused with
    ``refusal`` before any row is read (403). ``q``: the rows, by default the model's region
    geometry (``scope_q``) from the user's region node. ``grant``: for an action of the model's
    own (``compute=``…), the role grant it needs (default: a grant of its own name).
    """

    def __init__(self, *, levels=None, roles=None, refusal: str = NO_GRANT, q=None, grant=None):
        self.levels = frozenset(levels) if levels is not None else None
        self.roles = frozenset(roles) if roles is not None else None
        self.refusal = refusal
        self._q = q
        self.grant = grant

    def permits(self, user) -> bool:
        region = getattr(user, "region", None)
        return (
            region is not None
            and (self.levels is None or region.level in self.levels)
            and (self.roles is None or getattr(user, "role", None) in self.roles)
        )

    def q(self, model, user) -> models.Q:
        if self._q is not None:
            return self._q(model, user)
        return model.scope_q(user.region)


IN_REGION = Rule()


def at_levels(*levels, refusal: str, q=None, grant=None) -> Rule:
    """Only users at ``levels`` may act (e.g. the city alone maintains the work plan)."""
    return Rule(levels=levels, refusal=refusal, q=q, grant=grant)


class Scope:
    """What a user may see and what they may change of one business model, declared on the
    model as ``scope = Scope(...)`` and read by ``restrict(user, action)``, hence by every page,
    API endpoint, form choice, filter, export and service.

    ``view`` is the rule for reading (view, export); ``change`` for writing (add, change,
    delete, import) unless an action has its own rule (``add=``, ``import_=``, ``target=``…).
    ``owner``: the path from the model to the enterprise that owns a row (``"pk"`` for the
    enterprise itself, ``"enterprise"``…); None: a 企业用户 sees none of the model.
    """

    READS = frozenset({"view", "export"})

    def __init__(
        self,
        view: Rule = IN_REGION,
        change: Rule | None = None,
        *,
        owner: str | None = None,
        **actions: Rule,
    ):
        self.view = view
        self.change = change or view
        self.owner = owner
        self.actions = {name.rstrip("_"): rule for name, rule in actions.items()}

    def rule(self, action: str) -> Rule:
        if action in self.actions:
            return self.actions[action]
        return self.view if action in self.READS else self.change

    def owner_q(self, user, action: str) -> models.Q | None:
        """The rows of the enterprise a 企业用户 is bound to, or None (nothing)."""
        enterprise_id = getattr(user, "enterprise_id", None)
        if self.owner is None or enterprise_id is None or not can(user, Access.OWN, action):
            return None
        return models.Q(**{self.owner if self.owner == "pk" else f"{self.owner}_id": enterprise_id})


DEFAULT_SCOPE = Scope()


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

    # Writes that send no signal move the reference stamp here (``core.reference``): every
    # reference model's manager is built on this queryset.
    def update(self, **kwargs):
        from shangwu.core import reference

        updated = super().update(**kwargs)
        if updated and reference.touches(self.model, kwargs):
            reference.reference_changed()
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        from shangwu.core import reference

        created = super().bulk_create(objs, *args, **kwargs)
        if created and reference.is_reference(self.model):
            reference.reference_changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        from shangwu.core import reference

        updated = super().bulk_update(objs, fields, *args, **kwargs)
        if updated and reference.touches(self.model, fields):
            reference.reference_changed()
        return updated


class ScopedModel(models.Model):
    """Base for every business record: region scope by county and township columns.

    ``scope_county_field`` / ``scope_township_field`` name the foreign keys to Region; a model
    whose scope is not just its own place overrides ``scope_q``. ``scope`` declares, per action,
    who may see and who may change its rows (``Scope``); the default is the region for all.
    """

    access = Access.BUSINESS
    scope = Scope()
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
