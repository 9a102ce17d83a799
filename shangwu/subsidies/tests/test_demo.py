"""The demo's subsidy programmes: the city's 以旧换新 programme with applications in every
county and status, some overdue, each opened by its 受理 event; 河东区's own programme, which
河东区 maintains, with three applications whose dealer waits to be matched to the registry."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from shangwu.subsidies.filtersets import light_q
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_a_programme_with_applications_in_every_status(county_a, county_b):
    call_command("demo_data", "--size", "small", stdout=open("/dev/null", "w"))
    assert SubsidyProgramme.objects.count() == 2
    apps = SubsidyApplication.objects.all()
    assert apps.count() == 212
    assert set(apps.values_list("status", flat=True)) == {
        "accepted",
        "reviewed",
        "paid",
        "rejected",
    }
    assert apps.filter(light_q("red", timezone.now())).exists()
    assert not apps.exclude(events__kind="created").exists()
    paid = apps.filter(status="paid")
    assert paid.filter(events__kind="paid").count() == paid.count() > 100
    assert SubsidyApplication.objects.restrict(county_a).exists()
    assert SubsidyApplication.objects.restrict(county_b).exists()
    ebike = SubsidyProgramme.objects.get(kind="ebike")
    assert SubsidyProgramme.objects.restrict(county_a).filter(pk=ebike.pk).exists()
    assert not SubsidyProgramme.objects.restrict(county_b).filter(pk=ebike.pk).exists()
    # 河东区 maintains its own programme, not the city's.
    assert SubsidyProgramme.objects.restrict(county_a, "change").get() == ebike
    # Three applications name a dealer the registry does not hold, waiting to be linked.
    waiting = SubsidyApplication.objects.restrict(county_a, "change").filter(
        dealer__isnull=True, dealer_unmatched_name="河东区绿源电动车专卖店"
    )
    assert waiting.count() == 3
