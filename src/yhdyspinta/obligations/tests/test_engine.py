"""The obligations engine on constructed cases: each rule met, at risk and not met, and
the edges of years and council terms."""

import re
from datetime import date, datetime, timedelta

import pytest

from yhdyspinta.accounts.visibility import INTERNAL
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.meetings.models import Attendance, Capacity, Meeting
from yhdyspinta.obligations.engine import AT_RISK, DUE, MET, NOT_MET, PENDING, evaluate
from yhdyspinta.testing.factories import (
    HELSINKI,
    BodyFactory,
    MeetingFactory,
    PersonFactory,
    RhythmRuleFactory,
)

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=HELSINKI)


def negotiation(
    world,
    day,
    *,
    status="minutes_approved",
    body=None,
    kind="negotiation",
    present=("county", "joensuu", "kitee", "council", "ngo", "business"),
    capacity=None,
):
    # Attendance is recorded while the meeting is held; approval comes after.
    meeting = MeetingFactory(
        body=body or world["group"],
        kind=kind,
        status="held",
        starts_at=at(day),
        ends_at=at(day) + timedelta(hours=3),
    )
    for key in present:
        organisation = world[key]
        for cap in (capacity or {}).get(key, [Capacity.EXPERT]):
            Attendance.objects.create(
                meeting=meeting,
                organisation=organisation,
                person=PersonFactory(organisation=organisation),
                capacity=cap,
            )
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    meeting.status = status
    return meeting


def result(report, code, subject=None):
    if code == "612_7":
        return report.area_results[0]
    for municipality, row in report.municipality_rows:
        if municipality.name == subject:
            return row[code]
    raise AssertionError(f"no {code} for {subject}")


# --- 612/2021 §7 -------------------------------------------------------------------


def test_612_7_met_by_a_negotiation_with_every_party_group(world):
    meeting = negotiation(world, date(2025, 10, 1))
    report = evaluate(area=world["area"], year=2025, today=date(2026, 2, 1))
    outcome = result(report, "612_7")
    assert outcome.status == MET
    assert [e.meeting for e in outcome.evidence] == [meeting]
    assert outcome.missing == ""


def test_612_7_not_met_without_a_business_and_says_so(world):
    negotiation(world, date(2025, 10, 1), present=("county", "joensuu", "council", "ngo"))
    outcome = result(evaluate(area=world["area"], year=2025, today=date(2026, 2, 1)), "612_7")
    assert outcome.status == NOT_MET
    assert "yksityinen yritys" in outcome.missing


def test_a_negotiation_of_a_body_that_has_since_ended_is_still_evidence(world):
    """The meetings are read by the ids of the area's bodies: those of a body that
    ended after the negotiation are the year's evidence too."""
    ended = BodyFactory(
        area=world["area"],
        convener=world["county"],
        legal_basis="612_6_7",
        name="Lakkautettu ryhmä",
    )
    meeting = negotiation(world, date(2025, 3, 1), body=ended)
    Body.objects.filter(pk=ended.pk).update(ended_on=date(2025, 6, 30))
    report = evaluate(area=world["area"], year=2025, today=date(2026, 2, 1))
    assert [e.meeting for e in result(report, "612_7").evidence] == [meeting]
    assert result(report, "612_7").status == MET
    assert all(body.pk != ended.pk for body, _results in report.body_rows)


def test_612_7_party_groups_may_come_from_several_negotiations(world):
    negotiation(world, date(2025, 3, 1), present=("county", "joensuu", "council"))
    negotiation(world, date(2025, 9, 1), present=("county", "kitee", "ngo", "business"))
    outcome = result(evaluate(area=world["area"], year=2025, today=date(2026, 2, 1)), "612_7")
    assert outcome.status == MET
    assert len(outcome.evidence) == 2


def test_612_7_at_risk_while_the_year_runs_and_a_negotiation_is_planned(world):
    negotiation(world, date(2025, 11, 20), status="invited", present=())
    report = evaluate(area=world["area"], year=2025, today=date(2025, 6, 1))
    assert result(report, "612_7").status == DUE  # months to go: nothing is late
    report = evaluate(area=world["area"], year=2025, today=date(2025, 10, 15))
    assert result(report, "612_7").status == AT_RISK
    # Once its day has passed, it waits for its record: not a breach, and it says so.
    report = evaluate(area=world["area"], year=2025, today=date(2026, 1, 1))
    outcome = result(report, "612_7")
    assert outcome.status == PENDING
    assert [a.step for a in outcome.awaiting] == ["kirjaa pidetyksi"]
    # Cancelled, nothing is left that could meet it: the year is over, it is not met.
    Meeting.objects.filter(kind="negotiation").update(status="cancelled")
    report = evaluate(area=world["area"], year=2025, today=date(2026, 1, 1))
    assert result(report, "612_7").status == NOT_MET


