"""Every write of agreements: drafting versions, parties' approvals and signatures,
comment rounds, the responsibility table, and applying a version to the structure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from yhdyspinta.bodies.models import Body, LegalBasis, Level, RhythmRule
from yhdyspinta.consultations import services as consultations
from yhdyspinta.consultations.letters import letters_pdf
from yhdyspinta.consultations.services import by_token
from yhdyspinta.core.documents import finnish_date
from yhdyspinta.core.inline import save_inline
from yhdyspinta.core.permission import require
from yhdyspinta.parties.models import Organisation, OrganisationKind

from . import signatures
from .documents import letter
from .models import (
    RHYTHM_FIELDS,
    Agreement,
    AgreementParty,
    AgreementVersion,
    Annex,
    ApprovalStep,
    Comment,
    CommentRequest,
    CommentRound,
    Mark,
    Response,
    ResponsibilityMark,
    ResponsibilityTask,
    Section,
    SignatureCheck,
    SpecRhythm,
    StructureSpec,
    TrustRoot,
)
from .selectors import is_fully_signed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from yhdyspinta.accounts.permissions import Access

LINK = "comment_link"
# The request letter, made by the outbox's worker (registered in apps.ready: made_letter).
REQUEST_LETTER = consultations.RequestLetter(maker="comment_letter", filename="lausuntopyynto")


def made_letter(made_from: dict[str, Any]) -> bytes:
    """The request letter's PDF, with the link its message was sent with."""
    request = CommentRequest.objects.select_related("round", "organisation").get(
        pk=made_from["request"]
    )
    return letters_pdf([letter(request)])


__all__ = [
    "agreement_create",
    "approval_step_save",
    "comment_respond",
    "comment_round_close",
    "comment_round_create",
    "comment_round_send",
    "comment_send_reminders",
    "comments_save",
    "evaluation_round_start",
    "party_record",
    "request_by_token",
    "responsibility_save",
    "section_save",
    "spec_save",
    "specs_from_structure",
    "structure_changes",
    "version_apply",
    "version_new_draft",
    "version_save",
]


def _ensure_editable(version: AgreementVersion) -> None:
    if version.parties.filter(signed_on__isnull=False).exists():
        raise ValidationError(
            _("Version %(n)s has been signed; make a new version to change it.")
            % {"n": version.number}
        )


# --- agreements and versions ---------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    access: Access,
    agreement: Agreement,
    parties: list[Organisation],
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> AgreementVersion:
    """The agreement and its first draft version with the given parties."""
    require(access.can_manage_agreements(agreement.area))
    agreement.full_clean()
    agreement.save()
    version = AgreementVersion(
        agreement=agreement, number=1, valid_from=valid_from, valid_until=valid_until
    )
    version.full_clean()
    version.save()
    bulk_create_with_history(
        [AgreementParty(version=version, organisation=o) for o in parties], AgreementParty
    )
    return version


@transaction.atomic
def version_new_draft(*, access: Access, agreement: Agreement, label: str = "") -> AgreementVersion:
    """A new draft that copies the newest version: sections (keeping their keys, so the
    two can be compared), parties and signatories, structures, responsibility table and
    file annexes. Approvals, signatures and the approval path start empty."""
    require(access.can_manage_agreements(agreement.area))
    source = agreement.versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("The agreement has no version to copy."))
    if not source.parties.filter(signed_on__isnull=False).exists():
        raise ValidationError(
            _("Version %(n)s is still a draft: edit it instead of making a new one.")
            % {"n": source.number}
        )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=source.number + 1,
        label=label,
        valid_from=source.valid_from,
        valid_until=source.valid_until,
        based_on=source,
    )
    sections = {}
    for section in source.sections.all():
        old_pk = section.pk
        section.pk = None
        section.version = version
        section.save()
        sections[old_pk] = section
    bulk_create_with_history(
        [
            AgreementParty(
                version=version,
                organisation_id=p.organisation_id,
                signatory_name=p.signatory_name,
                signatory_title=p.signatory_title,
            )
            for p in source.parties.all()
        ],
        AgreementParty,
    )
    for spec in source.structures.prefetch_related("rhythm"):
        rules = list(spec.rhythm.all())
        spec.pk = None
        spec.version = version
        spec.section = sections.get(spec.section_id) if spec.section_id else None
        spec.save()
        SpecRhythm.objects.bulk_create(
            [
                SpecRhythm(spec=spec, **{f: getattr(rule, f) for f in RHYTHM_FIELDS})
                for rule in rules
            ]
        )
    for task in source.responsibility_tasks.prefetch_related("marks"):
        marks = list(task.marks.all())
        task.pk = None
        task.version = version
        task.save()
        ResponsibilityMark.objects.bulk_create(
            [
                ResponsibilityMark(task=task, organisation_id=m.organisation_id, mark=m.mark)
                for m in marks
            ]
        )
    bulk_create_with_history(
        [Annex(version=version, title=a.title, file=a.file.name) for a in source.annexes.all()],
        Annex,
    )
    return version


