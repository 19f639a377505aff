"""The request letter per organisation (consultations.letters), and the summary export
(CSV, XLSX)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from yhdyspinta.consultations.letters import Letter, letter_day, letter_link
from yhdyspinta.core.documents import finnish_date
from yhdyspinta.core.exports import csv_bytes, workbook_bytes, xlsx_row

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


def letter(request: NominationRequest, link: str | None = None) -> Letter:
    """The nomination request letter (consultations.letters): the body, the round's
    rules, and the organisation's personal link (the one it was sent with)."""
    round = request.round
    return Letter(
        sender=round.area.name,
        kind=_("Request"),
        title=round.title,
        day=letter_day(request),
        recipient=request.organisation,
        cover_letter=round.cover_letter,
        deadline=round.deadline,
        facts=[_("Body: %(body)s") % {"body": request.body.name}],
        ask=[],
        items=rules_text(round),
        reply_address=round.reply_address,
        link=letter_link(round, request) if link is None else link,
        filename=f"nimeamispyynto-{request.organisation.pk}",
    )


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
