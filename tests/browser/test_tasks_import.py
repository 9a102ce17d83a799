"""The 工作要点 import's preview in a real browser: a line corrected re-previews the tree with htmx
(the shared import flow's re-preview URL), then the plan is confirmed."""

import uuid

from tests.browser.test_navigation import signed_in


def test_a_pasted_plan_is_corrected_on_its_preview_and_confirmed(server, browser):
    context, page = signed_in(browser, server, "city_staff")
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    title = f"浏览器测试工作要点{uuid.uuid4().hex[:6]}"
    page.goto(f"{server}/tasks/import/")
    page.fill(
        "#id_text",
        f"{title}\n一、稳外贸。\n1．深化外贸企业包保服务。（牵头单位：外贸科）\n"
        "2．办好进出口商品展销会。（牵头单位：外贸科）\n各单位要抓好落实。",
    )
    page.click("[data-testid=upload-form] button[type=submit]")
    assert page.inner_text("[data-testid=task-count]") == "2"
    assert page.locator("[data-testid=import-tree] details").count() == 0  # no plan text yet
    # The closing line was read as part of task 2: marked as plan text, the tree follows.
    with page.expect_response(lambda r: r.url.endswith("/commit/") and r.status == 200):
        page.select_option("select[name=kind_5]", "preamble")
    page.wait_for_selector("[data-testid=import-tree] details")
    assert "总体要求与预期目标" in page.inner_text("[data-testid=import-tree]")
    assert page.inner_text("[data-testid=task-count]") == "2"
    page.click("[data-testid=confirm-import]")
    page.wait_for_load_state("networkidle")
    assert f"已导入“{title}”：1 个章节、2 项任务" in page.inner_text("body")
    assert "/assign/" in page.url
    context.close()
    assert not problems, problems
