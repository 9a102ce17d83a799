"""API tokens: issued with an expiry, stored as a hash, listed and revoked by their owner and by
the 安全管理员, and revoked with the password, a lock or a disabled account."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from shangwu.accounts import services
from shangwu.accounts.models import ApiToken, SecurityPolicy, User
from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "Shangwu@2026demo"


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def issue_on_the_page(client, name="报表脚本"):
    response = client.post(reverse("accounts:my_tokens"), {"name": name})
    assert response.status_code == 200
    return re.search(
        r'data-testid="new-token-key">([0-9a-f]{40})<', response.content.decode()
    ).group(1)


def test_a_user_issues_a_token_from_the_user_menu_sees_the_key_once_and_uses_it(
    as_user, county_a, make_enterprise
):
    make_enterprise(county="419902", name="令牌企业有限公司")
    client = as_user(county_a)
    assert reverse("accounts:my_tokens") in client.get(reverse("core:dashboard")).content.decode()
    key = issue_on_the_page(client)
    token = ApiToken.objects.get(user=county_a)
    assert token.name == "报表脚本" and token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8] and key not in str(
        ApiToken.objects.filter(pk=token.pk).values().get()
    )
    page = client.get(reverse("accounts:my_tokens")).content.decode()
    assert key not in page and f"{key[:8]}…" in page and "有效" in page
    body = api(key).get("/api/enterprises/", {"q": "令牌"}).json()
    assert body["results"][0]["name"] == "令牌企业有限公司"
    token.refresh_from_db()
    assert token.last_used_at is not None
    row = AuditLog.objects.get(action=AuditAction.TOKEN, object_id=str(token.pk))
    assert row.actor_username == "county_a" and "有效期至" in row.detail


def test_a_token_expires_after_ninety_days_by_default_and_after_the_policys_days(county_a):
    token, _ = services.api_token_create(user=county_a, name="默认", actor=county_a)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    policy = SecurityPolicy.current()
    policy.api_token_days = 7
    policy.save()
    token, _ = services.api_token_create(user=county_a, name="短期", actor=county_a)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_a_token_without_a_name_is_refused_with_a_chinese_message(as_user, county_a):
    response = as_user(county_a).post(reverse("accounts:my_tokens"), {"name": "  "})
    assert "请填写令牌的名称或用途" in response.content.decode()
    assert not ApiToken.objects.filter(user=county_a).exists()


def test_an_expired_token_gets_a_chinese_401_and_the_use_is_audited(county_a):
    token, key = services.api_token_create(user=county_a, name="旧脚本", actor=county_a)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = api(key).get("/api/enterprises/")
    assert (
        response.status_code == 401
        and "API令牌已于" in response.json()["detail"]
        and "过期" in response.json()["detail"]
    )
    row = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED, object_id=str(token.pk))
    assert "过期的API令牌" in row.detail and row.actor_username == "county_a"


def test_an_unknown_token_gets_a_chinese_401(db):
    response = api("0" * 40).get("/api/enterprises/")
    assert response.status_code == 401 and response.json()["detail"] == "API令牌无效。"


def test_the_last_use_is_recorded_at_most_once_a_minute(county_a):
    token, key = services.api_token_create(user=county_a, name="脚本", actor=county_a)
    client = api(key)
    client.get("/api/enterprises/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/enterprises/")
    assert not [
        q for q in queries if q["sql"].startswith("UPDATE") and "accounts_apitoken" in q["sql"]
    ]
    earlier = timezone.now() - timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    client.get("/api/enterprises/")
    token.refresh_from_db()
    assert token.last_used_at > earlier + timedelta(seconds=60)


def test_the_owner_revokes_a_token_on_their_page_and_it_stops_working(as_user, county_a):
    client = as_user(county_a)
    key = issue_on_the_page(client)
    token = ApiToken.objects.get(user=county_a)
    assert (
        "确认撤销"
        in client.get(reverse("accounts:apitoken_revoke", args=[token.pk])).content.decode()
    )
    response = client.post(reverse("accounts:apitoken_revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:my_tokens")
    response = api(key).get("/api/enterprises/")
    assert response.status_code == 401 and "API令牌已撤销" in response.json()["detail"]
    row = AuditLog.objects.get(action=AuditAction.TOKEN_REVOKE, object_id=str(token.pk))
    assert row.actor_username == "county_a" and "本人撤销" in row.detail
    assert "已撤销" in client.get(reverse("accounts:my_tokens")).content.decode()


def test_nobody_else_sees_or_revokes_a_users_token(as_user, county_a, county_b, sysadmin):
    token, key = services.api_token_create(user=county_a, name="河东脚本", actor=county_a)
    assert "河东脚本" not in as_user(county_b).get(reverse("accounts:my_tokens")).content.decode()
    assert (
        as_user(county_b).post(reverse("accounts:apitoken_revoke", args=[token.pk])).status_code
        == 404
    )
    assert AuditLog.objects.filter(
        action=AuditAction.DENIED, object_type="accounts.apitoken"
    ).exists()
    assert (
        as_user(sysadmin).post(reverse("accounts:apitoken_revoke", args=[token.pk])).status_code
        == 404
    )
    assert as_user(sysadmin).get(reverse("accounts:apitoken_list")).status_code == 403
    assert api(key).get("/api/enterprises/").status_code == 200


def test_the_security_admin_lists_every_token_and_revokes_one(
    as_user, secadmin, county_a, county_b
):
    services.api_token_create(user=county_a, name="河东脚本", actor=county_a)
    token, key = services.api_token_create(user=county_b, name="河西对接", actor=county_b)
    client = as_user(secadmin)
    page = client.get(reverse("accounts:apitoken_list")).content.decode()
    assert "河东脚本" in page and "河西对接" in page and "county_b" in page
    assert (
        "河西对接"
        not in client.get(reverse("accounts:apitoken_list"), {"q": "county_a"}).content.decode()
    )
    assert "API令牌" in client.get(reverse("accounts:policy")).content.decode()  # in the menu
    response = client.post(reverse("accounts:apitoken_revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:apitoken_list")
    assert api(key).get("/api/enterprises/").status_code == 401
    assert (
        "安全管理员撤销"
        in AuditLog.objects.get(action=AuditAction.TOKEN_REVOKE, object_id=str(token.pk)).detail
    )
    page = client.get(reverse("accounts:apitoken_list"), {"state": "revoked"}).content.decode()
    assert "河西对接" in page and "河东脚本" not in page


def test_changing_ones_password_revokes_every_token(as_user, county_a):
    keys = [
        services.api_token_create(user=county_a, name=f"脚本{i}", actor=county_a)[1]
        for i in range(2)
    ]
    response = as_user(county_a).post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Changed#Pass2026",
            "new_password2": "Changed#Pass2026",
        },
    )
    assert response.status_code == 302
    assert all(api(key).get("/api/enterprises/").status_code == 401 for key in keys)
    assert set(ApiToken.objects.filter(user=county_a).values_list("revoked_reason", flat=True)) == {
        "密码已修改"
    }
    assert (
        AuditLog.objects.filter(action=AuditAction.TOKEN_REVOKE, actor_username="county_a").count()
        == 2
    )


def test_an_administrators_password_reset_revokes_every_token(county_a, sysadmin):
    _, key = services.api_token_create(user=county_a, name="脚本", actor=county_a)
    services.user_set_password(
        user=county_a, password="Reset#Pass2026x", actor=sysadmin, must_change=True
    )
    assert api(key).get("/api/enterprises/").status_code == 401


def test_a_lockout_revokes_every_token(client, county_a):
    _, key = services.api_token_create(user=county_a, name="脚本", actor=county_a)
    for _ in range(5):
        client.post(
            reverse("accounts:login"), {"username": "county_a", "password": "wrong-password"}
        )
    assert ApiToken.objects.get(user=county_a).revoked_reason == "账号锁定"
    User.objects.filter(pk=county_a.pk).update(locked_until=None)  # even after the lock ends
    assert api(key).get("/api/enterprises/").status_code == 401


def test_disabling_an_account_revokes_every_token(as_user, sysadmin, secadmin, county_a):
    from shangwu.accounts.models import ChangeRequest

    _, key = services.api_token_create(user=county_a, name="脚本", actor=county_a)
    response = as_user(sysadmin).post(
        reverse("accounts:user_edit", args=[county_a.pk]),
        {
            "username": "county_a",
            "name": county_a.name,
            "role": county_a.role,
            "org_unit": county_a.org_unit_id,
            "position": county_a.position,
            "mobile": county_a.mobile,
        },
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(user=county_a).revoked_at is None  # a request, not yet in force
    change = ChangeRequest.objects.get(target_user=county_a, status="pending")
    approved = as_user(secadmin).post(
        reverse("accounts:changerequest_approve", args=[change.pk]), {"reason": ""}
    )
    assert approved.status_code == 302
    assert ApiToken.objects.get(user=county_a).revoked_reason == "账号停用"
    User.objects.filter(pk=county_a.pk).update(is_active=True)
    assert api(key).get("/api/enterprises/").status_code == 401


def test_a_token_of_an_account_disabled_some_other_way_is_refused_and_revoked(county_a):
    _, key = services.api_token_create(user=county_a, name="脚本", actor=county_a)
    User.objects.filter(pk=county_a.pk).update(is_active=False)
    assert api(key).get("/api/enterprises/").status_code == 401
    assert ApiToken.objects.get(user=county_a).revoked_reason == "账号停用"


def test_create_token_prints_the_key_and_its_expiry_in_beijing_time(capsys, county_a):
    call_command("create_token", "county_a", "--name", "数据对接")
    out = capsys.readouterr().out
    key = re.search(r"令牌：([0-9a-f]{40})", out).group(1)
    token = ApiToken.objects.get(user=county_a)
    assert token.name == "数据对接" and token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert f"有效期至：{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}（北京时间）" in out
    assert api(key).get("/api/enterprises/").status_code == 200


def test_drf_authtoken_is_no_longer_installed():
    assert not apps.is_installed("rest_framework.authtoken")
