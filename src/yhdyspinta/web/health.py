"""What an operator's monitor asks of the installation (`/health/`): the database and the
shared cache answer, each task queue is being worked (the worker's heartbeat is the age
of the oldest task that is due and not started: a queue that nobody works grows it), and
the outbox (how many messages wait, since when, how many are being sent and how many
failed for good (until sent again): a stalled mail server shows as an old queued message).

No person, address or error text is in it: a monitor outside the installation may read
it. `/health/live/` is the proxy's liveness check: it answers without any query."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, Min, Q, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from yhdyspinta.communications.models import OutgoingMessage

__all__ = ["Health", "check"]


@dataclass
class Health:
    database: bool = False
    cache: bool = False
    # Per queue: tasks due and not started, and the oldest one's wait in seconds.
    queues: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    outbox: dict[str, float | int | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"status": "ok" if self.ok else "problem", **asdict(self)}


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 1)


def check(*, now: datetime | None = None) -> Health:
    now = now or timezone.now()
    health = Health()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        health.database = True
    except DatabaseError:
        health.problems.append("database")
        return health
    try:
        cache.set("health", 1, 10)
        health.cache = cache.get("health") == 1
    except DatabaseError:
        health.cache = False
    if not health.cache:
        health.problems.append("cache")
    lag = timedelta(seconds=settings.HEALTH_QUEUE_LAG_SECONDS)
    # A task to run at once has the backend's largest date as its run_after.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    waiting = list(
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(due=Count("id"), since=Min(due_since))
    )
    for queue in settings.TASKS["default"]["QUEUES"]:
        row = next((row for row in waiting if row["queue_name"] == queue), None)
        oldest = _age(row["since"], now) if row else None
        health.queues[queue] = {"due": row["due"] if row else 0, "oldest_due_seconds": oldest}
        if oldest is not None and oldest > lag.total_seconds():
            health.problems.append(f"queue {queue}: no worker")
    status = OutgoingMessage.Status
    outbox = OutgoingMessage.objects.aggregate(
        queued=Count("id", filter=Q(status=status.QUEUED)),
        oldest=Min("created_at", filter=Q(status=status.QUEUED)),
        sending=Count("id", filter=Q(status=status.SENDING)),
        failed=Count("id", filter=Q(status=status.FAILED)),
    )
    oldest_queued = _age(outbox["oldest"], now)
    health.outbox = {
        "queued": outbox["queued"],
        "oldest_queued_seconds": oldest_queued,
        "sending": outbox["sending"],
        "failed": outbox["failed"],
    }
    if oldest_queued is not None and oldest_queued > settings.HEALTH_OUTBOX_LAG_SECONDS:
        health.problems.append("outbox: mail waits")
    return health
