"""挂起 needs the approval of the assigning unit or a leader, like 延期: the lead unit asks, the
clock runs until someone with the right says yes; a red case cannot be paused by its handler."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shangwu.cases import services
from shangwu.cases.choices import CaseEventKind, ExtensionKind, ExtensionStatus, Light
from shangwu.cases.models import Case, CaseExtension, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_case(make_case, township_unit, township_a1):
    """Assigned to 东湖街道 in March 2025 and never closed: long overdue."""
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    services.case_sign(case=case, actor=township_a1)
    case.refresh_from_db()
    assert case.light == Light.RED
    return case


def test_the_lead_unit_cannot_pause_a_red_case_by_itself(red_case, township_a1):
    with pytest.raises(PermissionDenied, match="挂起须经交办单位或局领导同意"):
        services.case_pause(case=red_case, actor=township_a1, reason="等企业材料")
    red_case.refresh_from_db()
    assert red_case.paused_at is None and red_case.light == Light.RED


def test_the_lead_unit_asks_on_the_page_and_the_assigning_unit_approves(
    as_user, red_case, township_a1, county_a
):
    handler = as_user(township_a1)
    page = handler.get(red_case.get_absolute_url()).content.decode()
    assert "申请挂起" in page
    assert reverse("cases:case_action", args=[red_case.pk, "pause"]) not in page
    response = handler.post(
        reverse("cases:case_action", args=[red_case.pk, "request_pause"]),
        {"version": red_case.version, "reason": "等待企业补充土地证明"},
    )
    assert response.status_code == 302
    red_case.refresh_from_db()
    # Asking does not stop the clock.
    assert red_case.paused_at is None and red_case.light == Light.RED
    request = CaseExtension.objects.get(case=red_case, kind=ExtensionKind.PAUSE)
    assert request.status == ExtensionStatus.PENDING
    assert Notification.objects.filter(recipient=county_a, text__contains="申请挂起").exists()
    # The handler cannot ask twice, nor decide.
    page = handler.get(red_case.get_absolute_url()).content.decode()
    assert "审批挂起" not in page
    with pytest.raises(PermissionDenied):
        services.case_decide_pause(request=request, actor=township_a1, approve=True)

    dispatcher = as_user(county_a)
    queue = dispatcher.get(reverse("cases:unit_queue")).content.decode()
    assert "申请挂起（等待企业补充土地证明）" in queue
    page = dispatcher.get(red_case.get_absolute_url()).content.decode()
    assert "审批挂起" in page
    # The request is decided, not bypassed.
    assert reverse("cases:case_action", args=[red_case.pk, "pause"]) not in page
    with pytest.raises(ValidationError, match="已有待审批的挂起申请"):
        services.case_pause(case=red_case, actor=county_a, reason="直接挂起")
    response = dispatcher.post(
        reverse("cases:case_action", args=[red_case.pk, "decide_pause"]),
        {"version": red_case.version, "decision": "approve", "note": ""},
    )
    assert response.status_code == 302
    red_case.refresh_from_db()
    assert red_case.paused_at is not None and red_case.next_deadline_at is None
    kinds = list(red_case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEventKind.PAUSE_REQUEST, CaseEventKind.PAUSE]
    assert "同意挂起：等待企业补充土地证明" in red_case.events.last().note
    assert Notification.objects.filter(
        recipient=township_a1, text__contains="挂起申请已同意"
    ).exists()


def test_a_refusal_needs_a_reason_and_the_clock_runs_on(red_case, township_a1, county_a):
    request = services.case_request_pause(case=red_case, actor=township_a1, reason="等材料")
    with pytest.raises(ValidationError, match="不同意的理由"):
        services.case_decide_pause(request=request, actor=county_a, approve=False, note=" ")
    services.case_decide_pause(
        request=request, actor=county_a, approve=False, note="已超期，不宜挂起"
    )
    red_case.refresh_from_db()
    assert red_case.paused_at is None and red_case.light == Light.RED
    assert red_case.events.last().kind == CaseEventKind.PAUSE_REFUSE
    with pytest.raises(ValidationError, match="已不同意"):
        services.case_decide_pause(request=request, actor=county_a, approve=True)
    # An extension request is not mistaken for a pause request, nor the other way round.
    with pytest.raises(ValidationError, match="不是延期申请"):
        services.case_decide_extension(extension=request, actor=county_a, approve=True)


def test_a_leader_approves_through_the_api(as_user, red_case, township_a1, leader):
    api = as_user(township_a1)
    assert api.post(f"/api/cases/{red_case.pk}/pause/", {"reason": "x"}).status_code == 403
    response = api.post(f"/api/cases/{red_case.pk}/request-pause/", {"reason": "企业负责人出国"})
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=red_case.pk).paused_at is None
    response = as_user(leader).post(
        f"/api/cases/{red_case.pk}/decide-pause/", {"approve": True, "note": "同意"}
    )
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=red_case.pk).paused_at is not None
    again = as_user(leader).post(f"/api/cases/{red_case.pk}/decide-pause/", {"approve": True})
    assert again.status_code == 400 and "没有待审批的挂起申请" in again.content.decode()
