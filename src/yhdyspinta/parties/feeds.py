"""A person's calendar-feed token: an unguessable, signed address that stands in for a
log-in so that calendar clients can subscribe. Only its owner is shown it, and the owner
can renew it (the links given before stop working) or turn it off. It carries the
person's current key (Person.calendar_key) and expires after CALENDAR_LINK_DAYS; the
owner's page always shows a fresh one."""

from django.conf import settings
from django.core import signing

from .models import Person

__all__ = ["person_feed_token", "person_from_feed_token"]

FEED_SALT = "yhdyspinta.person-calendar"


def person_feed_token(person: Person) -> str:
    return signing.dumps([person.pk, person.calendar_key], salt=FEED_SALT, compress=True)


def person_from_feed_token(token: str) -> Person | None:
    """The person whose link this is, while it is valid: not forged, not expired, not
    renewed or turned off since, and its owner's account still active."""
    try:
        value = signing.loads(
            token, salt=FEED_SALT, max_age=settings.CALENDAR_LINK_DAYS * 24 * 60 * 60
        )
    except signing.BadSignature:
        return None
    pk, key = value if isinstance(value, list) else (value, "")  # links of before keys
    person = Person.objects.filter(pk=pk, user__is_active=True).first()
    if person is None or person.calendar_key == Person.CALENDAR_OFF or person.calendar_key != key:
        return None
    return person
