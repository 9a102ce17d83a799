"""Sign-in, sign-out, passwords, API tokens and accounts. Every outcome is written to the audit
log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate, login, logout, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from shangwu.accounts.choices import ChangeKind, ChangeStatus
from shangwu.accounts.models import ApiToken, ChangeRequest, LoginAttempt, SecurityPolicy, User
from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write, mask_value
from shangwu.core import context
from shangwu.core.access import Access, can
from shangwu.core.services import model_update

SESSION_LOGIN_AT = "shangwu_login_at"
SESSION_SEEN_AT = "shangwu_seen_at"


# "Last seen" is written into the session at most this often: a write on every request would
# serialise SQLite readers behind writers, and the idle limit stays right to within a minute.
SESSION_SEEN_EVERY_SECONDS = 60
# A token's last use is recorded at most this often, for the same reason.
TOKEN_USED_EVERY_SECONDS = 60


class AccountLocked(Exception):
    """The account has just been locked (the password-change form signs the user out)."""


def login_refused_message(policy: SecurityPolicy) -> str:
    """The one answer to every refused sign-in: unknown username, wrong password, locked account.

    OWASP Authentication Cheat Sheet ("Authentication and Error Messages", "Account Lockout"):
    the answer must not tell whether an account exists, so an unknown username, a wrong password
    and a locked account all get this text, and a locked account's password is not even checked
    (were the lock told only after the right password, that answer would confirm the password
    and the lock would stop nothing). The lock itself (等保 三级 登录失败处理) is written to the
    audit log and shown to the 安全管理员, who can lift it. What remains: a locked account's
    refusal is quicker than an unknown name's (no hash is computed, so that a flood of guesses
    costs nothing); the per-address throttle bounds how often anyone can measure it.
    """
    return (
        f"用户名或密码不正确。连续{policy.lockout_threshold}次输错密码，账号将锁定{policy.lockout_minutes}分钟；"
        "已锁定的账号请稍后再试，或联系安全管理员解锁。"
    )


def login_throttle(*, ip: str | None, policy: SecurityPolicy, now) -> LoginAttempt:
    """Count this sign-in attempt from ``ip`` and refuse it past the policy's limit per window.

    The attempt is written first (autocommit outside a transaction) and then all attempts in the
    window are counted: of any ``limit + 1`` attempts, the one written last sees them all, so no
    more than ``limit`` pass however many gunicorn workers run at once. A successful sign-in gives
    its row back (``user_login`` deletes it): a whole office behind one NAT address signing in at
    8:30 is not throttled, guessing is. Refused attempts count too: an address that keeps
    hammering stays refused.
    """
    ip = ip or "unknown"
    window = timedelta(minutes=policy.login_throttle_minutes)
    LoginAttempt.objects.filter(at__lt=now - max(window, timedelta(days=1))).delete()
    attempt = LoginAttempt.objects.create(ip=ip, at=now)
    count = LoginAttempt.objects.filter(ip=ip, at__gt=now - window).count()
    if count > policy.login_throttle_attempts:
        message = f"该地址登录尝试过于频繁，请{policy.login_throttle_minutes}分钟后再试。"
        audit_write(
            action=AuditAction.LOGIN_THROTTLED,
            object_type="accounts.loginattempt",
            object_repr=ip,
            detail=f"{policy.login_throttle_minutes}分钟内第{count}次未成功的登录尝试"
            f"（上限{policy.login_throttle_attempts}次），未核对密码，已拒绝。",
        )
        raise ValidationError(message, code="throttled")
    return attempt


def _not_locked(now) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


def _attempt_claim(*, user: User, policy: SecurityPolicy, now) -> bool:
    """Claim one password check for ``user`` before checking anything.

    The counter goes up in one conditional UPDATE (works alike on SQLite and PostgreSQL, no
    select_for_update): of any number of simultaneous attempts, at most ``lockout_threshold``
    get a slot, so at most that many passwords are ever evaluated before the lock. A right
    password gives the slot back (``_attempt_succeeded``); a wrong one keeps it."""
    return bool(
        User.objects.filter(
            _not_locked(now), pk=user.pk, failed_login_count__lt=policy.lockout_threshold
        ).update(failed_login_count=F("failed_login_count") + 1)
    )


def _attempt_succeeded(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def _lock_if_exhausted(*, user: User, policy: SecurityPolicy, now) -> bool:
    """Lock ``user`` once every slot is used up (only one caller wins the UPDATE and writes the
    row); the counter starts again from zero when the lock ends. All their API tokens die."""
    until = now + timedelta(minutes=policy.lockout_minutes)
    with transaction.atomic():
        locked = User.objects.filter(
            _not_locked(now), pk=user.pk, failed_login_count__gte=policy.lockout_threshold
        ).update(locked_until=until, failed_login_count=0)
        if locked:
            audit_write(
                action=AuditAction.LOCKOUT,
                obj=user,
                actor=user,
                detail=f"连续{policy.lockout_threshold}次密码错误，锁定至{timezone.localtime(until):%H:%M}。",
            )
            api_token_revoke_all(user=user, actor=None, reason="账号锁定")
    return bool(locked)


def _attempt_failed(*, user: User, policy: SecurityPolicy, now, what: str) -> tuple[int, bool]:
    """A wrong password: audit it (``what`` says where) and lock when the slots are used up.
    Returns (consecutive failures, locked now)."""
    count = (
        User.objects.filter(pk=user.pk).values_list("failed_login_count", flat=True).first() or 0
    )
    audit_write(
        action=AuditAction.LOGIN_FAILED, obj=user, actor=user, detail=f"{what}，连续失败{count}次。"
    )
    locked = _lock_if_exhausted(user=user, policy=policy, now=now)
    return (policy.lockout_threshold if locked else count), locked


def user_login(*, request, username: str, password: str) -> User:
    """Check the address throttle and the lockout rule, then the credentials, and sign in.

    等保 三级: after ``lockout_threshold`` consecutive failures the account is locked for
    ``lockout_minutes``; while locked even the right password is refused (and not checked).
    Every refusal answers ``login_refused_message`` (it never tells whether the account exists).
    """
    policy = SecurityPolicy.current()
    now = timezone.now()
    attempt = login_throttle(ip=context.current().ip, policy=policy, now=now)
    refused = ValidationError(login_refused_message(policy), code="invalid_login")
    account = User.objects.filter(username=username).first()
    if account is None:
        User().set_password(
            password
        )  # the same work as a wrong password (Django's ModelBackend does this)
        audit_write(
            action=AuditAction.LOGIN_FAILED,
            object_type="accounts.user",
            object_repr=username[:200],
            detail="用户名不存在。",
        )
        raise refused
    if not _attempt_claim(user=account, policy=policy, now=now):
        _lock_if_exhausted(user=account, policy=policy, now=now)  # e.g. the threshold was lowered
        audit_write(
            action=AuditAction.LOGIN_FAILED,
            obj=account,
            actor=account,
            detail="账号已锁定，未核对密码，拒绝登录。",
        )
        raise refused
    user = authenticate(request, username=username, password=password)
    if user is None:
        _attempt_failed(user=account, policy=policy, now=now, what="登录密码错误")
        raise refused
    _attempt_succeeded(user=user)
    attempt.delete()
    login(request, user)
    request.session[SESSION_LOGIN_AT] = now.timestamp()
    request.session[SESSION_SEEN_AT] = now.timestamp()
    audit_write(action=AuditAction.LOGIN, obj=user, actor=user)
    return user


def session_expired_reason(*, request, policy: SecurityPolicy, now: float) -> str:
    """Why this signed-in session has ended (idle or absolute limit), or "" while it is valid.
    Both limits hold for every request a session authenticates, pages and API alike."""
    session = request.session
    login_at = session.get(SESSION_LOGIN_AT, now)
    seen_at = session.get(SESSION_SEEN_AT, now)
    if now - seen_at > policy.session_idle_minutes * 60:
        return f"超过{policy.session_idle_minutes}分钟未操作，已自动退出，请重新登录。"
    if now - login_at > policy.session_absolute_hours * 3600:
        return f"登录已超过{policy.session_absolute_hours}小时，请重新登录。"
    return ""


def session_touch(*, request, now: float) -> None:
    """Record the session's last activity, at most once a minute (see SESSION_SEEN_EVERY_SECONDS).
    A session begun some other way than ``user_login`` gets its start recorded here, so the
    absolute limit holds for it too."""
    request.session.setdefault(SESSION_LOGIN_AT, now)
    seen_at = request.session.get(SESSION_SEEN_AT)
    if seen_at is None or now - seen_at >= SESSION_SEEN_EVERY_SECONDS:
        request.session[SESSION_SEEN_AT] = now


def user_logout(*, request, reason: str = "") -> None:
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit_write(action=AuditAction.LOGOUT, obj=user, actor=user, detail=reason)
    logout(request)


def user_set_password(*, user: User, password: str, actor: User, must_change: bool = False) -> None:
    """Set a password after checking the policy. An administrator's reset forces a change at
    next login; the user's own change clears it. Either way every API token of the user is
    revoked: a token must not outlive the password it was issued under."""
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_write(
            action=AuditAction.PASSWORD_CHANGE,
            obj=user,
            actor=actor,
            detail="管理员重置密码" if actor.pk != user.pk else "用户修改本人密码",
        )
        api_token_revoke_all(user=user, actor=actor, reason="密码已修改")


def user_change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    """The signed-in user's own change. A wrong old password counts like a failed sign-in (an
    audit row each, the same counter and lock): otherwise a left-open session would let anyone
    guess the password without limit. Raises ``AccountLocked`` when this attempt locks."""
    policy = SecurityPolicy.current()
    now = timezone.now()
    if not _attempt_claim(user=user, policy=policy, now=now):
        _lock_if_exhausted(user=user, policy=policy, now=now)
        audit_write(
            action=AuditAction.LOGIN_FAILED,
            obj=user,
            actor=user,
            detail="修改密码：账号已锁定，未核对原密码。",
        )
        raise AccountLocked(f"账号已锁定{policy.lockout_minutes}分钟，已退出登录。")
    if not user.check_password(old_password):
        count, locked = _attempt_failed(
            user=user, policy=policy, now=now, what="修改密码时原密码错误"
        )
        if locked:
            raise AccountLocked(
                f"原密码连续{policy.lockout_threshold}次不正确，账号已锁定{policy.lockout_minutes}分钟，已退出登录。"
            )
        raise ValidationError(
            {
                "old_password": f"原密码不正确（已连续错{count}次，"
                f"满{policy.lockout_threshold}次将锁定账号）。"
            }
        )
    _attempt_succeeded(user=user)
    if old_password == new_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同。"})
    try:
        user_set_password(user=user, password=new_password, actor=user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc


def user_unlock(*, user: User, actor: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
        audit_write(action=AuditAction.UNLOCK, obj=user, actor=actor)


def user_deactivated(*, user: User, actor) -> None:
    """After an account is disabled (``is_active`` off): its API tokens are revoked. Whatever
    service turns an account off calls this in its transaction."""
    api_token_revoke_all(user=user, actor=actor, reason="账号停用")


# --- API tokens --------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _beijing(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def api_token_create(*, user: User, name: str, actor=None) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns it and its key, which is shown this once (only the
    SHA-256 of the key is stored). It expires after the policy's ``api_token_days``."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写令牌的名称或用途。"})
    if len(name) > 100:
        raise ValidationError({"name": "名称/用途最多100个字。"})
    if not user.is_active or user.is_locked():
        raise ValidationError("账号已停用或锁定，不能签发API令牌。")
    policy = SecurityPolicy.current()
    key = secrets.token_hex(20)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=_key_hash(key),
            expires_at=timezone.now() + timedelta(days=policy.api_token_days),
        )
        audit_write(
            action=AuditAction.TOKEN,
            obj=token,
            actor=actor,
            detail=f"为用户“{user.username}”签发API令牌，有效期至{_beijing(token.expires_at)}（北京时间）。",
        )
    return token, key


def token_create(*, user: User, actor=None, name: str = "命令行签发") -> str:
    """The key of a freshly issued token (for commands and tests)."""
    return api_token_create(user=user, name=name, actor=actor)[1]


def api_token_revoke(*, token: ApiToken, actor, reason: str) -> bool:
    """Revoke one token (idempotent: a token already revoked stays as it was)."""
    with transaction.atomic():
        done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason[:100]
        )
        if done:
            audit_write(
                action=AuditAction.TOKEN_REVOKE,
                obj=token,
                actor=actor,
                detail=f"撤销用户“{token.user.username}”的API令牌：{reason}。",
            )
    return bool(done)


def api_token_revoke_all(*, user: User, actor, reason: str) -> int:
    """Revoke every live token of ``user`` (one audit row each); returns how many."""
    now = timezone.now()
    count = 0
    for token in ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=now
    ).select_related("user"):
        count += api_token_revoke(token=token, actor=actor, reason=reason)
    return count


def api_token_authenticate(*, key: str) -> ApiToken:
    """The token ``key`` belongs to, if it may be used now; its last use is recorded at most
    once a minute. Raises ValidationError with the Chinese reason (the API answers 401)."""
    from shangwu.accounts.backends import POLICY_STAMP

    now = timezone.now()
    # The user as the session's backend loads it (``UserBackend.get_user``): with the unit and
    # region every scope reads, and the policy's stamp, all in the token's own query.
    token = (
        ApiToken.objects.select_related("user__org_unit__region")
        .annotate(security_policy_stamp=POLICY_STAMP)
        .filter(key_hash=_key_hash(key))
        .first()
    )
    if token is None:
        raise ValidationError("API令牌无效。")
    user = token.user
    user.security_policy_stamp = token.security_policy_stamp
    if token.revoked_at is not None:
        audit_write(
            action=AuditAction.LOGIN_FAILED,
            obj=token,
            actor=user,
            detail=f"使用已撤销的API令牌（{token.revoked_reason or '已撤销'}），已拒绝。",
        )
        raise ValidationError("API令牌已撤销，请在“我的API令牌”页面重新签发。")
    if token.expires_at <= now:
        audit_write(
            action=AuditAction.LOGIN_FAILED,
            obj=token,
            actor=user,
            detail=f"使用已于{_beijing(token.expires_at)}过期的API令牌，已拒绝。",
        )
        raise ValidationError(
            f"API令牌已于{_beijing(token.expires_at)}（北京时间）过期，请在“我的API令牌”页面重新签发。"
        )
    if not user.is_active or user.is_locked(now):
        api_token_revoke_all(
            user=user, actor=None, reason="账号停用" if not user.is_active else "账号锁定"
        )
        raise ValidationError("账号已锁定或停用，API令牌已作废。")
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() >= TOKEN_USED_EVERY_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Accounts and change requests (三权分立) -------------------------------------------------
# The 系统管理员 asks, the 安全管理员 decides: a new account, a change of an account's role, unit
# or active flag, a password reset, an org unit's region and a region's parent only change when
# a second person approves (等保 三级 separation of duties). Nobody decides their own request,
# and nobody changes their own role, unit or active flag.

# Applied at once when the 系统管理员 edits an account; the rest need approval.
USER_DIRECT_FIELDS = ("name", "position", "mobile")
USER_APPROVED_FIELDS = ("role", "org_unit", "is_active")
USER_CREATE_FIELDS = ("username", "name", "role", "org_unit", "position", "mobile")
# Characters an administrator can read out or copy without mistaking one for another.
_PASSWORD_POOLS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "#%+=@!?")


def password_generate() -> str:
    """A random initial password that meets the current policy: at least 16 characters (longer
    if the policy asks), all four character classes."""
    length = max(16, SecurityPolicy.current().password_min_length)
    rng = secrets.SystemRandom()
    chars = [rng.choice(pool) for pool in _PASSWORD_POOLS]
    alphabet = "".join(_PASSWORD_POOLS)
    chars += [rng.choice(alphabet) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def user_bootstrap(
    *,
    username: str,
    name: str,
    role: str,
    org_unit,
    password: str,
    position: str = "",
    mobile: str = "",
    must_change_password: bool = True,
    enterprise=None,
) -> User:
    """Create an account directly, without a change request. Only for the commands that set a
    platform up (``init_platform``: there is no 安全管理员 yet to approve anything; the demo
    personas): they run on the server, not through anyone's browser. Every account made through
    the UI is created by ``change_request_approve``."""
    user = User(
        username=username,
        name=name,
        role=role,
        org_unit=org_unit,
        position=position,
        mobile=mobile,
        enterprise=enterprise,
        must_change_password=must_change_password,
        password_changed_at=None if must_change_password else timezone.now(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def _display(model, name: str, value) -> str:
    """A stored value as a person reads it: a role's label, a unit's or region's name."""
    if value is None or value == "":
        return ""
    field = model._meta.get_field(name)
    if field.is_relation:
        obj = field.related_model._base_manager.filter(pk=value).first()
        if obj is None:
            return f"(已删除 #{value})"
        region = getattr(obj, "region", None) if field.related_model.__name__ == "OrgUnit" else None
        return (
            f"{obj.name}（{region.full_name}）"
            if region is not None
            else getattr(obj, "full_name", str(obj))
        )
    if isinstance(value, bool):
        return "是" if value else "否"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _plain(value):
    return value.pk if isinstance(value, models.Model) else value


