"""Uploads are checked by content and size; stored files are served only through a
view that applies the permission of their row, as downloads that cannot run script."""

import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements.models import AgreementParty
from yhdyspinta.core.files import validate_upload
from yhdyspinta.meetings.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><script>fetch('/admin/')</script></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Liite")
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kutsu.pdf", PDF),
        ("kartta.png", PNG),
        ("muistio.docx", docx_bytes()),
        ("muistiinpanot.txt", "Hyvinvointi ja terveys – äö".encode()),
    ],
)
def test_allowed_types_pass(name, content):
    validate_upload(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sivu.html", HTML, "Tämän tyyppistä tiedostoa ei voi tallentaa"),
        ("sivu.pdf", HTML, "Tämän tyyppistä tiedostoa ei voi tallentaa"),
        ("kuva.svg", SVG, "Tämän tyyppistä tiedostoa ei voi tallentaa"),
        ("kuva.txt", SVG, "Tämän tyyppistä tiedostoa ei voi tallentaa"),
        ("ohjelma.pdf", EXE, "Tämän tyyppistä tiedostoa ei voi tallentaa"),
        ("kutsu.docx", PDF, "päättyy .docx"),
    ],
)
def test_hostile_or_mislabelled_files_are_refused_in_finnish(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload(name, content))
    assert message in " ".join(error.value.messages)


def test_size_limit_comes_from_settings(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("iso.pdf", PDF + b"\n" * 2000))
    assert "Tiedosto on liian suuri" in error.value.messages[0]


@pytest.fixture
def planned_meeting(demo):
    return Meeting.objects.filter(body__area=demo["nk"], status="planned").first()


def test_html_agenda_attachment_is_refused_and_nothing_saved(client, login, planned_meeting):
    login("paakayttaja")
    before = AgendaItem.objects.count()
    response = client.post(
        reverse(
            "meetings:agenda_create", kwargs={"area": "pohjois-karjala", "pk": planned_meeting.pk}
        ),
        {"order": 9, "title": "Haitallinen liite", "attachment": upload("liite.pdf", HTML)},
    )
    assert response.status_code == 200
    assert "Tämän tyyppistä tiedostoa ei voi tallentaa" in response.content.decode()
    assert AgendaItem.objects.count() == before


def _attach(meeting, name="liite.pdf", content=PDF) -> AgendaItem:
    item = meeting.agenda_items.create(order=99, title="Liite", attachment=upload(name, content))
    return item


def _attachment_url(item):
    return reverse(
        "meetings:agenda_attachment",
        kwargs={"area": "pohjois-karjala", "pk": item.meeting_id, "item": item.pk},
    )


def test_attachment_of_an_unpublished_meeting_is_for_the_areas_users(
    client, login, planned_meeting
):
    item = _attach(planned_meeting)
    anonymous = client.get(_attachment_url(item))
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    login("jasen")
    response = client.get(_attachment_url(item))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_published_meetings_attachment_is_public_and_a_docx_is_a_download(client, demo):
    from yhdyspinta.meetings import services

    # Attached while the minutes are a draft: approved minutes freeze the agenda.
    meeting = Meeting.objects.filter(body__area=demo["nk"], status="minutes_drafted").first()
    item = _attach(meeting, "muistio.docx", docx_bytes())
    minutes = meeting.minutes.get()
    services.minutes_approve(access=Access.installation(), minutes=minutes, method="chair")
    services.minutes_publish(access=Access.installation(), minutes=minutes)
    response = client.get(_attachment_url(item))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_signed_copy_is_private_and_media_is_never_served_raw(client, login, demo):
    party = AgreementParty.objects.filter(version__agreement__area=demo["nk"]).first()
    party.signed_copy = upload("allekirjoitettu.pdf", PDF)
    party.save()
    version = party.version
    address = reverse(
        "agreements:signed_copy",
        kwargs={
            "area": "pohjois-karjala",
            "pk": version.agreement_id,
            "number": version.number,
            "party": party.pk,
        },
    )
    assert client.get(address).status_code == 302
    assert client.get("/media/" + party.signed_copy.name).status_code == 404
    assert client.get(party.signed_copy.url).status_code == 404
    login("etelasavo")  # another area's administrator
    assert client.get(address).status_code == 403
    login("jasen")
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")


def test_production_hands_the_bytes_to_the_proxy(client, login, settings, planned_meeting):
    settings.FILES_ACCEL_REDIRECT = "/protected-files/"
    item = _attach(planned_meeting)
    login("jasen")
    response = client.get(_attachment_url(item))
    assert response["X-Accel-Redirect"] == "/protected-files/" + item.attachment.name
    assert response.content == b""


def test_pdf_renderer_fetches_no_address_a_user_typed(demo):
    """A Markdown image or stylesheet in an agreement section must not make the server
    fetch anything (server-side request forgery): a local server counts the requests."""
    import http.server
    import threading

    from yhdyspinta.agreements.documents import version_pdf
    from yhdyspinta.agreements.models import Agreement
    from yhdyspinta.agreements.services import version_new_draft

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        agreement = Agreement.objects.filter(area=demo["nk"]).first()
        version = version_new_draft(
            access=Access.installation(), agreement=agreement
        )  # a signed version is frozen
        version.sections.create(
            number="99",
            title="Kuva",
            text=f"![kartta]({base}/secret.png) [linkki]({base}/link) <img src='{base}/raw'>",
        )
        pdf = version_pdf(version)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert hits == []
