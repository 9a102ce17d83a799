"""One way a record becomes a case (case_open_from): a visit problem or a project, linked both
ways, its category from the 系统管理员's mapping, the origin's events and audit rows written."""

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from shangwu.audit.models import AuditLog
from shangwu.cases.choices import CaseEventKind, CaseSource
from shangwu.cases.models import Case, CaseCategory, CaseCategoryMapping, CaseEvent
from shangwu.organization.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(make_enterprise, county_a):
    """A 待转办 problem raised on a visit to a 河东区 enterprise, of category 融资信贷."""
    from shangwu.enterprises.baobao.services import visit_create

    enterprise = make_enterprise(name="河东融资测试有限公司")
    visit = visit_create(
        enterprise=enterprise,
        visited_on=datetime.date(2025, 3, 1),
        officials=[county_a],
        actor=county_a,
        problems=[{"description": "流动资金贷款续贷难\n银行要求追加担保", "category": "融资信贷"}],
    )
    return visit.problems.get()


@pytest.fixture
def project(city_staff):
    from shangwu.projects.services import project_create

    return project_create(
        actor=city_staff,
        on=datetime.date(2025, 1, 1),
        code="ORIGIN-1",
        name="冷链物流园项目",
        investor_name="测试投资集团有限公司",
        investor_type="private",
        origin="province",
        origin_place="江苏",
        total_investment=Decimal(5000),
        county=Region.objects.get(code="419902"),
    )


def test_county_staff_open_a_case_from_a_visit_problem_linked_both_ways(as_user, county_a, problem):
    client = as_user(county_a)
    url = reverse("cases:case_from_problem", args=[problem.pk])
    form = client.get(url).context["form"]
    assert form["category"].value() == CaseCategory.objects.get(name="融资").pk

    response = client.post(url, {"category": "", "kind": "ordinary"})

    assert response.status_code == 302
    problem.refresh_from_db()
    case = problem.case
    assert case.origin == problem and case.origin_visit_problem_id == problem.pk
    assert case.category.name == "融资" and case.source == CaseSource.VISIT
    assert problem.status == "converted" and problem.converted_by == county_a
    register = CaseEvent.objects.get(case=case, kind=CaseEventKind.REGISTER)
    assert register.note == f"由{problem.visit}记录的问题转入"
    assert register.data == {"visit_problem": problem.pk, "visit": problem.visit_id}
    assert AuditLog.objects.filter(
        object_type="enterprises.visitproblem",
        object_id=str(problem.pk),
        detail=f"走访问题转为案件 {case.number}",
    ).exists()
    assert AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk)).exists()

    case_page = client.get(case.get_absolute_url()).content.decode()
    assert "来源记录 · 走访问题" in case_page and problem.visit.get_absolute_url() in case_page
    visit_page = client.get(problem.visit.get_absolute_url()).content.decode()
    assert case.get_absolute_url() in visit_page


def test_the_case_api_names_the_visit_problem_it_was_opened_from(as_user, county_a, problem):
    client = as_user(county_a)
    client.post(reverse("cases:case_from_problem", args=[problem.pk]), {"kind": "ordinary"})
    problem.refresh_from_db()

    answer = client.get(f"/api/cases/{problem.case.pk}/").json()

    assert answer["origin_visit_problem"] == problem.pk
    assert answer["origin_project"] is None


def test_county_staff_open_a_case_from_a_project_with_the_mapped_category(
    as_user, county_a, project
):
    client = as_user(county_a)
    response = client.post(
        f"/projects/{project.pk}/problem/",
        {
            "title": "项目用地指标未落实",
            "content": "二期用地指标尚未下达，影响开工。",
            "category": "",
            "kind": "ordinary",
        },
    )

    assert response.status_code == 302
    case = Case.objects.get(origin_project=project)
    assert case.origin == project and list(project.cases.all()) == [case]
    assert case.category.name == "用地" and case.county_id == project.county_id
    assert project.events.filter(kind="problem", note__contains=case.number).exists()
    assert AuditLog.objects.filter(
        object_type="projects.project",
        object_id=str(project.pk),
        detail=f"项目问题转为案件 {case.number}",
    ).exists()
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert "来源招商项目" in case_page and project.get_absolute_url() in case_page
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert case.get_absolute_url() in project_page and case.number in project_page


