"""Every round kind reaches an organisation without e-mail too: its request letter (PDF
to print and post, DOCX to edit) carries the organisation's personal link written out
and as a QR code of exactly that link; printing a letter never makes a new link; the
round's board prints the letters of all it cannot reach at once. On the demo, the
outbox holds the personal links of nomination, comment and follow-up requests, and each
opens its answer form without logging in."""

import io
import zipfile

import pytest
import segno
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from yhdyspinta.agreements.models import CommentRequest, CommentRound
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.consultations.models import Request, Round
from yhdyspinta.consultations.selectors import unreachable_ids
from yhdyspinta.nominations.models import NominationRequest, NominationRound
from yhdyspinta.programme.models import FollowUpRound

pytestmark = pytest.mark.django_db

AREA = "pohjois-karjala"


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _link_of(round, organisation) -> str:
    message = (
        OutgoingMessage.objects.filter(
            about_type=ContentType.objects.get_for_model(round),
            about_id=round.pk,
            organisation=organisation,
        )
        .exclude(link="")
        .order_by("-pk")
        .first()
    )
    assert message is not None
    return message.link


def _open_rounds():
    """The demo's open round of each kind, its requests, and the URL names of one
    request's letter and the round's letters to post."""
    nomination = NominationRound.objects.get(area__slug=AREA, status=Round.Status.OPEN)
    comments = CommentRound.objects.get(
        version__agreement__area__slug=AREA, status=Round.Status.OPEN
    )
    follow_up = FollowUpRound.objects.get(programme__area__slug=AREA, status=Round.Status.OPEN)

    def nomination_letter(request, fmt):
        return reverse("nominations:letter", kwargs={"area": AREA, "pk": request.pk, "fmt": fmt})

    def comment_letter(request, fmt):
        return reverse("agreements:letter", kwargs={"area": AREA, "pk": request.pk, "fmt": fmt})

    def follow_up_letter(request, fmt):
        return reverse(
            "programme:follow_up_letter",
            kwargs={
                "area": AREA,
                "pk": follow_up.programme_id,
                "year": follow_up.year,
                "organisation": request.organisation_id,
                "fmt": fmt,
            },
        )

    return [
        (
            nomination,
            NominationRequest.objects.filter(round=nomination).select_related("organisation"),
            nomination_letter,
            reverse(
                "nominations:unreached_letters",
                kwargs={"area": AREA, "pk": nomination.pk, "fmt": "pdf"},
            ),
        ),
        (
            comments,
            CommentRequest.objects.filter(round=comments).select_related("organisation"),
            comment_letter,
            reverse(
                "agreements:unreached_letters",
                kwargs={"area": AREA, "pk": comments.pk, "fmt": "pdf"},
            ),
        ),
        (
            follow_up,
            Request.objects.filter(consultation_id=follow_up.consultation_id).select_related(
                "organisation"
            ),
            follow_up_letter,
            reverse(
                "programme:unreached_letters",
                kwargs={
                    "area": AREA,
                    "pk": follow_up.programme_id,
                    "year": follow_up.year,
                    "fmt": "pdf",
                },
            ),
        ),
    ]


def test_the_demo_outbox_holds_a_personal_link_of_every_kind_that_opens_its_form(client, demo):
    kinds = {"nominate": 0, "comment": 0, "follow-up": 0}
    for message in OutgoingMessage.objects.exclude(link="").filter(area__slug=AREA):
        kind = message.link.split("/")[3]
        if kind in kinds:
            kinds[kind] += 1
            if kinds[kind] == 1:  # the first of each kind is opened
                page = client.get(_path(message.link))
                assert page.status_code == 200, message.link
                html = page.content.decode()
                assert '<form method="post"' in html
                assert "Kirjaudu ulos" not in html  # nobody logged in
    assert all(kinds.values()), kinds


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