def test_612_7_is_due_mid_year_and_red_in_its_last_months_when_nothing_is_planned(world):
    outcome = result(evaluate(area=world["area"], year=2025, today=date(2025, 6, 1)), "612_7")
    assert outcome.status == DUE
    assert outcome.status_label == "Määräaika 31.12.2025"
    outcome = result(evaluate(area=world["area"], year=2025, today=date(2025, 10, 15)), "612_7")
    assert outcome.status == NOT_MET  # nothing planned can meet it any more
    assert "pöytäkirja" not in outcome.missing  # the wording is about minutes (muistio)
    assert "hyväksytty" in outcome.missing


def test_612_7_minutes_must_be_approved(world):
    """Drafted minutes are never green: the row waits for their approval, in the year
    and after it, and names the step."""
    negotiation(world, date(2025, 10, 1), status="minutes_drafted")
    for today in (date(2025, 12, 1), date(2026, 1, 5)):
        outcome = result(evaluate(area=world["area"], year=2025, today=today), "612_7")
        assert outcome.status == PENDING
        assert outcome.evidence == []
        assert [a.step for a in outcome.awaiting] == ["hyväksy muistio"]


def test_612_7_cancelled_negotiation_never_counts(world):
    negotiation(world, date(2025, 10, 1), status="cancelled")
    assert (
        result(evaluate(area=world["area"], year=2025, today=date(2025, 10, 2)), "612_7").status
        == NOT_MET
    )


def test_612_7_year_edges_follow_finnish_time(world):
    # 31.12. at 23:30 in Helsinki is still the old year; 1.1. at 00:30 the new one
    # (in UTC both fall on 31 December).
    late = negotiation(world, date(2024, 12, 31))
    late.starts_at = datetime(2024, 12, 31, 23, 30, tzinfo=HELSINKI)
    late.ends_at = late.starts_at + timedelta(minutes=20)
    late.save()
    early = negotiation(world, date(2025, 1, 1))
    early.starts_at = datetime(2025, 1, 1, 0, 30, tzinfo=HELSINKI)
    early.ends_at = early.starts_at + timedelta(hours=1)
    early.save()
    r2024 = result(evaluate(area=world["area"], year=2024, today=date(2025, 6, 1)), "612_7")
    r2025 = result(evaluate(area=world["area"], year=2025, today=date(2025, 6, 1)), "612_7")
    assert [e.meeting for e in r2024.evidence] == [late]
    assert [e.meeting for e in r2025.evidence] == [early]


def test_only_negotiations_of_a_612_body_count(world):
    negotiation(world, date(2025, 10, 1), kind="meeting")
    negotiation(world, date(2025, 10, 2), body=BodyFactory(area=world["area"], legal_basis="none"))
    outcome = result(evaluate(area=world["area"], year=2025, today=date(2026, 2, 1)), "612_7")
    assert outcome.status == NOT_MET


# --- 612/2021 §6 -------------------------------------------------------------------


def test_612_6_each_municipality_with_who_represented_it(world):
    meeting = negotiation(world, date(2025, 10, 1), present=("county", "joensuu"))
    report = evaluate(area=world["area"], year=2025, today=date(2026, 2, 1), audience=INTERNAL)
    joensuu = result(report, "612_6", "Joensuu")
    assert joensuu.status == MET
    assert joensuu.evidence[0].meeting == meeting
    representative = Attendance.objects.get(meeting=meeting, organisation=world["joensuu"]).person
    assert str(representative) in joensuu.evidence[0].note
    # The public reads the organisation and the capacity, never the person.
    public = result(
        evaluate(area=world["area"], year=2025, today=date(2026, 2, 1)), "612_6", "Joensuu"
    )
    assert public.status == MET
    assert str(representative) not in public.evidence[0].note
    assert public.evidence[0].note == "Joensuu (asiantuntija tai työntekijä)"
    kitee = result(report, "612_6", "Kitee")
    assert kitee.status == NOT_MET
    assert "Kitee" in kitee.missing


