"""The detail page, problems turned into cases (linked both ways), the dashboard panel, the
reference vocabularies and the API schema."""

import datetime

import pytest
from django.template.loader import render_to_string

from shangwu.audit.models import AuditLog
from shangwu.cases.models import Case, CaseCategory
from shangwu.projects import selectors, services
from shangwu.projects.models import Stage

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_detail_page_shows_timeline_money_leaders_and_masked_contacts(
    as_user, city_staff, leader, make_project
):
    project = make_project(
        name="智能装备产业园项目", reach={"签约": D(2025, 2, 1), "开工": D(2025, 3, 1)}
    )
    services.project_record_funds(
        project=project, month=D(2025, 3, 1), actor=city_staff, provincial_outside=500
    )
    services.project_add_leader(
        project=project, leader=leader, start_on=D(2025, 2, 1), actor=city_staff
    )
    services.project_add_contact(
        project=project, actor=city_staff, name="钱经理", mobile="13812345678"
    )
    html = as_user(city_staff).get(f"/projects/{project.pk}/").content.decode()
    assert "线索 → 签约" in html and "签约 → 开工" in html
    assert "2025年3月" in html and "500.00" in html and 'id="funds-data"' in html
    assert "张建国" in html and "在任" in html
    assert "138****5678" in html and "13812345678" not in html


def test_a_leader_in_another_county_cannot_be_in_charge(make_project, county_b, city_staff):
    project = make_project()
    with pytest.raises(Exception, match="不管辖该项目"):
        services.project_add_leader(
            project=project, leader=county_b, start_on=D(2025, 1, 1), actor=city_staff
        )


def test_the_leader_filter_finds_the_projects_a_leader_is_in_charge_of(
    as_user, city_staff, leader, make_project
):
    mine = make_project(name="包保项目")
    make_project(name="其他项目")
    services.project_add_leader(
        project=mine, leader=leader, start_on=D(2025, 1, 1), actor=city_staff
    )
    page = as_user(city_staff).get("/projects/", {"leader": leader.pk})
    assert [p.name for p, _ in page.context["table"].rows()] == ["包保项目"]


def test_filters_by_amount_flag_origin_and_free_text(as_user, city_staff, make_project):
    make_project(name="大项目", total=100000, is_key=True)
    make_project(name="小项目", total=100, origin="overseas", origin_place="新加坡")
    client = as_user(city_staff)

    def names(**params):
        return sorted(p.name for p, _ in client.get("/projects/", params).context["table"].rows())

    assert names(investment_min=50000) == ["大项目"]
    assert names(is_key="true") == ["大项目"]
    assert names(origin="overseas") == ["小项目"]
    assert names(q="小") == ["小项目"]


