"""等保 三级 authentication rules: password policy, lockout, session timeouts, forced changes."""

from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts import services
from shangwu.accounts.models import SecurityPolicy, User
from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.organization.models import OrgUnit

pytestmark = pytest.mark.django_db
PASSWORD = "Shangwu@2026demo"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Ab1!short", "至少需要10个字符"),
        ("abcdefghijk", "至少3类"),
        ("abcdefgh12", "至少3类"),
        ("Password123", "常见"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password)
    assert any(reason in m or (reason == "常见" and "太常见" in m) for m in exc.value.messages), (
        exc.value.messages
    )


def test_a_strong_password_is_accepted():
    password_validation.validate_password("Yunhe#Commerce2026")


def test_five_failures_lock_and_the_sixth_attempt_fails_even_with_the_right_password(county_a):
    client = Client()
    answers = [sign_in(client, "county_a", "wrong-password").content.decode() for _ in range(5)]
    assert all("用户名或密码不正确" in a for a in answers)
    county_a.refresh_from_db()
    assert county_a.is_locked()
    response = sign_in(client, "county_a", PASSWORD)
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert (
        AuditLog.objects.filter(action=AuditAction.LOCKOUT, object_id=str(county_a.pk)).count() == 1
    )


def test_the_lock_lifts_after_fifteen_minutes(county_a):
    User.objects.filter(pk=county_a.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    response = sign_in(Client(), "county_a")
    assert response.status_code == 302


def test_security_admin_unlocks_an_account(as_user, secadmin, county_a):
    User.objects.filter(pk=county_a.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    as_user(secadmin).post(reverse("accounts:user_unlock", args=[county_a.pk]))
    county_a.refresh_from_db()
    assert not county_a.is_locked()
    assert sign_in(Client(), "county_a").status_code == 302


def test_idle_session_ends_after_thirty_minutes(county_a):
    client = Client()
    sign_in(client, "county_a")
    assert client.get(reverse("core:dashboard")).status_code == 200
    session = client.session
    session[services.SESSION_SEEN_AT] -= 31 * 60
    session.save()
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_session_ends_after_eight_hours_even_when_active(county_a):
    client = Client()
    sign_in(client, "county_a")
    session = client.session
    session[services.SESSION_LOGIN_AT] -= 8 * 3600 + 60
    session.save()
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_new_user_must_change_password_before_anything_else():
    unit = OrgUnit.objects.get(name="外贸科")
    user = User.objects.create(username="newbie", name="新人", role="city_staff", org_unit=unit)
    user.set_password("Initial#Pass2026")
    user.save()
    client = Client()
    assert sign_in(client, "newbie", "Initial#Pass2026").status_code == 302
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:password_change"
    )
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Initial#Pass2026",
            "new_password1": "Changed#Pass2026",
            "new_password2": "Changed#Pass2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_password_older_than_ninety_days_must_be_changed(county_a):
    User.objects.filter(pk=county_a.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    client = Client()
    sign_in(client, "county_a")
    response = client.get(reverse("enterprises:enterprise_list"))
    assert response["Location"] == reverse("accounts:password_change")


def test_password_change_refuses_a_weak_new_password(as_user, county_a):
    response = as_user(county_a).post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "abc",
            "new_password2": "abc",
        },
    )
    assert "至少需要10个字符" in response.content.decode()


def test_security_admin_changes_the_policy_and_it_applies(as_user, secadmin, county_a):
    response = as_user(secadmin).post(
        reverse("accounts:policy"),
        {
            "password_min_length": 12,
            "password_min_classes": 3,
            "password_max_age_days": 90,
            "lockout_threshold": 3,
            "lockout_minutes": 15,
            "session_idle_minutes": 30,
            "session_absolute_hours": 8,
            "api_token_days": 30,
            "login_throttle_attempts": 20,
            "login_throttle_minutes": 5,
        },
    )
    assert response.status_code == 302
    assert SecurityPolicy.current().lockout_threshold == 3
    assert SecurityPolicy.current().api_token_days == 30
    client = Client()
    for _ in range(3):
        sign_in(client, "county_a", "wrong-password")
    county_a.refresh_from_db()
    assert county_a.is_locked()


def test_system_admin_cannot_change_the_security_policy(as_user, sysadmin):
    assert as_user(sysadmin).get(reverse("accounts:policy")).status_code == 403


def test_security_admin_cannot_manage_accounts(as_user, secadmin):
    assert as_user(secadmin).get(reverse("accounts:user_add")).status_code == 403


def test_forms_are_refused_without_a_csrf_token(county_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "county_a", "password": PASSWORD}
    )
    assert response.status_code == 403
    client.force_login(county_a)
    response = client.post(reverse("accounts:password_change"), {"old_password": PASSWORD})
    assert response.status_code == 403


def test_cookies_and_headers_follow_the_security_settings(settings, county_a):
    client = Client()
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    response = sign_in(client, "county_a")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
