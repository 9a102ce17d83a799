"""A case page lists the duplicates merged into it from the partial index on ``merged_into``
(issue 18: at 1,000,000 cases, all but a few with no merged_into, PostgreSQL walked the
received-date index and the page took 1.9–3.8 s)."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from shangwu.cases import selectors, services

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table fits in one page, where a sequential scan always wins; the question
            # here is which index the planner takes.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE")
        return queryset.explain()


def test_the_case_page_reads_its_merged_duplicates_from_the_merged_into_index(
    as_user, leader, county_a, make_case
):
    original = make_case(title="企业反映融资难")
    for n in range(3):
        make_case(title=f"其他诉求{n}")
    duplicate = make_case(title="企业再次反映融资难")
    services.case_merge(case=duplicate, into=original, actor=county_a)

    for user in (leader, county_a):
        assert "case_merged_into_idx" in plan(original.merged_cases.restrict(user, "view"))
        # The page's own query (only what it shows of each duplicate) takes the same index.
        page_query = selectors.case_list_merged_into(user=user, case=original)
        assert "case_merged_into_idx" in plan(page_query)
        assert list(page_query) == [duplicate]
    page = as_user(leader).get(reverse("cases:case_detail", args=[original.pk])).content.decode()
    assert "并入本件的重复件" in page and "企业再次反映融资难" in page
