"""The obligations engine: for an area, a year and a council term, which statutory and
agreed obligations are met, by which meetings, and which are not.

The statutory rules are data (`STATUTORY_RULES`); each body's rhythm comes from its
`RhythmRule` rows. The engine reads each meeting's life (`meetings.models.Life`: planned,
awaiting its record, held, evidence, cancelled) and each rule's evidence (approved
minutes, unless the area's `Practice` says otherwise). A result is, with the meetings
that prove it, those that wait for a step, or a sentence saying what is missing:
- MET: the evidence the rule names is there;
- PENDING: the meetings that would meet it have taken place, but a record is missing
  (a meeting to mark held, minutes to approve); the row names each;
- DUE: the period is open and its warning window has not begun ("due by 31.12.");
- AT_RISK: within the warning window, planned meetings can still meet it;
- NOT_MET: the period is over without evidence, or it is in its warning window and
  even every meeting held, awaiting its record and planned could not meet it.
Red means a breach: never while what exists can still meet the rule in its period,
never green without the evidence the legend names (tests/test_meaning.py pins both)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from yhdyspinta.accounts.visibility import PUBLIC, Audience
from yhdyspinta.areas.models import Area, CouncilTerm
from yhdyspinta.bodies.models import Body, Membership, RhythmRule
from yhdyspinta.core.lookups import AnyOf
from yhdyspinta.meetings.models import (
    Attendance,
    Capacity,
    Life,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from yhdyspinta.meetings.selectors import local_midnight
from yhdyspinta.parties.models import Organisation

from .models import EvidenceLevel, Practice, Rule
from .results import (
    AT_RISK,
    DUE,
    GROUP_LABELS,
    HYTE_BASES,
    MET,
    NOT_MET,
    PARTY_GROUPS_612_7,
    PENDING,
    RULES,
    STATUS_HELP,
    STATUS_LABELS,
    STATUSES,
    STATUTORY_RULES,
    STEPS,
    SYMBOLS,
    TERM_BASES,
    WARNING_DAYS,
    Awaiting,
    Evidence,
    K,
    Report,
    Result,
    Says,
    Shortfall,
    StatutoryRule,
    Way,
    Why,
)


def term_for(area: Area, year: int, today: date) -> CouncilTerm | None:
    """The council term that the year's report speaks of: the one in force on the last
    day of the year (or today, within the current year)."""
    day = min(date(year, 12, 31), max(today, date(year, 1, 1)))
    terms = area.council_terms.filter(starts_on__lte=day, ends_on__gte=day)
    return terms.filter(kind=CouncilTerm.Kind.JOINT).first() or terms.first()


# Where else a meeting's participants are recorded than its attendance sheet: e.g. an
# open event (outreach's hyte forum) held as the meeting, whose participants register
# by party kind. Each source takes meeting ids and gives {meeting id: organisation
# kinds that took part}; an app above registers its own at start-up (apps.ready), so
# the engine reads it without importing it.
PARTICIPATION_SOURCES: list[Callable[[list[int]], dict[int, set[str]]]] = []


def _other_participation(meetings: list[Meeting]) -> dict[int, set[str]]:
    ids = [m.pk for m in meetings]
    kinds: dict[int, set[str]] = defaultdict(set)
    for source in PARTICIPATION_SOURCES:
        for meeting_id, found in source(ids).items():
            kinds[meeting_id] |= set(found)
    return kinds


# What the judgements and every report of them read of a body and of a meeting (a busy
# area's year is 170 bodies and 200 meetings: their other columns, two timestamps among
# them, were a third of reading them). A test puts every result of a year in words with
# these alone and finds no meeting or body read again.
BODY_FIELDS = ("pk", "area_id", "name", "level", "legal_basis", "ended_on")
MEETING_FIELDS = ("pk", "body_id", "kind", "title", "starts_at", "ends_at", "status", "convener_id")


def _meetings(
    *,
    year: Period,
    window: Period,
    ways: dict[Rule, Way],
    yearly_bodies: set[int],
    term_bodies: set[int],
    bodies: list[Body],
) -> list[Meeting]:
    """The area's meetings that a rule may count, and no others: over the window (the
    year and the council term around it) a statutory rule's kinds, the area's agreed
    bodies and venues and the bodies with a rhythm over the term (`term_bodies`); in the
    year, also the bodies with a yearly rhythm (`yearly_bodies`). A busy area has
    hundreds of meetings a year of bodies that no rule speaks of (working groups without
    a rhythm): they are not read. Who attended is read only for the meetings a statutory
    rule may count. `bodies` are all of the area's, ended ones too, already read; the
    meetings share them."""
    venues = set().union(*(ids for way in ways.values() for ids in way.venues.values()))
    agreed = set().union(*(way.body_ids for way in ways.values()))
    statutory_kinds = {kind for rule in STATUTORY_RULES for kind in rule.kinds}
    day = timedelta(days=1)
    in_year = Q(
        starts_at__gte=local_midnight(year.start), starts_at__lt=local_midnight(year.end + day)
    )
    in_window = Q(
        starts_at__gte=local_midnight(window.start),
        starts_at__lt=local_midnight(window.end + day),
    )
    by_pk = {b.pk: b for b in bodies}
    meetings = list(
        Meeting.objects.filter(
            # Three branches, each read by an index of its own (a busy area's window has
            # thousands of meetings of bodies no rule speaks of, which are not read): the
            # statutory kinds in any of the area's bodies (the partial index
            # meeting_statutory, whose kinds are these), the agreed bodies and venues and
            # those with a rhythm over the term, and in the year those with a yearly
            # rhythm. The bodies' ids, not a join on the area: with a join, PostgreSQL
            # reads every area's meetings of the window by date and drops the others';
            # as one array parameter each (AnyOf): a national area has 170 bodies.
            (
                in_window
                & Q(kind__in=sorted(statutory_kinds))
                & Q(AnyOf(F("body_id"), sorted(by_pk)))
            )
            | (in_window & Q(AnyOf(F("body_id"), sorted(venues | agreed | term_bodies))))
            | (in_year & Q(AnyOf(F("body_id"), sorted(yearly_bodies - term_bodies))))
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .only(*MEETING_FIELDS)
        .order_by("starts_at")
    )
    # Each body, convener and attending organisation once, shared by the meetings and
    # sheets that name it (a join would make a copy of each for every row; and with a
    # join to the organisations PostgreSQL hashes all of the installation's).
    for meeting in meetings:
        Meeting.body.field.set_cached_value(meeting, by_pk[meeting.body_id])
    candidates = [
        m
        for m in meetings
        if m.body_id in venues
        or any(_qualifies(m, rule, ways[rule.code]) for rule in STATUTORY_RULES)
    ]
    prefetch_related_objects(
        candidates,
        "municipalities",
        # Without the model's order (meeting first), which would join the meeting: the
        # sheet is put in order where it is written out (results.Evidence).
        Prefetch("attendances", queryset=Attendance.objects.select_related("person").order_by()),
    )
    organisations = Organisation.objects.in_bulk(
        (
            {m.convener_id for m in meetings}
            | {a.organisation_id for m in candidates for a in m.attendances.all()}
        )
        - {None}
    )
    for meeting in meetings:
        Meeting.convener.field.set_cached_value(meeting, organisations.get(meeting.convener_id))
    for meeting in candidates:
        for attendance in meeting.attendances.all():
            Attendance.organisation.field.set_cached_value(
                attendance, organisations.get(attendance.organisation_id)
            )
    return meetings


THE_LAW_ALONE = Way()  # no area practice: the rule as the law words it


def _qualifies(meeting: Meeting, rule: StatutoryRule, way: Way = THE_LAW_ALONE) -> bool:
    if way.body_ids:
        if meeting.body_id not in way.body_ids:
            return False
        return way.every_meeting_counts or meeting.kind in rule.kinds
    if meeting.kind not in rule.kinds:
        return False
    return meeting.kind == MeetingKind.BILATERAL or meeting.body.legal_basis in rule.legal_bases


@dataclass
class _Lives:
    """Meetings that a rule may count, by where they are in their life on a day."""

    evidence: list[Meeting] = field(default_factory=list)  # what the rule counts
    awaiting: list[Awaiting] = field(default_factory=list)  # taken place, a record missing
    planned: list[Meeting] = field(default_factory=list)  # ahead

    @classmethod
    def of(cls, meetings: Iterable[Meeting], today: date, level: str) -> _Lives:
        lives = cls()
        for meeting in meetings:
            life = meeting.life(today)
            if life == Life.EVIDENCE or (level == EvidenceLevel.HELD and life == Life.HELD):
                lives.evidence.append(meeting)
            elif life in STEPS:
                lives.awaiting.append(Awaiting(meeting, life))
            elif life == Life.PLANNED:
                lives.planned.append(meeting)
        return lives


def _status(
    met: bool, recordable: bool, possible: bool, end: date, today: date, period: str
) -> str:
    """See the module's docstring. `recordable`: what has taken place meets the rule
    once its records are done; `possible`: with what is planned too."""
    if met:
        return MET
    if recordable:
        return PENDING
    if today > end:
        return NOT_MET
    if (end - today).days > WARNING_DAYS[period]:
        return DUE
    return AT_RISK if possible else NOT_MET


def _recorded(meeting: Meeting) -> bool:
    """Whether the meeting's attendance is recorded: until it is, a meeting that has
    taken place may have had anyone present."""
    return bool(meeting.attendances.all())


# --- rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Judging:
    """What every judgement shares: the day it is made on and who reads it."""

    today: date
    audience: Audience = PUBLIC


def _judge_612_7(
    rule: StatutoryRule,
    *,
    meetings: list[Meeting],
    way: Way,
    ends: date,
    judging: Judging,
    others: dict[int, set[str]],
) -> Result:
    """§7: the area's negotiation of the year, in which every party group took part
    (in the negotiation, or in the agreed venue of its own: `way.venues`)."""
    all_groups = [key for key, _kinds in rule.party_groups]
    qualifying = [m for m in meetings if _qualifies(m, rule, way)]
    negotiations = {m.pk for m in qualifying}
    venue_ids = set().union(*way.venues.values()) if way.venues else set()
    venue_meetings = [m for m in meetings if m.body_id in venue_ids and m.pk not in negotiations]
    lives = _Lives.of(qualifying, judging.today, way.evidence)
    venue_lives = _Lives.of(venue_meetings, judging.today, way.evidence)

    def among(meeting: Meeting) -> list[tuple[str, tuple[str, ...]]]:
        """The party groups a meeting may show: every group in a negotiation, a group's
        own in an agreed venue."""
        if meeting.pk in negotiations:
            return list(rule.party_groups)
        return [(k, g) for k, g in rule.party_groups if meeting.body_id in way.venues.get(k, ())]

    def groups_present(meeting: Meeting) -> list[str]:
        kinds = {a.organisation.kind for a in meeting.attendances.all()}
        kinds |= others.get(meeting.pk, set())
        return [key for key, group in among(meeting) if kinds & set(group)]

    def groups_possible(meeting: Meeting) -> list[str]:
        """What a meeting not yet evidence may still show: its record, or any of its
        groups while nobody's presence is recorded."""
        if _recorded(meeting) or others.get(meeting.pk):
            return groups_present(meeting)
        return [key for key, _g in among(meeting)]

    found: set[str] = set()
    evidence = []
    for meeting in lives.evidence:
        groups = groups_present(meeting)
        found.update(groups)
        evidence.append(Evidence(meeting, Says.GROUPS, tuple(groups)))
    # The area's agreed venues: a group not met in the negotiations may have taken part
    # in a meeting of its own venue in the same year.
    for meeting in venue_lives.evidence:
        groups = groups_present(meeting)
        if groups:
            found.update(groups)
            evidence.append(Evidence(meeting, Says.GROUPS_IN_VENUE, tuple(groups)))
    missing_groups = tuple(k for k in all_groups if k not in found)
    met = bool(lives.evidence) and not missing_groups
    taken = [a for a in lives.awaiting + venue_lives.awaiting if groups_possible(a.meeting)]
    recordable_groups = found.union(*(groups_possible(a.meeting) for a in taken))
    recordable = bool(lives.evidence or lives.awaiting) and recordable_groups >= set(all_groups)
    ahead = lives.planned + venue_lives.planned
    possible = bool(lives.evidence or lives.awaiting or lives.planned) and recordable_groups.union(
        *(groups_possible(m) for m in ahead)
    ) >= set(all_groups)
    shortfall = None
    if not lives.evidence:
        shortfall = Shortfall(Why.NO_NEGOTIATION, evidence=way.evidence)
    elif missing_groups:
        shortfall = Shortfall(Why.GROUPS_ABSENT, groups=missing_groups)
    return Result(
        code=rule.code,
        law=rule.law,
        title=str(rule.title),
        status=_status(met, recordable, possible, ends, judging.today, rule.period),
        evidence=sorted(evidence, key=lambda e: e.meeting.starts_at),
        shortfall=shortfall,
        period_end=ends,
        way=way.described,
        awaiting=[] if met else sorted(taken, key=lambda a: a.meeting.starts_at),
    )