# Labels the pages use where Django's own differ (AbstractUser.is_active reads “有效”).
_LABELS = {("accounts.user", "is_active"): "启用"}


def change_line(model, name: str, old, new) -> dict:
    """One line of a request's ``changes``: the field, its label, old and new values (ids for
    relations) and how they read."""
    old, new = _plain(old), _plain(new)
    label = _LABELS.get((model._meta.label_lower, name)) or str(
        model._meta.get_field(name).verbose_name
    )
    line = {
        "field": name,
        "label": label,
        "old": old,
        "new": new,
        "old_display": _display(model, name, old),
        "new_display": _display(model, name, new),
    }
    if name in getattr(
        model, "audit_masked", ()
    ):  # a mobile number reads 139****1111 on every page
        line.update(
            old_display=mask_value(line["old_display"]), new_display=mask_value(line["new_display"])
        )
    return line


def _audit_lines(changes: list[dict]) -> list[dict]:
    """``changes`` as the audit row keeps them: what the pages show (masked numbers masked)."""
    return [
        {"field": c["field"], "label": c["label"], "old": c["old_display"], "new": c["new_display"]}
        for c in changes
    ]


def _require(actor, action: str) -> None:
    if not can(actor, Access.ACCOUNTS, action):
        raise PermissionDenied("您没有执行此操作的权限。")


