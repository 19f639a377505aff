import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements import services
from yhdyspinta.agreements.models import (
    Agreement,
    AgreementVersion,
    Comment,
    CommentRequest,
    CommentRound,
    ResponsibilityMark,
)
from yhdyspinta.communications.services import deliver_due
from yhdyspinta.parties.models import Organisation
from yhdyspinta.testing.documents import made_document

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def url(name, **kwargs):
    return reverse(name, kwargs={"area": "pohjois-karjala", **kwargs})


@pytest.fixture
def agreement(demo):
    return Agreement.objects.get(area=demo["nk"], versions__number=2)


@pytest.fixture
def draft(agreement):
    return services.version_new_draft(access=Access.installation(), agreement=agreement)


@pytest.fixture
def open_round(draft):
    # Kitee and Lieksa have no contact users: their general address receives the request;
    # the other parties without a contact user have no address here.
    parties = Organisation.objects.filter(pk__in=draft.parties.values("organisation"))
    parties.update(email="")
    parties.filter(name__in=["Kiteen kaupunki", "Lieksan kaupunki"]).update(
        email="kirjaamo@example.org"
    )
    round = services.comment_round_create(
        access=Access.installation(),
        round=CommentRound(
            version=draft,
            title="Lausunnot versiosta 3",
            deadline=timezone.localdate() + timedelta(days=10),
            cover_letter="Pyydämme kommentit.",
        ),
        organisations=[p.organisation for p in draft.parties.select_related("organisation")],
    )
    services.comment_round_send(access=Access.installation(), round=round)
    deliver_due()  # the worker's task: the outbox sends after commit
    return round


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_version_page_shows_sections_parties_path_and_structures(client, login, agreement):
    login("jasen")
    html = client.get(url("agreements:version", pk=agreement.pk, number=2)).content.decode()
    assert "Hyte-asiantuntijaverkosto" in html
    assert "<strong>Koollekutsujana on kunta.</strong>" in html
    assert "Järjestöasiain neuvottelukunta JANE" in html
    assert "Voimassa" in html
    assert "Tee muutos rakenteeseen" not in html  # a member only reads


def test_compare_page_side_by_side(client, login, agreement):
    login("jasen")
    html = client.get(url("agreements:compare", pk=agreement.pk) + "?old=1&new=2").content.decode()
    assert "<ins>" in html
    assert "<del>" in html
    assert "Hyte-asiantuntijaverkosto" in html


def test_agreement_documents_open(client, login, agreement):
    login("jasen")
    docx = made_document(
        client, url("agreements:version_document", pk=agreement.pk, number=2, fmt="docx")
    ).content
    document = Document(io.BytesIO(docx))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "6.3 Hyte-asiantuntijaverkosto" in headings
    assert len(document.tables[0].rows) == 16  # header + 15 parties
    pdf = made_document(
        client, url("agreements:version_document", pk=agreement.pk, number=2, fmt="pdf")
    )
    text = pdf_text(pdf.content)
    assert "Tohmajärven kunta" in text
    assert "Hyte-asiantuntijaverkosto" in text


