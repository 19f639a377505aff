"""A comment round on a new agreement version, taken through in the browser: the
administrator drafts the version and opens the round, a municipality comments section
by section, the preparer records the handling; axe-core checks every new page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yhdyspinta.agreements.models import Agreement, Comment
from yhdyspinta.parties.models import Organisation

pytestmark = pytest.mark.browser


def test_comment_round_through_the_browser(page, live_demo, log_in, check_accessibility):
    agreement = Agreement.objects.get(area__slug="pohjois-karjala", versions__number=2)
    in_force = agreement.versions.get(number=2)
    in_force.valid_until = timezone.localdate() + timedelta(days=90)
    in_force.save()
    base = f"{live_demo.url}/pohjois-karjala/agreements"
    # A party without an e-mail address (neither a contact user nor a general address).
    Organisation.objects.filter(name="Kiteen kaupunki").update(email="")
    log_in("paakayttaja")
    page.goto(f"{live_demo.url}/pohjois-karjala/")
    expect(page.get_by_role("button", name="Aloita arviointikierros")).to_be_visible()
    check_accessibility(page, "overview-agreement-expires")
    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Sopimukset").click()
    check_accessibility(page, "agreements-list")
    page.get_by_role("link", name=agreement.title).click()
    check_accessibility(page, "agreement")
    page.get_by_role("button", name="Aloita uusi versio (kopioi uusimman)").click()
    expect(page.get_by_text("Versio 3 tehtiin edellisen kopiona.")).to_be_visible()
    check_accessibility(page, "agreement-version-draft")

    page.get_by_role("link", name="Muokkaa kohtaa 9").click()
    page.get_by_label("Teksti").fill("Viestintävastuu on koollekutsujalla. **Uutta:** hytekirje.")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_text("Uutta:")).to_be_visible()

    page.goto(f"{base}/{agreement.pk}/compare/?old=2&new=3")
    expect(page.get_by_text("1 kohta eroaa.")).to_be_visible()
    check_accessibility(page, "agreement-compare")

    page.goto(f"{base}/{agreement.pk}/v3/responsibilities/")
    page.get_by_label("Uusi tehtävä").first.fill("Hyte-kertoimien seuranta")
    page.get_by_role("button", name="Tallenna taulukko").click()
    expect(page.get_by_label("Tehtävä").last).to_be_visible()
    check_accessibility(page, "responsibility-table")

    page.goto(f"{base}/{agreement.pk}/v3/")
    page.get_by_role("link", name="Pyydä osapuolilta kommentit").click()
    page.get_by_label("Kierroksen otsikko").fill("Lausunnot versiosta 3")
    page.get_by_label("Määräaika").fill("2030-01-31")
    check_accessibility(page, "comment-round-form")
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_role("button", name="Lähetä pyynnöt").click()
    # Kitee has no e-mail address: the sender sees it before sending.
    expect(page.get_by_role("heading", name="Vahvista lähetys")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Kiteen kaupunki")).to_be_visible()
    check_accessibility(page, "comment-round-confirm")
    page.get_by_role("button", name="Lähetä silti").click()
    expect(page.get_by_text(re.compile(r"Jonossa \d+ organisaatiolle"))).to_be_visible()
    expect(page.get_by_text("ei ole sähköpostiosoitetta").first).to_be_visible()
    expect(page.get_by_role("heading", name="Toimitusraportti")).to_be_visible()
    check_accessibility(page, "comment-round")

    page.get_by_role("button", name="Kirjaudu ulos").click()
    log_in("joensuu")
    page.goto(f"{live_demo.url}/pohjois-karjala/agreements/")
    page.get_by_role("link", name="Lausunnot versiosta 3: Joensuun kaupunki").click()
    check_accessibility(page, "comment-form")
    page.get_by_label("Kommentit kohtaan 6.3").fill("Verkoston kokoonpano tarkennettava.")
    page.get_by_role("button", name="Tallenna luonnoksena").click()
    expect(page.get_by_text("Luonnos tallennettu.")).to_be_visible()
    expect(page.get_by_label("Kommentit kohtaan 6.3")).to_have_value(
        "Verkoston kokoonpano tarkennettava."
    )
    page.get_by_role("button", name="Lähetä kommentit").click()
    expect(page.get_by_text("Kiitos: kommentit on lähetetty.")).to_be_visible()

    page.get_by_role("button", name="Kirjaudu ulos").click()
    log_in("paakayttaja")
    comment = Comment.objects.get(text="Verkoston kokoonpano tarkennettava.")
    page.goto(f"{base}/rounds/{comment.request.round_id}/")
    row = page.get_by_role("row", name="Joensuun kaupunki")
    expect(row.get_by_text("Kommentit lähetetty")).to_be_visible()
    card = page.locator(f"#comment-{comment.pk}")
    card.get_by_label("Käsittely").select_option("partly")
    card.get_by_label("Perustelu").fill("Tarkennetaan liitteessä.")
    card.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_text("Kommentin käsittely tallennettiin.")).to_be_visible()
    comment.refresh_from_db()
    assert comment.response == "partly"
    check_accessibility(page, "comment-round-handled")