def _judge_612_6(
    rule: StatutoryRule,
    *,
    meetings: list[Meeting],
    way: Way,
    ends: date,
    judging: Judging,
    municipality: Organisation,
    seated_bodies: set[int],
) -> Result:
    """§6: the municipality took part in a negotiation of the year."""

    def present(meeting: Meeting) -> bool:
        return any(a.organisation_id == municipality.pk for a in meeting.attendances.all())

    def may_take_part(meeting: Meeting) -> bool:
        """Its record shows the municipality, or shows nobody yet and it has a seat."""
        if _recorded(meeting):
            return present(meeting)
        return meeting.body_id in seated_bodies

    qualifying = (m for m in meetings if _qualifies(m, rule, way))
    lives = _Lives.of(qualifying, judging.today, way.evidence)
    represented = frozenset({municipality.pk})
    evidence = [
        Evidence(m, Says.PEOPLE, organisation_ids=represented, audience=judging.audience)
        for m in lives.evidence
        if present(m)
    ]
    taken = [a for a in lives.awaiting if may_take_part(a.meeting)]
    planned = [m for m in lives.planned if m.body_id in seated_bodies or present(m)]
    met = bool(evidence)
    return Result(
        code=rule.code,
        law=rule.law,
        title=str(rule.title),
        status=_status(met, bool(taken), bool(taken or planned), ends, judging.today, rule.period),
        evidence=evidence,
        shortfall=None
        if met
        else Shortfall(
            Why.MUNICIPALITY_ABSENT, evidence=way.evidence, municipality=municipality.name
        ),
        subject_object=municipality,
        period_end=ends,
        way=way.described,
        awaiting=[] if met else taken,
    )


