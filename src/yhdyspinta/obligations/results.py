"""What the obligations engine says (engine.py judges): the statuses and their
labels, the statutory rules as data, and a result with its evidence, the meetings that
wait for a step, and the report of an area's year that holds them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdyspinta.areas.models import Area, CouncilTerm
from yhdyspinta.bodies.models import Body, LegalBasis
from yhdyspinta.meetings.models import (
    Life,
    Meeting,
    MeetingKind,
)
from yhdyspinta.parties.models import Organisation, OrganisationKind

from .models import EvidenceLevel, PartyGroup, Practice

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
    code: str
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
        code="612_7",
        law="612/2021 §7",
        title=gettext_lazy("The county negotiated on hyte with the municipalities and partners"),
        period="year",
        scope="area",
        kinds=(MeetingKind.NEGOTIATION,),
        legal_bases=HYTE_BASES,
        party_groups=PARTY_GROUPS_612_7,
    ),
    StatutoryRule(
        code="612_6",
        law="612/2021 §6",
        title=gettext_lazy("The municipality took part in the annual hyte negotiation"),
        period="year",
        scope="municipality",
        kinds=(MeetingKind.NEGOTIATION,),
        legal_bases=HYTE_BASES,
    ),
    StatutoryRule(
        code="611_14",
        law="611/2021 §14",
        title=gettext_lazy("County and municipality negotiated in this council term"),
        period="term",
        scope="municipality",
        kinds=(MeetingKind.NEGOTIATION, MeetingKind.BILATERAL),
        legal_bases=TERM_BASES,
        leadership=True,
    ),
)


@dataclass
class Evidence:
    meeting: Meeting
    note: str = ""


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
    subject: str
    status: str
    evidence: list[Evidence] = field(default_factory=list)
    missing: str = ""
    subject_object: object = None
    period_end: date | None = None
    way: str = ""  # the agreement section or decision the area's way rests on
    awaiting: list[Awaiting] = field(default_factory=list)

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
        return "; ".join(
            f"{date_format(timezone.localtime(e.meeting.starts_at), 'j.n.Y')} {e.meeting.title}"
            + (f" – {e.note}" if e.note else "")
            for e in self.evidence
        )

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
    municipality_rows: list[tuple[Organisation, dict[str, Result]]]
    body_rows: list[tuple[Body, list[Result]]]
    ways: dict[str, Way] = field(default_factory=dict)

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
