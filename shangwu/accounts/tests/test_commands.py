import re

import pytest
from django.contrib.auth import password_validation
from django.core.management import CommandError, call_command

from shangwu.accounts.models import ChangeRequest, User

pytestmark = pytest.mark.django_db


def test_init_platform_refuses_when_admins_exist(sysadmin):
    with pytest.raises(CommandError, match="已初始化"):
        call_command("init_platform", "--city-code", "419900", "--city-name", "云河市")


def test_init_platform_creates_the_three_admins_with_forced_password_change(capsys):
    for user in User.objects.filter(
        role__in=["sysadmin", "secadmin", "auditor"]
    ):  # a fresh install
        User.objects.filter(pk=user.pk).update(username=f"old_{user.username}", role="city_staff")
    call_command("init_platform", "--city-code", "419900", "--city-name", "云河市")
    out = capsys.readouterr().out
    for username in ("sysadmin", "secadmin", "auditor"):
        password = re.search(rf"{username}（.*?）初始密码：(\S+)", out).group(1)
        user = User.objects.get(username=username)
        assert user.check_password(password) and user.must_change_password
        password_validation.validate_password(
            password, user
        )  # the generated password meets the policy
    # Bootstrapping is outside the approval flow: there is no 安全管理员 yet to approve anything.
    assert not ChangeRequest.objects.exists()


def test_init_platform_names_a_bad_city_code():
    with pytest.raises(CommandError, match="--city-code 应为6位数字"):
        call_command("init_platform", "--city-code", "41990", "--city-name", "云河市")
