"""The annual hyte report for a council (municipality, county or the whole area), as DOCX
and PDF. It shows the programme as it stood at the end of the year."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.core.documents import docx_bytes, docx_document, docx_table, pdf_from_template
from yhdyspinta.meetings.models import Meeting, MeetingKind, MeetingStatus
from yhdyspinta.parties.models import Organisation
from yhdyspinta.web.jobs import produce

from . import selectors
from .models import Programme


def _context(programme: Programme, year: int, organisation: Organisation | None) -> dict:
    tree, rows = selectors.measure_year_rows(programme, year, organisation)
    negotiations = (
        Meeting.objects.filter(
            body__area=programme.area,
            starts_at__year=year,
            kind__in=MeetingKind.negotiations(),
            status__in=MeetingStatus.held_states(),
        )
        .select_related("body")
        .order_by("starts_at")
    )
    if organisation:
        negotiations = negotiations.filter(attendances__organisation=organisation).distinct()
    subject = organisation.name if organisation else programme.area.name
    return {
        "programme": programme,
        "year": year,
        "organisation": organisation,
        "tree": tree,
        "rows": rows,
        "charts": selectors.indicator_charts(
            programme,
            organisation if organisation and organisation.kind == "municipality" else None,
        ),
        "negotiations": list(negotiations),
        "title": _("Annual hyte report %(year)s: %(subject)s") % {"year": year, "subject": subject},
        "kind": _("Report"),
        "day": timezone.localdate(),
    }


def as_pdf(programme: Programme, year: int, organisation: Organisation | None = None) -> bytes:
    context = _context(programme, year, organisation)
    context["organisation_name"] = (
        context["organisation"].name if organisation else programme.area.name
    )
    context["organisation"] = context["organisation_name"]
    return pdf_from_template("programme/report_document.html", context)


def as_docx(programme: Programme, year: int, organisation: Organisation | None = None) -> bytes:
    context = _context(programme, year, organisation)
    document = docx_document(
        organisation=organisation.name if organisation else programme.area.name,
        kind=context["kind"],
        title=context["title"],
        day=context["day"],
    )
    document.add_paragraph(
        _("The report follows %(programme)s as it stood at the end of %(year)s.")
        % {"programme": programme, "year": year}
    )
    document.add_heading(_("Priorities, goals and measures"), level=2)
    current = None
    for row in context["rows"]:
        if row["priority"] != current:
            current = row["priority"]
            document.add_heading(f"{current.order}. {current.name}", level=3)
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{row['measure'].name}: ").bold = True
        paragraph.add_run(f"{row['status']}. {row['account']}".strip())
    document.add_heading(_("Indicators"), level=2)
    demo_values = _("demo values")
    docx_table(
        document,
        [_("Indicator"), _("Values by year"), _("Target")],
        [
            [
                c.indicator.name + (f" ({demo_values})" if c.is_demo else ""),
                ", ".join(f"{y}: {v}" for y, v in c.values),
                f"{c.indicator.target_value or '—'} ({c.indicator.target_year or '—'})",
            ]
            for c in context["charts"]
        ],
    )
    document.add_heading(_("Negotiations held"), level=2)
    for meeting in context["negotiations"]:
        when = timezone.localtime(meeting.starts_at)
        document.add_paragraph(
            f"{when:%d.%m.%Y} {meeting.title} ({meeting.body.name})", style="List Bullet"
        )
    if not context["negotiations"]:
        document.add_paragraph(_("No negotiations recorded for the year."))
    return docx_bytes(document)


@task()
def report_file(job_id: str) -> str:
    """The worker makes the annual report (views.ReportFile asks)."""
    return produce(job_id, _report_file)


def _report_file(job) -> bytes:
    params = job.params
    programme = Programme.objects.get(area=job.area, pk=params["programme"])
    organisation = (
        Organisation.objects.get(area=job.area, pk=params["organisation"])
        if params.get("organisation")
        else None
    )
    if params["fmt"] == "pdf":
        return as_pdf(programme, params["year"], organisation)
    return as_docx(programme, params["year"], organisation)