def test_612_6_at_risk_when_a_negotiation_of_its_body_is_planned(world):
    from yhdyspinta.bodies.models import Membership

    Membership.objects.create(
        body=world["group"],
        organisation=world["kitee"],
        person=PersonFactory(organisation=world["kitee"]),
        starts_on=date(2024, 1, 1),
    )
    negotiation(world, date(2025, 11, 5), status="planned", present=())
    report = evaluate(area=world["area"], year=2025, today=date(2025, 10, 1))
    assert result(report, "612_6", "Kitee").status == AT_RISK
    assert result(report, "612_6", "Joensuu").status == NOT_MET


# --- 611/2021 §14 ------------------------------------------------------------------

LEADERS = {
    "county": [Capacity.POLITICAL, Capacity.OFFICIAL],
    "joensuu": [Capacity.POLITICAL, Capacity.OFFICIAL],
    "kitee": [Capacity.OFFICIAL],
}


def test_611_14_met_with_political_and_official_leadership_of_both(world):
    meeting = negotiation(
        world,
        date(2025, 9, 15),
        body=world["strategic"],
        present=("county", "joensuu", "kitee"),
        capacity=LEADERS,
    )
    report = evaluate(area=world["area"], year=2025, today=date(2025, 12, 1))
    assert report.term == world["term"]
    joensuu = result(report, "611_14", "Joensuu")
    assert joensuu.status == MET
    assert joensuu.evidence[0].meeting == meeting
    # The public reads each organisation once, with the capacities it came in.
    note = joensuu.evidence[0].note
    found = re.fullmatch(r"Hyvinvointialue \((.+)\), Joensuu \((.+)\)", note)
    assert found, note
    leadership = {"poliittinen johto", "viranhaltijajohto"}
    assert [set(g.split(", ")) for g in found.groups()] == [leadership, leadership]
    kitee = result(report, "611_14", "Kitee")
    assert kitee.status == DUE  # the term is long: open, not a breach
    assert "poliittinen" in kitee.missing


def test_611_14_term_boundary(world):
    # The last day of the old term does not count for the new one.
    negotiation(
        world,
        date(2025, 5, 31),
        body=world["strategic"],
        present=("county", "joensuu"),
        capacity=LEADERS,
    )
    report = evaluate(area=world["area"], year=2025, today=date(2025, 12, 1))
    assert result(report, "611_14", "Joensuu").status == DUE
    old = evaluate(area=world["area"], year=2024, today=date(2025, 12, 1))
    assert old.term.starts_on == date(2022, 3, 1)
    assert result(old, "611_14", "Joensuu").status == MET


def test_611_14_is_open_for_years_and_at_risk_only_near_the_terms_end(world):
    # Two and a half years before the term ends, with nothing planned: open, not red.
    report = evaluate(area=world["area"], year=2026, today=date(2026, 11, 1))
    outcome = result(report, "611_14", "Joensuu")
    assert outcome.status == DUE
    assert outcome.status_label == f"Määräaika {report.term.ends_on:%-d.%-m.%Y}"
    negotiation(world, date(2029, 3, 1), body=world["strategic"], status="planned", present=())
    late = evaluate(area=world["area"], year=2028, today=date(2028, 10, 1))
    assert result(late, "611_14", "Joensuu").status == AT_RISK
    assert result(late, "611_14", "Kitee").status == AT_RISK  # a joint plan covers it


def test_611_14_per_municipality_option_counts_bilateral_negotiations(world):
    bilateral = negotiation(
        world,
        date(2025, 10, 1),
        body=world["strategic"],
        kind="bilateral",
        present=("county", "joensuu"),
        capacity=LEADERS,
    )
    bilateral.municipalities.set([world["joensuu"]])
    joint_mode = evaluate(area=world["area"], year=2025, today=date(2025, 12, 1))
    assert result(joint_mode, "611_14", "Joensuu").status == DUE
    world["area"].negotiation_611_mode = Area.Negotiation611Mode.PER_MUNICIPALITY
    world["area"].save()
    per_municipality = evaluate(area=world["area"], year=2025, today=date(2025, 12, 1))
    assert result(per_municipality, "611_14", "Joensuu").status == MET
    assert result(per_municipality, "611_14", "Kitee").status == DUE


# --- each body's rhythm ------------------------------------------------------------


