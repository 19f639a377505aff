"""Browser tests: Debian's Chromium driven by Playwright (no browser download), axe-core
from axe-playwright-python for WCAG 2.1 AA."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_demo(live_server, transactional_db):
    """The demo data in the live server's database (transactional tests empty it)."""
    from yhdyspinta.testing.snapshot import demo_data

    demo_data()
    return live_server


@pytest.fixture
def page(browser, live_demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def check_accessibility():
    axe = Axe()

    def check(page, name: str):
        # A click that navigates returns before the new document is there: axe must not
        # start on the old one and see it replaced ("reading 'documentElement' of null").
        for attempt in range(3):
            page.wait_for_load_state("load")
            try:
                result = axe.run(page, options=WCAG_21_AA)
                break
            except PlaywrightError as error:
                replaced = "documentElement" in str(error) or "context was destroyed" in str(error)
                if not replaced or attempt == 2:
                    raise
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert result.violations_count == 0, f"{name}:\n{result.generate_report()}"

    return check


@pytest.fixture
def log_in(page, live_demo):
    def _log_in(username: str):
        page.goto(f"{live_demo.url}/accounts/login/")
        page.get_by_label("Käyttäjätunnus").fill(username)
        page.get_by_label("Salasana").fill("yhdyspinta-demo")
        page.get_by_role("button", name="Kirjaudu").last.click()
        page.wait_for_load_state()

    return _log_in
