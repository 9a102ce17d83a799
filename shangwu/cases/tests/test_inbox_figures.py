"""The 工作台's inbox numbers are registered figures: the 延期/挂起 requests waiting for the user's
unit (``cases.extensions_pending``) and the unread notifications (``cases.notifications_unread``),
each linked to the list of exactly those records, and never stale after a change."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shangwu.cases import services
from shangwu.cases.models import Notification
from shangwu.cases.tests.conftest import at
from shangwu.core import figures

pytestmark = pytest.mark.django_db


def _cell(client, key):
    """(the figure cell ``key`` of the 工作台, the page's html), or (None, html)."""
    response = client.get(reverse("core:dashboard"))
    for panel in response.context["panels"]:
        for cell in panel["figures"]:
            if cell.get("key") == key:
                return cell, response.content.decode()
    return None, response.content.decode()


def _listed(client, url) -> list:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(response.context["page"].paginator.object_list)


def test_a_county_officer_sees_the_extension_request_waiting_for_them_as_a_figure(
    as_user, make_case, township_unit, township_a1, county_a, county_b
):
    case = make_case(assign_to=township_unit, received="2025-03-03 09:00")
    services.case_sign(case=case, actor=township_a1, now=at("2025-03-03 10:00"))
    extension = services.case_request_extension(
        case=case,
        actor=township_a1,
        reason="需协调市自然资源局",
        proposed_due=datetime.date(2025, 3, 31),
        now=at("2025-03-04 10:00"),
    )
    client = as_user(county_a)
    cell, html = _cell(client, "cases.extensions_pending")
    assert cell is not None and cell["display"] == "1件" and cell["label"] == "待审批延期/挂起"
    assert "extension_pending=true" in cell["url"]
    assert f'href="{cell["url"].replace("&", "&amp;")}"' in html
    assert [c.pk for c in _listed(client, cell["url"])] == [case.pk]
    # The API list behind the figure holds the same case.
    api = client.get(cell["figure"].drill["api"]).json()
    assert [row["id"] for row in api["results"]] == [case.pk]
    # Another county's officer has nothing waiting (and no cell).
    assert _cell(as_user(county_b), "cases.extensions_pending")[0] is None

    services.case_decide_extension(
        extension=extension, actor=county_a, approve=True, now=at("2025-03-05 10:00")
    )
    assert _cell(client, "cases.extensions_pending")[0] is None
    assert _listed(client, cell["url"]) == []


def test_the_unread_notifications_figure_lists_exactly_the_users_unread_ones(
    as_user, county_a, county_b
):
    for n in range(3):
        Notification.objects.create(recipient=county_a, text=f"催办：案件{n}临近时限")
    Notification.objects.create(recipient=county_b, text="别人的通知")
    client = as_user(county_a)
    unread = Notification.objects.filter(recipient=county_a, read_at=None).count()
    cell, html = _cell(client, "cases.notifications_unread")
    assert cell["display"] == f"{unread}条" and cell["figure"].value == unread
    assert cell["url"].endswith("?unread=true")
    listed = _listed(client, cell["url"])
    assert len(listed) == unread and {n.recipient_id for n in listed} == {county_a.pk}
    # The top bar's badge states the same figure.
    assert f'data-figure="cases.notifications_unread" data-testid="unread-count">{unread}<' in html
    api = client.get("/api/notifications/?unread=true").json()
    assert api["count"] == unread and "别人的通知" not in str(api)

    # Opening one reads it: the next 工作台 says one fewer, and its list shows one fewer.
    client.get(reverse("cases:notification_open", args=[listed[0].pk]))
    cell, _ = _cell(client, "cases.notifications_unread")
    assert cell["figure"].value == unread - 1
    assert len(_listed(client, cell["url"])) == unread - 1
    assert len(_listed(client, reverse("cases:notification_list"))) == unread  # read or not


def test_the_system_administrators_unread_reminder_is_the_same_figure(as_user, sysadmin):
    Notification.objects.create(recipient=sysadmin, text="请录入2027年节假日安排")
    client = as_user(sysadmin)
    html = client.get(reverse("core:dashboard")).content.decode()
    figure = figures.compute(
        "cases.notifications_unread",
        user=sysadmin,
        date_from=timezone.localdate(),
        date_to=timezone.localdate(),
    )
    assert figure.value == 1
    assert 'data-figure="cases.notifications_unread"' in html and "未读通知 1条" in html
    assert len(_listed(client, figure.drill["page"])) == 1
    # The API list is the 系统管理员's own mail too (it is no business data).
    assert client.get("/api/notifications/?unread=true").json()["count"] == 1
