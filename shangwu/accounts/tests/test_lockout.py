"""Failed passwords: counted atomically, on the sign-in and the password-change form alike; a
throttle per source address; and answers that never tell whether an account exists."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import OperationalError, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts import services
from shangwu.accounts.models import LoginAttempt, SecurityPolicy, User
from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.core.context import acting

PASSWORD = "Shangwu@2026demo"
REFUSED = "用户名或密码不正确。连续5次输错密码，账号将锁定15分钟；已锁定的账号请稍后再试，或联系安全管理员解锁。"


def sign_in(client, username, password=PASSWORD, ip="10.1.1.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def change_password(client, old, new="Changed#Pass2026"):
    return client.post(
        reverse("accounts:password_change"),
        {
            "old_password": old,
            "new_password1": new,
            "new_password2": new,
        },
    )


def login_error(response) -> str:
    return response.context["form"].non_field_errors()[0]


# --- the password-change form counts like sign-in --------------------------------------------------


@pytest.mark.django_db
def test_each_wrong_old_password_is_audited_and_counted(as_user, county_a):
    client = as_user(county_a)
    response = change_password(client, "wrong-old-1")
    assert "原密码不正确（已连续错1次，满5次将锁定账号）" in response.content.decode()
    change_password(client, "wrong-old-2")
    rows = AuditLog.objects.filter(
        action=AuditAction.LOGIN_FAILED, object_id=str(county_a.pk)
    ).order_by("id")
    assert [r.detail for r in rows] == [
        "修改密码时原密码错误，连续失败1次。",
        "修改密码时原密码错误，连续失败2次。",
    ]
    county_a.refresh_from_db()
    assert county_a.failed_login_count == 2 and county_a.check_password(PASSWORD)


@pytest.mark.django_db
def test_five_wrong_old_passwords_lock_the_account_and_sign_the_user_out(as_user, county_a):
    client = as_user(county_a)
    for i in range(4):
        assert change_password(client, f"wrong-old-{i}").status_code == 200
    response = change_password(client, "wrong-old-5")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    messages = [str(m) for m in client.get(reverse("accounts:login")).context["messages"]]
    assert "原密码连续5次不正确，账号已锁定15分钟，已退出登录。" in messages
    county_a.refresh_from_db()
    assert county_a.is_locked() and county_a.check_password(PASSWORD)
    assert (
        AuditLog.objects.filter(action=AuditAction.LOCKOUT, object_id=str(county_a.pk)).count() == 1
    )
    assert (
        login_error(sign_in(Client(), "county_a")) == REFUSED
    )  # the right password waits for the lock


@pytest.mark.django_db
def test_failed_sign_ins_and_wrong_old_passwords_share_one_counter(county_a):
    client = Client()
    for _ in range(3):
        sign_in(client, "county_a", "wrong-password")
    sign_in(client, "county_a")  # the right password resets the count
    for _ in range(4):
        change_password(client, "wrong-old")
    county_a.refresh_from_db()
    assert county_a.failed_login_count == 4 and not county_a.is_locked()
    assert (
        change_password(client, PASSWORD).status_code == 302
    )  # and so does the right old password
    county_a.refresh_from_db()
    assert county_a.failed_login_count == 0


# --- the answer never tells whether an account exists ------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_name_a_wrong_password_and_a_locked_account_get_the_same_answer(county_a):
    unknown = login_error(sign_in(Client(), "no_such_user", "whatever"))
    wrong = login_error(sign_in(Client(), "county_a", "wrong-password"))
    User.objects.filter(pk=county_a.pk).update(locked_until=timezone.now() + timedelta(minutes=10))
    locked_right_password = login_error(sign_in(Client(), "county_a"))
    locked_wrong_password = login_error(sign_in(Client(), "county_a", "wrong-password"))
    assert unknown == wrong == locked_right_password == locked_wrong_password == REFUSED


@pytest.mark.django_db
def test_the_fifth_failure_answers_like_the_first(county_a):
    answers = {login_error(sign_in(Client(), "county_a", "wrong-password")) for _ in range(5)}
    assert answers == {REFUSED}
    county_a.refresh_from_db()
    assert county_a.is_locked()


@pytest.mark.django_db
def test_lowering_the_threshold_locks_an_account_already_past_it(county_a):
    User.objects.filter(pk=county_a.pk).update(failed_login_count=4)
    SecurityPolicy.objects.create(lockout_threshold=3)
    assert "连续3次输错密码" in login_error(sign_in(Client(), "county_a"))
    county_a.refresh_from_db()
    assert county_a.is_locked()


# --- lockout is counted atomically ---------------------------------------------------------------------


def wait_for_shared_cache_lock(execute, sql, params, many, context):
    """The in-memory SQLite test database is shared between threads in shared-cache mode, where
    a busy table answers "database table is locked" at once instead of waiting (a file database,
    as in production, waits ``timeout`` seconds). Wait here as the file database would."""
    for _ in range(2000):
        try:
            return execute(sql, params, many, context)
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.005)
    return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
def test_twenty_four_simultaneous_wrong_passwords_evaluate_at_most_five(real_database, monkeypatch):
    """24 threads, each with its own database connection (and own address), send a wrong
    password for county_a at the same moment: the attempt slots are claimed in the database, so
    the password hasher runs at most the policy's 5 times, and every answer is the same."""
    checks = []
    lock = threading.Lock()
    verify = MD5PasswordHasher.verify

    def counted_verify(self, password, encoded):
        with lock:
            checks.append(password)
        return verify(self, password, encoded)

    monkeypatch.setattr(MD5PasswordHasher, "verify", counted_verify)
    barrier = threading.Barrier(24)
    answers = [None] * 24

    def attempt(i):
        request = RequestFactory().post("/accounts/login/")
        try:
            with (
                acting(request=request, ip=f"10.9.0.{i + 1}", path="/accounts/login/"),
                connection.execute_wrapper(wait_for_shared_cache_lock),
            ):
                barrier.wait()
                services.user_login(request=request, username="county_a", password=f"wrong-{i}")
        except Exception as exc:  # noqa: BLE001 - each thread's answer is inspected below
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [getattr(a, "messages", a) for a in answers] == [[REFUSED]] * 24
    assert 1 <= len(checks) <= 5
    county_a = User.objects.get(username="county_a")
    assert county_a.is_locked()
    assert (
        AuditLog.objects.filter(action=AuditAction.LOCKOUT, object_id=str(county_a.pk)).count() == 1
    )


