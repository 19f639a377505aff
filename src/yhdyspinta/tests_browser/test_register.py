"""The area administrator fills in the register template and imports it through the
page on a phone (375 px): the preview says what would be created, nothing is written
until the import is confirmed, and then the rows are there; then brings THL's list as an
indicator set of the area's own."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yhdyspinta.parties.models import Organisation, Person
from yhdyspinta.register import workbook
from yhdyspinta.register.models import RegisterRun
from yhdyspinta.register.services import register_run

pytestmark = pytest.mark.browser


def test_a_filled_template_is_previewed_and_imported_on_a_phone(
    browser, live_demo, check_accessibility, tmp_path
):
    filled = tmp_path / "uudet.xlsx"
    with filled.open("wb") as out:
        workbook.write(
            {
                "organisations": [
                    {"name": "Kylätalon yhdistys ry", "kind": "ngo", "post_office": "Lieksa"}
                ],
                "people": [
                    {
                        "first_name": "Ilmari",
                        "last_name": "Uusinen",
                        "email": "ilmari.uusinen@example.org",
                        "organisation": "Kylätalon yhdistys ry",
                    }
                ],
            },
            out,
        )
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fi-FI")
    page = context.new_page()
    page.goto(f"{live_demo.url}/accounts/login/")
    page.get_by_label("Käyttäjätunnus").fill("paakayttaja")
    page.get_by_label("Salasana").fill("yhdyspinta-demo")
    page.get_by_role("button", name="Kirjaudu").last.click()
    page.goto(f"{live_demo.url}/pohjois-karjala/settings/")
    page.get_by_role("link", name="Rekisterityökirja", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rekisterityökirja")
    with page.expect_download() as template:
        page.get_by_role("link", name="Lataa tyhjä pohja (XLSX)").click()
    parsed = workbook.read(io.BytesIO(Path(template.value.path()).read_bytes()))
    assert parsed.problems == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_accessibility(page, "register-phone")

    page.get_by_label("Rekisterityökirja (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Näytä, mitä muuttuisi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Esikatselu: uudet.xlsx")
    register_run.call(str(RegisterRun.objects.get(preview=True).pk))  # the worker's turn
    expect(page.get_by_text("Tiedosto tekisi nämä muutokset.")).to_be_visible()
    assert not Organisation.objects.filter(name="Kylätalon yhdistys ry").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_accessibility(page, "register-preview-phone")

    page.get_by_role("button", name="Tuo tiedosto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuonti: uudet.xlsx")
    register_run.call(str(RegisterRun.objects.get(preview=False).pk))
    expect(page.get_by_text("Tiedosto tuotiin.")).to_be_visible()
    person = Person.objects.get(email="ilmari.uusinen@example.org")
    assert person.organisation.name == "Kylätalon yhdistys ry"
    assert person.history.first().history_change_reason == "Rekisteritiedosto uudet.xlsx"

    # THL's list as an indicator set of the area's own: its columns guessed on the preview.
    listing = tmp_path / "vahimmaistiedot.csv"
    listing.write_text("Tunniste;Indikaattori;Sotkanet-id;Suunta\n1;Koettu terveys;4510;alas\n")
    page.goto(f"{live_demo.url}/pohjois-karjala/indicators/sets/")
    page.get_by_role("link", name="Joukko omasta tiedostosta").click()
    page.get_by_label("Luettelo (.xlsx tai .csv)").set_input_files(str(listing))
    page.get_by_role("button", name="Lue luettelo").click()
    expect(page.get_by_label("Sotkanet-numeron sarake")).to_have_value("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_accessibility(page, "own-set-phone")
    page.get_by_role("button", name="Tallenna joukko").click()
    expect(page.get_by_text("tallennettiin versiona 1, jossa on 1 indikaattoria")).to_be_visible()
    context.close()
