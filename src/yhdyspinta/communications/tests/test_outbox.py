"""Every message accounted for: queued with the change, sent after commit by the
worker, retried when the mail server fails, never lost, and reported."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.communications import services
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.consultations import services as consultations
from yhdyspinta.nominations.models import NominationRequest, NominationRound
from yhdyspinta.nominations.services import round_send, send_reminders
from yhdyspinta.testing.concurrency import at_once

from .backends import FailAfterFirst

Status = OutgoingMessage.Status
BACKENDS = "yhdyspinta.communications.tests.backends."
pytestmark = pytest.mark.django_db


def _as_if_unsent(round_) -> None:
    """The demo's round went out on 2.11.2026; these tests send it themselves."""
    services.delivery_report(round_).delete()
    round_.all_requests.update(sent_at=None, reminded_at=None, reminder_count=0)


@pytest.fixture
def open_round(demo):
    round_ = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    # The demo's deadline is a fixed date and today moves: a month ahead, whatever the day.
    round_.deadline = timezone.localdate() + timedelta(days=30)
    round_.save()
    _as_if_unsent(round_)
    for request in round_.requests.select_related("organisation"):
        organisation = request.organisation
        organisation.email = organisation.email or f"kirjaamo{organisation.pk}@example.org"
        organisation.save()
    return round_


def _tokens(messages):
    return [m.link.rstrip("/").rsplit("/", 1)[-1] for m in messages]


def test_round_survives_a_mail_server_that_fails_after_the_first_message(
    open_round, settings, django_capture_on_commit_callbacks, client, login
):
    settings.MAILERS = {
        "default": {"BACKEND": "yhdyspinta.communications.tests.backends.FailAfterFirst"}
    }
    FailAfterFirst.delivered = 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sent = round_send(access=Access.installation(), round=open_round)
    queued = list(services.delivery_report(open_round).filter(status=Status.QUEUED))
    assert sent.reached >= 2
    assert len(queued) >= sent.reached
    assert callbacks  # the worker is started only after commit
    counts = services.deliver_due()
    assert counts["sent"] == 1
    rows = services.delivery_report(open_round)
    assert rows.filter(status=Status.SENT).count() == 1
    waiting = rows.filter(status=Status.QUEUED)
    assert waiting.count() == len(queued) - 1
    assert all("SMTPServerDisconnected" in m.last_error for m in waiting)
    assert all(m.attempts == 1 and m.next_attempt_at for m in waiting)
    # The round's delivery report says above its rows that the mail server stalls.
    login("paakayttaja")
    round_page = reverse(
        "nominations:round", kwargs={"area": open_round.area.slug, "pk": open_round.pk}
    )
    report = client.get(round_page).content.decode()
    assert f"Postipalvelin ei ole vielä ottanut vastaan {waiting.count()} viestiä" in report
    assert "SMTPServerDisconnected" in report
    # Nothing was rolled back: every link still opens its request.
    requests = NominationRequest.objects.filter(round=open_round)
    for token in _tokens(rows.exclude(link="")):
        assert consultations.by_token(requests, token)
    # The server is back; the retry sends the rest, once each.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    services.deliver_due(now=timezone.now() + timedelta(minutes=2))
    assert rows.filter(status=Status.QUEUED).count() == 0
    assert len(mail.outbox) == len(queued) - 1
    assert all(len(m.to) == 1 for m in mail.outbox)  # one message per recipient


def test_last_attempt_marks_failed_with_the_error_and_resend_queues_again(open_round, settings):
    settings.MAILERS = {"default": {"BACKEND": BACKENDS + "Down"}}
    settings.OUTBOX_MAX_ATTEMPTS = 2
    round_send(access=Access.installation(), round=open_round)
    services.deliver_due()
    report = services.delivery_report(open_round)
    assert not report.filter(status=Status.FAILED).exists()  # one failure is retried
    services.deliver_due(now=timezone.now() + timedelta(hours=1))
    failed = list(report.filter(status=Status.FAILED))
    assert failed
    assert all(m.attempts == 2 for m in failed)
    assert "SMTPServerDisconnected" in failed[0].last_error
    assert services.resend_failed(about=open_round) == len(failed)
    assert not services.delivery_report(open_round).filter(status=Status.FAILED).exists()


