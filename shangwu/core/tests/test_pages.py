"""Every navigation page opens for every persona allowed to see it, and only those entries show."""

import pytest
from django.urls import reverse

from shangwu.core.navigation import menu_for
from shangwu.core.testing import PERSONAS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_opens(request, as_user, persona, make_enterprise):
    make_enterprise(county="419902", township="419902001")
    user = request.getfixturevalue(persona)
    client = as_user(user)
    for _group, items in menu_for(user):
        for item in items:
            response = client.get(item["url"])
            assert response.status_code == 200, (persona, item["url"], response.status_code)


def test_admin_menus_are_separate():
    from shangwu.accounts.models import User

    def labels(username):
        return {
            i["label"] for _g, items in menu_for(User.objects.get(username=username)) for i in items
        }

    assert (
        "用户" in labels("sysadmin")
        and "审计日志" not in labels("sysadmin")
        and "企业库" not in labels("sysadmin")
    )
    assert (
        "安全策略" in labels("secadmin")
        and "用户" in labels("secadmin")
        and "审计日志" not in labels("secadmin")
    )
    assert (
        labels("auditor") >= {"审计日志"}
        and "用户" not in labels("auditor")
        and "企业库" not in labels("auditor")
    )
    assert "企业库" in labels("county_a") and "用户" not in labels("county_a")


def test_dashboard_shows_the_users_unit_and_scope(as_user, county_a):
    html = as_user(county_a).get(reverse("core:dashboard")).content.decode()
    assert "河东区商务局" in html and "数据范围：河东区" in html and "退出" in html


def test_dashboard_panels_without_item_lists_show_no_stray_keys(as_user, leader, make_enterprise):
    make_enterprise()
    html = as_user(leader).get(reverse("core:dashboard")).content.decode()
    assert "企业库" in html
    assert ">title<" not in html and ">figures<" not in html


def test_a_page_size_below_one_shows_the_usual_first_page(as_user, city_staff, make_enterprise):
    make_enterprise(name="分页大小测试有限公司")
    for per_page in ("0", "-5", "x"):
        response = as_user(city_staff).get("/enterprises/", {"per_page": per_page})
        assert response.status_code == 200, per_page
        assert "分页大小测试有限公司" in response.content.decode()


def test_list_filters_offer_an_empty_choice_only_where_a_field_may_be_empty(
    as_user, city_staff, make_enterprise
):
    make_enterprise(name="无乡镇企业有限公司")
    make_enterprise(name="有乡镇企业有限公司", township="419902001")
    client = as_user(city_staff)
    form = client.get("/enterprises/").context["filter"].form
    assert ("null", "（未填）") in list(form.fields["township"].choices)
    for name in ("county", "status", "ownership", "official", "covered"):
        assert "null" not in [value for value, _ in form.fields[name].choices], name
    page = client.get("/enterprises/", {"township": "null"}).content.decode()
    assert "无乡镇企业有限公司" in page and "有乡镇企业有限公司" not in page
    for query in ({"official": "null"}, {"covered": "null"}, {"status": "null"}):
        assert client.get("/enterprises/", query).status_code == 200, query


def test_not_found_and_forbidden_pages_speak_chinese(as_user, county_a, make_enterprise):
    theirs = make_enterprise(county="419921")
    client = as_user(county_a)
    missing = client.get(theirs.get_absolute_url())
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    assert "不在您的数据范围内" in missing.content.decode()
    forbidden = client.get("/audit/")
    assert forbidden.status_code == 403 and "没有权限" in forbidden.content.decode()


def test_a_server_error_page_says_what_to_do_in_chinese(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "请刷新页面，确认结果后再试" in response.content.decode()
