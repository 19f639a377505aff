"""Every write of nomination rounds. The rules of a round are checked in one place,
`answer_problems`, for the app form, the personal link and the admin's entry alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.bodies.models import Body, Membership, MembershipRole
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.consultations import services as consultations
from yhdyspinta.consultations.letters import letters_pdf
from yhdyspinta.consultations.services import by_token
from yhdyspinta.core.documents import finnish_date
from yhdyspinta.core.permission import require
from yhdyspinta.parties.models import Organisation, Person

from .documents import letter
from .models import DeputyRule, NominationAnswer, NominationRequest, NominationRound, Nominee, Seat

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from yhdyspinta.accounts.permissions import Access

LINK = "nomination_link"
# The request letter, made by the outbox's worker (registered in apps.ready: made_letter).
REQUEST_LETTER = consultations.RequestLetter(maker="nomination_letter", filename="nimeamispyynto")


def made_letter(made_from: dict[str, Any]) -> bytes:
    """The request letter's PDF, with the link its message was sent with."""
    request = NominationRequest.objects.select_related("round", "organisation").get(
        pk=made_from["request"]
    )
    return letters_pdf([letter(request)])


__all__ = [
    "NomineeRow",
    "answer_problems",
    "answer_save",
    "bodies_sharing_a_request",
    "body_elect_chairs",
    "request_by_token",
    "round_close",
    "round_create",
    "round_send",
    "send_reminders",
]


@dataclass
class NomineeRow:
    """One nominee as typed into a form, before it is saved."""

    position: int
    role: str
    person: Person | None = None
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    email: str = ""
    deputy_for_position: int | None = None

    @property
    def name(self) -> str:
        return str(self.person) if self.person else f"{self.first_name} {self.last_name}".strip()

    @property
    def identity(self) -> str:
        if self.person:
            return f"person:{self.person.pk}"
        return f"email:{self.email.lower()}" if self.email else f"name:{self.name.lower()}"


# --- creating and sending -------------------------------------------------------------


def bodies_sharing_a_request(bodies: list[Body]) -> str:
    """A round asks each organisation for one body: that of its sub-region, else the
    area-wide one. Two area-wide bodies (or two of one sub-region) would leave one
    unasked, so they are refused with a message (empty when the choice is fine)."""
    seen: dict[int | None, Body] = {}
    for body in bodies:
        other = seen.get(body.sub_region_id)
        if other is not None:
            return _(
                "%(first)s and %(second)s would be asked of the same organisations, but a "
                "round asks each organisation for one body: start a round for each."
            ) % {"first": other.name, "second": body.name}
        seen[body.sub_region_id] = body
    return ""


@transaction.atomic
def round_create(
    *, access: Access, round: NominationRound, bodies: list[Body], organisations: list[Organisation]
) -> NominationRound:
    """Save the round and ask each organisation; an organisation joins the body of its
    own sub-region when there is one, otherwise the area-wide body."""
    require(access.is_admin(round.area))
    if problem := bodies_sharing_a_request(bodies):
        raise ValidationError(problem)
    round.full_clean()
    round.save()
    round.bodies.set(bodies)
    area_wide = next((b for b in bodies if b.sub_region_id is None), bodies[0])
    for organisation in organisations:
        body = next(
            (
                b
                for b in bodies
                if b.sub_region_id and b.sub_region_id == organisation.sub_region_id
            ),
            area_wide,
        )
        NominationRequest.objects.get_or_create(
            round=round, organisation=organisation, defaults={"body": body}
        )
    return round


