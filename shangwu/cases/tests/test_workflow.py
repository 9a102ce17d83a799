"""Every transition, and every refused one, through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shangwu.cases import services
from shangwu.cases.choices import CaseEventKind, CaseStatus, ExtensionStatus, Rating
from shangwu.cases.models import Case, CaseEvent, Notification
from shangwu.cases.tests.conftest import at

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


def test_registration_numbers_cases_per_year(make_case):
    first = make_case(received="2025-03-03 09:00")
    second = make_case(received="2025-04-03 09:00")
    other_year = make_case(received="2024-12-30 09:00")
    assert first.number.startswith("2025-") and len(first.number) == 11
    assert int(second.number[5:]) == int(first.number[5:]) + 1
    assert other_year.number.startswith("2024-")
    assert first.status == CaseStatus.REGISTERED and kinds(first) == [CaseEventKind.REGISTER]


def test_full_path_from_registration_to_closure(make_case, county_a, township_a1, township_unit):
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    assert case.status == CaseStatus.ASSIGNED
    assert Notification.objects.filter(recipient=township_a1, case=case).exists()
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 15:00"))
    assert case.status == CaseStatus.HANDLING and case.handler == township_a1
    services.case_report_progress(
        case=case, actor=township_a1, note="已对接银行", now=at("2025-03-04 10:00")
    )
    services.case_report_progress(
        case=case, actor=township_a1, note="银行审批中", now=at("2025-03-05 10:00")
    )
    services.case_request_close(
        case=case, actor=township_a1, resolution="已放款200万元", now=at("2025-03-07 10:00")
    )
    assert case.status == CaseStatus.REVIEW
    services.case_review(case=case, actor=county_a, approve=True, now=at("2025-03-07 16:00"))
    assert case.status == CaseStatus.REVISIT and case.closed_on_time is True
    services.case_revisit(
        case=case,
        actor=county_a,
        rating=Rating.SATISFIED,
        note="企业满意",
        now=at("2025-03-10 09:00"),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.rating == Rating.SATISFIED
    assert case.workdays_to_close == 5  # 3 Mar (Mon) → 10 Mar (Mon): 4,5,6,7,10
    assert kinds(case) == [
        "register",
        "assign",
        "sign",
        "progress",
        "progress",
        "request_close",
        "approve",
        "revisit",
    ]
    assert case.first_feedback_at == at("2025-03-04 10:00")


def test_return_goes_back_to_the_dispatcher_who_reassigns(
    make_case, county_a, township_a1, township_unit, county_unit
):
    case = make_case(assign_to=township_unit)
    with pytest.raises(ValidationError, match="退回理由"):
        services.case_return(case=case, actor=township_a1, reason=" ")
    services.case_return(
        case=case, actor=township_a1, reason="不属于本街道职责", now=at("2025-03-03 11:00")
    )
    assert case.status == CaseStatus.RETURNED
    assert Notification.objects.filter(
        recipient=county_a, case=case, text__contains="不属于本街道职责"
    ).exists()
    services.case_assign(
        case=case, actor=county_a, lead_unit=county_unit, now=at("2025-03-03 12:00")
    )
    assert case.status == CaseStatus.ASSIGNED and case.lead_unit == county_unit


def test_review_can_return_the_closure_request(make_case, county_a, township_a1, township_unit):
    case = make_case(assign_to=township_unit)
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    services.case_request_close(
        case=case, actor=township_a1, resolution="已答复", now=at("2025-03-04 10:00")
    )
    with pytest.raises(ValidationError, match="退回理由"):
        services.case_review(case=case, actor=county_a, approve=False, note="")
    services.case_review(
        case=case, actor=county_a, approve=False, note="答复不完整", now=at("2025-03-04 12:00")
    )
    assert case.status == CaseStatus.HANDLING


@pytest.mark.parametrize(
    "step, message",
    [
        (
            lambda c, u: services.case_request_close(case=c, actor=u, resolution="x"),
            "当前状态“待签收”不能执行“申请办结”。",
        ),
        (
            lambda c, u: services.case_review(case=c, actor=u, approve=True),
            "当前状态“待签收”不能执行“审核”。",
        ),
        (
            lambda c, u: services.case_revisit(case=c, actor=u, rating="satisfied"),
            "当前状态“待签收”不能执行“回访”。",
        ),
        (
            lambda c, u: services.case_report_progress(case=c, actor=u, note="x"),
            "当前状态“待签收”不能执行“进展反馈”。",
        ),
        (lambda c, u: services.case_resume(case=c, actor=u), "不能执行“恢复办理”"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(
    make_case, township_unit, township_a1, step, message
):
    case = make_case(assign_to=township_unit)
    with pytest.raises(ValidationError) as exc:
        step(case, township_a1)
    assert message in str(exc.value)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSIGNED


def test_signing_twice_is_refused(make_case, township_unit, township_a1):
    case = make_case(assign_to=township_unit)
    services.case_sign(case=case, actor=township_a1)
    with pytest.raises(ValidationError, match="当前状态“办理中”不能执行“签收”"):
        services.case_sign(case=case, actor=township_a1)


def test_only_the_lead_unit_signs(make_case, township_unit, county_a):
    case = make_case(assign_to=township_unit)
    with pytest.raises(PermissionDenied, match="主办单位"):
        services.case_sign(case=case, actor=county_a)


def test_only_the_assigning_unit_or_a_leader_reviews(make_case, township_unit, township_a1, leader):
    case = make_case(assign_to=township_unit)
    services.case_sign(case=case, actor=township_a1)
    services.case_request_close(case=case, actor=township_a1, resolution="已办")
    with pytest.raises(PermissionDenied, match="交办单位或局领导"):
        services.case_review(case=case, actor=township_a1, approve=True)
    services.case_review(case=case, actor=leader, approve=True)
    assert case.status == CaseStatus.REVISIT


def test_unsatisfied_rating_reopens_with_fresh_deadlines_and_is_counted(
    make_case, county_a, township_a1, township_unit
):
    case = make_case(assign_to=township_unit)
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    services.case_request_close(
        case=case, actor=township_a1, resolution="已办", now=at("2025-03-05 10:00")
    )
    services.case_review(case=case, actor=county_a, approve=True, now=at("2025-03-05 11:00"))
    with pytest.raises(ValidationError, match="不满意的原因"):
        services.case_revisit(case=case, actor=county_a, rating=Rating.UNSATISFIED, note="")
    services.case_revisit(
        case=case,
        actor=county_a,
        rating=Rating.UNSATISFIED,
        note="问题未解决",
        now=at("2025-03-20 09:00"),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLING and case.reopen_count == 1
    assert case.close_due_at == at("2025-03-27 23:59").replace(
        second=59
    )  # 13710: 7 days from the reopening
    assert kinds(case)[-1] == CaseEventKind.REOPEN
    services.case_request_close(
        case=case, actor=township_a1, resolution="再次办理", now=at("2025-03-21 10:00")
    )
    services.case_review(case=case, actor=county_a, approve=True, now=at("2025-03-21 11:00"))
    services.case_revisit(
        case=case,
        actor=county_a,
        rating=Rating.UNSATISFIED,
        note="仍未解决",
        now=at("2025-03-22 09:00"),
    )
    case.refresh_from_db()
    assert case.reopen_count == 2


def test_merge_closes_the_duplicate_and_keeps_its_history(make_case, county_a, township_unit):
    original = make_case(assign_to=township_unit)
    duplicate = make_case()
    services.case_merge(case=duplicate, into=original, actor=county_a)
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.MERGED and duplicate.merged_into == original
    assert kinds(duplicate) == ["register", "merge"]
    assert CaseEvent.objects.filter(case=original, kind=CaseEventKind.MERGE).exists()
    with pytest.raises(ValidationError, match="只能并入未办结的案件"):
        services.case_merge(case=make_case(), into=duplicate, actor=county_a)
    with pytest.raises(ValidationError, match="不能执行“合并”"):
        services.case_merge(case=duplicate, into=original, actor=county_a)


def test_extension_request_and_decision(make_case, county_a, township_a1, township_unit):
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    with pytest.raises(ValidationError, match="应晚于现办结时限2025-03-10"):
        services.case_request_extension(
            case=case, actor=township_a1, reason="等材料", proposed_due=datetime.date(2025, 3, 9)
        )
    ext = services.case_request_extension(
        case=case,
        actor=township_a1,
        reason="需协调银行",
        proposed_due=datetime.date(2025, 3, 20),
        now=at("2025-03-04 10:00"),
    )
    with pytest.raises(ValidationError, match="已有待审批"):
        services.case_request_extension(
            case=case, actor=township_a1, reason="again", proposed_due=datetime.date(2025, 3, 21)
        )
    with pytest.raises(PermissionDenied):
        services.case_decide_extension(extension=ext, actor=township_a1, approve=True)
    services.case_decide_extension(
        extension=ext, actor=county_a, approve=True, now=at("2025-03-04 11:00")
    )
    case.refresh_from_db()
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED
    assert case.close_due_at == at("2025-03-20 23:59").replace(second=59)
    with pytest.raises(ValidationError, match="已同意"):
        services.case_decide_extension(extension=ext, actor=county_a, approve=False, note="x")


def test_refused_extension_needs_a_reason_and_keeps_the_deadline(
    make_case, county_a, township_a1, township_unit
):
    case = make_case(assign_to=township_unit)
    services.case_sign(case=case, actor=township_a1)
    before = Case.objects.get(pk=case.pk).close_due_at
    ext = services.case_request_extension(
        case=case, actor=township_a1, reason="x", proposed_due=datetime.date(2025, 4, 30)
    )
    with pytest.raises(ValidationError, match="不同意的理由"):
        services.case_decide_extension(extension=ext, actor=county_a, approve=False, note="")
    services.case_decide_extension(extension=ext, actor=county_a, approve=False, note="理由不充分")
    assert Case.objects.get(pk=case.pk).close_due_at == before


def test_listed_supervision_needs_a_leader_a_date_and_a_comment(
    make_case, leader, county_a, township_unit
):
    case = make_case(assign_to=township_unit)
    with pytest.raises(PermissionDenied, match="局领导"):
        services.case_supervise_listed(
            case=case, actor=county_a, required_by=datetime.date(2099, 1, 1), comment="尽快"
        )
    with pytest.raises(ValidationError, match="督办意见"):
        services.case_supervise_listed(
            case=case, actor=leader, required_by=datetime.date(2099, 1, 1), comment=""
        )
    order = services.case_supervise_listed(
        case=case,
        actor=leader,
        required_by=datetime.date(2099, 1, 1),
        comment="请主要负责同志亲自协调",
    )
    case.refresh_from_db()
    assert case.supervision_level == 3 and order.issued_by == leader
    assert CaseEventKind.LIST_SUPERVISE in kinds(case)


def test_hotline_orders_need_a_hotline_kind(county_a, category, region):
    with pytest.raises(ValidationError, match="咨询、求助、建议或投诉"):
        services.case_register(
            actor=county_a,
            source="hotline",
            kind="ordinary",
            category=category,
            title="t",
            content="c",
            county=region("419902"),
        )


def test_county_staff_cannot_register_in_another_county(county_a, category, region):
    with pytest.raises(ValidationError, match="本县"):
        services.case_register(
            actor=county_a,
            source="hotline",
            kind="consult",
            category=category,
            title="t",
            content="c",
            county=region("419921"),
        )


def test_a_stale_version_is_refused_with_the_conflict_message(
    make_case, township_unit, township_a1
):
    case = make_case(assign_to=township_unit)
    stale = Case.objects.get(pk=case.pk)
    services.case_sign(case=case, actor=township_a1)
    stale.status = "assigned"  # what the second person still sees
    with pytest.raises(
        services.ConcurrentChange, match="该案件刚被他人处理.*签收.*您填写的内容已保留"
    ):
        services.case_return(case=stale, actor=township_a1, reason="不归我们")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING
