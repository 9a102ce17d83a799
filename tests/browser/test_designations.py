"""A 老字号 in a real browser (issue 20, done-when): county_a puts a restaurant on the 市级老字号
cultivation list, takes it through 申报 (with the materials), 推荐 and 认定 with a certificate,
downloads the certificate, sees the designation on the enterprise's page and in this year's
figure, and the figure's list holds it."""

import datetime
import json

from tests.browser.test_navigation import signed_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _figure(page, server, key, period) -> dict:
    answer = page.request.get(f"{server}/api/figures/{key}/?{period}")
    assert answer.ok, answer.text()[:300]
    return json.loads(answer.text())


def _submit(page):
    with page.expect_navigation():
        page.click("form.card button[type=submit]")


def test_county_staff_takes_a_restaurant_from_the_cultivation_list_to_award(server, browser):
    context, page = signed_in(browser, server, "county_a")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    today = datetime.date.today().isoformat()
    period = f"from={today[:4]}-01-01&to={today}"
    before = _figure(page, server, "designations.awarded", period)

    page.goto(f"{server}/designations/add/")
    page.select_option("select[name=kind]", label="市级老字号")
    page.select_option("select[name=holder_type]", "enterprise")
    options = page.eval_on_selector_all(
        "select[name=enterprise] option", "os => os.filter(o => o.value).map(o => o.label)"
    )
    restaurant = next((o for o in options if "餐" in o or "饭" in o or "酒" in o), options[0])
    page.select_option("select[name=enterprise]", label=restaurant)
    page.select_option("select[name=responsible_unit]", label="河东区商务局")
    _submit(page)
    assert "/designations/" in page.url and "/add/" not in page.url, page.inner_text("main")
    detail = page.url
    assert page.inner_text("[data-testid=status]") == "培育"

    page.click("[data-testid=step-申报]")
    page.fill("input[name=on]", today)
    page.set_input_files(
        "input[name=materials]",
        files=[{"name": "申报材料.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    _submit(page)
    page.click("[data-testid=step-推荐]")
    page.fill("input[name=on]", today)
    page.select_option("select[name=level]", "county")
    page.fill("input[name=doc]", "河商字〔2026〕8号")
    _submit(page)
    page.click("[data-testid=step-认定]")
    page.fill("input[name=on]", today)
    page.fill("input[name=doc]", "云政〔2026〕12号")
    page.set_input_files(
        "input[name=certificate]",
        files=[{"name": "老字号证书.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    _submit(page)
    assert page.url.split("#")[0] == detail
    assert page.inner_text("[data-testid=status]") == "认定"
    files = page.inner_text("[data-testid=attachments]")
    assert "申报材料.pdf" in files and "老字号证书.pdf" in files
    href = page.get_attribute("[data-testid=attachments] a:has-text('老字号证书.pdf')", "href")
    download = page.request.get(f"{server}{href}")
    assert download.ok and download.body() == PDF

    page.goto(f"{server}/enterprises/?q={restaurant[:4]}")
    page.click(f"#object-table >> text={restaurant}")
    assert f"市级老字号·{restaurant}" in page.inner_text("[data-testid=enterprise-designations]")

    after = _figure(page, server, "designations.awarded", period)
    assert int(after["value"]) == int(before["value"]) + 1
    page.goto(f"{server}{after['drill']['page']}")
    assert f"市级老字号·{restaurant}" in page.inner_text("#object-table")
    assert not errors, errors
    context.close()
