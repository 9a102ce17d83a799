"""消费券 in a real browser (issue 19 §2): city_staff registers a campaign and its batch, uploads a
platform's export of redemptions through the import page (UTF-8, then an overlapping GBK export),
sees on the preview how many rows are new, confirms, and finds on the campaign page the redeemed
count, the consumption, the subsidy and the leverage ratio the files imply; a figure opens the
daily list that holds its rows.

The campaign is the test's own (a fresh name), so its figures are exactly its files' rows,
whatever else the shared demo city holds."""

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import expect

from tests.browser.test_navigation import signed_in

HEADER = "券批次,券码,核销时间,商户名称,商户统一社会信用代码,县区,订单金额,优惠金额"
BATCH = "餐饮满100减30"


def _csv(rows, encoding) -> bytes:
    lines = [HEADER] + [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _rows(prefix, day, specs):
    """(券码 suffix, 商户, 订单金额, 优惠金额) → the export's rows, all in 河东区 on ``day``."""
    return [
        (BATCH, f"{prefix}{n}", f"{day} 12:{n:02d}:00", shop, "", "河东区", order, discount)
        for n, shop, order, discount in specs
    ]


def _wan(cents: int) -> Decimal:
    return (Decimal(cents) / 1_000_000).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _cents(text) -> int:
    return int(Decimal(str(text)) * 100)


def _submit(page):
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('保存')")


def _import(page, server, name, body, *, new, stored):
    page.click("[data-testid=import-button]")
    expect(page.locator("[data-testid=upload-form]")).to_be_visible()
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": body}]
    )
    page.click("[data-testid=upload-form] button[type=submit]")
    expect(page.locator("[data-testid=rows-new]")).to_have_text(str(new))
    expect(page.locator("[data-testid=rows-stored]")).to_have_text(str(stored))
    expect(page.locator("[data-testid=count-errors]")).to_have_text("0")
    page.click("[data-testid=confirm-import]")
    expect(page.locator(".alert-success")).to_contain_text(f"新增核销 {new} 条")


def test_city_staff_imports_two_overlapping_exports_and_reads_the_campaign_figures(server, browser):
    context, page = signed_in(browser, server, "city_staff")
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    today = datetime.date.today()
    name = f"浏览器测试消费券{uuid.uuid4().hex[:6]}"
    prefix = f"T{uuid.uuid4().hex[:8]}-"

    page.goto(f"{server}/vouchers/campaigns/add/")
    page.fill("input[name=name]", name)
    page.select_option("select[name=funder]", label="县级财政")
    page.fill("input[name=budget]", "50")
    page.select_option("select[name=platform]", label="云闪付")
    page.fill("input[name=start_on]", (today - datetime.timedelta(days=10)).isoformat())
    page.fill("input[name=end_on]", (today + datetime.timedelta(days=10)).isoformat())
    page.get_by_label("河东区", exact=True).check()
    _submit(page)
    expect(page.locator("[data-testid=status]")).to_have_text("筹备")
    detail = page.url

    page.click("a:has-text('新增券批次')")
    page.fill("input[name=name]", BATCH)
    page.fill("input[name=face_value]", "30")
    page.fill("input[name=threshold]", "100")
    page.fill("input[name=quantity]", "1000")
    page.select_option("select[name=industry]", label="餐饮")
    _submit(page)
    expect(page.locator("[data-testid=batches]")).to_contain_text(BATCH)

    day = (today - datetime.timedelta(days=2)).isoformat()
    first = _rows(
        prefix,
        day,
        [
            (1, "河东老字号餐馆", "12345.67", "30"),
            (2, "河东火锅店", "23456.78", "30.50"),
            (3, "河东老字号餐馆", "34567.89", "1200"),
        ],
    )
    # The second export overlaps the first by one row (券码 …3), in GBK as some platforms write.
    second = [first[2]] + _rows(prefix, day, [(4, "河东便利店", "45678.90", "2400")])
    _import(page, server, "核销明细-云闪付.csv", _csv(first, "utf-8"), new=3, stored=0)
    assert page.url == detail
    _import(page, server, "核销明细-GBK.csv", _csv(second, "gbk"), new=1, stored=1)
    assert page.url == detail

    stored = {row[1]: row for row in first + second}  # each 券码 once
    order = sum(_cents(row[6]) for row in stored.values())
    discount = sum(_cents(row[7]) for row in stored.values())
    leverage = (Decimal(order) / Decimal(discount)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    expect(page.locator("[data-testid=total-redeemed]")).to_have_text(str(len(stored)))
    assert Decimal(page.inner_text("[data-testid=total-order]")) == _wan(order)
    assert Decimal(page.inner_text("[data-testid=total-discount]")) == _wan(discount)
    expect(page.locator("[data-testid=leverage]")).to_have_text(f"{leverage} 倍")
    files = page.locator("[data-testid=files]")
    expect(files).to_contain_text("核销明细-云闪付.csv")
    expect(files).to_contain_text("核销明细-GBK.csv")

    # The redeemed figure opens the daily totals of this campaign: one row (one batch, county
    # and day) holding every redemption.
    page.click("[data-testid=campaign-totals] a:has([data-testid=total-redeemed])")
    page.wait_for_url("**/vouchers/daily/?*")
    table = page.locator("#object-table")
    expect(table).to_contain_text(name)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(BATCH)
    expect(rows.first).to_contain_text("河东区")
    expect(rows.first.locator("td").nth(5)).to_have_text(str(len(stored)))
    context.close()
    assert not problems, problems