def test_a_bounced_address_fails_at_once_and_the_report_says_fix_it(
    open_round, settings, client, login
):
    settings.MAILERS = {"default": {"BACKEND": BACKENDS + "Refusing"}}
    round_send(access=Access.installation(), round=open_round)
    services.deliver_due()
    report = services.delivery_report(open_round).exclude(status=Status.NO_ADDRESS)
    assert report.exists()
    assert not report.exclude(status=Status.FAILED).exists()  # no pointless retries
    failed = report.first()
    assert failed.attempts == 1
    assert "Postipalvelin hylkäsi osoitteen" in failed.last_error
    login("paakayttaja")
    page = client.get(open_round.get_absolute_url()).content.decode()
    where, pk = (
        ("person_edit", failed.person_id)
        if failed.person_id
        else ("organisation_edit", failed.organisation_id)
    )
    edit = reverse(f"parties:{where}", kwargs={"area": open_round.area.slug, "pk": pk})
    assert f'href="{edit}"' in page  # the address is fixed where it lives


def test_a_message_claimed_by_a_killed_worker_is_sent_once_later(open_round):
    round_send(access=Access.installation(), round=open_round)
    message = services.delivery_report(open_round).filter(status=Status.QUEUED).first()
    # A worker claimed it and died before sending.
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(minutes=30)
    )
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert (
        sum(
            1
            for m in mail.outbox
            if m.extra_headers["Message-ID"].startswith(f"<{message.message_id}")
        )
        == 1
    )


def test_organisations_without_address_are_reported_not_silently_dropped(open_round, client, login):
    request = open_round.requests.select_related("organisation").first()
    organisation = request.organisation
    organisation.email = ""
    organisation.save()
    from yhdyspinta.accounts.models import AreaRole

    AreaRole.objects.filter(organisation=organisation).delete()
    sent = round_send(access=Access.installation(), round=open_round)
    assert sent.skipped >= 1
    skipped = services.delivery_report(open_round).get(
        organisation=organisation, status=Status.NO_ADDRESS
    )
    assert skipped.recipient == ""
    login("paakayttaja")
    page = client.get(open_round.get_absolute_url()).content.decode()
    assert "ei sähköpostiosoitetta" in page
    assert organisation.name in page


def test_reminder_carries_the_same_link_as_the_request(open_round):
    round_send(access=Access.installation(), round=open_round)
    first = {m.organisation_id: m.link for m in services.delivery_report(open_round)}
    send_reminders(
        access=Access.installation(), round=open_round, now=timezone.now() + timedelta(days=2)
    )
    reminders = services.delivery_report(open_round).filter(kind=OutgoingMessage.Kind.REMINDER)
    assert reminders.exists()
    for reminder in reminders:
        assert reminder.link == first[reminder.organisation_id]
        assert reminder.link in reminder.body
    requests = NominationRequest.objects.filter(round=open_round)
    for token in _tokens(reminders):
        assert consultations.by_token(requests, token)


def test_meeting_invitation_goes_one_by_one_and_reports_members_without_address(demo):
    from yhdyspinta.meetings.models import Meeting
    from yhdyspinta.meetings.services import meeting_invite, meeting_members

    meeting = Meeting.objects.filter(body__area=demo["nk"], status="planned").first()
    members = meeting_members(meeting)
    first = members[0].person
    first.email = ""
    first.save()
    count = meeting_invite(access=Access.installation(), meeting=meeting)
    rows = services.delivery_report(meeting)
    assert rows.count() == len(members)
    assert count == rows.filter(status=Status.QUEUED).count()
    assert rows.get(person=first).status == Status.NO_ADDRESS
    services.deliver_due()
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert len(mail.outbox) == count


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL"
)
def test_a_single_use_link_is_consumed_once_under_concurrent_submits(committed_demo):
    request = NominationRequest.objects.filter(round__status="open").first()
    outcomes = [
        "ok" if outcome is None else type(outcome).__name__
        for outcome in at_once(
            lambda: consultations.consume_token(NominationRequest.objects.get(pk=request.pk)),
            4,
        )
    ]
    assert outcomes.count("ok") == 1
    assert outcomes.count("ValidationError") == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process needs a database it can share: PostgreSQL",
)
def test_the_worker_process_sends_queued_messages(committed_demo, run_worker):
    round_ = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    _as_if_unsent(round_)
    round_send(access=Access.installation(), round=round_)
    queued = services.delivery_report(round_).filter(status=Status.QUEUED).count()
    assert queued
    result = run_worker()
    assert result.returncode == 0, result.stderr[-2000:]
    assert services.delivery_report(round_).filter(status=Status.SENT).count() == queued


