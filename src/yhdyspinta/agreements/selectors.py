"""Reads that the agreement pages, documents and other apps share."""

from __future__ import annotations

import calendar
import difflib
import html
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from yhdyspinta.areas.models import Area
from yhdyspinta.consultations.selectors import Delivery, of_requests
from yhdyspinta.core.markup import render_markdown
from yhdyspinta.parties.models import CounterpartPair, NamedRole

from .models import (
    Agreement,
    AgreementParty,
    AgreementVersion,
    Comment,
    CommentRequest,
    CommentRound,
    Interface,
    Response,
    ResponsibilityTask,
    Section,
    StructureSpec,
    VersionState,
)

# --- in force -------------------------------------------------------------------------------


def is_fully_signed(version: AgreementVersion, on: date | None = None) -> bool:
    """Every party has approved and signed (by the given day)."""
    parties = list(version.parties.all())
    if not parties:
        return False
    return all(p.approved_on and p.signed_on and (on is None or p.signed_on <= on) for p in parties)


def is_in_force(version: AgreementVersion, on: date | None = None) -> bool:
    """In force only when every party has approved and signed, within its validity."""
    on = on or timezone.localdate()
    if not version.valid_from or version.valid_from > on:
        return False
    if version.valid_until and version.valid_until < on:
        return False
    return is_fully_signed(version, on)


def version_state(version: AgreementVersion, on: date | None = None) -> str:
    on = on or timezone.localdate()
    parties = list(version.parties.all())
    signed = [p for p in parties if p.signed_on]
    if not signed:
        return VersionState.DRAFT
    if len(signed) < len(parties):
        return VersionState.SIGNING
    if version.valid_until and version.valid_until < on:
        return VersionState.EXPIRED
    newer = [
        v
        for v in version.agreement.versions.all()
        if v.number > version.number and is_in_force(v, on)
    ]
    if newer:
        return VersionState.SUPERSEDED
    if is_in_force(version, on):
        return VersionState.IN_FORCE
    return VersionState.SIGNED


def version_state_label(state: str) -> str:
    return str(VersionState(state).label)


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=AgreementVersion.objects.prefetch_related("parties").order_by("-number"),
    )


def current_version(agreement: Agreement, on: date | None = None) -> AgreementVersion | None:
    """The newest version in force on the day."""
    return next((v for v in agreement.versions.all() if is_in_force(v, on)), None)


@dataclass
class AgreementRow:
    agreement: Agreement
    current: AgreementVersion | None
    latest: AgreementVersion
    latest_state: str
    latest_state_label: str


def agreement_list(*, area: Area, on: date | None = None) -> list[AgreementRow]:
    rows = []
    for agreement in area.agreements.prefetch_related(_versions_prefetch()):
        versions = list(agreement.versions.all())
        if not versions:
            continue
        state = version_state(versions[0], on)
        rows.append(
            AgreementRow(
                agreement,
                current_version(agreement, on),
                versions[0],
                state,
                version_state_label(state),
            )
        )
    return rows


def agreement_with_versions(*, area: Area, pk: int) -> Agreement:
    return Agreement.objects.prefetch_related(_versions_prefetch()).get(area=area, pk=pk)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class ExpiryWarning:
    agreement: Agreement
    version: AgreementVersion | None
    days_left: int | None
    expired: bool


def expiry_warnings(*, area: Area, on: date | None = None, months: int = 6) -> list[ExpiryWarning]:
    """Agreements whose version in force ends within `months`, or that have none in force
    although an earlier version was signed."""
    on = on or timezone.localdate()
    horizon = add_months(on, months)
    warnings = []
    for agreement in area.agreements.prefetch_related(_versions_prefetch()):
        current = current_version(agreement, on)
        if current:
            if current.valid_until and current.valid_until < horizon:
                warnings.append(
                    ExpiryWarning(agreement, current, (current.valid_until - on).days, False)
                )
            continue
        expired = [
            v
            for v in agreement.versions.all()
            if v.valid_until and v.valid_until < on and is_fully_signed(v)
        ]
        if expired:
            warnings.append(ExpiryWarning(agreement, expired[0], None, True))
    return warnings


# --- one version -----------------------------------------------------------------------------


def version_detail(*, agreement: Agreement, number: int) -> AgreementVersion:
    return (
        AgreementVersion.objects.select_related("agreement__area", "based_on", "applied_by")
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.prefetch_related("structures")),
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.select_related("organisation").prefetch_related(
                    "signature_checks"
                ),
            ),
            "structures__rhythm",
            "structures__convener",
            "structures__section",
            "structures__body",
            "approval_steps__body",
            "approval_steps__organisation",
            "annexes",
            "comment_rounds",
        )
        .get(agreement=agreement, number=number)
    )


# --- diff ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|[^\s]+")