@transaction.atomic
def version_save(
    *,
    access: Access,
    version: AgreementVersion,
    parties: Iterable[Organisation] | None = None,
) -> AgreementVersion:
    """A version's own fields, and its parties when the page offers them (a draft's):
    a party no longer chosen is removed, a new one added with its history."""
    require(access.can_manage_agreements(version.agreement.area))
    version.save()
    if parties is not None:
        chosen = {o.pk for o in parties}
        version.parties.exclude(organisation_id__in=chosen).delete()
        have = set(version.parties.values_list("organisation_id", flat=True))
        bulk_create_with_history(
            [AgreementParty(version=version, organisation_id=o) for o in chosen - have],
            AgreementParty,
        )
    return version


@transaction.atomic
def spec_save(
    *,
    access: Access,
    spec: StructureSpec,
    rules: Iterable[SpecRhythm] = (),
    removed_rules: Iterable[SpecRhythm] = (),
) -> StructureSpec:
    """A structure the version sets up, with its rhythm, as one change."""
    require(access.can_manage_agreements(spec.version.agreement.area))
    spec.save()
    save_inline(spec, "spec", rules, removed_rules)
    return spec


@transaction.atomic
def specs_from_structure(*, access: Access, version: AgreementVersion) -> int:
    """Record the area's current bodies as the structures this version sets up (for an
    agreement whose structure already exists). Returns how many were added."""
    require(access.can_manage_agreements(version.agreement.area))
    _ensure_editable(version)
    existing = set(version.structures.values_list("body_id", flat=True))
    bodies = (
        Body.objects.filter(area=version.agreement.area, ended_on__isnull=True)
        .exclude(pk__in=existing)
        .prefetch_related("rhythm_rules")
    )
    count = 0
    for body in bodies:
        spec = StructureSpec.objects.create(
            version=version,
            body=body,
            name=body.name,
            level=body.level,
            convener_id=body.convener_id,
            convener_role=body.convener_role,
            sub_region_id=body.sub_region_id,
            legal_basis=body.legal_basis,
            description=body.description,
            required_party_kinds=body.required_party_kinds,
            nominees_min=body.nominees_min,
            nominees_max=body.nominees_max,
        )
        SpecRhythm.objects.bulk_create(
            [
                SpecRhythm(spec=spec, **{f: getattr(rule, f) for f in RHYTHM_FIELDS})
                for rule in body.rhythm_rules.all()
            ]
        )
        count += 1
    return count


@transaction.atomic
def party_record(*, access: Access, party: AgreementParty) -> AgreementParty:
    """Save a party's approval and signature; the rules are in the model. A signed copy
    added as a PDF has its electronic signatures validated at once (`signatures`)."""
    require(access.can_manage_agreements(party.version.agreement.area))
    party.full_clean()
    party.save()
    if party.signed_copy and not party.signature_checks.exists():
        _signatures_check(party)
    return party


@transaction.atomic
def signatures_check(*, access: Access, party: AgreementParty) -> list[SignatureCheck]:
    """Validate the signed copy's signatures again (after the trust roots changed)."""
    require(access.can_manage_agreements(party.version.agreement.area))
    return _signatures_check(party)


def _signatures_check(party: AgreementParty) -> list[SignatureCheck]:
    # Two checks of one copy at once (a double click) run one after the other.
    AgreementParty.objects.select_for_update().filter(pk=party.pk).order_by().first()
    party.signature_checks.all().delete()
    if not party.signed_copy or not (party.signed_copy.name or "").lower().endswith(".pdf"):
        return []  # a scanned image carries no electronic signature
    with party.signed_copy.open("rb") as handle:
        content = handle.read(settings.UPLOAD_MAX_BYTES + 1)
    roots = [
        cert
        for root in TrustRoot.objects.all()
        for cert in signatures.trust_roots_from_pem(root.certificate.encode())
    ]
    now = timezone.now()
    return SignatureCheck.objects.bulk_create(
        SignatureCheck(
            party=party,
            position=position,
            checked_at=now,
            outcome=found.outcome,
            signer=found.signer[:500],
            issuer=found.issuer[:500],
            valid_from=found.valid_from,
            valid_until=found.valid_until,
            signed_at=found.signed_at,
        )
        for position, found in enumerate(signatures.check(content, roots, now), start=1)
    )


