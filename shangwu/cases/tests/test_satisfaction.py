"""满意率 two ways, defined once in statistics.py: on each case's first 回访 and on its latest
rating; the page, the export and the API show both beside 不满意重办."""

import datetime
import io

import lxml.html
import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from shangwu.cases import statistics
from shangwu.cases.choices import Rating
from shangwu.cases.models import CaseStatBucket
from shangwu.cases.tests.test_pages_api import _closed

pytestmark = pytest.mark.django_db

MARCH = {"dimension": "unit", "date_from": "2025-03-01", "date_to": "2025-03-31"}


@pytest.fixture
def four_rated(make_case, township_unit, township_a1, county_a):
    """满意 at once; 基本满意 at once; 不满意 then 满意 (重办); 不满意 and being redone."""
    args = (make_case, township_unit, township_a1, county_a)
    return [
        _closed(*args, rating=Rating.SATISFIED),
        _closed(*args, rating=Rating.BASICALLY),
        _closed(*args, rating=Rating.SATISFIED, reopen=True),
        _closed(*args, reopen=True),
    ]


def test_first_and_final_satisfaction_on_a_hand_built_set(four_rated, county_a):
    t = statistics.case_statistics(
        user=county_a,
        dimension="unit",
        date_from=datetime.date(2025, 3, 1),
        date_to=datetime.date(2025, 3, 31),
    )["total"]
    assert (t.rated, t.first_satisfied, t.satisfied, t.reopened) == (4, 2, 3, 2)
    assert (t.first_satisfaction_rate, t.satisfaction_rate) == (50.0, 75.0)


def test_the_page_export_and_api_show_both_rates_beside_reopened(as_user, county_a, four_rated):
    client = as_user(county_a)
    page = client.get(reverse("cases:statistics"), MARCH).content.decode()
    headers = [
        th.text_content().strip() for th in lxml.html.fromstring(page).xpath("//table//thead//th")
    ]
    i = headers.index("满意率（首次评价）")
    assert headers[i : i + 3] == ["满意率（首次评价）", "满意率（最终评价）", "不满意重办"]
    assert "50.0%" in page and "75.0%" in page

    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cases:statistics_export"), MARCH).content)
    )
    head = [c.value for c in book.active[1]]
    total = [c.value for c in book.active[book.active.max_row]]
    i = head.index("满意率（首次评价）")
    assert head[i : i + 3] == ["满意率（首次评价）", "满意率（最终评价）", "不满意重办"]
    assert total[i : i + 3] == [50.0, 75.0, 2]

    api = client.get("/api/cases/statistics/", MARCH).json()["total"]
    assert (api["first_satisfaction_rate"], api["satisfaction_rate"], api["reopened"]) == (
        50.0,
        75.0,
        2,
    )


def test_the_first_rating_rate_drills_down_to_the_cases_satisfied_at_once(
    as_user, county_a, four_rated
):
    params = statistics.drill_params(
        dimension="unit",
        row=None,
        column="first_satisfaction_rate",
        date_from=datetime.date(2025, 3, 1),
        date_to=datetime.date(2025, 3, 31),
    )
    found = {r["number"] for r in as_user(county_a).get("/api/cases/", params).json()["results"]}
    assert found == {four_rated[0].number, four_rated[1].number}


def test_the_migration_fills_the_new_bucket_counter_from_the_cases(four_rated):
    import importlib

    kept = dict(CaseStatBucket.objects.values_list("pk", "first_satisfied"))
    assert sum(kept.values()) == 2  # the services kept it
    CaseStatBucket.objects.update(first_satisfied=0)
    migration = importlib.import_module("shangwu.cases.migrations.0015_first_rating_satisfaction")
    migration.fill_first_satisfied(apps, None)
    assert dict(CaseStatBucket.objects.values_list("pk", "first_satisfied")) == kept
