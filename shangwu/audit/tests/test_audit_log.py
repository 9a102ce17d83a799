"""The audit log: one row per kind of event; append-only; only the 审计管理员 reads it."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from shangwu.audit.models import AppendOnlyError, AuditLog
from shangwu.organization.models import OrgUnit, Region

pytestmark = pytest.mark.django_db
PASSWORD = "Shangwu@2026demo"


def latest(action):
    return AuditLog.objects.filter(action=action).order_by("-id").first()


def test_creating_a_configuration_record_writes_a_create_row_with_after_values(as_user, sysadmin):
    city = Region.objects.get(code="419900")
    response = as_user(sysadmin).post(
        reverse("organization:orgunit_add"),
        {
            "name": "口岸办",
            "short_name": "口岸办",
            "kind": "department",
            "region": city.pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    row = latest("create")
    assert row.object_type == "organization.orgunit" and row.actor_username == "sysadmin"
    assert row.changes["after"]["name"] == "口岸办" and row.request_id and row.ip == "127.0.0.1"


def test_update_row_holds_before_and_after_of_changed_fields_only(as_user, sysadmin):
    unit = OrgUnit.objects.get(name="外贸科")
    as_user(sysadmin).post(
        reverse("organization:orgunit_edit", args=[unit.pk]),
        {
            "name": "外贸科",
            "short_name": "外贸",
            "kind": "department",
            "region": unit.region_id,
            "parent": unit.parent_id,
            "sort_order": unit.sort_order,
            "is_active": "on",
        },
    )
    row = latest("update")
    assert row.changes == {"before": {"short_name": "外贸科"}, "after": {"short_name": "外贸"}}


def test_delete_row_keeps_the_deleted_values(as_user, sysadmin):
    city = Region.objects.get(code="419900")
    unit = OrgUnit.objects.create(name="临时专班", kind="department", region=city)
    as_user(sysadmin).post(reverse("organization:orgunit_delete", args=[unit.pk]))
    row = latest("delete")
    assert row.changes["before"]["name"] == "临时专班" and row.changes["after"] is None


def test_login_logout_and_failed_login_are_recorded(client, county_a):
    client.post(reverse("accounts:login"), {"username": "county_a", "password": "wrong-password"})
    assert latest("login_failed").actor_username == "county_a"
    client.post(reverse("accounts:login"), {"username": "county_a", "password": PASSWORD})
    assert latest("login").actor_username == "county_a"
    client.post(reverse("accounts:logout"))
    assert latest("logout").actor_username == "county_a"


def test_lockout_is_recorded(client, county_b):
    for _ in range(5):
        client.post(
            reverse("accounts:login"), {"username": "county_b", "password": "wrong-password"}
        )
    assert latest("lockout").actor_username == "county_b"


def test_export_and_scope_denial_are_recorded(as_user, county_a, make_enterprise):
    other = make_enterprise(county="419921")
    client = as_user(county_a)
    client.get(reverse("enterprises:enterprise_export"))
    assert latest("export").actor_username == "county_a"
    client.get(reverse("enterprises:enterprise_detail", args=[other.pk]))
    assert latest("denied").object_id == str(other.pk)


def test_rows_survive_the_user_being_deleted(as_user, sysadmin):
    from shangwu.accounts.models import User

    temp = User.objects.create(
        username="temp_user",
        name="临时",
        role="city_staff",
        org_unit=OrgUnit.objects.get(name="外贸科"),
    )
    from shangwu.audit.services import audit_write

    audit_write(action="login", obj=temp, actor=temp)
    temp.delete()
    row = AuditLog.objects.filter(actor_username="temp_user").get()
    assert row.actor_name == "临时"


def test_orm_cannot_edit_or_delete_audit_rows(sysadmin):
    from shangwu.audit.services import audit_write

    row = audit_write(action="login", obj=sysadmin, actor=sysadmin)
    row.detail = "篡改"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).update(detail="篡改")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).delete()


def test_database_refuses_raw_update_and_delete_of_recent_rows(sysadmin):
    from shangwu.audit.services import audit_write

    row = audit_write(action="login", obj=sysadmin, actor=sysadmin)
    table = AuditLog._meta.db_table
    for sql in (
        f"UPDATE {table} SET detail = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).detail == ""


def test_prune_refuses_retention_under_180_days():
    with pytest.raises(CommandError, match="180"):
        call_command("prune_audit", "--days", "90")


def test_prune_removes_only_rows_past_retention(sysadmin):
    from shangwu.audit.services import audit_write

    recent = audit_write(action="login", obj=sysadmin, actor=sysadmin)
    call_command("prune_audit", "--days", "180")
    assert AuditLog.objects.filter(pk=recent.pk).exists()
    assert latest("prune") is not None


def test_only_the_auditor_reads_the_audit_log(as_user, auditor, sysadmin, secadmin, leader):
    url = reverse("audit:auditlog_list")
    assert as_user(auditor).get(url).status_code == 200
    for user in (sysadmin, secadmin, leader):
        assert as_user(user).get(url).status_code == 403


def test_auditor_filters_and_exports_the_log(as_user, auditor, county_a):
    from shangwu.audit.services import audit_write

    audit_write(action="login", obj=county_a, actor=county_a)
    client = as_user(auditor)
    response = client.get(
        reverse("audit:auditlog_list"), {"action": "login", "actor_username": "county_a"}
    )
    rows = list(response.context["table"].rows())
    assert rows and all(
        obj.actor_username == "county_a" and obj.action == "login" for obj, _ in rows
    )
    export = client.get(reverse("audit:auditlog_export"), {"action": "login"})
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )


def test_there_is_no_url_to_edit_or_delete_audit_rows(as_user, auditor):
    from shangwu.audit.services import audit_write

    row = audit_write(action="login", obj=auditor, actor=auditor)
    client = as_user(auditor)
    assert (
        client.post(reverse("audit:auditlog_detail", args=[row.pk]), {"detail": "x"}).status_code
        == 405
    )
    assert client.get(f"/audit/{row.pk}/delete/").status_code == 404
    assert AuditLog.objects.get(pk=row.pk).detail == ""