LEADERSHIP = {Capacity.POLITICAL, Capacity.OFFICIAL}


def _leadership(meeting: Meeting, organisation_ids: set[int]) -> set[str]:
    return {
        a.capacity
        for a in meeting.attendances.all()
        if a.organisation_id in organisation_ids and a.capacity in LEADERSHIP
    }


def _judge_611_14(
    rule: StatutoryRule,
    *,
    meetings: list[Meeting],
    way: Way,
    ends: date,
    judging: Judging,
    municipality: Organisation,
    county_ids: set[int],
    mode: str,
) -> Result:
    """§14: the county and the municipality negotiated in the council term (jointly, or
    one by one in `mode` PER_MUNICIPALITY), with both sides' political and official
    leadership present where the rule asks for it (`rule.leadership`)."""

    def applies(meeting: Meeting) -> bool:
        if not _qualifies(meeting, rule, way):
            return False
        if meeting.kind == MeetingKind.BILATERAL:
            # Option 1 (South Savo): a negotiation with this municipality.
            return mode == Area.Negotiation611Mode.PER_MUNICIPALITY and any(
                m.pk == municipality.pk for m in meeting.municipalities.all()
            )
        return True  # a joint negotiation covers every municipality that took part

    def present(meeting: Meeting) -> bool:
        return any(a.organisation_id == municipality.pk for a in meeting.attendances.all())

    def led(meeting: Meeting) -> bool:
        return not rule.leadership or (
            _leadership(meeting, {municipality.pk}) == LEADERSHIP
            and _leadership(meeting, county_ids) == LEADERSHIP
        )

    lives = _Lives.of((m for m in meetings if applies(m)), judging.today, way.evidence)
    represented = frozenset({municipality.pk} | county_ids)
    evidence, short = [], []
    for meeting in lives.evidence:
        if not present(meeting):
            continue
        if led(meeting):
            evidence.append(
                Evidence(
                    meeting, Says.PEOPLE, organisation_ids=represented, audience=judging.audience
                )
            )
        else:
            short.append(meeting)
    taken = [
        a
        for a in lives.awaiting
        if not _recorded(a.meeting) or (present(a.meeting) and led(a.meeting))
    ]
    met = bool(evidence)
    shortfall = None
    if short and not met:
        shortfall = Shortfall(Why.LEADERSHIP_ABSENT)
    elif not met:
        shortfall = Shortfall(Why.NO_TERM_NEGOTIATION, municipality=municipality.name)
    possible = bool(taken or lives.planned)
    return Result(
        code=rule.code,
        law=rule.law,
        title=str(rule.title),
        status=_status(met, bool(taken), possible, ends, judging.today, rule.period),
        evidence=evidence,
        shortfall=shortfall,
        subject_object=municipality,
        period_end=ends,
        way=way.described,
        awaiting=[] if met else taken,
    )


