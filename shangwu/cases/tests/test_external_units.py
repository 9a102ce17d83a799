"""Units outside the bureau (外部单位: 自然资源局, 供电公司, 人社局) lead or help with cases; the
bureau's liaison (the assigning unit's staff) records their sign-off, progress and answer on
their behalf, shown as such; the clock and the statistics treat them like any unit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from shangwu.cases import selectors, services, statistics
from shangwu.cases.choices import CaseEventKind, CaseStatus, Rating
from shangwu.cases.models import Case, Notification
from shangwu.cases.processing import deadlines_process
from shangwu.organization.choices import OrgUnitKind
from shangwu.organization.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def land_bureau(db):
    unit = OrgUnit.objects.get(name="河东区自然资源分局")
    assert unit.kind == OrgUnitKind.EXTERNAL and unit.get_kind_display() == "外部单位"
    return unit


def _post(client, case, name, **data):
    case.refresh_from_db()
    return client.post(
        reverse("cases:case_action", args=[case.pk, name]), {"version": case.version, **data}
    )


def test_the_demo_has_external_units_in_the_city_and_a_county():
    names = set(
        OrgUnit.objects.filter(kind=OrgUnitKind.EXTERNAL).values_list("short_name", flat=True)
    )
    assert {"市自然资源局", "供电公司", "市人社局", "河东自然资源分局"} <= names


def test_the_liaison_carries_an_external_lead_units_case_from_assignment_to_closure(
    as_user, make_case, county_a, land_bureau
):
    today = timezone.localtime()
    case = make_case(received=f"{today:%Y-%m-%d} 08:00", title="厂房用地手续办理")
    client = as_user(county_a)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'<option value="{land_bureau.pk}">河东自然资源分局</option>' in page
    assert _post(client, case, "assign", lead_unit=land_bureau.pk).status_code == 302
    case.refresh_from_db()
    # The clock runs for it like for any unit.
    assert case.lead_unit == land_bureau and case.sign_due_at and case.close_due_at
    # The unit has no users: the liaison is told, finds it in its 待签收, and signs for it.
    assert Notification.objects.filter(recipient=county_a, text__contains="新交办").exists()
    assert list(selectors.case_list_queue(user=county_a, queue="to_sign")) == [case]
    assert _post(client, case, "sign").status_code == 302
    assert _post(client, case, "progress", note="已现场踏勘，材料齐全").status_code == 302
    assert list(selectors.case_list_queue(user=county_a, queue="to_handle")) == [case]
    response = _post(client, case, "request_close", resolution="用地手续已办结，证书已发放")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW
    for kind in (CaseEventKind.SIGN, CaseEventKind.PROGRESS, CaseEventKind.REQUEST_CLOSE):
        event = case.events.get(kind=kind)
        assert event.unit == land_bureau and event.actor == county_a
        assert event.data["on_behalf_of"] == "河东自然资源分局"
    page = client.get(case.get_absolute_url()).content.decode()
    assert page.count(f"由河东区商务局{county_a.name}代为录入") == 3
    events = client.get(f"/api/cases/{case.pk}/").json()["events"]
    signed = next(e for e in events if e["kind"] == CaseEventKind.SIGN)
    assert (signed["unit"], signed["recorded_by_unit"]) == (land_bureau.pk, "河东区商务局")
    services.case_review(case=case, actor=county_a, approve=True)
    services.case_revisit(case=case, actor=county_a, rating=Rating.SATISFIED)
    # Statistics count it under the external unit, like any unit.
    result = statistics.case_statistics(
        user=county_a, dimension="unit", date_from=today.date(), date_to=today.date()
    )
    row = next(r for r in result["rows"] if r.key == land_bureau.pk)
    assert (row.label, row.received, row.closed, row.satisfaction_rate) == (
        "河东自然资源分局",
        1,
        1,
        100.0,
    )


def test_only_the_liaison_records_for_an_external_unit(
    make_case, county_a, city_staff, land_bureau
):
    case = make_case(assign_to=land_bureau)
    # A city department sees the case but is not the one who assigned it.
    with pytest.raises(PermissionDenied, match="只有主办单位的人员可以签收"):
        services.case_sign(case=case, actor=city_staff)
    services.case_sign(case=case, actor=county_a)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING


def test_the_liaison_reports_an_external_co_units_progress_on_the_page_and_the_api(
    as_user, make_case, county_a, township_a1, township_unit, land_bureau
):
    case = make_case()
    services.case_assign(case=case, actor=county_a, lead_unit=township_unit, co_units=[land_bureau])
    services.case_sign(case=case, actor=township_a1)
    # The lead unit's own staff report for themselves: no 代为录入 choice for them.
    handler_page = as_user(township_a1).get(case.get_absolute_url()).content.decode()
    assert "代为录入单位" not in handler_page
    liaison = as_user(county_a)
    page = liaison.get(case.get_absolute_url()).content.decode()
    assert "代为录入单位" in page
    response = _post(
        liaison, case, "progress", note="自然资源分局：规划条件已出具", on_behalf_of=land_bureau.pk
    )
    assert response.status_code == 302
    event = case.events.filter(kind=CaseEventKind.PROGRESS).last()
    assert event.unit == land_bureau and event.data["recorded_by_unit"] == "河东区商务局"
    response = liaison.post(
        f"/api/cases/{case.pk}/progress/",
        {"note": "用地预审已通过", "on_behalf_of": land_bureau.pk},
    )
    assert response.status_code == 200, response.content
    assert case.events.filter(kind=CaseEventKind.PROGRESS, unit=land_bureau).count() == 2
    # A unit that is not on the case cannot be recorded for.
    other = OrgUnit.objects.get(short_name="河东供电中心")
    response = liaison.post(
        f"/api/cases/{case.pk}/progress/", {"note": "x", "on_behalf_of": other.pk}
    )
    assert response.status_code == 403


def test_an_overdue_external_case_is_supervised_and_the_liaison_is_told(
    make_case, county_a, land_bureau
):
    case = make_case(assign_to=land_bureau, received="2025-03-03 09:00")  # long overdue
    deadlines_process(now=timezone.now())  # what cron does
    order = case.supervisions.get()
    assert order.addressed_to == land_bureau  # the 督办单 names the unit, like any other
    assert Notification.objects.filter(
        recipient=county_a, text__contains="红灯督办", case=case
    ).exists()
