"""One contact base (``core.models.ContactPerson``) for enterprise and project contacts: the same
masked numbers, the same phone rules, one reveal service and one reveal page that names whose
contact it is."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from shangwu.accounts.models import User
from shangwu.audit.models import AuditLog
from shangwu.enterprises.baobao import services as enterprise_services
from shangwu.organization.models import Region
from shangwu.projects import services as project_services
from shangwu.projects.models import ProjectContact

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(city_staff):
    return project_services.project_create(
        actor=city_staff,
        on=datetime.date(2024, 12, 1),
        code="CP-00001",
        name="智能装备产业园项目",
        investor_name="测试投资集团有限公司",
        investor_type="private",
        origin="province",
        origin_place="江苏",
        total_investment=Decimal(1000),
        county=Region.objects.get(code="419902"),
    )


@pytest.fixture
def project_contact(project, city_staff):
    return project_services.project_add_contact(
        project=project,
        actor=city_staff,
        name="钱经理",
        mobile="13812345678",
        landline="0391-5551234",
    )


@pytest.fixture
def enterprise_contact(make_enterprise):
    enterprise = make_enterprise(county="419902", name="河东联系人测试有限公司")
    return enterprise_services.contact_create(
        enterprise=enterprise, actor=None, name="孙主任", position="总经理", mobile="13900001111"
    )


def granted(user, app_label, codename):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    return User.objects.get(pk=user.pk)  # a fresh object: the permission cache is per instance


def test_both_kinds_of_contact_show_their_numbers_masked(project_contact, enterprise_contact):
    assert project_contact.mobile_masked == "138****5678"
    assert project_contact.landline_masked not in ("", "0391-5551234")
    assert enterprise_contact.mobile_masked == "139****1111"
    assert enterprise_contact.landline_masked == ""  # no number, nothing to mask
    assert str(project_contact) == "钱经理（智能装备产业园项目）"
    assert str(enterprise_contact) == "孙主任（河东联系人测试有限公司）"


def test_a_project_contact_with_a_malformed_mobile_is_refused_and_not_saved(project, city_staff):
    with pytest.raises(ValidationError) as refused:
        project_services.project_add_contact(
            project=project, actor=city_staff, name="钱经理", mobile="12345"
        )
    assert refused.value.message_dict["mobile"] == ["手机号应为以1开头的11位数字。"]
    assert not ProjectContact.objects.filter(project=project).exists()


def test_a_permitted_officer_reveals_a_project_number_on_a_page_naming_the_project(
    as_user, city_staff, project_contact
):
    user = granted(city_staff, "projects", "reveal_projectcontact")
    response = as_user(user).post(
        f"/projects/contacts/{project_contact.pk}/reveal/", {"field": "landline"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "0391-5551234" in html and "智能装备产业园项目" in html
    assert ">项目</dt>" in html and "返回项目" in html
    log = AuditLog.objects.get(action="reveal", object_type="projects.projectcontact")
    assert log.detail == "查看项目联系人“钱经理”（智能装备产业园项目）的完整固定电话。"


def test_a_permitted_officer_reveals_an_enterprise_number_on_a_page_naming_the_enterprise(
    as_user, county_a, enterprise_contact
):
    user = granted(county_a, "enterprises", "reveal_contact")
    response = as_user(user).post(
        f"/enterprises/contacts/{enterprise_contact.pk}/reveal/", {"field": "mobile"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "13900001111" in html and "河东联系人测试有限公司" in html
    assert ">企业</dt>" in html and "返回企业" in html
    log = AuditLog.objects.get(action="reveal", object_type="enterprises.contact")
    assert log.detail == "查看联系人“孙主任”（河东联系人测试有限公司）的完整手机号。"


def test_a_project_permission_does_not_reveal_an_enterprise_number(
    as_user, county_a, enterprise_contact
):
    user = granted(county_a, "projects", "reveal_projectcontact")
    response = as_user(user).post(
        f"/enterprises/contacts/{enterprise_contact.pk}/reveal/", {"field": "mobile"}
    )
    assert response.status_code == 403 and "13900001111" not in response.content.decode()
    assert AuditLog.objects.filter(action="denied", object_type="enterprises.contact").exists()
