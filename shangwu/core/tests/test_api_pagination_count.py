"""An API list counts its rows only when the page is full (issue 18): a page that is not full is
the last one, so its total is known from the page itself. The totals, the links and the 404 past
the last page are the same as Django's paginator gives."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shangwu.accounts.models import User
from shangwu.core.api_base import CountFromPagePaginator
from shangwu.organization.models import Region

pytestmark = pytest.mark.django_db


def _counts(captured) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_every_page_of_every_size_has_djangos_rows_and_total(leader, city_staff, county_a):
    users = User.objects.order_by("pk")
    total = users.count()
    assert total >= 3
    for per_page in (1, 2, total - 1, total, total + 1, 50):
        pages = -(-total // per_page)
        for number in range(1, pages + 1):
            django = Paginator(users, per_page).page(number)
            ours = CountFromPagePaginator(users, per_page).page(number)
            assert list(ours) == list(django)
            assert ours.paginator.count == total
            assert (ours.has_next(), ours.has_previous()) == (
                django.has_next(),
                django.has_previous(),
            )
        with pytest.raises(EmptyPage):
            CountFromPagePaginator(users, per_page).page(pages + 1)
    with pytest.raises(PageNotAnInteger):
        CountFromPagePaginator(users, 2).page("x")
    with pytest.raises(EmptyPage):
        CountFromPagePaginator(users, 2).page(0)
    # An empty list has one empty first page, counted from the page itself.
    with CaptureQueriesContext(connection) as captured:
        page = CountFromPagePaginator(User.objects.none(), 50).page(1)
    assert list(page) == [] and page.paginator.count == 0 and _counts(captured) == 0


def test_a_short_list_is_not_counted_and_a_full_page_is(leader, city_staff, county_a):
    users = User.objects.order_by("pk")
    total = users.count()
    with CaptureQueriesContext(connection) as captured:
        page = CountFromPagePaginator(users, total + 5).page(1)
    assert page.paginator.count == total and _counts(captured) == 0
    assert len(captured.captured_queries) == 1
    with CaptureQueriesContext(connection) as captured:
        page = CountFromPagePaginator(users, 1).page(1)
    assert page.paginator.count == total and _counts(captured) == 1


def test_the_api_answers_the_same_total_and_links_whether_the_page_is_full_or_not(leader):
    api = APIClient()
    api.force_login(leader)
    total = Region.objects.count()
    whole = api.get("/api/regions/?page_size=500").json()
    assert whole["count"] == total and whole["next"] is None and len(whole["results"]) == total
    first = api.get("/api/regions/?page_size=1").json()
    assert first["count"] == total and first["next"].endswith("page=2&page_size=1")
    last = api.get(f"/api/regions/?page_size=1&page={total}").json()
    assert last["count"] == total and last["next"] is None
    assert api.get(f"/api/regions/?page_size=1&page={total + 1}").status_code == 404
