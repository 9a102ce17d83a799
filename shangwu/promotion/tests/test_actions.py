"""The actions on one event go through the shared ``core.views.ObjectActionView`` (as the
project library's): the event in the user's change scope or a 404, the service's refusal in
Chinese on the form, a button that only posts, and htmx told where to go."""

import pytest
from django.test import RequestFactory

from shangwu.core.views import ObjectActionView
from shangwu.promotion.models import EventLog, PromotionEvent

pytestmark = pytest.mark.django_db


def test_an_officer_of_another_county_gets_a_404_and_the_event_does_not_move(
    as_user, county_b, make_event
):
    event = make_event()
    response = as_user(county_b).post(
        f"/promotion/events/{event.pk}/move/", {"to_status": "preparing"}
    )
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == "planned"


def test_the_services_refusal_is_shown_on_the_form_in_chinese_and_nothing_is_saved(
    as_user, county_a, make_event
):
    event = make_event()
    response = as_user(county_a).post(
        f"/promotion/events/{event.pk}/move/", {"to_status": "summarised"}
    )
    assert response.status_code == 400
    assert "下一步只能是“筹备”" in response.content.decode()
    assert not EventLog.objects.filter(event=event, kind="status").exists()


def test_an_htmx_action_is_told_to_reload_the_event_page(as_user, county_a, make_event):
    event = make_event()
    response = as_user(county_a).post(
        f"/promotion/events/{event.pk}/move/", {"to_status": "preparing"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/promotion/events/{event.pk}/"
    event.refresh_from_db()
    assert event.status == "preparing"


def test_a_remove_button_only_posts_and_a_refusal_comes_back_as_a_message(
    as_user, county_a, make_event, make_enterprise
):
    from shangwu.promotion import services

    event = make_event(status="held")
    merchant = make_enterprise(name="东湖按钮测试餐饮有限公司")
    row = services.event_participant_add(event=event, enterprise=merchant, actor=county_a)
    client = as_user(county_a)
    url = f"/promotion/events/{event.pk}/participants/{row.pk}/remove/"
    assert client.get(url).status_code == 405
    gone = client.post(url, follow=True)
    assert gone.redirect_chain[-1][0] == f"/promotion/events/{event.pk}/#participants"
    assert "已移除“东湖按钮测试餐饮有限公司”" in gone.content.decode()
    assert client.post(url).status_code == 404  # already removed


def test_an_action_that_forgets_its_perform_says_so(county_a, make_event):
    class Forgetful(ObjectActionView):
        queryset = PromotionEvent.objects.all()
        has_form = False

    event = make_event()
    request = RequestFactory().post("/")
    request.user = county_a
    request._messages = None
    with pytest.raises(NotImplementedError, match="perform"):
        Forgetful.as_view()(request, pk=event.pk)
