"""The demo registry reads like a real one: every enterprise has its 登记入库 entry, nothing in
its history happens before it was founded, and its timeline runs at the dates things happened."""

import pytest
from django.db.models import F
from django.utils import timezone

from shangwu.accounts.models import User
from shangwu.enterprises.demo import build_enterprises
from shangwu.enterprises.models import Assignment, Enterprise, EnterpriseEvent, EnterpriseTag, Visit

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
