"""三权分立 that cannot be bypassed: the 系统管理员 asks, the 安全管理员 decides, nobody decides
their own request or changes their own role, and a new account's initial password is shown once
to the one who asked for it."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from shangwu.accounts import services
from shangwu.accounts.models import ChangeRequest, User
from shangwu.audit.models import AuditLog
from shangwu.core.navigation import menu_for
from shangwu.organization.models import OrgUnit

pytestmark = pytest.mark.django_db
PASSWORD = "Shangwu@2026demo"


def sign_in(username, password=PASSWORD) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client, response


def request_new_account(
    client, *, username="zhang_new", role="leader", unit="云河市商务局", **extra
):
    response = client.post(
        reverse("accounts:user_add"),
        {
            "username": username,
            "name": "张新",
            "role": role,
            "org_unit": OrgUnit.objects.get(name=unit).pk,
            "position": "副局长",
            "mobile": "13900001111",
            "note": "新任副局长",
            **extra,
        },
    )
    return response


def approve(client, change, reason=""):
    return client.post(
        reverse("accounts:changerequest_approve", args=[change.pk]), {"reason": reason}
    )


def reveal(client, change):
    return client.post(reverse("accounts:changerequest_password", args=[change.pk]))


def shown_password(response) -> str:
    match = re.search(
        r'data-testid="initial-password">.*?<div class="font-monospace[^"]*">([^<]+)</div>',
        response.content.decode(),
        re.S,
    )
    assert match, "no initial password on the page"
    return match.group(1).strip()


# --- a new account --------------------------------------------------------------------------


def test_the_new_account_form_asks_for_no_password(as_user, sysadmin):
    page = as_user(sysadmin).get(reverse("accounts:user_add")).content.decode()
    assert 'type="password"' not in page and "初始密码" in page  # the help text says how it comes
    assert "须经安全管理员审批后生效" in page


def test_a_new_account_is_only_a_request_until_the_security_admin_approves(as_user, sysadmin):
    response = request_new_account(as_user(sysadmin), password="Typed#Pass2026")
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == change.get_absolute_url()
    assert not User.objects.filter(username="zhang_new").exists()
    assert (
        change.status == "pending" and change.requester == sysadmin and change.kind == "user_create"
    )
    assert change.changes_text().startswith(
        "用户名：zhang_new；姓名：张新；角色：局领导；所属单位：云河市商务局"
    )
    assert AuditLog.objects.filter(
        action="create",
        object_type="accounts.changerequest",
        object_id=str(change.pk),
        actor_username="sysadmin",
    ).exists()
    client, _ = sign_in("zhang_new", "Typed#Pass2026")  # a password typed anyway is not used
    assert "_auth_user_id" not in client.session


def test_sysadmin_cannot_create_a_leader_and_sign_in_as_it_without_the_security_admin(
    as_user, sysadmin
):
    client = as_user(sysadmin)
    request_new_account(client)
    change = ChangeRequest.objects.get()
    assert approve(client, change).status_code == 403  # the sysadmin has no approval grant
    assert reveal(client, change).status_code == 302  # refused: nothing approved, nothing to show
    with pytest.raises(PermissionDenied):
        services.change_request_approve(change=change, actor=sysadmin)
    change.refresh_from_db()
    assert change.status == "pending" and not User.objects.filter(username="zhang_new").exists()


def test_security_admin_approves_and_the_requester_sees_the_password_once_and_it_must_be_changed(
    as_user,
    sysadmin,
    secadmin,
):
    sys_client, sec_client = as_user(sysadmin), as_user(secadmin)
    request_new_account(sys_client)
    change = ChangeRequest.objects.get()

    queue = sec_client.get(reverse("accounts:changerequest_list")).content.decode()
    assert "张新（zhang_new）" in queue and "待审批" in queue and "角色：局领导" in queue
    page = sec_client.get(change.get_absolute_url()).content.decode()
    assert "批准" in page and "拒绝" in page and "局领导" in page

    response = approve(sec_client, change, reason="经局党组研究同意")
    assert response.status_code == 302
    change.refresh_from_db()
    new = User.objects.get(username="zhang_new")
    assert (
        change.status == "approved" and change.decided_by == secadmin and change.target_user == new
    )
    assert new.role == "leader" and new.must_change_password and not new.has_usable_password()
    assert (
        "初始密码"
        not in sec_client.get(change.get_absolute_url()).content.decode().split("变更内容")[1]
    )
    assert reveal(sec_client, change).status_code == 302  # only the requester gets it
    assert not User.objects.get(pk=new.pk).has_usable_password()

    detail = sys_client.get(change.get_absolute_url()).content.decode()
    assert "生成并显示初始密码（仅显示一次）" in detail
    response = reveal(sys_client, change)
    password = shown_password(response)
    assert response["Cache-Control"] == "no-store"
    assert len(password) >= 16

    again = sys_client.post(
        reverse("accounts:changerequest_password", args=[change.pk]), follow=True
    )
    assert (
        password not in again.content.decode() and "初始密码已显示过一次" in again.content.decode()
    )
    assert password not in sys_client.get(change.get_absolute_url()).content.decode()
    # Only the hash is kept: not in the request, not in the audit log.
    stored = json.dumps(list(ChangeRequest.objects.values()), default=str, ensure_ascii=False)
    assert password not in stored
    assert not any(
        password in json.dumps(row.changes or {}, ensure_ascii=False) + row.detail
        for row in AuditLog.objects.all()
    )

    client, response = sign_in("zhang_new", password)
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard"))["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Yunhe#Leader2027",
            "new_password2": "Yunhe#Leader2027",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 200


def test_the_generated_password_meets_a_stricter_policy():
    from shangwu.accounts.models import SecurityPolicy
    from shangwu.accounts.validators import character_classes

    SecurityPolicy.objects.create(password_min_length=20, password_min_classes=4)
    password = services.password_generate()
    assert len(password) >= 20 and character_classes(password) == 4


def test_refusal_needs_a_reason_and_changes_nothing(as_user, sysadmin, secadmin):
    request_new_account(as_user(sysadmin))
    change = ChangeRequest.objects.get()
    client = as_user(secadmin)
    response = client.post(
        reverse("accounts:changerequest_reject", args=[change.pk]), {"reason": "  "}
    )
    assert response.status_code == 400 and "拒绝申请须填写理由" in response.content.decode()
    change.refresh_from_db()
    assert change.status == "pending"
    response = client.post(
        reverse("accounts:changerequest_reject", args=[change.pk]), {"reason": "编制未核准"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert (
        change.status == "rejected"
        and change.reason == "编制未核准"
        and change.decided_by == secadmin
    )
    assert not User.objects.filter(username="zhang_new").exists()
    row = AuditLog.objects.get(
        object_type="accounts.changerequest", object_id=str(change.pk), action="update"
    )
    assert row.actor_username == "secadmin" and "编制未核准" in row.detail
    assert row.changes["after"]["status"] == "rejected"
    page = as_user(sysadmin).get(change.get_absolute_url()).content.decode()
    assert "已拒绝" in page and "编制未核准" in page and "生成并显示初始密码" not in page
    assert approve(client, change).status_code == 400  # decided once, not again


def test_a_username_already_requested_is_refused(as_user, sysadmin):
    client = as_user(sysadmin)
    request_new_account(client)
    response = request_new_account(client)
    assert response.status_code == 200 and "已在待审批的申请" in response.content.decode()
    assert ChangeRequest.objects.count() == 1


def test_a_county_role_in_a_city_unit_is_refused_when_requested(as_user, sysadmin):
    response = request_new_account(
        as_user(sysadmin), username="wrong", role="county_staff", unit="外贸科"
    )
    assert response.status_code == 200 and "县区人员应属于县区级单位" in response.content.decode()
    assert not ChangeRequest.objects.exists()


# --- changing an account ----------------------------------------------------------------------


def edit(client, user, **fields):
    data = {
        "name": user.name,
        "role": user.role,
        "org_unit": user.org_unit_id,
        "position": user.position,
        "mobile": user.mobile,
        **({"is_active": "on"} if user.is_active else {}),
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("accounts:user_edit", args=[user.pk]), data)


def test_moving_an_account_to_another_county_waits_for_approval_while_its_name_saves_at_once(
    as_user,
    sysadmin,
    secadmin,
    county_a,
):
    county_b_unit = OrgUnit.objects.get(name="云水县商务局")
    response = edit(as_user(sysadmin), county_a, name="刘洋洋", org_unit=county_b_unit.pk)
    assert response.status_code == 302
    county_a.refresh_from_db()
    assert county_a.name == "刘洋洋" and county_a.org_unit.name == "河东区商务局"
    change = ChangeRequest.objects.get(target_user=county_a)
    assert change.changes == [
        {
            "field": "org_unit",
            "label": "所属单位",
            "old": county_a.org_unit_id,
            "new": county_b_unit.pk,
            "old_display": "河东区商务局（河东区）",
            "new_display": "云水县商务局（云水县）",
        }
    ]
    approve(as_user(secadmin), change)
    county_a.refresh_from_db()
    assert county_a.org_unit == county_b_unit
    row = AuditLog.objects.get(
        object_type="accounts.user",
        object_id=str(county_a.pk),
        action="update",
        changes__after__org_unit=county_b_unit.pk,
    )
    assert row.request_id


def test_deactivating_an_account_waits_for_approval(as_user, sysadmin, secadmin, county_b):
    edit(as_user(sysadmin), county_b, is_active=None)
    county_b.refresh_from_db()
    assert county_b.is_active
    change = ChangeRequest.objects.get(target_user=county_b)
    assert change.changes_text() == "启用：是 → 否"
    approve(as_user(secadmin), change)
    county_b.refresh_from_db()
    assert not county_b.is_active


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("role", "leader", "不能修改本人的角色"),
        ("org_unit", "外贸科", "不能修改本人的所属单位"),
        ("is_active", None, "不能修改本人的启用"),
    ],
)
def test_nobody_changes_their_own_role_unit_or_active_flag(
    as_user, sysadmin, field, value, message
):
    if field == "org_unit":
        value = OrgUnit.objects.get(name=value).pk
    response = edit(as_user(sysadmin), sysadmin, **{field: value})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ChangeRequest.objects.exists()
    with pytest.raises(ValidationError, match=message):
        services.user_update(
            user=sysadmin, data={field: value if value is not None else False}, actor=sysadmin
        )


def test_an_admin_may_change_their_own_name_directly(as_user, sysadmin):
    assert edit(as_user(sysadmin), sysadmin, name="郑一鸣（信息中心）").status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.name == "郑一鸣（信息中心）" and not ChangeRequest.objects.exists()


def test_one_open_request_per_account(as_user, sysadmin, county_a):
    client = as_user(sysadmin)
    edit(client, county_a, role="county_staff", is_active=None)
    response = edit(client, county_a, org_unit=OrgUnit.objects.get(name="云水县商务局").pk)
    assert response.status_code == 200 and "已有待审批的申请" in response.content.decode()
    assert ChangeRequest.objects.count() == 1


def test_a_request_made_stale_by_another_change_is_refused_at_approval(
    as_user, sysadmin, secadmin, county_a
):
    edit(
        as_user(sysadmin),
        county_a,
        role="city_staff",
        org_unit=OrgUnit.objects.get(name="外贸科").pk,
    )
    change = ChangeRequest.objects.get()
    User.objects.filter(pk=county_a.pk).update(
        role="township_staff"
    )  # changed by another path meanwhile
    response = approve(as_user(secadmin), change)
    assert response.status_code == 400 and "不再是申请中的原值" in response.content.decode()
    change.refresh_from_db()
    county_a.refresh_from_db()
    assert change.status == "pending" and county_a.org_unit.name == "河东区商务局"


# --- who may decide ---------------------------------------------------------------------------


def test_nobody_approves_their_own_request(secadmin, county_a):
    change = ChangeRequest.objects.create(
        kind="user_change", requester=secadmin, target_user=county_a, target_repr="刘洋", changes=[]
    )
    with pytest.raises(ValidationError, match="不能审批本人提交的申请"):
        services.change_request_approve(change=change, actor=secadmin)
    with pytest.raises(ValidationError, match="不能审批本人提交的申请"):
        services.change_request_reject(change=change, actor=secadmin, reason="自己拒绝")


def test_the_security_admin_cannot_approve_a_change_to_their_own_account(
    as_user, sysadmin, secadmin
):
    edit(
        as_user(sysadmin),
        secadmin,
        role="leader",
        org_unit=OrgUnit.objects.get(name="云河市商务局").pk,
    )
    change = ChangeRequest.objects.get(target_user=secadmin)
    page = as_user(secadmin).get(change.get_absolute_url()).content.decode()
    assert reverse("accounts:changerequest_approve", args=[change.pk]) not in page
    response = approve(as_user(secadmin), change)
    assert response.status_code == 400 and "不能审批涉及本人账号的申请" in response.content.decode()
    secadmin.refresh_from_db()
    assert secadmin.role == "secadmin"


def test_an_account_whose_password_the_requester_obtained_cannot_approve_their_requests(
    as_user,
    sysadmin,
    secadmin,
    county_a,
):
    """Otherwise the 系统管理员 asks for a second 安全管理员, is handed its password, and from then
    on approves their own requests with it."""
    sys_client = as_user(sysadmin)
    request_new_account(sys_client, username="sec2", role="secadmin", unit="信息中心")
    first = ChangeRequest.objects.get()
    approve(as_user(secadmin), first)
    shown_password(reveal(sys_client, first))
    edit(sys_client, county_a, role="leader", org_unit=OrgUnit.objects.get(name="云河市商务局").pk)
    second = ChangeRequest.objects.get(target_user=county_a)
    with pytest.raises(ValidationError, match="不能审批其申请"):
        services.change_request_approve(change=second, actor=User.objects.get(username="sec2"))
    county_a.refresh_from_db()
    assert county_a.role == "county_staff"


def test_the_secadmin_cannot_file_requests_and_the_auditor_sees_no_queue(
    as_user, secadmin, auditor
):
    assert request_new_account(as_user(secadmin)).status_code == 403
    assert as_user(auditor).get(reverse("accounts:changerequest_list")).status_code == 403


# --- password reset ---------------------------------------------------------------------------


def test_a_password_reset_waits_for_approval_and_the_new_password_is_shown_once(
    as_user,
    sysadmin,
    secadmin,
    county_a,
):
    sys_client = as_user(sysadmin)
    response = sys_client.post(reverse("accounts:user_password_reset", args=[county_a.pk]))
    change = ChangeRequest.objects.get()
    assert response["Location"] == change.get_absolute_url() and change.kind == "password_reset"
    assert "_auth_user_id" in sign_in("county_a")[0].session  # the old password still works

    approve(as_user(secadmin), change)
    assert "_auth_user_id" not in sign_in("county_a")[0].session  # and now it does not
    password = shown_password(reveal(sys_client, change))
    county_a.refresh_from_db()
    assert county_a.check_password(password) and county_a.must_change_password
    assert (
        AuditLog.objects.filter(action="password_change", object_id=str(county_a.pk)).count() == 2
    )


def test_nobody_resets_their_own_password_through_a_request(as_user, sysadmin):
    page = (
        as_user(sysadmin).get(reverse("accounts:user_detail", args=[sysadmin.pk])).content.decode()
    )
    assert "申请重置密码" not in page
    response = as_user(sysadmin).post(
        reverse("accounts:user_password_reset", args=[sysadmin.pk]), follow=True
    )
    assert "不能为本人申请重置密码" in response.content.decode()
    assert not ChangeRequest.objects.exists()


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_is_in_the_menu_of_both_account_admins_only(sysadmin, secadmin, auditor, leader):
    def labels(user):
        return [item["label"] for _group, items in menu_for(user) for item in items]

    assert "变更审批" in labels(sysadmin) and "变更审批" in labels(secadmin)
    assert "变更审批" not in labels(auditor) and "变更审批" not in labels(leader)


def test_a_sysadmin_sees_only_their_own_requests_and_their_status(
    as_user, sysadmin, secadmin, county_a
):
    other = services.user_bootstrap(
        username="sysadmin2",
        name="钱二",
        role="sysadmin",
        org_unit=sysadmin.org_unit,
        password="Other#Admin2026x",
    )
    services.change_request_password_reset(user=county_a, actor=other)
    request_new_account(as_user(sysadmin))
    mine = ChangeRequest.objects.get(requester=sysadmin)
    page = as_user(sysadmin).get(reverse("accounts:changerequest_list")).content.decode()
    assert "张新（zhang_new）" in page and "刘洋（county_a）" not in page and "待审批" in page
    assert (
        as_user(sysadmin)
        .get(ChangeRequest.objects.get(requester=other).get_absolute_url())
        .status_code
        == 404
    )
    as_user(secadmin).post(
        reverse("accounts:changerequest_reject", args=[mine.pk]), {"reason": "重复"}
    )
    assert (
        "已拒绝" in as_user(sysadmin).get(reverse("accounts:changerequest_list")).content.decode()
    )
    assert (
        "刘洋（county_a）"
        in as_user(secadmin).get(reverse("accounts:changerequest_list")).content.decode()
    )


def test_approval_writes_both_steps_to_the_audit_log(as_user, sysadmin, secadmin):
    request_new_account(as_user(sysadmin))
    change = ChangeRequest.objects.get()
    approve(as_user(secadmin), change, reason="同意")
    rows = AuditLog.objects.filter(
        object_type="accounts.changerequest", object_id=str(change.pk)
    ).order_by("id")
    assert [(r.action, r.actor_username) for r in rows] == [
        ("create", "sysadmin"),
        ("update", "secadmin"),
    ]
    assert rows[1].changes["after"]["status"] == "approved" and "角色：局领导" in rows[1].detail
    new = User.objects.get(username="zhang_new")
    created = AuditLog.objects.get(
        object_type="accounts.user", object_id=str(new.pk), action="create"
    )
    assert created.actor_username == "secadmin" and created.request_id == rows[1].request_id


def test_a_requested_mobile_number_is_masked_on_the_pages_and_in_the_audit_log(
    as_user, sysadmin, secadmin
):
    request_new_account(as_user(sysadmin))
    change = ChangeRequest.objects.get()
    for client in (as_user(sysadmin), as_user(secadmin)):
        page = client.get(change.get_absolute_url()).content.decode()
        assert "139****1111" in page and "13900001111" not in page
    row = AuditLog.objects.get(object_type="accounts.changerequest", action="create")
    assert "13900001111" not in json.dumps(row.changes, ensure_ascii=False) + row.detail
    approve(as_user(secadmin), change)
    assert User.objects.get(username="zhang_new").mobile == "13900001111"
