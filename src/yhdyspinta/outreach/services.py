"""Every write of the letters, the subscriptions and the forums, in a transaction with
its permission check. Messages go through the outbox (communications), so a failing
mail server loses nothing and the delivery report shows each one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Event, vText

from yhdyspinta.accounts.person_data import Holder
from yhdyspinta.areas.models import Area
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.communications.services import Personal, Recipient, enqueue
from yhdyspinta.core.markup import render_markdown
from yhdyspinta.meetings.ics import new_calendar
from yhdyspinta.parties.models import Person

from . import selectors
from .audiences import Audience, resolve
from .models import (
    Attendance,
    ConsentRecord,
    Forum,
    Letter,
    LetterImage,
    Registration,
    Subscriber,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from yhdyspinta.accounts.permissions import Access

Kind = OutgoingMessage.Kind
CONFIRM_DAYS = 7
RESEND_AFTER = timedelta(minutes=10)  # a new confirmation link at most this often
UNSUBSCRIBE_SALT = "yhdyspinta.letter-unsubscribe"
REGISTRATION_SALT = "yhdyspinta.forum-registration"
REMIND_BEFORE = timedelta(days=2)
# What a subscriber agrees to; kept with each consent record as it was shown.
CONSENT_WORDING = (
    "Haluan saada alueen hyte-kirjeen sähköpostiini. Osoitettani käytetään vain kirjeen "
    "lähettämiseen, ja voin perua tilauksen milloin tahansa jokaisen kirjeen linkistä."
)


def can_manage(access: Access, area: Area) -> bool:
    """Letters and forums: the area's administrators (the coordinators), as for every
    other setting of the area (the generic create and edit pages ask the same)."""
    return access.can_edit_area_settings(area)


def _check(access: Access, area: Area) -> None:
    if not can_manage(access, area):
        raise PermissionDenied


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- letters ------------------------------------------------------------------------


@transaction.atomic
def letter_save(*, access: Access, letter: Letter) -> Letter:
    """Create or edit a draft (the letter as its form built it, not yet saved); a sent
    letter is the record of what went out and never changes."""
    _check(access, letter.area)
    if letter.pk and Letter.objects.filter(pk=letter.pk, status=Letter.Status.SENT).exists():
        raise ValidationError(_("The letter has been sent and can no longer be changed."))
    letter.full_clean()
    letter.save()
    return letter


@transaction.atomic
def letter_image_add(*, access: Access, letter: Letter, image: LetterImage) -> LetterImage:
    """An image for a draft's text (checked by its content in the form)."""
    _check(access, letter.area)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status == Letter.Status.SENT:
        raise ValidationError(_("The letter has been sent and can no longer be changed."))
    image.letter = letter
    image.save()
    return image


