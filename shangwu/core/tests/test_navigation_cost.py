"""The menu of the top bar is built only for a page that shows it, and once per role in each
process (issue 18: the fixed cost of a signed-in request; ``core.fragments.menu``)."""

import pytest

from shangwu.core import fragments, navigation

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu_builds(monkeypatch):
    built = []
    real = navigation.menu_for
    monkeypatch.setattr(navigation, "menu_for", lambda user: built.append(user) or real(user))
    fragments._MENUS.clear()
    return built


def test_a_page_builds_the_menu_it_shows_once_and_the_next_page_reuses_it(
    as_user, county_a, menu_builds
):
    for url in ("/cases/", "/enterprises/"):
        response = as_user(county_a).get(url)
        assert response.status_code == 200
        assert "诉求办理" in response.content.decode()
    assert menu_builds == [county_a]


def test_a_list_fragment_for_htmx_builds_no_menu(as_user, county_a, menu_builds):
    response = as_user(county_a).get(
        "/cases/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table"
    )
    assert response.status_code == 200
    assert "<nav" not in response.content.decode()
    assert menu_builds == []
