"""The demo's messages went through the outbox as a real send does, and went out when
the demo's history says: none is left in the queue for the worker."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from yhdyspinta.areas.models import Area
from yhdyspinta.communications.models import OutgoingMessage


def delivered(area: Area, about, at: datetime) -> None:
    """The queued messages (of `about`, or all of the area's) sent at `at`; a message
    about `about` is dated then too, and the organisations skipped for want of an
    address stay skipped."""
    queued = OutgoingMessage.objects.filter(area=area, status=OutgoingMessage.Status.QUEUED)
    if about is not None:
        of_it = OutgoingMessage.objects.filter(
            about_type=ContentType.objects.get_for_model(about), about_id=about.pk
        )
        of_it.update(created_at=at)
        queued = queued.filter(pk__in=of_it.values("pk"))
    queued.update(status=OutgoingMessage.Status.SENT, sent_at=at, attempts=1)


def requests_sent(round, requests, at: datetime) -> None:
    """A round's requests went out at `at`, as their messages did."""
    requests.update(sent_at=at)
    delivered(round.area, round, at)
