"""A list's total: exact and cheap on the short lists a user pages through, counted once per query
(for a few minutes) on a long one (``core.views.ListPaginator``, issue 18)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shangwu.core.views import ListPaginator

pytestmark = pytest.mark.django_db


def counts(captured) -> list[str]:
    """The counts of enterprises a request ran."""
    return [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT COUNT(*)") and '"enterprises_enterprise"' in q["sql"]
    ]


def visible(user) -> int:
    from shangwu.enterprises.models import Enterprise

    return Enterprise.objects.restrict(user, "view").count()


def test_a_short_list_is_counted_exactly_with_a_bounded_count(as_user, county_a, make_enterprise):
    for _ in range(3):
        make_enterprise(county="419902")
    with CaptureQueriesContext(connection) as captured:
        page = as_user(county_a).get("/enterprises/").content.decode()
    assert f"共 {visible(county_a)} 条" in page
    [count] = counts(captured)
    assert "LIMIT 1001" in count


def test_a_long_list_is_counted_exactly_once_then_from_the_cache(
    monkeypatch, as_user, county_a, make_enterprise
):
    monkeypatch.setattr(ListPaginator, "exact_up_to", 2)
    cache.clear()
    for _ in range(3):
        make_enterprise(county="419902")
    client, total = as_user(county_a), visible(county_a)
    with CaptureQueriesContext(connection) as first:
        assert f"共 {total} 条" in client.get("/enterprises/?per_page=2").content.decode()
    with CaptureQueriesContext(connection) as second:
        page = client.get("/enterprises/?per_page=2&page=2").content.decode()
    assert f"共 {total} 条，第 2 / {(total + 1) // 2} 页" in page
    assert len(counts(first)) == 2  # the bounded count, then the exact one
    assert len(counts(second)) == 1 and "LIMIT 3" in counts(second)[0]
    cache.clear()
