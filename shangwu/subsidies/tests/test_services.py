"""An application's steps 受理 → 审核 → 拨付 / 驳回 through the services: each step an event
row and an audit row, each step out of order refused in words; the subsidy from the rule; the
working-day clock across the 国庆 holiday and the light."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shangwu.audit.models import AuditLog
from shangwu.subsidies import services
from shangwu.subsidies.models import SubsidyApplication

from .conftest import BEFORE_GUOQING

pytestmark = pytest.mark.django_db


def _kinds(app):
    return list(app.events.order_by("at", "id").values_list("kind", "from_status", "to_status"))


def test_a_new_application_is_accepted_with_the_rule_subsidy_and_its_clock(make_application):
    app = make_application(sale=Decimal("4000"))
    assert app.status == "accepted"
    assert app.subsidy_amount == Decimal("600.00")  # 15% of 4000
    assert app.rule_amount == Decimal("600.00")
    assert app.due_on == datetime.date(2026, 3, 23)  # 15 working days after 3月2日
    assert _kinds(app) == [("created", "", "accepted")]


def test_the_percent_rule_stops_at_its_cap_and_the_fixed_rule_counts_units(make_application):
    assert make_application(sale=Decimal("20000")).subsidy_amount == Decimal("2000.00")
    assert make_application(sale=Decimal("30000"), units=2).subsidy_amount == Decimal("4000.00")
    car = make_application(category="passenger_car", sale=Decimal("150000"))
    assert car.subsidy_amount == Decimal("15000.00")


def test_a_subsidy_other_than_the_rule_needs_a_reason(make_application):
    with pytest.raises(ValidationError) as exc:
        make_application(subsidy_amount=Decimal("500"))
    assert "须填写调整原因" in str(exc.value.message_dict["override_reason"])
    app = make_application(subsidy_amount=Decimal("500"), override_reason="旧机未交回，减半")
    assert app.subsidy_amount == Decimal("500") and app.rule_amount == Decimal("600.00")


def test_a_category_without_a_rule_is_refused_by_name(make_application):
    with pytest.raises(ValidationError) as exc:
        make_application(category="tv")
    assert "没有“电视”的补贴标准" in str(exc.value.message_dict["category"])


def test_the_personal_data_is_masked_on_the_record_and_in_the_audit_log(make_application):
    app = make_application(applicant_name="欧阳娜娜", id_number="41990219900101123X")
    assert app.applicant_masked == "欧**娜"
    assert app.id_number_masked == "419***********123X"
    row = AuditLog.objects.filter(object_type="subsidies.subsidyapplication").latest("id")
    text = str(row.changes)
    assert "41990219900101123X" not in text and "欧阳娜娜" not in text


def test_review_then_pay_each_writes_its_event_and_audit_rows(make_application, county_a):
    app = make_application()
    audits = AuditLog.objects.count()
    services.subsidy_application_review(
        application=app, actor=county_a, on=datetime.date(2026, 3, 5)
    )
    services.subsidy_application_pay(application=app, actor=county_a, on=datetime.date(2026, 3, 16))
    app.refresh_from_db()
    assert app.status == "paid" and app.paid_on == datetime.date(2026, 3, 16)
    assert app.workdays_to_pay == 10
    assert app.next_deadline_at is None
    assert _kinds(app) == [
        ("created", "", "accepted"),
        ("reviewed", "accepted", "reviewed"),
        ("paid", "reviewed", "paid"),
    ]
    assert AuditLog.objects.count() == audits + 2


def test_paying_before_review_is_refused_with_the_path(make_application, county_a):
    app = make_application()
    with pytest.raises(ValidationError) as exc:
        services.subsidy_application_pay(application=app, actor=county_a)
    message = exc.value.message_dict["status"][0]
    assert "受理 → 审核 → 拨付" in message and "当前为“受理”" in message
    app.refresh_from_db()
    assert app.status == "accepted" and _kinds(app) == [("created", "", "accepted")]


def test_reviewing_twice_and_acting_on_a_paid_or_rejected_application_is_refused(
    make_application, county_a
):
    app = make_application()
    services.subsidy_application_review(application=app, actor=county_a)
    with pytest.raises(ValidationError, match="当前为“审核”"):
        services.subsidy_application_review(application=app, actor=county_a)
    services.subsidy_application_pay(application=app, actor=county_a)
    for step in (services.subsidy_application_review, services.subsidy_application_pay):
        with pytest.raises(ValidationError, match="申请已拨付"):
            step(application=app, actor=county_a)
    with pytest.raises(ValidationError, match="申请已拨付，不能再驳回"):
        services.subsidy_application_reject(application=app, actor=county_a, reason="重复")
    other = make_application()
    services.subsidy_application_reject(application=other, actor=county_a, reason="发票不符")
    with pytest.raises(ValidationError, match="申请已驳回"):
        services.subsidy_application_review(application=other, actor=county_a)


def test_a_rejection_needs_its_reason_and_stops_the_clock(make_application, county_a):
    app = make_application()
    with pytest.raises(ValidationError) as exc:
        services.subsidy_application_reject(application=app, actor=county_a, reason=" ")
    assert exc.value.message_dict["reason"] == ["驳回须填写原因。"]
    services.subsidy_application_reject(application=app, actor=county_a, reason="发票不符")
    app.refresh_from_db()
    assert app.status == "rejected" and app.next_deadline_at is None
    assert app.reject_reason == "发票不符"
    assert _kinds(app)[-1] == ("rejected", "accepted", "rejected")


def test_a_step_dated_before_the_previous_one_is_refused(make_application, county_a):
    app = make_application(accepted=datetime.date(2026, 3, 10))
    with pytest.raises(ValidationError, match="审核日期不能早于2026-03-10"):
        services.subsidy_application_review(
            application=app, actor=county_a, on=datetime.date(2026, 3, 9)
        )


def test_another_county_cannot_take_a_step(make_application, county_b):
    app = make_application()
    with pytest.raises(PermissionDenied):
        services.subsidy_application_review(application=app, actor=county_b)
    assert SubsidyApplication.objects.get(pk=app.pk).status == "accepted"


def test_a_county_officer_cannot_register_an_application_of_another_county(
    make_application, county_a
):
    with pytest.raises(ValidationError, match="不在您的数据范围内"):
        make_application(county="419921", actor=county_a)


def test_the_clock_skips_the_guoqing_holiday_and_counts_the_makeup_saturday(make_application):
    # 9月28日 + 15 working days: 29, 30 (2); 10月1—7日 国庆 rest; 8, 9, 10 (Sat, 调休) (5);
    # 12—16 (10); 19—23 (15). Calendar days would have said 10月13日.
    app = make_application(accepted=BEFORE_GUOQING)
    assert app.due_on == datetime.date(2026, 10, 23)
    assert timezone.localtime(app.next_deadline_at).date() == datetime.date(2026, 10, 23)


def test_the_light_turns_yellow_on_the_last_day_and_red_after_it(make_application):
    app = make_application(accepted=BEFORE_GUOQING)
    due = app.next_deadline_at
    assert app.light_at(due - datetime.timedelta(days=3)) == "green"
    assert app.light_at(due - datetime.timedelta(hours=5)) == "yellow"
    assert app.light_at(due + datetime.timedelta(minutes=1)) == "red"


def test_paying_stops_the_light(make_application, county_a):
    app = make_application(accepted=BEFORE_GUOQING)
    services.subsidy_application_review(
        application=app, actor=county_a, on=datetime.date(2026, 10, 9)
    )
    services.subsidy_application_pay(application=app, actor=county_a, on=datetime.date(2026, 11, 2))
    app.refresh_from_db()
    assert app.light_at(timezone.now()) == "green" and not app.is_open
    # After 9月28日 to 11月2日 across 国庆: 2 + 3 (8, 9, 10) + 5 + 5 + 5 + 1 = 21 working days
    assert app.workdays_to_pay == 21


def test_a_programme_change_of_promise_moves_the_open_clocks(
    programme, make_application, city_staff
):
    app = make_application()
    services.subsidy_programme_update(programme=programme, actor=city_staff, promised_workdays=5)
    app.refresh_from_db()
    assert app.due_on == datetime.date(2026, 3, 9)
    kinds = list(programme.events.values_list("kind", flat=True))
    assert "updated" in kinds


def test_a_county_officer_cannot_create_a_city_wide_programme_and_a_township_none(
    county_a, township_a1
):
    fields = {
        "name": "x",
        "kind": "other",
        "organiser": county_a.org_unit,
        "start_on": datetime.date(2026, 1, 1),
        "end_on": datetime.date(2026, 2, 1),
    }
    with pytest.raises(ValidationError, match="只能覆盖本县"):
        services.subsidy_programme_create(actor=county_a, **fields)
    with pytest.raises(PermissionDenied, match="县\\(市、区\\)商务主管部门维护"):
        services.subsidy_programme_create(actor=township_a1, **fields)