def _kind_matches(rule: RhythmRule, meeting: Meeting) -> bool:
    kind = rule.meeting_kind
    if kind == RhythmRule.MeetingKind.ANY:
        return True
    if kind == RhythmRule.MeetingKind.NEGOTIATION:
        return meeting.kind in MeetingKind.negotiations()
    if kind == RhythmRule.MeetingKind.FOLLOW_UP:
        return meeting.kind == MeetingKind.FOLLOW_UP
    return meeting.kind not in MeetingKind.negotiations()


def _judge_rhythm(
    rule: RhythmRule, *, body: Body, meetings: list[Meeting], period: Period, today: date
) -> Result:
    """A body's rhythm: its evidence is always meetings whose minutes are approved."""
    matching = []
    for m in meetings:
        if not _kind_matches(rule, m):
            continue
        day = timezone.localtime(m.starts_at).date()
        if period.start <= day <= period.end and rule.month in (None, day.month):
            matching.append(m)
    lives = _Lives.of(matching, today, EvidenceLevel.APPROVED)
    count, waiting, planned = len(lives.evidence), len(lives.awaiting), len(lives.planned)
    met = count >= rule.min_count
    recordable = count + waiting >= rule.min_count
    possible = count + waiting + planned >= rule.min_count
    length = "term" if rule.period == RhythmRule.Period.COUNCIL_TERM else "year"
    taken_place = count + waiting
    shortfall = None
    if rule.max_count is not None and taken_place > rule.max_count:
        shortfall = Shortfall(Why.TOO_MANY, count=taken_place, limit=rule.max_count)
    elif not met:
        shortfall = Shortfall(
            Why.TOO_FEW, count=count, waiting=waiting, planned=planned, limit=rule.min_count
        )
    return Result(
        code=f"rhythm-{rule.pk}",
        law="",
        title=rule.describe(),
        status=_status(met, recordable, possible, period.end, today, length),
        evidence=[Evidence(m) for m in lives.evidence],
        shortfall=shortfall,
        subject_object=body,
        period_end=period.end,
        awaiting=[] if met else lives.awaiting,
    )


