"""The hyte letter and the hyte forum: audiences from the register, a letter through
the outbox with its unsubscribe headers, double opt-in, registration with a waiting
list, cancellation, reminders, feedback, the feed, and the public never seeing a person."""

from __future__ import annotations

import email.policy
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.outreach import services
from yhdyspinta.outreach.audiences import Audience, resolve
from yhdyspinta.outreach.models import (
    Attendance,
    ConsentRecord,
    Forum,
    Letter,
    Registration,
    Subscriber,
)
from yhdyspinta.parties.models import NamedRole, NamedRoleKind, OrganisationKind, Person

pytestmark = pytest.mark.django_db
Kind = OutgoingMessage.Kind


@pytest.fixture
def admin(demo, django_user_model):
    user = django_user_model.objects.get(username="paakayttaja")
    return user, Access(user)


def _letter(area, **audience):
    return Letter.objects.create(
        area=area,
        title="Testikirje",
        text="### Otsikko\n\nTeksti [linkki](/x/).",
        audience=audience,
    )


def _token(message: OutgoingMessage) -> str:
    return message.link.rstrip("/").rsplit("/", 1)[-1]


# --- audiences ------------------------------------------------------------------------


def test_an_audience_unites_groups_once_and_filters_the_register(demo):
    area = demo["nk"]
    holders = NamedRole.objects.filter(
        organisation__area=area, kind=NamedRoleKind.HYTE_RESPONSIBLE_PERSON, person__isnull=False
    )
    assert holders.exists()
    roles = resolve(area, Audience(roles=(NamedRoleKind.HYTE_RESPONSIBLE_PERSON,)))
    expected = {r.person.email.lower() for r in holders if r.person.email}
    assert {r.email.lower() for r in roles.recipients} == expected

    body = Body.objects.get(area=area, level=Level.COORDINATOR_NETWORK)
    members = {
        m.person.email.lower() for m in active_memberships().filter(body=body) if m.person.email
    }
    both = resolve(
        area, Audience(roles=(NamedRoleKind.HYTE_RESPONSIBLE_PERSON,), bodies=(body.pk,))
    )
    addresses = [r.email.lower() for r in both.recipients]
    assert set(addresses) == expected | members
    assert len(addresses) == len(set(addresses))  # each address once

    municipalities = resolve(area, Audience(contacts=True, kinds=(OrganisationKind.MUNICIPALITY,)))
    assert municipalities.count
    assert {r.organisation.kind for r in municipalities.recipients} == {"municipality"}
    sub_region = area.sub_regions.first()
    narrowed = resolve(area, Audience(contacts=True, sub_regions=(sub_region.pk,)))
    assert 0 < narrowed.count < resolve(area, Audience(contacts=True)).count
    assert {r.organisation.sub_region_id for r in narrowed.recipients} == {sub_region.pk}
    assert resolve(area, Audience()).count == 0


def test_subscribers_and_the_unsubscribed_and_people_without_an_address(demo):
    area = demo["nk"]
    person = Person.objects.filter(area=area, organisation__isnull=False).exclude(email="").first()
    silent = Person.objects.filter(area=area, organisation=person.organisation).first()
    everyone = resolve(area, Audience(contacts=True, subscribers=True))
    emails = {r.email for r in everyone.recipients}
    assert "tilaaja.yksi@example.org" in emails  # confirmed
    assert "vahvistamatta@example.org" not in emails  # never confirmed
    services.unsubscribe(area=area, email=person.email.upper(), via="link")
    after = resolve(area, Audience(contacts=True, subscribers=True))
    assert person.email not in {r.email for r in after.recipients}
    assert after.unsubscribed == everyone.unsubscribed + 1
    silent.email = ""
    silent.save()
    assert silent in resolve(area, Audience(contacts=True)).without_address


# --- letters --------------------------------------------------------------------------