def rhythm_of(report, body):
    return next(results for b, results in report.body_rows if b == body)


def test_rhythm_six_to_eight_a_year(world):
    network = BodyFactory(area=world["area"], convener=world["county"], name="Verkosto")
    RhythmRuleFactory(body=network, meeting_kind="any", min_count=6, max_count=8)
    for month in range(1, 6):
        MeetingFactory(
            body=network,
            status="minutes_approved",
            starts_at=at(date(2025, month, 10)),
            ends_at=at(date(2025, month, 10), 12),
        )
    planned = MeetingFactory(
        body=network,
        status="planned",
        starts_at=at(date(2025, 11, 10)),
        ends_at=at(date(2025, 11, 10), 12),
    )
    [mid_year] = rhythm_of(evaluate(area=world["area"], year=2025, today=date(2025, 6, 1)), network)
    assert mid_year.status == DUE
    [autumn] = rhythm_of(evaluate(area=world["area"], year=2025, today=date(2025, 10, 1)), network)
    assert autumn.status == AT_RISK
    assert "5" in mid_year.missing
    planned.status = "cancelled"
    planned.save()
    [after] = rhythm_of(evaluate(area=world["area"], year=2025, today=date(2026, 1, 2)), network)
    assert after.status == NOT_MET
    for month in range(6, 10):
        MeetingFactory(
            body=network,
            status="minutes_approved",
            starts_at=at(date(2025, month, 10)),
            ends_at=at(date(2025, month, 10), 12),
        )
    [many] = rhythm_of(evaluate(area=world["area"], year=2025, today=date(2026, 1, 2)), network)
    assert many.status == MET
    assert len(many.evidence) == 9
    assert "enemmän" in many.missing


def test_may_follow_up_must_be_in_may(world):
    RhythmRuleFactory(
        body=world["strategic"], meeting_kind="follow_up", min_count=1, max_count=1, month=5
    )
    MeetingFactory(
        body=world["strategic"],
        kind="follow_up",
        status="minutes_approved",
        starts_at=at(date(2025, 6, 2)),
        ends_at=at(date(2025, 6, 2), 12),
    )
    [june] = rhythm_of(
        evaluate(area=world["area"], year=2025, today=date(2026, 1, 2)), world["strategic"]
    )
    assert june.status == NOT_MET
    MeetingFactory(
        body=world["strategic"],
        kind="follow_up",
        status="minutes_approved",
        starts_at=at(date(2025, 5, 20)),
        ends_at=at(date(2025, 5, 20), 12),
    )
    [may] = rhythm_of(
        evaluate(area=world["area"], year=2025, today=date(2026, 1, 2)), world["strategic"]
    )
    assert may.status == MET


def test_regional_group_negotiation_and_meetings_are_counted_apart(world):
    RhythmRuleFactory(body=world["group"], meeting_kind="negotiation", min_count=1, max_count=1)
    RhythmRuleFactory(body=world["group"], meeting_kind="meeting", min_count=1, max_count=3)
    negotiation(world, date(2025, 10, 1))
    results = rhythm_of(
        evaluate(area=world["area"], year=2025, today=date(2026, 1, 2)), world["group"]
    )
    by_title = {r.title: r for r in results}
    negotiation_rule = by_title["1 × lakisääteinen neuvottelu vuodessa"]
    meeting_rule = by_title["1–3 × muu tapaaminen vuodessa"]
    assert negotiation_rule.status == MET
    assert meeting_rule.status == NOT_MET


def test_query_count_is_independent_of_meetings(world, django_assert_max_num_queries):
    for day in range(1, 28):
        negotiation(world, date(2025, 3, day))
    with django_assert_max_num_queries(12):
        evaluate(area=world["area"], year=2025, today=date(2026, 1, 2))


def test_ordinary_meetings_with_approved_minutes_cost_no_queries(
    world, django_assert_max_num_queries
):
    """A busy area holds hundreds of ordinary meetings a year with approved minutes and
    attendance; no statutory rule counts them, so who attended them is never read."""
    other = BodyFactory(area=world["area"], legal_basis="none", name="Hankeryhmä")
    for day in range(1, 28):
        negotiation(world, date(2025, 4, day), body=other, kind="meeting")
    with django_assert_max_num_queries(12):
        evaluate(area=world["area"], year=2025, today=date(2026, 1, 2))