def test_a_round_that_would_skip_organisations_asks_first(client, login, demo):
    from yhdyspinta.parties.models import Organisation

    round_ = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    _as_if_unsent(round_)
    Organisation.objects.filter(pk__in=round_.all_requests.values("organisation")).update(email="")
    login("paakayttaja")
    send = reverse(
        "nominations:round_action",
        kwargs={"area": "pohjois-karjala", "pk": round_.pk, "action": "send"},
    )
    page = client.post(send)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vahvista lähetys" in html
    assert "Kiteen kaupunki" in html  # listed: no address
    assert not services.delivery_report(round_).exists()  # nothing sent yet
    done = client.post(send, {"confirm": "yes"}, follow=True)
    assert "ei ole sähköpostiosoitetta" in done.content.decode()
    rows = services.delivery_report(round_)
    assert rows.filter(status=Status.NO_ADDRESS).count() >= 10
    assert rows.filter(status=Status.QUEUED).exists()


def test_follow_up_and_account_invitations_go_through_the_outbox(demo, deliver):
    from datetime import date

    from yhdyspinta.programme.models import Programme
    from yhdyspinta.programme.services import follow_up_open

    programme = Programme.objects.get(area=demo["nk"])
    round_ = follow_up_open(
        access=Access.installation(), programme=programme, year=2027, deadline=date(2028, 1, 31)
    )
    rows = services.delivery_report(round_)
    assert rows.filter(kind=OutgoingMessage.Kind.FOLLOW_UP).exists()
    assert rows.filter(status=Status.NO_ADDRESS).exists()  # reported, not silently dropped
    assert mail.outbox == []
    assert deliver()


def test_the_status_board_says_what_the_outbox_really_did(demo, settings, client, login):
    """Each request's line: still in the outbox, sent on a day, failed with the reason,
    no address; a reminder to an organisation without an address is not 'sent'."""
    from yhdyspinta.accounts.models import AreaRole
    from yhdyspinta.nominations.selectors import board

    settings.MAILERS = {"default": {"BACKEND": BACKENDS + "RefusesHylatty"}}
    round_ = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    round_.deadline = timezone.localdate() + timedelta(days=30)
    round_.save()
    requests = list(round_.requests.select_related("organisation").order_by("pk"))
    # The demo sent it on 2.11.2026 through the outbox.
    with translation.override("fi"):
        assert {row.delivery.text() for row in board(round_)} >= {"lähetetty 2.11.2026"}
    _as_if_unsent(round_)
    addresses = ("kirjaamo@example.org", "", "hylatty@example.org")
    for request, email in zip(requests, addresses, strict=False):
        AreaRole.objects.filter(organisation=request.organisation).delete()
        request.organisation.email = email
        request.organisation.save()
    sent, without, refused = (r.organisation_id for r in requests[:3])

    def lines() -> dict[int, str]:
        with translation.override("fi"):
            return {row.request.organisation_id: row.delivery.text() for row in board(round_)}

    assert lines()[sent] == "ei vielä lähetetty"
    round_send(access=Access.installation(), round=round_)
    assert lines()[sent] == "sähköpostijonossa, ei vielä lähetetty"
    services.deliver_due()
    today = timezone.localdate()
    now = lines()
    assert now[sent] == f"lähetetty {today.day}.{today.month}.{today.year}"
    assert now[without] == "ei lähetetty: ei sähköpostiosoitetta"
    assert now[refused].startswith("lähetys epäonnistui: Postipalvelin hylkäsi osoitteen")
    send_reminders(
        access=Access.installation(), round=round_, now=timezone.now() + timedelta(days=2)
    )
    assert lines()[without] == (
        "ei lähetetty: ei sähköpostiosoitetta, 1 muistutus "
        "(viimeisin ei lähetetty: ei sähköpostiosoitetta)"
    )
    login("paakayttaja")
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "ei lähetetty: ei sähköpostiosoitetta, 1 muistutus" in page


