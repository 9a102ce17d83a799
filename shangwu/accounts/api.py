from rest_framework import authentication, exceptions

from shangwu.accounts.models import SecurityPolicy


def _check(user):
    if user.is_locked():
        raise exceptions.AuthenticationFailed("账号已锁定。")
    if user.must_change_password or user.password_expired(SecurityPolicy.current().password_max_age_days):
        raise exceptions.PermissionDenied("请先在网页上修改密码。")


class PolicySessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            _check(result[0])
        return result


class PolicyTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; a locked account's token stops working."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        _check(user)
        return user, token
