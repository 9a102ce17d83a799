"""When the clock starts: each deadline node counts from 受理 (receipt) or from 交办
(assignment), as the rule set version stored on the case says."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from shangwu.cases import services
from shangwu.cases.choices import CaseEventKind, CaseKind, CaseSource, ClockStart
from shangwu.cases.models import Case, CaseEvent, DeadlineRule, DeadlineRuleSet
from shangwu.cases.tests.conftest import at

pytestmark = pytest.mark.django_db

FRIDAY_EVENING = "2025-03-07 17:30"
MONDAY_MORNING = "2025-03-10 09:00"


def eod(day: str) -> datetime.datetime:
    return at(f"{day} 23:59").replace(second=59)


def current(source, kind=""):
    return DeadlineRuleSet.objects.get(source=source, kind=kind, is_current=True)


def starts(rule_set) -> dict:
    return {r.node: r.counts_from for r in rule_set.rules.all() if r.node != "revisit"}


@pytest.mark.parametrize(
    "source, kind",
    [
        (CaseSource.HOTLINE, "consult"),
        (CaseSource.HOTLINE, "help"),
        (CaseSource.HOTLINE, "suggest"),
        (CaseSource.HOTLINE, "complain"),
        (CaseSource.NPC, ""),
        (CaseSource.CPPCC, ""),
        (CaseSource.MAILBOX, ""),
    ],
)
def test_12345_npc_cppcc_and_mailbox_nodes_count_from_receipt_by_default(source, kind):
    assert set(starts(current(source, kind)).values()) == {ClockStart.RECEIVED}


@pytest.mark.parametrize("kind", [CaseKind.ORDINARY, CaseKind.MAJOR])
def test_13710_nodes_count_from_assignment(kind):
    for source in (CaseSource.VISIT, CaseSource.SELF_REPORT, CaseSource.SUPERIOR):
        assert set(starts(current(source, kind)).values()) == {ClockStart.ASSIGNED}


def test_a_12345_consultation_received_friday_1730_and_assigned_monday_counts_from_friday(
    make_case, county_unit
):
    case = make_case(
        source=CaseSource.HOTLINE,
        kind="consult",
        enterprise=False,
        received=FRIDAY_EVENING,
        assign_to=county_unit,
        assigned=MONDAY_MORNING,
    )
    case.refresh_from_db()
    # 咨询: 2 working days from Friday 7 March: Monday 10, Tuesday 11 (from Monday it would be 12).
    assert case.close_due_at == eod("2025-03-11")
    assert case.sign_due_at == eod("2025-03-10")
    assert case.assigned_at == at(MONDAY_MORNING)
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.ASSIGN)
    assert event.data["counts_from"] == {"sign": "受理", "close": "受理"}


def test_a_13710_problem_received_friday_and_assigned_monday_counts_from_monday(
    make_case, township_unit
):
    case = make_case(received=FRIDAY_EVENING, assign_to=township_unit, assigned=MONDAY_MORNING)
    case.refresh_from_db()
    assert case.close_due_at == eod("2025-03-17")  # 7 days from Monday 10 March
    assert case.sign_due_at == eod("2025-03-11")


def test_a_changed_clock_start_is_a_new_version_and_the_old_cases_keep_theirs(
    make_case, county_unit, county_a, sysadmin
):
    first = make_case(
        source=CaseSource.HOTLINE,
        kind="consult",
        enterprise=False,
        received=FRIDAY_EVENING,
        assign_to=county_unit,
        assigned=MONDAY_MORNING,
    )
    old = first.rule_set
    new = services.ruleset_save(
        actor=sysadmin,
        rule_set=old,
        name=old.name,
        source=old.source,
        kind=old.kind,
        nodes=[
            ("sign", 1, "days", "working", ClockStart.ASSIGNED),
            ("close", 2, "days", "working", ClockStart.ASSIGNED),
            ("revisit", 2, "days", "working"),
        ],
    )
    assert new.pk != old.pk and starts(new) == {"sign": "assigned", "close": "assigned"}
    old.refresh_from_db()
    assert starts(old) == {"sign": "received", "close": "received"}
    # The old case, returned and assigned again, still counts from its receipt (its version).
    member = county_unit.users.filter(is_active=True).first()
    services.case_return(
        case=first, actor=member, reason="非本单位职责", now=at("2025-03-10 10:00")
    )
    services.case_assign(
        case=first, actor=county_a, lead_unit=county_unit, now=at("2025-03-11 09:00")
    )
    first.refresh_from_db()
    assert first.rule_set == old and first.close_due_at == eod("2025-03-11")
    later = make_case(
        source=CaseSource.HOTLINE,
        kind="consult",
        enterprise=False,
        received=FRIDAY_EVENING,
        assign_to=county_unit,
        assigned=MONDAY_MORNING,
    )
    assert later.rule_set == new and later.close_due_at == eod("2025-03-12")


def test_the_migration_gives_a_used_rule_set_a_new_version_and_leaves_its_cases_alone(
    make_case, county_unit
):
    rule_set = current(CaseSource.MAILBOX)
    DeadlineRule.objects.filter(rule_set=rule_set).update(counts_from=ClockStart.ASSIGNED)
    used = make_case(
        source=CaseSource.MAILBOX,
        enterprise=False,
        received=FRIDAY_EVENING,
        assign_to=county_unit,
        assigned=MONDAY_MORNING,
    )
    importlib.import_module("shangwu.cases.migrations.0012_clock_start").receipt_defaults(
        django_apps, None
    )
    new = current(CaseSource.MAILBOX)
    assert new.pk != rule_set.pk and new.version == rule_set.version + 1
    assert set(starts(new).values()) == {ClockStart.RECEIVED}
    assert Case.objects.get(pk=used.pk).rule_set_id == rule_set.pk
    assert set(starts(rule_set).values()) == {ClockStart.ASSIGNED}


def test_the_system_administrator_sets_where_a_node_starts_on_the_rule_page(as_user, sysadmin):
    rule_set = current(CaseSource.MAILBOX)
    client = as_user(sysadmin)
    form = client.get(reverse("cases:ruleset_edit", args=[rule_set.pk])).content.decode()
    assert "办结起算" in form and "回访起算" not in form
    data = {
        "name": rule_set.name,
        "source": "mailbox",
        "kind": "",
        "note": rule_set.note,
        "sign_offset": "1",
        "sign_unit": "days",
        "sign_day_kind": "working",
        "sign_counts_from": "received",
        "first_feedback_unit": "days",
        "first_feedback_day_kind": "working",
        "close_offset": "15",
        "close_unit": "days",
        "close_day_kind": "working",
        "close_counts_from": "assigned",
        "revisit_offset": "3",
        "revisit_unit": "days",
        "revisit_day_kind": "working",
    }
    response = client.post(reverse("cases:ruleset_edit", args=[rule_set.pk]), data)
    assert response.status_code == 302
    rule_set.refresh_from_db()
    assert starts(rule_set) == {"sign": "received", "close": "assigned"}
    page = client.get(rule_set.get_absolute_url()).content.decode()
    assert "<th>起算</th>" in page and "<td>受理</td>" in page and "<td>交办</td>" in page
    assert "审核通过" in page


def test_a_proposal_is_answered_and_extended_counting_from_its_receipt(
    make_case, township_unit, township_a1
):
    from django.core.exceptions import ValidationError

    case = make_case(
        source=CaseSource.NPC,
        enterprise=False,
        received="2025-03-03 10:00",
        assign_to=township_unit,
        assigned="2025-03-20 10:00",
    )
    case.refresh_from_db()
    assert case.close_due_at == eod("2025-06-03")  # 3 months from receipt
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-21 10:00"))
    with pytest.raises(ValidationError, match="最长可延至受理后6个月（2025-09-03）"):
        services.case_request_extension(
            case=case,
            actor=township_a1,
            reason="情况复杂",
            proposed_due=datetime.date(2025, 9, 10),
            now=at("2025-05-01 10:00"),
        )
