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
