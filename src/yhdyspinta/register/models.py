"""A register file's run on the task worker: first its preview (what the file would
create, change and leave), then, once confirmed, its import."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.models import Area

# A run still "running" this long after it started belongs to a worker that died: its
# transaction was rolled back, so nothing of it was written.
STALE = timedelta(minutes=30)


class RegisterRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RUNNING = "running", _("Being read")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=300, blank=True)
    preview = models.BooleanField(default=True)
    language = models.CharField(max_length=10, default="fi")
    # The preview's import, once confirmed: a second click finds the first.
    confirmed = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="previewed"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # {"counts": {sheet: [created, changed, unchanged]}, "problems": ["where: why", ...]}
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def stale(self) -> bool:
        return (
            self.status == self.Status.RUNNING
            and self.started_at is not None
            and timezone.now() - self.started_at > STALE
        )

    @property
    def problems(self) -> list[str]:
        return list(self.report.get("problems", []))

    @property
    def changes(self) -> int:
        """How many rows the file creates or changes."""
        return sum(created + changed for _sheet, created, changed, _same in self.counts)

    @property
    def counts(self) -> list[tuple[str, int, int, int]]:
        return [(sheet, *numbers) for sheet, numbers in self.report.get("counts", {}).items()]
