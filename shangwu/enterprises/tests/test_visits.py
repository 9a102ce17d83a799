"""Visits (走访) with the problems raised, and the hook the case module will call."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shangwu.enterprises.baobao import services as services
from shangwu.enterprises.models import EnterpriseEvent, Visit, VisitProblem

from .service_helpers import COUNTY_A, COUNTY_B, TOWNSHIP_A1, api_as, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def ent_a(make_enterprise):
    return make_enterprise(county=COUNTY_A, township=TOWNSHIP_A1, name="东湖走访甲有限公司")


@pytest.fixture
def ent_b(make_enterprise):
    return make_enterprise(county=COUNTY_B, name="云水走访乙有限公司")


def visit(enterprise, officials, *, problems=(), days=3, form="onsite", actor=None):
    return services.visit_create(
        enterprise=enterprise,
        visited_on=days_ago(days),
        form=form,
        officials=officials,
        notes="了解生产经营情况",
        problems=problems,
        actor=actor,
    )


def test_a_visit_keeps_its_problems_and_writes_the_timeline(ent_a, county_a, township_a1):
    v = visit(
        ent_a,
        [county_a, township_a1],
        problems=[
            {"description": "用电增容", "category": "水电气暖"},
            {"description": "招工难", "category": "用工招工"},
            {"description": "  ", "category": ""},  # an empty row is not a problem
        ],
        actor=county_a,
    )
    assert set(v.officials.all()) == {county_a, township_a1}
    assert list(v.problems.values_list("description", "status")) == [
        ("用电增容", "pending"),
        ("招工难", "pending"),
    ]
    assert all(p.enterprise_id == ent_a.pk for p in v.problems.all())
    event = EnterpriseEvent.objects.get(enterprise=ent_a, kind="visited")
    assert "收集问题2个" in event.note and event.actor == county_a


def test_visiting_officials_must_cover_the_enterprise(ent_a, county_b):
    with pytest.raises(ValidationError, match="不管辖"):
        visit(ent_a, [county_b])


def test_a_visit_needs_an_official_and_cannot_be_in_the_future(ent_a, county_a):
    with pytest.raises(ValidationError, match="至少选择一名"):
        visit(ent_a, [])
    with pytest.raises(ValidationError, match="不能晚于今天"):
        visit(ent_a, [county_a], days=-1)


def test_staff_records_a_visit_with_problems_in_the_browser(as_user, ent_a, county_a):
    client = as_user(county_a)
    url = reverse("enterprises:visit_add") + f"?enterprise={ent_a.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "enterprise": ent_a.pk,
            "visited_on": days_ago(1).isoformat(),
            "form": "phone",
            "officials": [county_a.pk],
            "notes": "电话了解订单情况",
            "problems-TOTAL_FORMS": "3",
            "problems-INITIAL_FORMS": "0",
            "problems-MIN_NUM_FORMS": "0",
            "problems-MAX_NUM_FORMS": "20",
            "problems-0-description": "出口退税到账慢",
            "problems-0-category": "外贸外资",
            "problems-1-description": "",
            "problems-2-description": "",
        },
    )
    assert response.status_code == 302
    v = Visit.objects.get(enterprise=ent_a)
    assert v.form == "phone" and v.created_by == county_a
    detail = client.get(response["Location"]).content.decode()
    assert "出口退税到账慢" in detail and "待转办" in detail


def test_a_problem_row_with_a_category_but_no_description_is_asked_for_not_dropped(
    as_user, ent_a, county_a
):
    client = as_user(county_a)
    url = reverse("enterprises:visit_add") + f"?enterprise={ent_a.pk}"
    form = {
        "enterprise": ent_a.pk,
        "visited_on": days_ago(1).isoformat(),
        "form": "onsite",
        "officials": [county_a.pk],
        "problems-TOTAL_FORMS": "2",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "20",
        "problems-0-description": "",
        "problems-0-category": "外贸外资",
        "problems-1-description": "融资难",
        "problems-1-category": "没有这个类别",
    }
    page = client.post(url, form).content.decode()
    assert "已选问题类别，请填写问题描述" in page
    assert "没有这个类别" in page and "选择一个有效的选项" in page  # the bad category says so
    assert not Visit.objects.filter(enterprise=ent_a).exists()


def test_the_visit_list_filters_by_form_date_and_county(
    as_user, leader, ent_a, ent_b, county_a, county_b
):
    visit(ent_a, [county_a], form="onsite", days=40)
    visit(ent_a, [county_a], form="phone", days=2)
    visit(ent_b, [county_b], form="phone", days=2)
    client = as_user(leader)
    url = reverse("enterprises:visit_list")

    def count(**params):
        return client.get(url, params).context["page"].paginator.count

    assert count() == 3
    assert count(form="phone") == 2
    assert count(date_from=days_ago(10).isoformat()) == 2
    assert count(county=ent_a.county_id, date_to=days_ago(10).isoformat()) == 1
    assert count(q="云水走访") == 1


def test_the_visit_list_does_not_query_per_row(as_user, leader, ent_a, county_a, township_a1):
    client = as_user(leader)
    url = reverse("enterprises:visit_list")
    visit(ent_a, [county_a], problems=[{"description": "x"}])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        visit(ent_a, [county_a, township_a1], problems=[{"description": f"问题{i}"}], days=i + 1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_county_staff_cannot_see_another_countys_visits(as_user, ent_a, ent_b, county_a, county_b):
    mine = visit(ent_a, [county_a])
    theirs = visit(ent_b, [county_b])
    client = as_user(county_a)
    listed = client.get(reverse("enterprises:visit_list")).context["page"].object_list
    assert [v.pk for v in listed] == [mine.pk]
    assert client.get(reverse("enterprises:visit_detail", args=[theirs.pk])).status_code == 404
    api = api_as(county_a)
    assert [r["id"] for r in api.get("/api/visits/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/visits/{theirs.pk}/").status_code == 404


def test_a_township_officer_sees_only_their_townships_visits(
    as_user, ent_a, make_enterprise, county_a, township_a1
):
    other = make_enterprise(county=COUNTY_A, township="419902002", name="滨江走访丙有限公司")
    visit(ent_a, [county_a])
    visit(other, [county_a])
    listed = as_user(township_a1).get(reverse("enterprises:visit_list")).context["page"].object_list
    assert [v.enterprise.name for v in listed] == ["东湖走访甲有限公司"]


def test_api_creates_a_visit_with_nested_problems(ent_a, county_a, township_a1):
    api = api_as(county_a)
    response = api.post(
        "/api/visits/",
        {
            "enterprise": ent_a.pk,
            "visited_on": days_ago(0).isoformat(),
            "form": "meeting",
            "officials": [county_a.pk, township_a1.pk],
            "notes": "座谈",
            "problems": [{"description": "融资难", "category": "融资信贷"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["problems"][0]["description"] == "融资难"
        and body["problems"][0]["status"] == "pending"
    )
    assert EnterpriseEvent.objects.filter(enterprise=ent_a, kind="visited").exists()
    patched = api.patch(f"/api/visits/{body['id']}/", {"officials": [county_a.pk]}, format="json")
    assert patched.status_code == 200 and patched.json()["officials"] == [county_a.pk]
    # Issue 16: a saved visit's problems can be edited; a row without an id is a new problem.
    added = api.patch(
        f"/api/visits/{body['id']}/", {"problems": [{"description": "新问题"}]}, format="json"
    )
    assert added.status_code == 200
    assert [p["description"] for p in added.json()["problems"]] == ["融资难", "新问题"]
    as_read = api.get(f"/api/visits/{body['id']}/").json()
    assert api.put(f"/api/visits/{body['id']}/", as_read, format="json").status_code == 200
    assert (
        VisitProblem.objects.filter(visit_id=body["id"]).count() == 2
    )  # the round trip adds nothing


def test_api_refuses_a_visit_to_an_enterprise_out_of_scope(ent_b, county_a):
    response = api_as(county_a).post(
        "/api/visits/",
        {"enterprise": ent_b.pk, "visited_on": days_ago(0).isoformat(), "officials": [county_a.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_a_problem_opened_as_a_case_is_marked_converted_once(ent_a, county_a):
    from shangwu.cases.services import case_open_from

    problem = visit(ent_a, [county_a], problems=[{"description": "道路破损"}]).problems.get()
    case = case_open_from(origin=problem, actor=county_a)
    problem.refresh_from_db()
    assert problem.status == "converted" and problem.case == case
    assert problem.converted_at is not None and problem.converted_by == county_a
    # a second case from the same problem is refused, and nothing of it is saved
    with pytest.raises(ValidationError, match="不能转为案件"):
        case_open_from(origin=problem, actor=county_a)
    assert problem.case == case and type(case).objects.count() == 1
    # the hook only marks a problem for the case opened from it
    other = visit(ent_a, [county_a], problems=[{"description": "路灯不亮"}]).problems.get()
    with pytest.raises(ValidationError, match="并非由该问题转入"):
        services.visit_problem_mark_converted(problem=other, case=case, actor=county_a)


def test_a_problem_marked_not_needed_cannot_become_a_case(ent_a, county_a):
    problem = visit(ent_a, [county_a], problems=[{"description": "咨询政策"}]).problems.get()
    with pytest.raises(ValidationError, match="请说明"):
        services.visit_problem_dismiss(problem=problem, actor=county_a, note="")
    services.visit_problem_dismiss(problem=problem, actor=county_a, note="已现场答复")
    from shangwu.cases.models import Case
    from shangwu.cases.services import case_open_from

    with pytest.raises(ValidationError, match="不能转为案件"):
        case_open_from(origin=problem, actor=county_a)
    assert not Case.objects.filter(origin_visit_problem=problem).exists()


def test_the_database_refuses_a_converted_problem_without_a_conversion_time(ent_a, county_a):
    from django.db import IntegrityError, transaction

    problem = visit(ent_a, [county_a], problems=[{"description": "x"}]).problems.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitProblem.objects.filter(pk=problem.pk).update(status="converted")


def test_the_openapi_schema_lists_contacts_assignments_and_visits(client, leader):
    client.force_login(leader)
    text = client.get("/api/schema/").content.decode()
    for path in (
        "/api/contacts/",
        "/api/assignments/",
        "/api/visits/",
        "/api/contacts/{id}/reveal/",
    ):
        assert path in text


def test_a_visit_dated_tomorrow_is_said_with_the_problem_rows_mistakes(as_user, ent_a, county_a):
    import datetime

    url = reverse("enterprises:visit_add") + f"?enterprise={ent_a.pk}"
    page = (
        as_user(county_a)
        .post(
            url,
            {
                "enterprise": ent_a.pk,
                "visited_on": (days_ago(0) + datetime.timedelta(days=1)).isoformat(),
                "form": "onsite",
                "officials": [county_a.pk],
                "problems-TOTAL_FORMS": "1",
                "problems-INITIAL_FORMS": "0",
                "problems-MIN_NUM_FORMS": "0",
                "problems-MAX_NUM_FORMS": "20",
                "problems-0-description": "",
                "problems-0-category": "外贸外资",
            },
        )
        .content.decode()
    )
    assert "走访日期不能晚于今天" in page and "已选问题类别，请填写问题描述" in page


def test_a_visit_recorded_at_a_past_moment_is_on_the_timeline_then_and_not_dated_after_it(
    ent_a, county_a
):
    then = timezone.make_aware(datetime.datetime(2025, 6, 3, 15, 20))
    services.visit_create(
        enterprise=ent_a,
        visited_on=datetime.date(2025, 6, 3),
        officials=[county_a],
        actor=county_a,
        now=then,
    )
    assert EnterpriseEvent.objects.get(enterprise=ent_a, kind="visited").at == then
    with pytest.raises(ValidationError, match="走访日期不能晚于今天"):
        services.visit_create(
            enterprise=ent_a,
            visited_on=datetime.date(2025, 6, 4),
            officials=[county_a],
            actor=county_a,
            now=then,
        )
