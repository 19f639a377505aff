import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_annual_clock_plan_and_accept(page, live_demo, log_in, check_accessibility):
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/clock/?year=2026")
    expect(page.get_by_role("img", name="Vuosikello 2026: Pohjois-Karjala")).to_be_visible()
    check_accessibility(page, "annual-clock")
    first = (
        page.get_by_role("table", name="Ehdotetut päivät: hyväksy, siirrä tai poista")
        .get_by_role("row")
        .nth(1)
    )
    title = first.get_by_role("rowheader").inner_text()
    first.get_by_role("button", name="Hyväksy").click()
    expect(page.get_by_text(f"Suunniteltu: {title}")).to_be_visible()
    page.get_by_label("Taso", exact=True).select_option("coordinator_network")
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", name="Kuukausittain")).to_be_visible()
    check_accessibility(page, "annual-clock-filtered")
