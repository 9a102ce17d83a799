"""The 月通报 and grid entry in a real browser (same server and sign-in as test_navigation)."""

import re

from playwright.sync_api import expect

from tests.browser.test_navigation import signed_in


def test_the_bulletin_downloads_follow_the_month_chosen(server, browser):
    context, page = signed_in(browser, server, "city_staff")
    page.goto(f"{server}/indicators/")
    shown = page.eval_on_selector("[data-testid=month-picker]", "s => s.value")
    # Another month than the one shown (which month is shown depends on the data: the grid test
    # below, run first, fills a later month and the page opens on it).
    months = page.eval_on_selector_all(
        "[data-testid=month-picker] option", "os => os.map(o => o.value)"
    )
    other = next(m for m in months[2:] + months[:2] if m != shown)
    with page.expect_response(lambda r: f"month={other}" in r.url):
        page.select_option("[data-testid=month-picker]", other)
    # htmx swaps the links in just after the response arrives: wait for the swap, not the network.
    for testid in ("download-xlsx", "download-docx"):
        expect(page.locator(f"[data-testid={testid}]")).to_have_attribute(
            "href", re.compile(f"month={other}$")
        )
    with page.expect_download() as download:
        page.click("[data-testid=download-xlsx]")
    month = int(other.split("-")[1])
    assert f"1—{month}月" in download.value.suggested_filename
    context.close()


def test_a_block_pasted_from_excel_fills_the_grid_and_saves_in_one_go(server, browser):
    context, page = signed_in(browser, server, "city_staff")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/indicators/values/grid/?month=2026-11")
    first = '.grid-cell[data-row="0"][data-col="0"]'
    page.click(first)
    # Three counties × (本期, 上年同期), as Excel/WPS put it on the clipboard.
    page.evaluate(
        "t => navigator.clipboard.writeText(t)", "12.5\t11.0\r\n1,020.4\t990\r\n7\t6.5\r\n"
    )
    page.keyboard.press("Control+V")
    cells = page.eval_on_selector_all(".grid-cell", "cs => cs.slice(0, 6).map(c => c.value)")
    assert cells == ["12.5", "11.0", "1,020.4", "990", "7", "6.5"]
    # Enter moves down the column; arrows move across.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.row") == "1"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.row") == "3"
    page.click("[data-testid=grid-save]")
    page.wait_for_load_state("networkidle")
    assert "已保存：新增 3 条" in page.inner_text("body")
    assert page.input_value(first) == "12.5"
    assert page.input_value('.grid-cell[data-row="1"][data-col="0"]') == "1020.4"
    context.close()
    assert not problems, problems
