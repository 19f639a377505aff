"""Safe by default in a real browser: a hostile upload is refused with a Finnish message
and nothing saved; a PDF is stored and served only to those allowed; an invited person
creates an account and lands in their area."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from weasyprint import HTML

from yhdyspinta.communications.services import deliver_due
from yhdyspinta.meetings.models import AgendaItem, Meeting

pytestmark = pytest.mark.browser


def test_hostile_upload_refused_and_pdf_served_only_to_the_areas_users(
    page, browser, live_demo, log_in, check_accessibility, tmp_path
):
    meeting = Meeting.objects.filter(body__area__slug="pohjois-karjala", status="planned").first()
    hostile = tmp_path / "liite.pdf"
    hostile.write_text("<html><script>fetch('/pohjois-karjala/people/')</script></html>")
    real = tmp_path / "taustamuistio.pdf"
    real.write_bytes(HTML(string="<p>Taustamuistio</p>").write_pdf())

    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Lisää asiakohta").click()
    page.get_by_label("Otsikko").fill("Taustamuistio")
    page.get_by_label("Liite").set_input_files(str(hostile))
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("Tämän tyyppistä tiedostoa ei voi tallentaa").first).to_be_visible()
    expect(page.get_by_label("Otsikko")).to_have_value("Taustamuistio")
    assert not AgendaItem.objects.filter(meeting=meeting, title="Taustamuistio").exists()
    check_accessibility(page, "upload-refused")

    page.get_by_label("Liite").set_input_files(str(real))
    page.get_by_role("button", name="Tallenna").click()
    link = page.get_by_role("link", name="Liite").first
    expect(link).to_be_visible()
    address = link.get_attribute("href")
    assert "/media/" not in address
    response = page.request.get(live_demo.url + address)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body().startswith(b"%PDF")

    # The invitation is previewed with its recipients, then sent with a cover text.
    page.goto(f"{live_demo.url}/pohjois-karjala/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Lähetä kokouskutsut").click()
    expect(page.get_by_role("heading", name="Tarkista kutsu")).to_be_visible()
    check_accessibility(page, "invitation-preview")
    page.get_by_label("Saate (vapaaehtoinen)").fill("Tervetuloa kokoukseen.")
    page.get_by_role("button", name="Lähetä kokouskutsut").click()
    expect(page.get_by_text("Kutsu on jonossa")).to_be_visible()
    expect(page.get_by_role("heading", name="Toimitusraportti")).to_be_visible()

    anonymous = browser.new_context()
    try:
        answer = anonymous.request.get(live_demo.url + address, max_redirects=0)
        assert answer.status == 302
        assert "/accounts/login/" in answer.headers["location"]
    finally:
        anonymous.close()


def test_invited_person_creates_an_account_and_lands_in_the_area(
    page, live_demo, log_in, check_accessibility
):
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/")
    page.get_by_role("link", name="Käyttäjät ja roolit").click()
    check_accessibility(page, "users-and-roles")
    page.get_by_label("Sähköposti").fill("uusi.jasen@example.org")
    page.get_by_label("Rooli").select_option("member")
    page.get_by_role("button", name="Lähetä kutsu").click()
    expect(
        page.get_by_text("Kutsu lähetettiin osoitteeseen uusi.jasen@example.org")
    ).to_be_visible()
    deliver_due()  # what the task worker does after the commit
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.get_by_role("button", name="Kirjaudu ulos").click()

    page.goto(live_demo.url + path)
    check_accessibility(page, "invitation-accept")
    page.get_by_label("Etunimi").fill("Uusi")
    page.get_by_label("Sukunimi").fill("Jäsen")
    page.get_by_label("Käyttäjätunnus").fill("uusi.jasen")
    page.locator("#id_password1").fill("Kuusi-koivua-rannalla-7")
    page.locator("#id_password2").fill("Kuusi-koivua-rannalla-7")
    page.get_by_role("button", name="Luo tili").click()
    expect(page.get_by_text("Tervetuloa! Käyttäjätilisi on valmis.")).to_be_visible()
    expect(page.get_by_role("link", name="Henkilöt")).to_be_visible()