def test_a_letter_goes_through_the_outbox_with_its_unsubscribe_headers(admin, demo, deliver):
    user, access = admin
    area = demo["nk"]
    letter = _letter(area, roles=[NamedRoleKind.HYTE_RESPONSIBLE_PERSON], subscribers=True)
    count = services.letter_send(access=access, user=user, letter=letter)
    messages = OutgoingMessage.objects.filter(kind=Kind.LETTER, about_id=letter.pk)
    assert messages.filter(status="queued").count() == count > 2
    mail.outbox.clear()
    letters = [m for m in deliver() if m.subject == "Testikirje"]
    assert len(letters) == count
    sent = next(m for m in letters if m.to == ["tilaaja.yksi@example.org"])
    unsubscribe = sent.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http")
    assert "/letter/unsubscribe/" in unsubscribe
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire (the SMTP policy) the address stays one line, never encoded words.
    raw = sent.message(policy=email.policy.SMTP).as_bytes()
    assert ("List-Unsubscribe: " + unsubscribe).encode() in raw
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert "<h3>Otsikko</h3>" in html
    assert 'href="http' in html
    assert unsubscribe.strip("<>") in html
    assert unsubscribe.strip("<>") in sent.body
    assert "### Otsikko" in sent.body  # the plain-text part
    # one message per recipient: nobody sees another's address
    assert all(len(m.to) == 1 for m in letters)
    assert len({m.extra_headers["List-Unsubscribe"] for m in letters}) == count

    with pytest.raises(ValidationError, match="jo lähetetty"):
        services.letter_send(access=access, user=user, letter=letter)
    assert messages.count() == count
    letter.refresh_from_db()
    assert letter.status == "sent"
    assert letter.recipient_count == count


def test_one_click_unsubscribe_without_a_session_and_a_link_used_twice(admin, demo, deliver):
    user, access = admin
    area = demo["nk"]
    letter = _letter(area, subscribers=True)
    services.letter_send(access=access, user=user, letter=letter)
    message = OutgoingMessage.objects.get(about_id=letter.pk, recipient="tilaaja.yksi@example.org")
    url = message.headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    mailer = Client(enforce_csrf_checks=True)  # a mail program: no cookie, no CSRF token
    assert "tilaaja.yksi@example.org" in mailer.get(url).content.decode()
    assert Subscriber.objects.get(email="tilaaja.yksi@example.org").status == "confirmed"
    response = mailer.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber = Subscriber.objects.get(email="tilaaja.yksi@example.org")
    assert subscriber.status == "unsubscribed"
    assert subscriber.consents.filter(action="unsubscribed", via="one-click").exists()
    again = mailer.post(url).content.decode()
    assert "oli jo perunut tilauksen" in again
    assert subscriber.consents.filter(action="unsubscribed").count() == 1
    second = _letter(area, subscribers=True)
    services.letter_send(access=access, user=user, letter=second)
    assert not OutgoingMessage.objects.filter(
        about_id=second.pk, kind=Kind.LETTER, recipient="tilaaja.yksi@example.org"
    ).exists()
    assert Client().get("/letter/unsubscribe/forged/").status_code == 404


def test_a_letter_with_no_recipients_sends_nothing(admin, demo):
    user, access = admin
    letter = _letter(demo["nk"])
    with pytest.raises(ValidationError, match="ei ole vastaanottajia"):
        services.letter_send(access=access, user=user, letter=letter)
    assert not OutgoingMessage.objects.filter(kind=Kind.LETTER, about_id=letter.pk).exists()
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_only_the_coordinators_send_and_a_sent_letter_cannot_change(client, login, admin, demo):
    user, _access = admin
    area = demo["nk"]
    letter = _letter(area, subscribers=True)
    with pytest.raises(PermissionDenied):
        services.letter_send(
            access=Access(type(user).objects.get(username="jasen")), user=user, letter=letter
        )
    login("paakayttaja")
    send = reverse("outreach:letter_send", kwargs={"area": area.slug, "pk": letter.pk})
    page = client.post(send).content.decode()
    assert 'name="confirm"' in page  # asks first, with the count
    assert not OutgoingMessage.objects.filter(about_id=letter.pk, kind=Kind.LETTER).exists()
    client.post(send, {"confirm": "yes"})
    client.post(send, {"confirm": "yes"})  # a double click
    assert OutgoingMessage.objects.filter(about_id=letter.pk, kind=Kind.LETTER).count() == 2
    edit = reverse("outreach:letter_edit", kwargs={"area": area.slug, "pk": letter.pk})
    assert client.get(edit).status_code == 302
    client.post(edit, {"title": "Muutettu", "text": "x"})
    letter.refresh_from_db()
    assert letter.title == "Testikirje"


