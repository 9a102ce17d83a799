from django.utils import timezone

from shangwu.accounts.models import User


def user_list_locked(*, user):
    return User.objects.restrict(user, "view").filter(locked_until__gt=timezone.now())