def unsubscribe_token(area: Area, email: str) -> str:
    return signing.dumps({"a": area.pk, "e": email.lower()}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_address(token: str) -> tuple[int, str] | None:
    """The area and address of an unsubscribe link, or None when it is forged."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return int(data["a"]), str(data["e"])


def _letter_personal(letter: Letter, email: str) -> Personal:
    unsubscribe = _absolute(
        reverse("outreach_unsubscribe", kwargs={"token": unsubscribe_token(letter.area, email)})
    )
    archive = _absolute(letter.get_absolute_url()) if letter.publish else ""
    context = {
        "letter": letter,
        "html": render_markdown(letter.text, base_url=settings.SITE_URL),
        "unsubscribe": unsubscribe,
        "archive": archive,
    }
    return Personal(
        body=render_to_string("outreach/email/letter.txt", context),
        html_body=render_to_string("outreach/email/letter.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{letter.area.name} <hyte-kirje.{letter.area.slug}.yhdyspinta>",
        },
    )


@transaction.atomic
def letter_test(*, access: Access, user: User, letter: Letter) -> OutgoingMessage:
    """A copy to the sender alone, through the outbox, exactly as the recipients get it."""
    _check(access, letter.area)
    person = getattr(user, "person", None)
    email = (person.email if person else "") or user.email
    if not email:
        raise ValidationError(_("Your account has no e-mail address to send the test to."))
    recipient = Recipient(email, person=person, name=str(person or user))
    return enqueue(
        area=letter.area,
        kind=Kind.LETTER_TEST,
        about=letter,
        subject=_("[Test] %(title)s") % {"title": letter.title},
        body="",
        recipients=[recipient],
        personalise=lambda r: _letter_personal(letter, r.email),
    )[0]


@transaction.atomic
def letter_send(*, access: Access, user: User, letter: Letter) -> int:
    """Send the letter once: one message per address through the outbox. A second
    click, or two senders at once, find it sent and send nothing more."""
    _check(access, letter.area)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status == Letter.Status.SENT:
        raise ValidationError(_("The letter has already been sent."))
    if not letter.text.strip():
        raise ValidationError(_("The letter has no text yet."))
    resolved = resolve(letter.area, Audience.of(letter.audience))
    if not resolved.recipients:
        raise ValidationError(
            _("The letter has no recipients. Choose who gets it: nothing was sent.")
        )
    skipped = [Recipient("", p.organisation, p, str(p)) for p in resolved.without_address]
    enqueue(
        area=letter.area,
        kind=Kind.LETTER,
        about=letter,
        subject=letter.title,
        body="",
        recipients=[*resolved.recipients, *skipped],
        personalise=lambda r: _letter_personal(letter, r.email),
    )
    letter.status = Letter.Status.SENT
    letter.sent_at = timezone.now()
    letter.sent_by = user
    letter.recipient_count = resolved.count
    letter.save()
    return resolved.count


# --- subscriptions ------------------------------------------------------------------


def _record(subscriber: Subscriber, action: str, via: str, user: User | None = None) -> None:
    ConsentRecord.objects.create(
        area=subscriber.area,
        subscriber=subscriber,
        email_sha256=ConsentRecord.digest(subscriber.email),
        action=action,
        wording=CONSENT_WORDING if action != ConsentRecord.Action.REMOVED else "",
        via=via,
        by_user=user if user and user.is_authenticated else None,
    )


@transaction.atomic
def subscribe(*, area: Area, email: str, name: str = "") -> None:
    """Ask for the letter: a confirmation link goes to the address (double opt-in);
    nothing else is sent to the address before it is confirmed. Asking again sends a
    new link, at most once in RESEND_AFTER (the form must not flood an address); a
    confirmed subscriber stays as they are."""
    email = email.strip()
    subscriber = (
        Subscriber.objects.select_for_update().filter(area=area, email__iexact=email).first()
    )
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(area=area, email=email, name=name[:200])
        except IntegrityError:  # the same address, at the same moment
            subscriber = Subscriber.objects.select_for_update().get(area=area, email__iexact=email)
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return
    if (
        subscriber.status == Subscriber.Status.PENDING
        and subscriber.confirm_hash
        and subscriber.updated_at > timezone.now() - RESEND_AFTER
    ):
        return  # a link went out just now: nobody is flooded with them by a form
    token = secrets.token_urlsafe(24)
    subscriber.status = Subscriber.Status.PENDING
    subscriber.name = name[:200] or subscriber.name
    subscriber.confirm_hash = _sha(token)
    subscriber.confirm_expires_at = timezone.now() + timedelta(days=CONFIRM_DAYS)
    subscriber.save()
    _record(subscriber, ConsentRecord.Action.REQUESTED, "form")
    link = _absolute(reverse("outreach_confirm", kwargs={"token": token}))
    enqueue(
        area=area,
        kind=Kind.SUBSCRIPTION,
        about=subscriber,
        subject=_("Confirm your subscription to the hyte letter: %(area)s") % {"area": area},
        body=render_to_string(
            "outreach/email/subscription.txt",
            {"area": area, "link": link, "days": CONFIRM_DAYS, "wording": CONSENT_WORDING},
        ),
        recipients=[Recipient(subscriber.email, name=subscriber.name)],
        link=link,
    )


def pending_by_token(token: str) -> Subscriber | None:
    return Subscriber.objects.filter(confirm_hash=_sha(token)).select_related("area").first()


def confirm_problem(subscriber: Subscriber | None) -> str:
    """Why a confirmation link does not work, in words; empty when it does."""
    if subscriber is None:
        return _("This confirmation link is not valid or it has been used already.")
    if subscriber.confirm_expires_at and subscriber.confirm_expires_at < timezone.now():
        return _("This confirmation link has expired. Subscribe again and you will get a new one.")
    return ""


@transaction.atomic
def confirm(*, token: str) -> Subscriber:
    subscriber = pending_by_token(token)
    if subscriber is not None:
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    problem = confirm_problem(subscriber)
    if subscriber is None or problem:
        raise ValidationError(problem)
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.confirm_hash = ""
    subscriber.confirm_expires_at = None
    subscriber.save()
    _record(subscriber, ConsentRecord.Action.CONFIRMED, "link")
    return subscriber


@transaction.atomic
def unsubscribe(*, area: Area, email: str, via: str) -> bool:
    """No more letters to the address. True when this did it, False when it had been
    done already (a link used twice)."""
    subscriber = (
        Subscriber.objects.select_for_update().filter(area=area, email__iexact=email).first()
    )
    if subscriber is None:  # a register person: remembered so that no letter reaches them
        subscriber = Subscriber.objects.create(
            area=area, email=email, status=Subscriber.Status.UNSUBSCRIBED
        )
    elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return False
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.confirm_hash = ""
    subscriber.save()
    _record(subscriber, ConsentRecord.Action.UNSUBSCRIBED, via)
    return True


@transaction.atomic
def remove_subscriber(
    *, area: Area, email: str, via: str, user: User | None = None, access: Access | None = None
) -> bool:
    """Remove a subscriber's data on request (by themselves through their link, or by
    the administrator). The consent records keep a hash of the address and what was
    done; the address stays unsubscribed only as that hash: letters from the register
    may reach a register person again only if they are re-entered."""
    if access is not None:
        _check(access, area)
    subscriber = (
        Subscriber.objects.select_for_update().filter(area=area, email__iexact=email).first()
    )
    if subscriber is None:
        return False
    _record(subscriber, ConsentRecord.Action.REMOVED, via, user)
    ConsentRecord.objects.filter(subscriber=subscriber).update(subscriber=None)
    OutgoingMessage.objects.filter(
        area=area, kind=Kind.SUBSCRIPTION, recipient__iexact=email
    ).delete()
    subscriber.delete()
    return True


def subscriber_records(subscriber: Subscriber) -> QuerySet[ConsentRecord]:
    return subscriber.consents.order_by("at", "pk")


# --- forums -------------------------------------------------------------------------


def registration_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=REGISTRATION_SALT)


def registration_from_token(token: str) -> Registration | None:
    try:
        pk = signing.loads(token, salt=REGISTRATION_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.filter(pk=pk).select_related("forum", "forum__area").first()


def registration_link(registration: Registration) -> str:
    return _absolute(
        reverse("outreach_registration", kwargs={"token": registration_token(registration)})
    )


def places_taken(forum: Forum) -> int:
    return forum.registrations.filter(
        status=Registration.Status.REGISTERED, attendance=Attendance.IN_PERSON
    ).count()


def registration_open(forum: Forum, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return forum.published and now <= forum.registration_deadline


def forum_event(forum: Forum, *, registration: Registration | None = None) -> Event:
    """The forum as an iCalendar event; a participant's copy carries the online link."""
    event = Event()
    event.add("uid", f"forum-{forum.pk}@yhdyspinta")
    event.add("dtstamp", datetime.now(tz=UTC))
    event.add("dtstart", forum.starts_at)
    event.add("dtend", forum.ends_at)
    event.add("summary", forum.title)
    event.add("url", _absolute(forum.get_absolute_url()))
    place = [forum.place] if forum.place else []
    if registration is not None and forum.online_link:
        place.append(forum.online_link)
    if place:
        event.add("location", vText(" / ".join(place)))
    event.add("description", forum.programme)
    event.add("status", "CONFIRMED")
    return event


