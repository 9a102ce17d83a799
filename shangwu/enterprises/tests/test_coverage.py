"""The 包保 coverage report on a hand-built set: every number, and each number's drill-down."""

import pytest
from django.urls import reverse

from shangwu.enterprises import services
from shangwu.enterprises.baobao import services as service_work
from shangwu.enterprises.models import Tag
from shangwu.enterprises.selectors import (
    coverage_by_county,
    coverage_by_tag,
    coverage_list_uncovered,
)

from .service_helpers import COUNTY_A, COUNTY_B, TOWNSHIP_A1, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_enterprise, county_a, county_b, township_a1, leader):
    tag = Tag.objects.create(name="覆盖测试标签", code="coverage_test", sort_order=999)

    def ent(name, county=COUNTY_A, township=TOWNSHIP_A1, key=True, tags=()):
        return make_enterprise(county=county, township=township, name=name, is_key=key, tags=tags)

    def assign(e, official, **kw):
        kw.setdefault("start_on", days_ago(30))
        return service_work.assignment_create(
            enterprise=e, official=official, role="commissioner", actor=None, **kw
        )

    e = {
        "full": ent("甲·三级之二", tags=[tag]),  # city + county
        "town": ent("乙·仅乡镇"),  # township only
        "none": ent("丙·无人包保", tags=[tag]),
        "gone": ent("丁·已注销"),  # covered but cancelled: not counted
        "small": ent("戊·非重点", key=False),  # counted only when all enterprises are in scope
        "ended": ent("己·包保已结束"),
        "future": ent("庚·包保未开始"),
        "b_cov": ent("辛·云水已包保", county=COUNTY_B, township=None, tags=[tag]),
        "b_none": ent("壬·云水未包保", county=COUNTY_B, township=None),
    }
    assign(e["full"], leader)
    assign(e["full"], county_a)
    assign(e["town"], township_a1)
    assign(e["gone"], county_a)
    services.enterprise_change_status(
        enterprise=e["gone"], status="cancelled", actor=None, note="注销"
    )
    assign(e["small"], county_a)
    assign(e["ended"], county_a, start_on=days_ago(100), end_on=days_ago(1))
    assign(e["future"], county_a, start_on=days_ago(-3))
    assign(e["b_cov"], county_b)
    return {"tag": tag, **e}


def figures(row):
    return (
        row["total"],
        row["city"],
        row["county"],
        row["township"],
        row["covered"],
        row["uncovered"],
        row["percent"],
    )


def test_coverage_by_county_counts_key_active_enterprises_at_each_level(world, leader):
    report = coverage_by_county(user=leader, key_only=True)
    rows = {r["label"]: figures(r) for r in report["rows"]}
    assert rows["河东区"] == (5, 1, 1, 1, 2, 3, 40.0)
    assert rows["云水县"] == (2, 0, 1, 0, 1, 1, 50.0)
    assert figures(report["total"]) == (7, 1, 2, 1, 3, 4, 42.9)


def test_coverage_over_all_active_enterprises_includes_the_non_key_one(world, leader):
    rows = {r["label"]: figures(r) for r in coverage_by_county(user=leader)["rows"]}
    # 河东区 also holds the 企业用户 persona's own enterprise (conftest): active, not covered.
    assert rows["河东区"] == (7, 1, 2, 1, 3, 4, 42.9)


def test_coverage_by_tag(world, leader):
    rows = {r["label"]: figures(r) for r in coverage_by_tag(user=leader, key_only=True)["rows"]}
    assert rows["覆盖测试标签"] == (3, 1, 2, 0, 2, 1, 66.7)


def test_county_staff_see_only_their_county_in_the_report(world, county_a):
    report = coverage_by_county(user=county_a, key_only=True)
    assert [r["label"] for r in report["rows"]] == ["河东区"]
    assert report["total"]["total"] == 5
    assert {e.name for e in coverage_list_uncovered(user=county_a, key_only=True)} == {
        "丙·无人包保",
        "己·包保已结束",
        "庚·包保未开始",
    }


def test_each_number_drills_down_to_exactly_those_enterprises(world, as_user, leader):
    report = coverage_by_county(user=leader, key_only=True)
    row = next(r for r in report["rows"] if r["label"] == "河东区")
    client = as_user(leader)
    for key in ("total", "city", "county", "township", "covered", "uncovered"):
        response = client.get(row["urls"][key])
        assert response.context["page"].paginator.count == row[key], key
    uncovered = client.get(row["urls"]["uncovered"])
    assert {e.name for e, _c in uncovered.context["table"].rows()} == {
        "丙·无人包保",
        "己·包保已结束",
        "庚·包保未开始",
    }
    tag_row = next(
        r
        for r in coverage_by_tag(user=leader, key_only=True)["rows"]
        if r["label"] == "覆盖测试标签"
    )
    assert client.get(tag_row["urls"]["uncovered"]).context["page"].paginator.count == 1


def test_the_report_is_a_fixed_number_of_queries(world, leader, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        coverage_by_county(user=leader, key_only=True)
    with django_assert_max_num_queries(2):
        coverage_by_tag(user=leader, key_only=True)


def test_the_coverage_page_shows_both_tables_with_links(world, as_user, leader):
    response = as_user(leader).get(reverse("enterprises:coverage"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "按县(市、区)" in html and "覆盖测试标签" in html and "40.0%" in html
    assert "covered=no" in html and "丙·无人包保" in html
    all_scope = (
        as_user(leader).get(reverse("enterprises:coverage"), {"scope": "all"}).content.decode()
    )
    assert "50.0%" in all_scope  # 河东区 over all active enterprises


def test_admins_cannot_open_the_coverage_report(as_user, sysadmin):
    assert as_user(sysadmin).get(reverse("enterprises:coverage")).status_code == 403
