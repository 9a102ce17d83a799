"""A real browser (Debian's Chromium driven by Playwright) signs in as each persona and opens
every navigation page: no console error, no failed request, no request to another host.

The platform runs as a separate server process on its own fresh database, built by
`shangwu demo_data` once per test run and shared by every worker (conftest.py, server.py).
"""

from urllib.parse import urlparse

import pytest

from shangwu.core.testing import PERSONAS

PASSWORD = "Shangwu@2026demo"


def signed_in(browser, server, username):
    """A fresh browser context signed in as ``username``, and its page (on the 工作台)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return context, page


@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_opens_every_navigation_page_cleanly(server, browser, persona):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # ERR_ABORTED is a request the browser itself cancelled because the test moved on to the
    # next page (typically the favicon); every other failure is a real one.
    page.on(
        "requestfailed",
        lambda r: (
            "ERR_ABORTED" not in (r.failure or "")
            and problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    page.on(
        "request",
        lambda r: (
            urlparse(r.url).hostname not in ("127.0.0.1", None)
            and not r.url.startswith(("data:", "blob:"))
            and problems.append(f"external: {r.url}")
        ),
    )
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))

    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=username]", persona)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    assert persona != "leader" or "张建国" in page.inner_text("[data-testid=user-name]")

    links = page.eval_on_selector_all(
        "#sidebar nav a.nav-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert links, "the navigation is empty"
    for href in links:
        page.goto(f"{server}{href}")
        page.wait_for_load_state("networkidle")
        assert "商务局工作平台" in page.title(), href
    context.close()
    assert not problems, problems


def test_the_export_follows_the_filters_chosen_on_the_page(server, browser):
    context, page = signed_in(browser, server, "county_a")
    page.goto(f"{server}/enterprises/")
    township = page.eval_on_selector("select[name=township] option:nth-child(3)", "o => o.value")
    with page.expect_response(lambda r: "/enterprises/?" in r.url):
        page.select_option("select[name=township]", township)
    page.wait_for_load_state("networkidle")
    assert f"township={township}" in page.get_attribute("[data-testid=export-link]", "href")
    context.close()


def test_the_township_list_follows_the_county(server, browser):
    context, page = signed_in(browser, server, "city_staff")
    page.goto(f"{server}/enterprises/add/")
    counties = page.eval_on_selector_all(
        "select[name=county] option", "os => os.map(o => o.value).filter(v => v)"
    )
    page.select_option("select[name=county]", counties[0])
    offered = page.eval_on_selector_all(
        "select[name=township] option[data-parent]",
        "os => os.filter(o => !o.hidden).map(o => o.dataset.parent)",
    )
    assert offered and set(offered) == {counties[0]}
    first = page.eval_on_selector(
        "select[name=township] option[data-parent]:not([hidden])", "o => o.value"
    )
    page.select_option("select[name=township]", first)
    page.select_option("select[name=county]", counties[1])  # the chosen township is not in it
    assert page.eval_on_selector("select[name=township]", "s => s.value") == ""
    context.close()
