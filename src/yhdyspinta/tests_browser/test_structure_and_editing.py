import re

import pytest
from playwright.sync_api import expect

from yhdyspinta.parties.models import Organisation

pytestmark = pytest.mark.browser


def test_public_pages_are_finnish_and_accessible(page, live_demo, check_accessibility):
    page.goto(live_demo.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hyvinvoinnin ja terveyden edistämisen yhteistyö"
    )
    check_accessibility(page, "home")
    page.get_by_role("link", name=re.compile("valtakunnallinen kuva", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valtakunnallinen kuva")
    check_accessibility(page, "national")
    page.go_back()
    page.get_by_role("link", name="Pohjois-Karjala").click()
    expect(page.locator("svg.structure-svg")).to_be_visible()
    check_accessibility(page, "overview")
    for name in ("Toimielimet", "Organisaatiot", "Seudut, teemat ja valtuustokaudet"):
        page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name=name).click()
        check_accessibility(page, "public-" + name.split(",")[0].lower())


def test_log_in_open_the_structure_picture_and_a_body(page, live_demo, log_in, check_accessibility):
    log_in("paakayttaja")
    expect(page.get_by_text("Pirkko Pääkäyttäjä")).to_be_visible()
    page.goto(live_demo.url + "/pohjois-karjala/")
    picture = page.get_by_role("group", name=re.compile("yhteistyörakenne"))
    expect(picture).to_be_visible()
    # Boxes in the picture are links to the bodies.
    picture.locator("a", has_text="Hyte-koordinaattoriverkosto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hyte-koordinaattoriverkosto")
    expect(page.get_by_text("6–8 × kokous vuodessa")).to_be_visible()
    check_accessibility(page, "body-detail")
    page.get_by_role("link", name="Muutoshistoria").click()
    check_accessibility(page, "body-history")
    page.goto(live_demo.url + "/pohjois-karjala/bodies/")
    # The search narrows the table as one types (htmx asks the server for the table).
    page.get_by_role("searchbox", name="Hae").or_(page.get_by_label("Hae")).first.fill("Keskinen")
    table = page.locator("#body-table")
    expect(table.get_by_role("link", name="Hyte-koordinaattoriverkosto")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=Keskinen"))
    check_accessibility(page, "body-list-search")
    table.get_by_role("link", name="Keskinen alueen kumppanuusryhmä").click()
    page.get_by_role("link", name="Muokkaa toimielintä").click()
    check_accessibility(page, "body-edit")


def test_admin_edits_an_organisation(page, live_demo, log_in, check_accessibility):
    log_in("paakayttaja")
    page.goto(live_demo.url + "/pohjois-karjala/organisations/")
    check_accessibility(page, "organisations-logged-in")
    # The htmx filter narrows the table without a page load.
    page.get_by_label("Tyyppi").select_option("municipality")
    expect(page.get_by_text("13 organisaatiota")).to_be_visible()
    page.get_by_role("link", name="Joensuun kaupunki").click()
    check_accessibility(page, "organisation-detail")
    page.get_by_role("link", name="Muokkaa organisaatiota").click()
    check_accessibility(page, "organisation-edit")

    # A wrong check digit: a clear Finnish message, and what was typed stays.
    page.get_by_label("Y-tunnus").fill("0242746-3")
    page.get_by_label("Katuosoite").fill("Torikatu 1")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("alert").first).to_contain_text("tarkistusnumero on väärä")
    expect(page.get_by_label("Katuosoite")).to_have_value("Torikatu 1")
    check_accessibility(page, "organisation-edit-error")

    page.get_by_label("Y-tunnus").fill("0242746-2")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    expect(page.get_by_text("Torikatu 1, 80100 Joensuu")).to_be_visible()
    assert Organisation.objects.get(municipality_number="167").street_address == "Torikatu 1"

    page.get_by_role("link", name="Muutoshistoria").click()
    expect(page.get_by_role("cell", name="paakayttaja", exact=True).first).to_be_visible()
    check_accessibility(page, "organisation-history")


def test_organisation_contact_edits_only_own_organisation(page, live_demo, log_in):
    log_in("joensuu")
    page.goto(live_demo.url + "/pohjois-karjala/organisations/")
    page.get_by_role("link", name="Joensuun kaupunki").click()
    page.get_by_role("link", name="Muokkaa organisaatiota").click()
    expect(page.get_by_label("Y-tunnus")).to_be_disabled()
    page.get_by_label("Postitoimipaikka").fill("Joensuu (keskusta)")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Tallennettu.")).to_be_visible()
    assert Organisation.objects.get(municipality_number="167").post_office == "Joensuu (keskusta)"
    # Another municipality's page offers this contact no edit button.
    page.goto(live_demo.url + "/pohjois-karjala/organisations/")
    page.get_by_role("link", name="Kiteen kaupunki").click()
    expect(page.get_by_role("link", name="Muokkaa organisaatiota")).to_have_count(0)


def test_people_and_member_forms_are_accessible(page, live_demo, log_in, check_accessibility):
    log_in("paakayttaja")
    for path, name in (
        ("/pohjois-karjala/people/", "people"),
        ("/pohjois-karjala/counterparts/", "counterparts"),
        ("/pohjois-karjala/people/new/", "person-new"),
        ("/pohjois-karjala/organisations/new/", "organisation-new"),
        ("/pohjois-karjala/counterparts/new/", "counterpart-new"),
    ):
        page.goto(live_demo.url + path)
        check_accessibility(page, name)
    page.goto(live_demo.url + "/pohjois-karjala/people/")
    page.locator("table.data tbody a").first.click()
    check_accessibility(page, "person-detail")
    page.goto(live_demo.url + "/pohjois-karjala/bodies/")
    page.get_by_role("link", name="Hyte-koordinaattoriverkosto").click()
    page.get_by_role("link", name="Lisää jäsen").click()
    check_accessibility(page, "membership-new")


def test_language_switcher(page, live_demo):
    page.goto(live_demo.url + "/pohjois-karjala/")
    page.get_by_label("Kieli").select_option("sv")
    page.get_by_role("button", name="Vaihda kieli").click()
    expect(page.get_by_role("heading", name="Samarbetsstruktur")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