def test_a_round_shows_whom_it_reaches_and_an_address_added_inline_sends_the_request(
    demo, client, login, deliver
):
    """'Reaches N / M', the organisations without an address listed with a field for
    one; saving an address sends that organisation the request it was skipped for, with
    the link it had; only the administrator may, and a bad address saves nothing."""
    from yhdyspinta.accounts.models import AreaRole
    from yhdyspinta.consultations.selectors import reach

    round_ = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    round_.deadline = timezone.localdate() + timedelta(days=30)
    round_.save()
    _as_if_unsent(round_)
    requests = list(round_.requests.select_related("organisation").order_by("pk"))
    skipped = requests[0]
    for request in requests:
        AreaRole.objects.filter(organisation=request.organisation).delete()
        request.organisation.email = "" if request is skipped else "x@example.org"
        request.organisation.save()
    round_send(access=Access.installation(), round=round_)
    deliver()
    found = reach(round_.requests.select_related("organisation"))
    assert (found.reached, found.total) == (len(requests) - 1, len(requests))
    assert [o.pk for _r, o in found.unreachable] == [skipped.organisation_id]
    login("jasen")
    add = reverse(
        "consultations:address_add", kwargs={"area": "pohjois-karjala", "pk": skipped.serial}
    )
    assert client.post(add, {"email": "uusi@example.org"}).status_code == 403
    login("paakayttaja")
    page = client.get(round_.get_absolute_url()).content.decode()
    assert f"Tavoittaa sähköpostilla {len(requests) - 1} / {len(requests)} organisaatiota" in page
    assert f'id="address-{skipped.serial}"' in page
    bad = client.post(add, {"email": "ei osoite"}, follow=True).content.decode()
    assert "Syötä kelvollinen sähköpostiosoite" in bad
    skipped.organisation.refresh_from_db()
    assert skipped.organisation.email == ""
    done = client.post(add, {"email": "uusi@example.org"}, follow=True).content.decode()
    assert "on jonossa sille" in done
    [message] = deliver()[-1:]
    assert message.to == ["uusi@example.org"]
    # With the request letter it was skipped for, carrying the same link.
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (
        f"nimeamispyynto-{skipped.organisation_id}.pdf",
        "application/pdf",
    )
    assert content.startswith(b"%PDF")
    skipped_row = services.delivery_report(round_).get(organisation=skipped.organisation)
    assert skipped_row.status == Status.SENT
    assert consultations.by_token(
        NominationRequest.objects.filter(round=round_), _tokens([skipped_row])[0]
    )


def test_a_mail_server_that_accepts_and_hangs_fails_the_attempt_instead_of_the_worker(db, settings):
    """The SMTP connection has a timeout (EMAIL_TIMEOUT): a server that accepts the
    connection and then says nothing fails the attempt, which is retried later, rather
    than holding the only worker and every import queued behind it."""
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys

    from yhdyspinta.testing import factories

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    environment = {
        **os.environ,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(listener.getsockname()[1]),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "1",
    }
    options = json.loads(
        subprocess.run(  # the settings module as the app reads it
            [
                sys.executable,
                "-c",
                "import json, yhdyspinta.settings as s; "
                "print(json.dumps(s.MAILERS['default']['OPTIONS']))",
            ],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert options["timeout"] == 1
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }
    message = factories.OutgoingMessageFactory(recipient="joku@example.org")

    # Without the timeout this would wait for ever: the alarm is a liveness bound far
    # beyond the timeout, not a measure of speed.
    def hung(signum, frame):
        raise AssertionError("the worker still waits for the mail server")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        counts = services.deliver_due()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        listener.close()
    assert counts == {"sent": 0, "failed": 1}
    message.refresh_from_db()
    assert message.status == Status.QUEUED  # retried later
    assert "timed out" in message.last_error
