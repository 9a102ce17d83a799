"""Funded programmes (示范县): funds by source and year, milestones that light like a case, and
the reminders of 复核 and 验收 due within 60 days to the responsible unit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from shangwu.cases.models import Notification
from shangwu.designations import services
from shangwu.designations.models import ProgrammeMilestone

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def programme(make_designation):
    return make_designation(kind="county_commerce_demo", status="awarded")


def test_funds_only_for_kinds_that_carry_them_and_spent_within_allocated(
    programme, make_designation, county_a
):
    with pytest.raises(ValidationError) as exc:
        services.programme_fund_set(
            designation=make_designation(status="awarded"),
            actor=county_a,
            source="central",
            year=2026,
            budget=10,
        )
    assert "不是有资金支持的创建项目" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        services.programme_fund_set(
            designation=programme,
            actor=county_a,
            source="central",
            year=2026,
            allocated=10,
            spent=20,
        )
    assert "已支出（20）不能超过已下达（10）" in " ".join(exc.value.messages)
    row = services.programme_fund_set(
        designation=programme,
        actor=county_a,
        source="central",
        year=2026,
        budget=1000,
        allocated=600,
    )
    again = services.programme_fund_set(
        designation=programme,
        actor=county_a,
        source="central",
        year=2026,
        budget=1000,
        allocated=800,
    )
    assert again.pk == row.pk and str(again.allocated) == "800"


def test_an_overdue_milestone_lights_red_one_due_soon_yellow(programme, county_a, as_user):
    now = timezone.make_aware(datetime.datetime(2026, 6, 30, 10))
    services.programme_milestone_set(
        designation=programme, actor=county_a, kind="midterm", due_on=D(2026, 6, 1)
    )
    services.programme_milestone_set(
        designation=programme, actor=county_a, kind="acceptance", due_on=D(2026, 7, 15)
    )
    services.programme_milestone_set(
        designation=programme, actor=county_a, kind="plan", due_on=D(2026, 12, 1)
    )
    lights = {m.kind: m.light_at(now) for m in ProgrammeMilestone.objects.all()}
    assert lights == {"midterm": "red", "acceptance": "yellow", "plan": "green"}
    midterm = ProgrammeMilestone.objects.get(kind="midterm")
    services.programme_milestone_complete(
        milestone=midterm, actor=county_a, done_on=D(2026, 6, 20), result="passed"
    )
    midterm.refresh_from_db()
    assert midterm.light_at(now) == "green" and midterm.on_time is False
    page = as_user(county_a).get(programme.get_absolute_url())
    assert 'data-light="' in page.content.decode()


def test_reviews_and_acceptances_due_within_60_days_notify_the_unit_once(
    make_designation, programme, county_a
):
    today = timezone.localdate()
    soon = make_designation(status="awarded")
    type(soon).objects.filter(pk=soon.pk).update(next_review_on=today + datetime.timedelta(days=50))
    later = make_designation(status="awarded")
    type(later).objects.filter(pk=later.pk).update(
        next_review_on=today + datetime.timedelta(days=90)
    )
    services.programme_milestone_set(
        designation=programme,
        actor=county_a,
        kind="acceptance",
        due_on=today + datetime.timedelta(days=30),
    )
    sent = services.designation_send_reminders()
    mine = Notification.objects.filter(recipient=county_a)
    texts = sorted(mine.values_list("text", flat=True))
    assert any("复核" in t and soon.name in t for t in texts)
    assert any("验收" in t and programme.name in t for t in texts)
    assert not any(later.name in t for t in texts)
    assert sent >= 2
    call_command("designation_reminders", stdout=open("/dev/null", "w"))
    assert Notification.objects.filter(recipient=county_a).count() == len(texts)  # once only
