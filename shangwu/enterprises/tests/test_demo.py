"""The demo registry reads like a real one: every enterprise has its 登记入库 entry, nothing in
its history happens before it was founded, and its timeline runs at the dates things happened."""

import datetime
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from shangwu.accounts.models import User
from shangwu.audit.models import AuditLog
from shangwu.enterprises.demo import build_enterprises
from shangwu.enterprises.models import (
    Assignment,
    Enterprise,
    EnterpriseEvent,
    EnterpriseTag,
    Visit,
    VisitProblem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_registry():
    users = {u.username: u for u in User.objects.all()}
    assert build_enterprises(units=None, users=users, count=150) == 150


def test_every_demo_enterprise_has_its_registry_entry_and_ended_ones_their_status_change(
    demo_registry,
):
    assert not Enterprise.objects.exclude(events__kind="created").exists()
    for e in Enterprise.objects.exclude(status="active"):
        change = e.events.get(kind="status")
        assert (change.from_status, change.to_status) == ("active", e.status) and change.note


def test_nothing_in_a_demo_enterprises_history_comes_before_it_was_founded(demo_registry):
    assert not Visit.objects.filter(visited_on__lt=F("enterprise__established_on")).exists()
    assert not Assignment.objects.filter(start_on__lt=F("enterprise__established_on")).exists()
    assert not EnterpriseTag.objects.filter(since__lt=F("enterprise__established_on")).exists()
    assert not EnterpriseEvent.objects.filter(at__date__lt=F("enterprise__established_on")).exists()


def test_a_demo_enterprises_registry_entry_comes_first_on_its_timeline(demo_registry):
    for e in Enterprise.objects.all():
        first = e.events.order_by("at", "id").first()
        assert first.kind == "created", (e.pk, first.kind, first.at)


def test_a_demo_timeline_runs_at_the_dates_things_happened(demo_registry):
    for visit in Visit.objects.all()[:50]:
        event = EnterpriseEvent.objects.filter(
            enterprise=visit.enterprise,
            kind="visited",
            note__startswith=f"{visit.visited_on:%Y-%m-%d}",
        ).first()
        assert event is not None and timezone.localtime(event.at).date() == visit.visited_on
    assert EnterpriseEvent.objects.values("at__date").distinct().count() > 100


def _on(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def test_the_demos_visits_and_baobao_are_recorded_by_their_services_when_they_happened(
    demo_registry,
):
    now = timezone.now()
    events = EnterpriseEvent.objects.all()
    assert not events.filter(at__gt=now).exists()
    # Each visit has its 走访 row on the day of the visit (the service's own note) and its audit
    # row, which only a save through the service writes (a bulk insert writes none).
    visits = list(Visit.objects.all())
    assert len(visits) >= 300
    assert Counter((e.enterprise_id, _on(e.at)) for e in events.filter(kind="visited")) == Counter(
        (v.enterprise_id, v.visited_on) for v in visits
    )
    audited = AuditLog.objects.filter(object_type="enterprises.visit", action="create")
    assert set(audited.values_list("object_id", flat=True)) == {str(v.pk) for v in visits}
    # Each 包保 has its 安排 row on the day it started; each ended one its 结束 row on its last day.
    assignments = list(Assignment.objects.all())
    assert Counter((e.enterprise_id, _on(e.at)) for e in events.filter(kind="assigned")) == Counter(
        (a.enterprise_id, a.start_on) for a in assignments
    )
    assert Counter(
        (e.enterprise_id, _on(e.at)) for e in events.filter(kind="unassigned")
    ) == Counter((a.enterprise_id, a.end_on) for a in assignments if a.end_on)
    # Problems answered on the spot were marked 无需转办 by a visiting official, with the reason.
    dismissed = VisitProblem.objects.filter(status="not_needed")
    assert dismissed.exists()
    assert not dismissed.filter(converted_by__isnull=True).exists()
    assert not dismissed.filter(status_note="").exists()


def test_a_demo_case_opened_from_a_visit_problem_is_received_after_the_visit_and_due_from_then(
    demo_registry,
):
    from shangwu.cases.demo import _convert_a_few_visit_problems
    from shangwu.cases.models import Case

    now = timezone.now()
    _convert_a_few_visit_problems(users={u.username: u for u in User.objects.all()})
    cases = Case.objects.filter(origin_visit_problem__isnull=False).select_related(
        "origin_visit_problem__visit"
    )
    assert cases.count() == 3
    for case in cases:
        problem = case.origin_visit_problem
        visit = problem.visit
        visited = EnterpriseEvent.objects.filter(
            enterprise_id=visit.enterprise_id,
            kind="visited",
            note__startswith=f"{visit.visited_on:%Y-%m-%d}",
        )
        assert visited.exists() and all(e.at < case.received_at for e in visited)
        assert case.received_at < now
        assert problem.status == "converted" and problem.converted_at == case.received_at
        assert case.events.get(kind="register").at == case.received_at
        if case.lead_unit_id:
            assert case.assigned_at == case.received_at
            assert case.received_at < case.sign_due_at < case.close_due_at
    assert cases.filter(lead_unit__isnull=False).exists()
