"""Municipal-document layout for exports: DOCX with python-docx, PDF with WeasyPrint from
an HTML template. Shared by meetings (agendas, minutes) and obligations (council report)."""

from __future__ import annotations

import io
import logging
import ssl
from datetime import date
from pathlib import Path
from urllib import request

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from weasyprint import HTML
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download: the browser saves it under the given name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def draft_word() -> str:
    """What every page of a draft says, in the document's language (LUONNOS, UTKAST)."""
    return _("DRAFT")


def draft_filename(filename: str) -> str:
    """A draft's file name says so too: velvoitteet-2026-luonnos.pdf."""
    stem, _dot, extension = filename.rpartition(".")
    word = slugify(draft_word())
    return filename if stem.endswith(f"-{word}") else f"{stem}-{word}.{extension}"


def finnish_date(day: date) -> str:
    """1.1.2027, as Finnish documents write dates."""
    return f"{day.day}.{day.month}.{day.year}"


def docx_document(
    *,
    organisation: str,
    kind: str,
    title: str,
    day: date | None = None,
    author: str = "",
    draft: bool = False,
) -> DocxDocument:
    """A document with the Finnish municipal header: organisation left, document kind and
    date right, then the title. Its author is the area (or the organisation). A draft
    says so in the middle of every page's header."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, not US Letter
    language = LANGUAGE_TAGS.get(get_language() or "fi", "fi-FI")
    _set_language(document, language)
    properties = document.core_properties
    properties.author = properties.last_modified_by = (author or organisation)[:255]
    properties.title = title[:255]
    properties.subject = kind[:255]
    properties.comments = ""
    properties.language = language
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10.5)
    header = section.header.paragraphs[0]
    middle = draft_word() if draft else ""
    header.text = (
        f"{organisation}\t{middle}\t{kind.upper()}  {(day or timezone.localdate()):%d.%m.%Y}"
    )
    header.style.font.size = Pt(9)
    heading = document.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return document


LANGUAGE_TAGS = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}


def _set_language(document: DocxDocument, tag: str) -> None:
    """The document's proofing language: Word spell-checks in it (the default template's
    is US English)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), tag)


def docx_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_table(document: DocxDocument, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class _OwnFilesOnly(URLFetcher):
    """WeasyPrint may load only the app's own static files and inline data: never an
    address a user typed (a Markdown image in an agreement section would otherwise make
    the server fetch any URL: server-side request forgery)."""

    def __init__(self):
        # An https address is refused anyway: a context without the system's certificates
        # spares loading them for every document (45 ms each on the CI machine).
        super().__init__(ssl_context=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(request.url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if path.is_relative_to(STATIC_DIR) and path.is_file():
                return super().fetch(url, headers)
        logger.warning("PDF renderer refused to fetch %s", url[:200])
        raise ValueError("Only the app's own files are fetched.")


def pdf_from_template(template: str, context: dict) -> bytes:
    """A tagged PDF (PDF/UA-1: structure, reading order, the language and the title in
    its metadata), as published documents of a public body must be accessible
    (306/2019)."""
    html = render_to_string(template, context)
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_OwnFilesOnly()
    ).render(pdf_variant="pdf/ua-1")
    document.metadata.title = str(context.get("title") or document.metadata.title or "")
    document.metadata.authors = [str(context.get("author") or context.get("organisation") or "")]
    document.metadata.lang = LANGUAGE_TAGS.get(get_language() or "fi", "fi-FI")
    return document.write_pdf(pdf_variant="pdf/ua-1")


def docx_letter(
    *, sender: str, kind: str, title: str, day: date | None, recipient, cover_letter: str
) -> DocxDocument:
    """A request letter: the header, the recipient organisation's address block and the
    cover letter's paragraphs; the caller adds what is asked."""
    document = docx_document(organisation=sender, kind=kind, title=title, day=day)
    for line in (
        recipient.name,
        recipient.street_address,
        f"{recipient.postal_code} {recipient.post_office}".strip(),
    ):
        if line:
            document.add_paragraph(line)
    for paragraph in cover_letter.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    return document
