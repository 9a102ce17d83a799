"""Deadlines for each default rule, across holidays and 调休; pause and extension arithmetic."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from shangwu.cases import services
from shangwu.cases.choices import CaseKind, CaseSource, DayKind, DeadlineUnit
from shangwu.cases.deadlines import node_due
from shangwu.cases.models import Case
from shangwu.cases.tests.conftest import at

pytestmark = pytest.mark.django_db


def eod(day: str) -> datetime.datetime:
    return at(f"{day} 23:59").replace(second=59)


@pytest.mark.parametrize(
    "source", [CaseSource.VISIT, CaseSource.SELF_REPORT, CaseSource.SUPERIOR, CaseSource.FORUM]
)
def test_13710_counts_calendar_days_straight_through_national_day(make_case, township_unit, source):
    # Assigned 30 Sep 2025; 国庆 1–8 Oct is a holiday, yet 13710 counts plain days (天).
    case = make_case(source=source, assign_to=township_unit, received="2025-09-30 10:00")
    assert case.sign_due_at == eod("2025-10-01")
    assert case.feedback_due_at == eod("2025-10-03")
    assert case.close_due_at == eod("2025-10-07")
    assert case.next_deadline_at == case.sign_due_at


def test_13710_major_problems_close_within_one_month(make_case, township_unit):
    case = make_case(kind=CaseKind.MAJOR, assign_to=township_unit, received="2025-01-31 10:00")
    assert case.close_due_at == eod("2025-02-28")  # no 31 February: the month's last day


@pytest.mark.parametrize(
    "kind, close_due",
    [
        (CaseKind.CONSULT, "2025-10-10"),  # 2 working days: 9 Oct (Thu), 10 Oct (Fri)
        (CaseKind.HELP, "2025-10-21"),  # 10 working days: 9, 10, 11 (调休 Sat), 13–17, 20, 21 Oct
        (CaseKind.SUGGEST, "2025-10-21"),
        (CaseKind.COMPLAIN, "2025-10-28"),  # 15 working days: … 22–24, 27, 28 Oct
    ],
)
def test_hotline_orders_count_working_days_across_national_day_and_makeup_saturday(
    make_case, township_unit, kind, close_due
):
    case = make_case(
        source=CaseSource.HOTLINE,
        kind=kind,
        enterprise=False,
        assign_to=township_unit,
        received="2025-09-30 10:00",
    )
    assert case.sign_due_at == eod("2025-10-09")
    assert case.close_due_at == eod(close_due)


def test_mailbox_letters_have_fifteen_working_days_across_spring_festival(make_case, township_unit):
    # 2025 春节: 28 Jan – 4 Feb off; Sunday 26 Jan and Saturday 8 Feb are 调休 working days.
    case = make_case(
        source=CaseSource.MAILBOX,
        enterprise=False,
        assign_to=township_unit,
        received="2025-01-24 10:00",
    )
    # After Fri 24 Jan: 26, 27 Jan, 5, 6, 7, 8 Feb, 10–14, 17–20 Feb → the 15th is 20 Feb.
    assert case.close_due_at == eod("2025-02-20")


@pytest.mark.parametrize("source", [CaseSource.NPC, CaseSource.CPPCC])
def test_proposals_are_answered_within_three_months_extendable_to_six(
    make_case, township_unit, township_a1, county_a, source
):
    case = make_case(
        source=source, enterprise=False, assign_to=township_unit, received="2025-03-10 10:00"
    )
    assert case.close_due_at == eod("2025-06-10")
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-11 10:00"))
    with pytest.raises(ValidationError, match="最长可延至受理后6个月（2025-09-10）"):
        services.case_request_extension(
            case=case,
            actor=township_a1,
            reason="情况复杂",
            proposed_due=datetime.date(2025, 10, 1),
            now=at("2025-05-01 10:00"),
        )
    ext = services.case_request_extension(
        case=case,
        actor=township_a1,
        reason="情况复杂",
        proposed_due=datetime.date(2025, 9, 10),
        now=at("2025-05-01 10:00"),
    )
    services.case_decide_extension(
        extension=ext, actor=county_a, approve=True, now=at("2025-05-02 10:00")
    )
    assert Case.objects.get(pk=case.pk).close_due_at == eod("2025-09-10")


def test_pause_adds_back_the_paused_working_days(make_case, township_unit, township_a1, county_a):
    case = make_case(assign_to=township_unit, received="2025-09-26 10:00")  # Friday
    services.case_sign(case=case, actor=township_a1, now=at("2025-09-26 11:00"))
    close_before = Case.objects.get(pk=case.pk).close_due_at
    assert close_before == eod("2025-10-03")
    services.case_pause(  # the assigning unit pauses (its own approval)
        case=case, actor=county_a, reason="等待企业补充材料", now=at("2025-09-29 09:00")
    )
    case.refresh_from_db()
    assert case.next_deadline_at is None  # the clock stops
    services.case_resume(case=case, actor=township_a1, now=at("2025-10-13 09:00"))
    case.refresh_from_db()
    # Working days after Mon 29 Sep up to Mon 13 Oct: 30 Sep, 9, 10, 11 (调休 Sat), 13 Oct = 5.
    assert case.paused_workdays == 5
    # 3 Oct + 5 working days: 9, 10, 11, 13, 14 Oct.
    assert case.close_due_at == eod("2025-10-14")
    assert case.paused_at is None and case.next_deadline_at is not None


def test_a_year_outside_the_calendar_is_a_clear_message_not_a_crash():
    # Before the built-in data (2004) the statute differed: no provisional answer, a message.
    with pytest.raises(ValidationError, match="2003年节假日安排尚未录入"):
        node_due(
            start=at("2003-03-03 10:00"), offset=3, unit=DeadlineUnit.DAYS, day_kind=DayKind.WORKING
        )


def test_hours_are_exact():
    assert node_due(
        start=at("2025-03-01 10:00"), offset=4, unit=DeadlineUnit.HOURS, day_kind=DayKind.CALENDAR
    ) == at("2025-03-01 14:00")


def test_a_changed_rule_set_becomes_a_new_version_and_old_cases_keep_theirs(
    make_case, township_unit, sysadmin
):
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    old = case.rule_set
    new = services.ruleset_save(
        actor=sysadmin,
        rule_set=old,
        name=old.name,
        source=old.source,
        kind=old.kind,
        nodes=[("sign", 2, "days", "calendar"), ("close", 5, "days", "working")],
    )
    assert new.pk != old.pk and new.version == old.version + 1 and new.is_current
    old.refresh_from_db()
    assert not old.is_current and old.rules.get(node="close").offset == 7
    case.refresh_from_db()
    assert case.rule_set == old and case.close_due_at == eod("2025-03-10")
    later = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    assert later.rule_set == new and later.close_due_at == eod(
        "2025-03-10"
    )  # 5 working days: 4–7, 10 Mar