@transaction.atomic
def round_send(
    *, access: Access, round: NominationRound, request_ids: list[int] | None = None
) -> consultations.Sent:
    """E-mail the request letter (PDF) and a personal answer link to each organisation.
    Returns how many organisations were reached."""
    require(access.is_admin(round.area))

    return consultations.send_requests(
        consultations.open_round(
            round, round.requests.select_related("organisation", "body"), request_ids
        ),
        round=round,
        link=consultations.personal_link(LINK),
        subject=round.title,
        reply_to=round.reply_address,
        body=lambda request, link: (
            _(
                "%(organisation)s is asked to name its representatives to %(body)s "
                "by %(deadline)s.\n\n"
                "Answer here (a personal link, valid until the answer is sent):\n%(link)s\n\n"
                "The request letter is attached."
            )
            % {
                "organisation": request.organisation.name,
                "body": request.body.name,
                "deadline": finnish_date(round.deadline),
                "link": link,
            }
        ),
        letter=REQUEST_LETTER,
    )


@transaction.atomic
def send_reminders(
    *, access: Access, round: NominationRound, now: datetime | None = None
) -> consultations.Sent:
    """Remind those who have not submitted an answer; at most once a day each."""
    require(access.is_admin(round.area))
    if round.status != NominationRound.Status.OPEN:
        return consultations.Sent(0, 0)
    answered = NominationAnswer.objects.filter(
        request__round=round, status=NominationAnswer.Status.SUBMITTED
    ).values_list("request_id", flat=True)
    return consultations.send_reminders(
        round.requests.exclude(pk__in=answered).select_related("organisation", "body"),
        now=now or timezone.now(),
        round=round,
        link=consultations.personal_link(LINK),
        subject=_("Reminder: %(title)s") % {"title": round.title},
        body=lambda request, link: (
            _(
                "We have not yet received the answer of %(organisation)s. "
                "The deadline is %(deadline)s.\n\n"
                "Answer here: %(link)s"
            )
            % {
                "organisation": request.organisation.name,
                "deadline": finnish_date(round.deadline),
                "link": link,
            }
        ),
    )


# --- answering --------------------------------------------------------------------------


def request_by_token(token: str) -> NominationRequest:
    """The request behind a personal link, or a clear refusal."""
    return by_token(
        NominationRequest.objects.select_related("round", "organisation", "body"), token
    )


def answer_problems(*, request: NominationRequest, rows: list[NomineeRow]) -> list[str]:
    """Everything wrong with an answer, in plain Finnish, for the person to fix."""
    return [
        *_row_problems(request.round, rows),
        *_deputy_problems(request.round, rows),
        *_seated_elsewhere(request, rows),
    ]


def _row_problems(round: NominationRound, rows: list[NomineeRow]) -> Iterator[str]:
    """How many full members, and each row a person named once."""
    members = [r for r in rows if r.role == Nominee.Role.MEMBER]
    if len(members) < round.min_nominees:
        yield _("Name at least %(min)s full members.") % {"min": round.min_nominees}
    if len(members) > round.max_nominees:
        yield _("At most %(max)s full members can be named; you named %(count)s.") % {
            "max": round.max_nominees,
            "count": len(members),
        }
    seen: set[str] = set()
    for row in rows:
        if row.identity in seen:
            yield _("%(name)s is named twice.") % {"name": row.name}
        seen.add(row.identity)
        if not row.person and not (row.first_name and row.last_name):
            yield _("Row %(row)s: choose a person or give a first and last name.") % {
                "row": row.position
            }


def _deputy_problems(round: NominationRound, rows: list[NomineeRow]) -> Iterator[str]:
    """Each deputy stands in for one full member of this answer, as the round's rule asks."""
    members = [r for r in rows if r.role == Nominee.Role.MEMBER]
    deputies = [r for r in rows if r.role == Nominee.Role.DEPUTY]
    member_positions = {r.position for r in members}
    for deputy in deputies:
        if deputy.deputy_for_position not in member_positions:
            yield _(
                "Row %(row)s: a deputy must stand in for a full member named in this answer."
            ) % {"row": deputy.position}
    for member in members:
        if member.deputy_for_position:
            yield _("Row %(row)s: only a deputy stands in for someone.") % {"row": member.position}
    covered = [d.deputy_for_position for d in deputies]
    if len(covered) != len(set(covered)):
        yield _("A full member can have only one deputy.")
    needs_deputies = round.deputy_rule == DeputyRule.REQUIRED or (
        round.deputy_rule == DeputyRule.OPTIONAL_FROM_N and len(members) < round.deputy_threshold
    )
    without = [m.name for m in members if m.position not in covered]
    if needs_deputies and without:
        yield _(
            "Every full member needs a deputy with this many members; missing for: %(names)s."
        ) % {"names": ", ".join(without)}


