"""Sign-in, sign-out, passwords and accounts. Every outcome is written to the audit log."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import authenticate, login, logout, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token

from shangwu.accounts.models import SecurityPolicy, User
from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write

SESSION_LOGIN_AT = "shangwu_login_at"
SESSION_SEEN_AT = "shangwu_seen_at"


def user_login(*, request, username: str, password: str) -> User:
    """Check the credentials against the lockout rule and sign the user in.

    等保 三级: after ``lockout_threshold`` consecutive failures the account is locked for
    ``lockout_minutes``; while locked even the right password is refused.
    """
    policy = SecurityPolicy.current()
    now = timezone.now()
    account = User.objects.filter(username=username).first()
    if account is not None and account.is_locked(now):
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        audit_write(action=AuditAction.LOGIN_FAILED, obj=account, actor=account,
                    detail="账号已锁定，拒绝登录。")
        raise ValidationError(f"账号已锁定，请{minutes}分钟后再试，或联系安全管理员解锁。", code="locked")
    user = authenticate(request, username=username, password=password)
    if user is None:
        if account is not None:
            locked_now = False
            with transaction.atomic():
                User.objects.filter(pk=account.pk).update(failed_login_count=F("failed_login_count") + 1)
                account.refresh_from_db(fields=["failed_login_count"])
                audit_write(action=AuditAction.LOGIN_FAILED, obj=account, actor=account,
                            detail=f"密码错误，连续失败{account.failed_login_count}次。")
                if account.failed_login_count >= policy.lockout_threshold:
                    until = now + timedelta(minutes=policy.lockout_minutes)
                    User.objects.filter(pk=account.pk).update(locked_until=until, failed_login_count=0)
                    audit_write(action=AuditAction.LOCKOUT, obj=account, actor=account,
                                detail=f"连续{policy.lockout_threshold}次登录失败，锁定至{timezone.localtime(until):%H:%M}。")
                    locked_now = True
            if locked_now:
                raise ValidationError(
                    f"连续{policy.lockout_threshold}次密码错误，账号已锁定{policy.lockout_minutes}分钟。",
                    code="locked",
                )
        else:
            audit_write(action=AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr=username[:200],
                        detail="用户名不存在。")
        raise ValidationError("用户名或密码不正确。", code="invalid_login")
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    login(request, user)
    request.session[SESSION_LOGIN_AT] = now.timestamp()
    request.session[SESSION_SEEN_AT] = now.timestamp()
    audit_write(action=AuditAction.LOGIN, obj=user, actor=user)
    return user


def user_logout(*, request, reason: str = "") -> None:
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit_write(action=AuditAction.LOGOUT, obj=user, actor=user, detail=reason)
    logout(request)


def user_set_password(*, user: User, password: str, actor: User, must_change: bool = False) -> None:
    """Set a password after checking the policy. An administrator's reset forces a change at
    next login; the user's own change clears it."""
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_write(action=AuditAction.PASSWORD_CHANGE, obj=user, actor=actor,
                    detail="管理员重置密码" if actor.pk != user.pk else "用户修改本人密码")


def user_change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确。"})
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


def token_create(*, user: User, actor=None) -> str:
    """A fresh API token for ``user`` (an older one is replaced)."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_write(action=AuditAction.TOKEN, obj=user, actor=actor, detail="签发新的API令牌（旧令牌作废）。")
    return token.key
