"""A county officer holds a 美食节 through the pages: registers it, walks it to 已举办, lists its
merchants with their sales, reports the outcomes, uploads the 方案, exports the list and opens
the event; and the same through the API, whose refusals are the services' own words."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from shangwu.audit.models import AuditLog
from shangwu.core.testing import timeline_entries, xlsx_rows
from shangwu.organization.models import Region
from shangwu.promotion.models import PromotionEvent

pytestmark = pytest.mark.django_db


def test_a_county_officer_holds_a_food_festival_with_merchants_and_finds_it_everywhere(
    as_user, county_a, make_enterprise, kind, media, committed
):
    client = as_user(county_a)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=3)
    assert client.get("/promotion/events/add/").status_code == 200
    response = client.post(
        "/promotion/events/add/",
        {
            "name": "东湖夜市美食节",
            "kind": kind("food_festival").pk,
            "level": "county",
            "organiser": county_a.org_unit_id,
            "county": Region.objects.get(code="419902").pk,
            "township": Region.objects.get(code="419902001").pk,
            "venue": "东湖步行街",
            "format": "offline",
            "start_on": start.isoformat(),
            "end_on": today.isoformat(),
            "budget": "12.5",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = PromotionEvent.objects.get(name="东湖夜市美食节")
    detail = f"/promotion/events/{event.pk}/"
    assert response["Location"] == detail

    # A step out of order is refused on the page, in words.
    refused = client.post(f"/promotion/events/{event.pk}/move/", {"to_status": "held"})
    assert refused.status_code == 400
    assert "下一步只能是“筹备”" in refused.content.decode()
    for step in ("preparing", "held"):
        moved = client.post(f"/promotion/events/{event.pk}/move/", {"to_status": step})
        assert moved.status_code == 302
    merchants = [make_enterprise(name=f"东湖餐饮{n}号有限公司") for n in (1, 2)]
    for merchant, sales in zip(merchants, ("35.5", "24.5"), strict=True):
        added = client.post(
            f"/promotion/events/{event.pk}/participants/add/",
            {"enterprise": merchant.pk, "sales": sales},
        )
        assert added.status_code == 302, added.content.decode()[:500]
    reported = client.post(
        f"/promotion/events/{event.pk}/outcomes/",
        {"other_participants": "30", "attendance": "18000", "sales": ""},
    )
    assert reported.status_code == 302
    with committed():
        uploaded = client.post(
            f"/promotion/events/{event.pk}/attach/",
            {"purpose": "plan", "file": SimpleUploadedFile("活动方案.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
    assert uploaded.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.participant_count, event.sales) == ("held", 32, Decimal("60.00"))

    # The detail page: outcomes, merchants with their sales, the file, the timeline.
    page = client.get(detail)
    html = page.content.decode()
    assert "东湖餐饮1号有限公司" in html and "35.50" in html and "活动方案.pdf" in html
    assert [e["status"] for e in timeline_entries(page) if e["status"]] == [
        "筹备 → 已举办",
        "计划 → 筹备",
        "计划",
    ]
    attachment = event.attachments.get()
    download = client.get(f"/promotion/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")

    # The list, 我的活动, the month calendar and the export all have it.
    assert event.pk in {e.pk for e in client.get("/promotion/events/").context["page"]}
    assert event.pk in {e.pk for e in client.get("/promotion/events/mine/").context["page"]}
    month = client.get("/promotion/events/calendar/", {"month": f"{today:%Y-%m}"})
    assert "东湖夜市美食节" in month.content.decode()
    export = client.get("/promotion/events/export/", {"q": "东湖夜市"})
    rows = xlsx_rows(b"".join(export.streaming_content) if export.streaming else export.content)
    assert len(rows) == 1
    (row,) = rows
    assert "东湖夜市美食节" in row and "60" in row  # 销售额: the merchants' 35.5 + 24.5
    assert AuditLog.objects.filter(action="export", object_type="promotion.promotionevent").exists()


def test_my_events_are_those_my_unit_organises_or_co_organises(
    as_user, make_event, county_a, city_staff
):
    from shangwu.promotion import services

    own = make_event(name="河东区自办")
    city = make_event(name="市局主办", county=None)
    co = make_event(name="市局主办河东协办", county=None)
    services.event_update(event=co, actor=city_staff, co_organisers=[county_a.org_unit])
    client = as_user(county_a)
    listed = {e.name for e in client.get("/promotion/events/mine/").context["page"]}
    assert listed == {own.name, co.name}
    # The co-organised city event is read by the county bureau, and changed by the city alone.
    assert client.get(f"/promotion/events/{co.pk}/").status_code == 200
    assert client.get(f"/promotion/events/{co.pk}/edit/").status_code == 404
    assert client.get(f"/promotion/events/{city.pk}/").status_code == 404
    mine = {e.name for e in as_user(city_staff).get("/promotion/events/mine/").context["page"]}
    assert {city.name, co.name} <= mine and own.name not in mine


def test_the_api_creates_and_updates_an_event_and_refuses_a_skipped_step_in_words(
    county_a, kind, make_enterprise
):
    api = APIClient()
    api.force_authenticate(county_a)
    today = timezone.localdate()
    created = api.post(
        "/api/events/",
        {
            "name": "河东电商培训班",
            "kind": kind("ecommerce_training").pk,
            "level": "county",
            "organiser": county_a.org_unit_id,
            "county": Region.objects.get(code="419902").pk,
            "start_on": today.isoformat(),
            "end_on": today.isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "planned"
    patched = api.patch(f"/api/events/{pk}/", {"venue": "电商产业园"}, format="json")
    assert patched.status_code == 200 and patched.json()["venue"] == "电商产业园"
    skipped = api.post(f"/api/events/{pk}/move/", {"to_status": "summarised"}, format="json")
    assert skipped.status_code == 400
    assert "下一步只能是“筹备”" in skipped.json()["to_status"][0]
    for step in ("preparing", "held"):
        assert (
            api.post(f"/api/events/{pk}/move/", {"to_status": step}, format="json").status_code
            == 200
        )
    trainee = make_enterprise()
    added = api.post(
        f"/api/events/{pk}/participants/",
        {"enterprise": trainee.pk, "attendance": 3},
        format="json",
    )
    assert added.status_code == 201, added.json()
    again = api.post(f"/api/events/{pk}/participants/", {"enterprise": trainee.pk}, format="json")
    assert again.status_code == 400 and "已在本活动的培训企业中" in again.json()["enterprise"][0]
    outcomes = api.post(f"/api/events/{pk}/outcomes/", {"other_participants": 4}, format="json")
    assert outcomes.status_code == 200
    body = outcomes.json()
    assert (body["participant_count"], body["attendance"]) == (5, 3)
    listed = api.get("/api/events/", {"family": "training", "status": "held"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]
    # Status is the move endpoint's: a PATCH that names it leaves it as it is (read-only).
    assert (
        api.patch(f"/api/events/{pk}/", {"status": "planned"}, format="json").json()["status"]
        == "held"
    )


def test_the_month_calendar_shows_an_event_on_every_day_it_runs_and_nothing_outside(
    as_user, county_a, make_event
):
    make_event(name="四天的购物节", start=datetime.date(2026, 4, 29), days=4)  # 29 April – 2 May
    make_event(name="云水的活动", county="419921", start=datetime.date(2026, 5, 30))
    page = as_user(county_a).get("/promotion/events/calendar/", {"month": "2026-05"})
    days = [
        (day["date"], [e.name for e in day["events"]])
        for week in page.context["weeks"]
        for day in week
        if day["events"]
    ]
    # The grid's first week (from Monday 27 April) shows the days of April it runs on too.
    assert days == [
        (datetime.date(2026, 4, 29), ["四天的购物节"]),
        (datetime.date(2026, 4, 30), ["四天的购物节"]),
        (datetime.date(2026, 5, 1), ["四天的购物节"]),
        (datetime.date(2026, 5, 2), ["四天的购物节"]),
    ]
    assert page.context["count"] == 1 and "云水的活动" not in page.content.decode()


def test_the_system_administrator_keeps_the_kinds_and_officers_only_read_them(
    as_user, sysadmin, county_a
):
    from shangwu.promotion.models import EventKind

    added = as_user(sysadmin).post(
        "/promotion/kinds/add/",
        {
            "name": "网红打卡节",
            "code": "",
            "sort_order": "200",
            "family": "consumption",
            "is_active": "on",
        },
    )
    assert added.status_code == 302
    kind = EventKind.objects.get(name="网红打卡节")
    assert kind.code == "wang_hong_da_ka_jie" and kind.family == "consumption"
    officer = as_user(county_a)
    assert officer.get("/promotion/kinds/").status_code == 200
    assert officer.get("/promotion/kinds/add/").status_code == 403
    assert officer.get(f"/promotion/kinds/{kind.pk}/edit/").status_code == 403


def test_the_dashboard_shows_this_lines_figures_each_in_a_data_figure_element(
    as_user, county_a, sysadmin, make_event, make_enterprise
):
    from shangwu.promotion import services

    today = timezone.localdate()
    event = make_event(start=today.replace(day=1), days=1)
    for step in ("preparing", "held"):
        services.event_move(event=event, to_status=step, actor=county_a)
    services.event_participant_add(
        event=event, enterprise=make_enterprise(), actor=county_a, sales=Decimal("66")
    )
    html = as_user(county_a).get("/").content.decode()
    for key in ("events.held", "events.held_county", "events.participants", "events.consumption"):
        assert f'data-figure="{key}"' in html, key
    assert "66.0万元" in html
    assert 'data-figure="events.' not in as_user(sysadmin).get("/").content.decode()


def test_a_project_new_to_the_library_is_entered_from_the_meeting_and_signed_at_it(
    as_user, county_a, make_event
):
    from shangwu.projects.models import Project

    event = make_event(kind="investment_promotion", status="held", days=1)
    client = as_user(county_a)
    assert client.get(f"/promotion/events/{event.pk}/projects/new/").status_code == 200
    response = client.post(
        f"/promotion/events/{event.pk}/projects/new/",
        {
            "code": "HD-2026-0099",
            "name": "河东冷链物流园项目",
            "investor_name": "浙江远航物流集团有限公司",
            "investor_type": "private",
            "origin": "province",
            "origin_place": "浙江",
            "total_investment": "36000",
            "county": Region.objects.get(code="419902").pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    project = Project.objects.get(code="HD-2026-0099")
    event.refresh_from_db()
    assert (event.signed_projects, event.signed_amount) == (1, Decimal("36000.00"))
    assert "河东冷链物流园项目" in client.get(f"/promotion/events/{event.pk}/").content.decode()
    assert project.events.filter(note__startswith="在活动").exists()
