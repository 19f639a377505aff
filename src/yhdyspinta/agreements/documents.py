"""Agreement documents: the version (PDF, DOCX), comment request letters (PDF, DOCX),
the summary of comments and responses (PDF, DOCX), the responsibility table (XLSX, PDF)."""

from __future__ import annotations

import re

from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from yhdyspinta.consultations.letters import Letter, letter_day, letter_link
from yhdyspinta.consultations.models import Round
from yhdyspinta.core.documents import (
    docx_bytes,
    docx_document,
    docx_table,
    finnish_date,
    pdf_from_template,
)
from yhdyspinta.core.exports import workbook_bytes, xlsx_row
from yhdyspinta.web.jobs import produce

from . import selectors
from .models import (
    AgreementVersion,
    CommentRequest,
    CommentRound,
    Mark,
    Response,
    SignatureCheck,
)
from .signatures import Outcome


def _markdown_to_docx(document, text: str) -> None:
    """Paragraphs and bullet lists; emphasis markers dropped (DOCX gets plain text)."""
    for block in re.split(r"\n\s*\n", text or ""):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line[:2] in ("- ", "* ") for line in lines):
            for line in lines:
                document.add_paragraph(_plain(line[2:]), style="List Bullet")
        else:
            document.add_paragraph(_plain(" ".join(lines)))


def _plain(text: str) -> str:
    return re.sub(r"(\*\*|__|\*|_)(.+?)\1", r"\2", text)


# --- the agreement ---------------------------------------------------------------------------


def _version_context(version: AgreementVersion) -> dict:
    return {
        "version": version,
        "sections": [(s, selectors.render_markdown(s.text)) for s in version.sections.all()],
        "parties": version.parties.select_related("organisation").prefetch_related(
            "signature_checks"
        ),
        "title": version.agreement.title,
        "organisation": version.agreement.area.name,
        "kind": _("Agreement"),
        "day": timezone.localdate(),
        "validity": selectors.validity_text(version),
    }


def signature_words(check: SignatureCheck) -> str:
    """A signature check in one line, as the page and the PDF say it."""
    if check.ok:
        said = _("Electronic signature valid")
    elif check.outcome == Outcome.NO_SIGNATURE:
        said = check.get_outcome_display()
    else:
        said = _("Electronic signature not accepted: %(why)s") % {
            "why": check.get_outcome_display()
        }
    if check.signer:
        said += f" ({check.signer}; {check.issuer})"
    return said


def version_pdf(version: AgreementVersion) -> bytes:
    return pdf_from_template("agreements/version_document.html", _version_context(version))


def version_docx(version: AgreementVersion) -> bytes:
    document = docx_document(
        organisation=version.agreement.area.name,
        kind=_("Agreement"),
        title=version.agreement.title,
    )
    document.add_paragraph(
        _("Version %(n)s · valid %(validity)s")
        % {"n": version.number, "validity": selectors.validity_text(version)}
    )
    for section in version.sections.all():
        document.add_heading(f"{section.number} {section.title}", level=2)
        _markdown_to_docx(document, section.text)
    document.add_heading(_("Signatures"), level=2)
    docx_table(
        document,
        [_("Party"), _("Signatory"), _("Signed on"), _("Electronic signature")],
        [
            [
                p.organisation.name,
                " ".join(filter(None, [p.signatory_name, p.signatory_title])),
                finnish_date(p.signed_on) if p.signed_on else "",
                "\n".join(signature_words(c) for c in p.signature_checks.all()),
            ]
            for p in version.parties.select_related("organisation").prefetch_related(
                "signature_checks"
            )
        ],
    )
    return docx_bytes(document)


# --- comment request letters ---------------------------------------------------------------


def letter(request: CommentRequest, link: str | None = None) -> Letter:
    """The comment (or evaluation) request letter (consultations.letters): the version
    and its sections, and the organisation's personal link (the one it was sent with)."""
    round = request.round
    return Letter(
        sender=round.version.agreement.area.name,
        kind=_("Request for an evaluation")
        if round.kind == Round.Kind.EVALUATION
        else _("Request for comments"),
        title=round.title,
        day=letter_day(request),
        recipient=request.organisation,
        cover_letter=round.cover_letter,
        deadline=round.deadline,
        ask=[
            (
                _(
                    "Your evaluation of how %(version)s has worked, and what should change "
                    "in the next one, by %(deadline)s, section by section where possible."
                )
                if round.kind == Round.Kind.EVALUATION
                else _(
                    "Written comments on %(version)s by %(deadline)s, section by section "
                    "where possible."
                )
            )
            % {"version": round.version, "deadline": finnish_date(round.deadline)}
        ],
        items_label=_("Sections of the agreement:"),
        items=[f"{s.number} {s.title}" for s in round.version.sections.all()],
        reply_address=round.reply_address,
        link=letter_link(round, request) if link is None else link,
        filename=f"lausuntopyynto-{request.organisation.pk}",
    )


