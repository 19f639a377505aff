"""Large documents made on the task worker, not in the request.

A page asks with `request_document()`: a job row is written and its task is queued after
commit; a second click on the same button finds the job already waiting. The app's own
task (one per kind of document, next to the code that makes it) calls `produce()`, which
claims the job once, makes the document in the language and for the audience of the one
who asked, and stores it, or stores the error. The job's page follows it and offers the
file; only the one who asked may fetch it."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yhdyspinta.accounts.visibility import INTERNAL, PUBLIC, Audience
from yhdyspinta.areas.models import Area

from .models import DocumentJob

__all__ = ["audience_of", "is_stale", "owned_by", "produce", "request_document"]

logger = logging.getLogger(__name__)
Status = DocumentJob.Status
# Finished documents are kept this long, then removed when the next one is asked for.
KEEP = timedelta(days=1)


def _owner(http_request) -> Q:
    if http_request.user.is_authenticated:
        return Q(user=http_request.user)
    if not http_request.session.session_key:
        http_request.session.save()
    return Q(user__isnull=True, session_key=http_request.session.session_key)


def owned_by(http_request):
    """The jobs the asker may see: their own (a visitor's: their session's)."""
    if not http_request.user.is_authenticated and not http_request.session.session_key:
        return DocumentJob.objects.none()
    return DocumentJob.objects.filter(_owner(http_request))


def is_stale(job: DocumentJob) -> bool:
    """A job left running by a worker that died (it is shown as failed and made anew)."""
    limit = timedelta(seconds=settings.DOCUMENT_STALE_SECONDS)
    started = job.started_at
    return job.status == Status.RUNNING and started is not None and started < timezone.now() - limit


def request_document(
    http_request,
    *,
    area: Area,
    audience: Audience,
    task: Task,
    params: dict,
    title: str,
    filename: str,
    content_type: str,
) -> DocumentJob:
    """The job that makes this document for this asker: the one already waiting or
    being made, or a new one queued for the worker after commit."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = hashlib.sha256(
        json.dumps(
            [task.module_path, params, audience.sees_people, language, area.pk], sort_keys=True
        ).encode()
    ).hexdigest()
    owner = _owner(http_request)
    signed_in = http_request.user.is_authenticated
    with transaction.atomic():
        DocumentJob.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        waiting = [
            job
            for job in DocumentJob.objects.select_for_update()
            .filter(owner, request_key=key, status__in=[Status.QUEUED, Status.RUNNING])
            .order_by("-created_at")
            if not is_stale(job)
        ]
        if waiting:
            return waiting[0]
        job = DocumentJob.objects.create(
            area=area,
            user=http_request.user if signed_in else None,
            session_key="" if signed_in else http_request.session.session_key,
            sees_people=audience.sees_people,
            language=language,
            task=task.module_path,
            params=params,
            request_key=key,
            title=title[:300],
            filename=filename[:200],
            content_type=content_type,
        )
        transaction.on_commit(lambda: task.enqueue(str(job.pk)))
    return job


def audience_of(job: DocumentJob) -> Audience:
    return INTERNAL if job.sees_people else PUBLIC


def produce(job_id: str, make: Callable[[DocumentJob], bytes]) -> str:
    """The worker's part: claim the job (once, even if queued twice), make the document
    in the asker's language, store it or the error. Returns the job's status."""
    claimed = DocumentJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    job = DocumentJob.objects.select_related("area").get(pk=job_id)
    try:
        with translation.override(job.language):
            content = make(job)
    except Exception as error:  # the job must not stay "running"; the asker sees why
        logger.exception("Document %s failed", job.pk)
        with translation.override(job.language):
            message = _("The document could not be made: %(error)s") % {"error": error}
        DocumentJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        return Status.FAILED
    DocumentJob.objects.filter(pk=job.pk).update(
        # `make` may rename it, e.g. a draft's name says so (documents.draft_filename).
        status=Status.DONE,
        content=content,
        filename=job.filename[:200],
        finished_at=timezone.now(),
    )
    return Status.DONE
