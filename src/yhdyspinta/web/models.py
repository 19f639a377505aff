"""The web kernel's rows: a create form's one-time key (the second post of the same form,
a double click or a reload, creates nothing and leads to what the first one created),
and the large documents made on the task worker."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.models import Area


class FormSubmission(models.Model):
    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    path = models.CharField(max_length=500)
    redirect_to = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.path} {self.key}"


class DocumentJob(models.Model):
    """A large document (a council report, an agreement, the annual clock in A3) made on
    the task worker: asked for by one user (or one visitor's session), for the audience
    they were when they asked, kept for a day."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    session_key = models.CharField(max_length=64, blank=True)
    sees_people = models.BooleanField()
    language = models.CharField(max_length=10)
    task = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    # The task and its parameters as one digest: a second click finds the first job.
    request_key = models.CharField(max_length=64, db_index=True)
    title = models.CharField(max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    content = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(content__isnull=False),
                name="document_done_has_content",
            ),
            models.CheckConstraint(
                condition=~models.Q(user__isnull=True, session_key=""),
                name="document_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
