"""process_deadlines: 催办, 督办单, notifications; idempotent and safe to overlap. Lights are the
pending deadline read against the clock."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from shangwu.cases.choices import CaseEventKind, Light, SupervisionLevel
from shangwu.cases.models import Case, CaseEvent, DeadlineSweep, Notification, SupervisionOrder
from shangwu.cases.processing import deadlines_process
from shangwu.cases.tests.conftest import run_at_once

pytestmark = pytest.mark.django_db


def issued():
    return (
        CaseEvent.objects.filter(kind__in=[CaseEventKind.URGE, CaseEventKind.SUPERVISE]).count(),
        SupervisionOrder.objects.count(),
        Notification.objects.count(),
    )


def cases_in(text: str) -> int:
    """How many cases a notification is about: "3 件案件红灯督办…" or one case's own message."""
    first = text.split(" ")[0]
    return int(first) if "件案件" in text else 1


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
    two_hours_before = due - datetime.timedelta(hours=2)
    assert case.light_at(two_hours_before) == Light.YELLOW
    assert deadlines_process(now=two_hours_before) == {"red": 0, "yellow": 1}
    urge = CaseEvent.objects.get(case=case, kind=CaseEventKind.URGE)
    assert urge.deadline_at == due and urge.actor is None
    assert (
        Notification.objects.filter(recipient=township_a1, case=case, text__contains="催办").count()
        == 1
    )
    just_after = due + datetime.timedelta(minutes=1)
    assert case.light_at(just_after) == Light.RED
    assert deadlines_process(now=just_after) == {"red": 1, "yellow": 0}
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
    assert deadlines_process(now=later) == {"red": 0, "yellow": 0}
    # Even a pass told to look at every open case finds them all already issued.
    assert deadlines_process(now=later, full=True) == {"red": 0, "yellow": 0}
    assert issued() == after_first


def test_the_command_reports_what_it_did(make_case, township_unit, capsys):
    call_command("process_deadlines")
    out = capsys.readouterr().out
    assert "转红灯并督办" in out


def test_an_extension_lowers_the_light_without_issuing_anything(
    make_case, township_unit, township_a1, county_a
):
    from shangwu.cases import services

    case = fresh_case(make_case, township_unit, hours_ago=24 * 20)  # long overdue
    services.case_sign(case=case, actor=township_a1)
    services.case_report_progress(case=case, actor=township_a1, note="已联系银行")
    case.refresh_from_db()
    assert case.light == Light.RED and case.supervision == SupervisionLevel.SUPERVISE
    # Issued by the transitions themselves, for the node each one left pending.
    assert SupervisionOrder.objects.filter(case=case).count() == 2
    assert deadlines_process(now=timezone.now()) == {"red": 0, "yellow": 0}
    before = issued()
    ext = services.case_request_extension(
        case=case,
        actor=township_a1,
        reason="等材料",
        proposed_due=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.case_decide_extension(extension=ext, actor=county_a, approve=True)
    case.refresh_from_db()
    assert case.light == Light.GREEN and case.supervision == SupervisionLevel.NONE
    assert issued()[:2] == before[:2]
    assert deadlines_process(now=timezone.now()) == {"red": 0, "yellow": 0}


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
    # Each person told about each case once, whichever copy claimed it.
    told: dict[int, int] = {}
    for recipient, text in Notification.objects.filter(text__contains="红灯督办").values_list(
        "recipient", "text"
    ):
        told[recipient] = told.get(recipient, 0) + cases_in(text)
    assert told and set(told.values()) == {6}


def test_a_pass_larger_than_one_batch_takes_every_case_once(
    make_case, township_unit, township_a1, monkeypatch
):
    from shangwu.cases import processing

    monkeypatch.setattr(processing, "BATCH", {connection.vendor: 2})
    cases = [fresh_case(make_case, township_unit) for _ in range(5)]
    counts = deadlines_process(now=timezone.now() + datetime.timedelta(days=3))
    assert counts["red"] == 5
    supervised = CaseEvent.objects.filter(case__in=cases, kind=CaseEventKind.SUPERVISE)
    assert sorted(supervised.values_list("case", flat=True)) == sorted(c.pk for c in cases)
    assert SupervisionOrder.objects.filter(case__in=cases).count() == 5
    # One message per batch for the township official: two of 2 cases and one of a single case.
    texts = sorted(
        Notification.objects.filter(recipient=township_a1, text__contains="红灯督办").values_list(
            "text", flat=True
        )
    )
    assert [t.split(" ")[0] for t in texts if "件案件" in t] == ["2", "2"]
    assert len(texts) == 3


def test_several_cases_reach_a_person_as_one_message_linking_to_the_red_list(
    make_case, township_unit, township_a1
):
    cases = [fresh_case(make_case, township_unit) for _ in range(3)]
    later = timezone.now() + datetime.timedelta(days=3)
    deadlines_process(now=later)
    message = Notification.objects.get(recipient=township_a1, text__contains="红灯督办")
    assert message.text.startswith("3 件案件红灯督办") and message.case is None
    assert message.url == "/cases/?light=red"
    # The list behind the link, read at the same moment, is exactly those cases.
    from shangwu.cases.deadlines import light_q

    red_then = Case.objects.filter(light_q(Light.RED, later), pk__in=[c.pk for c in cases])
    assert red_then.count() == 3


def test_the_light_follows_the_clock_without_a_pass(client, make_case, township_unit, county_a):
    """A case whose deadline passed is red on the list and counted 超期未办结 at once, before any
    pass has run; the pass only issues the 督办单."""
    overdue = make_case(assign_to=township_unit)  # assigned 2025-03-03: long overdue
    Case.objects.filter(pk=overdue.pk).update(
        next_deadline_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    calm = make_case(assign_to=township_unit)
    Case.objects.filter(pk=calm.pk).update(
        next_deadline_at=timezone.now() + datetime.timedelta(days=5)
    )
    client.force_login(county_a)
    red = client.get("/cases/", {"light": "red"}).content.decode()
    assert overdue.number in red and calm.number not in red
    green = client.get("/cases/", {"light": "green"}).content.decode()
    assert calm.number in green and overdue.number not in green
    stats = client.get("/cases/?measure=overdue&received_from=2025-03-01&received_to=2025-03-31")
    assert overdue.number in stats.content.decode() and calm.number not in stats.content.decode()


def test_a_pass_looks_only_at_deadlines_due_since_the_last_one_unless_told_full(
    make_case, township_unit
):
    first = fresh_case(make_case, township_unit)
    now = timezone.now() + datetime.timedelta(days=3)
    assert deadlines_process(now=now)["red"] == 1
    sweep = DeadlineSweep.objects.get()
    assert sweep.red_to == now
    # A case written straight into the database with a deadline long before that horizon (a bulk
    # load bypassing the services): the minute-by-minute pass does not look that far back…
    late = fresh_case(make_case, township_unit)
    Case.objects.filter(pk=late.pk).update(next_deadline_at=now - datetime.timedelta(days=1))
    later = now + datetime.timedelta(minutes=1)
    assert deadlines_process(now=later) == {"red": 0, "yellow": 0}
    # …a full pass does, and issues only what is missing.
    assert deadlines_process(now=later, full=True) == {"red": 1, "yellow": 0}
    assert SupervisionOrder.objects.filter(case__in=[first, late]).count() == 2


def test_an_upgraded_database_does_not_issue_again_what_the_old_pass_issued(
    make_case, township_unit
):
    """Migration 0008 on a database whose 催办/督办 events predate their deadline column."""
    import importlib

    from django.apps import apps as django_apps

    case = fresh_case(make_case, township_unit, hours_ago=24 * 20)  # long overdue
    assert deadlines_process(now=timezone.now())["red"] == 1
    before = issued()
    CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUPERVISE).update(deadline_at=None)
    DeadlineSweep.objects.all().delete()
    importlib.import_module("shangwu.cases.migrations.0008_clock_not_stored").carry_over(
        django_apps, None
    )
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.SUPERVISE)
    assert event.deadline_at == SupervisionOrder.objects.get(case=case).deadline_at
    assert DeadlineSweep.objects.get().red_to is not None
    assert deadlines_process(now=timezone.now()) == {"red": 0, "yellow": 0}
    assert deadlines_process(now=timezone.now(), full=True) == {"red": 0, "yellow": 0}
    assert issued() == before


