import re

import pytest
from playwright.sync_api import expect

from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.outreach.models import Forum, Letter, Registration

pytestmark = pytest.mark.browser


def test_a_letter_is_written_and_sent_and_a_visitor_registers_for_a_forum(
    page, live_demo, log_in, check_accessibility
):
    """The coordinator writes a letter with the toolbar, chooses its readers, looks at
    the count, sends it after the confirmation, and finds it in the archive."""
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/")
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Kirje ja foorumi"
    ).click()
    page.get_by_role("link", name="Uusi kirje").click()
    page.get_by_role("textbox", name=re.compile("^Kirjeen otsikko")).fill("Hyte-kirje, joulu 2026")
    text = page.get_by_label("Teksti", exact=True)
    text.fill("Joulun terveiset verkostolle")
    text.select_text()
    page.get_by_role("toolbar", name="Muotoilu").get_by_role("button", name="Väliotsikko").click()
    expect(page.locator(".markdown-preview h3")).to_have_text("Joulun terveiset verkostolle")
    page.get_by_label("Kirjeen julkiset tilaajat").check()
    check_accessibility(page, "letter-form")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hyte-kirje, joulu 2026")
    expect(page.get_by_text("2 osoitetta saisi kirjeen.")).to_be_visible()
    check_accessibility(page, "letter")
    page.get_by_role("button", name="Lähetä kirje").click()
    expect(page.get_by_text("Kirje lähtee 2 osoitteeseen, kullekin oma viesti.")).to_be_visible()
    page.get_by_role("button", name="Lähetä kirje").click()
    expect(page.get_by_text("Kirje on matkalla 2 vastaanottajalle.")).to_be_visible()
    letter = Letter.objects.get(title="Hyte-kirje, joulu 2026")
    assert letter.status == "sent"
    messages = OutgoingMessage.objects.filter(kind="letter", about_id=letter.pk)
    assert messages.count() == 2
    assert all("List-Unsubscribe" in m.headers for m in messages)
    page.get_by_role("link", name="Hyte-kirje ja -foorumi").first.click()
    expect(page.get_by_role("link", name="Hyte-kirje, joulu 2026")).to_be_visible()

    # A visitor (logged out) opens the coming forum from the public pages, registers,
    # and is told that the confirmation (which says whether there is a place) is on its
    # way: the places in person are taken, so they are on the waiting list.
    # One test with the letter: each browser test loads the demo anew.
    page.context.clear_cookies()
    page.goto(f"{live_demo.url}/pohjois-karjala/letters/")
    page.get_by_role("link", name="Hyte-foorumi, kevät", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hyte-foorumi, kevät")
    check_accessibility(page, "forum")
    form = page.locator("form.edit-form")
    form.get_by_label("Nimi").fill("Tuula Vierailija")
    form.get_by_label("Sähköposti").fill("tuula@example.org")
    form.get_by_label("Organisaatio", exact=True).fill("Kyläyhdistys ry")
    form.get_by_label("Organisaation laji").select_option(label="Järjestö")
    form.get_by_role("button", name="Ilmoittaudu").click()
    told = page.get_by_text(re.compile("Vahvistus on matkalla osoitteeseen tuula@"))
    expect(told).to_be_visible()
    registration = Registration.objects.get(email="tuula@example.org")
    assert registration.status == "waiting"
    assert registration.forum == Forum.objects.get(title="Hyte-foorumi, kevät")
    expect(page.get_by_text("Tuula Vierailija")).to_have_count(0)