_TARGET_FIELDS = {
    "accounts.user": "target_user",
    "organization.orgunit": "target_orgunit",
    "organization.region": "target_region",
}


def change_request_submit(
    *,
    kind: str,
    actor: User,
    changes: list[dict],
    target=None,
    target_repr: str = "",
    note: str = "",
) -> ChangeRequest:
    """File a request for the 安全管理员 (one open request per account, unit or region)."""
    target_field = _TARGET_FIELDS[target._meta.label_lower] if target is not None else None
    if target_field:
        open_request = ChangeRequest.objects.filter(
            status=ChangeStatus.PENDING, **{target_field: target}
        ).first()
        if open_request is not None:
            raise ValidationError(
                f"“{target}”已有待审批的申请 #{open_request.pk}，请待安全管理员审批后再提交。"
            )
    try:
        with transaction.atomic():
            change = ChangeRequest.objects.create(
                kind=kind,
                requester=actor,
                changes=changes,
                note=(note or "").strip(),
                target_repr=(target_repr or str(target))[:200],
                **({target_field: target} if target_field else {}),
            )
    except IntegrityError as exc:  # another request for the same record was filed a moment ago
        raise ValidationError(f"“{target}”已有待审批的申请，请待安全管理员审批后再提交。") from exc
    audit_write(
        action=AuditAction.CREATE,
        obj=change,
        actor=actor,
        changes={
            "before": None,
            "after": {
                "kind": kind,
                "status": change.status,
                "target": change.target_repr,
                "changes": _audit_lines(changes),
                "note": change.note,
            },
        },
        detail=f"提交{change.get_kind_display()}申请，待安全管理员审批：{change.changes_text()}",
    )
    return change


