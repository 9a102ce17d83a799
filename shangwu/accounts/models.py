import copy
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts.choices import PASSWORD_KINDS, ROLE_LEVEL, ChangeKind, ChangeStatus, Role
from shangwu.core.access import Access, RestrictedQuerySet, can


class ShangwuUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. Belongs to one org unit, whose region is their data scope; holds
    one role. There is no everyday superuser: ``is_superuser`` is never set."""

    access = Access.ACCOUNTS
    audited = True
    str_fields = ("name", "username")  # what __str__ reads (core.tables)
    # Login bookkeeping changes on every sign-in; the login events themselves are audited.
    audit_exclude = {"last_login", "failed_login_count", "locked_until", "password"}
    # No dropdown shows these (``core.reference``): writing only them keeps the kept dropdowns.
    reference_stamp_ignores = frozenset(
        {*audit_exclude, "must_change_password", "password_changed_at"}
    )
    audit_masked = {"mobile"}

    name = models.CharField("姓名", max_length=50)
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="所属单位",
        null=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # 企业用户: the one enterprise whose records the user sees (``Scope.owner``); no one else has
    # one. Bound when the account is set up (the enterprise portal will do it; no page yet).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.CharField("职务", max_length=50, blank=True)
    mobile = models.CharField("手机号", max_length=20, blank=True)
    must_change_password = models.BooleanField("下次登录须改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    failed_login_count = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    objects = ShangwuUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return f"{self.name or self.username}"

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    def get_full_name(self):
        return self.name or self.username

    @property
    def region(self):
        return self.org_unit.region if self.org_unit_id else None

    def is_locked(self, now=None) -> bool:
        now = now or timezone.now()
        return self.locked_until is not None and self.locked_until > now

    def password_expired(self, max_age_days: int, now=None) -> bool:
        if not self.password_changed_at:
            return True
        return (now or timezone.now()) - self.password_changed_at > timedelta(days=max_age_days)

    def clean(self):
        level = ROLE_LEVEL.get(self.role)
        if self.org_unit_id is None:
            raise ValidationError({"org_unit": "每个用户必须属于一个单位。"})
        if level and self.org_unit.region.level != level:
            raise ValidationError(
                {
                    "org_unit": f"{self.get_role_display()}应属于{dict(city='市', county='县区', township='乡镇')[level]}级单位。"
                }
            )
        # Keyed to the role: the account pages offer no enterprise field (no page binds one yet).
        if self.role == Role.ENTERPRISE and self.enterprise_id is None:
            raise ValidationError({"role": "企业用户须绑定一家企业，暂不能在账号页面开通。"})
        if self.role != Role.ENTERPRISE and self.enterprise_id is not None:
            raise ValidationError({"enterprise": "只有企业用户可以绑定企业。"})


class SecurityPolicy(models.Model):
    """The security policy the 安全管理员 sets (等保 三级 defaults from settings). One row."""

    access = Access.SECURITY
    audited = True

    password_min_length = models.PositiveSmallIntegerField("密码最短长度", default=10)
    password_min_classes = models.PositiveSmallIntegerField(
        "密码至少包含字符类别数",
        default=3,
        help_text="大写字母、小写字母、数字、符号四类中至少几类",
    )
    password_max_age_days = models.PositiveSmallIntegerField("密码有效期（天）", default=90)
    lockout_threshold = models.PositiveSmallIntegerField("连续失败锁定次数", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    session_idle_minutes = models.PositiveSmallIntegerField("会话空闲超时（分钟）", default=30)
    session_absolute_hours = models.PositiveSmallIntegerField("会话最长时长（小时）", default=8)
    api_token_days = models.PositiveSmallIntegerField(
        "API令牌有效期（天）",
        default=90,
        help_text="新签发的令牌自签发起多少天后失效；已签发的令牌不受影响",
    )
    login_throttle_attempts = models.PositiveSmallIntegerField(
        "同一地址登录尝试上限（次）",
        default=20,
        help_text="同一IP地址在下面的时间窗内最多可有几次未成功的登录尝试（成功登录不计入）",
    )
    login_throttle_minutes = models.PositiveSmallIntegerField(
        "登录尝试计数时间窗（分钟）", default=5
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    def __str__(self):
        return "安全策略"

    def get_absolute_url(self):
        return reverse("accounts:policy")

    def clean(self):
        errors = {}
        if self.password_min_length < 8:
            errors["password_min_length"] = "密码最短长度不得少于8位。"
        if not 1 <= self.password_min_classes <= 4:
            errors["password_min_classes"] = "字符类别数应在1到4之间。"
        if self.lockout_threshold < 1:
            errors["lockout_threshold"] = "锁定次数至少为1。"
        if self.session_idle_minutes < 1:
            errors["session_idle_minutes"] = "空闲超时至少为1分钟。"
        if self.session_absolute_hours < 1:
            errors["session_absolute_hours"] = "会话最长时长至少为1小时。"
        if not 1 <= self.api_token_days <= 365:
            errors["api_token_days"] = "API令牌有效期应在1到365天之间。"
        if self.login_throttle_attempts < self.lockout_threshold:
            errors["login_throttle_attempts"] = "同一地址登录尝试上限不得少于连续失败锁定次数。"
        if not 1 <= self.login_throttle_minutes <= 1440:
            errors["login_throttle_minutes"] = "时间窗应在1到1440分钟之间。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls, *, user=None) -> "SecurityPolicy":
        """The policy in force, asked for by the session middleware, the API authentication,
        sign-in and the password validators: read once per request at most (kept on the request
        the context carries), and not at all while the stamp the signed-in user's query brought
        along (``accounts.backends.POLICY_STAMP``) is the one this process last read. Each request
        gets its own copy, so a form bound to it cannot change what other requests see. ``user``:
        the user being authenticated, whose query brought the stamp, when it is not (yet) the
        request's own (an API token's user)."""
        from shangwu.core import context

        request = context.current().request
        policy = getattr(request, "_shangwu_security_policy", None)
        if policy is not None:
            return policy
        stamp = (
            _policy_stamp(request) if user is None else getattr(user, "security_policy_stamp", None)
        )
        cached = _policy_cache.get("policy")
        if stamp == NO_POLICY_ROW:
            policy = cls(**settings.SECURITY_POLICY_DEFAULTS)
        elif stamp is not None and cached is not None and cached[0] == stamp:
            policy = copy.copy(cached[1])
        else:
            policy = cls.objects.order_by("pk").first()
            if policy is None:
                policy = cls(**settings.SECURITY_POLICY_DEFAULTS)
            elif stamp is not None:
                _policy_cache["policy"] = (stamp, copy.copy(policy))
        if request is not None:
            request._shangwu_security_policy = policy
        return policy


# The stamp when there is no policy row (the defaults of settings are in force).
NO_POLICY_ROW = "-"
# This process's last policy row, with the stamp it was read under: {"policy": (stamp, policy)}.
_policy_cache: dict = {}


def _policy_stamp(request):
    """The policy's ``updated_at`` as the signed-in user's own query read it, or None (no request,
    no signed-in user yet, or no policy row: then the row is read as before)."""
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "security_policy_stamp", None)


class ApiToken(models.Model):
    """A personal API key (``Authorization: Token <key>``). Only the SHA-256 of the key is kept;
    the key itself is shown once, when it is issued. A token ends at ``expires_at`` (the policy's
    ``api_token_days``) or when revoked: by its owner, the 安全管理员, or with all the owner's
    tokens when their password changes or the account is locked or disabled."""

    access = Access.SECURITY
    # Issue, revocation and refused uses are written by the services with a Chinese detail; a
    # generic change row would add nothing but the hash and last-use times.
    audited = False

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField("名称/用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12, help_text="密钥的前几位，仅用于辨认")
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至", db_index=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    def get_absolute_url(self):
        return reverse("accounts:apitoken_list")

    def state(self, now=None) -> str:
        if self.revoked_at is not None:
            return "已撤销"
        if self.expires_at <= (now or timezone.now()):
            return "已过期"
        return "有效"

    def is_usable(self, now=None) -> bool:
        return self.state(now) == "有效"


class LoginAttempt(models.Model):
    """One unsuccessful (or still running) sign-in attempt from an address: the per-address
    throttle counts these rows, so the limit holds across every gunicorn worker. A successful
    sign-in deletes its row; rows older than a day are deleted as new ones come."""

    ip = models.CharField("IP地址", max_length=45)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        indexes = [models.Index(fields=["ip", "at"], name="login_attempt_ip_at_idx")]

    def __str__(self):
        return f"{self.ip} {self.at:%Y-%m-%d %H:%M:%S}"


class ChangeRequestQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """Approvers (the 安全管理员) see every request; anyone else who may view accounts (the
        系统管理员) sees only the requests they made."""
        queryset = super().restrict(user, action)
        if not can(user, Access.ACCOUNTS, "approve"):
            queryset = queryset.filter(requester_id=getattr(user, "pk", None))
        return queryset


class ChangeRequest(models.Model):
    """A change the 系统管理员 asked for that only takes effect when the 安全管理员 approves it
    (三权分立, 等保 三级): a new account; a change of an account's role, unit or active flag; a
    password reset; an org unit moved to another region; a region given another parent.

    ``changes`` lists the fields as ``{"field", "label", "old", "new", "old_display",
    "new_display"}``: ``old`` is checked again at approval, so a request made stale by another
    change is refused rather than applied over it. A new account's initial password is generated
    when its requester first opens it after approval and is never stored (``password_shown_at``)."""

    access = Access.ACCOUNTS
    # Not audited by the signal handlers: the services write each step's row themselves
    # (submitted, decided, password shown), with personal numbers in ``changes`` masked.
    audited = False

    kind = models.CharField("申请类型", max_length=20, choices=ChangeKind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    requester = models.ForeignKey(
        User, verbose_name="申请人", on_delete=models.PROTECT, related_name="change_requests"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    note = models.TextField("申请说明", blank=True)
    target_user = models.ForeignKey(
        User, verbose_name="账号", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_orgunit = models.ForeignKey(
        "organization.OrgUnit",
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_region = models.ForeignKey(
        "organization.Region",
        verbose_name="行政区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_repr = models.CharField("对象", max_length=200)
    changes = models.JSONField("变更内容", default=list)
    decided_by = models.ForeignKey(
        User,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    reason = models.TextField("审批意见", blank=True)
    password_shown_at = models.DateTimeField("初始密码显示时间", null=True, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "变更申请"
        verbose_name_plural = "变更申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("requester")),
                name="changerequest_not_decided_by_requester",
                violation_error_message="不能审批本人提交的申请。",
            ),
            # One open request per account, unit or region: a second one would be decided
            # against values the first is about to change.
            models.UniqueConstraint(
                fields=["target_user"],
                condition=models.Q(status="pending"),
                name="changerequest_one_pending_per_user",
                violation_error_message="该账号已有待审批的申请。",
            ),
            models.UniqueConstraint(
                fields=["target_orgunit"],
                condition=models.Q(status="pending"),
                name="changerequest_one_pending_per_orgunit",
                violation_error_message="该机构已有待审批的申请。",
            ),
            models.UniqueConstraint(
                fields=["target_region"],
                condition=models.Q(status="pending"),
                name="changerequest_one_pending_per_region",
                violation_error_message="该行政区划已有待审批的申请。",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="changerequest_status_idx")]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}：{self.target_repr}"

    def get_absolute_url(self):
        return reverse("accounts:changerequest_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING

    @property
    def gives_password(self) -> bool:
        return self.kind in PASSWORD_KINDS

    def changes_text(self) -> str:
        """One line for lists: 角色：科室人员 → 局领导；所属单位：…"""
        parts = []
        for change in self.changes:
            old, new = change.get("old_display") or "", change.get("new_display") or ""
            parts.append(
                f"{change['label']}：{old} → {new}" if old else f"{change['label']}：{new}"
            )
        return "；".join(parts)
