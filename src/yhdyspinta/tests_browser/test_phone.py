"""On a phone (375 px) no main page is wider than the screen, in Finnish or Swedish, and
the main navigation folds behind a menu button."""

import pytest
from playwright.sync_api import expect

from yhdyspinta.agreements.models import AgreementVersion
from yhdyspinta.bodies.models import Body
from yhdyspinta.meetings.models import Meeting, Minutes
from yhdyspinta.nominations.models import NominationRound
from yhdyspinta.outreach.models import Forum, Letter
from yhdyspinta.programme.models import Programme

pytestmark = pytest.mark.browser

AREA = "/pohjois-karjala"
PUBLIC_PAGES = [
    "/",
    "/national/",
    AREA + "/",
    AREA + "/bodies/",
    AREA + "/clock/",
    AREA + "/meetings/",
    AREA + "/obligations/",
    AREA + "/organisations/",
    AREA + "/indicators/",
    AREA + "/indicators/kerroin/",
    AREA + "/indicators/sets/",
    AREA + "/settings/",
    AREA + "/letters/",
    AREA + "/letters/subscribe/",
]


def _private_pages() -> list[str]:
    body = Body.objects.filter(area__slug="pohjois-karjala").order_by("pk").first()
    meeting = Meeting.objects.filter(body__area__slug="pohjois-karjala", status="published").first()
    minutes = Minutes.objects.filter(meeting__body__area__slug="pohjois-karjala").first()
    round_ = NominationRound.objects.filter(area__slug="pohjois-karjala").first()
    version = AgreementVersion.objects.filter(agreement__area__slug="pohjois-karjala").first()
    programme = Programme.objects.filter(area__slug="pohjois-karjala").first()
    letter = Letter.objects.filter(area__slug="pohjois-karjala", status="draft").first()
    forum = Forum.objects.filter(area__slug="pohjois-karjala").first()
    return [
        AREA + "/my-tasks/",
        AREA + f"/bodies/{body.pk}/",
        AREA + f"/meetings/{meeting.pk}/",
        AREA + f"/meetings/{meeting.pk}/attendance/",
        AREA + f"/minutes/{minutes.pk}/",
        AREA + "/people/",
        AREA + "/nominations/",
        AREA + f"/nominations/{round_.pk}/",
        AREA + "/agreements/",
        AREA + f"/agreements/{version.agreement_id}/v{version.number}/",
        AREA + f"/programme/{programme.pk}/",
        AREA + f"/programme/{programme.pk}/progress/",
        AREA + "/clock/events/",
        AREA + "/reports/",
        AREA + "/users/",
        AREA + "/letters/new/",
        AREA + f"/letters/{letter.pk}/",
        AREA + f"/forums/{forum.pk}/",
        AREA + f"/forums/{forum.pk}/participants/",
    ]


def _too_wide(page, url: str) -> str:
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= 376:
        return ""
    culprit = page.evaluate(
        """() => {
          const wide = [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > 376 && !e.closest('.table-scroll');
          });
          const e = wide[wide.length - 1];
          return e ? e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60) : '';
        }"""
    )
    return f"{url}: {width} px ({culprit})"


def test_no_main_page_is_wider_than_a_phone(browser, live_demo, log_in):
    for language in ("fi", "sv"):
        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fi-FI")
        page = context.new_page()
        page.set_default_timeout(15000)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_demo.url}])
        wide = [_too_wide(page, live_demo.url + path) for path in PUBLIC_PAGES]
        page.goto(f"{live_demo.url}/accounts/login/")
        page.locator("input[name=username]").fill("paakayttaja")
        page.locator("input[name=password]").fill("yhdyspinta-demo")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        wide += [_too_wide(page, live_demo.url + path) for path in _private_pages()]
        context.close()
        wide = [w for w in wide if w]
        assert not wide, f"{language}: " + "; ".join(wide)


def test_the_navigation_folds_on_a_phone(browser, live_demo):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fi-FI")
    page = context.new_page()
    page.goto(live_demo.url + AREA + "/")
    nav = page.get_by_role("navigation", name="Päävalikko")
    menu = nav.get_by_role("button", name="Valikko")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Toimielimet")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")  # closes it and returns to the button
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    menu.click()
    nav.get_by_role("link", name="Toimielimet").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    desktop = wide.new_page()
    desktop.goto(live_demo.url + AREA + "/")
    nav = desktop.get_by_role("navigation", name="Päävalikko")
    expect(nav.get_by_role("button", name="Valikko")).to_be_hidden()
    expect(nav.get_by_role("link", name="Toimielimet")).to_be_visible()
    wide.close()


def test_by_keyboard_the_skip_link_comes_first_and_a_failed_submit_is_announced(browser, live_demo):
    """On the login page the first Tab reaches the skip link, not the fields; after a
    failed submit focus is on the error summary (role alert), which says what failed."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fi-FI")
    page = context.new_page()
    page.goto(live_demo.url + "/accounts/login/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Siirry sisältöön")).to_be_focused()
    page.get_by_label("Käyttäjätunnus").fill("jasen")
    page.get_by_label("Salasana").fill("väärä salasana")
    page.get_by_role("button", name="Kirjaudu").last.click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary").first
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    context.close()