# --- the throttle per source address -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_twenty_first_attempt_from_one_address_in_five_minutes_is_refused_and_audited(county_a):
    client = Client()
    for i in range(20):
        assert login_error(sign_in(client, f"guess{i}", "x", ip="203.0.113.7")) == REFUSED
    response = sign_in(client, "county_a", ip="203.0.113.7")  # even the right password
    assert login_error(response) == "该地址登录尝试过于频繁，请5分钟后再试。"
    assert "_auth_user_id" not in client.session
    row = AuditLog.objects.get(action=AuditAction.LOGIN_THROTTLED)
    assert row.ip == "203.0.113.7" and "第21次" in row.detail
    assert (
        sign_in(Client(), "county_a", ip="198.51.100.2").status_code == 302
    )  # another address is not affected


@pytest.mark.django_db
def test_successful_sign_ins_from_one_office_address_are_not_throttled(
    county_a, county_b, city_staff
):
    for _ in range(10):
        for user in ("county_a", "county_b", "city_staff"):
            assert sign_in(Client(), user, ip="192.0.2.1").status_code == 302
    assert not LoginAttempt.objects.filter(ip="192.0.2.1").exists()


@pytest.mark.django_db
def test_the_throttle_counts_only_the_window(county_a):
    LoginAttempt.objects.bulk_create(
        [
            LoginAttempt(ip="203.0.113.8", at=timezone.now() - timedelta(minutes=6))
            for _ in range(30)
        ]
    )
    assert sign_in(Client(), "county_a", ip="203.0.113.8").status_code == 302


@pytest.mark.django_db
def test_the_throttle_follows_the_policy(as_user, secadmin, county_a):
    response = as_user(secadmin).post(
        reverse("accounts:policy"),
        {
            "password_min_length": 10,
            "password_min_classes": 3,
            "password_max_age_days": 90,
            "lockout_threshold": 5,
            "lockout_minutes": 15,
            "session_idle_minutes": 30,
            "session_absolute_hours": 8,
            "api_token_days": 90,
            "login_throttle_attempts": 6,
            "login_throttle_minutes": 10,
        },
    )
    assert response.status_code == 302
    client = Client()
    for i in range(6):
        sign_in(client, f"guess{i}", "x", ip="203.0.113.9")
    assert (
        login_error(sign_in(client, "county_a", ip="203.0.113.9"))
        == "该地址登录尝试过于频繁，请10分钟后再试。"
    )


@pytest.mark.django_db
def test_the_throttle_uses_the_forwarded_address_behind_a_proxy(settings, county_a):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for i in range(20):
        client.post(
            reverse("accounts:login"),
            {"username": f"guess{i}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.10",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "county_a", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.3",
    )
    assert response.status_code == 302  # the proxy's own address is not what is counted


@pytest.mark.django_db
def test_a_policy_with_a_throttle_below_the_lockout_threshold_is_refused(as_user, secadmin):
    response = as_user(secadmin).post(
        reverse("accounts:policy"),
        {
            "password_min_length": 10,
            "password_min_classes": 3,
            "password_max_age_days": 90,
            "lockout_threshold": 5,
            "lockout_minutes": 15,
            "session_idle_minutes": 30,
            "session_absolute_hours": 8,
            "api_token_days": 400,
            "login_throttle_attempts": 3,
            "login_throttle_minutes": 5,
        },
    )
    page = response.content.decode()
    assert (
        "同一地址登录尝试上限不得少于连续失败锁定次数" in page
        and "API令牌有效期应在1到365天之间" in page
    )