def forum_ics(forum: Forum, *, registration: Registration | None = None) -> bytes:
    calendar = new_calendar("PUBLISH", forum.title)
    calendar.add_component(forum_event(forum, registration=registration))
    return bytes(calendar.to_ical())


def _mail_registration(registration: Registration, kind: str, subject: str) -> None:
    forum = registration.forum
    link = registration_link(registration)
    context = {
        "forum": forum,
        "registration": registration,
        "link": link,
        "forum_url": _absolute(forum.get_absolute_url()),
        "waiting": registration.status == Registration.Status.WAITING,
    }
    attachments = []
    if registration.status == Registration.Status.REGISTERED:
        attachments.append(
            ("hyte-foorumi.ics", forum_ics(forum, registration=registration), "text/calendar")
        )
    enqueue(
        area=forum.area,
        kind=kind,
        about=forum,
        subject=subject,
        body=render_to_string("outreach/email/registration.txt", context),
        recipients=[Recipient(registration.email, name=registration.name)],
        attachments=attachments,
        link=link,
    )


def public_form_allowed(*, form: str, address: str | None, email: str) -> bool:
    """Whether a public form (a forum registration, a letter subscription) may be sent
    once more: at most FORUM_REGISTRATIONS_PER_HOUR from one connection an hour (a script
    could otherwise fill a forum's places), and at most PUBLIC_FORM_MESSAGES_PER_ADDRESS
    for one e-mail address an hour (each sends that address a message: nobody can flood
    someone else's inbox through us). Counted in the shared cache."""
    by_client = _count(f"public-form:{form}:client:{address or 'unknown'}")
    by_email = _count(f"public-form:{form}:email:{ConsentRecord.digest(email)}")
    return (
        by_client <= settings.FORUM_REGISTRATIONS_PER_HOUR
        and by_email <= settings.PUBLIC_FORM_MESSAGES_PER_ADDRESS
    )