def change_request_user_create(*, actor: User, data: dict, note: str = "") -> ChangeRequest:
    """Ask for a new account. It exists only after approval; its initial password is generated
    then and shown once to the requester."""
    _require(actor, "add")
    with transaction.atomic():
        return _user_create_request(actor=actor, data=data, note=note)


def _user_create_request(*, actor: User, data: dict, note: str) -> ChangeRequest:
    values = {name: data.get(name) or "" for name in USER_CREATE_FIELDS}
    values["org_unit"] = data.get("org_unit")
    candidate = User(**values, must_change_password=True)
    candidate.set_unusable_password()
    candidate.full_clean()  # username free and well-formed, role fits the unit's level
    for pending in ChangeRequest.objects.filter(
        kind=ChangeKind.USER_CREATE, status=ChangeStatus.PENDING
    ):
        if any(
            c["field"] == "username" and c["new"] == candidate.username for c in pending.changes
        ):
            raise ValidationError(
                {"username": f"用户名“{candidate.username}”已在待审批的申请 #{pending.pk} 中。"}
            )
    changes = [
        change_line(User, name, None, values[name]) for name in USER_CREATE_FIELDS if values[name]
    ]
    return change_request_submit(
        kind=ChangeKind.USER_CREATE,
        actor=actor,
        changes=changes,
        note=note,
        target_repr=f"{candidate.name}（{candidate.username}）",
    )


