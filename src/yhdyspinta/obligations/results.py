"""What the obligations engine says (engine.py judges): the statuses and their
labels, the statutory rules as data, and a result with its evidence, the meetings that
wait for a step, and the report of an area's year that holds them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdyspinta.accounts.visibility import PUBLIC, Audience
from yhdyspinta.areas.models import Area, CouncilTerm
from yhdyspinta.bodies.models import Body, LegalBasis
from yhdyspinta.meetings.models import (
    Life,
    Meeting,
    MeetingKind,
)
from yhdyspinta.parties.models import Organisation, OrganisationKind

from .models import EvidenceLevel, PartyGroup, Practice, Rule

K = OrganisationKind

MET, PENDING, DUE, AT_RISK, NOT_MET = "met", "pending", "due", "at_risk", "not_met"
STATUSES = (MET, PENDING, DUE, AT_RISK, NOT_MET)
STATUS_LABELS = {
    MET: gettext_lazy("Met"),
    PENDING: gettext_lazy("Awaiting records"),
    DUE: gettext_lazy("In progress"),
    AT_RISK: gettext_lazy("At risk"),
    NOT_MET: gettext_lazy("Not met"),
}
SYMBOLS = {MET: "✓", PENDING: "◐", DUE: "○", AT_RISK: "!", NOT_MET: "✗"}
STATUS_HELP = {
    MET: gettext_lazy("the evidence that the rule names is there (see what counts as evidence)."),
    PENDING: gettext_lazy(
        "the meetings that meet it have taken place, but their record is not complete: a "
        "meeting still to be marked held or minutes still to be approved; the row names each."
    ),
    DUE: gettext_lazy(
        "the period is still open and not yet in its last months (the last 3 months of a "
        "year, the last year of a council term); nothing is late."
    ),
    AT_RISK: gettext_lazy("the period ends soon; meetings that are planned can still meet it."),
    NOT_MET: gettext_lazy(
        "the period is over without evidence, or it ends soon and even every meeting held, "
        "awaiting its record and planned could not meet it."
    ),
}
# How long before a period ends it is watched: until then an unmet rule is only "due".
WARNING_DAYS = {"year": 92, "term": 365}


@dataclass(frozen=True)
class StatutoryRule:
    code: Rule
    law: str
    title: Promise
    period: str  # "year" or "term" (its warning window: WARNING_DAYS)
    scope: str  # "area" or "municipality"
    kinds: tuple[str, ...]  # meeting kinds that count
    legal_bases: tuple[str, ...]
    # For 612/2021 §7: party groups that must have taken part, by organisation kind.
    party_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    leadership: bool = False  # political and official leadership must be present


PARTY_GROUPS_612_7 = (
    (PartyGroup.COUNTY, (K.COUNTY,)),
    (PartyGroup.MUNICIPALITIES, (K.MUNICIPALITY,)),
    (
        PartyGroup.PUBLIC,
        (K.REGIONAL_COUNCIL, K.ELY, K.TE, K.AVI, K.KELA, K.POLICE, K.EDUCATION, K.RESCUE),
    ),
    (PartyGroup.BUSINESS, (K.BUSINESS,)),
    (PartyGroup.NONPROFIT, (K.NGO, K.PARISH)),
)
GROUP_LABELS = dict(PartyGroup.choices)

HYTE_BASES = (LegalBasis.HYTE_612_6_7, LegalBasis.BOTH)
TERM_BASES = (LegalBasis.COUNTY_611_14, LegalBasis.BOTH)

STATUTORY_RULES = (
    StatutoryRule(
        code=Rule.NEGOTIATION_612_7,
        law="612/2021 §7",
        title=gettext_lazy("The county negotiated on hyte with the municipalities and partners"),
        period="year",
        scope="area",
        kinds=(MeetingKind.NEGOTIATION,),
        legal_bases=HYTE_BASES,
        party_groups=PARTY_GROUPS_612_7,
    ),
    StatutoryRule(
        code=Rule.MUNICIPALITY_612_6,
        law="612/2021 §6",
        title=gettext_lazy("The municipality took part in the annual hyte negotiation"),
        period="year",
        scope="municipality",
        kinds=(MeetingKind.NEGOTIATION,),
        legal_bases=HYTE_BASES,
    ),
    StatutoryRule(
        code=Rule.TERM_611_14,
        law="611/2021 §14",
        title=gettext_lazy("County and municipality negotiated in this council term"),
        period="term",
        scope="municipality",
        kinds=(MeetingKind.NEGOTIATION, MeetingKind.BILATERAL),
        legal_bases=TERM_BASES,
        leadership=True,
    ),
)


RULES = {rule.code: rule for rule in STATUTORY_RULES}


class Says(StrEnum):
    """What an evidence row says of its meeting besides its day and title."""

    NOTHING = "nothing"
    GROUPS = "groups"  # 612/2021 §7: the party groups that took part
    GROUPS_IN_VENUE = "groups_in_venue"  # ... in the area's agreed venue of their own
    PEOPLE = "people"  # who represented the organisations, as the reader may see them


@dataclass
class Evidence:
    """A meeting that proves a rule, and what it shows: the engine records the facts,
    the note puts them in words for whoever reads (`audience`)."""

    meeting: Meeting
    says: Says = Says.NOTHING
    groups: tuple[str, ...] = ()
    organisation_ids: frozenset[int] = frozenset()
    audience: Audience = PUBLIC

    @property
    def note(self) -> str:
        if self.says == Says.GROUPS:
            return _("took part: %(groups)s") % {"groups": group_labels(self.groups)}
        if self.says == Says.GROUPS_IN_VENUE:
            return _("took part in the agreed forum: %(groups)s") % {
                "groups": group_labels(self.groups)
            }
        if self.says == Says.PEOPLE:
            return self.audience.attendees(
                sorted(
                    (
                        a
                        for a in self.meeting.attendances.all()
                        if a.organisation_id in self.organisation_ids
                    ),
                    # As a meeting's sheet is ordered: by organisation, then by person.
                    key=lambda a: (a.organisation.name, a.person.last_name, a.pk),
                )
            )
        return ""


def group_labels(keys: Iterable[str]) -> str:
    return ", ".join(str(GROUP_LABELS[k]) for k in keys) or "—"


class Why(StrEnum):
    """Why a rule is not met (yet), as data; `Shortfall` puts it in words."""

    NO_NEGOTIATION = "no_negotiation"
    GROUPS_ABSENT = "groups_absent"
    MUNICIPALITY_ABSENT = "municipality_absent"
    LEADERSHIP_ABSENT = "leadership_absent"
    NO_TERM_NEGOTIATION = "no_term_negotiation"
    TOO_MANY = "too_many"
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class Shortfall:
    """What keeps a rule from being met: the reason, and the facts it names."""

    why: Why
    evidence: str = EvidenceLevel.APPROVED  # what the rule counts (the area's way)
    groups: tuple[str, ...] = ()
    municipality: str = ""
    count: int = 0
    waiting: int = 0
    planned: int = 0
    limit: int = 0

    def __str__(self) -> str:
        approved = self.evidence == EvidenceLevel.APPROVED
        if self.why == Why.NO_NEGOTIATION:
            if approved:
                return _("No statutory negotiation with approved minutes in the year.")
            return _("No statutory negotiation recorded as held in the year.")
        if self.why == Why.GROUPS_ABSENT:
            return _("Nobody took part from: %(groups)s.") % {"groups": group_labels(self.groups)}
        if self.why == Why.MUNICIPALITY_ABSENT:
            text = (
                _(
                    "%(municipality)s has not taken part in a negotiation whose minutes are "
                    "approved."
                )
                if approved
                else _("%(municipality)s has not taken part in a negotiation recorded as held.")
            )
            return text % {"municipality": self.municipality}
        if self.why == Why.LEADERSHIP_ABSENT:
            return _(
                "A negotiation was held, but the political and official leadership of both the "
                "municipality and the county were not all present."
            )
        if self.why == Why.NO_TERM_NEGOTIATION:
            return _(
                "No negotiation with %(municipality)s with approved minutes in this council term."
            ) % {"municipality": self.municipality}
        if self.why == Why.TOO_MANY:
            return _("%(count)s held, more than the rhythm's %(max)s.") % {
                "count": self.count,
                "max": self.limit,
            }
        return _(
            "%(count)s with approved minutes, %(waiting)s awaiting their record and "
            "%(planned)s planned of the %(min)s required."
        ) % {
            "count": self.count,
            "waiting": self.waiting,
            "planned": self.planned,
            "min": self.limit,
        }


STEPS = {
    Life.AWAITING_RECORD: gettext_lazy("record it as held"),
    Life.HELD: gettext_lazy("approve the minutes"),
}


@dataclass
class Awaiting:
    """A meeting that has taken place and would count, and the step it waits for."""

    meeting: Meeting
    life: str  # Life.AWAITING_RECORD or Life.HELD

    @property
    def step(self) -> str:
        return str(STEPS[Life(self.life)])


@dataclass
class Result:
    code: str
    law: str
    title: str
    status: str
    evidence: list[Evidence] = field(default_factory=list)
    shortfall: Shortfall | None = None
    subject_object: Organisation | Body | None = None  # None: the whole area
    period_end: date | None = None
    way: str = ""  # the agreement section or decision the area's way rests on
    awaiting: list[Awaiting] = field(default_factory=list)

    @property
    def subject(self) -> str:
        """Whose obligation: a municipality, a body, or the whole area."""
        return self.subject_object.name if self.subject_object else _("Whole area")

    @property
    def missing(self) -> str:
        """What is missing, in words (empty when nothing is)."""
        return str(self.shortfall) if self.shortfall else ""

    @property
    def status_label(self) -> str:
        if self.status == DUE and self.period_end:
            return _("Due by %(date)s") % {"date": date_format(self.period_end, "j.n.Y")}
        return str(STATUS_LABELS[self.status])

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.status]

    @property
    def evidence_text(self) -> str:
        """The evidence in one line, as every report prints it: each meeting's day and
        title, with who took part."""
        lines = []
        for e in self.evidence:
            note = e.note  # put in words once: who took part, sorted
            day = date_format(timezone.localtime(e.meeting.starts_at), "j.n.Y")
            lines.append(f"{day} {e.meeting.title}" + (f" – {note}" if note else ""))
        return "; ".join(lines)

    @property
    def awaiting_text(self) -> str:
        """The meetings that wait for a step, in one line: each one's day, title and step."""
        return "; ".join(
            f"{date_format(timezone.localtime(a.meeting.starts_at), 'j.n.Y')} "
            f"{a.meeting.title}: {a.step}"
            for a in self.awaiting
        )

    @property
    def detail_text(self) -> str:
        """What a printed row says besides its status: the evidence, then what is
        missing and the meetings that wait for a step."""
        waiting = _("Waiting: %(meetings)s") % {"meetings": self.awaiting_text}
        parts = [self.evidence_text, self.missing, waiting if self.awaiting else ""]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Way:
    """How the area fulfils one rule (obligations.models.Practice), as the engine reads
    it: which bodies' meetings count, whether all of their meetings count, and for §7
    the bodies where each party group may take part instead."""

    body_ids: frozenset[int] = frozenset()
    every_meeting_counts: bool = False
    venues: dict[str, frozenset[int]] = field(default_factory=dict)
    described: str = ""
    evidence: str = EvidenceLevel.APPROVED

    @classmethod
    def of(cls, practice: Practice | None) -> Way:
        if practice is None:
            return cls()
        venues: dict[str, set[int]] = defaultdict(set)
        for venue in practice.venues.all():
            venues[venue.group].add(venue.body_id)
        return cls(
            body_ids=frozenset(b.pk for b in practice.bodies.all()),
            every_meeting_counts=practice.every_meeting_counts,
            venues={group: frozenset(ids) for group, ids in venues.items()},
            described=practice.agreed_in,
            evidence=practice.evidence,
        )


