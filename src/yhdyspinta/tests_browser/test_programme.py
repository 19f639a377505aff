"""A municipality contact reports its measures; the area admin sees the progress change."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_contact_reports_and_progress_changes(page, live_demo, log_in, check_accessibility):
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/programme/")
    check_accessibility(page, "programme")
    page.get_by_role("link", name="Eteneminen ja mittarit").click()
    page.get_by_label("Vuosi", exact=True).select_option("2026")
    page.get_by_role("button", name="Näytä").click()
    row = page.get_by_role("table", name="Toimenpiteet kunnittain").get_by_role(
        "row", name="Joensuun kaupunki"
    )
    before = row.get_by_role("cell").nth(2).inner_text()  # "Toteutettu" column
    check_accessibility(page, "programme-progress")
    page.get_by_role("button", name="Kirjaudu ulos").click()

    log_in("joensuu")
    page.goto(f"{live_demo.url}/pohjois-karjala/programme/")
    page.get_by_role("link", name="Seuranta 2026: Joensuun kaupunki").click()
    check_accessibility(page, "programme-tasks")
    first = page.locator("fieldset.formset").first
    first.get_by_label("Tila").select_option("done")
    first.get_by_label("Selvitys").fill("Toteutettiin kaikissa kouluissa syksyllä.")
    page.get_by_role("button", name="Tallenna raportti").click()
    expect(page.get_by_text("Raportti tallennettiin. Kiitos.")).to_be_visible()
    page.get_by_role("button", name="Kirjaudu ulos").click()

    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/programme/")
    page.get_by_role("link", name="Eteneminen ja mittarit").click()
    page.get_by_label("Vuosi", exact=True).select_option("2026")
    page.get_by_role("button", name="Näytä").click()
    row = page.get_by_role("table", name="Toimenpiteet kunnittain").get_by_role(
        "row", name="Joensuun kaupunki"
    )
    after = row.get_by_role("cell").nth(2).inner_text()
    assert int(after.replace("–", "0")) == int(before.replace("–", "0")) + 1


def test_an_organisation_reports_its_follow_up_by_its_own_link_on_a_phone(
    browser, live_demo, check_accessibility
):
    """At 375 px, without an account: the link from the outbox opens the organisation's
    measures, a report is sent and kept as that organisation's, by the link; the page is
    no wider than the screen and passes axe."""
    from yhdyspinta.communications.models import OutgoingMessage
    from yhdyspinta.consultations.models import AnswerChannel
    from yhdyspinta.programme.models import MeasureReport

    message = (
        OutgoingMessage.objects.filter(kind="follow_up", area__slug="pohjois-karjala")
        .exclude(link="")
        .first()
    )
    path = "/" + message.link.split("/", 3)[3]
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fi-FI")
    page = context.new_page()
    page.goto(live_demo.url + path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(message.organisation.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_accessibility(page, "follow-up-by-link-phone")
    first = page.locator("fieldset.formset").first
    first.get_by_label("Tila").select_option("ongoing")
    first.get_by_label("Selvitys").fill("Käynnissä kahdessa kylässä; jatkuu keväällä.")
    page.get_by_role("button", name="Tallenna raportti").click()
    expect(page.get_by_text("Raportti tallennettiin. Kiitos.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    report = MeasureReport.objects.filter(organisation=message.organisation).latest("created_at")
    assert report.account == "Käynnissä kahdessa kylässä; jatkuu keväällä."
    assert report.channel == AnswerChannel.LINK
    assert report.reported_by is None
    # A link that is not valid: a Finnish page that says so.
    page.goto(live_demo.url + "/follow-up/ei-kelpaa/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Linkkiä ei voi käyttää")
    context.close()
