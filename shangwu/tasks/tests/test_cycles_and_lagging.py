"""Cycle due dates on the working-day calendar, report states, the lagging rules, on-time rates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shangwu.tasks import cycles, lagging, selectors, services
from shangwu.tasks.choices import ReportState, TaskStatus
from shangwu.tasks.models import Plan, TaskEvent
from shangwu.workcalendar.services import CalendarYearUnknown

pytestmark = pytest.mark.django_db
D = datetime.date


def plan_of(cycle="monthly", due_day=25, year=2026):
    return Plan(title="测试", year=year, cycle=cycle, due_day=due_day)


def test_monthly_due_day_on_a_sunday_moves_to_monday():
    plan = plan_of()
    assert D(2026, 1, 25).weekday() == 6
    assert cycles.cycle_due_date(plan, 1) == D(2026, 1, 26)


def test_due_day_in_the_mid_autumn_holiday_moves_past_the_weekend():
    # 2026-09-25 is 中秋节 (Friday), then a weekend: due Monday 28 September.
    assert cycles.cycle_due_date(plan_of(), 9) == D(2026, 9, 28)
    assert cycles.cycle_due_date(plan_of("quarterly"), 3) == D(2026, 9, 28)


def test_due_day_in_the_may_day_holiday_moves_to_the_first_working_day_after_it():
    assert cycles.cycle_due_date(plan_of(due_day=1), 5) == D(2026, 5, 6)


def test_a_make_up_working_saturday_is_a_due_date_and_short_months_clamp_the_day():
    # 2026-02-28 is a Saturday worked in exchange for the Spring Festival (调休上班).
    assert cycles.cycle_due_date(plan_of(due_day=31), 2) == D(2026, 2, 28)
    assert cycles.cycle_due_date(plan_of(due_day=31), 4) == D(2026, 4, 30)


def test_weekly_cycles_are_due_on_the_chosen_weekday():
    plan = plan_of("weekly", due_day=5)
    week = cycles.cycle_for_date(plan, D(2026, 3, 11))
    assert cycles.cycle_period(plan, week) == (D(2026, 3, 9), D(2026, 3, 15))
    assert cycles.cycle_due_date(plan, week) == D(2026, 3, 13)
    holiday_week = cycles.cycle_for_date(plan, D(2026, 9, 25))
    assert cycles.cycle_due_date(plan, holiday_week) == D(2026, 9, 28)
    assert "周" in cycles.cycle_label(plan, week)


def test_a_year_whose_holidays_are_unknown_says_which_year():
    with pytest.raises(CalendarYearUnknown, match="2031年"):
        cycles.cycle_due_date(plan_of(year=2031), 1)


def test_a_report_filed_after_the_due_date_is_late_and_on_the_day_is_on_time():
    due = D(2026, 3, 25)
    assert lagging.report_state(due=due, submitted_on=due, on=D(2026, 4, 1)) == ReportState.ON_TIME
    assert (
        lagging.report_state(due=due, submitted_on=D(2026, 3, 26), on=D(2026, 4, 1))
        == ReportState.LATE
    )
    assert (
        lagging.report_state(due=due, submitted_on=None, on=D(2026, 3, 26)) == ReportState.MISSING
    )
    assert lagging.report_state(due=due, submitted_on=None, on=due) == ReportState.PENDING


def test_lagging_reasons_name_the_milestone_the_deadline_and_the_missing_cycles():
    reasons = lagging.lag_reasons(
        on=D(2026, 10, 30),
        deadline=D(2026, 9, 30),
        closed_on=None,
        milestones=[
            lagging.MilestoneFact("完成首批项目签约", D(2026, 6, 30), None),
            lagging.MilestoneFact("出台方案", D(2026, 3, 31), D(2026, 3, 20)),
        ],
        states=[
            ("2026年7月", ReportState.ON_TIME),
            ("2026年8月", ReportState.MISSING),
            ("2026年9月", ReportState.MISSING),
        ],
    )
    assert reasons == [
        "里程碑“完成首批项目签约”已于2026年6月30日到期未完成",
        "任务已于2026年9月30日到期未完成",
        "连续2期未报送进展（2026年8月、2026年9月）",
    ]


def test_one_missing_cycle_or_a_missing_cycle_followed_by_a_late_one_is_not_lagging():
    assert (
        lagging.lag_reasons(
            on=D(2026, 10, 30),
            deadline=None,
            closed_on=None,
            milestones=[],
            states=[
                ("8月", ReportState.MISSING),
                ("9月", ReportState.LATE),
                ("10月", ReportState.MISSING),
            ],
        )
        == []
    )


def test_a_task_lags_when_its_lead_unit_misses_two_cycles(make_plan, task_of, at, unit):
    plan = make_plan()
    task = task_of(plan, 1)
    services.report_submit(
        task=task,
        unit=unit("外贸科"),
        cycle=1,
        text="1月推进情况",
        actor=None,
        submitted_at=at(2026, 1, 20),
    )
    services.plan_refresh_status(plan=plan, on=D(2026, 3, 1))
    task.refresh_from_db()
    assert task.status == TaskStatus.ON_TRACK  # February missing: one cycle only
    services.plan_refresh_status(plan=plan, on=D(2026, 3, 30))
    task.refresh_from_db()
    assert task.status == TaskStatus.LAGGING
    assert task.status_reason == "连续2期未报送进展（2026年2月、2026年3月）"
    event = TaskEvent.objects.filter(task=task, to_status=TaskStatus.LAGGING).first()
    assert event.from_status == TaskStatus.ON_TRACK and "连续2期" in event.note


def test_a_passed_milestone_makes_the_task_lag_until_it_is_reported_done(
    make_plan, task_of, at, unit
):
    plan = make_plan()
    task = task_of(plan, 3)
    milestone = task.milestones.get()
    assert milestone.due_on == D(2026, 6, 30)
    services.plan_refresh_status(plan=plan, on=D(2026, 7, 2))
    task.refresh_from_db()
    assert task.status == TaskStatus.LAGGING
    assert "里程碑“完成外资项目签约2个”已于2026年6月30日到期未完成" in task.status_reason
    services.milestone_complete(milestone=milestone, actor=None, done_on=D(2026, 7, 3))
    services.plan_refresh_status(plan=plan, on=D(2026, 7, 4))
    task.refresh_from_db()
    assert "里程碑" not in task.status_reason


def test_reports_are_marked_late_and_only_units_of_the_task_may_file(make_plan, task_of, at, unit):
    plan = make_plan()
    task = task_of(plan, 1)
    report = services.report_submit(
        task=task,
        unit=unit("外贸科"),
        cycle=2,
        text="进展",
        actor=None,
        submitted_at=at(2026, 2, 26),
    )
    assert report.due_on == D(2026, 2, 25) and report.is_late and report.is_lead
    co = services.report_submit(
        task=task,
        unit=unit("河东区商务局"),
        cycle=2,
        text="配合",
        actor=None,
        submitted_at=at(2026, 2, 20),
    )
    assert not co.is_lead and not co.is_late
    with pytest.raises(ValidationError, match="不是本任务的牵头单位或配合单位"):
        services.report_submit(
            task=task,
            unit=unit("云水县商务局"),
            cycle=2,
            text="x",
            actor=None,
            submitted_at=at(2026, 2, 20),
        )
    with pytest.raises(ValidationError, match="已报送过2026年2月"):
        services.report_submit(
            task=task,
            unit=unit("外贸科"),
            cycle=2,
            text="再报",
            actor=None,
            submitted_at=at(2026, 2, 27),
        )
    with pytest.raises(ValidationError, match="尚未开始"):
        services.report_submit(
            task=task,
            unit=unit("外贸科"),
            cycle=5,
            text="提前",
            actor=None,
            submitted_at=at(2026, 2, 27),
        )


def test_unit_on_time_rate_counts_on_time_over_owed_reports(make_plan, task_of, at, unit, leader):
    plan = make_plan()
    task = task_of(plan, 1)  # 外贸科 leads task 1 only
    services.report_submit(
        task=task,
        unit=unit("外贸科"),
        cycle=1,
        text="1月",
        actor=None,
        submitted_at=at(2026, 1, 26),
    )
    services.report_submit(
        task=task, unit=unit("外贸科"), cycle=2, text="2月", actor=None, submitted_at=at(2026, 3, 2)
    )
    services.report_submit(
        task=task, unit=unit("外贸科"), cycle=4, text="4月", actor=None, submitted_at=at(2026, 4, 1)
    )
    facts = selectors.plan_facts(user=leader, plan=plan, on=D(2026, 4, 30))
    row = next(u for u in selectors.unit_list_stats(facts=facts) if u.unit.name == "外贸科")
    # Owed: January to March (April is due 27 April, a Monday after the 25th falls on Saturday).
    assert cycles.cycle_due_date(plan, 4) == D(2026, 4, 27)
    assert (row.expected, row.on_time, row.late, row.missing) == (4, 2, 1, 1)
    assert row.on_time_rate == 50.0


def test_a_completed_task_owes_no_more_reports_and_never_lags(make_plan, task_of, leader):
    plan = make_plan()
    task = task_of(plan, 2)
    services.task_change_status(task=task, status=TaskStatus.DONE, actor=leader, on=D(2026, 2, 10))
    services.plan_refresh_status(plan=plan, on=D(2026, 6, 1))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    facts = selectors.plan_facts(user=leader, plan=plan, on=D(2026, 6, 1)).by_task()[task.pk]
    assert facts.state(3) == ReportState.NOT_DUE and facts.reasons == []
    with pytest.raises(ValidationError, match="已完成"):
        services.report_submit(task=task, unit=task.lead_unit, cycle=3, text="x", actor=None)


def test_cancelling_a_task_needs_a_reason(make_plan, task_of, leader):
    task = task_of(make_plan(), 2)
    with pytest.raises(ValidationError, match="取消任务须填写原因"):
        services.task_change_status(task=task, status=TaskStatus.CANCELLED, actor=leader)


def test_only_leaders_give_quarterly_grades_and_a_second_grade_replaces_the_first(
    make_plan, unit, leader, city_staff
):
    plan = make_plan()
    with pytest.raises(PermissionDenied, match="只有局领导"):
        services.review_save(
            plan=plan, unit=unit("外贸科"), year=2026, quarter=1, grade="good", actor=city_staff
        )
    services.review_save(
        plan=plan, unit=unit("外贸科"), year=2026, quarter=1, grade="good", actor=leader
    )
    review = services.review_save(
        plan=plan,
        unit=unit("外贸科"),
        year=2026,
        quarter=1,
        grade="excellent",
        comment="推进有力",
        actor=leader,
    )
    assert plan.reviews.count() == 1 and review.get_grade_display() == "优秀"
    ranking = selectors.review_ranking(user=leader, plan=plan, year=2026, quarter=1)
    assert ranking[0]["unit"].name == "外贸科" and ranking[0]["rank"] == 1
