"""Every list and export shows a moment in Beijing time as 2026-12-07 16:42:40 (the shared
table and export code, core.tables / core.exports; the database keeps UTC)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from shangwu.core.exports import xlsx_bytes
from shangwu.core.tables import Column

pytestmark = pytest.mark.django_db
MOMENT = datetime.datetime(2026, 12, 7, 8, 42, 40, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def value(city_staff):
    from shangwu.indicators import services
    from shangwu.indicators.models import Indicator, IndicatorValue
    from shangwu.organization.models import Region

    services.value_save(
        item=services.ValueInput(
            indicator=Indicator.objects.get(code="RETAIL"),
            region=Region.objects.get(code="419902"),
            cumulative_value=Decimal("40"),
        ),
        month=datetime.date(2026, 5, 1),
        actor=city_staff,
    )
    return IndicatorValue.objects.get(indicator__code="RETAIL", month=datetime.date(2026, 5, 1))


def test_a_list_page_shows_its_moments_in_beijing_time(as_user, city_staff, value):
    page = as_user(city_staff).get("/indicators/values/", {"month": "2026-05-01"}).content.decode()
    shown = timezone.localtime(value.updated_at).strftime("%Y-%m-%d %H:%M:%S")
    assert f'<td><span class="moment">{shown}</span></td>' in page
    assert "+00:00" not in page


def test_an_export_writes_its_moments_in_beijing_time(as_user, city_staff, value):
    response = as_user(city_staff).get("/indicators/values/export/", {"month": "2026-05-01"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    column = headers.index("修改时间")
    assert sheet.cell(row=2, column=column + 1).value == timezone.localtime(
        value.updated_at
    ).strftime("%Y-%m-%d %H:%M:%S")


def test_the_shared_column_and_workbook_convert_utc_to_beijing():
    class Row:
        at = MOMENT

    assert Column("at", "时间").html(Row()) == '<span class="moment">2026-12-07 16:42:40</span>'
    sheet = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes(sheet="s", headers=["时间"], rows=[[MOMENT]]))
    ).active
    assert sheet["A2"].value == "2026-12-07 16:42:40"


SHOWN = "2026-12-07 16:42:40"  # MOMENT (08:42:40 UTC) in Beijing time, the one format


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_detail_page_of_each_app_shows_a_utc_moment_in_beijing_time_in_one_format(
    as_user, city_staff, county_a, value, make_enterprise
):
    from shangwu.accounts.models import ApiToken
    from shangwu.accounts.services import token_create
    from shangwu.cases import services as cases
    from shangwu.cases.models import CaseCategory, CaseEvent
    from shangwu.enterprises.models import EnterpriseEvent
    from shangwu.indicators import services as indicators
    from shangwu.indicators.models import IndicatorValueRevision
    from shangwu.organization.models import Region
    from shangwu.projects import services as projects
    from shangwu.projects.models import ProjectEvent
    from shangwu.tasks import parser
    from shangwu.tasks import services as tasks
    from shangwu.tasks.models import TaskEvent

    client = as_user(city_staff)
    county = Region.objects.get(code="419902")
    enterprise = make_enterprise()
    EnterpriseEvent.objects.create(enterprise=enterprise, kind="created", note="登记")
    case = cases.case_register(
        actor=county_a,
        source="mailbox",
        kind="ordinary",
        title="来信",
        content="内容",
        category=CaseCategory.objects.get(name="融资"),
        county=county,
    )
    project = projects.project_create(
        actor=city_staff,
        on=datetime.date(2026, 12, 1),
        code="T-DT-1",
        name="测试项目",
        investor_name="测试投资集团有限公司",
        investor_type="private",
        origin="province",
        origin_place="江苏",
        total_investment=Decimal(1000),
        county=county,
    )
    indicators.value_save(
        item=indicators.ValueInput(
            indicator=value.indicator, region=value.region, cumulative_value=Decimal("41")
        ),
        month=value.month,
        reason="统计局反馈修订",
        actor=city_staff,
    )
    text = "2026年工作要点\n一、稳外贸。\n1．走访外贸企业。（牵头单位：外贸科；完成时限：2026年12月底）\n"
    plan = tasks.plan_import(
        title="2026年工作要点",
        year=2026,
        actor=city_staff,
        cycle="monthly",
        due_day=25,
        tree=parser.parse_text(text, year=2026, unit_names=tasks.unit_names()),
    )
    token_create(user=city_staff, actor=city_staff, name="测试")
    for model in (EnterpriseEvent, CaseEvent, ProjectEvent, IndicatorValueRevision, TaskEvent):
        assert model.objects.update(at=MOMENT)
    ApiToken.objects.update(created_at=MOMENT)

    for url in (
        f"/enterprises/{enterprise.pk}/",
        f"/cases/{case.pk}/",
        f"/projects/{project.pk}/",
        f"/indicators/values/{value.pk}/",
        f"/tasks/{plan.tasks.get().pk}/",
        "/accounts/tokens/",
    ):
        page = _page(client if "/cases/" not in url else as_user(county_a), url)
        assert SHOWN in page, url
        assert "2026-12-07 08:42" not in page and "2026年12月7日 16:42" not in page, url
