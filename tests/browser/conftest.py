"""The browser tests' fixtures: the run's one server (``server.shared``) and a Chromium per worker.

The tests share the server's demo city, so each either only reads it or writes records of its
own (the grid test enters a month the demo leaves empty; the visit test adds its own visit) and
asserts on those alone.
"""

import os

import pytest

from tests.browser import server as platform

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def server():
    """The run's server (the controlling process stops it when the run ends: root conftest)."""
    return platform.shared(os.environ[platform.RUN])


@pytest.fixture(scope="session")
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