def user_update(
    *, user: User, data: dict, actor: User, note: str = ""
) -> tuple[User, ChangeRequest | None]:
    """Edit an account: name, position and mobile apply now; role, unit and active flag become a
    request for the 安全管理员. Nobody changes their own role, unit or active flag."""
    _require(actor, "change")
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        gated = []
        for name in USER_APPROVED_FIELDS:
            if name in data:
                old, new = getattr(current, User._meta.get_field(name).attname), _plain(data[name])
                if old != new:
                    gated.append(change_line(User, name, old, new))
        if gated and current.pk == actor.pk:
            raise ValidationError(
                {c["field"]: f"不能修改本人的{c['label']}（三权分立）。" for c in gated}
            )
        if gated:  # refuse now what approval would refuse (a county role in a city unit)
            proposed = User(
                role=current.role,
                org_unit_id=current.org_unit_id,
                enterprise_id=current.enterprise_id,
            )
            for c in gated:
                setattr(proposed, User._meta.get_field(c["field"]).attname, c["new"])
            proposed.clean()
        model_update(instance=current, data=data, fields=USER_DIRECT_FIELDS)
        request = (
            change_request_submit(
                kind=ChangeKind.USER_CHANGE,
                actor=actor,
                changes=gated,
                target=current,
                target_repr=f"{current.name}（{current.username}）",
                note=note,
            )
            if gated
            else None
        )
    return current, request