def _seated_elsewhere(request: NominationRequest, rows: list[NomineeRow]) -> Iterator[str]:
    """People already seated in the body for another organisation."""
    round = request.round
    people = [r.person.pk for r in rows if r.person]
    already = active_memberships(round.term_starts_on).filter(
        body=request.body, person_id__in=people
    )
    if round.status != NominationRound.Status.CLOSED:
        already = already.exclude(nomination_seat__round=round)
    for membership in already.select_related("person"):
        if membership.organisation_id != request.organisation_id:
            yield _("%(name)s is already a member of %(body)s for another organisation.") % {
                "name": membership.person,
                "body": request.body,
            }


@transaction.atomic
def answer_save(
    *,
    request: NominationRequest,
    rows: list[NomineeRow],
    submit: bool,
    user: User | None = None,
    is_admin: bool = False,
    channel: str = NominationAnswer.Channel.APP,
    registry_number: str = "",
    note: str = "",
    via_link: bool = False,
) -> NominationAnswer:
    """Save a draft or submit the answer. A submission is checked against the rules and
    becomes a new version; a draft may be incomplete."""
    round = request.round
    if round.status == NominationRound.Status.CLOSED:
        raise ValidationError(_("The round is closed; answers can no longer be changed."))
    if round.is_past_deadline and not is_admin:
        raise ValidationError(
            _(
                "The deadline %(deadline)s has passed. Contact the convener: "
                "the area administrator can still record your answer."
            )
            % {"deadline": finnish_date(round.deadline)}
        )
    if submit:
        problems = answer_problems(request=request, rows=rows)
        if problems:
            raise ValidationError(problems)
    latest = request.answers.order_by("-version").first()
    if latest and latest.status == NominationAnswer.Status.DRAFT:
        answer = latest
        answer.nominees.all().delete()
    else:
        answer = NominationAnswer(request=request, version=(latest.version + 1) if latest else 1)
    answer.channel = channel
    answer.registry_number = registry_number
    answer.note = note
    if submit:
        answer.status = NominationAnswer.Status.SUBMITTED
        answer.submitted_at = timezone.now()
        answer.submitted_by = user if user and user.is_authenticated else None
    answer.save()
    Nominee.objects.bulk_create(
        [
            Nominee(
                answer=answer,
                position=row.position,
                person=row.person,
                first_name=row.first_name,
                last_name=row.last_name,
                title=row.title,
                email=row.email,
                role=row.role,
                deputy_for_position=row.deputy_for_position,
            )
            for row in rows
        ]
    )
    if submit and via_link:
        consultations.consume_token(request)
    return answer


# --- closing -------------------------------------------------------------------------------


def _person_for(nominee: Nominee, organisation: Organisation) -> Person:
    """The nominee's person, matched by e-mail within the answering organisation only:
    another organisation's person never takes its seat."""
    if nominee.person is not None:
        return nominee.person
    if nominee.email:
        same_address = Person.objects.filter(
            area=organisation.area, email__iexact=nominee.email
        ).first()
        if same_address and same_address.organisation_id == organisation.pk:
            return same_address
        if same_address:
            raise ValidationError(
                _(
                    "%(organisation)s named %(name)s with the address %(email)s, which belongs "
                    "to %(other)s of %(other_organisation)s. Correct the answer before closing."
                )
                % {
                    "organisation": organisation.name,
                    "name": f"{nominee.first_name} {nominee.last_name}",
                    "email": nominee.email,
                    "other": same_address,
                    "other_organisation": same_address.organisation or "—",
                }
            )
    return Person.objects.create(
        area=organisation.area,
        organisation=organisation,
        first_name=nominee.first_name,
        last_name=nominee.last_name,
        title=nominee.title,
        email=nominee.email,
    )


