"""Plans for the key-task tests, built the way users build them: text → parser → plan_import."""

import datetime

import pytest
from django.utils import timezone

SMALL_PLAN = """2026年全市商务工作要点
主要预期目标：外贸进出口总额增长5%以上。
一、稳外贸。
1．深化外贸企业包保服务。走访外贸企业300家次。（牵头单位：外贸科；配合单位：河东区商务局；责任领导：李文华；完成时限：2026年12月底）
2．培育外贸主体。新增有进出口实绩企业60家。（牵头单位：云水县商务局；完成时限：2026年12月底）
二、扩外资。
3．优化外资合作区域。力争全年引进3-5个过千万美元外资项目。（牵头单位：外资科；配合单位：东湖街道；完成时限：2026年12月底）
时间节点：6月底前，完成外资项目签约2个。
4．开展产业链精准招商。签约亿元以上项目40个。（牵头单位：河东区商务局；完成时限：2026年12月底）
"""


@pytest.fixture
def make_plan(db):
    from shangwu.tasks import parser, services

    def make(
        text=SMALL_PLAN, *, title=None, year=2026, cycle="monthly", due_day=25, actor=None, **kwargs
    ):
        tree = parser.parse_text(text, year=year, unit_names=services.unit_names())
        return services.plan_import(
            title=title or tree["title"] or "测试工作要点",
            year=year,
            tree=tree,
            actor=actor,
            cycle=cycle,
            due_day=due_day,
            **kwargs,
        )

    return make


@pytest.fixture
def task_of():
    def get(plan, number):
        return plan.tasks.select_related("plan", "lead_unit").get(number=number)

    return get


@pytest.fixture
def at():
    """An aware datetime at 10:00 on a date."""
    return lambda y, m, d, h=10: timezone.make_aware(datetime.datetime(y, m, d, h, 0))


@pytest.fixture
def unit():
    from shangwu.organization.models import OrgUnit

    return lambda name: OrgUnit.objects.get(name=name)


@pytest.fixture
def reported_plan(make_plan, unit, at):
    """The small plan with two January reports: task 1 on time (外贸科), task 4 late."""
    from shangwu.tasks import services

    plan = make_plan()
    services.report_submit(
        task=plan.tasks.get(number=1),
        unit=unit("外贸科"),
        cycle=1,
        text="1月",
        actor=None,
        submitted_at=at(2026, 1, 20),
    )
    services.report_submit(
        task=plan.tasks.get(number=4),
        unit=unit("河东区商务局"),
        cycle=1,
        text="1月",
        actor=None,
        submitted_at=at(2026, 1, 28),
    )
    return plan
