"""Next year's calendar in December: deadlines that fall in a year whose State Council
arrangement nobody has entered yet are computed provisionally (暂定), shown as such, and set right
when the year is entered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shangwu.cases import services
from shangwu.cases.choices import CaseEventKind, CaseSource, CaseStatus
from shangwu.cases.models import Case, CaseEvent, Notification
from shangwu.cases.services.provisional import calendar_reminder_notify
from shangwu.cases.tests.conftest import at
from shangwu.workcalendar.services import calendar_cache_clear, calendar_year_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """A year entered inside one test's rolled-back transaction must not answer the next's."""
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def clock(monkeypatch):
    """Set the platform's clock (pages and services read ``timezone.now``)."""

    def set_to(text):
        moment = at(text)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_to


def eod(day: str) -> datetime.datetime:
    return at(f"{day} 23:59").replace(second=59)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def enter_2027(actor=None):
    """A 2027 notice shaped like the State Council's: 春节 6–14 February off, 5 February (除夕,
    a Friday) and Saturday 20 February worked."""
    return calendar_year_save(
        year=2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知",
        holidays=[
            (day("2027-01-01"), "元旦"),
            *[(day("2027-02-06") + datetime.timedelta(days=n), "春节") for n in range(9)],
        ],
        workdays=[(day("2027-02-20"), "春节")],
        actor=actor,
    )


def hotline_help(make_case, unit, received):
    # 12345 求助: 签收 1, 首次反馈 3, 办结 10 working days.
    return make_case(
        source=CaseSource.HOTLINE, kind="help", enterprise=False, assign_to=unit, received=received
    )


# --- Registering, assigning and extending never fail because of the calendar --------------------


def test_a_12345_case_registered_and_assigned_on_28_december_2026_gets_a_provisional_deadline(
    make_case, county_unit, county_a
):
    case = hotline_help(make_case, county_unit, "2026-12-28 09:00")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED
    # 29, 30, 31 December; 1 January (元旦) off; 4–8 and 11, 12 January.
    assert case.close_due_at == eod("2027-01-12")
    assert case.sign_due_at == eod("2026-12-29")  # 2026 is known: not provisional
    assert set(case.provisional_dues) == {"close"}  # 首次反馈 (3 days) is 31 December
    assert not case.next_deadline_provisional  # the pending node is 签收, in 2026


def test_extending_a_case_into_a_year_not_entered_works(make_case, county_unit, county_a):
    case = hotline_help(make_case, county_unit, "2026-12-28 09:00")
    from shangwu.accounts.models import User

    handler = User.objects.filter(org_unit=county_unit, is_active=True).first()
    services.case_sign(case=case, actor=handler, now=at("2026-12-28 10:00"))
    extension = services.case_request_extension(
        case=case,
        actor=handler,
        reason="需协调供电公司",
        proposed_due=day("2027-01-29"),
        now=at("2026-12-29 09:00"),
    )
    services.case_decide_extension(
        extension=extension, actor=county_a, approve=True, now=at("2026-12-29 10:00")
    )
    case.refresh_from_db()
    assert case.close_due_at == eod("2027-01-29")
    assert "close" not in (case.provisional_dues or {})  # a date the reviewer chose, not a count


def test_registering_and_assigning_through_the_pages_on_28_december_shows_the_deadline_as_provisional(
    as_user, clock, county_a, category, region, county_unit
):
    clock("2026-12-28 09:00")
    client = as_user(county_a)
    response = client.post(
        reverse("cases:case_add"),
        {
            "source": "hotline",
            "kind": "help",
            "category": category.pk,
            "title": "求助：年底停电",
            "content": "厂区停电，影响年底交货",
            "county": region("419902").pk,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(title="求助：年底停电")
    clock("2026-12-28 09:30")
    response = client.post(
        reverse("cases:case_action", args=[case.pk, "assign"]),
        {"lead_unit": county_unit.pk, "version": case.version},
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "2027-01-12 23:59" in page and "暂定" in page
    assert 'data-testid="deadline-provisional"' in page
    body = client.get(f"/api/cases/{case.pk}/").json()
    assert body["provisional_nodes"] == ["close"]
    assert body["next_deadline_provisional"] is False


def test_the_case_list_the_export_and_the_api_mark_a_provisional_next_deadline(
    as_user, make_case, county_unit, county_a
):
    # Assigned on Thursday 31 December: 签收 within 1 working day is Monday 4 January 2027.
    case = hotline_help(make_case, county_unit, "2026-12-31 09:00")
    client = as_user(county_a)
    page = client.get(reverse("cases:case_list")).content.decode()
    assert "2027-01-04 23:59:59（暂定）" in page
    body = client.get(f"/api/cases/{case.pk}/").json()
    assert body["next_deadline_provisional"] is True
    dashboard = as_user(county_unit.users.filter(is_active=True).first()).get("/")
    assert "（时限 01-04 23:59，暂定）" in dashboard.content.decode()
    export = client.get(reverse("cases:case_export"))
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert any(
        "2027-01-04 23:59:59（暂定）" == str(cell.value)
        for row in sheet.iter_rows()
        for cell in row
    )


# --- Entering the year recomputes every provisional deadline -----------------------------------


def test_entering_2027_recomputes_the_deadlines_writes_an_event_and_notifies_the_handlers(
    make_case, county_unit, sysadmin
):
    # Assigned Monday 25 January 2027. Provisionally 除夕 5 Feb to 初三 8 Feb are off, so the
    # 10th working day is 10 February; under the notice 5 February is worked and 6–14 are off:
    # 26–29 January, 1–5 February, 15 February.
    case = hotline_help(make_case, county_unit, "2027-01-25 09:00")
    case.refresh_from_db()
    assert case.close_due_at == eod("2027-02-10") and "close" in case.provisional_dues
    enter_2027(actor=sysadmin)
    case.refresh_from_db()
    assert case.close_due_at == eod("2027-02-15")
    assert case.provisional_dues is None  # 签收 and 反馈 stay where they were, now confirmed
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.RECOMPUTE)
    assert "2027年节假日安排已录入" in event.note
    assert "办结时限由2027-02-10改为2027-02-15" in event.note
    recipients = set(
        Notification.objects.filter(
            case=case, text__contains="办结时限由2027-02-10改为2027-02-15"
        ).values_list("recipient__org_unit", flat=True)
    )
    assert recipients == {county_unit.pk}
    # Idempotent: entering the same notice again changes nothing and tells nobody twice.
    enter_2027(actor=sysadmin)
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.RECOMPUTE).count() == 1


def test_a_provisional_deadline_the_notice_confirms_only_loses_its_mark(
    make_case, county_unit, sysadmin
):
    case = hotline_help(make_case, county_unit, "2026-12-28 09:00")
    enter_2027(actor=sysadmin)
    case.refresh_from_db()
    assert case.close_due_at == eod("2027-01-12") and case.provisional_dues is None
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.RECOMPUTE).exists()