@pytest.mark.django_db(transaction=connection.vendor == "postgresql")
def test_a_pass_shared_out_over_several_connections_issues_each_case_once(
    restore_world, make_case, township_unit, monkeypatch
):
    """On PostgreSQL the batches of a big pass run on two connections at once."""
    from shangwu.cases import processing

    monkeypatch.setattr(processing, "BATCH", {connection.vendor: 2})
    cases = [fresh_case(make_case, township_unit) for _ in range(7)]
    counts = deadlines_process(now=timezone.now() + datetime.timedelta(days=3))
    assert counts == {"red": 7, "yellow": 0}
    supervised = CaseEvent.objects.filter(case__in=cases, kind=CaseEventKind.SUPERVISE)
    assert sorted(supervised.values_list("case", flat=True)) == sorted(c.pk for c in cases)
    assert SupervisionOrder.objects.filter(case__in=cases).count() == 7
    told: dict[int, int] = {}
    for recipient, text in Notification.objects.filter(text__contains="红灯督办").values_list(
        "recipient", "text"
    ):
        told[recipient] = told.get(recipient, 0) + cases_in(text)
    assert told and set(told.values()) == {7}


def test_a_pass_with_nothing_new_reads_the_overlap_cases_by_id_not_the_id_range_between_them(
    make_case, township_unit, monkeypatch
):
    """Issue 18: the minute-by-minute pass re-reads the cases of its overlap window. Read as the
    range between their ids, that range spans the whole table (703–895 ms at 1,000,000 cases for
    a pass that issues nothing); named by id it is a few primary-key probes."""
    from shangwu.cases import processing

    cases = [fresh_case(make_case, township_unit) for _ in range(3)]
    due = Case.objects.get(pk=cases[0].pk).next_deadline_at
    assert deadlines_process(now=due + datetime.timedelta(minutes=1))["red"] == 3
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert deadlines_process(now=due + datetime.timedelta(minutes=2)) == {"red": 0, "yellow": 0}
    reads = [s for s in statements if "INSERT INTO cases_caseevent" in s]
    assert reads and all("c.id IN (" in s and "BETWEEN" not in s for s in reads)
    # A big pass (more cases than a batch names) still reads its batches as id ranges.
    monkeypatch.setattr(processing, "NAMED_BATCH", 1)
    statements.clear()
    with connection.execute_wrapper(record):
        assert deadlines_process(now=due + datetime.timedelta(minutes=3)) == {"red": 0, "yellow": 0}
    assert any("BETWEEN" in s for s in statements if "INSERT INTO cases_caseevent" in s)
