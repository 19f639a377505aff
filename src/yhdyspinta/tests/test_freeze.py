"""Records that freeze: approved minutes and everything in them, signed agreement
versions and signatures, closed rounds. The model refuses with a Finnish message, and
the database refuses what skips the model (a bulk update), on SQLite and PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements.models import AgreementParty, Comment, Section
from yhdyspinta.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    MinutesItem,
    ThemeWorkGroup,
    ThemeWorkIdea,
)
from yhdyspinta.nominations.models import NominationAnswer

pytestmark = pytest.mark.django_db


def _refused_by_database(change) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        change()


@pytest.fixture
def approved(demo) -> Minutes:
    return (
        Minutes.objects.filter(meeting__body__area=demo["nk"], status="approved")
        .exclude(items=None)
        .exclude(theme_groups=None)
        .first()
    )


def test_approved_minutes_refuse_every_change_at_the_model(approved):
    item = approved.items.first()
    item.decision = "Muutettu jälkikäteen"
    with pytest.raises(ValidationError, match="Hyväksyttyä muistiota ei voi muokata"):
        item.save()
    approved.summary = "Muutettu"
    with pytest.raises(ValidationError):
        approved.save()
    group = approved.theme_groups.first()
    with pytest.raises(ValidationError):
        ThemeWorkGroup(minutes=approved, name="Jälkikäteen lisätty").save()
    with pytest.raises(ValidationError):
        group.delete()
    agenda = approved.meeting.agenda_items.first()
    agenda.title = "Toinen otsikko"
    with pytest.raises(ValidationError, match="esityslistaa"):
        agenda.save()
    attendance = approved.meeting.attendances.first()
    with pytest.raises(ValidationError):
        attendance.delete()


def test_approved_minutes_refuse_every_change_in_the_database(approved):
    meeting = approved.meeting
    _refused_by_database(lambda: approved.items.update(decision="Muutettu"))
    _refused_by_database(lambda: Minutes.objects.filter(pk=approved.pk).update(summary="x"))
    _refused_by_database(lambda: Minutes.objects.filter(pk=approved.pk).update(status="draft"))
    _refused_by_database(lambda: MinutesItem.objects.filter(minutes=approved).delete())
    _refused_by_database(lambda: ThemeWorkGroup.objects.filter(minutes=approved).update(name="x"))
    _refused_by_database(
        lambda: ThemeWorkIdea.objects.filter(group__minutes=approved).update(text="x")
    )
    _refused_by_database(lambda: AgendaItem.objects.filter(meeting=meeting).update(title="x"))
    _refused_by_database(
        lambda: Attendance.objects.filter(meeting=meeting).update(capacity="political")
    )
    _refused_by_database(lambda: Attendance.objects.filter(meeting=meeting).delete())


def test_what_approved_minutes_may_still_do(approved):
    """Be replaced by a correction, be published, and see an idea taken forward."""
    idea = ThemeWorkIdea.objects.filter(group__minutes=approved).first()
    idea.taken_forward = not idea.taken_forward
    idea.save()
    ThemeWorkIdea.objects.filter(pk=idea.pk).update(taken_forward=True)
    Minutes.objects.filter(pk=approved.pk).update(status="superseded")
    approved.refresh_from_db()
    approved.published_at = approved.published_at or approved.approved_at
    approved.save()


def test_a_correction_is_a_new_draft_that_can_change(approved):
    from yhdyspinta.meetings import services

    draft = services.minutes_correct(
        access=Access.installation(), minutes=approved, note="Päätöksen sanamuoto"
    )
    item = draft.items.first()
    item.decision = "Korjattu sanamuoto"
    item.save()
    assert approved.items.get(agenda_item=item.agenda_item).decision != "Korjattu sanamuoto"


@pytest.fixture
def signed(demo) -> AgreementParty:
    return AgreementParty.objects.filter(
        version__agreement__area=demo["nk"], signed_on__isnull=False
    ).first()


def test_a_signed_version_and_its_signatures_are_read_only(signed):
    signed.signatory_name = ""
    signed.signed_on = None
    with pytest.raises(ValidationError, match="allekirjoitusta"):
        signed.save()
    section = signed.version.sections.first()
    section.text = "Muutettu allekirjoituksen jälkeen"
    with pytest.raises(ValidationError, match="allekirjoitettu"):
        section.save()
    with pytest.raises(ValidationError):
        Section(version=signed.version, number="99", title="Uusi").save()
    _refused_by_database(
        lambda: AgreementParty.objects.filter(pk=signed.pk).update(
            signatory_name="", signed_on=None
        )
    )
    _refused_by_database(lambda: AgreementParty.objects.filter(pk=signed.pk).delete())
    _refused_by_database(lambda: Section.objects.filter(version=signed.version).update(text="x"))


def test_a_scan_may_follow_the_signature_once(signed):
    from django.core.files.base import ContentFile

    AgreementParty.objects.filter(pk=signed.pk).update(signed_copy="")  # as recorded first
    signed.refresh_from_db()
    signed.signed_copy.save("allekirjoitettu.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    signed.refresh_from_db()
    assert signed.signed_copy.name
    signed.signed_copy = "toinen.pdf"
    with pytest.raises(ValidationError):
        signed.save()
    _refused_by_database(
        lambda: AgreementParty.objects.filter(pk=signed.pk).update(signed_copy="toinen.pdf")
    )


def test_a_closed_rounds_answers_and_handling_are_read_only(demo):
    comment = Comment.objects.filter(request__round__status="closed").first()
    comment.response = ""
    comment.response_reason = ""
    with pytest.raises(ValidationError, match="suljettu"):
        comment.save()
    _refused_by_database(lambda: Comment.objects.filter(pk=comment.pk).update(response=""))
    answer = NominationAnswer.objects.filter(request__round__status="closed").first()
    if answer is not None:
        answer.note = "Muutettu"
        with pytest.raises(ValidationError):
            answer.save()
        _refused_by_database(lambda: NominationAnswer.objects.filter(pk=answer.pk).update(note="x"))


def test_attendance_of_an_approved_meeting_cannot_be_added(approved):
    meeting: Meeting = approved.meeting
    other = meeting.attendances.first()
    with pytest.raises(ValidationError):
        Attendance(meeting=meeting, person=other.person, organisation=other.organisation).save()


def test_approved_documents_say_approved_by_whom_and_when(demo, approved):
    """The public reads that the chair approved it and when; the area's users also read
    the chair's name and who recorded it. Never "draft" on an approved version."""
    from django.contrib.auth import get_user_model
    from pypdf import PdfReader

    from yhdyspinta.accounts.visibility import INTERNAL, PUBLIC
    from yhdyspinta.bodies.models import Membership, MembershipRole
    from yhdyspinta.meetings import documents, services

    meeting = Meeting.objects.filter(body__area=demo["nk"], status="minutes_drafted").first()
    draft = meeting.minutes.get()
    member = Membership.objects.filter(body=meeting.body).first()
    Membership.objects.filter(body=meeting.body, role=MembershipRole.CHAIR).update(role="member")
    member.role = MembershipRole.CHAIR
    member.save()
    user = get_user_model().objects.get(username="paakayttaja")
    services.minutes_approve(access=Access(user), minutes=draft, method="chair")

    def text(pdf: bytes) -> str:
        import io

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    public = " ".join(text(documents.minutes_pdf(draft, PUBLIC)).split())
    internal = " ".join(text(documents.minutes_pdf(draft, INTERNAL)).split())
    assert "HYVÄKSYTTY" in public
    assert "LUONNOS" not in public
    assert "Hyväksynyt puheenjohtaja" in public
    assert str(member.person) not in public
    assert f"Hyväksynyt puheenjohtaja {member.person}" in internal
    recorder = user.get_full_name() or user.username
    assert f"kirjasi sovellukseen {recorder}" in internal