def test_a_mapping_the_system_admin_edits_changes_the_category_chosen(
    as_user, sysadmin, county_a, problem
):
    row = CaseCategoryMapping.objects.get(origin_kind="visit_problem", keyword="融资")
    admin = as_user(sysadmin)
    assert "案件类别对应" in admin.get(reverse("cases:categorymapping_list")).content.decode()
    response = admin.post(
        reverse("cases:categorymapping_edit", args=[row.pk]),
        {
            "origin_kind": "visit_problem",
            "keyword": "融资",
            "category": CaseCategory.objects.get(name="政策咨询").pk,
            "sort_order": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert AuditLog.objects.filter(
        object_type="cases.casecategorymapping", object_id=str(row.pk)
    ).exists()

    url = reverse("cases:case_from_problem", args=[problem.pk])
    client = as_user(county_a)
    assert (
        client.get(url).context["form"]["category"].value()
        == CaseCategory.objects.get(name="政策咨询").pk
    )
    client.post(url, {"category": "", "kind": "ordinary"})
    problem.refresh_from_db()
    assert problem.case.category.name == "政策咨询"


def test_a_longer_keyword_wins_and_an_unmatched_problem_gets_the_default(
    as_user, sysadmin, county_a, problem
):
    from shangwu.cases.services import case_category_for

    as_user(sysadmin).post(
        reverse("cases:categorymapping_add"),
        {
            "origin_kind": "visit_problem",
            "keyword": "融资信贷",
            "category": CaseCategory.objects.get(name="审批").pk,
            "sort_order": 0,
        },
    )
    assert case_category_for(origin_kind="visit_problem", text="融资信贷").name == "审批"
    assert case_category_for(origin_kind="visit_problem", text="市场开拓").name == "其他"


def test_county_staff_cannot_edit_the_mapping(as_user, county_a):
    row = CaseCategoryMapping.objects.first()
    assert as_user(county_a).get(
        reverse("cases:categorymapping_edit", args=[row.pk])
    ).status_code in (403, 404)


def test_a_case_cannot_have_two_origins(county_a, problem, project):
    from shangwu.cases.services import case_open_from

    case = case_open_from(origin=problem, actor=county_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(origin_project=project)


def test_the_old_integer_links_and_leaders_survive_the_migration():
    """Against a fresh in-memory SQLite database in a subprocess (the test database is never
    migrated backwards): a converted problem's bare case number, a ProjectCase row and a 包保领导
    written before cases 0018 come out as the case's origin and a full Responsibility."""
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite://:memory:",
        "DJANGO_SETTINGS_MODULE": "shangwu.settings",
        "PYTHONPATH": str(root),
    }
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("migration_origins.py"))],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["visit_case_origin"] == out["problem"] and not out["pending_has_case"]
    assert out["project_case_origin"] == out["project"]
    assert out["leader"] == [out["official"], "county", "leader", "2025-01-01"]
    assert out["mappings"] > 0


def test_a_problem_converted_in_the_past_makes_a_case_received_and_due_from_then(
    county_a, township_a1, problem
):
    from django.utils import timezone

    from shangwu.cases.services import case_open_from

    then = timezone.make_aware(datetime.datetime(2025, 3, 2, 10, 0))
    case = case_open_from(origin=problem, actor=county_a, lead_unit=township_a1.org_unit, now=then)
    problem.refresh_from_db()
    assert case.received_at == then and problem.converted_at == then
    assert case.assigned_at == then
    assert {e.kind: e.at for e in CaseEvent.objects.filter(case=case)} == {
        CaseEventKind.REGISTER: then,
        CaseEventKind.ASSIGN: then,
    }
    # The deadlines count from the day it was opened, not from today.
    assert then < case.sign_due_at < case.close_due_at < then + datetime.timedelta(days=40)
