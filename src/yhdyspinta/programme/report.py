"""The annual hyte report for a council (municipality, county or the whole area), as DOCX
and PDF. It shows the programme as it stood at the end of the year."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.documents import docx_bytes, docx_document, docx_table, pdf_from_template
from yhdyspinta.meetings.models import Meeting, MeetingKind, MeetingStatus
from yhdyspinta.parties.models import Organisation

from . import selectors
from .models import MeasureReport, MeasureStatus, Programme


def _context(programme: Programme, year: int, organisation: Organisation | None) -> dict:
    as_of = min(date(year, 12, 31), timezone.localdate())
    # A programme entered into the system after that year has no older record: then the
    # current structure is the best one there is.
    tree = selectors.programme_tree(programme, as_of=as_of) or selectors.programme_tree(programme)
    reports = {}
    for report in MeasureReport.objects.filter(
        measure__goal__priority__programme=programme, year=year
    ).order_by("version"):
        reports[(report.measure_id, report.organisation_id)] = report
    statuses = dict(MeasureStatus.choices)
    rows = []
    for node in tree:
        for goal in node.goals:
            for measure in goal.measures:
                if not (measure.starts_year <= year <= measure.ends_year):
                    continue
                key_org = organisation.pk if organisation else measure.lead_id
                report = reports.get((measure.pk, key_org))
                if organisation and report is None and measure.lead_id != organisation.pk:
                    continue  # not this organisation's measure
                rows.append(
                    {
                        "priority": node.priority,
                        "goal": goal,
                        "measure": measure,
                        "status": str(statuses.get(report.status, ""))
                        if report
                        else _("not reported"),
                        "account": report.account if report else "",
                    }
                )
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
    docx_table(
        document,
        [_("Indicator"), _("Values by year"), _("Target")],
        [
            [
                c.indicator.name + (f" ({_('demo values')})" if c.is_demo else ""),
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