def test_responsibility_exports(client, login, agreement, demo):
    login("jasen")
    xlsx = client.get(
        url("agreements:responsibility_export", pk=agreement.pk, number=2, fmt="xlsx")
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[2]
    assert header[0] == "Tehtävä"
    assert len(header) == 16
    task_row = next(r for r in rows if r[0] == "Evakuointitilojen luettelo")
    county = header.index("Pohjois-Karjalan hyvinvointialue")
    joensuu = header.index("Joensuun kaupunki")
    assert task_row[county] == "I"
    assert task_row[joensuu] == "R"
    people = [r for r in rows if r[0] == "Henkilöt"]
    assert len(people) == 5
    # the preparedness officers of the municipalities are the table's people
    officer = Organisation.objects.get(name="Joensuun kaupunki").named_roles.get(
        kind="preparedness"
    )
    assert any(r[joensuu] == officer.holder for r in people)
    pdf = client.get(url("agreements:responsibility_export", pk=agreement.pk, number=2, fmt="pdf"))
    text = pdf_text(pdf.content)
    assert "Evakuointitilojen luettelo" in text
    assert "Perhekeskusverkosto" in text


def test_grid_edit_on_a_draft(client, login, draft):
    login("paakayttaja")
    page = url("agreements:responsibility", pk=draft.agreement_id, number=draft.number)
    task = draft.responsibility_tasks.get(text="Evakuointitilojen luettelo")
    kitee = Organisation.objects.get(name="Kiteen kaupunki")
    form = {f"task-{t.pk}": t.text for t in draft.responsibility_tasks.all()}
    form.update(
        {
            f"m-{m.task_id}-{m.organisation_id}": m.mark
            for m in ResponsibilityMark.objects.filter(task__version=draft)
        }
    )
    form[f"m-{task.pk}-{kitee.pk}"] = "P"
    form["new-integration"] = "Kotoutumisohjelman laatiminen"
    other = draft.responsibility_tasks.get(text="Kuntouttava työtoiminta")
    form[f"task-{other.pk}"] = ""
    response = client.post(page, form)
    assert response.status_code == 302
    assert ResponsibilityMark.objects.get(task=task, organisation=kitee).mark == "P"
    assert draft.responsibility_tasks.filter(text="Kotoutumisohjelman laatiminen").exists()
    assert not draft.responsibility_tasks.filter(pk=other.pk).exists()
    form[f"m-{task.pk}-{kitee.pk}"] = "X"
    client.post(page, form)
    assert ResponsibilityMark.objects.get(task=task, organisation=kitee).mark == "P"
    # a signed version's table is read-only
    signed = url("agreements:responsibility", pk=draft.agreement_id, number=2)
    assert client.post(signed, form).status_code == 403


def test_comment_round_through_the_app(client, login, open_round):
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "joensuu@example.org",
        "kirjaamo@example.org",
        "kirjaamo@example.org",
    ]
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)
    login("joensuu")
    joensuu = open_round.requests.get(organisation__name="Joensuun kaupunki")
    kitee = open_round.requests.get(organisation__name="Kiteen kaupunki")
    assert client.get(url("agreements:comment", pk=kitee.pk)).status_code == 403
    section = open_round.version.sections.get(number="6.2")
    page = url("agreements:comment", pk=joensuu.pk)
    data = {"general": "", f"section_{section.pk}": "Lisätään nuorisovaltuusto.", "draft": "1"}
    client.post(page, data)
    joensuu.refresh_from_db()
    assert joensuu.submitted_at is None
    assert joensuu.comments.get().section == section
    data.pop("draft")
    data["submit"] = "1"
    client.post(page, data)
    joensuu.refresh_from_db()
    assert joensuu.submitted_at is not None
    # sent comments are final for the organisation
    data[f"section_{section.pk}"] = "Muutettu"
    response = client.post(page, data, follow=True)
    assert "jo lähetetty" in response.content.decode()
    assert joensuu.comments.get().text == "Lisätään nuorisovaltuusto."


