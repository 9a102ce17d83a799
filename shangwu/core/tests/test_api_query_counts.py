"""The main API endpoints answer each persona in a fixed number of queries, signed in by session
and by API token: a count, not a timing, so an N+1 or a per-request reload cannot come back
silently (issue 18). These numbers must only go down."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from shangwu.accounts.services import token_create

pytestmark = pytest.mark.django_db

PERSONAS = ["leader", "city_staff", "county_a", "county_b", "township_a1"]

# Queries per request on the small demo city, 2026-12-07 (session / token). A session reads its
# row and the user (with unit, region and the policy's stamp); a token one row for all of that.
# Lists: the count, the page, and one query per prefetched relation (a list's many-to-many ids
# are one query of the link table); details: the record and each shown relation. Case detail
# 7 → 6 (events with their actor), token requests 3 fewer (user, unit, region and policy came
# one by one), on this date. Later that day (branch wt-speed) a list's total is counted only when
# its page is full: projects and tasks lists, under 50 rows for every persona, 1 fewer.
EXPECTED = {
    # endpoint: (session, token)
    "cases-list": (5, 4),
    "cases-detail": (6, 5),
    "enterprises-list": (4, 3),
    "enterprises-detail": (3, 2),
    "projects-list": (3, 2),
    "projects-detail": (3, 2),
    "tasks-list": (6, 5),
    "tasks-detail": (7, 6),
}


def urls_for(user) -> dict[str, str]:
    from shangwu.cases.models import Case
    from shangwu.enterprises.models import Enterprise
    from shangwu.projects.models import Project
    from shangwu.tasks.models import Task

    urls = {}
    for prefix, model in (
        ("cases", Case),
        ("enterprises", Enterprise),
        ("projects", Project),
        ("tasks", Task),
    ):
        urls[f"{prefix}-list"] = f"/api/{prefix}/?page_size=50"
        first = model.objects.restrict(user, "view").order_by("pk").first()
        if first is not None:
            urls[f"{prefix}-detail"] = f"/api/{prefix}/{first.pk}/"
    return urls


def count_queries(api, url) -> tuple[int, int]:
    executed = []

    def record(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = api.get(url)
    return response.status_code, len(executed)


def test_the_main_api_endpoints_stay_within_their_query_counts_by_session_and_token(
    request, demo_city
):
    failures, measured = [], 0
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        session = APIClient()
        session.force_login(user)
        token = APIClient()
        token.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=user)}")
        for name, url in urls_for(user).items():
            for column, (auth, api) in enumerate((("session", session), ("token", token))):
                api.get(url)  # the first request of a session or token does one-off work
                status, queries = count_queries(api, url)
                expected = EXPECTED[name][column]
                measured += 1
                if status != 200:
                    failures.append(f"{name} {url}（{persona}，{auth}）返回 {status}")
                elif queries > expected:
                    failures.append(
                        f"{name} {url}（{persona}，{auth}）查询 {queries} 次，超过上限 {expected} 次"
                    )
    assert measured >= 70
    assert not failures, "\n".join(failures)


def test_a_tokens_request_holds_to_a_security_policy_changed_a_moment_ago(county_a):
    """The token's query brings the policy's stamp: a changed policy is read again at once."""
    from datetime import timedelta

    from django.utils import timezone

    from shangwu.accounts.models import SecurityPolicy, User

    User.objects.filter(pk=county_a.pk).update(
        password_changed_at=timezone.now() - timedelta(days=10)
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=county_a)}")
    assert api.get("/api/enterprises/").status_code == 200
    policy = SecurityPolicy.objects.order_by("pk").first() or SecurityPolicy()
    policy.password_max_age_days = 5
    policy.save()
    response = api.get("/api/enterprises/")
    assert response.status_code == 403
    assert response.json()["detail"] == "请先在网页上修改密码。"