def test_a_test_copy_goes_to_the_sender_only(admin, demo, deliver):
    user, access = admin
    user.email = "koordinaattori@example.org"
    user.save()
    letter = _letter(demo["nk"], contacts=True)
    services.letter_test(access=access, user=user, letter=letter)
    mail.outbox.clear()
    copies = [m for m in deliver() if "Testikirje" in m.subject]
    assert len(copies) == 1
    assert copies[0].to == ["koordinaattori@example.org"]
    assert copies[0].subject.startswith("[")
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_the_editor_and_images(client, login, demo):
    area = demo["nk"]
    login("paakayttaja")
    response = client.post(
        reverse("outreach:letter_create", kwargs={"area": area.slug}),
        {
            "title": "Uusi kirje",
            "text": "Hei <script>alert(1)</script>",
            "publish": "on",
            "roles": [NamedRoleKind.HYTE_RESPONSIBLE_PERSON],
            "kinds": [OrganisationKind.MUNICIPALITY],
            "_form_key": "k1",
        },
    )
    letter = Letter.objects.get(title="Uusi kirje")
    assert response.status_code == 302
    assert letter.audience["roles"] == ["hyte_person"]
    assert letter.audience["kinds"] == ["municipality"]
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    buffer.name = "kuva.png"
    buffer.seek(0)
    add = reverse("outreach:letter_image_add", kwargs={"area": area.slug, "pk": letter.pk})
    client.post(add, {"file": buffer, "alt": "Punainen neliö"})
    image = letter.images.get()
    html = io.BytesIO(b"<html><script>alert(1)</script></html>")
    html.name = "kuva.png"
    client.post(add, {"file": html, "alt": "Vihamielinen"})
    assert letter.images.count() == 1
    assert Client().get(image.get_absolute_url()).status_code == 404  # a draft's image
    assert client.get(image.get_absolute_url()).status_code == 200


# --- subscriptions --------------------------------------------------------------------


