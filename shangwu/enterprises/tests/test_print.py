"""The print view of a visit record (走访记录): A4, no navigation, scoped like its page."""

import pytest
from django.urls import reverse

from shangwu.enterprises.baobao import services as services

from .service_helpers import COUNTY_A, TOWNSHIP_A1, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_a(make_enterprise, county_a, township_a1):
    enterprise = make_enterprise(county=COUNTY_A, township=TOWNSHIP_A1, name="东湖打印甲有限公司")
    return services.visit_create(
        enterprise=enterprise,
        visited_on=days_ago(2),
        form="onsite",
        officials=[county_a, township_a1],
        notes="了解生产经营情况，企业用电紧张",
        problems=[{"description": "用电增容", "category": "水电气暖"}],
        actor=county_a,
    )


def test_the_visit_page_offers_print_and_the_sheet_has_the_record(as_user, township_a1, visit_a):
    client = as_user(township_a1)
    url = reverse("enterprises:visit_print", args=[visit_a.pk])
    assert (
        url in client.get(reverse("enterprises:visit_detail", args=[visit_a.pk])).content.decode()
    )
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "企业走访记录" in html and "东湖打印甲有限公司" in html
    assert "了解生产经营情况，企业用电紧张" in html and "用电增容" in html
    assert "core/print.css" in html and "navbar" not in html and "主菜单" not in html


def test_another_county_gets_404_for_the_visit_print(as_user, county_b, visit_a):
    url = reverse("enterprises:visit_print", args=[visit_a.pk])
    assert as_user(county_b).get(url).status_code == 404
