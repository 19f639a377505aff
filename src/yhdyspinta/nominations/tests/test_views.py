import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yhdyspinta.bodies.models import Membership
from yhdyspinta.nominations.models import NominationRequest, NominationRound

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


@pytest.fixture
def seed_round(demo):
    return NominationRound.objects.get(title="Edustajien nimeäminen alueellisiin kumppanuusryhmiin")


@pytest.fixture
def open_round(demo):
    round = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    round.deadline = timezone.localdate() + timedelta(days=5)
    round.term_starts_on = timezone.localdate() + timedelta(days=40)
    round.save()
    return round


def url(name, **kwargs):
    return reverse(name, kwargs={"area": "pohjois-karjala", **kwargs})


def test_demo_round_of_seed_000(seed_round):
    from yhdyspinta.nominations.selectors import board

    statuses = [row.status for row in board(seed_round)]
    assert len(statuses) == 13
    assert statuses.count("answered") == 11
    assert statuses.count("late") == 1
    assert statuses.count("missing") == 1
    assert seed_round.status == "closed"
    assert Membership.objects.filter(nomination_seat__round=seed_round).count() == 24


def test_board_and_exports(client, login, seed_round):
    login("paakayttaja")
    html = client.get(url("nominations:round", pk=seed_round.pk)).content.decode()
    assert "Vastattu myöhässä" in html
    assert "Puuttuu" in html
    exported = client.get(url("nominations:round_export", pk=seed_round.pk, fmt="csv"))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Organisaatio"
    assert len(rows) == 14
    xlsx = client.get(url("nominations:round_export", pk=seed_round.pk, fmt="xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 14
    assert {sheet.cell(row=r, column=3).value for r in range(2, 15)} == {
        "Vastattu",
        "Vastattu myöhässä",
        "Puuttuu",
    }


def test_request_letters_in_pdf_and_docx(client, login, seed_round):
    login("paakayttaja")
    request = seed_round.requests.get(organisation__municipality_number="167")
    pdf = client.get(url("nominations:letter", pk=request.pk, fmt="pdf"))
    assert pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Joensuun kaupunki" in text
    assert "Rantakatu 20" in text
    assert "Jos nimeätte vähintään 2 varsinaista jäsentä, varajäseniä ei tarvita" in text
    docx = client.get(url("nominations:letter", pk=request.pk, fmt="docx"))
    assert docx.content.startswith(b"PK")


def test_contact_sees_and_answers_only_its_own_request(client, login, open_round):
    login("joensuu")
    own = open_round.requests.get(organisation__municipality_number="167")
    other = open_round.requests.get(organisation__municipality_number="260")
    assert client.get(url("nominations:answer", pk=own.pk)).status_code == 200
    assert client.get(url("nominations:answer", pk=other.pk)).status_code == 403
    assert client.get(url("nominations:round", pk=open_round.pk)).status_code == 403
    listing = client.get(url("nominations:rounds")).content.decode()
    assert "Joensuun kaupunki" in listing
    assert "Kiteen kaupunki" not in listing


def test_answering_through_the_page_with_bad_input_first(client, login, open_round):
    login("joensuu")
    request = open_round.requests.get(organisation__municipality_number="167")
    person = request.organisation.people.first()
    base = {
        "nominees-TOTAL_FORMS": "2",
        "nominees-INITIAL_FORMS": "0",
        "nominees-MIN_NUM_FORMS": "0",
        "nominees-MAX_NUM_FORMS": "12",
    }
    twice = {
        **base,
        "nominees-0-person": person.pk,
        "nominees-0-role": "member",
        "nominees-1-person": person.pk,
        "nominees-1-role": "member",
        "submit": "1",
    }
    response = client.post(url("nominations:answer", pk=request.pk), twice)
    assert "on nimetty kahteen kertaan" in response.content.decode()
    assert not request.answers.exists()
    good = {
        **base,
        "nominees-0-person": person.pk,
        "nominees-0-role": "member",
        "nominees-1-first_name": "Uusi",
        "nominees-1-last_name": "Nimetty",
        "nominees-1-role": "member",
        "submit": "1",
    }
    assert client.post(url("nominations:answer", pk=request.pk), good).status_code == 302
    assert request.answers.get().nominees.count() == 2


def test_personal_link_answers_once(client, open_round):
    request = open_round.requests.get(organisation__municipality_number="426")
    token = request.new_token()
    request.save()
    link = reverse("nomination_link", kwargs={"token": token})
    page = client.get(link)
    assert page.status_code == 200
    assert "Liperin kunta" in page.content.decode()
    people = list(request.organisation.people.all()[:2])
    data = {
        "nominees-TOTAL_FORMS": "2",
        "nominees-INITIAL_FORMS": "0",
        "nominees-MIN_NUM_FORMS": "0",
        "nominees-MAX_NUM_FORMS": "12",
        "submit": "1",
    }
    for i, person in enumerate(people):
        data.update({f"nominees-{i}-person": person.pk, f"nominees-{i}-role": "member"})
    done = client.post(link, data)
    assert "Kiitos" in done.content.decode()
    again = client.get(link)
    assert again.status_code == 410
    assert "jo käytetty" in again.content.decode()
    assert request.answers.filter(channel="link").exists()


def test_daily_reminder_command(open_round, deliver):
    NominationRequest.objects.filter(round=open_round).update(reminded_at=None)
    out = io.StringIO()
    call_command("send_nomination_reminders", stdout=out)
    assert "reminders sent: " in out.getvalue()
    # Every municipality that has not answered, at its contact's or registry's address;
    # Liperi has answered.
    sent = deliver()
    to = sorted(address for m in sent for address in m.to)
    assert "joensuu@example.org" in to
    assert "kirjaamo@kiteen-kaupunki.example.fi" in to
    assert not any("liperi" in address for address in to)
    call_command("send_nomination_reminders", stdout=io.StringIO())
    assert len(deliver()) == len(sent)  # once a day


def test_body_page_shows_the_round_and_composition_warnings(client, login, seed_round):
    login("paakayttaja")
    group = seed_round.bodies.get(name="Eteläinen alueen kumppanuusryhmä")
    html = client.get(group.get_absolute_url()).content.decode()
    assert "Edustajien nimeäminen alueellisiin kumppanuusryhmiin" in html
    group.memberships.filter(role="chair").update(role="member")
    html = client.get(group.get_absolute_url()).content.decode()
    assert "puheenjohtajaa ei ole valittu" in html
    election = client.get(url("nominations:election", pk=group.pk))
    assert election.status_code == 200


def test_closing_a_round_asks_first_and_lists_who_has_not_answered(client, login, demo):
    from yhdyspinta.nominations.models import NominationRound

    round_ = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    login("paakayttaja")
    close = reverse(
        "nominations:round_action",
        kwargs={"area": "pohjois-karjala", "pk": round_.pk, "action": "close"},
    )
    page = client.post(close)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sulje kierros" in html
    assert "Kiteen kaupunki" in html  # has not answered
    round_.refresh_from_db()
    assert round_.status == "open"  # nothing happened yet
    client.post(close, {"confirm": "yes"})
    round_.refresh_from_db()
    assert round_.status == "closed"