def _side_by_side(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Word-level marks: removed words in the left text, added words in the right."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part = html.escape("".join(a[i1:i2]))
        new_part = html.escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            left.append(f"<del>{old_part}</del>")
        if new_part:
            right.append(f"<ins>{new_part}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - escaped above


# Private-use characters that mark a changed word in the Markdown source; after
# rendering they become <del>/<ins>. Each word is marked on its own, so a mark never
# spans a paragraph, a list item or an emphasis.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SYNTAX = re.compile(r"^(?:[-*+>#]+|\d+[.)]|\|[-:| ]*)$")


_WORD = re.compile(r"[^\W_]+(?:[-–'’][^\W_]+)*")


def _mark_token(token: str) -> str:
    """Mark the words of a token, not its Markdown syntax (emphasis, a link's address)."""
    if token.isspace() or _SYNTAX.match(token):
        return token
    text, sep, address = token.partition("](")
    return _WORD.sub(lambda m: f"{_OPEN}{m.group(0)}{_CLOSE}", text) + sep + address


def _mark(tokens: list[str]) -> str:
    return "".join(_mark_token(t) for t in tokens)


def _rendered(source: str, tag: str) -> SafeString:
    html_text: str = render_markdown(source)
    for mark in (_OPEN, _CLOSE):  # a mark inside a link's address is dropped
        html_text = html_text.replace(quote(mark), "")
    html_text = html_text.replace(_OPEN, f"<{tag}>").replace(_CLOSE, f"</{tag}>")
    return mark_safe(html_text)  # noqa: S308 - Markdown rendered with HTML disabled


def _formatted_side_by_side(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Section texts as they read (bold, lists, headings, links), with the removed words
    marked in the left text and the added words in the right."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append("".join(a[i1:i2]))
            right.append("".join(b[j1:j2]))
            continue
        left.append(_mark(a[i1:i2]))
        right.append(_mark(b[j1:j2]))
    return _rendered("".join(left), "del"), _rendered("".join(right), "ins")


_NOTHING = SafeString("")


@dataclass
class SectionDiff:
    status: str  # same, changed, added, removed
    old: Section | None
    new: Section | None
    title_left: SafeString = _NOTHING
    title_right: SafeString = _NOTHING
    text_left: SafeString = _NOTHING
    text_right: SafeString = _NOTHING


@dataclass
class VersionDiff:
    old: AgreementVersion
    new: AgreementVersion
    sections: list[SectionDiff] = field(default_factory=list)
    parties_added: list[str] = field(default_factory=list)
    parties_removed: list[str] = field(default_factory=list)
    structures: list[tuple[str, str, str]] = field(default_factory=list)  # name, old, new
    validity: tuple[str, str] | None = None

    @property
    def changed_count(self) -> int:
        return sum(1 for s in self.sections if s.status != "same")


def validity_text(version: AgreementVersion) -> str:
    start = version.valid_from.strftime("%-d.%-m.%Y") if version.valid_from else "?"
    end = version.valid_until.strftime("%-d.%-m.%Y") if version.valid_until else "…"
    return f"{start}–{end}"


def _structure_text(spec: StructureSpec) -> str:
    return f"{spec.get_level_display()}; {spec.convener}; {spec.convener_role}; " + "; ".join(
        rule.describe() for rule in spec.rhythm.all()
    )


def version_diff(*, old: AgreementVersion, new: AgreementVersion) -> VersionDiff:
    """Section by section, matched by the section's key (kept when a draft is copied)."""
    result = VersionDiff(old=old, new=new)
    old_sections = {s.key: s for s in old.sections.all()}
    new_sections = {s.key: s for s in new.sections.all()}
    for section in new.sections.all():
        before = old_sections.get(section.key)
        if before is None:
            _, title = _side_by_side("", f"{section.number} {section.title}")
            _, text = _formatted_side_by_side("", section.text)
            result.sections.append(
                SectionDiff("added", None, section, _NOTHING, title, _NOTHING, text)
            )
            continue
        old_title, new_title = (
            f"{before.number} {before.title}",
            f"{section.number} {section.title}",
        )
        status = "same" if (old_title, before.text) == (new_title, section.text) else "changed"
        title_left, title_right = _side_by_side(old_title, new_title)
        text_left, text_right = _formatted_side_by_side(before.text, section.text)
        result.sections.append(
            SectionDiff(status, before, section, title_left, title_right, text_left, text_right)
        )
    for key, before in old_sections.items():
        if key not in new_sections:
            title, _ = _side_by_side(f"{before.number} {before.title}", "")
            text, _ = _formatted_side_by_side(before.text, "")
            result.sections.append(
                SectionDiff("removed", before, None, title, _NOTHING, text, _NOTHING)
            )
    old_parties = {p.organisation.name for p in old.parties.select_related("organisation")}
    new_parties = {p.organisation.name for p in new.parties.select_related("organisation")}
    result.parties_added = sorted(new_parties - old_parties)
    result.parties_removed = sorted(old_parties - new_parties)

    def specs(version: AgreementVersion) -> dict[int | str, StructureSpec]:
        # A structure is the same across versions when it governs the same body.
        return {
            (s.body_id or s.name): s
            for s in version.structures.select_related("convener").prefetch_related("rhythm")
        }

    old_specs, new_specs = specs(old), specs(new)
    for spec_key in list(old_specs) + [k for k in new_specs if k not in old_specs]:
        a, b = old_specs.get(spec_key), new_specs.get(spec_key)
        was = f"{a.name}: {_structure_text(a)}" if a else "—"
        now = f"{b.name}: {_structure_text(b)}" if b else "—"
        named = b or a
        if was != now and named is not None:
            result.structures.append((named.name, was, now))
    if validity_text(old) != validity_text(new):
        result.validity = (validity_text(old), validity_text(new))
    return result


# --- responsibility table -------------------------------------------------------------------


@dataclass
class GridRow:
    task: ResponsibilityTask
    cells: list[tuple[int, str, str]]  # (organisation id, name, mark)


@dataclass
class GridGroup:
    interface: str
    label: str
    rows: list[GridRow]
    people: list[str]  # per party, the holder of the interface's named role
    counterparts: list[CounterpartPair]


@dataclass
class Grid:
    parties: list[AgreementParty]
    groups: list[GridGroup]


def responsibility_grid(*, version: AgreementVersion, on: date | None = None) -> Grid:
    """Tasks × parties, grouped by interface, with the people who hold each interface's
    named role at each party (and the interface's counterpart pairs)."""
    on = on or timezone.localdate()
    parties = list(version.parties.select_related("organisation"))
    organisation_ids = [p.organisation_id for p in parties]
    names = {p.organisation_id: p.organisation.name for p in parties}
    tasks = list(version.responsibility_tasks.prefetch_related("marks"))
    roles = NamedRole.objects.filter(organisation_id__in=organisation_ids).select_related("person")
    holders: dict[tuple[int, str], list[str]] = {}
    for role in roles:
        if (role.starts_on and role.starts_on > on) or (role.ends_on and role.ends_on < on):
            continue
        holders.setdefault((role.organisation_id, role.kind), []).append(role.holder)
    pairs = CounterpartPair.objects.filter(area=version.agreement.area).select_related(
        "county_person", "municipality_person__organisation"
    )
    groups = []
    for interface, label in Interface.choices:
        kind = Interface.role_kind(interface)
        rows = []
        for task in tasks:
            if task.interface != interface:
                continue
            marks = {m.organisation_id: m.mark for m in task.marks.all()}
            rows.append(GridRow(task, [(o, names[o], marks.get(o, "")) for o in organisation_ids]))
        groups.append(
            GridGroup(
                interface,
                str(label),
                rows,
                [", ".join(holders.get((o, kind), [])) for o in organisation_ids],
                [p for p in pairs if p.topic == kind],
            )
        )
    return Grid(parties, groups)


# --- comment rounds ---------------------------------------------------------------------------


@dataclass
class BoardRow:
    request: CommentRequest
    status: str  # waiting, draft, sent, no_comments
    comments: int
    handled: int
    delivery: Delivery | None = None  # what the outbox did with the request


def round_board(round: CommentRound) -> list[BoardRow]:
    rows = []
    requests = list(round.requests.select_related("organisation").prefetch_related("comments"))
    delivered = of_requests(round, requests)
    for request in requests:
        comments = list(request.comments.all())
        if request.submitted_at:
            status = "no_comments" if not comments else "sent"
        else:
            status = "draft" if comments else "waiting"
        handled = sum(1 for c in comments if c.response)
        rows.append(
            BoardRow(
                request,
                status,
                len(comments) if request.submitted_at else 0,
                handled if request.submitted_at else 0,
                delivered.get(request.organisation_id),
            )
        )
    return rows


@dataclass
class SummaryGroup:
    section: Section | None
    comments: list[Comment]


def comment_summary(round: CommentRound) -> list[SummaryGroup]:
    """Submitted comments by section (general comments first), with their handling."""
    comments = list(
        Comment.objects.filter(request__round=round, request__submitted_at__isnull=False)
        .select_related("request__organisation", "section")
        .order_by("section__position", "request__organisation__name", "id")
    )
    groups: dict[int | None, SummaryGroup] = {None: SummaryGroup(None, [])}
    for section in round.version.sections.all():
        groups[section.pk] = SummaryGroup(section, [])
    for comment in comments:
        groups.setdefault(comment.section_id, SummaryGroup(comment.section, [])).comments.append(
            comment
        )
    return [g for g in groups.values() if g.comments]


def response_counts(round: CommentRound) -> dict[str, int]:
    counts = dict.fromkeys(Response.values, 0)
    for value in Comment.objects.filter(
        request__round=round, request__submitted_at__isnull=False
    ).values_list("response", flat=True):
        counts[value] += 1
    return counts
