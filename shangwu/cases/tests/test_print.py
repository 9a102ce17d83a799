"""Print views of a case: the case page, its 交办单 and its 督办单 — A4, no navigation, read
through restrict() like the case page (out of scope: 404)."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from shangwu.cases import services

from .conftest import at


@pytest.fixture
def supervised_case(make_case, county_unit, leader):
    case = make_case(
        assign_to=county_unit, received="2026-03-02 09:00", assigned="2026-03-02 10:00"
    )
    order = services.case_supervise_listed(
        case=case,
        actor=leader,
        required_by=datetime.date(2026, 3, 20),
        comment="请于3月20日前办结并报局领导。",
        now=at("2026-03-05 09:00"),
    )
    return case, order


def assert_print_page(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert "core/print.css" in html and "data-print" in html  # the print sheet and its 打印 button
    assert "navbar" not in html and "主菜单" not in html  # no navigation
    return html


def test_the_print_stylesheet_is_a4():
    css = open(finders.find("core/print.css"), encoding="utf-8").read()
    assert "size: A4" in css and ".no-print { display: none" in css


def test_the_case_page_offers_print_and_prints_the_case(as_user, county_a, supervised_case):
    case, order = supervised_case
    client = as_user(county_a)
    page = client.get(case.get_absolute_url()).content.decode()
    for name, args in (
        ("cases:case_print", [case.pk]),
        ("cases:case_print_assignment", [case.pk]),
        ("cases:supervision_print", [case.pk, order.pk]),
    ):
        assert reverse(name, args=args) in page
    html = assert_print_page(client.get(reverse("cases:case_print", args=[case.pk])))
    assert case.number in html and case.title in html and "办理过程" in html
    assert "13912345678" not in html  # the phone stays masked on paper


def test_the_assignment_sheet_prints_the_units_and_deadlines(as_user, county_a, supervised_case):
    case, _ = supervised_case
    html = assert_print_page(
        as_user(county_a).get(reverse("cases:case_print_assignment", args=[case.pk]))
    )
    assert "诉求交办单" in html and case.number in html and "河东区商务局" in html
    assert "2026-03-02 10:00" in html  # 交办时间
    assert "签收" in html


def test_the_supervision_order_prints_the_leaders_requirement(as_user, leader, supervised_case):
    case, order = supervised_case
    html = assert_print_page(
        as_user(leader).get(reverse("cases:supervision_print", args=[case.pk, order.pk]))
    )
    assert "挂牌督办单" in html and "请于3月20日前办结并报局领导。" in html
    assert "2026年3月20日" in html


@pytest.mark.parametrize("name", ["case_print", "case_print_assignment", "supervision_print"])
def test_another_county_gets_404_for_every_print_view(as_user, county_b, supervised_case, name):
    case, order = supervised_case
    args = [case.pk, order.pk] if name == "supervision_print" else [case.pk]
    assert as_user(county_b).get(reverse(f"cases:{name}", args=args)).status_code == 404


def test_an_order_of_another_case_is_not_printed_under_this_one(
    as_user, county_a, supervised_case, make_case
):
    case, order = supervised_case
    other = make_case(title="另一件")
    url = reverse("cases:supervision_print", args=[other.pk, order.pk])
    assert as_user(county_a).get(url).status_code == 404
