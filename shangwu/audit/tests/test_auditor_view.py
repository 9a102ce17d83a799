"""What the 审计管理员 reads (issue 15 §4): who changed which fields of which record, when (Beijing
time) and from where. Field names, choice values and record types in Chinese; business records
show which fields changed but never their values (「已修改」), in the page and in the export;
configuration, account and security records show full before/after."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from shangwu.audit.models import AuditLog
from shangwu.enterprises.services import enterprise_update
from shangwu.organization.models import OrgUnit, Region

pytestmark = pytest.mark.django_db


def latest(**filters):
    return AuditLog.objects.filter(**filters).order_by("-id").first()


def beijing(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def export_rows(client, **params):
    response = client.get(reverse("audit:auditlog_export"), params)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return rows[0], rows[1:]


def test_a_configuration_change_shows_its_fields_in_chinese_with_full_before_and_after(
    as_user, sysadmin, auditor
):
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
    row = latest(action="update", object_type="organization.orgunit")
    page = as_user(auditor).get(reverse("audit:auditlog_detail", args=[row.pk])).content.decode()
    changes = page.split('data-testid="audit-changes"')[1]
    assert re.search(r"<td>简称</td><td>外贸科</td><td>外贸</td>", changes)
    assert (
        "short_name" not in page and "organization.orgunit" not in page and '"before"' not in page
    )
    assert (
        "机构" in page and "127.0.0.1" in page and "sysadmin" in page
    )  # which record, from where, who


def test_choice_values_and_foreign_keys_read_as_their_chinese_names(as_user, sysadmin, auditor):
    city = Region.objects.get(code="419900")
    as_user(sysadmin).post(
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
    row = latest(action="create", object_type="organization.orgunit")
    page = as_user(auditor).get(reverse("audit:auditlog_detail", args=[row.pk])).content.decode()
    changes = page.split('data-testid="audit-changes"')[1]
    assert "<td>类型</td><td>—</td><td>局内科室</td>" in changes.replace("\n", "")
    assert f"云河市（ID {city.pk}）" in changes
    assert "department" not in changes and ">是<" in changes  # 启用: a yes, not "True"


def test_a_business_record_shows_which_fields_changed_but_not_their_values(
    as_user, auditor, city_staff, make_enterprise
):
    enterprise = make_enterprise(name="审计遮蔽测试有限公司", address="旧地址幸福路1号")
    enterprise_update(enterprise=enterprise, actor=city_staff, address="新地址和平路9号")
    row = latest(
        action="update", object_type="enterprises.enterprise", object_id=str(enterprise.pk)
    )
    client = as_user(auditor)
    page = client.get(reverse("audit:auditlog_detail", args=[row.pk])).content.decode()
    assert "<td>地址</td><td>已修改</td>" in page.replace("\n", "")
    assert "幸福路" not in page and "和平路" not in page and '"after"' not in page
    listing = client.get(reverse("audit:auditlog_list"), {"object_type": "enterprises.enterprise"})
    html = listing.content.decode()
    assert (
        "变更字段" in html
        and "地址" in html
        and "和平路" not in html
        and "enterprises.enterprise</td>" not in html
    )
    headers, rows = export_rows(client, object_type="enterprises.enterprise", action="update")
    ours = [r for r in rows if r[headers.index("对象")] == enterprise.name]
    assert ours and ours[0][headers.index("变更内容")] == "地址：已修改"
    assert ours[0][headers.index("对象类型")] == "企业"
    assert not any("和平路" in str(cell) or "幸福路" in str(cell) for r in rows for cell in r)


def test_the_export_shows_full_before_and_after_of_configuration_records(
    as_user, sysadmin, auditor
):
    unit = OrgUnit.objects.get(name="外资科")
    as_user(sysadmin).post(
        reverse("organization:orgunit_edit", args=[unit.pk]),
        {
            "name": "外资科",
            "short_name": "外资",
            "kind": "department",
            "region": unit.region_id,
            "parent": unit.parent_id,
            "sort_order": unit.sort_order,
            "is_active": "on",
        },
    )
    headers, rows = export_rows(
        as_user(auditor), object_type="organization.orgunit", action="update"
    )
    assert [r[headers.index("变更内容")] for r in rows] == [f"简称：{unit.short_name} → 外资"]
    assert rows[0][headers.index("操作")] == "修改" and rows[0][headers.index("对象类型")] == "机构"


def test_times_in_the_list_detail_and_export_are_beijing_time(as_user, auditor, county_a):
    from shangwu.audit.services import audit_write

    row = audit_write(action="login", obj=county_a, actor=county_a)
    shown, utc = beijing(row.at), row.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert shown != utc
    client = as_user(auditor)
    listing = client.get(
        reverse("audit:auditlog_list"), {"actor_username": "county_a"}
    ).content.decode()
    assert f">{shown}</a>" in listing and utc not in listing
    detail = client.get(reverse("audit:auditlog_detail", args=[row.pk])).content.decode()
    assert shown in detail and utc not in detail
    headers, rows = export_rows(client, actor_username="county_a", action="login")
    assert rows[0][headers.index("时间")] == shown


def test_the_object_type_filter_offers_chinese_names(as_user, auditor):
    page = as_user(auditor).get(reverse("audit:auditlog_list")).content.decode()
    assert '<option value="enterprises.enterprise">企业</option>' in page
    assert '<option value="accounts.user">用户</option>' in page


def test_a_child_row_of_a_business_record_is_masked_too():
    """Rows that declare no access of their own (a tag link, a visit's officials) belong to a
    business record: unknown counts as business."""
    from shangwu.audit.tables import ChangeRenderer, values_masked
    from shangwu.enterprises.models import EnterpriseTag

    assert values_masked(EnterpriseTag) and values_masked(None)
    row = AuditLog(
        object_type="enterprises.enterprisetag", changes={"before": None, "after": {"tag": 3}}
    )
    assert ChangeRenderer().text(row) == "企业标签：已修改"


def test_every_audited_field_has_a_chinese_name_in_the_log():
    from django.apps import apps

    from shangwu.audit.tables import field_label

    for model in apps.get_models():
        if not getattr(model, "audited", False):
            continue
        for field in model._meta.concrete_fields:
            label = field_label(model, field.attname)
            assert field.primary_key or not label.isascii(), (
                f"{model._meta.label}.{field.name}: {label}"
            )


def test_the_list_and_the_export_cost_the_same_queries_for_few_rows_and_many(
    as_user, auditor, sysadmin
):
    """Foreign keys are named from one query per related model, not one per row (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shangwu.audit.services import audit_write

    units = list(OrgUnit.objects.all()[:2])
    client = as_user(auditor)

    def log(n):
        for i in range(n):
            audit_write(
                action="update",
                obj=units[i % 2],
                actor=sysadmin,
                changes={"before": {"parent": units[0].pk}, "after": {"parent": units[1].pk}},
            )

    def cost(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"actor_username": "sysadmin"}).status_code == 200
        return len(queries)

    client.get(reverse("core:dashboard"))  # the session's first request records its start
    log(3)
    few = cost(reverse("audit:auditlog_list")), cost(reverse("audit:auditlog_export"))
    log(30)
    many = cost(reverse("audit:auditlog_list")), cost(reverse("audit:auditlog_export"))
    assert few == many
    headers, rows = export_rows(client, actor_username="sysadmin", action="update")
    assert (
        rows[0][headers.index("变更内容")]
        == f"{OrgUnit._meta.get_field('parent').verbose_name}：{units[0]}（ID {units[0].pk}） → {units[1]}（ID {units[1].pk}）"
    )
