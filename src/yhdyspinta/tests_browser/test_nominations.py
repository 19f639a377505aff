"""An organisation contact answers a nomination round in the browser; the convener sees it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yhdyspinta.nominations.models import NominationRound

pytestmark = pytest.mark.browser


@pytest.fixture
def open_round(live_demo):
    round = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    round.deadline = timezone.localdate() + timedelta(days=5)
    round.term_starts_on = timezone.localdate() + timedelta(days=40)
    round.save()
    return round


def test_contact_answers_and_the_convener_closes(
    page, live_demo, log_in, open_round, check_accessibility
):
    log_in("joensuu")
    page.goto(f"{live_demo.url}/pohjois-karjala/")
    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Nimeämiset").click()
    check_accessibility(page, "nomination-rounds-contact")
    page.get_by_role("link", name="Kumppanuusryhmien jäsenet 2027–2028: Joensuun kaupunki").click()
    check_accessibility(page, "nomination-answer")

    # One member only: with fewer than two, the rule asks for a deputy.
    row1 = page.get_by_role("group", name="Rivi 1")
    row1.get_by_label("Henkilö", exact=True).select_option(index=1)
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page.get_by_text("jokainen varsinainen jäsen tarvitsee varajäsenen")).to_be_visible()
    check_accessibility(page, "nomination-answer-error")

    # Save a draft, come back, finish it.
    row2 = page.get_by_role("group", name="Rivi 2")
    row2.get_by_label("Etunimi (uusi henkilö)").fill("Ulla")
    row2.get_by_label("Sukunimi (uusi henkilö)").fill("Uusi-Nimetty")
    row2.get_by_label("Sähköposti").fill("ulla.uusi@example.org")
    row2.get_by_label("Rooli").select_option("deputy")
    row2.get_by_label("Varajäsen riville").fill("1")
    page.get_by_role("button", name="Tallenna luonnoksena").click()
    expect(page.get_by_text("Luonnos tallennettu.")).to_be_visible()
    page.reload()
    expect(
        page.get_by_role("group", name="Rivi 2").get_by_label("Etunimi (uusi henkilö)")
    ).to_have_value("Ulla")
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page.get_by_text("Kiitos: vastaus on lähetetty.")).to_be_visible()
    expect(page.get_by_role("heading", name="Lähetetyt versiot")).to_be_visible()

    page.get_by_role("button", name="Kirjaudu ulos").click()
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/nominations/{open_round.pk}/")
    # The board's row (the delivery report below has a row for its message too).
    row = page.get_by_role("row", name=re.compile(r"^Joensuun kaupunki"))
    expect(row).to_contain_text("Vastattu")
    expect(row).to_contain_text("Ulla Uusi-Nimetty")
    check_accessibility(page, "nomination-board")
    page.get_by_role("button", name="Sulje kierros ja luo jäsenyydet").click()
    # Closing cannot be undone: the page says what it does and who has not answered.
    expect(page.get_by_role("heading", name="Sulje kierros:")).to_be_visible()
    expect(page.get_by_text("eivät ole vastanneet")).to_be_visible()
    check_accessibility(page, "nomination-close-confirm")
    page.get_by_role("button", name="Sulje kierros", exact=True).click()
    expect(page.get_by_text("Kierros suljettu")).to_be_visible()
    page.goto(f"{live_demo.url}/pohjois-karjala/nominations/new/")
    check_accessibility(page, "nomination-round-new")
