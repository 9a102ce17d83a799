"""Who is responsible for a designation (issue 20, gap 1): the responsible unit and official are
the core 包保 base (``DesignationResponsibility``), with the history of who was responsible when;
a change is an event row and audit rows; the 培育名单 per unit, the list's filter and the
reminders read the unit responsible now."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from shangwu.audit.models import AuditLog
from shangwu.cases.models import Notification
from shangwu.designations import services
from shangwu.designations.models import DesignationEvent, DesignationResponsibility
from shangwu.designations.tests.conftest import county_bureau

pytestmark = pytest.mark.django_db


def test_a_change_of_responsibility_keeps_who_was_responsible_when(
    make_designation, county_a, township_a1
):
    d = make_designation(status="applied")  # 培育 2024-01-10 by 河东区商务局
    (first,) = d.responsibilities.all()
    assert (first.unit, first.start_on, first.end_on) == (
        county_bureau("419902"),
        datetime.date(2024, 1, 10),
        None,
    )
    row = services.designation_responsibility_change(
        designation=d,
        actor=county_a,
        responsible_unit=township_a1.org_unit,
        official=township_a1,
        on=datetime.date(2025, 3, 1),
        note="属地负责",
    )
    first.refresh_from_db()
    assert first.end_on == datetime.date(2025, 2, 28)  # the day before: one at a time
    assert (row.unit, row.official, row.start_on, row.end_on) == (
        township_a1.org_unit,
        township_a1,
        datetime.date(2025, 3, 1),
        None,
    )
    d = type(d).objects.get(pk=d.pk)
    assert d.responsibility == row
    # On each day, exactly one was responsible.
    on = DesignationResponsibility.objects.filter(designation=d)
    assert list(on.current(datetime.date(2025, 2, 28))) == [first]
    assert list(on.current(datetime.date(2025, 3, 1))) == [row]
    event = DesignationEvent.objects.get(designation=d, kind="responsible")
    assert event.actor == county_a and "河东区商务局" in event.note and "属地负责" in event.note
    audited = AuditLog.objects.filter(object_type="designations.designationresponsibility")
    assert set(audited.values_list("object_id", flat=True)) >= {str(first.pk), str(row.pk)}


def test_a_change_is_refused_in_words_when_it_changes_nothing_or_comes_too_early(
    make_designation, county_a, county_b
):
    d = make_designation()
    with pytest.raises(ValidationError) as exc:
        services.designation_responsibility_change(
            designation=d, actor=county_a, responsible_unit=county_bureau("419902")
        )
    assert "责任单位和责任人与现在相同" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        services.designation_responsibility_change(
            designation=d,
            actor=county_a,
            responsible_unit=county_a.org_unit.parent or county_b.org_unit,
            on=datetime.date(2024, 1, 10),
        )
    assert "变更日期须晚于现任责任的开始日期（2024-01-10）" in " ".join(exc.value.messages)
    with pytest.raises(PermissionDenied):
        services.designation_responsibility_change(
            designation=d, actor=county_b, responsible_unit=county_b.org_unit
        )
    assert d.responsibilities.count() == 1


def test_the_county_officer_hands_a_designation_to_a_township_on_the_page(
    as_user, make_designation, county_a, township_a1
):
    d = make_designation(status="cultivating")
    client = as_user(county_a)
    today = timezone.localdate()
    form = client.get(f"/designations/{d.pk}/responsible/")
    assert form.status_code == 200 and "变更日期" in form.content.decode()
    refused = client.post(f"/designations/{d.pk}/responsible/", {"on": f"{today:%Y-%m-%d}"})
    assert refused.status_code == 400 and "responsible_unit" in refused.context["form"].errors
    changed = client.post(
        f"/designations/{d.pk}/responsible/",
        {
            "responsible_unit": township_a1.org_unit.pk,
            "official": township_a1.pk,
            "on": f"{today:%Y-%m-%d}",
            "note": "属地负责",
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:800]
    page = client.get(d.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="responsibilities"') :]
    history = history[: history.index("</table>")]
    assert "河东区商务局" in history and str(township_a1.org_unit) in history
    assert f"{today - datetime.timedelta(days=1):%Y-%m-%d}" in history and "现任" in history
    assert "责任变更" in page  # the timeline

    # The 培育名单 and the list's filter count it under the township now.
    rows = {r["name"]: r for r in client.get("/designations/cultivation/").context["rows"]}
    assert str(township_a1.org_unit.name) in rows and "河东区商务局" not in rows
    listed = client.get(f"/designations/?responsible_unit={township_a1.org_unit.pk}")
    assert [r.pk for r in listed.context["page"].object_list] == [d.pk]
    assert (
        not client.get(f"/designations/?responsible_unit={county_bureau('419902').pk}")
        .context["page"]
        .object_list
    )


def test_reminders_go_to_the_unit_responsible_now(make_designation, county_a, township_a1):
    today = timezone.localdate()
    d = make_designation(status="awarded")
    type(d).objects.filter(pk=d.pk).update(next_review_on=today + datetime.timedelta(days=20))
    services.designation_responsibility_change(
        designation=d,
        actor=county_a,
        responsible_unit=township_a1.org_unit,
        official=township_a1,
        on=today,
    )
    services.designation_send_reminders()
    assert Notification.objects.filter(recipient=township_a1, text__contains=d.name).exists()
    assert not Notification.objects.filter(recipient=county_a, text__contains=d.name).exists()


def test_the_api_reads_and_changes_the_responsible_unit_through_the_service(
    make_designation, county_a, township_a1
):
    d = make_designation()
    api = APIClient()
    api.force_authenticate(county_a)
    row = api.get(f"/api/designations/{d.pk}/").json()
    assert row["responsible_unit"] == county_bureau("419902").pk
    assert row["responsible_unit_name"] == "河东区商务局" and row["official"] is None
    listed = api.get("/api/designations/", {"responsible_unit": county_bureau("419902").pk})
    assert [r["id"] for r in listed.json()["results"]] == [d.pk]
    changed = api.patch(
        f"/api/designations/{d.pk}/",
        {"responsible_unit": township_a1.org_unit.pk, "official": township_a1.pk},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["responsible_unit"] == township_a1.org_unit.pk
    assert changed.json()["official_name"] == township_a1.name
    assert d.responsibilities.count() == 2
    assert DesignationEvent.objects.filter(designation=d, kind="responsible").count() == 1