# --- from agreement to structure ---------------------------------------------------------


SPEC_BODY_FIELDS = (
    "name",
    "level",
    "convener_id",
    "convener_role",
    "sub_region_id",
    "legal_basis",
    "required_party_kinds",
    "nominees_min",
    "nominees_max",
)
# The parties a statutory negotiation body must seat, when the version does not say.
STATUTORY_PARTIES = [OrganisationKind.COUNTY, OrganisationKind.MUNICIPALITY]


def implied(spec: StructureSpec) -> dict[str, object]:
    """The body a structure sets up, with what its rhythm implies: a body that holds the
    annual statutory negotiation has 612/2021 §6–7 as its legal basis (611/2021 §14 for
    one a council term), and seats the county and the municipalities; otherwise the
    version's own values."""
    values = {name: getattr(spec, name) for name in SPEC_BODY_FIELDS}
    periods = {
        rule.period
        for rule in spec.rhythm.all()
        if rule.meeting_kind == RhythmRule.MeetingKind.NEGOTIATION
    }
    if values["legal_basis"] == LegalBasis.NONE and periods:
        yearly = RhythmRule.Period.YEAR in periods
        per_term = RhythmRule.Period.COUNCIL_TERM in periods
        values["legal_basis"] = (
            LegalBasis.BOTH
            if yearly and per_term
            else LegalBasis.HYTE_612_6_7
            if yearly
            else LegalBasis.COUNTY_611_14
        )
    if values["legal_basis"] != LegalBasis.NONE and not values["required_party_kinds"]:
        values["required_party_kinds"] = list(STATUTORY_PARTIES)
    return values


@dataclass
class StructureChange:
    """One change that applying a version makes to the structure."""

    kind: str  # "create", "update", "end"
    name: str
    spec: StructureSpec | None = None
    body: Body | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # field, old, new


def _field_label(name: str) -> str:
    labels = {
        "name": _("name"),
        "level": _("level"),
        "convener_id": _("convener"),
        "convener_role": _("convener's role"),
        "sub_region_id": _("sub-region"),
        "legal_basis": _("legal basis"),
        "required_party_kinds": _("party kinds that must be represented"),
        "nominees_min": _("nominees per organisation, at least"),
        "nominees_max": _("nominees per organisation, at most"),
        "rhythm": _("rhythm"),
    }
    return labels[name]


def _display(values: dict[str, object], name: str, related: object = None) -> str:
    value = values[name]
    if name.endswith("_id"):
        return str(related or "—")
    if name == "level":
        return str(dict(Level.choices).get(str(value), value))
    if name == "legal_basis":
        return str(dict(LegalBasis.choices).get(str(value), value))
    if name == "required_party_kinds" and isinstance(value, list | tuple | None):
        kinds = dict(OrganisationKind.choices)
        return ", ".join(str(kinds.get(k, k)) for k in value or []) or "—"
    return str(value) if value not in (None, "") else "—"


def _rhythm_key(rules: Iterable[object]) -> list[tuple[object, ...]]:
    return sorted(
        (tuple(getattr(rule, f) for f in RHYTHM_FIELDS) for rule in rules),
        key=lambda t: tuple("" if v is None else str(v) for v in t),
    )


