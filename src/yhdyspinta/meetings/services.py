"""Every write of meetings, attendance and minutes. Each runs in a transaction, checks
the meeting's state first and refuses what the process does not allow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from yhdyspinta.accounts.visibility import INTERNAL
from yhdyspinta.areas.models import Theme
from yhdyspinta.bodies.models import Body, Membership
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.communications.services import Recipient, enqueue
from yhdyspinta.core.inline import save_inline
from yhdyspinta.core.permission import require
from yhdyspinta.parties.models import Organisation, OrganisationKind, Person

from . import ics
from .documents import agenda_pdf
from .models import (
    LOCKED_MESSAGE,
    AgendaItem,
    Attendance,
    Capacity,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesItem,
    ThemeWorkGroup,
    ThemeWorkIdea,
)
from .selectors import meeting_members

if TYPE_CHECKING:
    from yhdyspinta.accounts.permissions import Access

__all__ = [
    "agenda_from_previous",
    "attendance_record",
    "attendance_set",
    "meeting_cancel",
    "meeting_changed",
    "meeting_invite",
    "meeting_mark_held",
    "meeting_members",
    "minutes_approve",
    "minutes_correct",
    "minutes_publish",
    "minutes_start",
]


def _send(
    meeting: Meeting,
    subject: str,
    body: str,
    *,
    kind: str,
    cancel: bool = False,
    documents: list[tuple[str, bytes, str]] | None = None,
    calendar: bool = True,
    link: str = "",
) -> int:
    """Queue one message per member (nobody sees the others' addresses), each with its
    own calendar entry; members without an address are recorded as skipped. The outbox
    sends after commit. Returns how many members will get it."""
    method = "CANCEL" if cancel else "REQUEST"
    queued = 0
    for membership in meeting_members(meeting):
        person = membership.person
        attachments = []
        if person.email:
            calendar_entry = [
                (
                    "kutsu.ics",
                    ics.invitation(meeting, [person], cancel=cancel),
                    f"text/calendar; charset=utf-8; method={method}",
                )
            ]
            attachments = [*(calendar_entry if calendar else []), *(documents or [])]
            queued += 1
        enqueue(
            area=meeting.body.area,
            kind=kind,
            about=meeting,
            subject=subject,
            body=body,
            recipients=[Recipient(person.email, membership.organisation, person)],
            attachments=attachments,
            link=link,
        )
    return queued


def full_title(meeting: Meeting) -> str:
    """The body's name and the meeting's title, the name once: "Verkosto: Kokous 3/2027",
    not "Verkosto: Verkosto"."""
    if meeting.body.name.casefold() in meeting.title.casefold():
        return meeting.title
    return f"{meeting.body.name}: {meeting.title}"


def _describe(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    lines = [
        full_title(meeting),
        f"{local:%d.%m.%Y %H:%M}–{timezone.localtime(meeting.ends_at):%H:%M}",
        meeting.place,
        meeting.online_link,
    ]
    lines += [f"{item.order}. {item.title}" for item in meeting.agenda_items.all()]
    return "\n".join(line for line in lines if line)


def invitation_recipients(meeting: Meeting) -> tuple[list[Membership], list[Membership]]:
    """Who an invitation reaches, and the members it cannot reach (no address)."""
    members = meeting_members(meeting)
    return [m for m in members if m.person.email], [m for m in members if not m.person.email]


def agenda_filename(meeting: Meeting) -> str:
    return f"esityslista-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"


def invitation_text(meeting: Meeting, cover: str = "") -> str:
    return "\n\n".join(part for part in (cover.strip(), _describe(meeting)) if part)


@transaction.atomic
def meeting_invite(*, access: Access, meeting: Meeting, cover: str = "") -> int:
    """E-mail the invitation to every member: the cover text and the meeting, the
    calendar entry and the agenda PDF. Returns how many it reaches."""
    require(access.can_manage_meetings(meeting.body))
    if meeting.status not in MeetingStatus.upcoming():
        raise ValidationError(_("Only a planned meeting can be invited."))
    first = meeting.status == MeetingStatus.PLANNED
    if not first:
        meeting.sequence += 1
    meeting.status = MeetingStatus.INVITED
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    subject = _("Invitation: %(title)s") if first else _("Updated invitation: %(title)s")
    title = full_title(meeting)
    kind = OutgoingMessage.Kind.INVITATION if first else OutgoingMessage.Kind.UPDATE
    agenda = agenda_pdf(meeting, INTERNAL)  # the invitees are the meeting's own people
    name = agenda_filename(meeting)
    return _send(
        meeting,
        subject % {"title": title},
        invitation_text(meeting, cover),
        kind=kind,
        documents=[(name, agenda, "application/pdf")],
    )


@transaction.atomic
def meeting_changed(*, meeting: Meeting) -> int:
    """After an edit of time, place or agenda: invited members get an ICS update
    (same UID, higher SEQUENCE). Returns how many were told."""
    if meeting.status != MeetingStatus.INVITED:
        return 0
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])
    subject = _("Changed: %(title)s") % {"title": full_title(meeting)}
    return _send(meeting, subject, _describe(meeting), kind=OutgoingMessage.Kind.UPDATE)


@transaction.atomic
def meeting_cancel(*, access: Access, meeting: Meeting) -> int:
    """Cancel a meeting still ahead or awaiting its record; the members who were invited
    get a cancellation. Returns how many will get one (none if it was never invited)."""
    require(access.can_manage_meetings(meeting.body))
    if meeting.is_held or meeting.is_cancelled:
        raise ValidationError(_("A held or cancelled meeting cannot be cancelled."))
    if meeting.minutes.exists():
        raise ValidationError(_("The meeting has minutes: it cannot be cancelled."))
    was_invited = meeting.status == MeetingStatus.INVITED
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    if not was_invited:
        return 0
    subject = _("Cancelled: %(title)s") % {"title": full_title(meeting)}
    return _send(
        meeting,
        subject,
        _describe(meeting),
        kind=OutgoingMessage.Kind.CANCELLATION,
        cancel=True,
    )


@transaction.atomic
def agenda_from_previous(*, access: Access, meeting: Meeting) -> int:
    """Start an empty agenda from the body's previous meeting: its items' headings,
    themes and proposals, to edit. Returns how many items were copied."""
    require(access.can_manage_meetings(meeting.body))
    # Two clicks at once: the second waits for the first and then finds its items.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in MeetingStatus.upcoming():
        raise ValidationError(_("Only the agenda of a planned meeting can be started."))
    if meeting.agenda_items.exists():
        raise ValidationError(_("The agenda already has items."))
    previous = (
        Meeting.objects.filter(body_id=meeting.body_id, starts_at__lt=meeting.starts_at)
        .filter(agenda_items__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
        .first()
    )
    if previous is None:
        raise ValidationError(_("The body has no earlier meeting with an agenda."))
    items = [
        AgendaItem(
            meeting=meeting,
            order=item.order,
            title=item.title,
            theme_id=item.theme_id,
            proposal=item.proposal,
        )
        for item in previous.agenda_items.order_by("order")
    ]
    bulk_create_with_history(items, AgendaItem)
    return len(items)


@transaction.atomic
def meeting_mark_held(*, access: Access, meeting: Meeting, now: datetime | None = None) -> Meeting:
    require(access.can_manage_meetings(meeting.body))
    now = now or timezone.now()
    if meeting.status not in MeetingStatus.upcoming():
        raise ValidationError(_("Only a planned or invited meeting can be marked as held."))
    if meeting.starts_at > now:
        raise ValidationError(_("The meeting has not started yet."))
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@transaction.atomic
def attendance_record(
    *,
    access: Access,
    meeting: Meeting,
    person: Person,
    organisation: Organisation,
    capacity: str = Capacity.EXPERT,
) -> Attendance:
    """Record that a person was present. A non-member may attend and is marked a guest."""
    require(access.can_manage_meetings(meeting.body))
    if meeting.attendance_locked:
        raise ValidationError(LOCKED_MESSAGE)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    if Attendance.objects.filter(meeting=meeting, person=person).exists():
        raise ValidationError({"person": _("This person is already recorded as present.")})
    member_ids = {m.person_id for m in meeting_members(meeting)}
    attendance = Attendance(
        meeting=meeting,
        person=person,
        organisation=organisation,
        capacity=capacity,
        is_guest=person.pk not in member_ids,
    )
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def attendance_set(*, access: Access, meeting: Meeting, present: dict[int, str]) -> None:
    """Save the attendance sheet: `present` maps membership id to capacity. Members not
    in it are recorded absent; guests are left as they are."""
    require(access.can_manage_meetings(meeting.body))
    if meeting.attendance_locked:
        raise ValidationError(LOCKED_MESSAGE)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    members = {m.pk: m for m in meeting_members(meeting)}
    wanted = {members[pk].person_id: (members[pk], capacity) for pk, capacity in present.items()}
    member_people = {m.person_id for m in members.values()}
    existing = {a.person_id: a for a in meeting.attendances.all()}
    Attendance.objects.filter(
        meeting=meeting, person_id__in=member_people - set(wanted), is_guest=False
    ).delete()
    for person_id, (membership, capacity) in wanted.items():
        attendance = existing.get(person_id)
        if attendance is None:
            Attendance.objects.create(
                meeting=meeting,
                person_id=person_id,
                organisation_id=membership.organisation_id,
                capacity=capacity,
                is_guest=False,
            )
        elif attendance.capacity != capacity:
            attendance.capacity = capacity
            attendance.save(update_fields=["capacity"])


@transaction.atomic
def minutes_start(*, access: Access, meeting: Meeting) -> Minutes:
    """The first draft, with a section for every agenda item."""
    require(access.can_manage_meetings(meeting.body))
    if not meeting.is_held:
        raise ValidationError(_("Minutes are written for a meeting that has been held."))
    if meeting.minutes.exists():
        raise ValidationError(_("The meeting already has minutes."))
    minutes = Minutes.objects.create(meeting=meeting, version=1)
    bulk_create_with_history(
        [MinutesItem(minutes=minutes, agenda_item=item) for item in meeting.agenda_items.all()],
        MinutesItem,
    )
    meeting.status = MeetingStatus.MINUTES_DRAFTED
    meeting.save(update_fields=["status", "updated_at"])
    return minutes


def ensure_editable(minutes: Minutes) -> None:
    if not minutes.is_editable:
        raise ValidationError(
            _("Approved minutes cannot be edited. Start a correction: it becomes a new version.")
        )


@transaction.atomic
def minutes_save(
    *, access: Access, minutes: Minutes, sections: Iterable[MinutesItem] = ()
) -> Minutes:
    """A draft's summary and its sections' discussion and decisions, as one change."""
    require(access.can_manage_meetings(minutes.meeting.body))
    ensure_editable(minutes)
    minutes.save()
    save_inline(minutes, "minutes", sections)
    return minutes


@transaction.atomic
def theme_group_save(
    *,
    access: Access,
    group: ThemeWorkGroup,
    ideas: Iterable[ThemeWorkIdea] = (),
    removed_ideas: Iterable[ThemeWorkIdea] = (),
) -> ThemeWorkGroup:
    """A theme-work group of a draft and its ideas (one to three), as one change."""
    require(access.can_manage_meetings(group.minutes.meeting.body))
    ensure_editable(group.minutes)
    group.save()
    save_inline(group, "group", ideas, removed_ideas)
    return group


def approval_moment(day: date) -> datetime:
    """When an approval dated `day` was made: now, for one made today; noon of the day,
    for one entered afterwards."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


@dataclass(frozen=True)
class Approval:
    """Who approved minutes and when, as the approval page or the API states it."""

    method: str
    approved_on: date
    approved_in: Meeting | None = None

    @property
    def at(self) -> datetime:
        return approval_moment(self.approved_on)


@transaction.atomic
def minutes_approve(
    *,
    access: Access,
    minutes: Minutes,
    method: str,
    approved_in: Meeting | None = None,
    at: datetime | None = None,
) -> Minutes:
    """Approve a draft (and replace the approved version it corrects). `at` records an
    approval made earlier, e.g. when minutes kept on paper are entered afterwards."""
    require(access.can_manage_meetings(minutes.meeting.body))
    if minutes.status == Minutes.Status.APPROVED:
        raise ValidationError(_("These minutes are already approved."))
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError(_("Only a draft can be approved."))
    if minutes.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled: its minutes cannot be approved."))
    if method not in Minutes.Approval.values:
        raise ValidationError({"approval_method": _("Choose how the minutes were approved.")})
    if at is not None and timezone.localdate(at) > timezone.localdate():
        raise ValidationError({"approved_on": _("The day of approval cannot be in the future.")})
    if at is not None and at < minutes.meeting.starts_at:
        day = timezone.localtime(minutes.meeting.starts_at)
        raise ValidationError(
            _("The minutes cannot be approved before the meeting (%(day)s).")
            % {"day": f"{day.day}.{day.month}.{day.year}"}
        )
    if method == Minutes.Approval.NEXT_MEETING:
        if approved_in is None:
            raise ValidationError({"approved_in": _("Choose the meeting that approved them.")})
        if (
            approved_in.starts_at <= minutes.meeting.starts_at
            or approved_in.body_id != minutes.meeting.body_id
        ):
            raise ValidationError({"approved_in": _("Choose a later meeting of the same body.")})
    # Row by row, so that the history records each replaced version.
    for replaced in (
        Minutes.objects.filter(meeting=minutes.meeting, status=Minutes.Status.APPROVED)
        .select_for_update()
        .order_by()
    ):
        replaced.status = Minutes.Status.SUPERSEDED
        replaced.save(update_fields=["status", "updated_at"])
    minutes.status = Minutes.Status.APPROVED
    minutes.approval_method = method
    minutes.approved_in = approved_in if method == Minutes.Approval.NEXT_MEETING else None
    minutes.approved_at = at or timezone.now()
    minutes.approved_by = access.user  # the installation's approval names nobody
    minutes.save()
    meeting = minutes.meeting
    was_published = meeting.status == MeetingStatus.PUBLISHED
    meeting.status = MeetingStatus.PUBLISHED if was_published else MeetingStatus.MINUTES_APPROVED
    meeting.save(update_fields=["status", "updated_at"])
    if was_published:
        minutes.published_at = at or timezone.now()
        minutes.save(update_fields=["published_at", "updated_at"])
    return minutes


@transaction.atomic
def minutes_publish(
    *, access: Access, minutes: Minutes, at: datetime | None = None, notify: bool = True
) -> Minutes:
    """Publish approved minutes; the body's members are told where to read them (one
    message each, through the outbox)."""
    require(access.can_manage_meetings(minutes.meeting.body))
    if minutes.status != Minutes.Status.APPROVED:
        raise ValidationError(_("Only approved minutes can be published."))
    first = minutes.published_at is None
    minutes.published_at = minutes.published_at or at or timezone.now()
    minutes.save(update_fields=["published_at", "updated_at"])
    meeting = minutes.meeting
    meeting.status = MeetingStatus.PUBLISHED
    meeting.save(update_fields=["status", "updated_at"])
    if notify and first:
        link = settings.SITE_URL + reverse(
            "meetings:published_minutes", kwargs={"area": meeting.body.area.slug, "pk": meeting.pk}
        )
        _send(
            meeting,
            _("Minutes published: %(title)s") % {"title": meeting.title},
            _("The minutes of the meeting are published: %(link)s") % {"link": link}
            + "\n\n"
            + _describe(meeting),
            kind=OutgoingMessage.Kind.MINUTES_PUBLISHED,
            calendar=False,
            link=link,
        )
    return minutes


@transaction.atomic
def minutes_correct(*, access: Access, minutes: Minutes, note: str) -> Minutes:
    """Start a correction of approved minutes: a new draft version with the same content.
    The approved version stays valid (and public) until the correction is approved."""
    require(access.can_manage_meetings(minutes.meeting.body))
    if minutes.status != Minutes.Status.APPROVED:
        raise ValidationError(_("Only approved minutes are corrected; edit the draft instead."))
    if minutes.meeting.minutes.filter(status=Minutes.Status.DRAFT).exists():
        raise ValidationError(_("A correction is already in progress."))
    latest = minutes.meeting.minutes.order_by("-version").first() or minutes
    draft = Minutes.objects.create(
        meeting=minutes.meeting,
        version=latest.version + 1,
        summary=minutes.summary,
        correction_note=note,
    )
    bulk_create_with_history(
        [
            MinutesItem(
                minutes=draft,
                agenda_item_id=item.agenda_item_id,
                discussion=item.discussion,
                decision=item.decision,
            )
            for item in minutes.items.all()
        ],
        MinutesItem,
    )
    for group in minutes.theme_groups.prefetch_related("ideas"):
        copy = ThemeWorkGroup.objects.create(
            minutes=draft, name=group.name, topic=group.topic, scribes=group.scribes
        )
        bulk_create_with_history(
            [
                ThemeWorkIdea(
                    group=copy,
                    text=idea.text,
                    proposed_by=idea.proposed_by,
                    actors=idea.actors,
                    mode=idea.mode,
                    taken_forward=idea.taken_forward,
                )
                for idea in group.ideas.all()
            ],
            ThemeWorkIdea,
        )
    return draft


# --- saving a meeting or an agenda item (the pages and the API) -----------------------


@dataclass(frozen=True)
class MeetingValues:
    """A meeting as the secretary sets it, from the page's form or the API."""

    title: str
    starts_at: datetime
    ends_at: datetime
    kind: str = MeetingKind.MEETING
    place: str = ""
    online_link: str = ""
    convener: Organisation | None = None  # None: the body's own convener
    municipalities: tuple[Organisation, ...] = ()
    description: str = ""


MEETING_FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "online_link", "description")


