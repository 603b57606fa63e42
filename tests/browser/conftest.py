"""What every browser test shares: Debian's Chromium driven by Playwright (never `playwright install`, never a
download) and a desktop-sized page. `base_url` (tests/conftest.py) serves the tiny index; a module overrides it to
serve another. Needs /usr/bin/chromium (`make test` installs it)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (make test installs it: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser):
    """One desktop-sized page (1280 x 900) for the module's tests, downloads allowed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()
