"""Moving an org unit to another region, or a region to another parent, re-scopes people: like
an account's role or unit, it waits for the 安全管理员 (三权分立). Other edits save at once."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shangwu.accounts.models import ChangeRequest
from shangwu.audit.models import AuditLog
from shangwu.enterprises.models import Enterprise
from shangwu.organization.models import OrgUnit

pytestmark = pytest.mark.django_db


def unit_form(unit, **fields):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "region": unit.region_id,
        "parent": unit.parent_id or "",
        "sort_order": unit.sort_order,
        **({"is_active": "on"} if unit.is_active else {}),
    }
    data.update(fields)
    return data


def region_form(region, **fields):
    data = {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id or "",
        "sort_order": region.sort_order,
    }
    data.update(fields)
    return data


def test_moving_a_county_bureau_into_another_county_waits_for_the_security_admin(
    as_user,
    sysadmin,
    secadmin,
    county_a,
    make_enterprise,
    region,
):
    make_enterprise(county="419921", name="云水丙商贸有限公司")
    unit = OrgUnit.objects.get(name="河东区商务局")
    response = as_user(sysadmin).post(
        reverse("organization:orgunit_edit", args=[unit.pk]),
        unit_form(unit, short_name="河东局", region=region("419921").pk),
        follow=True,
    )
    page = response.content.decode()
    assert "所属区划须经安全管理员审批后生效" in page
    unit.refresh_from_db()
    assert unit.region.code == "419902" and unit.short_name == "河东局"
    change = ChangeRequest.objects.get(target_orgunit=unit)
    assert change.kind == "orgunit_move" and change.changes_text() == "所属区划：河东区 → 云水县"
    # Until approved the county's officer keeps their scope: nothing of 云水县 is visible.
    assert (
        Enterprise.objects.restrict(county_a, "view").filter(name="云水丙商贸有限公司").count() == 0
    )

    as_user(secadmin).post(
        reverse("accounts:changerequest_approve", args=[change.pk]), {"reason": "区划调整"}
    )
    unit.refresh_from_db()
    county_a.refresh_from_db()
    assert unit.region.code == "419921" and county_a.region.code == "419921"
    assert AuditLog.objects.filter(
        object_type="organization.orgunit",
        object_id=str(unit.pk),
        action="update",
        actor_username="secadmin",
    ).exists()


def test_a_township_moves_to_another_county_with_its_new_code_only_on_approval(
    as_user, sysadmin, secadmin, region
):
    township = region("419902002")
    response = as_user(sysadmin).post(
        reverse("organization:region_edit", args=[township.pk]),
        region_form(township, parent=region("419921").pk, code="419921099"),
    )
    assert response.status_code == 302
    township.refresh_from_db()
    assert township.parent.code == "419902" and township.code == "419902002"
    change = ChangeRequest.objects.get(target_region=township)
    assert change.changes_text() == "上级区划：河东区 → 云水县；区划代码：419902002 → 419921099"
    as_user(secadmin).post(reverse("accounts:changerequest_approve", args=[change.pk]))
    township.refresh_from_db()
    assert township.parent.code == "419921" and township.code == "419921099"


def test_a_region_move_that_breaks_the_tree_is_refused_when_asked(as_user, sysadmin, region):
    township = region("419902002")
    response = as_user(sysadmin).post(
        reverse("organization:region_edit", args=[township.pk]),
        region_form(township, parent=region("419921").pk),
    )
    assert (
        response.status_code == 200
        and "乡镇代码应以所属县区代码 419921 开头" in response.content.decode()
    )
    assert not ChangeRequest.objects.exists()


def test_renaming_a_unit_or_adding_one_saves_at_once(as_user, sysadmin, region):
    unit = OrgUnit.objects.get(name="外贸科")
    as_user(sysadmin).post(
        reverse("organization:orgunit_edit", args=[unit.pk]), unit_form(unit, name="对外贸易科")
    )
    unit.refresh_from_db()
    assert unit.name == "对外贸易科"
    response = as_user(sysadmin).post(
        reverse("organization:orgunit_add"),
        {
            "name": "云水县商务局开发区分局",
            "kind": "county_bureau",
            "region": region("419921").pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert (
        response.status_code == 302
        and OrgUnit.objects.filter(name="云水县商务局开发区分局").exists()
    )
    assert not ChangeRequest.objects.exists()


def test_the_api_files_a_move_as_a_request_and_answers_202(sysadmin, region):
    api = APIClient()
    api.force_authenticate(sysadmin)
    unit = OrgUnit.objects.get(name="河东区商务局")
    response = api.patch(
        f"/api/org-units/{unit.pk}/", {"region": region("419921").pk}, format="json"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["region"] == region("419902").pk and "须经安全管理员审批" in body["detail"]
    change = ChangeRequest.objects.get(pk=body["change_request"]["id"])
    assert change.target_orgunit == unit and change.status == "pending"
    unit.refresh_from_db()
    assert unit.region.code == "419902"

    response = api.patch(f"/api/org-units/{unit.pk}/", {"short_name": "河东局"}, format="json")
    assert response.status_code == 200 and response.json()["short_name"] == "河东局"

    township = region("419902002")
    response = api.patch(
        f"/api/regions/{township.pk}/",
        {"parent": region("419921").pk, "code": "419921099"},
        format="json",
    )
    assert response.status_code == 202
    township.refresh_from_db()
    assert township.parent.code == "419902"
    response = api.patch(
        f"/api/org-units/{unit.pk}/", {"region": region("419921").pk}, format="json"
    )
    assert response.status_code == 400 and "已有待审批的申请" in str(response.json())


def test_a_unit_move_into_a_region_with_a_unit_of_the_same_name_is_refused(
    as_user, sysadmin, region
):
    unit = OrgUnit.objects.get(name="河东区商务局")
    response = as_user(sysadmin).post(
        reverse("organization:orgunit_edit", args=[unit.pk]),
        unit_form(unit, name="云水县商务局", region=region("419921").pk),
    )
    assert response.status_code == 200 and "同一区划内已有同名单位" in response.content.decode()
    assert not ChangeRequest.objects.exists()
