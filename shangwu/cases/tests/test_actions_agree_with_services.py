"""The case page offers exactly the transitions the services would accept: for cases in every
status (and with a pending 延期 or 挂起 request, paused, led or helped by a unit outside the
bureau), for each persona, the buttons on the page are those whose service, called with valid
input, goes through — no button that ends in a refusal, no permitted transition without one.
The page reads the case's extensions and co-units once for all its guards (issue 18)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.cases import services
from shangwu.cases.actions import ACTIONS
from shangwu.cases.choices import CaseStatus, Rating
from shangwu.cases.models import Case
from shangwu.core.tests import files
from shangwu.organization.models import OrgUnit

pytestmark = pytest.mark.django_db

PERSONAS = ("county_a", "city_staff", "leader", "township_a1")


class RolledBack(Exception):
    pass


def valid_input(name, case, other):
    far = timezone.localdate() + datetime.timedelta(days=60)
    return {
        "assign": {
            "lead_unit": OrgUnit.objects.get(name="东湖街道办事处"),
            "co_units": [],
            "note": "",
        },
        "sign": {"note": ""},
        "return": {"reason": "不属于本单位职责"},
        "progress": {"note": "已对接企业", "on_behalf_of": None},
        "request_close": {"resolution": "已解决"},
        "review": {"decision": "approve", "note": ""},
        "revisit": {"rating": Rating.SATISFIED, "note": ""},
        "extend": {"reason": "需协调多个部门", "proposed_due": far},
        "decide_extension": {"decision": "approve", "note": ""},
        "pause": {"reason": "等待司法结论"},
        "request_pause": {"reason": "等待司法结论"},
        "decide_pause": {"decision": "approve", "note": ""},
        "resume": {"note": ""},
        "merge": {"into": other, "note": ""},
        "supervise": {"required_by": far, "comment": "限期办结"},
        "attach": {"file": files.pdf("情况说明.pdf")},
    }[name]


def accepted(action, case, user, other) -> bool:
    """Whether the action's service goes through for ``user`` now (everything rolled back)."""
    fresh = Case.objects.get(pk=case.pk)
    try:
        with transaction.atomic():
            action.call(fresh, user, valid_input(action.name, fresh, other))
            raise RolledBack
    except RolledBack:
        return True
    except (ValidationError, PermissionDenied):
        return False


@pytest.fixture
def cases(make_case, county_a, township_a1, leader, township_unit):
    """One case in each state the page distinguishes, all of 河东区 (county_a dispatches)."""
    today = timezone.localtime()
    recent = f"{today:%Y-%m-%d} 08:00"
    land = OrgUnit.objects.get(name="河东区自然资源分局")
    made = {"registered": make_case(received=recent)}
    made["assigned"] = make_case(received=recent, assign_to=township_unit)
    returned = make_case(received=recent, assign_to=township_unit)
    services.case_return(case=returned, actor=township_a1, reason="不属于本单位职责")
    made["returned"] = returned

    def handling(**kwargs):
        case = make_case(received=recent, assign_to=township_unit, **kwargs)
        services.case_sign(case=case, actor=township_a1)
        return Case.objects.get(pk=case.pk)

    made["handling"] = handling()
    made["handling, 延期待批"] = case = handling()
    services.case_request_extension(
        case=case,
        actor=township_a1,
        reason="需协调",
        proposed_due=today.date() + datetime.timedelta(days=30),
    )
    made["handling, 挂起待批"] = case = handling()
    services.case_request_pause(case=case, actor=township_a1, reason="等待材料")
    made["paused"] = case = handling()
    services.case_pause(case=case, actor=county_a, reason="等待司法结论")
    made["handling, 外部协办"] = case = handling()
    case.co_units.add(land)
    external = make_case(received=recent)
    services.case_assign(case=external, actor=county_a, lead_unit=land)
    made["assigned to an external unit"] = external
    made["review"] = case = handling()
    services.case_request_close(case=case, actor=township_a1, resolution="已解决")
    made["revisit"] = case = handling()
    services.case_request_close(case=case, actor=township_a1, resolution="已解决")
    services.case_review(case=Case.objects.get(pk=case.pk), actor=county_a, approve=True)
    made["closed"] = case = handling()
    services.case_request_close(case=case, actor=township_a1, resolution="已解决")
    services.case_review(case=Case.objects.get(pk=case.pk), actor=county_a, approve=True)
    services.case_revisit(
        case=Case.objects.get(pk=case.pk), actor=county_a, rating=Rating.SATISFIED
    )
    return {label: Case.objects.get(pk=case.pk) for label, case in made.items()}


def test_every_button_on_the_case_page_is_a_transition_its_service_accepts_and_no_more(
    request, as_user, cases, make_case
):
    statuses = {case.status for case in cases.values()}
    assert statuses >= {s.value for s in CaseStatus if s != CaseStatus.MERGED}
    other = make_case(title="另一件同类诉求")  # what 合并 merges into
    disagreements, offered = [], set()
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        client = as_user(user)
        for label, case in cases.items():
            response = client.get(case.get_absolute_url())
            if response.status_code == 404:
                shown = set()
            else:
                shown = set(re.findall(r'id="action-(\w+)"', response.content.decode()))
            permitted = {a.name for a in ACTIONS if accepted(a, case, user, other)}
            if "pause" in permitted:
                # Who may pause (the assigning unit, also the liaison of an external lead unit)
                # pauses; the page does not offer them to ask themselves (申请挂起).
                permitted.discard("request_pause")
            offered |= shown
            if shown != permitted:
                disagreements.append(
                    f"{persona} · {label}: 页面多出 {sorted(shown - permitted)}，"
                    f"缺少 {sorted(permitted - shown)}"
                )
    assert not disagreements, "\n".join(disagreements)
    # Every transition is offered somewhere here, so none is checked only by its absence.
    assert offered == {a.name for a in ACTIONS}


def test_deciding_a_request_a_leader_decided_meanwhile_says_so_instead_of_failing(
    as_user, make_case, township_unit, township_a1, county_a, leader
):
    from django.urls import reverse

    case = make_case(received=f"{timezone.localtime():%Y-%m-%d} 08:00", assign_to=township_unit)
    services.case_sign(case=case, actor=township_a1)
    for kind, name in (("延期", "decide_extension"), ("挂起", "decide_pause")):
        case = Case.objects.get(pk=case.pk)
        if name == "decide_extension":
            request = services.case_request_extension(
                case=case,
                actor=township_a1,
                reason="需协调",
                proposed_due=timezone.localdate() + datetime.timedelta(days=30),
            )
            services.case_decide_extension(
                extension=request, actor=leader, approve=False, note="理由不充分"
            )
        else:
            request = services.case_request_pause(case=case, actor=township_a1, reason="等材料")
            services.case_decide_pause(
                request=request, actor=leader, approve=False, note="理由不充分"
            )
        case = Case.objects.get(pk=case.pk)
        response = as_user(county_a).post(
            reverse("cases:case_action", args=[case.pk, name]),
            {"version": case.version, "decision": "approve", "note": ""},
        )
        assert response.status_code == 409  # a conflict, as for a stale version (no 500)
        assert f"本案件没有待审批的{kind}申请（可能已由他人审批）" in response.content.decode()