@transaction.atomic
def meeting_save(
    *,
    access: Access,
    body: Body,
    values: MeetingValues,
    meeting: Meeting | None = None,
    notify: bool = True,
) -> tuple[Meeting, int]:
    """Create a meeting of the body, or change `meeting`: only the body's secretary or the
    area's administrator; a change to an invited meeting sends the members an updated
    invitation unless told not to. Returns the meeting and how many were told. Refuses
    (ValidationError by field) what the meeting may not be."""
    if not access.can_manage_meetings(body) or (meeting and meeting.body_id != body.pk):
        raise PermissionDenied
    target = Meeting(body=body)
    if meeting is not None:
        target = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_moving_into_the_past(target, values.starts_at)
    for name in MEETING_FIELDS:
        setattr(target, name, getattr(values, name))
    target.convener = values.convener or body.convener
    target.full_clean()
    if any(
        m.area_id != body.area_id or m.kind != OrganisationKind.MUNICIPALITY
        for m in values.municipalities
    ):
        raise ValidationError({"municipalities": _("Choose municipalities of the area.")})
    target.save()
    target.municipalities.set(values.municipalities)
    told = 0 if meeting is None or not notify else meeting_changed(meeting=target)
    return target, told


def _refuse_moving_into_the_past(saved: Meeting, starts_at: datetime) -> None:
    """Moved from ahead into the past, a meeting would count as one that took place and
    waits for its record: say so rather than recount it silently."""
    now = timezone.now()
    if saved.status in ("planned", "invited") and saved.starts_at >= now > starts_at:
        raise ValidationError(
            {
                "starts_at": _(
                    "A meeting still ahead cannot be moved into the past. If it was held "
                    "earlier, mark it held; otherwise cancel it and record the one held."
                )
            }
        )


