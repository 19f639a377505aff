"""A secretary's whole round: create a negotiation, record attendance, write and approve
the minutes, publish them, and see the dashboard turn green."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_negotiation_from_creation_to_a_green_dashboard(
    page, live_demo, log_in, check_accessibility
):
    log_in("paakayttaja")
    year = (timezone.localdate() - timedelta(days=3)).year
    page.goto(f"{live_demo.url}/pohjois-karjala/obligations/?year={year}")
    kitee = page.get_by_role("row", name="Kiteen kaupunki")
    # The southern group has held no negotiation this year.
    expect(kitee.get_by_role("cell").nth(0)).to_contain_text("Ei täyty")
    check_accessibility(page, "obligations-dashboard")

    page.goto(f"{live_demo.url}/pohjois-karjala/bodies/")
    page.get_by_role("link", name="Eteläinen alueen kumppanuusryhmä").click()
    page.get_by_role("link", name="Uusi kokous").click()
    check_accessibility(page, "meeting-new")
    start = timezone.localtime() - timedelta(days=3)
    page.get_by_label("Tyyppi").select_option("negotiation")
    page.get_by_label("Kokouksen otsikko").fill("Eteläinen: hyte-neuvottelu selaintestissä")
    # End before start first: a clear message and nothing lost.
    page.get_by_label("Alkaa").fill(start.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Päättyy").fill(start.strftime("%Y-%m-%dT09:00"))
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("alert").first).to_contain_text("Kokouksen on päätyttävä")
    expect(page.get_by_label("Kokouksen otsikko")).to_have_value(
        "Eteläinen: hyte-neuvottelu selaintestissä"
    )
    page.get_by_label("Päättyy").fill(start.strftime("%Y-%m-%dT12:00"))
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Eteläinen: hyte-neuvottelu selaintestissä"
    )

    page.get_by_role("link", name="Lisää asiakohta").click()
    page.get_by_label("Otsikko").fill("Hyvinvointisuunnitelman toimenpiteet")
    page.get_by_label("Ehdotus").fill("Sovitaan yhteisistä toimenpiteistä.")
    page.get_by_role("button", name="Tallenna").click()
    check_accessibility(page, "meeting-detail")

    page.get_by_role("button", name="Merkitse pidetyksi").click()
    expect(page.get_by_text("Merkitty pidetyksi.")).to_be_visible()
    page.get_by_role("link", name="Kirjaa läsnäolot").click()
    check_accessibility(page, "attendance")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Tallenna läsnäolot").click()
    expect(page.get_by_text("Läsnäolot tallennettu.")).to_be_visible()
    parties = page.get_by_role("table", name="Läsnä olleet osapuolet")
    expect(parties.get_by_role("row", name="Yritykset")).to_contain_text("kyllä")

    page.get_by_role("button", name="Kirjoita muistio").click()
    check_accessibility(page, "minutes-edit")
    page.get_by_label("Päätös").first.fill("Sovittiin kolmesta yhteisestä toimenpiteestä.")
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_role("link", name="Lisää teematyöryhmä").click()
    check_accessibility(page, "theme-group")
    page.get_by_label("Ryhmä").fill("Ryhmä 1")
    page.get_by_label("Idea").first.fill(
        "Yhteinen liikuntatapahtuma kuntien ja järjestöjen kanssa."
    )
    page.get_by_role("button", name="Tallenna").click()
    check_accessibility(page, "minutes-draft")
    # Nothing is preselected: the secretary says how (the day is today's).
    expect(page.get_by_role("radio", name=re.compile("Puheenjohtaja hyväksyi"))).not_to_be_checked()
    page.get_by_role("radio", name=re.compile("Puheenjohtaja hyväksyi")).check()
    page.get_by_role("button", name="Hyväksy muistio").click()
    expect(page.get_by_text("Muistio hyväksytty.")).to_be_visible()
    page.get_by_role("button", name="Julkaise muistio").click()
    expect(page.get_by_text("Muistio julkaistu.")).to_be_visible()

    page.goto(f"{live_demo.url}/pohjois-karjala/obligations/?year={start.year}")
    kitee = page.get_by_role("row", name="Kiteen kaupunki")
    expect(kitee.get_by_role("cell").nth(0)).to_contain_text("Täyttyy")
    expect(
        kitee.get_by_role("link", name="Eteläinen: hyte-neuvottelu selaintestissä")
    ).to_be_visible()

    # The public reads the published minutes without logging in.
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.goto(f"{live_demo.url}/pohjois-karjala/meetings/")
    page.get_by_role("link", name="Eteläinen: hyte-neuvottelu selaintestissä").click()
    page.get_by_role("link", name="Lue julkaistu muistio").click()
    expect(page.get_by_text("Sovittiin kolmesta yhteisestä toimenpiteestä.")).to_be_visible()
    check_accessibility(page, "published-minutes")