def test_preparer_handles_comments_and_the_summary_lists_them(client, login, open_round):
    joensuu = open_round.requests.get(organisation__name="Joensuun kaupunki")
    section = open_round.version.sections.get(number="6.2")
    services.comments_save(
        request=joensuu, texts={section.pk: "Nuorisovaltuusto mukaan."}, submit=True
    )
    comment = joensuu.comments.get()
    login("paakayttaja")
    respond = url("agreements:comment_respond", pk=open_round.pk, comment=comment.pk)
    client.post(respond, {f"c{comment.pk}-response": "not", f"c{comment.pk}-reason": ""})
    comment.refresh_from_db()
    assert comment.response == ""  # a reason is required when not accepted
    client.post(respond, {f"c{comment.pk}-response": "partly", f"c{comment.pk}-reason": "Osin."})
    comment.refresh_from_db()
    assert comment.response == "partly"
    docx = client.get(url("agreements:round_summary", pk=open_round.pk, fmt="docx")).content
    document = Document(io.BytesIO(docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Nuorisovaltuusto mukaan." in cells
    assert "Osittain hyväksytty" in cells
    text = " ".join(p.text for p in document.paragraphs)
    assert "1 / 15" in text or "1/15" in text or "1 osapuolta 15" in text or "15" in text
    pdf = client.get(url("agreements:round_summary", pk=open_round.pk, fmt="pdf")).content
    assert "Nuorisovaltuusto mukaan." in pdf_text(pdf)
    board = client.get(url("agreements:round", pk=open_round.pk)).content.decode()
    assert "Kommentit lähetetty" in board


def test_personal_link_is_single_use(client, open_round):
    message = next(m for m in mail.outbox if "joensuu@example.org" in m.to)
    link = re.search(r"/comment/[^/\s]+/", message.body).group(0)
    page = client.get(link)
    assert page.status_code == 200
    assert "Kommentit kohtaan 6.2" in page.content.decode()
    response = client.post(link, {"general": "Ei huomautettavaa.", "submit": "1"})
    assert "Kiitos" in response.content.decode()
    request = open_round.requests.get(organisation__name="Joensuun kaupunki")
    assert request.channel == "link"
    assert request.comments.get().section is None
    assert client.get(link).status_code == 410
    assert client.get("/comment/not-a-token/").status_code == 410


def test_request_letters_open(client, login, open_round):
    login("joensuu")
    request = open_round.requests.get(organisation__name="Joensuun kaupunki")
    pdf = client.get(url("agreements:letter", pk=request.pk, fmt="pdf"))
    text = pdf_text(pdf.content)
    assert "Joensuun kaupunki" in text
    assert "6.3 Hyte-asiantuntijaverkosto" in text
    docx = client.get(url("agreements:letter", pk=request.pk, fmt="docx"))
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Joensuun kaupunki" in paragraphs
    assert any("Pyydämme kommentit." in p for p in paragraphs)


def test_reminders_once_a_day_and_only_to_those_who_have_not_answered(open_round):
    joensuu = open_round.requests.get(organisation__name="Joensuun kaupunki")
    services.comments_save(request=joensuu, texts={None: "Hyvä."}, submit=True)
    mail.outbox.clear()
    count = services.comment_send_reminders(access=Access.installation(), round=open_round).reached
    deliver_due()
    assert count == len(mail.outbox) == 2
    assert not any("joensuu@example.org" in m.to for m in mail.outbox)
    assert (
        services.comment_send_reminders(access=Access.installation(), round=open_round).reached == 0
    )
    later = timezone.now() + timedelta(days=1)
    assert (
        services.comment_send_reminders(
            access=Access.installation(), round=open_round, now=later
        ).reached
        == count
    )
    call_command("send_comment_reminders")


def test_deadline_passed_only_admin_records(open_round, demo):
    open_round.deadline = timezone.localdate() - timedelta(days=1)
    open_round.save()
    request = open_round.requests.get(organisation__name="Kiteen kaupunki")
    with pytest.raises(Exception, match=r"(?i)määräaika"):
        services.comments_save(request=request, texts={None: "Myöhässä"}, submit=True)
    services.comments_save(
        request=request,
        texts={None: "Kirjaamon kautta"},
        submit=True,
        is_admin=True,
        channel=CommentRequest.Channel.REGISTRY,
        registry_number="PKHVA/123/2026",
    )
    request.refresh_from_db()
    assert request.registry_number == "PKHVA/123/2026"
    assert request.is_late


def test_demo_comment_round_of_2024(client, login, agreement):
    round = CommentRound.objects.get(version__agreement=agreement, version__number=1)
    assert round.deadline.isoformat() == "2024-11-29"
    assert round.requests.filter(submitted_at__isnull=True).count() == 3
    assert Comment.objects.filter(request__round=round).count() == 5
    login("paakayttaja")
    html = client.get(url("agreements:round", pk=round.pk)).content.decode()
    assert "Koordinaattoriverkoston nimi" in html


def test_new_version_and_apply_through_the_pages(client, login, agreement, demo):
    login("paakayttaja")
    response = client.post(url("agreements:new_draft", pk=agreement.pk))
    v3 = AgreementVersion.objects.get(agreement=agreement, number=3)
    assert response["Location"] == v3.get_absolute_url()
    section = v3.sections.get(number="9")
    page = url("agreements:section_edit", pk=agreement.pk, number=3, section=section.pk)
    client.post(page, {"number": "9", "title": "Viestintä", "text": "Uusi teksti.", "position": 5})
    section.refresh_from_db()
    assert section.text == "Uusi teksti."
    # applying version 2 through the page records the change in the body's history
    apply = url("agreements:version_action", pk=agreement.pk, number=2, action="apply")
    # Applying asks first, on a page that shows its effect on the obligations.
    asked = client.post(apply)
    preview = reverse(
        "obligations:apply_preview",
        kwargs={"area": "pohjois-karjala", "version": agreement.versions.get(number=2).pk},
    )
    assert asked["Location"] == preview
    assert not demo["nk"].bodies.filter(name="Hyte-asiantuntijaverkosto").exists()
    page = client.get(preview)
    html = page.content.decode()
    assert "Mikä muuttuu velvoitteissa" in html
    assert "Ei lakisääteinen" in html  # the operative bodies' legal basis changes
    assert page.context["effect"]  # rows of the obligations change
    assert not demo["nk"].bodies.filter(name="Hyte-asiantuntijaverkosto").exists()  # rolled back
    client.post(apply, {"confirm": "yes"})
    history = client.get(
        reverse(
            "bodies:body_history",
            kwargs={
                "area": "pohjois-karjala",
                "pk": demo["nk"].bodies.get(name="Hyte-asiantuntijaverkosto").pk,
            },
        )
    ).content.decode()
    assert "Versio 2 otettu käyttöön" in history
    assert "<td>Muutettu<br>" in history  # the record type in Finnish, too


def test_overview_warns_before_expiry_and_starts_evaluation(client, login, agreement):
    version = agreement.versions.get(number=2)
    version.valid_until = timezone.localdate() + timedelta(days=60)
    version.save()
    login("paakayttaja")
    html = client.get(reverse("areas:overview", kwargs={"area": "pohjois-karjala"})).content
    assert "päättyy" in html.decode()
    response = client.post(
        url("agreements:version_action", pk=agreement.pk, number=2, action="evaluate")
    )
    round = CommentRound.objects.get(version=version, kind="evaluation")
    assert response["Location"] == round.get_absolute_url()
    assert round.requests.count() == 15
    # the public overview does not reveal it
    client.logout()
    assert (
        "päättyy"
        not in client.get(
            reverse("areas:overview", kwargs={"area": "pohjois-karjala"})
        ).content.decode()
    )


def test_version_page_queries_do_not_grow_with_sections(client, login, draft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login("paakayttaja")
    page = url("agreements:version", pk=draft.agreement_id, number=draft.number)
    with CaptureQueriesContext(connection) as before:
        client.get(page)
    for index in range(10):
        section = draft.sections.first()
        section.pk = None
        section.key = f"extra{index}"
        section.number = f"X{index}"
        section.save()
    with CaptureQueriesContext(connection) as after:
        client.get(page)
    assert len(after) == len(before)


def test_body_page_names_the_agreement_that_set_it_up(client, login, agreement, demo):
    from yhdyspinta.bodies.models import Body, Level

    network = Body.objects.get(area=demo["nk"], level=Level.COORDINATOR_NETWORK)
    page = reverse("bodies:body", kwargs={"area": "pohjois-karjala", "pk": network.pk})
    login("jasen")
    html = client.get(page).content.decode()
    assert "Perustettu sopimuksella" in html
    assert "versio 1, kohta 6.3" in html
    services.version_apply(access=Access.installation(), version=agreement.versions.get(number=2))
    assert "versio 2, kohta 6.3" in client.get(page).content.decode()


def test_a_signed_version_is_not_offered_for_editing(client, login, agreement):
    login("paakayttaja")
    section = agreement.versions.get(number=2).sections.get(number="9")
    page = url("agreements:section_edit", pk=agreement.pk, number=2, section=section.pk)
    response = client.get(page, follow=True)
    assert response.redirect_chain[-1][0] == agreement.versions.get(number=2).get_absolute_url()
    assert "Versio 2 on allekirjoitettu" in response.content.decode()
    client.post(page, {"number": "9", "title": "Muutettu", "text": "", "position": 1})
    section.refresh_from_db()
    assert section.title == "Viestintä"
    # approvals and signatures are still recorded on a signed version
    party = agreement.versions.get(number=2).parties.first()
    edit = url("agreements:party_edit", pk=agreement.pk, number=2, party=party.pk)
    assert client.get(edit).status_code == 200


def test_new_agreement_with_an_end_before_its_start_is_refused(client, login, demo):
    login("paakayttaja")
    response = client.post(
        url("agreements:agreement_create"),
        {
            "title": "Kokeilusopimus",
            "parties": [o.pk for o in Organisation.objects.filter(area=demo["nk"])[:2]],
            "valid_from": "2027-01-01",
            "valid_until": "2026-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sopimus päättyy ennen kuin se alkaa." in html
    assert 'value="Kokeilusopimus"' in html
    assert not Agreement.objects.filter(title="Kokeilusopimus").exists()


def test_closing_a_comment_round_asks_first(client, login, demo):
    from datetime import date

    from yhdyspinta.agreements.models import Agreement, CommentRound
    from yhdyspinta.agreements.services import comment_round_create, version_new_draft

    agreement = Agreement.objects.filter(area=demo["nk"]).first()
    version = version_new_draft(access=Access.installation(), agreement=agreement)
    round_ = comment_round_create(
        access=Access.installation(),
        round=CommentRound(version=version, title="Lausunnot", deadline=date(2031, 1, 31)),
        organisations=[p.organisation for p in version.parties.all()[:2]],
    )
    login("paakayttaja")
    close = reverse(
        "agreements:round_action",
        kwargs={"area": "pohjois-karjala", "pk": round_.pk, "action": "close"},
    )
    html = client.post(close).content.decode()
    assert "Sulkeminen lukitsee lausunnot" in html
    assert version.parties.first().organisation.name in html  # has not answered
    round_.refresh_from_db()
    assert round_.status != "closed"
    client.post(close, {"confirm": "yes"})
    round_.refresh_from_db()
    assert round_.status == "closed"


def test_the_comment_round_form_offers_only_the_agreement_kinds(client, login, demo):
    from yhdyspinta.agreements.models import Agreement
    from yhdyspinta.agreements.services import version_new_draft

    version = version_new_draft(
        access=Access.installation(), agreement=Agreement.objects.filter(area=demo["nk"]).first()
    )
    login("paakayttaja")
    html = client.get(
        reverse(
            "agreements:round_create",
            kwargs={
                "area": "pohjois-karjala",
                "pk": version.agreement_id,
                "number": version.number,
            },
        )
    ).content.decode()
    assert '<option value="comments" selected>' in html
    assert 'value="evaluation"' in html
    assert 'value="follow_up"' not in html
    assert 'value="nomination"' not in html


def test_the_section_editor_has_a_toolbar_and_a_live_preview(client, login, agreement):
    login("paakayttaja")
    v3 = client.post(url("agreements:new_draft", pk=agreement.pk))
    version3 = AgreementVersion.objects.get(agreement=agreement, number=3)
    assert v3.status_code == 302
    section = version3.sections.first()
    page = client.get(
        url("agreements:section_edit", pk=agreement.pk, number=3, section=section.pk)
    ).content.decode()
    assert "data-markdown-preview" in page
    assert "Lihavointi" in page  # the toolbar's labels, in Finnish
    preview = url("agreements:markdown_preview")
    rendered = client.post(preview, {"text": "**Tärkeä** <script>x</script>\n\n- yksi"})
    html = rendered.content.decode()
    assert "<strong>Tärkeä</strong>" in html
    assert "<li>yksi</li>" in html
    assert "<script>" not in html
    login("jasen")  # a reader may not use the editor's preview
    assert client.post(preview, {"text": "x"}).status_code == 403
