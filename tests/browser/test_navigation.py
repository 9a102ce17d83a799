"""A real browser (Debian's Chromium driven by Playwright) signs in as each persona and opens
every navigation page: no console error, no failed request, no request to another host.

The platform runs as a separate server process on its own fresh database (SQLite, or a
PostgreSQL database when DATABASE_URL points at PostgreSQL), built by `shangwu demo_data`.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Shangwu@2026demo"
PERSONAS = [
    "leader",
    "city_staff",
    "county_a",
    "county_b",
    "township_a1",
    "enterprise",
    "sysadmin",
    "secadmin",
    "auditor",
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    import psycopg

    name = f"shangwu_browser_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    url = urlparse(base)
    with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url._replace(path=f"/{name}").geturl()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(tmp),
        SHANGWU_VAR_DIR=str(tmp),
        DEBUG="0",
        SECURE_COOKIES="0",
        WHITENOISE_USE_FINDERS="1",
        SHANGWU_TESTING="1",
        VENDOR_STATIC_DIR=str(ROOT / "var" / "vendor-static"),
    )
    manage = [sys.executable, "-m", "shangwu"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "demo_data", "--size", "small"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "shangwu.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


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
