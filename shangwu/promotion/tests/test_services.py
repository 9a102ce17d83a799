"""Events through their services: the status flow and its refusals, one event row per move, the
outcome arithmetic, the outcomes each kind records, and projects signed at an event."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shangwu.promotion import services
from shangwu.promotion.models import EventLog
from shangwu.promotion.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _message(exc) -> str:
    return " ".join(exc.value.messages)


# --- status flow --------------------------------------------------------------------------------


def test_a_county_officer_walks_a_food_festival_from_plan_to_summary_each_move_one_event_row(
    make_event, county_a
):
    event = make_event()
    assert event.status == "planned"
    services.event_move(event=event, to_status="preparing", actor=county_a, now=NOW)
    services.event_move(event=event, to_status="held", actor=county_a, now=NOW, note="顺利举办")
    services.event_update(event=event, actor=county_a, summary="吸引市民两万人次。")
    services.event_move(event=event, to_status="summarised", actor=county_a, now=NOW)
    event.refresh_from_db()
    assert event.status == "summarised"
    moves = list(
        EventLog.objects.filter(event=event, kind="status")
        .order_by("at", "id")
        .values_list("from_status", "to_status", "actor__username")
    )
    assert moves == [
        ("planned", "preparing", "county_a"),
        ("preparing", "held", "county_a"),
        ("held", "summarised", "county_a"),
    ]


def test_a_step_out_of_order_is_refused_in_chinese_naming_the_next_step(make_event, county_a):
    event = make_event()
    with pytest.raises(ValidationError) as refused:
        services.event_move(event=event, to_status="held", actor=county_a, now=NOW)
    assert "当前为“计划”" in _message(refused) and "下一步只能是“筹备”" in _message(refused)
    event.refresh_from_db()
    assert event.status == "planned"
    assert not EventLog.objects.filter(event=event, kind="status").exists()


def test_a_held_event_cannot_go_back_to_preparation(make_event, county_a):
    event = make_event(status="held")
    with pytest.raises(ValidationError) as refused:
        services.event_move(event=event, to_status="preparing", actor=county_a, now=NOW)
    assert "下一步只能是“已总结”" in _message(refused)


def test_an_event_not_yet_begun_cannot_be_marked_held(make_event, county_a):
    event = make_event(start=datetime.date(2026, 8, 1), status="preparing")
    with pytest.raises(ValidationError) as refused:
        services.event_move(event=event, to_status="held", actor=county_a, now=NOW)
    assert "尚未举办" in _message(refused)


def test_an_event_is_summarised_only_with_its_written_summary(make_event, county_a):
    event = make_event(status="held")
    with pytest.raises(ValidationError) as refused:
        services.event_move(event=event, to_status="summarised", actor=county_a, now=NOW)
    assert "活动总结" in _message(refused)


def test_a_county_event_needs_its_county_and_an_end_after_its_start(kind, county_a):
    from shangwu.organization.models import OrgUnit

    with pytest.raises(ValidationError) as refused:
        services.event_create(
            actor=county_a,
            name="无县区的县级活动",
            kind=kind("food_festival"),
            level="county",
            organiser=OrgUnit.objects.get(pk=county_a.org_unit_id),
            start_on=datetime.date(2026, 5, 2),
            end_on=datetime.date(2026, 5, 1),
        )
    errors = refused.value.message_dict
    assert errors["county"] == ["县级活动须选择所在县(市、区)。"]
    assert errors["end_on"] == ["结束日期不能早于开始日期。"]


# --- outcome arithmetic -------------------------------------------------------------------------


def test_a_food_festivals_sales_left_empty_are_its_merchants_sum(
    make_event, make_enterprise, county_a
):
    event = make_event(status="held")
    for sales in ("30.50", "20.25"):
        services.event_participant_add(
            event=event, enterprise=make_enterprise(), actor=county_a, sales=Decimal(sales)
        )
    services.event_record_outcomes(
        event=event, actor=county_a, other_participants=40, attendance=20000, sales=None
    )
    event.refresh_from_db()
    assert event.sales == Decimal("50.75")
    assert event.participant_count == 2 + 40


def test_a_total_below_the_merchants_sum_is_refused_naming_the_field_and_the_sum(
    make_event, make_enterprise, county_a
):
    event = make_event(status="held")
    services.event_participant_add(
        event=event, enterprise=make_enterprise(), actor=county_a, sales=Decimal("80")
    )
    with pytest.raises(ValidationError) as refused:
        services.event_record_outcomes(event=event, actor=county_a, sales=Decimal("60"))
    assert refused.value.message_dict["sales"] == [
        "销售额/带动消费（万元）（60）不能小于参与商户各自填报之和（80.00）。"
    ]
    services.event_record_outcomes(event=event, actor=county_a, sales=Decimal("1200"))
    event.refresh_from_db()
    assert event.sales == Decimal("1200")


def test_a_participant_whose_figures_pass_the_total_raises_it_to_the_new_sum(
    make_event, make_enterprise, county_a
):
    event = make_event(kind="canton_fair", county=None, status="held")
    services.event_record_outcomes(
        event=event, actor=None, formal_orders=3, formal_amount=Decimal("100")
    )
    services.event_participant_add(
        event=event,
        enterprise=make_enterprise(),
        actor=None,
        formal_orders=2,
        formal_amount=Decimal("150"),
        intended_orders=4,
        intended_amount=Decimal("300"),
    )
    event.refresh_from_db()
    # Orders: the reported 3 stand (above the 2 listed); the amount rises to the listed 150.
    assert (event.formal_orders, event.formal_amount) == (3, Decimal("150.00"))
    assert (event.intended_orders, event.intended_amount) == (4, Decimal("300.00"))
    assert "活动合计随之更新" in EventLog.objects.filter(event=event).first().note


def test_each_kind_records_its_own_outcomes_and_refuses_the_others(make_event, county_a):
    event = make_event(status="held")  # a 美食节
    with pytest.raises(ValidationError) as refused:
        services.event_record_outcomes(event=event, actor=county_a, credit_amount=Decimal("10"))
    assert "“授信/融资金额（万元）”不是“美食节”类活动的成果" in _message(refused)
    training = make_event(kind="trade_training", status="held")
    with pytest.raises(ValidationError):
        services.event_record_outcomes(event=training, actor=county_a, sales=Decimal("10"))


def test_outcomes_wait_until_the_event_is_held(make_event, county_a):
    event = make_event(status="preparing")
    with pytest.raises(ValidationError) as refused:
        services.event_record_outcomes(event=event, actor=county_a, attendance=100)
    assert "活动举办后才能填报成果" in _message(refused)


def test_negative_outcomes_are_refused(make_event, county_a):
    event = make_event(status="held")
    with pytest.raises(ValidationError) as refused:
        services.event_record_outcomes(event=event, actor=county_a, attendance=None, sales=-1)
    assert refused.value.message_dict["sales"] == ["销售额/带动消费（万元）不能为负数。"]


def test_the_same_enterprise_is_listed_once_per_event(make_event, make_enterprise, county_a):
    event = make_event(status="held")
    enterprise = make_enterprise()
    services.event_participant_add(event=event, enterprise=enterprise, actor=county_a)
    with pytest.raises(ValidationError) as refused:
        services.event_participant_add(event=event, enterprise=enterprise, actor=county_a)
    assert "已在本活动的参与商户中" in _message(refused)


def test_a_county_officer_cannot_list_another_countys_enterprise(
    make_event, make_enterprise, county_a
):
    event = make_event(status="held")
    with pytest.raises(ValidationError) as refused:
        services.event_participant_add(
            event=event, enterprise=make_enterprise(county="419921"), actor=county_a
        )
    assert "不在您的数据范围内" in _message(refused)


# --- projects signed at events ------------------------------------------------------------------


def test_a_project_signed_at_a_promotion_meeting_is_counted_and_recorded_on_the_project(
    make_event, make_project, county_a
):
    event = make_event(kind="investment_promotion", status="held", days=1)
    project = make_project(total=12000)
    services.event_sign_project(event=event, project=project, actor=county_a)
    other = make_project(total=3000, name="第二个项目")
    services.event_sign_project(event=event, project=other, actor=county_a, amount=Decimal("2500"))
    event.refresh_from_db()
    assert (event.signed_projects, event.signed_amount) == (2, Decimal("14500.00"))
    assert set(project.promotion_events.values_list("event", flat=True)) == {event.pk}
    line = project.events.filter(note__contains="测试活动").get()
    assert line.note == "在活动“测试活动”上签约" and line.on == event.start_on


def test_a_project_can_be_created_from_the_event_through_the_project_library(make_event, county_a):
    from shangwu.organization.models import Region
    from shangwu.projects.models import Project

    event = make_event(kind="signing_ceremony", status="held", days=1)
    link = services.event_project_create(
        event=event,
        actor=county_a,
        code="QY-2026-0001",
        name="云河智能装备产业园项目",
        investor_name="江苏恒通装备集团有限公司",
        investor_type="private",
        origin="province",
        origin_place="江苏",
        total_investment=Decimal("50000"),
        county=Region.objects.get(code="419902"),
    )
    project = Project.objects.get(code="QY-2026-0001")
    assert link.project == project and link.amount == Decimal("50000")
    assert project.stage_on == event.start_on  # entered on the day it was signed


def test_a_food_festival_signs_no_projects(make_event, make_project, county_a):
    event = make_event(status="held")
    with pytest.raises(ValidationError) as refused:
        services.event_sign_project(event=event, project=make_project(), actor=county_a)
    assert "不登记签约项目" in _message(refused)


# --- scope in the services ----------------------------------------------------------------------


def test_a_county_officer_cannot_change_a_city_wide_event_even_through_the_service(
    make_event, county_a
):
    event = make_event(kind="canton_fair", county=None)
    with pytest.raises(PermissionDenied):
        services.event_move(event=event, to_status="preparing", actor=county_a, now=NOW)
    with pytest.raises(PermissionDenied):
        services.event_update(event=event, actor=county_a, name="改名")