@dataclass
class Report:
    area: Area
    year: int
    term: CouncilTerm | None
    today: date
    area_results: list[Result]
    municipality_rows: list[tuple[Organisation, dict[Rule, Result]]]
    body_rows: list[tuple[Body, list[Result]]]
    ways: dict[Rule, Way] = field(default_factory=dict)

    def statutory(self, municipality: Organisation | None = None) -> list[Result]:
        """The law's obligations: the area's, then each municipality's (or one's)."""
        results = list(self.area_results)
        for subject, by_code in self.municipality_rows:
            if municipality is None or subject.pk == municipality.pk:
                results.extend(by_code.values())
        return results

    @property
    def all_results(self) -> list[Result]:
        results = self.statutory()
        for _body, body_results in self.body_rows:
            results.extend(body_results)
        return results

    def count(self, status: str) -> int:
        return sum(1 for r in self.all_results if r.status == status)

    @property
    def summary(self) -> str:
        """One sentence the page, the documents and the command all print."""
        return _(
            "Met %(met)s, awaiting records %(pending)s, open %(due)s, at risk %(risk)s, "
            "not met %(not_met)s."
        ) % {
            "met": self.count(MET),
            "pending": self.count(PENDING),
            "due": self.count(DUE),
            "risk": self.count(AT_RISK),
            "not_met": self.count(NOT_MET),
        }

    @staticmethod
    def legend() -> list[tuple[str, str, str, str]]:
        """(status, symbol, label, what it means) for every status, in words."""
        return [(s, SYMBOLS[s], str(STATUS_LABELS[s]), str(STATUS_HELP[s])) for s in STATUSES]

    def evidence_legend(self) -> list[tuple[str, str]]:
        """(rules, what counts as their evidence) from the definitions the engine judges
        by: each statutory rule's level (the law's default or the area's own way) and
        the bodies' rhythms."""
        rows = []
        for rule in STATUTORY_RULES:
            way = self.ways.get(rule.code, Way())
            text = str(EvidenceLevel(way.evidence).label)
            if way.evidence != EvidenceLevel.APPROVED:
                text = _("%(evidence)s (the area's own way)") % {"evidence": text}
            rows.append((rule.law, text))
        rows.append((_("Meeting rhythm of the bodies"), str(EvidenceLevel.APPROVED.label)))
        return rows

    @property
    def is_draft(self) -> bool:
        """A report of a year still open, or with records still missing, is a draft."""
        return self.today <= date(self.year, 12, 31) or self.count(PENDING) > 0

    @property
    def not_met(self) -> list[Result]:
        return [r for r in self.all_results if r.status == NOT_MET]

    @property
    def municipality_codes(self) -> list[StatutoryRule]:
        return [r for r in STATUTORY_RULES if r.scope == "municipality"]


# --- data -------------------------------------------------------------------------
