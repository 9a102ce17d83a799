"""The demo city is built the way users build one: every record the demo makes through a service
has the audit row of its creation, and every record with a timeline has the event that opened it.
(The few tables the demo writes in bulk say so in one audit row each.)"""

import pytest
from django.apps import apps

from shangwu.audit.models import AuditLog

pytestmark = pytest.mark.django_db

# Written in bulk by the demo (cases' lifecycles with their events, extensions and 督办单; the
# indicators' monthly figures; the 以旧换新 applications with their events; the designations with
# their responsible units and their programmes' funds and milestones), each batch with one audit row that says so.
BULK = {
    "cases.case": "批量生成演示案件",
    "indicators.indicatorvalue": "批量写入指标月度数据",
    "subsidies.subsidyapplication": "批量生成演示补贴申请",
    "designations.designation": "批量生成演示荣誉认定",
}
BULK_TABLES = {
    *BULK,
    "cases.caseevent",
    "cases.caseextension",
    "cases.supervisionorder",
    "designations.designationresponsibility",
    "designations.programmefund",
    "designations.programmemilestone",
}
# Not yet through a service: the county and township officials the 包保 and visits name
# (enterprises.demo._demo_officials, bulk_create with no audit row).
NOT_YET = {"accounts.user"}


def audited_models():
    return [
        m
        for m in apps.get_models()
        if getattr(m, "audited", False) and m._meta.label_lower not in {*BULK_TABLES, *NOT_YET}
    ]


@pytest.fixture
def demo_city(demo_city):
    """The rows the demo adds (not those the migrations and the test personas brought): the
    shared demo world (root conftest) notes them per model as it builds."""
    return {m: demo_city[m] for m in audited_models()}


def test_every_demo_record_has_its_creation_audit_row_and_its_opening_event(demo_city):
    ids: dict[str, set[str]] = {}
    for object_type, object_id in AuditLog.objects.filter(action="create").values_list(
        "object_type", "object_id"
    ):
        ids.setdefault(object_type, set()).add(object_id)
    for model, pks in demo_city.items():
        label = model._meta.label_lower
        missing = pks - ids.get(label, set())
        assert not missing, f"{label}: {len(missing)} 条演示记录没有创建的审计记录"
    assert sum(len(pks) for pks in demo_city.values()) > 2000
    for label, words in BULK.items():
        assert AuditLog.objects.filter(object_type=label, detail__contains=words).count() == 1
    # Timelines open with their service's event.
    from shangwu.enterprises.models import Enterprise
    from shangwu.projects.models import Project
    from shangwu.tasks.models import Task

    assert Enterprise.objects.count() > 100
    assert not Enterprise.objects.exclude(events__kind="created").exists()
    assert Project.objects.exists() and not Project.objects.exclude(events__kind="created").exists()
    assert Task.objects.exists() and not Task.objects.exclude(events__kind="created").exists()
    from shangwu.cases.models import Case

    assert Case.objects.count() > 100 and not Case.objects.filter(events__isnull=True).exists()
    # The plan came in as an import: one IMPORT row names it.
    plan = Task.objects.first().plan
    assert (
        AuditLog.objects.filter(
            action="import", object_type="tasks.plan", object_id=str(plan.pk)
        ).count()
        == 1
    )
