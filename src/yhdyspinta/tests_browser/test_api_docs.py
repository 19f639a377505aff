"""The API's documentation page is a page of the site: it has a language, passes
axe-core on a desktop and on a phone (375 px), and is no wider than the phone."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 375])
def test_the_api_documentation_passes_axe(browser, live_demo, check_accessibility, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.goto(live_demo.url + "/api/v1/docs")
    assert page.evaluate("document.documentElement.lang") == "fi"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    check_accessibility(page, f"api-docs-{width}")
    context.close()
