from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import authentication, exceptions

from shangwu.accounts import services
from shangwu.accounts.models import SecurityPolicy


def _check(user):
    if user.is_locked():
        raise exceptions.AuthenticationFailed("账号已锁定。")
    if user.must_change_password or user.password_expired(
        SecurityPolicy.current(user=user).password_max_age_days
    ):
        raise exceptions.PermissionDenied("请先在网页上修改密码。")


class PolicySessionAuthentication(authentication.SessionAuthentication):
    """The signed-in session, held to the policy's idle and absolute limits here too (the
    middleware has normally signed an expired session out already; this holds even if it did
    not run, e.g. for a view mounted outside it)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            reason = services.session_expired_reason(
                request=request._request,
                policy=SecurityPolicy.current(),
                now=timezone.now().timestamp(),
            )
            if reason:
                raise exceptions.AuthenticationFailed(reason)
            _check(result[0])
        return result


class PolicyTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: the platform's own tokens (``ApiToken``, stored as a
    SHA-256). An expired or revoked token, or one of a locked or disabled account, answers 401
    with the reason in Chinese."""

    def authenticate_credentials(self, key):
        try:
            token = services.api_token_authenticate(key=key)
        except ValidationError as exc:
            raise exceptions.AuthenticationFailed(exc.messages[0]) from exc
        _check(token.user)
        return token.user, token
