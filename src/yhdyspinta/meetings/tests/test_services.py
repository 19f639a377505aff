from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.meetings import services
from yhdyspinta.meetings.models import Attendance, Meeting, MeetingStatus, Minutes
from yhdyspinta.testing.factories import (
    BodyFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    body = BodyFactory()
    for _ in range(3):
        MembershipFactory(body=body)
    return body


def future_meeting(body, **kwargs):
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    return MeetingFactory(
        body=body, status="planned", starts_at=start, ends_at=start + timedelta(hours=2), **kwargs
    )


def calendar_of(message) -> Calendar:
    [(_name, content, mimetype)] = [a for a in message.attachments if a[0].endswith(".ics")]
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def test_invitation_goes_to_every_member_with_an_ics_request(body, deliver):
    meeting = future_meeting(body)
    assert services.meeting_invite(access=Access.installation(), meeting=meeting) == 3
    assert mail.outbox == []  # queued with the change; the worker sends after commit
    messages = deliver()
    # One message per member: nobody sees the others' addresses.
    assert len(messages) == 3
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in messages)
    message = messages[0]
    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"{meeting.uid}@yhdyspinta"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event.get("ATTENDEE")) == f"mailto:{message.to[0]}"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.INVITED


def test_update_and_cancellation_keep_the_uid_and_raise_the_sequence(body, deliver):
    meeting = future_meeting(body)
    services.meeting_invite(access=Access.installation(), meeting=meeting)
    meeting.place = "Uusi paikka"
    meeting.save()
    assert services.meeting_changed(meeting=meeting) == 3
    assert services.meeting_cancel(access=Access.installation(), meeting=meeting) == 3
    sent = deliver()
    first = sent[0].to
    invite, update, cancel = (calendar_of(m) for m in sent if m.to == first)
    uids = {str(event_of(c)["UID"]) for c in (invite, update, cancel)}
    assert len(uids) == 1
    assert [int(event_of(c)["SEQUENCE"]) for c in (invite, update, cancel)] == [0, 1, 2]
    assert "Uusi paikka" in str(event_of(update)["LOCATION"])
    assert str(cancel["METHOD"]) == "CANCEL"
    assert str(event_of(cancel)["STATUS"]) == "CANCELLED"
    assert [m for m in sent if m.to == first][2].subject.startswith("Peruttu")


def test_changes_before_invitation_send_nothing(body, deliver):
    meeting = future_meeting(body)
    assert services.meeting_changed(meeting=meeting) == 0
    assert services.meeting_cancel(access=Access.installation(), meeting=meeting) == 0
    assert deliver() == []


def test_end_before_start_is_refused(body):
    meeting = future_meeting(body)
    meeting.ends_at = meeting.starts_at - timedelta(minutes=1)
    with pytest.raises(ValidationError) as excinfo:
        meeting.full_clean()
    assert "ends_at" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_a_future_meeting_cannot_be_held_nor_have_minutes(body):
    meeting = future_meeting(body)
    with pytest.raises(ValidationError, match="ei ole vielä alkanut"):
        services.meeting_mark_held(access=Access.installation(), meeting=meeting)
    with pytest.raises(ValidationError, match="pidetystä kokouksesta"):
        services.minutes_start(access=Access.installation(), meeting=meeting)


def test_attendance_of_a_non_member_is_a_guest(body):
    meeting = MeetingFactory(body=body)
    member = body.memberships.first()
    present = services.attendance_record(
        access=Access.installation(),
        meeting=meeting,
        person=member.person,
        organisation=member.organisation,
    )
    assert not present.is_guest
    outsider = PersonFactory(area=body.area, organisation=member.organisation)
    guest = services.attendance_record(
        access=Access.installation(),
        meeting=meeting,
        person=outsider,
        organisation=member.organisation,
    )
    assert guest.is_guest
    with pytest.raises(ValidationError):
        services.attendance_record(
            access=Access.installation(),
            meeting=meeting,
            person=outsider,
            organisation=member.organisation,
        )


def test_attendance_sheet_records_members_and_keeps_guests(body):
    meeting = MeetingFactory(body=body)
    members = list(body.memberships.all())
    guest = PersonFactory(area=body.area, organisation=members[0].organisation)
    services.attendance_record(
        access=Access.installation(),
        meeting=meeting,
        person=guest,
        organisation=members[0].organisation,
    )
    services.attendance_set(
        access=Access.installation(),
        meeting=meeting,
        present={members[0].pk: "official", members[1].pk: "expert"},
    )
    services.attendance_set(
        access=Access.installation(), meeting=meeting, present={members[1].pk: "political"}
    )
    people = dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "capacity"))
    assert people == {members[1].person_id: "political", guest.pk: "expert"}


