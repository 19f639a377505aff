import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_coordinator_writes_the_welfare_report(page, live_demo, log_in, check_accessibility):
    """The coordinator opens the report from the menu, picks a municipality, writes the
    summary, saves, and finds the text kept for that report and year."""
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/")
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Hyvinvointikertomukset"
    ).click()
    page.get_by_label("Vuosi tai valtuustokauden ensimmäinen vuosi").select_option("2025")
    page.get_by_label("Raportti", exact=True).select_option("annual")
    page.get_by_label("Kohde", exact=True).select_option(label="Joensuun kaupunki")
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Vuosittainen hyvinvointikertomus 2025: Joensuun kaupunki"
    )
    expect(
        page.get_by_role("table", name="Alueen seuraamat indikaattorit, viimeisin vuosi")
    ).to_be_visible()
    check_accessibility(page, "welfare-report")
    page.get_by_label("Oma tekstisi: Yhteenveto").fill("Joensuun vuosi 2025 lyhyesti.")
    page.get_by_role("button", name="Tallenna tekstit").click()
    expect(page.get_by_text("Tallennettu. Muuttuneita osia: 1.")).to_be_visible()
    expect(page.get_by_label("Oma tekstisi: Yhteenveto")).to_have_value(
        "Joensuun vuosi 2025 lyhyesti."
    )