def change_request_password_reset(*, user: User, actor: User, note: str = "") -> ChangeRequest:
    """Ask for a new initial password for ``user``; the old one stops working on approval."""
    _require(actor, "change")
    if user.pk == actor.pk:
        raise ValidationError("不能为本人申请重置密码：请在“修改密码”页面修改。")
    line = {
        "field": "password",
        "label": "密码",
        "old": None,
        "new": None,
        "old_display": "",
        "new_display": "重置为系统生成的初始密码（首次登录须修改）",
    }
    with transaction.atomic():
        return change_request_submit(
            kind=ChangeKind.PASSWORD_RESET,
            actor=actor,
            changes=[line],
            target=user,
            target_repr=f"{user.name}（{user.username}）",
            note=note,
        )


def _check_decider(change: ChangeRequest, actor: User, *, approving: bool) -> None:
    _require(actor, "approve")
    if change.requester_id == actor.pk:
        raise ValidationError("不能审批本人提交的申请。")
    if change.target_user_id is not None and change.target_user_id == actor.pk:
        raise ValidationError("不能审批涉及本人账号的申请。")
    if (
        approving
        and ChangeRequest.objects.filter(
            requester_id=change.requester_id,
            target_user=actor,
            kind__in=[ChangeKind.USER_CREATE, ChangeKind.PASSWORD_RESET],
            status=ChangeStatus.APPROVED,
        ).exists()
    ):
        # The requester once held this account's initial password: approving their requests
        # from it would let one person hold both roles.
        raise ValidationError(
            "您的账号（或其密码）是该申请人申请建立或重置的，不能审批其申请，请由其他安全管理员审批。"
        )


