"""The forum's name badges, made on the worker (a forum may have hundreds)."""

from django.tasks import task
from django.utils import timezone

from yhdyspinta.core.documents import pdf_from_template
from yhdyspinta.web.jobs import produce

from .models import Forum, Registration


@task()
def badges_file(job_id: str) -> str:
    return produce(job_id, _badges)


def _badges(job) -> bytes:
    forum = Forum.objects.get(area=job.area, pk=job.params["forum"])
    registrations = forum.registrations.filter(status=Registration.Status.REGISTERED).order_by(
        "name"
    )
    return pdf_from_template(
        "outreach/badges_document.html",
        {
            "title": forum.title,
            "forum": forum,
            "day": timezone.localtime(forum.starts_at).date(),
            "organisation": forum.area.name,
            "registrations": registrations,
        },
    )
