"""The annual hyte report for a council (municipality, county or the whole area), as DOCX
and PDF. It shows the programme as it stood at the end of the year."""

from __future__ import annotations

from datetime import date

from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.areas.models import CouncilTerm
from yhdyspinta.documents import docx_bytes, docx_document, docx_table, pdf_from_template
from yhdyspinta.meetings.models import Meeting, MeetingKind, MeetingStatus
from yhdyspinta.parties.models import Organisation
from yhdyspinta.web.jobs import produce

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


def plan_docx(programme: Programme, term, organisation: Organisation | None = None) -> bytes:
    """The skeleton of the welfare report and plan (hyvinvointikertomus ja -suunnitelma)
    for a council term: the state of wellbeing from the indicators, the priorities and
    goals, the measures year by year, the negotiations, and headings to fill in."""
    subject = organisation.name if organisation else programme.area.name
    years = [y for y in range(term.starts_on.year, term.ends_on.year + 1) if y in programme.years]
    document = docx_document(
        organisation=subject,
        kind=_("Plan"),
        title=_("Welfare report and plan %(start)s–%(end)s: %(subject)s")
        % {"start": term.starts_on.year, "end": term.ends_on.year, "subject": subject},
    )
    document.add_heading(_("1. The state of wellbeing and health"), level=2)
    charts = selectors.indicator_charts(
        programme, organisation if organisation and organisation.kind == "municipality" else None
    )
    docx_table(
        document,
        [_("Indicator"), _("Values by year"), _("Target")],
        [
            [
                c.indicator.name,
                ", ".join(f"{y}: {v}" for y, v in c.values),
                f"{c.indicator.target_value or '—'} ({c.indicator.target_year or '—'})",
            ]
            for c in charts
        ],
    )
    document.add_paragraph(_("Summary of the state of wellbeing: to be written."))
    document.add_heading(_("2. Priorities and goals for the council term"), level=2)
    tree = selectors.programme_tree(programme)
    for node in tree:
        document.add_heading(f"{node.priority.order}. {node.priority.name}", level=3)
        for goal in node.goals:
            document.add_paragraph(goal.goal.name, style="List Bullet")
    document.add_heading(_("3. Measures year by year"), level=2)
    reports = {}
    for report in MeasureReport.objects.filter(
        measure__goal__priority__programme=programme, year__in=years
    ).order_by("version"):
        reports[(report.measure_id, report.year)] = report
    statuses = dict(MeasureStatus.choices)
    rows = []
    for node in tree:
        for goal in node.goals:
            for measure in goal.measures:
                if (
                    organisation
                    and measure.lead_id != organisation.pk
                    and not any(p.pk == organisation.pk for p in measure.participants.all())
                ):
                    continue
                rows.append(
                    [measure.name]
                    + [
                        str(statuses.get(reports[(measure.pk, y)].status, ""))
                        if (measure.pk, y) in reports
                        else "–"
                        for y in years
                    ]
                )
    docx_table(document, [_("Measure"), *[str(y) for y in years]], rows)
    document.add_heading(_("4. Negotiations and cooperation"), level=2)
    negotiations = (
        Meeting.objects.filter(
            body__area=programme.area,
            starts_at__date__gte=term.starts_on,
            starts_at__date__lte=term.ends_on,
            kind__in=MeetingKind.negotiations(),
            status__in=MeetingStatus.held_states(),
        )
        .select_related("body")
        .order_by("starts_at")
    )
    for meeting in negotiations:
        document.add_paragraph(
            f"{timezone.localtime(meeting.starts_at):%d.%m.%Y} {meeting.title}", style="List Bullet"
        )
    document.add_heading(_("5. Follow-up and evaluation"), level=2)
    document.add_paragraph(_("How the plan is followed and evaluated: to be written."))
    return docx_bytes(document)


@task()
def report_file(job_id: str) -> str:
    """The worker makes the annual report or the welfare plan (views.ReportFile asks)."""
    return produce(job_id, _report_file)


def _report_file(job) -> bytes:
    params = job.params
    programme = Programme.objects.get(area=job.area, pk=params["programme"])
    organisation = (
        Organisation.objects.get(area=job.area, pk=params["organisation"])
        if params.get("organisation")
        else None
    )
    if params.get("term"):
        term = CouncilTerm.objects.get(area=job.area, pk=params["term"])
        return plan_docx(programme, term, organisation)
    if params["fmt"] == "pdf":
        return as_pdf(programme, params["year"], organisation)
    return as_docx(programme, params["year"], organisation)
