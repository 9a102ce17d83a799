"""Targets belong to the city: city staff set them (each change a version with who, when, why);
a county officer may only propose a change of their own county's figure; the bulletin says which
version it used."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from docx import Document

from shangwu.indicators import selectors, services
from shangwu.indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTargetProposal,
    IndicatorTargetVersion,
)
from shangwu.organization.models import Region

OCT = datetime.date(2026, 10, 1)


def online_for_hedong(city_staff):
    """河东区's 网络零售额: target 33.3 (set by the city), 1—10月 32.4."""
    online = Indicator.objects.get(code="ONLINE")
    hedong = Region.objects.get(code="419902")
    services.target_set(
        indicator=online, year=2026, region=hedong, value=Decimal("33.3"), actor=city_staff
    )
    services.value_save(
        item=services.ValueInput(indicator=online, region=hedong, cumulative_value=Decimal("32.4")),
        month=OCT,
        actor=city_staff,
    )
    return online, hedong


def completion(user, code="419902"):
    bulletin = selectors.bulletin_build(user=user, month=OCT)
    item = next(i for i in bulletin.indicators if i.indicator.code == "ONLINE")
    return next(r for r in item.rows if r.code == code).completion.text


def test_a_county_officer_changing_their_own_target_makes_a_proposal_not_a_change(
    as_user, city_staff, county_a
):
    online, hedong = online_for_hedong(city_staff)
    client = as_user(county_a)
    page = client.get("/indicators/targets/add/").content.decode()
    assert "申请调整河东区年度目标" in page and 'name="region"' not in page
    response = client.post(
        "/indicators/targets/add/",
        {"indicator": online.pk, "year": 2026, "value": "20", "reason": ""},
    )
    assert "This field is required" not in response.content.decode()
    assert "调整理由" in response.content.decode() and not IndicatorTargetProposal.objects.exists()
    response = client.post(
        "/indicators/targets/add/",
        {"indicator": online.pk, "year": 2026, "value": "20", "reason": "受平台企业外迁影响"},
    )
    assert response.status_code == 302
    assert IndicatorTarget.objects.get(indicator=online, region=hedong, year=2026).value == Decimal(
        "33.3"
    )
    proposal = IndicatorTargetProposal.objects.get()
    assert (proposal.status, proposal.value, proposal.current_value) == (
        "pending",
        Decimal("20"),
        Decimal("33.3"),
    )
    assert proposal.proposed_by == county_a and proposal.reason == "受平台企业外迁影响"
    # Still 32.4 ÷ 33.3, not 32.4 ÷ 20 = 162 %.
    assert completion(county_a) == "97.3"