def _count(key: str) -> int:
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two
        cache.set(key, 1, 3600)
        return 1


@transaction.atomic
def register(*, forum: Forum, data: dict, now: datetime | None = None) -> Registration:
    """Register for the forum: a place in person while there are places, else the
    waiting list; online is never full. The forum's row is locked, so two people who
    register for the last place at once cannot both get it. An address that has
    registered already gets its confirmation, with its own link, again, and the answer
    is the same as for a new one: the public cannot test who has registered."""
    now = now or timezone.now()
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    if not registration_open(forum, now):
        raise ValidationError(_("Registration for this event has closed."))
    email = data["email"].strip()
    existing = (
        forum.registrations.filter(email__iexact=email)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if existing is not None:
        _mail_registration(
            existing, Kind.REGISTRATION, _("Your registration: %(forum)s") % {"forum": forum.title}
        )
        return existing
    full = (
        data.get("attendance", Attendance.IN_PERSON) == Attendance.IN_PERSON
        and forum.capacity is not None
        and places_taken(forum) >= forum.capacity
    )
    registration = Registration.objects.create(
        forum=forum,
        **{**data, "email": email},
        status=Registration.Status.WAITING if full else Registration.Status.REGISTERED,
    )
    subject = (
        _("You are on the waiting list: %(forum)s") if full else _("Your registration: %(forum)s")
    ) % {"forum": forum.title}
    _mail_registration(registration, Kind.REGISTRATION, subject)
    return registration


@transaction.atomic
def cancel(*, registration: Registration, now: datetime | None = None) -> Registration | None:
    """Cancel by the participant's own link. A place in person that frees goes to the
    first on the waiting list, who is told. Returns whoever moved up."""
    now = now or timezone.now()
    forum = Forum.objects.select_for_update().get(pk=registration.forum_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration has already been cancelled."))
    if forum.ends_at < now:
        raise ValidationError(_("The event is over; the registration can no longer be cancelled."))
    freed = (
        registration.status == Registration.Status.REGISTERED
        and registration.attendance == Attendance.IN_PERSON
    )
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save()
    if not freed:
        return None
    first = (
        forum.registrations.filter(status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None or (forum.capacity is not None and places_taken(forum) >= forum.capacity):
        return None
    first.status = Registration.Status.REGISTERED
    first.save()
    _mail_registration(
        first, Kind.REGISTRATION, _("A place is yours: %(forum)s") % {"forum": forum.title}
    )
    return first


@transaction.atomic
def send_reminders(*, forum: Forum, now: datetime | None = None) -> int:
    """Remind each registered participant once, in the last days before the event."""
    now = now or timezone.now()
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    if not (now < forum.starts_at <= now + REMIND_BEFORE):
        return 0
    due = list(forum.registrations.filter(status=Registration.Status.REGISTERED, reminded_at=None))
    for registration in due:
        _mail_registration(
            registration,
            Kind.EVENT_REMINDER,
            _("Reminder: %(forum)s") % {"forum": forum.title},
        )
    Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
    return len(due)


def due_for_reminders(now: datetime | None = None) -> QuerySet[Forum]:
    """The published forums that start within REMIND_BEFORE and have someone to remind."""
    now = now or timezone.now()
    waiting = Registration.objects.filter(
        forum=OuterRef("pk"), status=Registration.Status.REGISTERED, reminded_at=None
    )
    return Forum.objects.filter(
        published=True, starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE
    ).filter(Exists(waiting))


@transaction.atomic
def record_attendance(*, access: Access, forum: Forum, present: set[int]) -> int:
    """Who came, on the day: the ticked are present, the other registered not."""
    _check(access, forum.area)
    rows = forum.registrations.select_for_update().filter(status=Registration.Status.REGISTERED)
    changed = 0
    for registration in rows:
        attended = registration.pk in present
        if registration.attended != attended:
            registration.attended = attended
            registration.save(update_fields=["attended"])
            changed += 1
    return changed


@transaction.atomic
def give_feedback(
    *, registration: Registration, rating: int, text: str, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    registration = (
        Registration.objects.select_for_update().select_related("forum").get(pk=registration.pk)
    )
    if registration.forum.ends_at > now:
        raise ValidationError(_("Feedback opens when the event is over."))
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration has been cancelled."))
    if not 1 <= rating <= 5:
        raise ValidationError(_("Choose a rating from 1 to 5."))
    registration.rating = rating
    registration.feedback = text.strip()[:5000]
    registration.feedback_at = now
    registration.save()


@transaction.atomic
def forum_save(*, access: Access, forum: Forum) -> Forum:
    """Create or edit a forum (as its form built it, not yet saved)."""
    _check(access, forum.area)
    forum.full_clean()
    forum.save()
    return forum


# --- personal data kept by e-mail address (accounts.person_data's registry) -------------


def _erase_registrations(person: Person) -> int:
    if not person.email:
        return 0
    return Registration.objects.filter(email__iexact=person.email).update(
        name=_("Removed"), email="", diet="", accessibility=""
    )


def _erase_subscriptions(person: Person) -> int:
    """As the subscriber's own removal does: the consents keep a hash of the address."""
    if not person.email:
        return 0
    rows = list(Subscriber.objects.filter(email__iexact=person.email).select_related("area"))
    return sum(remove_subscriber(area=row.area, email=row.email, via="erasure") for row in rows)


PERSONAL_DATA = [
    Holder(
        title=gettext_lazy("Forum registrations with the person's e-mail address"),
        lines=selectors.registrations_of,
        erase=_erase_registrations,
        kept=gettext_lazy(
            "until the event's follow-up is done; an erasure removes the name, address "
            "and needs and keeps the count"
        ),
    ),
    Holder(
        title=gettext_lazy("Letter subscriptions with the person's e-mail address"),
        lines=selectors.subscriptions_of,
        kept=gettext_lazy("until unsubscribed; then only a hash of the address remains"),
        erase=_erase_subscriptions,
    ),
    Holder(
        title=gettext_lazy("Consents given with the person's e-mail address"),
        lines=selectors.consents_of,
        kept=gettext_lazy("as proof of consent (GDPR art. 7), by a hash of the address only"),
    ),
]