def _target(change: ChangeRequest):
    from shangwu.organization.models import OrgUnit, Region

    if change.target_user_id:
        return User.objects.select_for_update().get(pk=change.target_user_id)
    if change.target_orgunit_id:
        return OrgUnit.objects.select_for_update().get(pk=change.target_orgunit_id)
    return Region.objects.select_for_update().get(pk=change.target_region_id)


def _refusal(exc: ValidationError) -> ValidationError:
    messages = (
        exc.messages
        if not hasattr(exc, "error_dict")
        else [m for ms in exc.message_dict.values() for m in ms]
    )
    return ValidationError("无法按申请执行：" + "；".join(messages))


def _apply(change: ChangeRequest) -> None:
    if change.kind == ChangeKind.USER_CREATE:
        values = {c["field"]: c["new"] for c in change.changes}
        user = User(
            **{k: v for k, v in values.items() if k != "org_unit"},
            org_unit_id=values.get("org_unit"),
            must_change_password=True,
        )
        user.set_unusable_password()  # the requester obtains the initial password once
        try:
            user.full_clean()
        except ValidationError as exc:
            raise _refusal(exc) from exc
        user.save()
        ChangeRequest.objects.filter(pk=change.pk).update(target_user=user)
        change.target_user = user
        return
    target = _target(change)
    if change.kind == ChangeKind.PASSWORD_RESET:
        target.set_unusable_password()
        target.must_change_password = True
        target.save(update_fields=["password", "must_change_password"])
        audit_write(
            action=AuditAction.PASSWORD_CHANGE,
            obj=target,
            detail=f"变更申请 #{change.pk} 已批准：原密码失效，新初始密码仅向申请人显示一次。",
        )
        api_token_revoke_all(user=target, actor=change.decided_by, reason="密码重置")
        return
    fields = []
    for c in change.changes:
        attname = type(target)._meta.get_field(c["field"]).attname
        if getattr(target, attname) != c["old"]:
            raise ValidationError(
                f"申请提交后“{target}”的{c['label']}已改为“{_display(type(target), c['field'], getattr(target, attname))}”，"
                "不再是申请中的原值：请拒绝本申请，由申请人重新提交。"
            )
        setattr(target, attname, c["new"])
        fields.append(c["field"])
    try:
        target.full_clean()
    except ValidationError as exc:
        raise _refusal(exc) from exc
    target.save(update_fields=fields)
    if isinstance(target, User) and "is_active" in fields and not target.is_active:
        user_deactivated(user=target, actor=change.decided_by)