def test_double_opt_in_and_an_expired_or_used_link(client, demo, deliver):
    area = demo["nk"]
    url = reverse("outreach:subscribe", kwargs={"area": area.slug})
    client.post(url, {"email": "uusi@example.org", "name": "Uusi", "consent": "on"})
    client.post(url, {"email": "UUSI@example.org", "consent": "on"})  # at once again
    subscriber = Subscriber.objects.get(area=area, email__iexact="uusi@example.org")
    assert subscriber.status == "pending"
    assert uusi_not_reached(area)
    messages = OutgoingMessage.objects.filter(
        kind=Kind.SUBSCRIPTION, recipient__iexact="uusi@example.org"
    )
    assert messages.count() == 1  # the form does not flood an address with links
    Subscriber.objects.filter(pk=subscriber.pk).update(
        updated_at=timezone.now() - services.RESEND_AFTER
    )
    client.post(url, {"email": "uusi@example.org", "consent": "on"})  # later: a new link
    assert messages.count() == 2
    old, new = (_token(m) for m in messages.order_by("pk"))
    assert client.get(f"/letter/confirm/{old}/").status_code == 404  # replaced by the new one
    page = client.get(f"/letter/confirm/{new}/")
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"  # a GET (a mail scanner) confirms nothing
    client.post(f"/letter/confirm/{new}/")
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"
    assert list(subscriber.consents.values_list("action", flat=True)) == [
        "requested",
        "requested",
        "confirmed",
    ]
    assert services.CONSENT_WORDING in subscriber.consents.first().wording
    assert not uusi_not_reached(area)
    used = client.post(f"/letter/confirm/{new}/")
    assert used.status_code == 404
    assert "ei ole voimassa" in used.content.decode()

    services.subscribe(area=area, email="myohassa@example.org")
    late = OutgoingMessage.objects.filter(recipient="myohassa@example.org").latest("pk")
    Subscriber.objects.filter(email="myohassa@example.org").update(
        confirm_expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = client.post(f"/letter/confirm/{_token(late)}/")
    assert expired.status_code == 410
    assert Subscriber.objects.get(email="myohassa@example.org").status == "pending"


def uusi_not_reached(area) -> bool:
    resolved = resolve(area, Audience(subscribers=True))
    return "uusi@example.org" not in {r.email.lower() for r in resolved.recipients}


def test_an_invalid_address_is_refused_with_a_message(client, demo):
    url = reverse("outreach:subscribe", kwargs={"area": demo["nk"].slug})
    page = client.post(url, {"email": "ei-osoite", "consent": "on"})
    assert page.status_code == 200
    assert "sähköpostiosoite" in page.content.decode().lower()
    assert not Subscriber.objects.filter(email="ei-osoite").exists()


def test_a_subscriber_sees_and_removes_their_data(client, demo, admin):
    area = demo["nk"]
    subscriber = Subscriber.objects.get(email="tilaaja.yksi@example.org")
    url = "/letter/unsubscribe/" + services.unsubscribe_token(area, subscriber.email) + "/"
    page = client.get(url).content.decode()
    assert "Tilaaja Yksi" in page
    assert "tilaaja.yksi@example.org" in page
    client.post(url, {"action": "remove"})
    assert not Subscriber.objects.filter(email="tilaaja.yksi@example.org").exists()
    records = ConsentRecord.objects.filter(email_sha256=services._sha("tilaaja.yksi@example.org"))
    assert set(records.values_list("action", flat=True)) >= {"requested", "confirmed", "removed"}
    assert not records.filter(subscriber__isnull=False).exists()
    assert not OutgoingMessage.objects.filter(
        recipient="tilaaja.yksi@example.org", kind=Kind.SUBSCRIPTION
    ).exists()


# --- forums ---------------------------------------------------------------------------


def _forum(area, **fields):
    start = timezone.now() + timedelta(days=30)
    return Forum.objects.create(
        area=area,
        title="Testifoorumi",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="Joensuu",
        online=True,
        online_link="https://meet.example.org/salainen",
        registration_deadline=start - timedelta(days=2),
        published=True,
        **{"capacity": 2, **fields},
    )


def _data(n: int, **extra) -> dict:
    return {
        "name": f"Osallistuja {n}",
        "email": f"o{n}@example.org",
        "organisation": "Yhdistys ry",
        "party_kind": OrganisationKind.NGO,
        "attendance": Attendance.IN_PERSON,
        **extra,
    }


def test_registration_waiting_list_and_cancellation(demo, deliver):
    forum = _forum(demo["nk"])
    first = services.register(forum=forum, data=_data(1))
    services.register(forum=forum, data=_data(2))
    waiting = services.register(forum=forum, data=_data(3))
    remote = services.register(forum=forum, data=_data(4, attendance=Attendance.REMOTE))
    assert waiting.status == "waiting"
    assert remote.status == "registered"
    # The same address again: its registration stands and its confirmation goes again.
    assert services.register(forum=forum, data=_data(1, email="O1@example.org")) == first
    assert forum.registrations.filter(email__iexact="o1@example.org").count() == 1
    mail.outbox.clear()
    deliver()
    confirmations = [m for m in mail.outbox if m.to == ["o1@example.org"]]
    assert len(confirmations) == 2
    confirmation = confirmations[0]
    _name, content, mimetype = confirmation.attachments[0]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert mimetype == "text/calendar"
    assert str(event["summary"]) == "Testifoorumi"
    assert "https://meet.example.org/salainen" in str(event["location"])
    link = next(w for w in confirmation.body.split() if "/forum/registration/" in w)
    assert services.registration_from_token(link.rstrip("/").rsplit("/", 1)[-1]) == first
    queued = next(m for m in mail.outbox if m.to == ["o3@example.org"])
    assert not queued.attachments  # the waiting list gets no calendar entry yet

    moved = services.cancel(registration=first)
    assert moved.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    with pytest.raises(ValidationError, match="jo peruttu"):
        services.cancel(registration=first)
    mail.outbox.clear()
    assert [m.to for m in deliver() if "Testifoorumi" in m.subject] == [["o3@example.org"]]
    again = services.register(forum=forum, data=_data(1))  # after cancelling, anew
    assert again.status == "waiting"


def test_registration_closes_at_its_deadline(demo):
    forum = _forum(demo["nk"])
    with pytest.raises(ValidationError, match="päättynyt"):
        services.register(
            forum=forum, data=_data(1), now=forum.registration_deadline + timedelta(seconds=1)
        )


def test_the_public_form_the_participant_link_and_feedback(client, demo, deliver):
    area = demo["nk"]
    forum = _forum(area, capacity=None)
    url = forum.get_absolute_url()
    page = client.get(url).content.decode()
    assert "salainen" not in page  # the online link is for the registered only
    bad = client.post(url, {**_data(1), "email": "ei-osoite"})
    assert bad.status_code == 400
    first = client.post(url, _data(1, diet="vegaani"), follow=True)
    registration = Registration.objects.get(forum=forum)
    # The same address again gets the same answer (the public cannot test who has
    # registered); its registration stands.
    twice = client.post(url, _data(1), follow=True)
    assert twice.redirect_chain == first.redirect_chain
    said = [str(m) for m in first.context["messages"]]
    assert said == [str(m) for m in twice.context["messages"]]
    assert "o1@example.org" in said[0]
    assert Registration.objects.filter(forum=forum).count() == 1
    assert "Osallistuja 1" not in client.get(url).content.decode()  # counts only
    own = services.registration_link(registration).removeprefix("http://127.0.0.1:8000")
    page = client.get(own).content.decode()
    assert "Osallistuja 1" in page
    assert "salainen" in page
    ics = client.post(own, {"action": "calendar"})
    assert ics["Content-Type"] == "text/calendar"
    refused = client.post(own, {"action": "feedback", "rating": "5"})
    assert refused.status_code == 200  # the page again, with the reason
    registration.refresh_from_db()
    assert registration.rating is None  # the event is not over
    Forum.objects.filter(pk=forum.pk).update(
        starts_at=timezone.now() - timedelta(hours=5), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.post(own, {"action": "feedback", "rating": "4", "text": "Hyvä"})
    registration.refresh_from_db()
    assert registration.rating == 4
    assert registration.feedback == "Hyvä"
    assert client.get("/forum/registration/forged/").status_code == 404


def test_the_organiser_list_attendance_reminders_and_files(client, login, demo, deliver):
    area = demo["nk"]
    forum = _forum(area, capacity=None)
    rows = [services.register(forum=forum, data=_data(n)) for n in (1, 2)]
    services.register(
        forum=forum, data=_data(3, party_kind=OrganisationKind.BUSINESS, organisation="Oy Ab")
    )
    login("paakayttaja")
    participants = reverse("outreach:participants", kwargs={"area": area.slug, "pk": forum.pk})
    client.post(participants, {"action": "attendance", "present": [rows[0].pk]})
    rows[0].refresh_from_db()
    rows[1].refresh_from_db()
    assert rows[0].attended is True
    assert rows[1].attended is False
    summary = client.get(participants).context["summary"]
    groups = {key: (registered, attended) for key, _label, registered, attended in summary.groups}
    assert groups["ngo"] == (2, 1)
    assert groups["business"] == (1, 0)

    assert services.send_reminders(forum=forum) == 0  # a month ahead: not yet
    soon = forum.starts_at - timedelta(days=1)
    assert services.send_reminders(forum=forum, now=soon) == 3
    assert services.send_reminders(forum=forum, now=soon) == 0  # once each
    mail.outbox.clear()
    deliver()
    assert len([m for m in mail.outbox if m.subject.startswith("Muistutus:")]) == 3
    assert not services.due_for_reminders(now=soon).filter(pk=forum.pk).exists()
    Registration.objects.filter(forum=forum).update(reminded_at=None)
    Forum.objects.filter(pk=forum.pk).update(starts_at=timezone.now() + timedelta(hours=20))
    out = io.StringIO()
    call_command("send_forum_reminders", stdout=out)
    assert "reminders sent: 3" in out.getvalue()

    xlsx = client.get(
        reverse("outreach:participants_xlsx", kwargs={"area": area.slug, "pk": forum.pk})
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:2] == ["Osallistuja 1", "o1@example.org"]
    assert Client().get(participants).status_code == 302
    login("jasen")
    assert client.get(participants).status_code == 403


def test_badges_are_made_on_the_worker(client, login, demo):
    from pypdf import PdfReader

    from yhdyspinta.outreach.documents import _badges
    from yhdyspinta.web.models import DocumentJob

    area = demo["nk"]
    forum = _forum(area, capacity=None)
    services.register(forum=forum, data=_data(1))
    login("paakayttaja")
    response = client.post(reverse("outreach:badges", kwargs={"area": area.slug, "pk": forum.pk}))
    job = DocumentJob.objects.latest("created_at")
    assert response.status_code == 302
    assert job.params == {"forum": forum.pk}
    text = PdfReader(io.BytesIO(_badges(job))).pages[0].extract_text()
    assert "Osallistuja 1" in text


# --- feed and public pages ------------------------------------------------------------


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_area_feed_is_atom_and_carries_the_public_news(client, demo):
    area = demo["nk"]
    response = client.get(reverse("outreach:feed", kwargs={"area": area.slug}))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the app's own feed
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    kinds = {e.find(f"{ATOM}category").get("term") for e in entries}
    assert kinds == {"minutes", "letter", "forum"}
    for entry in entries:
        assert entry.find(f"{ATOM}id").text
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "Hyte-kirje, kevät 2026" in titles
    assert "Hyte-kirje, kevät 2027" not in titles  # a draft
    page = client.get(reverse("outreach:letters", kwargs={"area": area.slug})).content.decode()
    assert 'type="application/atom+xml"' in page


def test_the_public_sees_the_archive_never_a_draft_or_a_person(client, demo):
    area = demo["nk"]
    sent = Letter.objects.get(title="Hyte-kirje, kevät 2026")
    draft = Letter.objects.get(title="Hyte-kirje, kevät 2027")
    assert client.get(sent.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    forum = Forum.objects.get(title="Hyte-foorumi, syksy 2026")
    page = client.get(forum.get_absolute_url()).content.decode()
    for registration in forum.registrations.all():
        assert registration.name not in page
        assert registration.email not in page
    assert forum.online_link not in page
    letters = client.get(reverse("outreach:letters", kwargs={"area": area.slug})).content.decode()
    assert "Hyte-kirje, kevät 2027" not in letters
    clock = client.get(reverse("clock:clock", kwargs={"area": area.slug}) + "?year=2026")
    clock = clock.content.decode()
    assert sent.get_absolute_url() in clock  # the clock's letter event
    assert draft.get_absolute_url() not in clock
    assert forum.clock_event_id
    assert forum.published
    assert forum.get_absolute_url() in clock  # the clock's forum event


def test_a_forum_held_as_the_negotiation_counts_its_parties_in_the_obligations(demo):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from yhdyspinta.bodies.models import LegalBasis
    from yhdyspinta.meetings.models import Meeting, MeetingKind, MeetingStatus
    from yhdyspinta.obligations import engine

    area = demo["nk"]
    body = Body.objects.filter(area=area, legal_basis=LegalBasis.HYTE_612_6_7).first()
    starts = datetime(2031, 5, 12, 9, tzinfo=ZoneInfo("Europe/Helsinki"))
    meeting = Meeting.objects.create(
        body=body,
        kind=MeetingKind.NEGOTIATION,
        title="Hyte-neuvottelu foorumissa",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        convener=body.convener,
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=sorted(MeetingStatus.approved_states())[0])

    def result():
        report = engine.evaluate(area=area, year=2031, today=date(2032, 1, 15))
        return report.area_results[0]

    before = result()
    assert before.status == engine.NOT_MET
    assert "yksityinen yritys" in before.missing

    forum = _forum(area, capacity=None)
    Forum.objects.filter(pk=forum.pk).update(meeting=meeting)
    kinds = [
        OrganisationKind.COUNTY,
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.REGIONAL_COUNCIL,
        OrganisationKind.BUSINESS,
        OrganisationKind.NGO,
    ]
    for n, kind in enumerate(kinds):
        services.register(forum=forum, data=_data(n, party_kind=kind))
    services.register(forum=forum, data=_data(9, party_kind=OrganisationKind.PARISH))
    Registration.objects.filter(forum=forum).exclude(party_kind=OrganisationKind.PARISH).update(
        attended=True
    )  # the parish registered but did not come: it does not count
    after = result()
    assert after.status == engine.MET, after.missing
    assert [e.meeting for e in after.evidence] == [meeting]


def test_a_letter_page_skips_no_heading_level(client, demo):
    """The letter's own "###" headings sit under the page's h1 as h2; the e-mail keeps
    the text as written."""
    import itertools
    import re

    from yhdyspinta.outreach.models import Letter

    letter = Letter.objects.get(area=demo["nk"], title="Hyte-kirje, kevät 2026")
    page = client.get(
        reverse("outreach:letter", kwargs={"area": "pohjois-karjala", "pk": letter.pk})
    )
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", page.content.decode())]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert "<h2>Hyvinvointikertomus valmistuu kesäkuussa</h2>" in page.content.decode()


def test_the_area_sees_whom_its_e_mail_does_not_reach(
    client, login, demo, django_assert_max_num_queries
):
    """The organisations without an address for the rounds' requests, and for each named
    role the letters use, each linked to its page; only the area's administrator."""
    from django.utils import translation

    from yhdyspinta.outreach.selectors import contact_gaps

    url = reverse("outreach:contact_gaps", kwargs={"area": "pohjois-karjala"})
    login("jasen")
    assert client.get(url).status_code == 403
    login("paakayttaja")
    html = client.get(url).content.decode()
    assert "Eteläisen alueen kyläyhdistys ry (esimerkki)" in html  # no address in the demo
    assert "Kiteen kaupunki</a>" not in html.split("<h2")[1]  # reached by its registry
    with translation.override("fi"):
        gaps = {g.label: g for g in contact_gaps(demo["nk"])}
    assert "Hyte-vastuuhenkilö" in gaps
    assert "Viestinnän yhteyshenkilö" in gaps
    with django_assert_max_num_queries(12):
        contact_gaps(demo["nk"])


def test_one_connection_cannot_fill_a_forum(client, small_world, settings):
    """A script registering address after address from one connection is stopped after
    FORUM_REGISTRATIONS_PER_HOUR, with a Finnish reason, and nothing more is saved."""
    settings.FORUM_REGISTRATIONS_PER_HOUR = 3
    forum = _forum(small_world.area, capacity=None)
    url = forum.get_absolute_url()
    statuses = [client.post(url, _data(n)).status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Registration.objects.filter(forum=forum).count() == 3
    refused = client.post(url, _data(9))
    assert "Liian monta yritystä tästä yhteydestä" in refused.content.decode()


def test_one_address_gets_at_most_a_few_messages_an_hour_from_any_connection(
    client, small_world, settings
):
    """Registering someone else's address again and again, from ever new connections,
    sends that address at most PUBLIC_FORM_MESSAGES_PER_ADDRESS messages an hour; the
    letter's subscription likewise."""
    from yhdyspinta.communications.models import OutgoingMessage

    settings.PUBLIC_FORM_MESSAGES_PER_ADDRESS = 2
    forum = _forum(small_world.area, capacity=None)
    url = forum.get_absolute_url()
    statuses = [
        client.post(url, _data(1), REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    subscribe = reverse("outreach:subscribe", kwargs={"area": small_world.area.slug})
    form = {"email": "uhri@example.org", "consent": "on"}
    statuses = [
        client.post(subscribe, form, REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert OutgoingMessage.objects.filter(recipient="uhri@example.org").count() <= 2


def test_a_form_filler_that_fills_the_hidden_field_gets_the_same_answer_and_nothing(
    client, small_world
):
    forum = _forum(small_world.area, capacity=None)
    page = client.get(forum.get_absolute_url()).content.decode()
    assert 'name="website"' in page  # there, but no person sees or reaches it
    answer = client.post(forum.get_absolute_url(), _data(5, website="http://spam.example"))
    assert answer.status_code == 302
    assert not Registration.objects.filter(forum=forum).exists()
    subscribe = reverse("outreach:subscribe", kwargs={"area": small_world.area.slug})
    answer = client.post(subscribe, {"email": "botti@example.org", "consent": "on", "website": "x"})
    assert answer.status_code == 302
    assert not Subscriber.objects.filter(email="botti@example.org").exists()
