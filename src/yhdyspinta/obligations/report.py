"""The obligations report as text (management command), DOCX and PDF (for the council)."""

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
from yhdyspinta.web.jobs import audience_of, produce

from .engine import SYMBOLS, Report, Result, evaluate


def as_text(report: Report) -> str:
    lines = [
        _("Obligations of %(area)s, year %(year)s")
        % {"area": report.area.name, "year": report.year},
    ]
    if report.term:
        lines.append(_("Council term: %(term)s") % {"term": report.term})
    lines.append("")
    lines.extend(legend_lines(report))
    lines.append("")
    for result in report.all_results:
        status = f"[{SYMBOLS[result.status]} {result.status_label}]"
        lines.append(
            " ".join(p for p in (status, result.law, result.title, "–", result.subject) if p)
        )
        if result.evidence:
            lines.append("    " + _("Evidence: %(evidence)s") % {"evidence": result.evidence_text})
        if result.missing:
            lines.append("    " + result.missing)
        if result.awaiting:
            lines.append("    " + _("Waiting: %(meetings)s") % {"meetings": result.awaiting_text})
    lines.append("")
    lines.append(report.summary)
    return "\n".join(lines)


def legend_lines(report: Report) -> list[str]:
    """The legend as lines of text, for the documents and the command: what each status
    means and what counts as evidence, from the definitions the engine judges by."""
    lines = [f"{symbol} {label}: {meaning}" for _s, symbol, label, meaning in report.legend()]
    lines.append(
        _("What counts as evidence: %(rules)s.")
        % {"rules": "; ".join(f"{rules}: {text}" for rules, text in report.evidence_legend())}
    )
    return lines


def subject_header() -> list[str]:
    """The columns of a table of one obligation, in the active language."""
    return [_("Concerns"), _("Status"), _("Evidence or what is missing")]


# Their shares of a printed page's width (per cent): the evidence takes the most.
SUBJECT_WIDTHS = (22, 16, 62)


def _obligation(result: Result) -> str:
    return f"{result.law} {result.title}".strip()


def _cells(result: Result) -> list[str]:
    """What one result says of its subject: concerns, status, evidence or what is missing."""
    return [
        result.subject,
        f"{SYMBOLS[result.status]} {result.status_label}",
        result.detail_text,
    ]


def table_rows(results: list[Result]) -> list[list[str]]:
    """Results as the report's table rows: obligation, concerns, status, evidence."""
    return [[_obligation(r), *_cells(r)] for r in results]


def by_obligation(results: list[Result]) -> list[tuple[str, list[Result]]]:
    """The results grouped by obligation, in the order they come: each obligation once,
    with its results (one for each subject it concerns)."""
    groups: dict[str, tuple[str, list[Result]]] = {}
    for result in results:
        groups.setdefault(result.code, (_obligation(result), []))[1].append(result)
    return list(groups.values())


def tables_by_obligation(results: list[Result]) -> list[tuple[str, list[list[str]]]]:
    """A table for each obligation: a row for each of its subjects (concerns, status,
    evidence)."""
    return [(obligation, [_cells(r) for r in rs]) for obligation, rs in by_obligation(results)]


def as_docx(report: Report) -> bytes:
    document = docx_document(
        organisation=report.area.name,
        kind=_("Report"),
        title=_("Statutory hyte cooperation in %(year)s") % {"year": report.year},
        day=report.today,
        draft=report.is_draft,
    )
    document.add_paragraph(report.summary)
    for line in legend_lines(report):
        document.add_paragraph(line)
    document.add_heading(_("Obligations of the law"), level=2)
    for obligation, rows in tables_by_obligation(report.statutory()):
        document.add_paragraph(obligation).runs[0].bold = True
        docx_table(document, subject_header(), rows)
    header = [_("Obligation"), *subject_header()]
    document.add_heading(_("Meeting rhythm of the bodies"), level=2)
    rhythm = [r for _body, results in report.body_rows for r in results]
    docx_table(document, header, table_rows(rhythm))
    return docx_bytes(document)


def as_pdf(report: Report) -> bytes:
    return pdf_from_template(
        "obligations/report_document.html",
        {
            "report": report,
            "title": _("Statutory hyte cooperation in %(year)s") % {"year": report.year},
            "organisation": report.area.name,
            "kind": _("Report"),
            "day": report.today,
            "draft": draft_word() if report.is_draft else "",
            "symbols": SYMBOLS,
            "statutory": by_obligation(report.statutory()),
            "widths": SUBJECT_WIDTHS,
        },
    )


@task()
def report_file(job_id: str) -> str:
    """The worker makes the council report (obligations.views.ReportFile asks for it)."""
    return produce(job_id, _report_file)


def _report_file(job) -> bytes:
    report = evaluate(area=job.area, year=job.params["year"], audience=audience_of(job))
    if report.is_draft:
        job.filename = draft_filename(job.filename)
    return as_pdf(report) if job.params["fmt"] == "pdf" else as_docx(report)
