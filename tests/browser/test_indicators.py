"""The 月通报 and grid entry in a real browser (same server and sign-in as test_navigation)."""

from tests.browser.test_navigation import browser, server, signed_in  # noqa: F401 (fixtures)


def test_the_bulletin_downloads_follow_the_month_chosen(server, browser):  # noqa: F811
    context, page = signed_in(browser, server, "city_staff")
    page.goto(f"{server}/indicators/")
    shown = page.eval_on_selector("[data-testid=month-picker]", "s => s.value")
    other = page.eval_on_selector_all(
        "[data-testid=month-picker] option", "os => os.map(o => o.value)"
    )[2]
    assert other != shown
    with page.expect_response(lambda r: f"month={other}" in r.url):
        page.select_option("[data-testid=month-picker]", other)
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[data-testid=download-xlsx]", "href").endswith(f"month={other}")
    assert page.get_attribute("[data-testid=download-docx]", "href").endswith(f"month={other}")
    with page.expect_download() as download:
        page.click("[data-testid=download-xlsx]")
    month = int(other.split("-")[1])
    assert f"1—{month}月" in download.value.suggested_filename
    context.close()
