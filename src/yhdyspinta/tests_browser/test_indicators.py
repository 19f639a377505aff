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
