"""Issue 19 §1 follow-ups: participants picked by pinyin initials; order amounts in the event's
unit (万美元 or 亿元) counted apart; a delegation's 外资合作项目 and 意向投资额; a project signed
at an event seen from the project and created from the event through the API; API uploads
with the file's 用途."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from shangwu.core import figures
from shangwu.core.tests import files
from shangwu.organization.models import Region
from shangwu.promotion import services
from shangwu.promotion.models import EventAttachment

pytestmark = pytest.mark.django_db

PERIOD = "from=2026-01-01&to=2026-06-30"


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _rows(client, url):
    rows, url = [], f"{url}&page_size=500"
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def _figure_equals_its_drill_down(client, key):
    answer = client.get(f"/api/figures/{key}/?{PERIOD}").json()
    value = Decimal(answer["value"])
    rows = _rows(client, answer["drill"]["api"])
    assert value == figures.get(key).value_from_lists({"list": rows}), key
    page = client.get(answer["drill"]["page"])
    assert page.context["page"].paginator.count == len(rows) == answer["count"], key
    return value


# --- The participant picker ------------------------------------------------------------------


def test_county_staff_pick_participating_enterprises_by_pinyin_initials_only_in_their_scope(
    as_user, county_a, make_event, make_enterprise
):
    event = make_event(status="held")
    ours = make_enterprise(name="东湖美食甲餐饮有限公司")
    theirs = make_enterprise(name="东湖美食乙餐饮有限公司", county="419921")
    client = as_user(county_a)
    url = f"/promotion/events/{event.pk}/participants/add/"
    page = client.get(url).content.decode()
    assert "data-picker" in page and f'hx-get="{url}?pick=enterprise"' in page
    options = client.get(
        url, {"pick": "enterprise", "q": "dhms"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'value="{ours.pk}"' in options and "东湖美食甲餐饮有限公司" in options
    assert f'value="{theirs.pk}"' not in options  # the same initials, another county
    assert "<html" not in options  # the options only
    added = client.post(url, {"enterprise": ours.pk, "sales": "18.5"})
    assert added.status_code == 302
    assert event.participants.get().enterprise == ours


def test_the_city_picks_any_countys_enterprise_for_a_city_wide_group(
    as_user, city_staff, make_event, make_enterprise
):
    event = make_event(kind="canton_fair", county=None, status="held")
    far = make_enterprise(name="云水远洋进出口有限公司", county="419921")
    options = (
        as_user(city_staff)
        .get(
            f"/promotion/events/{event.pk}/participants/add/",
            {"pick": "enterprise", "q": "ysyy"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert f'value="{far.pk}"' in options


def test_the_picker_answers_only_for_an_event_the_user_may_change(as_user, county_b, make_event):
    event = make_event(status="held")
    response = as_user(county_b).get(
        f"/promotion/events/{event.pk}/participants/add/",
        {"pick": "enterprise", "q": "dh"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404


# --- Order amounts in the event's unit ---------------------------------------------------------


@pytest.fixture
def fairs(make_event, make_enterprise, county_a):
    """A 广交会 group in 万美元 and a 老字号博览会 group in 亿元, both held."""
    canton = make_event(name="广交会展团", kind="canton_fair", status="held")
    services.event_participant_add(
        event=canton,
        enterprise=make_enterprise(),
        actor=county_a,
        formal_orders=2,
        formal_amount=Decimal("120"),
        intended_amount=Decimal("300"),
    )
    expo = make_event(
        name="老字号博览会展团", kind="time_honoured_expo", status="held", order_currency="cny"
    )
    services.event_participant_add(
        event=expo,
        enterprise=make_enterprise(),
        actor=county_a,
        formal_orders=3,
        formal_amount=Decimal("1.25"),
        intended_amount=Decimal("0.8"),
    )
    services.event_record_outcomes(
        event=expo, actor=county_a, other_participants=4, formal_amount=Decimal("1.5")
    )
    return canton, expo


def test_orders_in_yi_yuan_and_in_dollars_are_counted_apart_and_each_equals_its_list(
    as_user, county_a, fairs
):
    client = as_user(county_a)
    expected = {
        "events.formal_amount": Decimal("120.00"),
        "events.intended_amount": Decimal("300.00"),
        "events.formal_amount_cny": Decimal("1.50"),
        "events.intended_amount_cny": Decimal("0.80"),
        "events.formal_orders": 5,  # 项 count across both units
        "events.exhibitors": 1 + 1 + 4,
    }
    for key, value in expected.items():
        assert _figure_equals_its_drill_down(client, key) == value, key
    assert figures.get("events.formal_amount").unit == "万美元"
    assert figures.get("events.formal_amount_cny").unit == "亿元"


def test_a_fairs_page_and_forms_name_its_unit(as_user, county_a, fairs):
    canton, expo = fairs
    client = as_user(county_a)
    page = client.get(f"/promotion/events/{expo.pk}/").content.decode()
    assert "正式订单/合同金额（亿元）" in page and "正式订单金额（亿元）" in page
    assert "万美元" not in page.split('id="outcomes"')[1].split('id="summary"')[0]
    form = client.get(f"/promotion/events/{canton.pk}/outcomes/").content.decode()
    assert "意向订单金额（万美元）" in form
    refused = client.post(
        f"/promotion/events/{expo.pk}/outcomes/", {"formal_amount": "1", "other_participants": "4"}
    )
    assert refused.status_code == 400
    assert "正式订单/合同金额（亿元）（1）不能小于参展企业各自填报之和（1.25）" in (
        refused.content.decode()
    )


def test_an_events_unit_cannot_change_once_amounts_are_reported_in_it(county_a, fairs, make_event):
    from django.core.exceptions import ValidationError

    canton, _ = fairs
    with pytest.raises(ValidationError, match="不能再改订单金额单位"):
        services.event_update(event=canton, actor=county_a, order_currency="cny")
    fresh = make_event(name="尚无订单的展团", kind="other_expo")
    services.event_update(event=fresh, actor=county_a, order_currency="cny")
    fresh.refresh_from_db()
    assert fresh.get_order_currency_display() == "亿元"


# --- A delegation abroad --------------------------------------------------------------------------


def test_a_delegation_records_foreign_projects_and_intended_investment_and_finds_them_in_figures(
    as_user, county_a, make_event
):
    mission = make_event(name="河东赴日韩经贸团", kind="trade_mission", status="held")
    client = as_user(county_a)
    form = client.get(f"/promotion/events/{mission.pk}/outcomes/").content.decode()
    assert "外资合作项目（个）" in form and "意向投资额（万美元）" in form
    saved = client.post(
        f"/promotion/events/{mission.pk}/outcomes/",
        {
            "destinations": "日本、韩国",
            "delegates": "12",
            "formal_orders": "3",
            "formal_amount": "850",
            "foreign_projects": "2",
            "intended_investment": "4200",
        },
    )
    assert saved.status_code == 302
    mission.refresh_from_db()
    assert (mission.foreign_projects, mission.intended_investment) == (2, Decimal("4200.00"))
    assert _figure_equals_its_drill_down(client, "events.foreign_projects") == 2
    assert _figure_equals_its_drill_down(client, "events.intended_investment") == Decimal("4200")
    assert _figure_equals_its_drill_down(client, "events.delegates") == 12
    # A 美食节 has no such outcome.
    food = make_event(status="held")
    refused = api_as(county_a).post(
        f"/api/events/{food.pk}/outcomes/", {"foreign_projects": 1}, format="json"
    )
    assert refused.status_code == 400 and "不是“美食节”类活动的成果" in str(refused.json())


def test_a_bank_enterprise_meeting_counts_its_matched_enterprises_and_credit(
    as_user, county_a, make_event, make_enterprise
):
    meeting = make_event(name="河东银企对接会", kind="bank_enterprise", status="held", days=1)
    for amount in ("300", "200"):
        services.event_participant_add(
            event=meeting,
            enterprise=make_enterprise(),
            actor=county_a,
            credit_amount=Decimal(amount),
        )
    services.event_record_outcomes(event=meeting, actor=county_a, other_participants=3)
    client = as_user(county_a)
    assert _figure_equals_its_drill_down(client, "events.matched_enterprises") == 5
    assert _figure_equals_its_drill_down(client, "events.credit_amount") == Decimal("500")


# --- Projects at events ---------------------------------------------------------------------------


def test_the_api_creates_a_project_from_the_meeting_through_the_project_library(
    as_user, county_a, county_b, make_event
):
    from shangwu.projects.models import Project

    event = make_event(kind="signing_ceremony", status="held", days=1)
    fields = {
        "code": "HD-2026-API1",
        "name": "河东智能装备产业园项目",
        "investor_name": "江苏精工集团有限公司",
        "investor_type": "private",
        "origin": "province",
        "origin_place": "江苏",
        "total_investment": "52000",
        "county": Region.objects.get(code="419902").pk,
    }
    url = f"/api/events/{event.pk}/projects/new/"
    assert api_as(county_b).post(url, fields, format="json").status_code == 404
    created = api_as(county_a).post(url, {**fields, "amount": "50000"}, format="json")
    assert created.status_code == 201, created.json()
    project = Project.objects.get(code="HD-2026-API1")
    assert created.json()["project"] == project.pk
    event.refresh_from_db()
    assert (event.signed_projects, event.signed_amount) == (1, Decimal("50000.00"))
    # The project records the event: its timeline and its page link to it.
    assert project.events.filter(note=f"在活动“{event}”上签约").exists()
    page = as_user(county_a).get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/promotion/events/{event.pk}/"' in page and "签约活动" in page
    # The project library's own refusals, in its words: the same code twice.
    again = api_as(county_a).post(url, fields, format="json")
    assert again.status_code == 400
    assert Project.objects.filter(code="HD-2026-API1").count() == 1


def test_the_api_uploads_an_events_photo_and_plan_with_their_purpose(
    county_a, make_event, media, committed
):
    event = make_event()
    api = api_as(county_a)
    url = f"/api/events/{event.pk}/attachments/"
    with committed():
        photo = api.post(url, {"file": files.png("夜市现场.png"), "purpose": "photo"})
        plan = api.post(url, {"file": files.pdf("活动方案.pdf"), "purpose": "plan"})
    assert photo.status_code == 201 and plan.status_code == 201, (photo.json(), plan.json())
    assert photo.json()["purpose"] == "photo" and plan.json()["purpose"] == "plan"
    assert set(EventAttachment.objects.values_list("purpose", flat=True)) == {"photo", "plan"}
    wrong = api.post(url, {"file": files.pdf(), "purpose": "poster"})
    assert wrong.status_code == 400 and "purpose" in wrong.json()
    page_listed = api.get(url).json()
    assert {a["purpose"] for a in page_listed} == {"photo", "plan"}


# --- Correcting a participant; removals through the API ----------------------------------------


def test_a_merchants_sales_are_corrected_on_the_page_and_the_festivals_total_follows(
    as_user, county_a, make_event, make_enterprise
):
    event = make_event(status="held")
    row = services.event_participant_add(
        event=event, enterprise=make_enterprise(), actor=county_a, sales=Decimal("20")
    )
    client = as_user(county_a)
    detail = client.get(f"/promotion/events/{event.pk}/").content.decode()
    url = f"/promotion/events/{event.pk}/participants/{row.pk}/edit/"
    assert f'href="{url}"' in detail
    form = client.get(url).content.decode()
    assert "销售额（万元）" in form and 'value="20.00"' in form
    refused = client.post(url, {"sales": "-1"})
    assert refused.status_code == 400 and "不能为负数" in refused.content.decode()
    saved = client.post(url, {"sales": "45.5", "note": "补报夜场"})
    assert saved.status_code == 302
    assert saved["Location"] == f"/promotion/events/{event.pk}/#participants"
    row.refresh_from_db()
    event.refresh_from_db()
    assert (row.sales, row.note, event.sales) == (Decimal("45.50"), "补报夜场", Decimal("45.50"))
    assert event.events.filter(note__contains="修改参与商户").exists()


def test_the_api_corrects_and_removes_a_participant_and_unsigns_a_project(
    county_a, county_b, make_event, make_enterprise, make_project
):
    fair = make_event(kind="canton_fair", status="held")
    row = services.event_participant_add(
        event=fair, enterprise=make_enterprise(), actor=county_a, formal_amount=Decimal("10")
    )
    api = api_as(county_a)
    url = f"/api/events/{fair.pk}/participants/{row.pk}/"
    assert api_as(county_b).patch(url, {"formal_amount": "99"}, format="json").status_code == 404
    patched = api.patch(url, {"formal_amount": "60", "formal_orders": 2}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["formal_amount"] == "60.00"
    fair.refresh_from_db()
    assert fair.formal_amount == Decimal("60.00")
    assert api.post(f"{url}remove/").status_code == 204
    assert not fair.participants.exists()

    meeting = make_event(kind="investment_promotion", status="held", days=1)
    link = services.event_sign_project(event=meeting, project=make_project(), actor=county_a)
    removed = api.post(f"/api/events/{meeting.pk}/projects/{link.pk}/remove/")
    assert removed.status_code == 204
    meeting.refresh_from_db()
    assert (meeting.signed_projects, meeting.signed_amount) == (0, Decimal("0.00"))
