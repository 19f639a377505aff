"""A person's calendar-feed token: an unguessable, signed address that stands in for a
log-in so that calendar clients can subscribe. Only its owner is shown it."""

from django.core import signing

from .models import Person

__all__ = ["person_feed_token", "person_from_feed_token"]

FEED_SALT = "yhdyspinta.person-calendar"


def person_feed_token(person: Person) -> str:
    return signing.dumps(person.pk, salt=FEED_SALT, compress=True)


def person_from_feed_token(token: str) -> int | None:
    """The person id of a token, or None when it is forged."""
    try:
        return signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