@transaction.atomic
def round_close(*, access: Access, round: NominationRound) -> int:
    """Turn the latest submitted answers into memberships. Closing again changes
    nothing; seats of the same organisation that this round replaces are ended the day
    before the new term. Returns the number of memberships created."""
    require(access.is_admin(round.area))
    created = 0
    start = round.term_starts_on
    requests = round.requests.select_related("organisation", "body").prefetch_related(
        "answers__nominees__person"
    )
    for request in requests:
        answer = next(
            (
                a
                for a in sorted(request.answers.all(), key=lambda a: -a.version)
                if a.status == NominationAnswer.Status.SUBMITTED
            ),
            None,
        )
        if answer is None:
            continue
        seats: dict[int, Membership] = {}
        nominees = sorted(
            answer.nominees.all(), key=lambda n: (n.role != Nominee.Role.MEMBER, n.position)
        )
        for nominee in nominees:
            person = _person_for(nominee, request.organisation)
            role = (
                MembershipRole.DEPUTY
                if nominee.role == Nominee.Role.DEPUTY
                else MembershipRole.MEMBER
            )
            existing = (
                Membership.objects.filter(
                    body=request.body,
                    person=person,
                    organisation=request.organisation,
                )
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
                .first()
            )
            if existing:
                Seat.objects.update_or_create(membership=existing, defaults={"round": round})
                if existing.source != str(round):
                    existing.source = str(round)
                    existing.save(update_fields=["source", "updated_at"])
                seats[nominee.position] = existing
                continue
            membership = Membership(
                body=request.body,
                person=person,
                organisation=request.organisation,
                role=role,
                starts_on=start,
                source=str(round),
                deputy_for=seats.get(nominee.deputy_for_position)
                if role == MembershipRole.DEPUTY and nominee.deputy_for_position is not None
                else None,
            )
            membership.full_clean()
            membership.save()
            Seat.objects.create(membership=membership, round=round)
            seats[nominee.position] = membership
            created += 1
        # Seats of this organisation that the round does not renew end before the new term.
        kept = [m.pk for m in seats.values()]
        for old in (
            Membership.objects.filter(
                body=request.body,
                organisation=request.organisation,
                ends_on__isnull=True,
                starts_on__lt=start,
            )
            .exclude(pk__in=kept)
            .exclude(role=MembershipRole.SECRETARY)
        ):
            old.ends_on = start - timedelta(days=1)
            old.save(update_fields=["ends_on", "updated_at"])
    if round.status != NominationRound.Status.CLOSED:
        round.status = NominationRound.Status.CLOSED
        round.closed_at = timezone.now()
        round.save(update_fields=["status", "closed_at", "updated_at"])
    return created


@transaction.atomic
def body_elect_chairs(
    *, access: Access, body: Body, chair: Membership | None, vice_chair: Membership | None
) -> None:
    """Record the election of the chair and vice-chair among the body's current members."""
    require(access.can_edit_body(body))
    for membership in (chair, vice_chair):
        if membership and (
            membership.body_id != body.pk
            or membership.role in (MembershipRole.DEPUTY, MembershipRole.SECRETARY)
        ):
            raise ValidationError(_("Choose the chair and vice-chair among the full members."))
    if chair and vice_chair and chair.pk == vice_chair.pk:
        raise ValidationError(_("The chair and the vice-chair must be different people."))
    for role, chosen in ((MembershipRole.CHAIR, chair), (MembershipRole.VICE_CHAIR, vice_chair)):
        for previous in body.memberships.filter(role=role, ends_on__isnull=True):
            if chosen is None or previous.pk != chosen.pk:
                previous.role = MembershipRole.MEMBER
                previous.save(update_fields=["role", "updated_at"])
        if chosen is not None and chosen.role != role:
            chosen.role = role
            chosen.save(update_fields=["role", "updated_at"])
