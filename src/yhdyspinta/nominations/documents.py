"""The request letter per organisation (PDF and DOCX), and the summary export (CSV, XLSX)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from yhdyspinta.documents import docx_bytes, docx_letter, finnish_date, pdf_from_template
from yhdyspinta.exports import csv_bytes, workbook_bytes, xlsx_row

from .models import DeputyRule, NominationRequest, NominationRound
from .selectors import BoardRow


def rules_text(round: NominationRound) -> list[str]:
    """The round's rules in plain Finnish sentences."""
    lines = [
        _("Name %(min)s–%(max)s full members.")
        % {"min": round.min_nominees, "max": round.max_nominees}
        if round.min_nominees != round.max_nominees
        else _("Name %(count)s full members.") % {"count": round.min_nominees}
    ]
    if round.deputy_rule == DeputyRule.REQUIRED:
        lines.append(_("Name a personal deputy for every full member."))
    elif round.deputy_rule == DeputyRule.OPTIONAL_FROM_N:
        lines.append(
            _(
                "If you name at least %(n)s full members, deputies are not needed; "
                "with fewer, name a deputy for each."
            )
            % {"n": round.deputy_threshold}
        )
    else:
        lines.append(_("Deputies may be named but are not required."))
    lines.append(_("Answer by %(deadline)s.") % {"deadline": finnish_date(round.deadline)})
    lines.append(_("The term starts on %(start)s.") % {"start": finnish_date(round.term_starts_on)})
    return lines


def _context(request: NominationRequest) -> dict:
    round = request.round
    return {
        "request": request,
        "round": round,
        "rules": rules_text(round),
        "title": round.title,
        "organisation": round.area.name,
        "kind": _("Request"),
        "day": request.sent_at.date() if request.sent_at else round.created_at.date(),
    }


def request_letter_pdf(request: NominationRequest) -> bytes:
    return pdf_from_template("nominations/request_letter.html", _context(request))


def request_letter_docx(request: NominationRequest) -> bytes:
    context = _context(request)
    round = request.round
    document = docx_letter(
        sender=context["organisation"],
        kind=context["kind"],
        title=round.title,
        day=context["day"],
        recipient=request.organisation,
        cover_letter=round.cover_letter,
    )
    document.add_paragraph(_("Body: %(body)s") % {"body": request.body.name})
    document.add_heading(_("What we ask"), level=2)
    for line in context["rules"]:
        document.add_paragraph(line, style="List Bullet")
    if round.reply_address:
        document.add_paragraph(
            _("Written answers to: %(address)s") % {"address": round.reply_address}
        )
    return docx_bytes(document)


def _header() -> list[str]:
    return [
        _("Organisation"),
        _("Body"),
        _("Status"),
        _("Full members"),
        _("Deputies"),
        _("Nominees"),
        _("Answered"),
    ]


def _rows(board: list[BoardRow]) -> list[list]:
    return [
        [
            row.request.organisation.name,
            row.request.body.name,
            str(row.status_label),
            row.members,
            row.deputies,
            "; ".join(row.names),
            row.answer.submitted_at.strftime("%d.%m.%Y")
            if row.answer and row.answer.submitted_at
            else "",
        ]
        for row in board
    ]


def board_csv(board: list[BoardRow]) -> bytes:
    return csv_bytes(_header(), _rows(board))


def board_xlsx(board: list[BoardRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nominations")[:31]
    xlsx_row(sheet, _header())
    for row in _rows(board):
        xlsx_row(sheet, row)
    for column, width in zip("ABCDEFG", (32, 34, 14, 12, 10, 60, 12), strict=True):
        sheet.column_dimensions[column].width = width
    return workbook_bytes(workbook)
