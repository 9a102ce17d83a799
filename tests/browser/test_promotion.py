"""A 美食节 in a real browser (issue 19 §1): county_a registers it, walks it to 已举办, lists a
merchant (found by pinyin initials in the picker) with its sales, reports the outcomes, and finds the sales in the 带动消费 figure of the
figures API and on the event list the figure drills down to."""

import datetime
import json

from playwright.sync_api import expect

from tests.browser.test_navigation import signed_in
from tests.browser.test_visits import initials


def _figure(page, server, key, period) -> dict:
    """The figure as the API answers the signed-in browser (its session)."""
    answer = page.request.get(f"{server}/api/figures/{key}/?{period}")
    assert answer.ok, answer.text()[:300]
    return json.loads(answer.text())


def test_county_staff_records_a_food_festival_with_a_merchant_and_finds_it_in_the_figures(
    server, browser
):
    context, page = signed_in(browser, server, "county_a")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    today = datetime.date.today()
    period = f"from={today.year}-01-01&to={today.isoformat()}"
    before = _figure(page, server, "events.consumption", period)

    page.goto(f"{server}/promotion/events/add/")
    page.fill("input[name=name]", "浏览器测试东湖美食节")
    page.select_option("select[name=kind]", label="美食节")
    page.select_option("select[name=level]", "county")
    page.fill("input[name=start_on]", today.isoformat())
    page.fill("input[name=end_on]", today.isoformat())
    page.fill("input[name=venue]", "东湖步行街")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "/promotion/events/" in page.url and "/add/" not in page.url, page.inner_text(
        "form.card"
    )
    detail = page.url

    for label in ("推进到“筹备”", "推进到“已举办”"):
        page.click(f"text={label}")
        with page.expect_navigation():
            page.click("form.card button[type=submit]")
    assert page.inner_text("[data-testid=status]") == "已举办"

    # The merchant, found by its name's pinyin initials in the platform's picker.
    page.click("#participants >> text=添加")
    options = page.locator("select[name=enterprise] option")
    # The picker narrows the list on load: its fragment's first option says so.
    expect(options.first).to_have_text("—— 请选择企业 ——")
    value, name = page.eval_on_selector_all(
        "select[name=enterprise] option",
        "os => os.filter(o => o.value).map(o => [o.value, o.textContent])",
    )[-1]
    # Emptied here, the select can only hold the merchant again once the search has answered.
    page.eval_on_selector("select[name=enterprise]", "s => { s.innerHTML = ''; }")
    page.locator("[data-testid=pick-enterprise]").fill(initials(name.split("（")[0]))
    expect(page.locator(f"select[name=enterprise] option[value='{value}']")).to_be_attached()
    assert options.count() <= 31
    page.select_option("select[name=enterprise]", value)
    page.fill("input[name=sales]", "88.8")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    page.click("#outcomes >> text=填报")
    page.fill("input[name=other_participants]", "12")
    page.fill("input[name=attendance]", "5000")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert page.url.split("#")[0] == detail
    outcomes = page.inner_text("[data-testid=outcomes]")
    assert "88.80" in outcomes and "13" in page.inner_text("[data-outcome=participant_count]")

    after = _figure(page, server, "events.consumption", period)
    assert round(float(after["value"]) - float(before["value"]), 2) == 88.8
    # The figure's list holds the new event.
    page.goto(f"{server}{after['drill']['page']}")
    assert "浏览器测试东湖美食节" in page.inner_text("#object-table")
    assert not errors, errors
    context.close()
