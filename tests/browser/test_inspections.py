"""A field inspection on a phone (issue 21 §5): county_a, on a 390 px wide screen, starts an
inspection of one of 河东区's fuel stations, answers every checklist item with a tap (one
不合格 with its note), gives the station's signature name and submits; the record shows the
finding with its rectification deadline. The page never scrolls sideways."""

import re

from tests.browser.test_navigation import PASSWORD

PHONE = {"width": 390, "height": 844}


def test_county_officer_completes_an_inspection_at_phone_width(server, browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=username]", "county_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")

    page.goto(f"{server}/inspections/add/")
    page.select_option("select[name=kind]", label="加油站年度检查")
    stations = page.eval_on_selector_all(
        "select[name=site] option",
        "os => os.filter(o => o.value && o.textContent.includes('加油站')).map(o => o.value)",
    )
    assert stations, "河东区应有加油站"
    page.select_option("select[name=site]", stations[-1])
    with page.expect_navigation():
        page.click("[data-testid=start]")
    assert "/field/" in page.url, page.inner_text("main")[:500]

    items = page.locator("[data-testid=item]")
    total = items.count()
    assert total >= 5
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for i in range(total):
        item = items.nth(i)
        answer = "不合格" if i == 1 else "合格"
        item.locator("label", has_text=re.compile(f"^{answer}$")).click()
        if i == 1:
            item.locator("input[name^=note_]").fill("灭火器压力不足")
    page.fill("input[name=signature_name]", "钱站长")
    # A draft first: it keeps every answer and the signature name.
    with page.expect_navigation():
        page.click("[data-testid=save]")
    assert page.inner_text("[data-testid=progress]") == f"{total}/{total}"
    assert page.input_value("input[name=signature_name]") == "钱站长"
    # The person responsible for rectification is named when submitting.
    page.fill("input[name=responsible_person]", "钱站长")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    assert "/field/" not in page.url, page.inner_text("main")[:800]
    assert page.inner_text("[data-testid=status]") == "已提交"
    assert page.inner_text("[data-testid=outcome]") == "发现隐患"
    hazards = page.inner_text("[data-testid=hazards]")
    assert "灭火器压力不足" in hazards and "整改期限" in hazards and "钱站长" in hazards
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not errors, errors
    context.close()