def test_a_deadline_moved_by_a_pause_is_recomputed_from_its_whole_count(
    make_case, county_unit, county_a, sysadmin
):
    case = hotline_help(make_case, county_unit, "2027-01-25 09:00")
    services.case_pause(
        case=case, actor=county_a, reason="等待企业补充材料", now=at("2027-01-26 09:00")
    )
    services.case_resume(case=case, actor=county_a, now=at("2027-01-28 09:00"))
    case.refresh_from_db()
    # Paused 27 and 28 January: 10 February + 2 working days (provisional) = 12 February.
    assert case.close_due_at == eod("2027-02-12")
    enter_2027(actor=sysadmin)
    case.refresh_from_db()
    # 12 working days from 25 January under the notice: 26–29 Jan, 1–5 Feb, 15, 16, 17 Feb.
    assert case.close_due_at == eod("2027-02-17")


# --- The 系统管理员 is told from 1 October ------------------------------------------------------


def test_from_1_october_the_system_administrator_is_notified_once_with_a_link(clock, sysadmin):
    clock("2026-09-30 09:00")
    assert calendar_reminder_notify() == 0
    clock("2026-10-01 08:00")
    assert calendar_reminder_notify() == 1
    assert calendar_reminder_notify() == 0  # once per year
    notice = Notification.objects.get(recipient=sysadmin)
    assert "2027年节假日安排尚未录入" in notice.text
    assert notice.url == reverse("workcalendar:year_add") + "?year=2027"


def test_the_deadline_pass_reminds_the_system_administrator(clock, sysadmin):
    from io import StringIO

    from django.core.management import call_command

    clock("2026-12-07 08:00")
    out = StringIO()
    call_command("process_deadlines", stdout=out)
    assert "已提醒系统管理员录入明年节假日安排" in out.getvalue()
    assert Notification.objects.filter(recipient=sysadmin, text__contains="2027年").exists()


def test_the_system_administrator_reads_the_reminder_and_follows_it_to_the_entry_page(
    as_user, clock, sysadmin
):
    clock("2026-12-07 08:00")
    client = as_user(sysadmin)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="calendar-reminder"' in page and "2027年节假日安排尚未录入" in page
    assert reverse("workcalendar:year_add") + "?year=2027" in page
    calendar_reminder_notify()
    listing = client.get(reverse("cases:notification_list"))
    assert listing.status_code == 200 and "2027年节假日安排尚未录入" in listing.content.decode()
    notice = Notification.objects.get(recipient=sysadmin)
    opened = client.get(reverse("cases:notification_open", args=[notice.pk]))
    assert (
        opened.status_code == 302 and opened.url == reverse("workcalendar:year_add") + "?year=2027"
    )
    entry = client.get(opened.url).content.decode()
    assert 'value="2027"' in entry


def test_the_dashboard_says_nothing_before_october_or_once_the_year_is_entered(
    as_user, clock, sysadmin
):
    clock("2026-09-30 08:00")
    assert (
        "calendar-reminder" not in as_user(sysadmin).get(reverse("core:dashboard")).content.decode()
    )
    clock("2026-12-07 08:00")
    enter_2027()
    assert (
        "calendar-reminder" not in as_user(sysadmin).get(reverse("core:dashboard")).content.decode()
    )
