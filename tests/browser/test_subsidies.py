"""以旧换新 in a real browser (issue 19 §1): county_a registers an application to 河东区's
电动自行车以旧换新 programme (受理), takes it through 审核 and 拨付 with the step buttons, and finds it
in the programme page's 已拨付申请 figure and that figure's list; the applicant's name and ID
number are shown masked, never whole, on the application's page."""

import datetime
import re
import uuid

from playwright.sync_api import expect

from tests.browser.test_navigation import signed_in

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(rng_hex: str) -> str:
    """A well-formed 身份证号 (河东区 area code, a birthday, the check digit)."""
    body = "419902" + "19850317" + f"{int(rng_hex, 16) % 1000:03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def _figure(page, key) -> int:
    return int(re.sub(r"[^\d]", "", page.inner_text(f"[data-figure='{key}']")) or 0)


def _save(page, label="保存"):
    with page.expect_navigation():
        page.click(f"main form button[type=submit]:has-text('{label}')")


def _programme(page, server):
    page.goto(f"{server}/subsidies/programmes/")
    page.click("#object-table >> text=电动自行车以旧换新")
    expect(page.locator("[data-testid=headline]")).to_be_visible()
    return page.url


def test_county_staff_takes_an_ebike_application_from_acceptance_to_payment(server, browser):
    context, page = signed_in(browser, server, "county_a")
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    token = uuid.uuid4().hex[:8]
    number = f"HD-EB-{token}"
    id_number = _id_number(token)
    today = datetime.date.today().isoformat()

    programme_url = _programme(page, server)
    programme = page.inner_text("h1").strip()
    paid_before = _figure(page, "subsidies.paid")

    page.goto(f"{server}/subsidies/applications/add/")
    options = page.eval_on_selector_all(
        "select[name=programme] option", "os => os.filter(o => o.value).map(o => o.label)"
    )
    page.select_option(
        "select[name=programme]", label=next(o for o in options if o in programme or programme in o)
    )
    page.fill("input[name=number]", number)
    page.fill("input[name=applicant_name]", "欧阳丽娜")
    page.fill("input[name=id_number]", id_number)
    page.select_option("select[name=category]", label="电动自行车")
    page.fill("input[name=units]", "1")
    page.fill("input[name=sale_amount]", "3200")
    page.fill("input[name=accepted_on]", today)
    _save(page)
    assert "/subsidies/applications/" in page.url and "/add/" not in page.url, page.inner_text(
        "main"
    )
    expect(page.locator("[data-testid=status]")).to_have_text("受理")
    main = page.inner_text("main")
    assert id_number not in main and "欧阳丽娜" not in main
    assert id_number[:3] + "*" * 11 + id_number[-4:] in main
    assert "欧**娜" in main

    page.click("[data-testid=review]")
    _save(page, "确定")
    expect(page.locator("[data-testid=status]")).to_have_text("审核")
    page.click("[data-testid=pay]")
    _save(page, "确定")
    expect(page.locator("[data-testid=status]")).to_have_text("拨付")
    expect(page.locator(".alert-success")).to_contain_text("已拨付")

    page.goto(programme_url)
    assert _figure(page, "subsidies.paid") == paid_before + 1
    page.click("[data-figure='subsidies.paid']")
    page.wait_for_url("**/subsidies/applications/?*")
    expect(page.locator("#object-table")).to_contain_text(number)
    expect(page.locator("#object-table")).not_to_contain_text(id_number)
    context.close()
    assert not problems, problems
