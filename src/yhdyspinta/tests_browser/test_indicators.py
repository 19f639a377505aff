import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_municipality_profile_and_indicator_pages(page, live_demo, check_accessibility):
    page.goto(f"{live_demo.url}/pohjois-karjala/")
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Tilannekuva"
    ).click()
    check_accessibility(page, "situational-picture")
    page.get_by_role("link", name="Joensuun kaupunki").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kuntaprofiili: Joensuun kaupunki")
    expect(page.get_by_text("THL, Sotkanet.fi, CC BY 4.0")).to_be_visible()
    check_accessibility(page, "municipality-profile")
    page.get_by_role("link", name="Työttömät, % työvoimasta (synteettinen)").click()
    expect(page.get_by_role("img")).to_be_visible()
    page.get_by_label("Sukupuoli", exact=True).select_option("female")
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("table", name="Arvot vuosittain")).to_be_visible()
    check_accessibility(page, "indicator-detail")
    page.get_by_role("link", name="Vertaa kuntia").click()
    check_accessibility(page, "indicator-comparison")
    page.goto(f"{live_demo.url}/pohjois-karjala/indicators/?q=nuoret")
    check_accessibility(page, "indicator-search")


def test_the_kerroin_cockpit_from_the_situational_picture(
    page, live_demo, log_in, check_accessibility
):
    """A coordinator opens the cockpit, reads the weakest indicator and its measures, goes
    to a municipality, and as the administrator reaches the sets and the parameters."""
    page.goto(f"{live_demo.url}/pohjois-karjala/")
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Tilannekuva"
    ).click()
    page.get_by_role("link", name="HYTE-kerroin", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HYTE-kerroin: Pohjois-Karjala")
    expect(page.get_by_text("Esittelyaineisto.")).to_be_visible()  # synthetic, and says so
    expect(page.get_by_role("heading", name="Kertoimen arvio")).to_be_visible()
    table = page.get_by_role("table", name="HYTE-kertoimen indikaattorit")
    expect(table.get_by_role("row")).to_have_count(8)  # a header and the seven indicators
    expect(table.get_by_role("link", name="Elintapaneuvonta", exact=True)).to_be_visible()
    check_accessibility(page, "kerroin-area")
    page.get_by_role("navigation", name="Näkymät").get_by_role(
        "link", name="Joensuun kaupunki"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HYTE-kerroin: Joensuun kaupunki")
    check_accessibility(page, "kerroin-municipality")
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/indicators/kerroin/")
    page.get_by_role("link", name="Muokkaa parametreja").click()
    expect(page.get_by_label("alueen asukasluku")).to_have_value("163000")
    check_accessibility(page, "kerroin-parameters")
    page.goto(f"{live_demo.url}/pohjois-karjala/indicators/sets/")
    expect(page.get_by_text("Alue seuraa tämän joukon 7 indikaattoria.")).to_be_visible()
    check_accessibility(page, "indicator-sets")
