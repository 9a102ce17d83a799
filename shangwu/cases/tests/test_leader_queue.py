"""The leader's 待办 includes the cases returned (退回) to a dispatcher role the leader holds:
the bureau's 科室 and 办公室 dispatch in the bureau's name."""

import pytest
from django.urls import reverse

from shangwu.cases import selectors, services
from shangwu.cases.choices import CaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned_to_a_department(make_case, city_staff, county_a, county_unit):
    """外贸科 (under the bureau) assigned a case to 河东区商务局, which sent it back."""
    case = make_case(actor=city_staff, assign_to=county_unit, title="出口退税政策咨询")
    services.case_return(case=case, actor=county_a, reason="属市级事权，请市局交办")
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED
    return case


def test_the_leader_sees_a_case_returned_to_a_bureau_department_in_the_queue(
    as_user, leader, returned_to_a_department
):
    queue = selectors.case_list_queue(user=leader, queue="to_assign")
    assert list(queue) == [returned_to_a_department]
    client = as_user(leader)
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "出口退税政策咨询" in dashboard
    listed = client.get(reverse("cases:case_list"), {"queue": "to_assign"}).content.decode()
    assert returned_to_a_department.number in listed
    # … and can re-assign it from there.
    page = client.get(returned_to_a_department.get_absolute_url()).content.decode()
    assert reverse("cases:case_action", args=[returned_to_a_department.pk, "assign"]) in page


def test_only_returned_cases_and_only_of_the_bureaus_own_units_reach_the_leader(
    leader, make_case, city_staff, county_a, township_unit, township_a1
):
    make_case(actor=city_staff, title="刚登记，科室自己交办")  # 已登记: the department's work
    county_case = make_case(assign_to=township_unit, title="区里的退回件")
    services.case_return(case=county_case, actor=township_a1, reason="不属本街道")
    assert list(selectors.case_list_queue(user=leader, queue="to_assign")) == []
    # The department itself still has both in its own queue.
    assert selectors.case_list_queue(user=city_staff, queue="to_assign").count() == 1
    assert selectors.case_list_queue(user=county_a, queue="to_assign").count() == 1
