"""The annual clock printed (A4 or A3 PDF), made on the task worker (web.jobs)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.core.documents import pdf_from_template
from yhdyspinta.web.jobs import produce

from .selectors import clock_context


@task()
def clock_file(job_id: str) -> str:
    """The worker prints the clock (views.ClockPdf asks for it)."""
    return produce(job_id, _clock_file)


def _clock_file(job) -> bytes:
    params = job.params
    context = {
        **clock_context(job.area, params["year"], params["filters"]),
        "area": job.area,
        "title": _("Annual clock %(year)s") % {"year": params["year"]},
        "organisation": job.area.name,
        "kind": _("Annual clock"),
        "day": timezone.localdate(),
        "paper": params["paper"],
    }
    return pdf_from_template("clock/clock_document.html", context)
