"""Plans (§3) and subjects (§1): pre-holiday dates from the working-day calendar, 全覆盖 and 专项
subjects, publication with masked names; sites, licence changes as events, licences expiring
within 90 days listed and notified once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from shangwu.cases.models import Notification
from shangwu.inspections import services
from shangwu.inspections.models import Site

pytestmark = pytest.mark.django_db


def test_a_pre_holiday_plan_takes_the_ten_working_days_before_the_holiday(county_a, make_plan):
    # 国庆 2026 starts Thursday 10-01: the ten working days before are 09-17 … 09-30.
    plan = make_plan(
        actor=county_a,
        code="supermarket_safety",
        method="full",
        holiday="national_day",
        start_on=None,
        end_on=None,
        year=2026,
    )
    assert (plan.start_on, plan.end_on) == (datetime.date(2026, 9, 17), datetime.date(2026, 9, 30))
    # 春节 2026: 除夕 02-16 is a day off from 02-15; 02-14 (Sat) is a 调休 working day.
    start, end = services.holiday_window(holiday="spring_festival", year=2026)
    assert end == datetime.date(2026, 2, 14)


def test_a_year_the_calendar_does_not_know_is_refused_in_words():
    with pytest.raises(ValidationError, match="节假日安排尚未录入"):
        services.holiday_window(holiday="spring_festival", year=2031)


def test_a_full_coverage_plan_takes_every_subject_of_its_county(county_a, make_site, make_plan):
    mine = [make_site(), make_site(), make_site(tag="supermarket")]
    make_site(county="419921")
    cancelled = make_site()
    services.site_licence_change(site=cancelled, actor=county_a, change="licence_cancel")
    plan = make_plan(actor=county_a, method="full")
    assert services.plan_fix_targets(plan=plan, actor=county_a) == 2
    assert set(plan.targets.values_list("site_id", flat=True)) == {mine[0].pk, mine[1].pk}
    plan.refresh_from_db()
    assert plan.status == "drawn"


def test_a_special_plan_takes_only_hand_picked_subjects_of_its_list(county_a, make_site, make_plan):
    a, b = make_site(), make_site()
    other = make_site(county="419921")
    plan = make_plan(actor=county_a, method="special")
    with pytest.raises(ValidationError, match="不在本计划检查对象范围内"):
        services.plan_fix_targets(plan=plan, actor=county_a, sites=[a, other])
    assert services.plan_fix_targets(plan=plan, actor=county_a, sites=[b]) == 1


def test_a_random_plan_needs_a_percentage_or_a_count(county_a, make_plan):
    with pytest.raises(ValidationError, match="抽取比例或抽取数量"):
        make_plan(actor=county_a, sample_percent=None, sample_count=None)


def test_the_published_list_masks_personal_data(
    as_user, county_a, township_a1, make_site, make_plan, make_inspector
):
    make_inspector(county_a, "豫执A001")
    make_inspector(township_a1, "豫执A002")
    make_site(name="东湖加油站")
    plan = make_plan(actor=county_a, sample_count=1)
    services.plan_draw(plan=plan, actor=county_a, seed="pub")
    target = plan.targets.get()
    inspection = services.inspection_start(actor=county_a, target=target)
    services.inspection_save(
        inspection=inspection,
        actor=county_a,
        answers={a.item_id: ("pass", "") for a in inspection.answers.all()},
        signature_name="钱多多",
    )
    services.inspection_submit(inspection=inspection, actor=county_a)
    client = as_user(county_a)
    assert client.post(reverse("inspections:plan_publish", args=[plan.pk])).status_code == 302
    page = client.get(reverse("inspections:plan_public", args=[plan.pk])).content.decode()
    page = page.split('data-testid="public-rows"')[1].split("</table>")[0]
    assert "东湖加油站" in page and "未发现问题" in page and "无需整改" in page
    assert "刘*（豫执A001）" in page and "周*（豫执A002）" in page
    assert "刘洋" not in page and "周强" not in page and "钱多多" not in page
    export = client.get(reverse("inspections:plan_public_export", args=[plan.pk]))
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "东湖加油站" in cells and not any("刘洋" in c for c in cells)


def test_licence_changes_are_events_on_the_site(county_a, make_site):
    site = make_site()
    services.site_licence_change(
        site=site,
        actor=county_a,
        change="licence_change",
        licence_no="油零售证书第新001号",
        valid_until=datetime.date(2029, 6, 30),
        note="法人变更",
    )
    services.site_licence_change(site=site, actor=county_a, change="licence_cancel")
    site.refresh_from_db()
    assert site.licence_status == "cancelled"
    kinds = list(site.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["create", "licence_new", "licence_change", "licence_cancel"]
    change = site.events.get(kind="licence_change")
    assert change.licence_no == "油零售证书第新001号" and change.note == "法人变更"
    with pytest.raises(ValidationError, match="没有有效的许可"):
        services.site_licence_change(site=site, actor=county_a, change="licence_cancel")


def test_licences_expiring_within_90_days_are_listed_and_notified_once(
    as_user, county_a, county_b, make_site
):
    today = datetime.date.today()
    soon = make_site(licence_valid_until=today + datetime.timedelta(days=30), name="将到期站")
    make_site(licence_valid_until=today + datetime.timedelta(days=200), name="还早站")
    make_site(county="419921", licence_valid_until=today + datetime.timedelta(days=10))
    page = as_user(county_a).get(reverse("inspections:licence_expiring")).content.decode()
    assert "将到期站" in page and "还早站" not in page
    assert list(services.site_list_licence_expiring(user=county_a)) == [soon]
    call_command("licence_reminders", stdout=open("/dev/null", "w"))
    call_command("licence_reminders", stdout=open("/dev/null", "w"))
    mine = Notification.objects.filter(recipient=county_a)
    assert mine.count() == 1 and "将到期站" in mine.get().text
    assert Notification.objects.filter(recipient=county_b).count() == 1
    assert soon.events.filter(kind="licence_expiring").count() == 1


def test_a_county_officer_registers_a_station_of_their_county_only(
    as_user, county_a, make_enterprise, region
):
    from shangwu.enterprises.models import Tag

    enterprise = make_enterprise(tags=[Tag.objects.get(code="oil_retail")])
    client = as_user(county_a)
    data = {
        "enterprise": enterprise.pk,
        "name": "河东新区加油站",
        "site_type": "fuel_station",
        "county": region("419902").pk,
        "licence_no": "油零售证书第0099号",
        "licence_valid_until": "2029-01-31",
        "is_active": "on",
    }
    answer = client.post(reverse("inspections:site_add"), data)
    assert answer.status_code == 302
    site = Site.objects.get(name="河东新区加油站")
    assert site.licence_status == "valid"
    assert site.events.filter(kind="licence_new").exists()
    answer = client.post(reverse("inspections:site_add"), data | {"county": region("419921").pk})
    assert answer.status_code == 200 and "县(市、区)" in answer.content.decode()
