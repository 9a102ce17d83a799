"""Run in a subprocess by test_origins.py against a fresh SQLite file (never the test database):
build the schema as it was before cases 0018, write a converted visit problem (bare case
number), a ProjectCase link and a 包保领导 the old way, migrate forward, print what became of them
as JSON."""

import datetime
import json
import sys

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

BEFORE = [
    ("cases", "0017_merged_into_index"),
    ("enterprises", "0012_tag_code"),
    ("projects", "0004_region_levels"),
]


def main() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("organization", "Region")
    OrgUnit = old.get_model("organization", "OrgUnit")
    User = old.get_model("accounts", "User")
    Enterprise = old.get_model("enterprises", "Enterprise")
    Visit = old.get_model("enterprises", "Visit")
    VisitProblem = old.get_model("enterprises", "VisitProblem")
    Case = old.get_model("cases", "Case")
    CaseCategory = old.get_model("cases", "CaseCategory")
    Stage = old.get_model("projects", "Stage")
    Project = old.get_model("projects", "Project")
    ProjectCase = old.get_model("projects", "ProjectCase")
    ProjectLeader = old.get_model("projects", "ProjectLeader")

    now = timezone.now()
    city = Region.objects.create(code="419900", name="测试市", level="city")
    county = Region.objects.create(code="419902", name="河东区", level="county", parent=city)
    unit = OrgUnit.objects.create(name="河东区商务局", region=county)
    official = User.objects.create(username="old_leader", name="老领导", org_unit=unit)
    enterprise = Enterprise.objects.create(
        credit_code="91419902MA00000001", name="旧数据企业", county=county
    )
    visit = Visit.objects.create(enterprise=enterprise, visited_on=datetime.date(2025, 3, 1))
    category = CaseCategory.objects.get(name="其他")
    common = {
        "year": 2025,
        "source": "visit",
        "kind": "ordinary",
        "category": category,
        "title": "旧案件",
        "content": "旧案件",
        "county": county,
        "received_at": now,
        "status": "registered",
    }
    visit_case = Case.objects.create(number="2025-000001", seq=1, enterprise=enterprise, **common)
    problem = VisitProblem.objects.create(
        visit=visit,
        enterprise=enterprise,
        description="道路破损",
        status="converted",
        case_id=visit_case.pk,
        converted_at=now,
    )
    pending = VisitProblem.objects.create(visit=visit, enterprise=enterprise, description="待转")
    project = Project.objects.create(
        code="OLD-1",
        name="旧项目",
        investor_name="旧投资方",
        total_investment=100,
        county=county,
        stage=Stage.objects.order_by("order").first(),
    )
    project_case = Case.objects.create(number="2025-000002", seq=2, **common)
    ProjectCase.objects.create(project=project, case=project_case)
    leader = ProjectLeader.objects.create(
        project=project, leader=official, start_on=datetime.date(2025, 1, 1)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    Case = new.get_model("cases", "Case")
    ProjectLeader = new.get_model("projects", "ProjectLeader")
    Mapping = new.get_model("cases", "CaseCategoryMapping")
    leader = ProjectLeader.objects.get(pk=leader.pk)
    json.dump(
        {
            "visit_case_origin": Case.objects.get(pk=visit_case.pk).origin_visit_problem_id,
            "problem": problem.pk,
            "pending_has_case": Case.objects.filter(origin_visit_problem=pending.pk).exists(),
            "project_case_origin": Case.objects.get(pk=project_case.pk).origin_project_id,
            "project": project.pk,
            "leader": [leader.official_id, leader.level, leader.role, str(leader.start_on)],
            "official": official.pk,
            "mappings": Mapping.objects.count(),
        },
        sys.stdout,
    )


main()
