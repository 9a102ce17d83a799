"""The visit form in a real browser (issue 16, Everywhere · Visits): county_a finds the enterprise
and a second official by pinyin initials in the search boxes, adds problem rows with 添加一行 and
saves; the visit page shows every row."""

from pypinyin import Style, lazy_pinyin

from tests.browser.test_navigation import signed_in


def settled(page, action) -> None:
    """Do ``action`` and wait until htmx has swapped in and settled what it fetched (waiting for
    the response alone races the swap, which can replace a select after it was chosen)."""
    page.evaluate(
        "() => { window.__settled = false; document.body.addEventListener("
        "'htmx:afterSettle', () => { window.__settled = true; }, {once: true}); }"
    )
    action()
    page.wait_for_function("() => window.__settled === true")


def initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def test_county_staff_picks_by_initials_and_adds_problem_rows(server, browser):
    context, page = signed_in(browser, server, "county_a")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/enterprises/visits/add/")
    # Without typing, the enterprise list is narrowed on load (not hundreds of options).
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=enterprise] option").count() <= 31

    # The enterprise: its name's pinyin initials in the search box narrow the select.
    names = page.eval_on_selector_all(
        "select[name=enterprise] option",
        "os => os.filter(o => o.value).map(o => [o.value, o.textContent])",
    )
    value, name = names[len(names) // 2]
    box = page.locator("[data-testid=pick-enterprise]")
    assert box.is_visible()
    settled(page, lambda: box.fill(initials(name.split("（")[0])))
    offered = page.eval_on_selector_all(
        "select[name=enterprise] option", "os => os.map(o => o.value)"
    )
    assert value in offered and len(offered) <= 31
    page.select_option("select[name=enterprise]", value)

    # A second official, found by initials; the signed-in officer stays chosen.
    people = page.eval_on_selector_all(
        "select[name=officials] option", "os => os.map(o => [o.value, o.textContent, o.selected])"
    )
    me = [v for v, _t, chosen in people if chosen]
    other_value, other_text = next(
        (v, t) for v, t, chosen in people if not chosen and "河东区商务局" in t
    )
    settled(
        page,
        lambda: page.locator("[data-testid=pick-officials]").fill(
            initials(other_text.split("（")[0])
        ),
    )
    page.select_option("select[name=officials]", [*me, other_value])

    # 添加一行 twice: five rows, the fifth filled.
    page.click("[data-testid=add-row]")
    page.click("[data-testid=add-row]")
    assert page.locator("#problems-rows tr").count() == 5
    assert page.eval_on_selector("#id_problems-TOTAL_FORMS", "e => e.value") == "5"
    page.fill("textarea[name=problems-0-description]", "用电增容")
    page.fill("textarea[name=problems-4-description]", "第五行：缺少停车位")
    with page.expect_navigation():
        page.click("[data-testid=visit-save]")
    assert "/add/" not in page.url, page.inner_text("form")[:800]
    text = page.inner_text("#problems")
    assert "用电增容" in text and "第五行：缺少停车位" in text
    assert other_text.split("（")[0] in page.inner_text("main")
    assert not errors, errors
    context.close()