def held_with_minutes(body):
    meeting = MeetingFactory(body=body, status="held")
    meeting.agenda_items.create(order=1, title="Hyte-ohjelma", proposal="Hyväksytään.")
    return meeting, services.minutes_start(access=Access.installation(), meeting=meeting)


def test_minutes_once_approved_are_never_edited_and_a_correction_is_a_new_version(body):
    meeting, minutes = held_with_minutes(body)
    item = minutes.items.get()
    item.decision = "Hyväksyttiin ohjelma."
    item.save()
    services.minutes_approve(
        access=Access.installation(), minutes=minutes, method=Minutes.Approval.CHAIR
    )
    with pytest.raises(ValidationError, match="jo hyväksytty"):
        services.minutes_approve(
            access=Access.installation(), minutes=minutes, method=Minutes.Approval.CHAIR
        )
    with pytest.raises(ValidationError, match="ei voi muokata"):
        services.ensure_editable(minutes)
    services.minutes_publish(access=Access.installation(), minutes=minutes)
    correction = services.minutes_correct(
        access=Access.installation(), minutes=minutes, note="Päätöksen sanamuoto"
    )
    assert correction.version == 2
    assert correction.items.get().decision == "Hyväksyttiin ohjelma."
    with pytest.raises(ValidationError, match="kesken"):
        services.minutes_correct(access=Access.installation(), minutes=minutes, note="toinen")
    services.minutes_approve(
        access=Access.installation(), minutes=correction, method=Minutes.Approval.CHAIR
    )
    minutes.refresh_from_db()
    meeting.refresh_from_db()
    assert minutes.status == Minutes.Status.SUPERSEDED
    assert meeting.status == MeetingStatus.PUBLISHED  # the corrected version is public at once
    assert minutes.history.count() >= 3


def test_approval_at_the_next_meeting_needs_a_later_meeting_of_the_body(body):
    meeting, minutes = held_with_minutes(body)
    with pytest.raises(ValidationError):
        services.minutes_approve(
            access=Access.installation(), minutes=minutes, method="next_meeting"
        )
    earlier = MeetingFactory(
        body=body,
        starts_at=meeting.starts_at - timedelta(days=30),
        ends_at=meeting.starts_at - timedelta(days=30, hours=-1),
    )
    with pytest.raises(ValidationError):
        services.minutes_approve(
            access=Access.installation(),
            minutes=minutes,
            method="next_meeting",
            approved_in=earlier,
        )
    later = MeetingFactory(
        body=body,
        starts_at=meeting.starts_at + timedelta(days=30),
        ends_at=meeting.starts_at + timedelta(days=30, hours=1),
    )
    services.minutes_approve(
        access=Access.installation(),
        minutes=minutes,
        method="next_meeting",
        approved_in=later,
    )
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.MINUTES_APPROVED


def test_only_approved_minutes_are_published(body):
    _meeting, minutes = held_with_minutes(body)
    with pytest.raises(ValidationError):
        services.minutes_publish(access=Access.installation(), minutes=minutes)


def test_each_step_of_a_meeting_checks_who_may_take_it(body):
    """Every write of a meeting's life checks its own permission (the body's secretary
    and the area's administrators), whoever calls it: a page, the API or a command. A
    member of the body is refused at each step and nothing changes."""
    from django.core.exceptions import PermissionDenied

    from yhdyspinta.accounts.models import AreaRole
    from yhdyspinta.testing.factories import UserFactory

    member = UserFactory()
    AreaRole.objects.create(user=member, area=body.area, role="member")
    secretary = UserFactory()
    AreaRole.objects.create(user=secretary, area=body.area, role="body_secretary", body=body)
    as_member, as_secretary = Access(member), Access(secretary)
    upcoming = future_meeting(body)
    held = MeetingFactory(body=body, status="held")
    steps = [
        lambda a: services.meeting_invite(access=a, meeting=upcoming),
        lambda a: services.agenda_from_previous(access=a, meeting=upcoming),
        lambda a: services.meeting_cancel(access=a, meeting=upcoming),
        lambda a: services.attendance_set(access=a, meeting=held, present={}),
        lambda a: services.minutes_start(access=a, meeting=held),
    ]
    for step in steps:
        with pytest.raises(PermissionDenied):
            step(as_member)
    upcoming.refresh_from_db()
    assert upcoming.status == "planned"
    assert not held.minutes.exists()
    minutes = services.minutes_start(access=as_secretary, meeting=held)
    for step in (
        lambda a: services.minutes_approve(access=a, minutes=minutes, method="chair"),
        lambda a: services.minutes_publish(access=a, minutes=minutes),
        lambda a: services.minutes_correct(access=a, minutes=minutes, note="?"),
    ):
        with pytest.raises(PermissionDenied):
            step(as_member)
    services.minutes_approve(access=as_secretary, minutes=minutes, method="chair")
    minutes.refresh_from_db()
    assert minutes.approved_by == secretary  # the approval names who made it
