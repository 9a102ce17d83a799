"""The session limits hold for every request a session authenticates, the API included."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shangwu.accounts import services
from shangwu.accounts.api import PolicySessionAuthentication
from shangwu.accounts.models import SecurityPolicy

pytestmark = pytest.mark.django_db
PASSWORD = "Shangwu@2026demo"


def signed_in(username="county_a"):
    client = Client()
    assert (
        client.post(
            reverse("accounts:login"), {"username": username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client


def age_session(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Basic Y291bnR5X2E6eA==", "Bearer x"])
def test_an_idle_session_is_refused_by_the_api_even_when_an_authorization_header_comes_along(
    county_a, header
):
    client = signed_in()
    assert client.get("/api/enterprises/").status_code == 200
    age_session(client, services.SESSION_SEEN_AT, 31 * 60)
    response = client.get("/api/enterprises/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session  # the session itself has ended
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_session_older_than_eight_hours_is_refused_by_the_api_with_the_reason(county_a):
    client = signed_in()
    age_session(client, services.SESSION_LOGIN_AT, 8 * 3600 + 60)
    response = client.get("/api/enterprises/")
    assert response.status_code == 401
    assert response.json()["detail"] == "登录已超过8小时，请重新登录。"


def test_an_expired_session_with_a_valid_token_is_answered_by_the_token_alone(county_a):
    client = signed_in()
    key = services.token_create(user=county_a)
    age_session(client, services.SESSION_SEEN_AT, 31 * 60)
    response = client.get("/api/enterprises/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_api_session_authentication_itself_refuses_an_idle_session(county_a):
    """Even where the middleware did not run, the API's session authentication keeps the limit."""
    request = APIRequestFactory().get("/api/enterprises/")
    request.session = SessionStore()
    now = timezone.now().timestamp()
    request.session[services.SESSION_LOGIN_AT] = now - 3600
    request.session[services.SESSION_SEEN_AT] = now - 31 * 60
    request.user = county_a
    with pytest.raises(exceptions.AuthenticationFailed, match="超过30分钟未操作"):
        PolicySessionAuthentication().authenticate(Request(request))


def test_last_seen_is_written_at_most_once_a_minute(county_a):
    client = signed_in()
    client.get(reverse("core:dashboard"))
    seen = client.session[services.SESSION_SEEN_AT]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:dashboard")).status_code == 200
    session_writes = [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert session_writes == []
    assert client.session[services.SESSION_SEEN_AT] == seen
    age_session(client, services.SESSION_SEEN_AT, 61)
    client.get(reverse("core:dashboard"))
    assert client.session[services.SESSION_SEEN_AT] > seen - 61


def test_the_idle_limit_still_counts_from_the_last_recorded_minute(county_a):
    client = signed_in()
    age_session(client, services.SESSION_SEEN_AT, 29 * 60 + 30)
    assert (
        client.get(reverse("core:dashboard")).status_code == 200
    )  # 29½ minutes: still valid, recorded anew
    age_session(client, services.SESSION_SEEN_AT, 29 * 60 + 30)
    assert client.get(reverse("core:dashboard")).status_code == 200


def _reads(queries, table):
    """The queries that read rows of ``table`` (not those that only name it in a subquery)."""
    return [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}".')]


@pytest.mark.parametrize("url", ["/api/enterprises/", "/enterprises/", "/help/"])
def test_a_signed_in_request_loads_the_user_once_and_the_policy_only_when_it_changed(county_a, url):
    """The user comes with their unit and region in one query (the data scope every page starts
    from); the policy row is read again only when its stamp, which rides on that query, moves."""
    SecurityPolicy.objects.create(session_idle_minutes=30)
    client = signed_in()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    own_row = f'"accounts_user"."id" = {county_a.pk}'
    assert len([q for q in _reads(queries, "accounts_user") if own_row in q]) == 1
    assert _reads(queries, "accounts_securitypolicy") == []
    unit = county_a.org_unit
    lazy_loads = [
        f'WHERE "organization_orgunit"."id" = {unit.pk} LIMIT 21',
        f'WHERE "organization_region"."id" = {unit.region_id} LIMIT 21',
    ]
    assert [q["sql"] for q in queries if q["sql"].endswith(tuple(lazy_loads))] == []


def test_a_policy_changed_by_another_worker_is_in_force_on_the_next_request(county_a, secadmin):
    """No signal reaches the other processes: the stamp does. Here the row changes behind this
    process's back (a queryset update, as another worker's save would look from here)."""
    policy = SecurityPolicy.objects.create(session_idle_minutes=30)
    client = signed_in()
    assert client.get(reverse("core:dashboard")).status_code == 200
    age_session(client, services.SESSION_SEEN_AT, 10 * 60)
    SecurityPolicy.objects.filter(pk=policy.pk).update(
        session_idle_minutes=5, updated_at=timezone.now()
    )
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_secadmins_edit_of_the_policy_holds_from_the_next_request(county_a, as_user, secadmin):
    client = signed_in()
    assert client.get(reverse("core:dashboard")).status_code == 200
    age_session(client, services.SESSION_SEEN_AT, 10 * 60)
    admin = as_user(secadmin)
    page = admin.get(reverse("accounts:policy"))
    data = {
        k: v for k, v in page.context["form"].initial.items() if k in page.context["form"].fields
    }
    data["session_idle_minutes"] = 5
    assert admin.post(reverse("accounts:policy"), data).status_code == 302
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_refused_policy_form_leaves_the_policy_in_force_untouched(secadmin, as_user):
    """The form is bound to this request's own copy of the cached policy."""
    SecurityPolicy.objects.create(session_idle_minutes=30)
    admin = as_user(secadmin)
    admin.get(reverse("accounts:policy"))
    response = admin.post(reverse("accounts:policy"), {"session_idle_minutes": "0"})
    assert response.status_code == 200 and response.context["form"].errors
    assert admin.get(reverse("accounts:policy")).context["form"].instance.session_idle_minutes == 30


def test_a_session_begun_outside_the_sign_in_form_is_held_to_the_absolute_limit_too(
    as_user, county_a
):
    client = as_user(county_a)  # force_login: no sign-in time recorded by user_login
    assert client.get(reverse("core:dashboard")).status_code == 200
    age_session(client, services.SESSION_LOGIN_AT, 8 * 3600 + 60)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