def test_meetings_that_no_rule_counts_are_not_read(world):
    """A body without a rhythm, whose meetings are not of a statutory kind nor of the
    area's agreed bodies or venues: its meetings of the year are not read at all. Once
    it has a yearly rhythm, they are, and they are its evidence."""
    from yhdyspinta.obligations import engine

    other = BodyFactory(area=world["area"], legal_basis="none", name="Hankeryhmä")
    ordinary = [
        MeetingFactory(
            body=other,
            status="published",
            starts_at=at(date(2025, 4, d)),
            ends_at=at(date(2025, 4, d), 12),
        )
        for d in (1, 2, 3)
    ]
    held = negotiation(world, date(2025, 3, 1))
    ways = {rule.code: engine.Way() for rule in engine.STATUTORY_RULES}

    def read(yearly: set[int]) -> list[Meeting]:
        return engine._meetings(
            year=engine.Period(date(2025, 1, 1), date(2025, 12, 31)),
            window=engine.Period(date(2025, 1, 1), date(2025, 12, 31)),
            ways=ways,
            yearly_bodies=yearly,
            term_bodies=set(),
            bodies=list(Body.objects.filter(area=world["area"])),
        )

    assert read(set()) == [held]
    assert read({other.pk}) == [held, *ordinary]
    RhythmRuleFactory(body=other, meeting_kind="any", min_count=2)
    report = evaluate(area=world["area"], year=2025, today=date(2026, 1, 2))
    [rhythm] = rhythm_of(report, other)
    assert [e.meeting for e in rhythm.evidence] == ordinary
    assert rhythm.status == MET


def test_the_term_around_the_year_is_read_only_where_a_term_long_rule_counts(world):
    """The report of 2026 reads the council term 6/2025–5/2029: a body whose rhythm is
    over the term counts its meetings of 2027 and 2028, and a §14 negotiation of 2027
    counts for the term, while the ordinary meetings of a body with a yearly rhythm
    outside 2026 are not read at all (the year is what its rule counts)."""
    from yhdyspinta.obligations import engine

    termly = BodyFactory(area=world["area"], convener=world["county"], name="Valtuustokausi")
    RhythmRuleFactory(body=termly, meeting_kind="any", min_count=3, period="council_term")
    yearly = BodyFactory(area=world["area"], convener=world["county"], name="Vuosittain")
    RhythmRuleFactory(body=yearly, meeting_kind="any", min_count=1)
    for year in (2026, 2027, 2028):
        MeetingFactory(
            body=termly,
            status="minutes_approved",
            starts_at=at(date(year, 3, 3)),
            ends_at=at(date(year, 3, 3), 12),
        )
        MeetingFactory(
            body=yearly,
            status="minutes_approved",
            starts_at=at(date(year, 4, 4)),
            ends_at=at(date(year, 4, 4), 12),
        )
    negotiation(
        world,
        date(2027, 2, 2),
        body=world["strategic"],
        present=("county", "joensuu"),
        capacity=LEADERS,
    )
    today = date(2029, 6, 2)
    report = evaluate(area=world["area"], year=2026, today=today)
    [over_term] = rhythm_of(report, termly)
    assert over_term.status == MET
    assert len(over_term.evidence) == 3
    [in_year] = rhythm_of(report, yearly)
    assert len(in_year.evidence) == 1
    assert result(report, "611_14", "Joensuu").status == MET
    ways = {rule.code: engine.Way() for rule in engine.STATUTORY_RULES}
    read = engine._meetings(
        year=engine.Period(date(2026, 1, 1), date(2026, 12, 31)),
        window=engine.Period(date(2025, 6, 1), date(2029, 5, 31)),
        ways=ways,
        yearly_bodies={yearly.pk},
        term_bodies={termly.pk},
        bodies=list(Body.objects.filter(area=world["area"])),
    )
    assert {m.starts_at.year for m in read if m.body == yearly} == {2026}
    assert {m.starts_at.year for m in read if m.body == termly} == {2026, 2027, 2028}


# --- the area's own way (obligations.models.Practice) ------------------------------