def structure_changes(*, version: AgreementVersion) -> list[StructureChange]:
    """What applying the version would change: new bodies, changed names, conveners and
    rhythms, and bodies the previous version set up that this one no longer has."""
    specs = version.structures.select_related(
        "convener", "sub_region", "body__convener", "body__sub_region"
    ).prefetch_related("rhythm", "body__rhythm_rules")
    result = []
    governed: set[int] = set()
    for spec in specs:
        if spec.body is None:
            result.append(StructureChange("create", spec.name, spec=spec))
            continue
        governed.add(spec.body.pk)
        body = spec.body
        wanted = implied(spec)
        current = {f: getattr(body, f) for f in SPEC_BODY_FIELDS}
        changes = [
            (
                str(_field_label(f)),
                _display(current, f, getattr(body, f[:-3]) if f.endswith("_id") else None),
                _display(wanted, f, getattr(spec, f[:-3]) if f.endswith("_id") else None),
            )
            for f in SPEC_BODY_FIELDS
            if current[f] != wanted[f]
        ]
        old_rhythm, new_rhythm = list(body.rhythm_rules.all()), list(spec.rhythm.all())
        if _rhythm_key(old_rhythm) != _rhythm_key(new_rhythm):
            changes.append(
                (
                    str(_field_label("rhythm")),
                    "; ".join(r.describe() for r in old_rhythm) or "—",
                    "; ".join(r.describe() for r in new_rhythm) or "—",
                )
            )
        if body.ended_on:
            changes.append((_("ended"), finnish_date(body.ended_on), "—"))
        if changes:
            result.append(
                StructureChange("update", spec.name, spec=spec, body=body, changes=changes)
            )
    previous = (
        AgreementVersion.objects.filter(
            agreement=version.agreement, applied_at__isnull=False, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )
    if previous:
        ended = Body.objects.filter(agreement_specs__version=previous, ended_on__isnull=True)
        result.extend(
            StructureChange("end", body.name, body=body) for body in ended.exclude(pk__in=governed)
        )
    return result


def _because[M: Model](instance: M, reason: str) -> M:
    """The instance, with `reason` for django-simple-history to record with its next
    save or delete (the library reads the attribute; it declares no type for it)."""
    instance._change_reason = reason  # type: ignore[attr-defined]
    return instance


@transaction.atomic
def version_apply(*, access: Access, version: AgreementVersion, on: date | None = None) -> int:
    """Make the structure match the version: every body, rhythm rule and convener change
    is saved with the version as the reason in the audit trail, so the obligations engine
    and the annual clock follow. Only a version every party has signed can be applied.
    Returns the number of changes."""
    require(access.can_manage_agreements(version.agreement.area))

    if not is_fully_signed(version):
        raise ValidationError(
            _("Only a version that every party has approved and signed can be applied.")
        )
    on = on or timezone.localdate()
    # The audit trail's reason field holds 100 characters; the version leads.
    reason = Truncator(
        _("Version %(n)s applied: %(agreement)s")
        % {"agreement": version.agreement.title, "n": version.number}
    ).chars(100)
    changes = structure_changes(version=version)
    area = version.agreement.area
    for change in changes:
        if change.kind == "end":
            if change.body is not None:  # an ending names its body
                change.body.ended_on = (version.valid_from or on) - timedelta(days=1)
                _because(change.body, reason).save()
            continue
        spec = change.spec
        if spec is None:  # a creation or an update names its structure
            continue
        body = spec.body or Body(
            area=area, description=spec.description, nominees_min=1, required_party_kinds=[]
        )
        for name, value in implied(spec).items():
            setattr(body, name, value)
        body.ended_on = None
        _because(body, reason).full_clean()
        body.save()
        if spec.body_id != body.pk:
            spec.body = body
            spec.save(update_fields=["body"])
        new_rules = list(spec.rhythm.all())
        if _rhythm_key(body.rhythm_rules.all()) != _rhythm_key(new_rules):
            for rule in body.rhythm_rules.all():
                _because(rule, reason).delete()
            for spec_rule in new_rules:
                rule = RhythmRule(body=body, **{f: getattr(spec_rule, f) for f in RHYTHM_FIELDS})
                _because(rule, reason).full_clean()
                rule.save()
    version.applied_at = timezone.now()
    version.applied_by = access.user  # the installation's application names nobody
    _because(version, reason).save()
    return len(changes)


# --- responsibility table ----------------------------------------------------------------


@transaction.atomic
def responsibility_save(
    *,
    access: Access,
    version: AgreementVersion,
    marks: dict[tuple[int, int], str],
    task_texts: dict[int, str],
    new_tasks: list[tuple[str, str]],
) -> None:
    """Save the grid: cell marks by (task, organisation), edited task texts (an empty
    text removes the task) and new tasks (interface, text)."""
    require(access.can_manage_agreements(version.agreement.area))
    _ensure_editable(version)
    tasks = {t.pk: t for t in version.responsibility_tasks.all()}
    parties = set(version.parties.values_list("organisation_id", flat=True))
    for (task_id, organisation_id), mark in marks.items():
        if task_id not in tasks or organisation_id not in parties:
            raise ValidationError(_("The table has changed; reload the page."))
        if mark and mark not in Mark.values:
            raise ValidationError(_("Unknown mark."))
    _edit_task_texts(tasks, task_texts)
    _set_marks(version, {key: mark for key, mark in marks.items() if key[0] in tasks})
    last = max((t.position for t in tasks.values()), default=0)
    for offset, (interface, text) in enumerate(new_tasks, start=1):
        if text.strip():
            ResponsibilityTask.objects.create(
                version=version, interface=interface, text=text.strip(), position=last + offset
            )


def _edit_task_texts(tasks: dict[int, ResponsibilityTask], texts: dict[int, str]) -> None:
    """Edited task texts; an empty text removes the task (from `tasks` too)."""
    for task_id, text in texts.items():
        task = tasks.get(task_id)
        if task is None:
            continue
        if not text.strip():
            task.delete()
            tasks.pop(task_id)
        elif task.text != text.strip():
            task.text = text.strip()
            task.save()


def _set_marks(version: AgreementVersion, marks: dict[tuple[int, int], str]) -> None:
    """The grid's marks by (task, organisation): an empty mark removes the cell's."""
    existing = {
        (m.task_id, m.organisation_id): m
        for m in ResponsibilityMark.objects.filter(task__version=version)
    }
    for (task_id, organisation_id), mark in marks.items():
        current = existing.get((task_id, organisation_id))
        if not mark:
            if current:
                current.delete()
        elif current is None:
            ResponsibilityMark.objects.create(
                task_id=task_id, organisation_id=organisation_id, mark=mark
            )
        elif current.mark != mark:
            current.mark = mark
            current.save()


# --- comment rounds ------------------------------------------------------------------------


@transaction.atomic
def comment_round_create(
    *, access: Access, round: CommentRound, organisations: list[Organisation]
) -> CommentRound:
    require(access.can_manage_agreements(round.version.agreement.area))
    round.full_clean()
    round.save()
    for organisation in organisations:
        CommentRequest.objects.get_or_create(round=round, organisation=organisation)
    return round


@transaction.atomic
def comment_round_send(
    *, access: Access, round: CommentRound, request_ids: list[int] | None = None
) -> consultations.Sent:
    """E-mail the request letter (PDF) and a personal link to each organisation."""
    require(access.can_manage_agreements(round.version.agreement.area))

    return consultations.send_requests(
        consultations.open_round(
            round,
            round.requests.select_related("organisation", "round__version__agreement__area"),
            request_ids,
        ),
        round=round,
        link=consultations.personal_link(LINK),
        subject=round.title,
        reply_to=round.reply_address,
        body=lambda request, link: (
            _(
                "%(organisation)s is asked for written comments on %(agreement)s "
                "by %(deadline)s.\n\n"
                "Comment here, section by section (a personal link, valid until the "
                "comments are sent):\n%(link)s\n\nThe request letter is attached."
            )
            % {
                "organisation": request.organisation.name,
                "agreement": round.version,
                "deadline": finnish_date(round.deadline),
                "link": link,
            }
        ),
        letter=REQUEST_LETTER,
    )


@transaction.atomic
def comment_send_reminders(
    *, access: Access, round: CommentRound, now: datetime | None = None
) -> consultations.Sent:
    """Remind those who have not sent their comments; at most once a day each."""
    require(access.can_manage_agreements(round.version.agreement.area))
    if round.status != CommentRound.Status.OPEN:
        return consultations.Sent(0, 0)
    return consultations.send_reminders(
        round.requests.filter(submitted_at__isnull=True).select_related("organisation"),
        now=now or timezone.now(),
        round=round,
        link=consultations.personal_link(LINK),
        subject=_("Reminder: %(title)s") % {"title": round.title},
        body=lambda request, link: (
            _(
                "We have not yet received the comments of %(organisation)s. "
                "The deadline is %(deadline)s.\n\nComment here: %(link)s"
            )
            % {
                "organisation": request.organisation.name,
                "deadline": finnish_date(round.deadline),
                "link": link,
            }
        ),
    )


def request_by_token(token: str) -> CommentRequest:
    requests = CommentRequest.objects.select_related(
        "round__version__agreement__area", "organisation"
    )
    return by_token(requests, token)


@transaction.atomic
def comments_save(
    *,
    request: CommentRequest,
    texts: dict[int | None, str],
    submit: bool,
    user: User | None = None,
    is_admin: bool = False,
    channel: str = CommentRequest.Channel.APP,
    registry_number: str = "",
    via_link: bool = False,
) -> CommentRequest:
    """Save the comments by section (None = general comments) as a draft, or send them.
    Sent comments are final for the organisation; the administrator can still record
    a written answer that came by letter or through the registry."""
    round = request.round
    if round.status == CommentRound.Status.CLOSED:
        raise ValidationError(_("The round is closed; comments can no longer be changed."))
    if round.status == CommentRound.Status.DRAFT and not is_admin:
        raise ValidationError(_("The round has not been opened yet."))
    if request.submitted_at and not is_admin:
        raise ValidationError(
            _("The comments have already been sent. Contact the convener to change them.")
        )
    if round.is_past_deadline and not is_admin:
        raise ValidationError(
            _(
                "The deadline %(deadline)s has passed. Contact the convener: "
                "the area administrator can still record your comments."
            )
            % {"deadline": finnish_date(round.deadline)}
        )
    sections = set(round.version.sections.values_list("pk", flat=True))
    if any(key is not None and key not in sections for key in texts):
        raise ValidationError(_("The agreement has changed; reload the page."))
    existing = {c.section_id: c for c in request.comments.all()}
    for section_id, text in texts.items():
        text = text.strip()
        comment = existing.get(section_id)
        if not text:
            if comment:
                comment.delete()
        elif comment is None:
            Comment.objects.create(request=request, section_id=section_id, text=text)
        elif comment.text != text:
            comment.text = text
            comment.save()
    if submit:
        request.submitted_at = timezone.now()
        request.submitted_by = user if user is not None and user.is_authenticated else None
        request.channel = channel
        request.registry_number = registry_number
        request.no_comments = not any(t.strip() for t in texts.values())
        request.save()
        if via_link:
            consultations.consume_token(request)
    return request


@transaction.atomic
def comment_respond(*, access: Access, comment: Comment, response: str, reason: str) -> Comment:
    """Record how the preparer handled a comment."""
    require(access.can_manage_agreements(comment.request.round.version.agreement.area))
    if response not in Response.values:
        raise ValidationError(_("Choose how the comment was handled."))
    if response in (Response.PARTLY, Response.NOT_ACCEPTED) and not reason.strip():
        raise ValidationError(_("Say why the comment was not accepted in full."))
    comment.response = response
    comment.response_reason = reason.strip()
    comment.handled_at = timezone.now() if response else None
    comment.handled_by = access.user if response else None
    comment.save()
    return comment


@transaction.atomic
def comment_round_close(*, access: Access, round: CommentRound) -> None:
    require(access.can_manage_agreements(round.version.agreement.area))
    if round.status != CommentRound.Status.CLOSED:
        round.status = CommentRound.Status.CLOSED
        round.closed_at = timezone.now()
        round.save(update_fields=["status", "closed_at", "updated_at"])


@transaction.atomic
def evaluation_round_start(
    *, access: Access, version: AgreementVersion, on: date | None = None, days: int = 30
) -> CommentRound:
    """An evaluation round on the version in force, asking every party, as a draft for
    the administrator to check and send."""
    require(access.can_manage_agreements(version.agreement.area))
    on = on or timezone.localdate()
    open_round = version.comment_rounds.filter(
        kind=CommentRound.Kind.EVALUATION, status__in=["draft", "open"]
    ).first()
    if open_round:
        return open_round
    round = CommentRound(
        version=version,
        kind=CommentRound.Kind.EVALUATION,
        title=_("Evaluation of %(agreement)s") % {"agreement": version.agreement.title},
        deadline=on + timedelta(days=days),
        cover_letter=_(
            "The agreement expires on %(end)s. We ask every party to evaluate how the "
            "agreement has worked and what should change in the next one."
        )
        % {"end": finnish_date(version.valid_until) if version.valid_until else "—"},
    )
    organisations = [p.organisation for p in version.parties.select_related("organisation")]
    return comment_round_create(access=access, round=round, organisations=organisations)


def approval_step_save(*, access: Access, step: ApprovalStep) -> ApprovalStep:
    require(access.can_manage_agreements(step.version.agreement.area))
    step.full_clean()
    step.save()
    return step


def section_save(*, access: Access, section: Section) -> Section:
    require(access.can_manage_agreements(section.version.agreement.area))
    _ensure_editable(section.version)
    section.full_clean()
    section.save()
    return section