def _decide(change: ChangeRequest, *, actor: User, status: str, reason: str) -> ChangeRequest:
    """Claim the pending request with a conditional UPDATE (two approvers clicking at once: one
    wins) and write the decision's audit row."""
    now = timezone.now()
    claimed = ChangeRequest.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(
        status=status,
        decided_by=actor,
        decided_at=now,
        reason=reason,
    )
    if not claimed:
        raise ValidationError("该申请已被处理，请刷新页面查看结果。")
    change.refresh_from_db()
    return change


def change_request_approve(
    *, change: ChangeRequest, actor: User, reason: str = ""
) -> ChangeRequest:
    """The 安全管理员 approves: the change is applied, in the same transaction, or nothing is."""
    _check_decider(change, actor, approving=True)
    with transaction.atomic():
        change = _decide(
            change, actor=actor, status=ChangeStatus.APPROVED, reason=(reason or "").strip()
        )
        _apply(change)
        audit_write(
            action=AuditAction.UPDATE,
            obj=change,
            actor=actor,
            changes={
                "before": {"status": ChangeStatus.PENDING},
                "after": {
                    "status": ChangeStatus.APPROVED,
                    "decided_by": actor.pk,
                    "target_user": change.target_user_id,
                    "reason": change.reason,
                },
            },
            detail=f"批准{change.get_kind_display()}申请（申请人：{change.requester.username}）：{change.changes_text()}",
        )
    return change


def change_request_reject(*, change: ChangeRequest, actor: User, reason: str) -> ChangeRequest:
    """The 安全管理员 refuses, saying why; nothing changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "拒绝申请须填写理由。"})
    _check_decider(change, actor, approving=False)
    with transaction.atomic():
        change = _decide(change, actor=actor, status=ChangeStatus.REJECTED, reason=reason)
        audit_write(
            action=AuditAction.UPDATE,
            obj=change,
            actor=actor,
            changes={
                "before": {"status": ChangeStatus.PENDING},
                "after": {
                    "status": ChangeStatus.REJECTED,
                    "decided_by": actor.pk,
                    "reason": reason,
                },
            },
            detail=f"拒绝{change.get_kind_display()}申请（申请人：{change.requester.username}）：{reason}",
        )
    return change


def change_request_password_reveal(*, change: ChangeRequest, actor: User) -> str:
    """The initial password of an approved new account or reset, generated now and shown to the
    requester exactly once. Only its hash is kept; a second call is refused."""
    if change.requester_id != actor.pk:
        raise ValidationError("初始密码只向提交申请的系统管理员显示。")
    if change.status != ChangeStatus.APPROVED or not change.gives_password:
        raise ValidationError("该申请没有待显示的初始密码。")
    with transaction.atomic():
        now = timezone.now()
        claimed = ChangeRequest.objects.filter(pk=change.pk, password_shown_at__isnull=True).update(
            password_shown_at=now
        )
        if not claimed:
            raise ValidationError("初始密码已显示过一次，不再显示。如未记下，请重新申请重置密码。")
        password = password_generate()
        user_set_password(user=change.target_user, password=password, actor=actor, must_change=True)
        audit_write(
            action=AuditAction.UPDATE,
            obj=change,
            actor=actor,
            changes={
                "before": {"password_shown_at": None},
                "after": {"password_shown_at": now.isoformat()},
            },
            detail="初始密码已向申请人显示（仅此一次，不保存明文）。",
        )
    change.password_shown_at = now
    return password