def test_the_api_refuses_a_county_officers_target_change_and_takes_a_proposal(
    as_user, city_staff, county_a
):
    online, hedong = online_for_hedong(city_staff)
    target = IndicatorTarget.objects.get(indicator=online, region=hedong, year=2026)
    client = as_user(county_a)
    response = client.patch(
        f"/api/indicator-targets/{target.pk}/",
        {"value": "20", "reason": "想改"},
        content_type="application/json",
    )
    assert response.status_code == 403 and "调整申请" in response.json()["detail"]
    target.refresh_from_db()
    assert target.value == Decimal("33.3")
    response = client.post(
        "/api/indicator-target-proposals/",
        {"indicator": online.pk, "year": 2026, "value": "20", "reason": "平台企业外迁"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["region"] == hedong.pk and response.json()["status"] == "pending"
    # The proposer cannot approve it.
    pk = response.json()["id"]
    assert client.post(f"/api/indicator-target-proposals/{pk}/approve/").status_code == 403
    assert (
        as_user(city_staff).post(f"/api/indicator-target-proposals/{pk}/refuse/").status_code == 400
    )
    response = as_user(city_staff).post(
        f"/api/indicator-target-proposals/{pk}/refuse/",
        {"reason": "全市目标不变，请挖掘潜力"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "refused"
    assert IndicatorTarget.objects.get(pk=target.pk).value == Decimal("33.3")


def test_city_staff_approve_a_proposal_and_the_bulletin_names_the_new_version(
    as_user, city_staff, county_a
):
    online, hedong = online_for_hedong(city_staff)
    proposal = services.target_propose(
        indicator=online,
        year=2026,
        region=hedong,
        value=Decimal("30"),
        reason="平台企业外迁",
        actor=county_a,
    )
    client = as_user(city_staff)
    page = client.get(f"/indicators/targets/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="decision-form"' in page
    response = client.post(
        f"/indicators/targets/proposals/{proposal.pk}/decide/",
        {"decision": "approve", "reason": "同意，全市目标另行平衡"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.decided_by == city_staff
    assert IndicatorTarget.objects.get(indicator=online, region=hedong, year=2026).value == 30
    version = IndicatorTargetVersion.objects.filter(year=2026).order_by("-number").first()
    assert proposal.version == version
    assert (version.old_value, version.value, version.actor) == (Decimal("33.3"), 30, city_staff)
    assert "平台企业外迁" in version.reason
    assert completion(city_staff) == "108.0"
    label = f"2026年第{version.number}版"
    assert label in client.get("/indicators/?month=2026-10").content.decode()
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get("/indicators/bulletin.xlsx?month=2026-10").content)
    )
    assert any(label in str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    doc = Document(io.BytesIO(client.get("/indicators/bulletin.docx?month=2026-10").content))
    assert any(label in p.text for p in doc.paragraphs)
    versions = client.get("/indicators/targets/versions/?year=2026").content.decode()
    assert "同意，全市目标另行平衡" in versions and "33.3" in versions


def test_city_staff_change_a_target_only_with_a_reason_and_each_version_is_kept(
    as_user, city_staff
):
    online, hedong = online_for_hedong(city_staff)
    client = as_user(city_staff)
    data = {"indicator": online.pk, "year": 2026, "region": hedong.pk, "value": "35", "note": ""}
    response = client.post("/indicators/targets/add/", data)
    assert response.status_code == 200 and "调整须填写调整原因" in response.content.decode()
    response = client.post("/indicators/targets/add/", {**data, "reason": "省厅调高任务"})
    assert response.status_code == 302
    versions = list(IndicatorTargetVersion.objects.filter(indicator=online, region=hedong))
    assert [(v.old_value, v.value, v.reason) for v in versions] == [
        (Decimal("33.3"), 35, "省厅调高任务"),
        (None, Decimal("33.3"), "下达年度目标"),
    ]


def test_proposals_stay_in_the_county_and_townships_get_no_target_form(
    as_user, city_staff, county_a, county_b, township_a1
):
    online, hedong = online_for_hedong(city_staff)
    proposal = services.target_propose(
        indicator=online,
        year=2026,
        region=hedong,
        value=Decimal("30"),
        reason="理由",
        actor=county_a,
    )
    assert as_user(county_b).get(f"/indicators/targets/proposals/{proposal.pk}/").status_code == 404
    assert as_user(township_a1).get("/indicators/targets/add/").status_code == 403
    assert (
        "decision-form"
        not in as_user(county_a)
        .get(f"/indicators/targets/proposals/{proposal.pk}/")
        .content.decode()
    )


def test_the_workbench_card_tells_city_staff_a_proposal_waits(city_staff, county_a):
    online, hedong = online_for_hedong(city_staff)
    services.target_propose(
        indicator=online,
        year=2026,
        region=hedong,
        value=Decimal("30"),
        reason="理由",
        actor=county_a,
    )
    # A figure (indicators.proposals_pending) whose link lists the proposals waiting.
    cells = selectors.indicator_dashboard_panel(user=city_staff)["figures"]
    cell = next(c for c in cells if c["key"] == "indicators.proposals_pending")
    assert cell["label"] == "待审核的目标调整申请" and cell["display"] == "1项"
    assert cell["url"] == "/indicators/targets/proposals/?status=pending"


def test_a_township_officer_is_offered_no_target_form(as_user, township_a1, county_a):
    assert (
        "/indicators/targets/add/"
        not in as_user(township_a1).get("/indicators/targets/").content.decode()
    )
    assert (
        "/indicators/targets/add/" in as_user(county_a).get("/indicators/targets/").content.decode()
    )


def test_targets_issued_in_one_act_are_one_version_and_the_bulletin_prints_its_first(
    as_user, city_staff
):
    online = Indicator.objects.get(code="ONLINE")
    hedong, yunshui = Region.objects.get(code="419902"), Region.objects.get(code="419921")
    services.target_set_many(
        year=2026,
        rows=[(online, hedong, Decimal("33.3"), ""), (online, yunshui, Decimal("12"), "")],
        actor=city_staff,
    )
    numbers = set(IndicatorTargetVersion.objects.filter(year=2026).values_list("number", flat=True))
    assert numbers == {1}
    assert "2026年第1版" in selectors.target_version_text(year=2026)
    # An adjustment is the next version, and a batch with one bad row saves nothing.
    services.target_set(
        indicator=online,
        year=2026,
        region=yunshui,
        value=Decimal("11"),
        reason="省厅调减任务",
        actor=city_staff,
    )
    assert "2026年第2版" in selectors.target_version_text(year=2026)
    with pytest.raises(ValidationError, match="云水县网络零售额：年度目标须为不小于0的数"):
        services.target_set_many(
            year=2026,
            rows=[(online, hedong, Decimal("40"), ""), (online, yunshui, Decimal("-1"), "")],
            reason="再次调整",
            actor=city_staff,
        )
    assert IndicatorTarget.objects.get(indicator=online, region=hedong, year=2026).value == Decimal(
        "33.3"
    )
    assert IndicatorTargetVersion.objects.filter(year=2026).count() == 3
