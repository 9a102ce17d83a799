"""§6 rectification: 整改 → 复查 (已整改 / 未整改) → 销号, each step an event and an audit row,
out-of-order steps refused in Chinese; deadlines across holidays, lights yellow then red with
notices to the team and their unit's head (once); a 重大隐患 turned into a case (linked both ways)
or referred; the hazard list's lights and scope on pages, exports and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.models import AuditLog
from shangwu.cases.models import Notification
from shangwu.core.tests.files import png
from shangwu.inspections import rectification, services
from shangwu.inspections.models import Hazard

pytestmark = pytest.mark.django_db

FOUND_ON = datetime.date(2026, 9, 29)  # the day before 国庆 2026's 调休 week


@pytest.fixture
def inspected(county_a, make_site, kind):
    """A station of 河东区 inspected by county_a on 2026-09-29: item 4 (证书, 重大) and item 6
    (储罐, 一般) failed, so two hazards with their rectification orders."""
    site = make_site(township="419902001")
    inspection = services.inspection_start(
        actor=county_a, site=site, kind=kind("fuel_station_annual"), inspected_on=FOUND_ON
    )
    answers = {}
    for answer in inspection.answers.select_related("item"):
        failed = answer.item.number in (4, 6)
        answers[answer.item_id] = ("fail" if failed else "pass", "不符合要求" if failed else "")
    services.inspection_save(
        inspection=inspection, actor=county_a, answers=answers, signature_name="钱站长"
    )
    services.inspection_submit(inspection=inspection, actor=county_a, responsible_person="钱站长")
    return inspection


def _hazard(inspection, severity):
    return inspection.hazards.get(severity=severity)


def test_deadlines_count_working_days_across_national_day(inspected):
    general, major = _hazard(inspected, "general"), _hazard(inspected, "major")
    # 一般 10 working days from 9-29: 9-30, then 国庆 (10-1…10-7) skipped, 10-8, 10-9, 10-10 (调休
    # Saturday), 10-12…10-16, 10-19.
    assert (general.deadline_days, general.deadline) == (10, datetime.date(2026, 10, 19))
    assert major.deadline_days == 30 and major.deadline > general.deadline


def test_county_officer_takes_a_hazard_through_rectify_recheck_and_close_on_its_page(
    as_user, county_a, inspected, media, committed
):
    hazard = _hazard(inspected, "general")
    client = as_user(county_a)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert 'data-testid="hazard-rectify"' in page and 'data-light="red"' in page

    with committed():
        done = client.post(
            reverse("inspections:hazard_rectify", args=[hazard.pk]),
            {"note": "已更换储罐阀门", "rectified_on": "2026-10-16", "photos": [png()]},
        )
    assert done.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "recheck" and hazard.photos.count() == 1
    photo = client.get(hazard.photos.get().get_absolute_url())
    assert photo.status_code == 200

    # 销号 before the 复查 is refused, in Chinese, on the form.
    early = client.post(reverse("inspections:hazard_close", args=[hazard.pk]), {})
    assert early.status_code == 400 and "不能销号" in early.content.decode()

    client.post(
        reverse("inspections:hazard_recheck", args=[hazard.pk]),
        {"result": "rectified", "recheck_on": "2026-10-19", "note": ""},
    )
    client.post(reverse("inspections:hazard_close", args=[hazard.pk]), {"note": "复查合格"})
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_by == county_a
    kinds = list(hazard.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["find", "rectify", "recheck", "close"]
    audited = AuditLog.objects.filter(object_type="inspections.hazard", object_id=str(hazard.pk))
    assert audited.count() >= 3
    assert Hazard.objects.filter(rectification.rectified_on_time_q(), pk=hazard.pk).exists()


def test_a_recheck_that_finds_it_not_rectified_sends_it_back_and_needs_an_opinion(
    county_a, inspected
):
    hazard = _hazard(inspected, "general")
    rectification.hazard_rectify(hazard=hazard, actor=county_a, note="已整改")
    with pytest.raises(ValidationError, match="复查意见"):
        rectification.hazard_recheck(hazard=hazard, actor=county_a, result="not_rectified")
    rectification.hazard_recheck(
        hazard=hazard, actor=county_a, result="not_rectified", note="阀门仍渗漏"
    )
    assert hazard.status == "rectifying" and hazard.recheck_result == "not_rectified"
    with pytest.raises(ValidationError, match="不能复查"):
        rectification.hazard_recheck(hazard=hazard, actor=county_a, result="rectified")


def test_bad_input_gets_a_chinese_message_naming_the_field(as_user, county_a, inspected):
    hazard = _hazard(inspected, "general")
    client = as_user(county_a)
    answer = client.post(
        reverse("inspections:hazard_rectify", args=[hazard.pk]),
        {"note": "", "rectified_on": "2099-01-01"},
    )
    assert answer.status_code == 400
    assert "这个字段是必填项" in answer.content.decode() or "整改情况" in answer.content.decode()
    wrong = client.post(
        reverse("inspections:hazard_recheck", args=[hazard.pk]), {"result": "maybe"}
    )
    assert wrong.status_code == 400


def test_lights_go_yellow_then_red_and_the_team_and_head_are_told_once(
    county_a, inspected, make_officer
):
    hazard = _hazard(inspected, "general")
    head = make_officer(name="县局局长")
    head.position = "局长"
    head.save()
    inspected.inspectors.add(county_a)
    deadline_day = timezone.make_aware(datetime.datetime(2026, 10, 19, 9))
    before = deadline_day - datetime.timedelta(days=3)
    assert rectification.hazard_light(hazard, before) == "green"
    assert rectification.hazard_light(hazard, deadline_day) == "yellow"
    assert rectification.hazard_light(hazard, deadline_day + datetime.timedelta(days=1)) == "red"

    assert rectification.hazard_deadlines_pass(now=before) == {"yellow": 0, "red": 0}
    assert rectification.hazard_deadlines_pass(now=deadline_day)["yellow"] == 1
    assert rectification.hazard_deadlines_pass(now=deadline_day)["yellow"] == 0  # once
    told = set(
        Notification.objects.filter(key__startswith="hazard:yellow:").values_list(
            "recipient_id", flat=True
        )
    )
    assert {county_a.pk, head.pk} <= told
    later = deadline_day + datetime.timedelta(days=1)
    assert rectification.hazard_deadlines_pass(now=later)["red"] == 1
    assert rectification.hazard_deadlines_pass(now=later)["red"] == 0
    assert list(
        hazard.events.filter(kind__in=["warn", "overdue"])
        .order_by("at")
        .values_list("kind", flat=True)
    ) == ["warn", "overdue"]
    # The list filter answers the same rule as the badge.
    red = Hazard.objects.filter(rectification.hazard_light_q("red", later))
    assert hazard in red and _hazard(inspected, "major") not in red


def test_a_major_hazard_not_rectified_becomes_a_case_linked_both_ways(as_user, county_a, inspected):
    major = _hazard(inspected, "major")
    general = _hazard(inspected, "general")
    with pytest.raises(ValidationError, match="只有重大隐患"):
        rectification.hazard_open_case(hazard=general, actor=county_a)
    client = as_user(county_a)
    made = client.post(reverse("inspections:hazard_case", args=[major.pk]), {"title": ""})
    assert made.status_code == 302
    case = major.case
    assert case.origin == major and case.county_id == major.county_id
    assert case.number in client.get(major.get_absolute_url()).content.decode()
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-origin"' in case_page and major.get_absolute_url() in case_page
    assert major.events.filter(kind="case").exists()
    again = client.post(reverse("inspections:hazard_case", args=[major.pk]), {})
    assert again.status_code == 400 and "已转为案件" in again.content.decode()


def test_a_major_hazard_is_referred_to_another_department_once(county_a, inspected):
    major = _hazard(inspected, "major")
    rectification.hazard_refer(hazard=major, actor=county_a, department="市应急管理局")
    assert major.referred_to == "市应急管理局" and major.events.filter(kind="refer").exists()
    with pytest.raises(ValidationError, match="已于"):
        rectification.hazard_refer(hazard=major, actor=county_a, department="市场监管局")


def test_county_b_cannot_see_or_act_on_county_a_hazards(as_user, county_b, inspected):
    hazard = _hazard(inspected, "general")
    client = as_user(county_b)
    assert client.get(hazard.get_absolute_url()).status_code == 404
    post = client.post(reverse("inspections:hazard_rectify", args=[hazard.pk]), {"note": "x"})
    assert post.status_code == 404
    listing = client.get(reverse("inspections:hazard_list")).content.decode()
    assert hazard.description[:10] not in listing
    hazard.refresh_from_db()
    assert hazard.status == "rectifying"


def test_the_hazard_list_filters_by_light(as_user, county_a, inspected):
    client = as_user(county_a)
    red = client.get(reverse("inspections:hazard_list") + "?light=red").content.decode()
    green = client.get(reverse("inspections:hazard_list") + "?light=green").content.decode()
    general = _hazard(inspected, "general")
    assert general.get_absolute_url() in red and general.get_absolute_url() not in green


def test_the_deadline_command_lights_the_late_hazard_red_once(county_a, inspected):
    from django.core.management import call_command

    call_command("hazard_deadlines", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("hazard_deadlines", stdout=open("/dev/null", "w"))  # noqa: SIM115
    hazard = _hazard(inspected, "general")
    assert hazard.events.filter(kind="overdue").count() == 1


def test_the_api_takes_a_hazard_through_rectify_and_recheck_in_scope(
    as_user, county_a, county_b, inspected
):
    hazard = _hazard(inspected, "general")
    api = as_user(county_a)
    listed = api.get("/api/hazards/?light=red").json()
    assert hazard.pk in [row["id"] for row in listed["results"]]
    done = api.post(f"/api/hazards/{hazard.pk}/rectify/", {"note": "已整改"})
    assert done.status_code == 200 and done.json()["status"] == "recheck"
    refused = api.post(f"/api/hazards/{hazard.pk}/rectify/", {"note": "再报"})
    assert refused.status_code == 400 and "不能报告整改" in str(refused.json())
    checked = api.post(f"/api/hazards/{hazard.pk}/recheck/", {"result": "rectified"})
    assert checked.status_code == 200 and checked.json()["status"] == "rectified"
    other = as_user(county_b)
    assert other.get(f"/api/hazards/{hazard.pk}/").status_code == 404
    assert other.post(f"/api/hazards/{hazard.pk}/recheck/", {"result": "x"}).status_code == 404
    assert hazard.pk not in [r["id"] for r in other.get("/api/hazards/").json()["results"]]


def test_the_hazard_export_holds_only_the_county_own(as_user, county_a, county_b, inspected):
    from io import BytesIO

    from openpyxl import load_workbook

    url = reverse("inspections:hazard_export") + "?format=xlsx"
    hazard = _hazard(inspected, "general")

    def sites_in(user):
        answer = as_user(user).get(url)
        assert answer.status_code == 200
        sheet = load_workbook(
            BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content)
        ).active
        return [str(c.value) for row in sheet.iter_rows() for c in row]

    assert hazard.site.name in sites_in(county_a)
    assert hazard.site.name not in sites_in(county_b)
