"""包保: officials responsible for an enterprise at city, county and township level, with
history, "my enterprises", the list filter and bulk assignment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts.demo import OWNER_ENTERPRISE
from shangwu.enterprises.baobao import services as services
from shangwu.enterprises.models import Assignment, EnterpriseEvent

from .service_helpers import COUNTY_A, COUNTY_B, TOWNSHIP_A1, TOWNSHIP_A2, api_as, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def ents(make_enterprise):
    return {
        "a1": make_enterprise(
            county=COUNTY_A, township=TOWNSHIP_A1, name="东湖包保甲有限公司", is_key=True
        ),
        "a2": make_enterprise(
            county=COUNTY_A, township=TOWNSHIP_A2, name="滨江包保乙有限公司", is_key=True
        ),
        "b": make_enterprise(county=COUNTY_B, name="云水包保丙有限公司", is_key=True),
    }


def assign(enterprise, official, *, actor=None, role="commissioner", start=30, **kw):
    return services.assignment_create(
        enterprise=enterprise,
        official=official,
        role=role,
        start_on=days_ago(start),
        actor=actor,
        **kw,
    )


def names(response):
    return {getattr(o, "enterprise", o).name for o, _cells in response.context["table"].rows()}


def test_the_level_follows_the_officials_unit(ents, county_a, township_a1, leader):
    assert assign(ents["a1"], county_a).level == "county"
    assert assign(ents["a1"], township_a1).level == "township"
    assert assign(ents["a1"], leader, role="leader").level == "city"


def test_a_county_official_cannot_cover_another_countys_enterprise(ents, county_b):
    with pytest.raises(ValidationError, match="不管辖"):
        assign(ents["a1"], county_b)


def test_a_township_officer_covers_only_their_own_township(ents, township_a1):
    with pytest.raises(ValidationError, match="不管辖"):
        assign(ents["a2"], township_a1)


def test_an_official_cannot_serve_at_another_level(ents, leader):
    with pytest.raises(ValidationError, match="不能承担县级包保"):
        assign(ents["a1"], leader, level="county")


def test_admins_and_enterprise_users_cannot_be_officials(ents, sysadmin):
    with pytest.raises(ValidationError, match="不是在职的业务人员"):
        assign(ents["a1"], sysadmin)


def test_county_staff_cannot_make_a_city_leader_responsible(ents, county_a, leader):
    with pytest.raises(ValidationError, match="不能为"):
        assign(ents["a1"], leader, actor=county_a, role="leader")


def test_the_same_official_cannot_be_assigned_twice_for_overlapping_dates(ents, county_a):
    assign(ents["a1"], county_a)
    with pytest.raises(ValidationError, match="已是"):
        assign(ents["a1"], county_a, start=5)


def test_assigning_and_ending_write_the_timeline_and_keep_history(ents, county_a, city_staff):
    a = assign(ents["a1"], county_a, actor=city_staff, start=100)
    services.assignment_end(assignment=a, end_on=days_ago(1), actor=city_staff, note="工作调整")
    kinds = list(
        EnterpriseEvent.objects.filter(enterprise=ents["a1"]).values_list("kind", flat=True)
    )
    assert "assigned" in kinds and "unassigned" in kinds
    a.refresh_from_db()
    assert a.end_on == days_ago(1) and not a.is_current(days_ago(0))
    # history stays, and a new assignment after the end is allowed
    assign(ents["a1"], county_a, start=0)
    assert Assignment.objects.filter(enterprise=ents["a1"]).count() == 2


def test_current_means_started_and_not_yet_ended(ents, county_a, township_a1, leader):
    today = days_ago(0)
    ends_today = assign(ents["a1"], county_a, start=10, end_on=today)
    future = assign(ents["a1"], township_a1, start=-5)
    assign(ents["a1"], leader, role="leader", start=20, end_on=days_ago(1))
    assert set(Assignment.objects.current(today)) == {ends_today}
    assert not future.is_current(today)


def test_my_enterprises_lists_what_the_official_covers_today(as_user, ents, county_a, township_a1):
    assign(ents["a1"], county_a)
    assign(ents["a2"], county_a, start=50, end_on=days_ago(2))
    assign(ents["a1"], township_a1)
    response = as_user(county_a).get(reverse("enterprises:my_enterprises"))
    assert response.status_code == 200 and names(response) == {"东湖包保甲有限公司"}
    html = response.content.decode()
    assert "我的包保企业" in html and "服务专员" in html and "县级" in html


def test_the_enterprise_list_filters_covered_or_not(as_user, ents, county_a, township_a1):
    assign(ents["a1"], county_a)
    assign(ents["a2"], county_a, start=50, end_on=days_ago(2))
    client = as_user(county_a)
    url = reverse("enterprises:enterprise_list")
    assert names(client.get(url, {"covered": "yes"})) == {"东湖包保甲有限公司"}
    # …and the 企业用户 persona's own 河东区 enterprise (conftest), which no one covers
    assert names(client.get(url, {"covered": "no"})) == {"滨江包保乙有限公司", OWNER_ENTERPRISE}
    assert names(client.get(url, {"covered_level": "township"})) == set()
    assert names(client.get(url, {"covered": "no", "covered_level": "township"})) == {
        "东湖包保甲有限公司",
        "滨江包保乙有限公司",
        OWNER_ENTERPRISE,
    }
    assert names(client.get(url, {"official": county_a.pk})) == {"东湖包保甲有限公司"}


def test_staff_assigns_an_official_from_the_enterprise_page(as_user, ents, county_a):
    url = reverse("enterprises:assignment_add", args=[ents["a1"].pk])
    response = as_user(county_a).get(url)
    assert response.status_code == 200 and "刘洋" in response.content.decode()
    response = as_user(county_a).post(
        url, {"official": county_a.pk, "role": "commissioner", "start_on": days_ago(0).isoformat()}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(enterprise=ents["a1"]).official == county_a


def test_staff_ends_an_assignment(as_user, ents, county_a):
    a = assign(ents["a1"], county_a)
    url = reverse("enterprises:assignment_end", args=[a.pk])
    response = as_user(county_a).post(url, {"end_on": days_ago(0).isoformat(), "note": "人员调整"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.end_on == days_ago(0)


def test_bulk_assignment_from_the_filtered_list_is_all_or_nothing(
    as_user, ents, county_a, township_a1
):
    url = reverse("enterprises:assignment_bulk")
    data = {
        "_all": "1",
        "_query": f"county={ents['a1'].county_id}",
        "official": township_a1.pk,
        "role": "commissioner",
        "start_on": days_ago(0).isoformat(),
        "_apply": "1",
    }
    # 东湖 officer cannot cover 滨江's enterprise: nothing is saved
    response = as_user(county_a).post(url, data)
    assert response.status_code == 200 and "全部未保存" in response.content.decode()
    assert not Assignment.objects.exists()
    data["official"] = county_a.pk
    response = as_user(county_a).post(url, data)
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("enterprise__name", flat=True)) == {
        "东湖包保甲有限公司",
        "滨江包保乙有限公司",
        OWNER_ENTERPRISE,  # the 企业用户 persona's, in 河东区 too (conftest)
    }


def test_bulk_assignment_of_ticked_rows_ignores_rows_out_of_scope(as_user, ents, county_a):
    url = reverse("enterprises:assignment_bulk")
    response = as_user(county_a).post(
        url,
        {
            "pk": [ents["a1"].pk, ents["b"].pk],
            "official": county_a.pk,
            "role": "commissioner",
            "start_on": days_ago(0).isoformat(),
            "_apply": "1",
        },
    )
    assert response.status_code == 302
    assert list(Assignment.objects.values_list("enterprise__name", flat=True)) == [
        "东湖包保甲有限公司"
    ]


def test_county_staff_cannot_see_another_countys_assignments(as_user, ents, county_a, county_b):
    theirs = assign(ents["b"], county_b)
    assign(ents["a1"], county_a)
    client = as_user(county_a)
    assert names(client.get(reverse("enterprises:assignment_list"))) == {"东湖包保甲有限公司"}
    assert client.get(reverse("enterprises:assignment_end", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("enterprises:assignment_add", args=[ents["b"].pk])).status_code == 404
    api = api_as(county_a)
    assert {r["enterprise_name"] for r in api.get("/api/assignments/").json()["results"]} == {
        "东湖包保甲有限公司"
    }
    assert api.get(f"/api/assignments/{theirs.pk}/").status_code == 404


def test_api_creates_an_assignment_and_refuses_a_wrong_level(ents, county_a, township_a1):
    api = api_as(county_a)
    ok = api.post(
        "/api/assignments/",
        {
            "enterprise": ents["a1"].pk,
            "official": township_a1.pk,
            "role": "commissioner",
            "start_on": days_ago(0).isoformat(),
        },
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["level"] == "township" and ok.json()["is_current"] is True
    bad = api.post(
        "/api/assignments/",
        {
            "enterprise": ents["a1"].pk,
            "official": county_a.pk,
            "level": "township",
            "role": "commissioner",
            "start_on": days_ago(0).isoformat(),
        },
        format="json",
    )
    assert bad.status_code == 400 and "乡镇级" in str(bad.json())
    out = api.post(
        "/api/assignments/",
        {
            "enterprise": ents["b"].pk,
            "official": county_a.pk,
            "role": "commissioner",
            "start_on": days_ago(0).isoformat(),
        },
        format="json",
    )
    assert out.status_code == 400


def test_api_ends_an_assignment_by_setting_end_on_and_filters_current(ents, county_a):
    a = assign(ents["a1"], county_a)
    api = api_as(county_a)
    response = api.patch(
        f"/api/assignments/{a.pk}/", {"end_on": days_ago(1).isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_current"] is False
    assert EnterpriseEvent.objects.filter(enterprise=ents["a1"], kind="unassigned").exists()
    assert api.get("/api/assignments/", {"current": "true"}).json()["count"] == 0
    assert api.patch(f"/api/assignments/{a.pk}/", {"official": 1}, format="json").status_code == 400


def test_an_enterprise_no_longer_active_gets_no_new_official(ents, county_a):
    from shangwu.enterprises.services import enterprise_change_status

    enterprise_change_status(enterprise=ents["a1"], status="moved_out", actor=None, note="迁往外市")
    with pytest.raises(ValidationError, match="已迁出，不再安排包保"):
        assign(ents["a1"], county_a)


def test_ending_an_assignment_on_a_later_day_says_it_will_end(as_user, ents, county_a):
    import datetime

    a = assign(ents["a1"], county_a)
    later = days_ago(0) + datetime.timedelta(days=30)
    response = as_user(county_a).post(
        reverse("enterprises:assignment_end", args=[a.pk]),
        {"end_on": later.isoformat()},
        follow=True,
    )
    assert f"的包保将于{later:%Y-%m-%d}结束" in response.content.decode()
    note = EnterpriseEvent.objects.filter(enterprise=ents["a1"], kind="unassigned").get().note
    assert f"的包保将于{later:%Y-%m-%d}结束" in note


def test_a_handover_recorded_in_the_past_is_on_the_timeline_when_it_happened(ents, county_a):
    started = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 15))
    ended = timezone.make_aware(datetime.datetime(2025, 9, 1, 10, 0))
    assignment = services.assignment_create(
        enterprise=ents["a1"],
        official=county_a,
        role="commissioner",
        start_on=datetime.date(2025, 3, 3),
        actor=None,
        now=started,
    )
    # Recorded on 1 September, ending on the 30th: still to come then ("将").
    services.assignment_end(
        assignment=assignment, end_on=datetime.date(2025, 9, 30), actor=None, now=ended
    )
    events = EnterpriseEvent.objects.filter(enterprise=ents["a1"])
    assert events.get(kind="assigned").at == started
    unassigned = events.get(kind="unassigned")
    assert unassigned.at == ended and "将于2025-09-30结束" in unassigned.note
