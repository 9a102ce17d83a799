"""Every navigation page, as each persona sees it: Chinese only (no package names or program
words), the top bar's notifications and 帮助, and no button leading to a form the user cannot
use (a 403, a 404, or a required list with nothing to choose)."""

import re

import pytest
from django.urls import reverse

from shangwu.core.navigation import menu_for
from shangwu.core.testing import PERSONAS

pytestmark = pytest.mark.django_db

# Words a user must never read on a page: package and framework names, program values.
FORBIDDEN = re.compile(
    r"\b(chinesecalendar|django|python|rest_framework|None|True|False|null|undefined|NaN|"
    r"Traceback|Exception|Error)\b|\+00:00"
)
ACTION_LINK = re.compile(
    r'href="([^"#?]*/(?:add|edit|import|template|bulk|assign|move|funds|status|tags|report|'
    r'correct|unlock|revoke|delete)/?(?:\?[^"]*)?)"'
)
SELECT = re.compile(r"(?s)<select\b([^>]*)>(.*?)</select>")
DETAIL_LINK = re.compile(r'<td><a href="(/[a-z/-]+/\d+/)">')


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def empty_required_lists(html: str) -> list[str]:
    """The names of required drop-down lists that offer nothing to choose."""
    empty = []
    for attrs, options in SELECT.findall(html):
        if " required" in attrs and not re.search(r'<option value="[^"]+"', options):
            empty.append(re.search(r'name="([^"]+)"', attrs).group(1))
    return empty


@pytest.fixture
def some_data(make_enterprise, county_a):
    """A little of everything, so lists have rows to print."""
    from shangwu.cases import services
    from shangwu.cases.models import CaseCategory
    from shangwu.organization.models import Region

    ent = (
        make_enterprise(township="419902001")
        if Region.objects.filter(code="419902001").exists()
        else make_enterprise()
    )
    make_enterprise(county="419921")
    services.case_register(
        actor=county_a,
        source="visit",
        kind="ordinary",
        title="企业反映用工难",
        content="内容",
        category=CaseCategory.objects.get(name="融资"),
        county=Region.objects.get(code="419902"),
        enterprise=ent,
    )


def walk(request, as_user, persona):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    urls = [item["url"] for _group, items in menu_for(user) for item in items]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (persona, url, response.status_code)
        yield client, url, response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_navigation_page_speaks_chinese_to_every_persona(
    request, as_user, persona, some_data
):
    for _client, url, html in walk(request, as_user, persona):
        if url.startswith("/api/"):
            continue  # the API docs are for developers
        found = FORBIDDEN.search(visible_text(html))
        assert found is None, (persona, url, found and found.group(0))


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_offered_add_edit_or_import_link_leads_to_a_usable_form(
    request, as_user, persona, some_data
):
    checked = 0
    pages = []
    for client, url, html in walk(request, as_user, persona):
        pages.append((url, html))
        first_row = DETAIL_LINK.search(html)  # and the first row's page, with its buttons
        if first_row:
            detail = client.get(first_row.group(1))
            assert detail.status_code == 200, (persona, first_row.group(1))
            pages.append((first_row.group(1), detail.content.decode()))
    for url, html in pages:
        for link in sorted(set(ACTION_LINK.findall(html))):
            link = link.replace("&amp;", "&")
            response = client.get(link)
            assert response.status_code == 200, (persona, url, link, response.status_code)
            if "text/html" not in response["Content-Type"]:
                continue  # a template download
            page = response.content.decode()
            assert not empty_required_lists(page), (persona, link, empty_required_lists(page))
            checked += 1
    if persona in ("city_staff", "county_a", "sysadmin"):
        assert checked, persona  # these personas are offered forms; the walk must find them


def test_a_township_officer_is_not_offered_the_annual_target_or_figure_forms(
    as_user, township_a1, county_a
):
    client = as_user(township_a1)
    targets = client.get(reverse("indicators:target_list")).content.decode()
    values = client.get(reverse("indicators:value_list")).content.decode()
    assert reverse("indicators:target_add") not in targets
    assert reverse("indicators:value_add") not in values
    assert reverse("indicators:value_import") not in values
    for name in ("indicators:target_add", "indicators:value_add", "indicators:value_import"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert "乡镇(街道)用户没有可填报的地区" in response.content.decode()
    # a county officer still gets the form, with their county to choose
    form = as_user(county_a).get(reverse("indicators:target_add"))
    assert form.status_code == 200 and "河东区" in form.content.decode()
    assert not empty_required_lists(form.content.decode())


def test_the_calendar_page_names_no_package(as_user, sysadmin, city_staff):
    for user in (sysadmin, city_staff):
        html = as_user(user).get(reverse("workcalendar:arrangement_list")).content.decode()
        assert "chinesecalendar" not in html and "国务院办公厅放假安排" in html


def test_the_top_bar_counts_unread_notifications_and_links_to_them(
    as_user, county_a, django_assert_max_num_queries
):
    from shangwu.cases.models import Notification

    client = as_user(county_a)
    page = client.get("/").content.decode()
    assert reverse("cases:notification_list") in page and 'data-testid="unread-count"' not in page
    for n in range(3):
        Notification.objects.create(recipient=county_a, text=f"通知{n}", url="/cases/")
    Notification.objects.create(recipient=county_a, text="已读", read_at="2026-12-01T00:00:00Z")
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    badge = re.search(r'data-testid="unread-count">(\d+)<', page)
    assert badge and badge.group(1) == "3"
    # one COUNT per page for the badge: the list page costs one query more with it than without
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("enterprises:enterprise_list"))
    counts = [q["sql"] for q in queries.captured_queries if "cases_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    # reading them clears the badge
    Notification.objects.filter(recipient=county_a).update(read_at="2026-12-07T00:00:00Z")
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "path, module, heading",
    [
        ("/enterprises/", "enterprises", "企业库与包保服务"),
        ("/cases/", "cases", "诉求办理"),
        ("/projects/", "projects", "招商项目"),
        ("/indicators/values/", "indicators", "指标与月通报"),
        ("/tasks/", "tasks", "重点任务督办"),
        ("/", "", "使用帮助"),
    ],
)
def test_help_opens_the_guide_of_the_module_the_user_is_in(
    as_user, city_staff, path, module, heading
):
    client = as_user(city_staff)
    page = client.get(path).content.decode()
    link = re.search(r'<a class="link-light" href="([^"]+)" data-testid="help">', page).group(1)
    assert link == (reverse("core:help", args=[module]) if module else reverse("core:help_index"))
    guide = client.get(link)
    assert guide.status_code == 200
    html = guide.content.decode()
    assert heading in html and reverse("api-docs") in html
    assert FORBIDDEN.search(visible_text(html)) is None


@pytest.mark.parametrize(
    "persona, path, module",
    [
        ("sysadmin", "/calendar/", "calendar"),
        ("sysadmin", "/accounts/users/", "admin"),
        ("auditor", "/audit/", "admin"),
    ],
)
def test_the_admins_get_their_guides(request, as_user, persona, path, module):
    client = as_user(request.getfixturevalue(persona))
    page = client.get(path).content.decode()
    assert f'href="{reverse("core:help", args=[module])}" data-testid="help"' in page
    assert client.get(reverse("core:help", args=[module])).status_code == 200


def test_an_unknown_guide_is_a_404_and_guides_need_signing_in(client, as_user, leader):
    assert as_user(leader).get("/help/nosuch/").status_code == 404
    assert client.get("/help/cases/").status_code == 302
