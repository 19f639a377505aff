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
from django.utils.translation import gettext as _

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

from .models import EvidenceLevel, Practice
from .results import (
    AT_RISK,
    DUE,
    GROUP_LABELS,
    HYTE_BASES,
    MET,
    NOT_MET,
    PARTY_GROUPS_612_7,
    PENDING,
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
    StatutoryRule,
    Way,
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


def _meetings(
    year: tuple[date, date],
    window: tuple[date, date],
    ways: dict[str, Way],
    rhythm_bodies: tuple[set[int], set[int]],
    bodies: list[Body],
) -> list[Meeting]:
    """The area's meetings that a rule may count, and no others: over the window (the
    year and the council term around it) a statutory rule's kinds, the area's agreed
    bodies and venues and the bodies with a rhythm over the term; in the year, also the
    bodies with a yearly rhythm. A busy area has hundreds of meetings a year of bodies
    that no rule speaks of (working groups without a rhythm): they are not read. Who
    attended is read only for the meetings a statutory rule may count. `rhythm_bodies`
    are the ids of the bodies with a yearly and with a term-long rhythm; `bodies` are
    all of the area's, ended ones too, already read; the meetings share them."""
    yearly_bodies, term_bodies = rhythm_bodies
    venues = set().union(*(ids for way in ways.values() for ids in way.venues.values()))
    agreed = set().union(*(way.body_ids for way in ways.values()))
    statutory_kinds = {kind for rule in STATUTORY_RULES for kind in rule.kinds}
    day = timedelta(days=1)
    in_year = Q(starts_at__gte=local_midnight(year[0]), starts_at__lt=local_midnight(year[1] + day))
    counted_over_term = Q(kind__in=statutory_kinds) | Q(
        AnyOf(F("body_id"), sorted(venues | agreed | term_bodies))
    )
    counted_in_year = in_year & Q(AnyOf(F("body_id"), sorted(yearly_bodies - term_bodies)))
    by_pk = {b.pk: b for b in bodies}
    meetings = list(
        Meeting.objects.filter(
            # The ids, not a join on the area: with a join, PostgreSQL reads every area's
            # meetings of the window by date and drops the other areas' (a national
            # installation: twenty times the rows); with the ids it reads this area's by
            # the (body, starts_at) index. As one array parameter (AnyOf): a national
            # area has over a hundred bodies.
            AnyOf(F("body_id"), sorted(by_pk)),
            starts_at__gte=local_midnight(window[0]),
            starts_at__lt=local_midnight(window[1] + day),
        )
        .filter(counted_over_term | counted_in_year)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )
    # Each body and convener once, shared by its meetings (a join would make a copy of
    # the body and of the convener for every one of hundreds of meetings).
    conveners = Organisation.objects.in_bulk({m.convener_id for m in meetings} - {None})
    for meeting in meetings:
        Meeting.body.field.set_cached_value(meeting, by_pk[meeting.body_id])
        Meeting.convener.field.set_cached_value(meeting, conveners.get(meeting.convener_id))
    candidates = [
        m
        for m in meetings
        if m.body_id in venues
        or any(_qualifies(m, rule, ways[rule.code]) for rule in STATUTORY_RULES)
    ]
    prefetch_related_objects(
        candidates,
        "municipalities",
        Prefetch(
            "attendances",
            # Each meeting's sheet in its own order, without the join to the meeting that
            # the model's order (meeting first) would add.
            queryset=Attendance.objects.select_related("organisation", "person").order_by(
                "organisation__name", "person__last_name", "pk"
            ),
        ),
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


def _people(meeting: Meeting, organisation_ids: set[int], audience: Audience) -> str:
    """Who represented the organisations: people for the area's users, organisations
    and capacities for the public."""
    return audience.attendees(
        a for a in meeting.attendances.all() if a.organisation_id in organisation_ids
    )


# --- rules --------------------------------------------------------------------------


def _evaluate_612_7(
    rule: StatutoryRule,
    meetings: list[Meeting],
    year_end: date,
    today: date,
    way: Way,
    others: dict[int, set[str]] | None = None,
) -> Result:
    others = others or {}
    all_groups = [key for key, _kinds in rule.party_groups]
    qualifying = [m for m in meetings if _qualifies(m, rule, way)]
    negotiations = {m.pk for m in qualifying}
    venue_ids = set().union(*way.venues.values()) if way.venues else set()
    venue_meetings = [m for m in meetings if m.body_id in venue_ids and m.pk not in negotiations]
    lives = _Lives.of(qualifying, today, way.evidence)
    venue_lives = _Lives.of(venue_meetings, today, way.evidence)

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

    def labels(keys: Iterable[str]) -> str:
        return ", ".join(str(GROUP_LABELS[k]) for k in keys) or "—"

    found: set[str] = set()
    evidence = []
    for meeting in lives.evidence:
        groups = groups_present(meeting)
        found.update(groups)
        evidence.append(Evidence(meeting, _("took part: %(groups)s") % {"groups": labels(groups)}))
    # The area's agreed venues: a group not met in the negotiations may have taken part
    # in a meeting of its own venue in the same year.
    for meeting in venue_lives.evidence:
        groups = groups_present(meeting)
        if groups:
            found.update(groups)
            evidence.append(
                Evidence(
                    meeting,
                    _("took part in the agreed forum: %(groups)s") % {"groups": labels(groups)},
                )
            )
    missing_groups = [k for k in all_groups if k not in found]
    met = bool(lives.evidence) and not missing_groups
    taken = [a for a in lives.awaiting + venue_lives.awaiting if groups_possible(a.meeting)]
    recordable_groups = found.union(*(groups_possible(a.meeting) for a in taken))
    recordable = bool(lives.evidence or lives.awaiting) and recordable_groups >= set(all_groups)
    ahead = lives.planned + venue_lives.planned
    possible = bool(lives.evidence or lives.awaiting or lives.planned) and recordable_groups.union(
        *(groups_possible(m) for m in ahead)
    ) >= set(all_groups)
    if not lives.evidence:
        missing = (
            _("No statutory negotiation with approved minutes in the year.")
            if way.evidence == EvidenceLevel.APPROVED
            else _("No statutory negotiation recorded as held in the year.")
        )
    elif missing_groups:
        missing = _("Nobody took part from: %(groups)s.") % {
            "groups": ", ".join(str(GROUP_LABELS[k]) for k in missing_groups)
        }
    else:
        missing = ""
    status = _status(met, recordable, possible, year_end, today, rule.period)
    return Result(
        code=rule.code,
        law=rule.law,
        title=str(rule.title),
        subject=_("Whole area"),
        status=status,
        evidence=sorted(evidence, key=lambda e: e.meeting.starts_at),
        missing=missing,
        period_end=year_end,
        way=way.described,
        awaiting=[] if met else sorted(taken, key=lambda a: a.meeting.starts_at),
    )


def _evaluate_612_6(
    rule: StatutoryRule,
    meetings: list[Meeting],
    municipality: Organisation,
    seated_bodies: set[int],
    year_end: date,
    today: date,
    audience: Audience,
    way: Way,
) -> Result:
    def present(meeting: Meeting) -> bool:
        return any(a.organisation_id == municipality.pk for a in meeting.attendances.all())

    def may_take_part(meeting: Meeting) -> bool:
        """Its record shows the municipality, or shows nobody yet and it has a seat."""
        if _recorded(meeting):
            return present(meeting)
        return meeting.body_id in seated_bodies

    lives = _Lives.of((m for m in meetings if _qualifies(m, rule, way)), today, way.evidence)
    evidence = [
        Evidence(m, _people(m, {municipality.pk}, audience)) for m in lives.evidence if present(m)
    ]
    taken = [a for a in lives.awaiting if may_take_part(a.meeting)]
    planned = [m for m in lives.planned if m.body_id in seated_bodies or present(m)]
    if evidence:
        missing = ""
    elif way.evidence == EvidenceLevel.APPROVED:
        missing = _(
            "%(municipality)s has not taken part in a negotiation whose minutes are approved."
        ) % {"municipality": municipality.name}
    else:
        missing = _("%(municipality)s has not taken part in a negotiation recorded as held.") % {
            "municipality": municipality.name
        }
    met = bool(evidence)
    return Result(
        code=rule.code,
        law=rule.law,
        title=str(rule.title),
        subject=municipality.name,
        status=_status(met, bool(taken), bool(taken or planned), year_end, today, rule.period),
        evidence=evidence,
        missing=missing,
        subject_object=municipality,
        period_end=year_end,
        way=way.described,
        awaiting=[] if met else taken,
    )


def _leadership(meeting: Meeting, organisation_ids: set[int]) -> set[str]:
    return {
        a.capacity
        for a in meeting.attendances.all()
        if a.organisation_id in organisation_ids
        and a.capacity in (Capacity.POLITICAL, Capacity.OFFICIAL)
    }


def _evaluate_611_14(
    rule: StatutoryRule,
    meetings: list[Meeting],
    municipality: Organisation,
    county_ids: set[int],
    mode: str,
    term_end: date,
    today: date,
    audience: Audience,
    way: Way,
) -> Result:
    def applies(meeting: Meeting) -> bool:
        if not _qualifies(meeting, rule, way):
            return False
        if meeting.kind == MeetingKind.BILATERAL:
            # Option 1 (South Savo): a negotiation with this municipality.
            return mode == Area.Negotiation611Mode.PER_MUNICIPALITY and any(
                m.pk == municipality.pk for m in meeting.municipalities.all()
            )
        return True  # a joint negotiation covers every municipality that took part

    both = {Capacity.POLITICAL, Capacity.OFFICIAL}

    def present(meeting: Meeting) -> bool:
        return any(a.organisation_id == municipality.pk for a in meeting.attendances.all())

    def led(meeting: Meeting) -> bool:
        return (
            _leadership(meeting, {municipality.pk}) == both
            and _leadership(meeting, county_ids) == both
        )

    lives = _Lives.of((m for m in meetings if applies(m)), today, way.evidence)
    evidence, short = [], []
    for meeting in lives.evidence:
        if not present(meeting):
            continue
        if led(meeting):
            evidence.append(
                Evidence(meeting, _people(meeting, {municipality.pk} | county_ids, audience))
            )
        else:
            short.append(meeting)
    taken = [
        a
        for a in lives.awaiting
        if not _recorded(a.meeting) or (present(a.meeting) and led(a.meeting))
    ]
    if evidence:
        missing = ""
    elif short:
        missing = _(
            "A negotiation was held, but the political and official leadership of both the "
            "municipality and the county were not all present."
        )
    else:
        missing = _(
            "No negotiation with %(municipality)s with approved minutes in this council term."
        ) % {"municipality": municipality.name}
    met = bool(evidence)
    possible = bool(taken or lives.planned)
    return Result(
        code=rule.code,
        law=rule.law,
        title=str(rule.title),
        subject=municipality.name,
        status=_status(met, bool(taken), possible, term_end, today, rule.period),
        evidence=evidence,
        missing=missing,
        subject_object=municipality,
        period_end=term_end,
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


def _evaluate_rhythm(
    rule: RhythmRule, body_meetings: list[Meeting], start: date, end: date, today: date
) -> Result:
    """A body's rhythm: its evidence is always meetings whose minutes are approved."""
    matching = [
        m
        for m in body_meetings
        if _kind_matches(rule, m)
        and start <= timezone.localtime(m.starts_at).date() <= end
        and (rule.month is None or timezone.localtime(m.starts_at).month == rule.month)
    ]
    lives = _Lives.of(matching, today, EvidenceLevel.APPROVED)
    count, waiting, planned = len(lives.evidence), len(lives.awaiting), len(lives.planned)
    met = count >= rule.min_count
    recordable = count + waiting >= rule.min_count
    possible = count + waiting + planned >= rule.min_count
    period = "term" if rule.period == RhythmRule.Period.COUNCIL_TERM else "year"
    status = _status(met, recordable, possible, end, today, period)
    taken_place = count + waiting
    if rule.max_count is not None and taken_place > rule.max_count:
        missing = _("%(count)s held, more than the rhythm's %(max)s.") % {
            "count": taken_place,
            "max": rule.max_count,
        }
    elif met:
        missing = ""
    else:
        missing = _(
            "%(count)s with approved minutes, %(waiting)s awaiting their record and "
            "%(planned)s planned of the %(min)s required."
        ) % {"count": count, "waiting": waiting, "planned": planned, "min": rule.min_count}
    return Result(
        code=f"rhythm-{rule.pk}",
        law="",
        title=rule.describe(),
        subject=rule.body.name,
        status=status,
        evidence=[Evidence(m) for m in lives.evidence],
        missing=missing,
        subject_object=rule.body,
        period_end=end,
        awaiting=[] if met else lives.awaiting,
    )


# --- the report -------------------------------------------------------------------


def evaluate(
    *,
    area: Area,
    year: int,
    term: CouncilTerm | None = None,
    today: date | None = None,
    audience: Audience = PUBLIC,
) -> Report:
    today = today or timezone.localdate()
    term = term or term_for(area, year, today)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    window_start = min(year_start, term.starts_on) if term else year_start
    window_end = max(year_end, term.ends_on) if term else year_end
    rules = {r.code: r for r in STATUTORY_RULES}
    practices = {
        p.rule: p
        for p in Practice.objects.filter(area=area)
        .select_related("section__version__agreement")
        .prefetch_related("bodies", "venues")
    }
    ways = {code: Way.of(practices.get(code)) for code in rules}
    every_body = list(
        Body.objects.filter(area=area).prefetch_related("rhythm_rules").order_by("level", "name")
    )
    bodies = [body for body in every_body if body.ended_on is None]
    yearly_bodies, term_bodies = set(), set()
    for body in bodies:
        for rule in body.rhythm_rules.all():
            if rule.period == RhythmRule.Period.COUNCIL_TERM:
                term_bodies.add(body.pk)
            else:
                yearly_bodies.add(body.pk)
    meetings = _meetings(
        (year_start, year_end),
        (window_start, window_end),
        ways,
        (yearly_bodies, term_bodies),
        every_body,
    )
    in_year = [
        m for m in meetings if year_start <= timezone.localtime(m.starts_at).date() <= year_end
    ]
    in_term = (
        [
            m
            for m in meetings
            if term.starts_on <= timezone.localtime(m.starts_at).date() <= term.ends_on
        ]
        if term
        else []
    )
    area_results = [
        _evaluate_612_7(
            rules["612_7"], in_year, year_end, today, ways["612_7"], _other_participation(in_year)
        )
    ]

    municipalities = list(
        Organisation.objects.filter(area=area, kind=K.MUNICIPALITY, ended_on__isnull=True).order_by(
            "name"
        )
    )
    county_ids = set(
        Organisation.objects.filter(area=area, kind=K.COUNTY).values_list("pk", flat=True)
    )
    seats = defaultdict(set)
    for organisation_id, body_id in (
        Membership.objects.filter(body__area=area, organisation__kind=K.MUNICIPALITY)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=year_start))
        .order_by()  # a set: the seats' own order would join the area and the person
        .values_list("organisation_id", "body_id")
    ):
        seats[organisation_id].add(body_id)
    municipality_rows = []
    for municipality in municipalities:
        row = {
            "612_6": _evaluate_612_6(
                rules["612_6"],
                in_year,
                municipality,
                seats[municipality.pk],
                year_end,
                today,
                audience,
                ways["612_6"],
            )
        }
        if term:
            row["611_14"] = _evaluate_611_14(
                rules["611_14"],
                in_term,
                municipality,
                county_ids,
                area.negotiation_611_mode,
                term.ends_on,
                today,
                audience,
                ways["611_14"],
            )
        municipality_rows.append((municipality, row))

    by_body = defaultdict(list)
    for meeting in meetings:
        by_body[meeting.body_id].append(meeting)
    body_rows = []
    for body in bodies:
        results = []
        for rule in body.rhythm_rules.all():
            rule.body = body
            if rule.period == RhythmRule.Period.COUNCIL_TERM:
                if not term:
                    continue
                start, end = term.starts_on, term.ends_on
            else:
                start, end = year_start, year_end
            results.append(_evaluate_rhythm(rule, by_body[body.pk], start, end, today))
        if results:
            body_rows.append((body, results))
    return Report(
        area=area,
        year=year,
        term=term,
        today=today,
        area_results=area_results,
        municipality_rows=municipality_rows,
        body_rows=body_rows,
        ways=ways,
    )


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
    "K",
    "Report",
    "Result",
    "StatutoryRule",
    "Way",
    "evaluate",
    "term_for",
]