@pytest.mark.parametrize("kind", [0, 1, 2], ids=["nomination", "comments", "follow-up"])
def test_a_letter_of_every_kind_carries_the_personal_link_and_its_qr_code(
    client, login, demo, kind
):
    round, requests, letter_url, _batch = _open_rounds()[kind]
    request = next(r for r in requests if r.token_hash and not r.token_used_at)
    link = _link_of(round, request.organisation)
    assert link
    login("paakayttaja")
    pdf = client.get(letter_url(request, "pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert request.organisation.name in text
    assert "Näin vastaatte" in text
    assert link in text.replace(" ", "")
    # The DOCX: the link, and a QR code of exactly that link.
    docx = client.get(letter_url(request, "docx"))
    assert docx.status_code == 200
    document = Document(io.BytesIO(docx.content))
    assert link in [p.text for p in document.paragraphs]
    images = [
        zipfile.ZipFile(io.BytesIO(docx.content)).read(name)
        for name in zipfile.ZipFile(io.BytesIO(docx.content)).namelist()
        if name.startswith("word/media/")
    ]
    expected = io.BytesIO()
    segno.make(link, error="m").save(expected, kind="png", scale=6, border=2)
    assert images == [expected.getvalue()]
    # Printing made no new link: the e-mailed one still opens the answer form.
    client.logout()
    assert client.get(_path(link)).status_code == 200


@pytest.mark.parametrize("kind", [0, 1, 2], ids=["nomination", "comments", "follow-up"])
def test_the_board_prints_the_letters_of_all_that_e_mail_does_not_reach(client, login, demo, kind):
    round, requests, _letter_url, batch_url = _open_rounds()[kind]
    requests = list(requests)
    missing = unreachable_ids(r.organisation for r in requests)
    login("paakayttaja")
    if not missing:  # make one unreachable
        organisation = requests[0].organisation
        organisation.email = ""
        organisation.save()
        missing = unreachable_ids(r.organisation for r in requests)
    assert missing
    response = client.get(batch_url)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for request in requests:
        named = any(request.organisation.name in t for t in texts)
        assert named == (request.organisation_id in missing), request.organisation.name
    board = client.get(round.get_absolute_url()).content.decode()
    assert batch_url in board


def test_a_letter_is_the_organisations_own_and_the_convener_s(client, login, demo):
    """An organisation's contact prints its own letter, not another's; the public none."""
    _round, requests, letter_url, batch_url = _open_rounds()[0]
    request = requests.first()
    assert client.get(letter_url(request, "pdf")).status_code == 302  # to log in
    login("jasen")
    assert client.get(letter_url(request, "pdf")).status_code in (403, 404)
    assert client.get(batch_url).status_code in (403, 404)


def test_a_used_or_expired_link_says_which_and_whom_to_contact(client, demo):
    from datetime import timedelta

    from django.utils import timezone

    request = NominationRequest.objects.filter(round__area__slug=AREA).first()
    round = request.round
    round.reply_address = "kirjaamo@pohjois-karjala.example.fi"
    round.save()
    token = request.new_token()
    request.token_used_at = timezone.now()
    request.save()
    used = client.get(f"/nominate/{token}/")
    assert used.status_code == 410
    html = used.content.decode()
    assert "on jo käytetty" in html
    assert "mailto:kirjaamo@pohjois-karjala.example.fi" in html
    assert "Mitään ei tallennettu." in html
    answers = request.answers.count()
    token = request.new_token()
    request.token_expires_at = timezone.now() - timedelta(minutes=1)
    request.save()
    expired = client.post(f"/nominate/{token}/", {"submit": "1"})
    assert expired.status_code == 410
    assert "vanhentunut" in expired.content.decode()
    assert request.answers.count() == answers


def test_an_evaluation_asks_for_an_evaluation_not_for_comments(client, login, demo):
    round, requests, letter_url, _batch = _open_rounds()[1]
    assert round.kind == Round.Kind.EVALUATION
    request = requests.first()
    login("paakayttaja")
    text = _pdf_text(client.get(letter_url(request, "pdf")).content)
    assert "ARVIOINTIPYYNTÖ" in text
    assert "Arvionne siitä, miten" in text
    page = client.get(
        reverse("agreements:comment", kwargs={"area": AREA, "pk": request.pk})
    ).content.decode()
    assert "pyydetään arviota siitä" in page
