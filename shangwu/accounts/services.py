"""Sign-in, sign-out, passwords, API tokens and accounts. Every outcome is written to the audit
log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate, login, logout, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from shangwu.accounts.models import ApiToken, LoginAttempt, SecurityPolicy, User
from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core import context

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
        audit_write(action=AuditAction.LOGIN_THROTTLED, object_type="accounts.loginattempt", object_repr=ip,
                    detail=f"{policy.login_throttle_minutes}分钟内第{count}次未成功的登录尝试"
                           f"（上限{policy.login_throttle_attempts}次），未核对密码，已拒绝。")
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
        User.objects.filter(_not_locked(now), pk=user.pk, failed_login_count__lt=policy.lockout_threshold)
        .update(failed_login_count=F("failed_login_count") + 1)
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
            audit_write(action=AuditAction.LOCKOUT, obj=user, actor=user,
                        detail=f"连续{policy.lockout_threshold}次密码错误，锁定至{timezone.localtime(until):%H:%M}。")
            api_token_revoke_all(user=user, actor=None, reason="账号锁定")
    return bool(locked)


def _attempt_failed(*, user: User, policy: SecurityPolicy, now, what: str) -> tuple[int, bool]:
    """A wrong password: audit it (``what`` says where) and lock when the slots are used up.
    Returns (consecutive failures, locked now)."""
    count = User.objects.filter(pk=user.pk).values_list("failed_login_count", flat=True).first() or 0
    audit_write(action=AuditAction.LOGIN_FAILED, obj=user, actor=user, detail=f"{what}，连续失败{count}次。")
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
        User().set_password(password)  # the same work as a wrong password (Django's ModelBackend does this)
        audit_write(action=AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr=username[:200],
                    detail="用户名不存在。")
        raise refused
    if not _attempt_claim(user=account, policy=policy, now=now):
        _lock_if_exhausted(user=account, policy=policy, now=now)  # e.g. the threshold was lowered
        audit_write(action=AuditAction.LOGIN_FAILED, obj=account, actor=account,
                    detail="账号已锁定，未核对密码，拒绝登录。")
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
        audit_write(action=AuditAction.PASSWORD_CHANGE, obj=user, actor=actor,
                    detail="管理员重置密码" if actor.pk != user.pk else "用户修改本人密码")
        api_token_revoke_all(user=user, actor=actor, reason="密码已修改")


def user_change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    """The signed-in user's own change. A wrong old password counts like a failed sign-in (an
    audit row each, the same counter and lock): otherwise a left-open session would let anyone
    guess the password without limit. Raises ``AccountLocked`` when this attempt locks."""
    policy = SecurityPolicy.current()
    now = timezone.now()
    if not _attempt_claim(user=user, policy=policy, now=now):
        _lock_if_exhausted(user=user, policy=policy, now=now)
        audit_write(action=AuditAction.LOGIN_FAILED, obj=user, actor=user,
                    detail="修改密码：账号已锁定，未核对原密码。")
        raise AccountLocked(f"账号已锁定{policy.lockout_minutes}分钟，已退出登录。")
    if not user.check_password(old_password):
        count, locked = _attempt_failed(user=user, policy=policy, now=now, what="修改密码时原密码错误")
        if locked:
            raise AccountLocked(
                f"原密码连续{policy.lockout_threshold}次不正确，账号已锁定{policy.lockout_minutes}分钟，已退出登录。"
            )
        raise ValidationError({"old_password": f"原密码不正确（已连续错{count}次，"
                                               f"满{policy.lockout_threshold}次将锁定账号）。"})
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
            user=user, name=name, prefix=key[:8], key_hash=_key_hash(key),
            expires_at=timezone.now() + timedelta(days=policy.api_token_days),
        )
        audit_write(action=AuditAction.TOKEN, obj=token, actor=actor,
                    detail=f"为用户“{user.username}”签发API令牌，有效期至{_beijing(token.expires_at)}（北京时间）。")
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
            audit_write(action=AuditAction.TOKEN_REVOKE, obj=token, actor=actor,
                        detail=f"撤销用户“{token.user.username}”的API令牌：{reason}。")
    return bool(done)


def api_token_revoke_all(*, user: User, actor, reason: str) -> int:
    """Revoke every live token of ``user`` (one audit row each); returns how many."""
    now = timezone.now()
    count = 0
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).select_related("user"):
        count += api_token_revoke(token=token, actor=actor, reason=reason)
    return count


def api_token_authenticate(*, key: str) -> ApiToken:
    """The token ``key`` belongs to, if it may be used now; its last use is recorded at most
    once a minute. Raises ValidationError with the Chinese reason (the API answers 401)."""
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=_key_hash(key)).first()
    if token is None:
        raise ValidationError("API令牌无效。")
    user = token.user
    if token.revoked_at is not None:
        audit_write(action=AuditAction.LOGIN_FAILED, obj=token, actor=user,
                    detail=f"使用已撤销的API令牌（{token.revoked_reason or '已撤销'}），已拒绝。")
        raise ValidationError("API令牌已撤销，请在“我的API令牌”页面重新签发。")
    if token.expires_at <= now:
        audit_write(action=AuditAction.LOGIN_FAILED, obj=token, actor=user,
                    detail=f"使用已于{_beijing(token.expires_at)}过期的API令牌，已拒绝。")
        raise ValidationError(f"API令牌已于{_beijing(token.expires_at)}（北京时间）过期，请在“我的API令牌”页面重新签发。")
    if not user.is_active or user.is_locked(now):
        api_token_revoke_all(user=user, actor=None, reason="账号停用" if not user.is_active else "账号锁定")
        raise ValidationError("账号已锁定或停用，API令牌已作废。")
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOKEN_USED_EVERY_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