def test_a_problem_becomes_a_case_linked_both_ways(as_user, city_staff, make_project):
    project = make_project(name="冷链物流园项目", reach={"签约": D(2025, 2, 1)})
    category = CaseCategory.objects.filter(is_active=True).first() or CaseCategory.objects.create(
        name="用地用房"
    )
    client = as_user(city_staff)
    response = client.post(
        f"/projects/{project.pk}/problem/",
        {
            "title": "施工用电接入慢",
            "content": "临时用电尚未接入，影响设备进场。",
            "category": category.pk,
            "kind": "ordinary",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(origin_project=project)
    assert (
        case.title == "施工用电接入慢"
        and case.county_id == project.county_id
        and case.source == "other"
    )
    assert "冷链物流园项目" in client.get(f"/projects/{project.pk}/").content.decode()
    assert selectors.project_for_case(user=city_staff, case=case) == project
    box = render_to_string("projects/includes/case_project.html", {"case_project": project})
    assert "冷链物流园项目" in box and project.get_absolute_url() in box


def test_the_case_page_box_hides_projects_out_of_scope(county_b, city_staff, make_project):
    project = make_project(reach={"签约": D(2025, 2, 1)})
    category = CaseCategory.objects.filter(is_active=True).first() or CaseCategory.objects.create(
        name="用地用房"
    )
    case = services.project_raise_problem(
        project=project, actor=city_staff, title="融资需求", content="资金缺口", category=category
    )
    assert selectors.project_for_case(user=county_b, case=case) is None


def test_contact_numbers_are_revealed_only_with_the_permission_and_audited(
    as_user, city_staff, make_project
):
    project = make_project()
    contact = services.project_add_contact(
        project=project, actor=city_staff, name="钱经理", mobile="13812345678"
    )
    client = as_user(city_staff)
    assert (
        client.post(f"/projects/contacts/{contact.pk}/reveal/", {"field": "mobile"}).status_code
        == 403
    )
    from django.contrib.auth.models import Permission

    from shangwu.accounts.models import User

    city_staff.user_permissions.add(Permission.objects.get(codename="reveal_projectcontact"))
    response = as_user(User.objects.get(pk=city_staff.pk)).post(
        f"/projects/contacts/{contact.pk}/reveal/", {"field": "mobile"}, HTTP_HX_REQUEST="true"
    )
    assert "13812345678" in response.content.decode()
    assert (
        AuditLog.objects.filter(action="reveal", object_type="projects.projectcontact").count() == 1
    )


def test_the_dashboard_panel_counts_this_quarter(as_user, city_staff, make_project):
    from django.utils import timezone

    today = timezone.localdate()
    make_project(on=today, reach={"签约": today})
    html = as_user(city_staff).get("/").content.decode()
    panel = selectors.project_dashboard_panel(user=city_staff)
    signed = panel["figures"][1]
    assert (signed["label"], signed["display"]) == ("本季度签约", "1个") and "招商项目" in html
    assert signed["figure"].value == 1 and signed["url"] in html.replace("&amp;", "&")


def test_the_system_administrator_edits_stages_and_chains(as_user, sysadmin, city_staff):
    client = as_user(sysadmin)
    assert client.get("/projects/stages/").status_code == 200
    response = client.post(
        "/projects/stages/add/", {"name": "意向", "order": 15, "milestone": "", "color": "info"}
    )
    assert response.status_code == 302 and Stage.objects.filter(name="意向", order=15).exists()
    duplicate = client.post(
        "/projects/stages/add/",
        {"name": "重复签约", "order": 35, "milestone": "signed", "color": "info"},
    )
    assert "每个节点" in duplicate.content.decode()
    assert (
        client.post(
            "/projects/chains/add/", {"name": "生物医药", "sort_order": 70, "is_active": "on"}
        ).status_code
        == 302
    )
    assert (
        as_user(city_staff)
        .post("/projects/chains/add/", {"name": "x", "sort_order": 1})
        .status_code
        == 403
    )


def test_the_project_api_is_in_the_openapi_schema(as_user, city_staff):
    schema = as_user(city_staff).get("/api/schema/").content.decode()
    for path in (
        "/api/projects/{id}/move/",
        "/api/projects/{id}/funds/",
        "/api/projects/three-batches/",
        "/api/projects/ledger/",
    ):
        assert path in schema


def test_the_list_costs_the_same_queries_for_many_projects(
    as_user, city_staff, leader, make_project, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(city_staff)
    make_project(chain="新材料")
    with CaptureQueriesContext(connection) as few:
        client.get("/projects/")
    for _ in range(15):
        project = make_project(chain="食品加工", reach={"签约": D(2025, 2, 1)})
        services.project_add_leader(
            project=project, leader=leader, start_on=D(2025, 2, 1), actor=city_staff
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/projects/")
    with CaptureQueriesContext(connection) as board:
        client.get("/projects/board/")
    assert len(board.captured_queries) <= len(few.captured_queries) + Stage.objects.count() + 2


def test_the_export_writes_money_as_numbers(as_user, city_staff, make_project):
    import io

    from openpyxl import load_workbook

    make_project(name="出口项目", total=12345)
    wb = load_workbook(io.BytesIO(as_user(city_staff).get("/projects/export/").content))
    header = [c.value for c in wb.active[1]]
    row = [c.value for c in wb.active[2]]
    assert row[header.index("总投资（万元）")] == 12345
