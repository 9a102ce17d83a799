"""A bulk read of the API is an export (issue 15 §4): any list page of more than 100 rows writes
one EXPORT row naming the endpoint, the filters and the row count. It is the shared pagination's
doing (core.api_base.Pagination), so every list endpoint of the router is checked here."""

import pytest
from rest_framework.generics import GenericAPIView

from shangwu.audit.choices import AuditAction
from shangwu.audit.models import AuditLog
from shangwu.core.api_base import BULK_READ_ROWS

pytestmark = pytest.mark.django_db


def list_endpoints():
    from shangwu.urls import router

    return sorted(
        (prefix, viewset)
        for prefix, viewset, _ in router.registry
        if issubclass(viewset, GenericAPIView) and hasattr(viewset, "list")
    )


def exports_on(path):
    return AuditLog.objects.filter(action=AuditAction.EXPORT, path=path)


@pytest.mark.parametrize(
    ("prefix", "viewset"), list_endpoints(), ids=[p for p, _ in list_endpoints()]
)
def test_every_api_list_audits_a_page_over_100_rows_as_an_export(
    prefix, viewset, as_user, city_staff
):
    client = as_user(city_staff)
    path = f"/api/{prefix}/"
    response = client.get(path, {"page_size": BULK_READ_ROWS + 1})
    assert response.status_code == 200, response.content[:300]
    row = exports_on(path).get()
    model = viewset.queryset.model
    assert row.actor_username == "city_staff" and row.object_type == model._meta.label_lower
    assert f"GET {path}" in row.detail and f"每页 {BULK_READ_ROWS + 1} 行" in row.detail
    assert f"共 {response.json()['count']} 行" in row.detail


def test_a_page_of_100_rows_or_fewer_is_an_ordinary_read(as_user, city_staff, make_enterprise):
    make_enterprise(name="普通读取有限公司")
    client = as_user(city_staff)
    assert client.get("/api/enterprises/", {"page_size": BULK_READ_ROWS}).status_code == 200
    assert client.get("/api/enterprises/").status_code == 200
    assert not exports_on("/api/enterprises/").exists()


def test_the_export_row_names_the_filters_and_counts_the_rows_sent(
    as_user, county_a, make_enterprise
):
    for n in range(3):
        make_enterprise(county="419902", name=f"批量读取{n}有限公司")
    make_enterprise(county="419921", name="批量读取外县有限公司")  # another county: not counted
    response = as_user(county_a).get("/api/enterprises/", {"q": "批量读取", "page_size": 500})
    assert response.json()["count"] == 3
    row = exports_on("/api/enterprises/").get()
    assert row.actor_username == "county_a"
    assert (
        "本页 3 行，共 3 行" in row.detail
        and "条件：q=批量读取" in row.detail
        and "page_size" not in row.detail.split("条件")[1]
    )


def test_a_page_size_past_the_limit_is_audited_at_the_size_sent(as_user, city_staff):
    as_user(city_staff).get("/api/regions/", {"page_size": 100000})
    assert "每页 500 行" in exports_on("/api/regions/").get().detail
