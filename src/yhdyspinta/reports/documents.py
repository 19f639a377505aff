"""The welfare report as DOCX and PDF, made on the task worker in the asker's language
and for the asker's audience (web.jobs)."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext as _

from yhdyspinta.core.documents import (
    docx_bytes,
    docx_document,
    docx_table,
    draft_filename,
    draft_word,
    pdf_from_template,
)
from yhdyspinta.parties.models import Organisation
from yhdyspinta.web.jobs import audience_of, produce

from . import content
from .models import ReportKind


def kind_label(report: content.Report) -> str:
    return _("Report") if report.kind == ReportKind.ANNUAL else _("Plan")


def as_docx(report: content.Report) -> bytes:
    document = docx_document(
        organisation=report.subject,
        kind=kind_label(report),
        title=report.title,
        day=report.day,
        draft=report.is_draft,
    )
    for number, part in enumerate(report.parts, start=1):
        document.add_heading(f"{number}. {part.heading}", level=2)
        for paragraph in part.text.split("\n\n") if part.text else []:
            document.add_paragraph(paragraph.strip())
        for paragraph in part.paragraphs:
            document.add_paragraph(paragraph)
        for table in part.tables:
            document.add_paragraph(table.caption).runs[0].bold = True
            if table.rows:
                docx_table(document, table.header, table.rows)
            else:
                document.add_paragraph(_("Nothing for this yet."))
    document.add_heading(_("Sources"), level=2)
    for source in report.sources:
        document.add_paragraph(source, style="List Bullet")
    return docx_bytes(document)


def as_pdf(report: content.Report) -> bytes:
    return pdf_from_template(
        "reports/report_document.html",
        {
            "report": report,
            "title": report.title,
            "organisation": report.subject,
            "kind": kind_label(report),
            "day": report.day,
            "draft": draft_word() if report.is_draft else "",
        },
    )


@task()
def report_file(job_id: str) -> str:
    """The worker makes a welfare report (views.ReportFile asks)."""
    return produce(job_id, _report_file)


def _report_file(job) -> bytes:
    params = job.params
    organisation = (
        Organisation.objects.get(area=job.area, pk=params["organisation"])
        if params.get("organisation")
        else None
    )
    report = content.build(
        job.area, params["kind"], params["year"], organisation, audience=audience_of(job)
    )
    if report.is_draft:
        job.filename = draft_filename(job.filename)
    return as_pdf(report) if params["fmt"] == "pdf" else as_docx(report)