@dataclass(frozen=True)
class AgendaItemValues:
    """An agenda item as the secretary writes it, from the page's form or the API."""

    title: str
    order: int | None = None  # None: after the last
    presenter: str = ""
    proposal: str = ""
    theme: Theme | None = None
    attachment: File | None = None


@transaction.atomic
def agenda_item_save(*, access: Access, meeting: Meeting, values: AgendaItemValues) -> AgendaItem:
    """Add an agenda item to the meeting; its members are told of the change when they
    have been invited. Refuses (ValidationError) an item for a meeting whose minutes are
    approved, or a theme of another area."""
    if not access.can_manage_meetings(meeting.body):
        raise PermissionDenied
    if values.theme is not None and values.theme.area_id != meeting.body.area_id:
        raise ValidationError({"theme": _("The theme belongs to another area.")})
    target = AgendaItem(
        meeting=meeting,
        order=values.order or (meeting.agenda_items.count() + 1),
        title=values.title,
        presenter=values.presenter,
        proposal=values.proposal,
        theme=values.theme,
    )
    if values.attachment is not None:
        target.attachment = values.attachment
    target.full_clean()
    target.save()
    meeting_changed(meeting=meeting)
    return target


@transaction.atomic
def attendance_save(*, access: Access, meeting: Meeting, present: dict[int, str]) -> None:
    """The attendance sheet saved by the page or the API: only the body's secretary or
    the area's administrator (then attendance_set)."""
    if not access.can_manage_meetings(meeting.body):
        raise PermissionDenied
    attendance_set(access=access, meeting=meeting, present=present)


