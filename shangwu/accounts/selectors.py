from django.utils import timezone

from shangwu.accounts.models import ApiToken, User
from shangwu.core.access import can


def user_list_locked(*, user):
    return User.objects.restrict(user, "view").filter(locked_until__gt=timezone.now())


def api_token_list_for(*, user, action: str = "view"):
    """The API tokens ``user`` may see or revoke: the 安全管理员 all of them (``restrict``),
    everyone else their own."""
    tokens = ApiToken.objects.select_related("user")
    if can(user, ApiToken.access, action):
        return tokens.restrict(user, action)
    return tokens.filter(user_id=user.pk)
