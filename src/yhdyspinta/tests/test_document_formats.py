"""Every document is made for Finnish public administration: DOCX on A4, in the
document's language, authored by the area; PDFs tagged for accessibility (PDF/UA-1, as
306/2019 asks of published documents) with their language and title."""

import io

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from yhdyspinta.meetings.documents import minutes_docx, minutes_pdf
from yhdyspinta.meetings.models import Minutes

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def published_minutes():
    return Minutes.objects.filter(meeting__status="published").select_related("meeting").first()


@pytest.mark.parametrize(("language", "tag"), [("fi", "fi-FI"), ("sv", "sv-FI")])
def test_docx_is_a4_in_the_documents_language_and_authored_by_the_area(demo, language, tag):
    minutes = published_minutes()
    with translation.override(language):
        document = Document(io.BytesIO(minutes_docx(minutes)))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == tag
    assert document.core_properties.language == tag
    assert document.core_properties.author != "python-docx"
    assert document.core_properties.author == minutes.meeting.body.area.name
    assert document.core_properties.title


@pytest.mark.parametrize(("language", "tag"), [("fi", "fi-FI"), ("sv", "sv-FI")])
def test_pdf_is_tagged_with_its_language_and_title(demo, language, tag):
    with translation.override(language):
        reader = PdfReader(io.BytesIO(minutes_pdf(published_minutes())))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # a structure tree: headings, paragraphs, tables
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == tag
    assert reader.metadata.title
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    struct = catalog["/StructTreeRoot"].get_object()
    kinds = set()

    def walk(node, depth=0):
        if depth > 30:
            return
        node = node.get_object()
        if isinstance(node, dict) and "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K") if isinstance(node, dict) else None
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") or isinstance(kid, dict):
                walk(kid, depth + 1)

    walk(struct)
    assert "/H1" in kinds
    assert "/P" in kinds


def test_the_pages_header_and_footer_are_in_the_documents_typeface(demo):
    """The margin boxes (organisation, kind and day; the page number) take their font
    from the page, not from the body: the typeface is set on the root."""
    reader = PdfReader(io.BytesIO(minutes_pdf(published_minutes())))
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts
    assert all(name.startswith("DejaVu-Sans") for name in fonts), fonts