@transaction.atomic
def minutes_attach(
    *,
    access: Access,
    meeting: Meeting,
    summary: str,
    items: dict[int, tuple[str, str]],
    approval: Approval,
    publish: bool,
) -> Minutes:
    """Minutes approved in another system (a municipality's case management) entered in
    one step: the draft with a section for every agenda item (`items`: agenda item id →
    discussion and decision), approved as `approval` says, and published
    when asked. The same steps and checks as the pages (minutes_start, minutes_approve,
    minutes_publish); the meeting's row lock makes two callers at once create one."""
    if not access.can_manage_meetings(meeting.body):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update().select_related("body__area").get(pk=meeting.pk)
    agenda = set(meeting.agenda_items.values_list("pk", flat=True))
    unknown = sorted(set(items) - agenda)
    if unknown:
        raise ValidationError(
            _("Not an agenda item of this meeting: %(ids)s") % {"ids": ", ".join(map(str, unknown))}
        )
    if meeting.status in MeetingStatus.upcoming():
        meeting_mark_held(access=access, meeting=meeting)
    minutes = minutes_start(access=access, meeting=meeting)
    minutes.summary = summary
    minutes.save(update_fields=["summary", "updated_at"])
    for section in minutes.items.all():
        if section.agenda_item_id in items:
            section.discussion, section.decision = items[section.agenda_item_id]
            section.save(update_fields=["discussion", "decision"])
    minutes_approve(
        access=access,
        minutes=minutes,
        method=approval.method,
        approved_in=approval.approved_in,
        at=approval.at,
    )
    if publish:
        minutes_publish(access=access, minutes=minutes, at=approval.at)
    return minutes