# --- reading, then judging ---------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def holds(self, meeting: Meeting) -> bool:
        return self.start <= timezone.localtime(meeting.starts_at).date() <= self.end


@dataclass
class Loaded:
    """Everything the judgements read of an area's year, read before any is made."""

    area: Area
    year: Period
    term: CouncilTerm | None
    ways: dict[Rule, Way]
    bodies: list[Body]  # the area's current bodies
    rules: dict[int, list[RhythmRule]]  # their rhythm rules, by body
    meetings: list[Meeting]  # those a rule may count (_meetings)
    others: dict[int, set[str]]  # participation recorded elsewhere, by meeting
    municipalities: list[Organisation]
    county_ids: set[int]
    seats: dict[int, set[int]]  # a municipality's bodies (a seat in the year)

    @property
    def term_period(self) -> Period | None:
        return Period(self.term.starts_on, self.term.ends_on) if self.term else None


def load(*, area: Area, year: int, term: CouncilTerm | None) -> Loaded:
    """Read what the year's judgements need, in a fixed number of queries."""
    year_period = Period(date(year, 1, 1), date(year, 12, 31))
    window = (
        Period(min(year_period.start, term.starts_on), max(year_period.end, term.ends_on))
        if term
        else year_period
    )
    practices = {
        p.rule: p
        for p in Practice.objects.filter(area=area)
        .select_related("section__version__agreement")
        .prefetch_related("bodies", "venues")
    }
    ways = {rule.code: Way.of(practices.get(rule.code)) for rule in STATUTORY_RULES}
    every_body = list(Body.objects.filter(area=area).only(*BODY_FIELDS).order_by("level", "name"))
    bodies = [body for body in every_body if body.ended_on is None]
    # The rules as one list, not a prefetch: a prefetch makes a queryset for each of a
    # busy area's 170 bodies (10 ms), most of which have no rule.
    rules: dict[int, list[RhythmRule]] = defaultdict(list)
    for rule in RhythmRule.objects.filter(
        AnyOf(F("body_id"), [body.pk for body in bodies])
    ).order_by("body_id", "period", "meeting_kind", "pk"):
        rules[rule.body_id].append(rule)
    yearly_bodies, term_bodies = set(), set()
    for body_id, body_rules in rules.items():
        for rule in body_rules:
            if rule.period == RhythmRule.Period.COUNCIL_TERM:
                term_bodies.add(body_id)
            else:
                yearly_bodies.add(body_id)
    meetings = _meetings(
        year=year_period,
        window=window,
        ways=ways,
        yearly_bodies=yearly_bodies,
        term_bodies=term_bodies,
        bodies=every_body,
    )
    municipalities = list(
        Organisation.objects.filter(area=area, kind=K.MUNICIPALITY, ended_on__isnull=True).order_by(
            "name"
        )
    )
    # By the municipalities' ids: by the area's bodies PostgreSQL reads every seat of
    # them (a busy area's 4 000) for the hundred that are municipalities'.
    seats: dict[int, set[int]] = defaultdict(set)
    for organisation_id, body_id in (
        Membership.objects.filter(
            AnyOf(F("organisation_id"), [m.pk for m in municipalities]), body__area=area
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=year_period.start))
        .order_by()  # a set: the seats' own order would join the area and the person
        .values_list("organisation_id", "body_id")
    ):
        seats[organisation_id].add(body_id)
    return Loaded(
        area=area,
        year=year_period,
        term=term,
        ways=ways,
        bodies=bodies,
        rules=rules,
        meetings=meetings,
        others=_other_participation([m for m in meetings if year_period.holds(m)]),
        municipalities=municipalities,
        county_ids=set(
            Organisation.objects.filter(area=area, kind=K.COUNTY).values_list("pk", flat=True)
        ),
        seats=seats,
    )