def test_the_areas_bodies_and_every_meeting_counts_are_read(world):
    from yhdyspinta.obligations.models import Practice

    working_group = BodyFactory(area=world["area"], legal_basis="none", name="Työryhmä")
    negotiation(world, date(2025, 3, 1), body=working_group, kind="meeting")
    later = date(2026, 2, 1)
    # The law's default: an ordinary meeting of a body without the legal basis is nothing.
    assert result(evaluate(area=world["area"], year=2025, today=later), "612_7").status == NOT_MET
    practice = Practice.objects.create(area=world["area"], rule="612_7")
    practice.bodies.set([working_group])
    # Chosen, but only statutory negotiations count: still nothing.
    assert result(evaluate(area=world["area"], year=2025, today=later), "612_7").status == NOT_MET
    practice.every_meeting_counts = True
    practice.save()
    outcome = result(evaluate(area=world["area"], year=2025, today=later), "612_7")
    assert outcome.status == MET
    # And the law's default body no longer counts once the area chose its own.
    negotiation(world, date(2025, 5, 1))
    outcome = result(evaluate(area=world["area"], year=2025, today=later), "612_7")
    assert [e.meeting.body for e in outcome.evidence] == [working_group]


def test_a_party_group_may_take_part_in_the_areas_agreed_forum(world):
    from yhdyspinta.obligations.models import GroupVenue, Practice

    forum = BodyFactory(area=world["area"], legal_basis="none", name="Hyvinvointifoorumi")
    negotiation(world, date(2025, 6, 1), present=("county", "joensuu", "kitee", "council"))
    negotiation(world, date(2025, 9, 1), body=forum, kind="forum", present=("ngo", "business"))
    later = date(2026, 2, 1)
    outcome = result(evaluate(area=world["area"], year=2025, today=later), "612_7")
    assert outcome.status == NOT_MET  # the forum is not recorded as theirs
    practice = Practice.objects.create(area=world["area"], rule="612_7", basis="Sopimus 3.2")
    GroupVenue.objects.create(practice=practice, group="nonprofit", body=forum)
    outcome = result(evaluate(area=world["area"], year=2025, today=later), "612_7")
    assert outcome.status == NOT_MET
    assert "yksityinen yritys" in outcome.missing  # only the non-profits' venue is agreed
    GroupVenue.objects.create(practice=practice, group="business", body=forum)
    outcome = result(evaluate(area=world["area"], year=2025, today=later), "612_7")
    assert outcome.status == MET
    assert outcome.way == "Sopimus 3.2"
    assert "sovitussa foorumissa" in outcome.evidence[-1].note
    # The forum of another year does not count for this one.
    assert (
        result(evaluate(area=world["area"], year=2026, today=date(2027, 2, 1)), "612_7").status
        == NOT_MET
    )


def test_the_statutory_kinds_are_those_the_meetings_index_holds():
    """The engine reads a term's statutory meetings by the partial index
    meeting_statutory: PostgreSQL uses it only for the kinds its condition names."""
    from yhdyspinta.meetings.models import Meeting
    from yhdyspinta.obligations.engine import STATUTORY_RULES

    index = next(i for i in Meeting._meta.indexes if i.name == "meeting_statutory")
    ((_lookup, kinds),) = index.condition.children
    assert {kind for rule in STATUTORY_RULES for kind in rule.kinds} == set(kinds)


def test_every_report_of_a_year_reads_nothing_more_of_its_meetings_and_bodies(demo):
    """The engine reads only the columns of a meeting and a body that the judgements
    and their reports use (engine.MEETING_FIELDS, BODY_FIELDS): putting every result in
    words, for the area's users and for the public, reads no meeting or body again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yhdyspinta.accounts.visibility import PUBLIC
    from yhdyspinta.obligations.report import table_rows, tables_by_obligation

    for audience in (INTERNAL, PUBLIC):
        report = evaluate(area=demo["nk"], year=2026, audience=audience)
        results = [
            *report.area_results,
            *(r for _m, row in report.municipality_rows for r in row.values()),
            *(r for _b, rows in report.body_rows for r in rows),
        ]
        assert any(r.evidence for r in results)
        assert report.body_rows
        with CaptureQueriesContext(connection) as read:
            table_rows(results)
            tables_by_obligation(report.statutory(None))
            for result in results:
                assert result.detail_text is not None
                for evidence in result.evidence:
                    str(evidence.meeting)
                    evidence.meeting.life()
                    assert evidence.meeting.body.name
                for waiting in result.awaiting:
                    str(waiting.meeting)
            for body, _rows in report.body_rows:
                assert body.name
                assert body.pk
        again = [q["sql"] for q in read.captured_queries]
        assert not [sql for sql in again if '"meetings_meeting"' in sql or '"bodies_body"' in sql]
