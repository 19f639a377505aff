"""The one request letter of every round kind (nomination, comment, evaluation, yearly
follow-up), as a PDF to print or post and as a DOCX to edit: the sender, the
recipient's postal address, the cover letter, what is asked, and how to answer: the
organisation's personal link written out and as a QR code (segno), and the address for
written answers. A kind says what its letter asks (`Letter`); this module writes it.

The link is the one the request was sent with (the outbox keeps it, also for an
organisation without an e-mail address), while it can still be used: a letter never
makes a new link, so printing one does not break the link an e-mail already carries."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.shared import Cm

from yhdyspinta.core.documents import docx_bytes, docx_letter, finnish_date, pdf_from_template

from .models import Request, Round
from .services import current_link


@dataclass(frozen=True)
class Letter:
    """What one request letter says."""

    sender: str  # the area, in the header
    kind: str  # "Request", "Request for comments", ...
    title: str
    day: date
    recipient: object  # the organisation: its name and postal address
    cover_letter: str
    deadline: date
    ask: list[str]  # the paragraphs under "What we ask"
    items: list[str] = field(default_factory=list)  # what is asked of, one per line
    items_label: str = ""
    facts: list[str] = field(default_factory=list)  # lines before the cover letter
    reply_address: str = ""
    link: str = ""
    filename: str = "kirje"

    @property
    def qr_svg(self) -> str:
        """The link as a QR code, an SVG data URI for the PDF."""
        return segno.make(self.link, error="m").svg_data_uri(scale=3, border=2)

    def qr_png(self) -> bytes:
        buffer = io.BytesIO()
        segno.make(self.link, error="m").save(buffer, kind="png", scale=6, border=2)
        return buffer.getvalue()

    def how_to_answer(self) -> list[str]:
        """The lines of "How to answer", the same in both formats."""
        lines = []
        if self.link:
            lines.append(
                _(
                    "Answer with your organisation's own link by %(deadline)s; no account "
                    "is needed. Type the address below into a browser or read the QR code "
                    "with a phone's camera. Keep the link to yourselves: whoever has it can "
                    "answer for your organisation."
                )
                % {"deadline": finnish_date(self.deadline)}
            )
        if self.reply_address:
            lines.append(
                _("Written answers by %(deadline)s to: %(address)s")
                % {"deadline": finnish_date(self.deadline), "address": self.reply_address}
            )
        if not lines:
            lines.append(
                _("Answer by %(deadline)s to the sender of this letter.")
                % {"deadline": finnish_date(self.deadline)}
            )
        return lines


def letter_link(round: Round, request: Request, *, now: datetime | None = None) -> str:
    """The personal link a letter carries: the one the request was sent with, while it
    can still be used (not yet used, not expired, the round open); else none."""
    now = now or timezone.now()
    if round.status != Round.Status.OPEN or not request.token_hash or request.token_used_at:
        return ""
    if request.token_expires_at and request.token_expires_at <= now:
        return ""
    return current_link(round, request)


def letter_day(request: Request) -> date:
    """The letter's date: the day the request was sent, or today before it is."""
    return timezone.localdate(request.sent_at) if request.sent_at else timezone.localdate()


def letters_pdf(letters: Sequence[Letter]) -> bytes:
    """One PDF of one or more letters, each from a new page (for posting a round's
    letters to the organisations that e-mail does not reach)."""
    first = letters[0]
    return pdf_from_template(
        "consultations/request_letter.html",
        {
            "letters": letters,
            "title": first.title,
            "organisation": first.sender,
            "kind": first.kind,
            "day": first.day,
        },
    )


def letter_docx(letter: Letter) -> bytes:
    document = docx_letter(
        sender=letter.sender,
        kind=letter.kind,
        title=letter.title,
        day=letter.day,
        recipient=letter.recipient,
        cover_letter="",
    )
    for line in letter.facts:
        document.add_paragraph(line)
    for paragraph in letter.cover_letter.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    document.add_heading(_("What we ask"), level=2)
    for paragraph in letter.ask:
        document.add_paragraph(paragraph)
    if letter.items_label:
        document.add_paragraph(letter.items_label)
    for item in letter.items:
        document.add_paragraph(item, style="List Bullet")
    document.add_heading(_("How to answer"), level=2)
    for line in letter.how_to_answer():
        document.add_paragraph(line)
    if letter.link:
        document.add_paragraph(letter.link)
        document.add_picture(io.BytesIO(letter.qr_png()), width=Cm(3.5))
    return docx_bytes(document)