def judge(loaded: Loaded, judging: Judging) -> Report:
    """The year's report from what was read: no query but the prefetched rows."""
    in_year = [m for m in loaded.meetings if loaded.year.holds(m)]
    term = loaded.term_period
    in_term = [m for m in loaded.meetings if term.holds(m)] if term else []
    ways = loaded.ways
    area_results = [
        _judge_612_7(
            RULES[Rule.NEGOTIATION_612_7],
            meetings=in_year,
            way=ways[Rule.NEGOTIATION_612_7],
            ends=loaded.year.end,
            judging=judging,
            others=loaded.others,
        )
    ]
    # The meetings each municipality rule may count, sorted out once for every
    # municipality (each rule's judgement asks again of these few).
    may_count = {
        code: [m for m in meetings if _qualifies(m, RULES[code], ways[code])]
        for code, meetings in (
            (Rule.MUNICIPALITY_612_6, in_year),
            (Rule.TERM_611_14, in_term),
        )
    }
    municipality_rows = []
    for municipality in loaded.municipalities:
        row = {
            Rule.MUNICIPALITY_612_6: _judge_612_6(
                RULES[Rule.MUNICIPALITY_612_6],
                meetings=may_count[Rule.MUNICIPALITY_612_6],
                way=ways[Rule.MUNICIPALITY_612_6],
                ends=loaded.year.end,
                judging=judging,
                municipality=municipality,
                seated_bodies=loaded.seats[municipality.pk],
            )
        }
        if term:
            row[Rule.TERM_611_14] = _judge_611_14(
                RULES[Rule.TERM_611_14],
                meetings=may_count[Rule.TERM_611_14],
                way=ways[Rule.TERM_611_14],
                ends=term.end,
                judging=judging,
                municipality=municipality,
                county_ids=loaded.county_ids,
                mode=loaded.area.negotiation_611_mode,
            )
        municipality_rows.append((municipality, row))
    by_body = defaultdict(list)
    for meeting in loaded.meetings:
        by_body[meeting.body_id].append(meeting)
    body_rows = []
    for body in loaded.bodies:
        results = []
        for rule in loaded.rules.get(body.pk, []):
            period = term if rule.period == RhythmRule.Period.COUNCIL_TERM else loaded.year
            if period is None:
                continue
            results.append(
                _judge_rhythm(
                    rule, body=body, meetings=by_body[body.pk], period=period, today=judging.today
                )
            )
        if results:
            body_rows.append((body, results))
    return Report(
        area=loaded.area,
        year=loaded.year.start.year,
        term=loaded.term,
        today=judging.today,
        area_results=area_results,
        municipality_rows=municipality_rows,
        body_rows=body_rows,
        ways=ways,
    )


def evaluate(
    *,
    area: Area,
    year: int,
    term: CouncilTerm | None = None,
    today: date | None = None,
    audience: Audience = PUBLIC,
) -> Report:
    """The obligations of the area's year (and the council term around it) on `today`,
    as `audience` may read them."""
    today = today or timezone.localdate()
    term = term or term_for(area, year, today)
    return judge(load(area=area, year=year, term=term), Judging(today=today, audience=audience))


# What the engine says lives in results.py; the engine is where it is read from.
__all__ = [
    "AT_RISK",
    "DUE",
    "GROUP_LABELS",
    "HYTE_BASES",
    "MET",
    "NOT_MET",
    "PARTICIPATION_SOURCES",
    "PARTY_GROUPS_612_7",
    "PENDING",
    "STATUSES",
    "STATUS_HELP",
    "STATUS_LABELS",
    "STATUTORY_RULES",
    "STEPS",
    "SYMBOLS",
    "TERM_BASES",
    "WARNING_DAYS",
    "Awaiting",
    "Evidence",
    "Judging",
    "K",
    "Loaded",
    "Report",
    "Result",
    "StatutoryRule",
    "Way",
    "evaluate",
    "judge",
    "load",
    "term_for",
]
