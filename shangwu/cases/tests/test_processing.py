"""process_deadlines: lights, 催办, 督办单, notifications; idempotent and safe to overlap."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from shangwu.cases.choices import CaseEventKind, Light, SupervisionLevel
from shangwu.cases.models import Case, CaseEvent, Notification, SupervisionOrder
from shangwu.cases.processing import deadlines_process
from shangwu.cases.tests.conftest import run_at_once

pytestmark = pytest.mark.django_db


def issued():
    return (
        CaseEvent.objects.filter(kind__in=[CaseEventKind.URGE, CaseEventKind.SUPERVISE]).count(),
        SupervisionOrder.objects.count(),
        Notification.objects.count(),
    )


def fresh_case(make_case, township_unit, hours_ago=1):
    """A case assigned ``hours_ago`` hours ago under 13710 (sign within 1 day, end of day)."""
    now = timezone.now() - datetime.timedelta(hours=hours_ago)
    return make_case(
        assign_to=township_unit, received=timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    )


def test_a_case_turns_yellow_then_red_with_one_reminder_and_one_supervision_order(
    make_case, township_unit, township_a1
):
    case = fresh_case(make_case, township_unit)
    due = Case.objects.get(pk=case.pk).next_deadline_at
    deadlines_process(now=due - datetime.timedelta(hours=2))
    case.refresh_from_db()
    assert case.light == Light.YELLOW and case.supervision_level == SupervisionLevel.URGE
    assert (
        Notification.objects.filter(recipient=township_a1, case=case, text__contains="催办").count()
        == 1
    )
    deadlines_process(now=due + datetime.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.light == Light.RED and case.supervision_level == SupervisionLevel.SUPERVISE
    order = SupervisionOrder.objects.get(case=case)
    assert order.node == "sign" and order.addressed_to == township_unit and order.issued_by is None
    assert order.deadline_at == due
    assert (
        Notification.objects.filter(
            recipient=township_a1, case=case, text__contains="红灯督办"
        ).count()
        == 1
    )


def test_a_second_run_issues_nothing(make_case, township_unit):
    for _ in range(3):
        fresh_case(make_case, township_unit)
    later = timezone.now() + datetime.timedelta(days=3)
    first = deadlines_process(now=later)
    after_first = issued()
    assert first["red"] == 3
    second = deadlines_process(now=later)
    assert second == {"red": 0, "yellow": 0, "lowered": 0}
    assert issued() == after_first


def test_the_command_reports_what_it_did(make_case, township_unit, capsys):
    call_command("process_deadlines")
    out = capsys.readouterr().out
    assert "转红灯并督办" in out


def test_an_extension_lowers_the_light_without_issuing_anything(
    make_case, township_unit, township_a1, county_a
):
    from shangwu.cases import services

    case = fresh_case(make_case, township_unit)
    services.case_sign(case=case, actor=township_a1)
    case.refresh_from_db()
    deadlines_process(now=case.next_deadline_at + datetime.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.light == Light.RED
    before = issued()
    ext = services.case_request_extension(
        case=case,
        actor=township_a1,
        reason="等材料",
        proposed_due=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.case_decide_extension(extension=ext, actor=county_a, approve=True)
    case.refresh_from_db()
    assert case.light == Light.GREEN
    assert issued()[:2] == before[:2]


def _run_twice_at_once(now):
    """Two copies of the pass. On PostgreSQL they really run at once in two threads (two
    connections); SQLite serialises writers, so there they run one after the other."""
    if connection.vendor != "postgresql":
        return [deadlines_process(now=now), deadlines_process(now=now)]
    return run_at_once([lambda: deadlines_process(now=now), lambda: deadlines_process(now=now)])


@pytest.mark.django_db(transaction=connection.vendor == "postgresql")
def test_two_runs_at_once_never_issue_anything_twice(restore_world, make_case, township_unit):
    cases = [fresh_case(make_case, township_unit) for _ in range(6)]
    results = _run_twice_at_once(timezone.now() + datetime.timedelta(days=3))
    assert sum(r["red"] for r in results) == 6
    assert SupervisionOrder.objects.filter(case__in=cases).count() == 6
    assert CaseEvent.objects.filter(case__in=cases, kind=CaseEventKind.SUPERVISE).count() == 6
    keys = list(
        Notification.objects.filter(case__in=cases, text__contains="红灯").values_list(
            "recipient", "case"
        )
    )
    assert len(keys) == len(set(keys)) > 0


def test_a_pass_larger_than_one_batch_takes_every_case_once(
    make_case, township_unit, township_a1, monkeypatch
):
    from shangwu.cases import processing

    monkeypatch.setattr(processing, "BATCH", {connection.vendor: 2})
    cases = [fresh_case(make_case, township_unit) for _ in range(5)]
    counts = deadlines_process(now=timezone.now() + datetime.timedelta(days=3))
    assert counts["red"] == 5
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("light", flat=True)
    ) == {Light.RED}
    assert SupervisionOrder.objects.filter(case__in=cases).count() == 5
    # Each case's 督办 reaches the township official once, whichever batch it fell in.
    assert (
        Notification.objects.filter(recipient=township_a1, text__contains="红灯督办")
        .values_list("case", flat=True)
        .order_by("case")
        .distinct()
        .count()
        == Notification.objects.filter(recipient=township_a1, text__contains="红灯督办").count()
        == 5
    )