# --- summary of comments and responses ---------------------------------------------------------


def _summary_context(round: CommentRound) -> dict:
    board = selectors.round_board(round)
    return {
        "round": round,
        "groups": selectors.comment_summary(round),
        "counts": selectors.response_counts(round),
        "responses": Response,
        "answered": [r for r in board if r.request.submitted_at],
        "missing": [r for r in board if not r.request.submitted_at],
        "asked": len(board),
        "title": _("Comments and responses: %(title)s") % {"title": round.title},
        "organisation": round.version.agreement.area.name,
        "kind": _("Summary"),
        "day": timezone.localdate(),
    }


def summary_pdf(round: CommentRound) -> bytes:
    return pdf_from_template("agreements/summary_document.html", _summary_context(round))


def summary_docx(round: CommentRound) -> bytes:
    context = _summary_context(round)
    document = docx_document(
        organisation=context["organisation"], kind=context["kind"], title=context["title"]
    )
    document.add_paragraph(
        _("%(answered)s of %(asked)s parties answered; %(missing)s did not.")
        % {
            "answered": len(context["answered"]),
            "asked": len(context["answered"]) + len(context["missing"]),
            "missing": len(context["missing"]),
        }
    )
    for group in context["groups"]:
        heading = (
            f"{group.section.number} {group.section.title}"
            if group.section
            else _("General comments")
        )
        document.add_heading(heading, level=2)
        docx_table(
            document,
            [_("Party"), _("Comment"), _("Handling"), _("Reason")],
            [
                [
                    c.request.organisation.name,
                    c.text,
                    str(c.get_response_display()),
                    c.response_reason,
                ]
                for c in group.comments
            ],
        )
    if context["missing"]:
        document.add_heading(_("No answer"), level=2)
        for row in context["missing"]:
            document.add_paragraph(row.request.organisation.name, style="List Bullet")
    return docx_bytes(document)


# --- responsibility table ----------------------------------------------------------------------


def _mark_label(mark: str) -> str:
    return str(Mark(mark).label) if mark else ""


def responsibility_xlsx(version: AgreementVersion) -> bytes:
    grid = selectors.responsibility_grid(version=version)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Responsibility table")[:31]
    header = [_("Task")] + [p.organisation.name for p in grid.parties]
    xlsx_row(sheet, [str(version.agreement.title) + f" v{version.number}"])
    xlsx_row(sheet, [" · ".join(f"{m.value} = {m.label}" for m in Mark)])
    xlsx_row(sheet, header)
    bold = Font(bold=True)
    for cell in sheet[3]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="DDE7F0")
    for group in grid.groups:
        if not group.rows:
            continue
        xlsx_row(sheet, [group.label])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for column in range(1, len(header) + 1):
            sheet.cell(row=sheet.max_row, column=column).fill = fill
        xlsx_row(sheet, [_("People"), *group.people])
        for row in group.rows:
            xlsx_row(sheet, [row.task.text] + [mark for _id, _name, mark in row.cells])
    sheet.column_dimensions["A"].width = 50
    for index in range(2, len(header) + 1):
        sheet.column_dimensions[sheet.cell(row=3, column=index).column_letter].width = 14
    sheet.freeze_panes = "B4"
    return workbook_bytes(workbook)


def responsibility_pdf(version: AgreementVersion) -> bytes:
    return pdf_from_template(
        "agreements/responsibility_document.html",
        {
            "version": version,
            "grid": selectors.responsibility_grid(version=version),
            "marks": list(Mark),
            "title": _("Responsibility table: %(title)s") % {"title": version.agreement.title},
            "organisation": version.agreement.area.name,
            "kind": _("Annex"),
            "day": timezone.localdate(),
        },
    )


@task()
def version_file(job_id: str) -> str:
    """The worker makes an agreement version's PDF or DOCX (views.VersionDocument asks)."""
    return produce(job_id, _version_file)


def _version_file(job) -> bytes:
    version = AgreementVersion.objects.get(agreement__area=job.area, pk=job.params["version"])
    return version_pdf(version) if job.params["fmt"] == "pdf" else version_docx(version)
