"""Reads of the programme: the tree (as it is now, or as it was on a day), the yearly
progress by priority, organisation and municipality, and indicator series for charts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from yhdyspinta.consultations.models import Request
from yhdyspinta.consultations.selectors import Delivery, of_requests
from yhdyspinta.core.charts import LineChart, Series, line_chart
from yhdyspinta.parties.models import Organisation, OrganisationKind

from .models import (
    FollowUpRound,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureReport,
    MeasureStatus,
    Priority,
    Programme,
)

STATUSES = [s.value for s in MeasureStatus] + ["missing"]


@dataclass
class GoalNode:
    goal: object
    measures: list = field(default_factory=list)
    indicators: list = field(default_factory=list)


@dataclass
class PriorityNode:
    priority: object
    goals: list[GoalNode] = field(default_factory=list)


def programme_tree(
    programme: Programme, as_of: date | None = None, q: str = ""
) -> list[PriorityNode]:
    """Priorities → goals → measures and indicators; with `as_of`, the programme as it
    stood at the end of that day (from the audit trail); with `q`, only the measures whose
    name, lead or taking-part organisation matches (searched in the database), and only
    the goals that have one. The end of today is now: the programme as it stands, read
    from its own tables (the audit trail says the same, at three times the cost)."""
    if as_of is not None and as_of >= timezone.localdate():
        as_of = None
    if as_of is None:
        priorities = list(programme.priorities.all())
        goals = list(Goal.objects.filter(priority__programme=programme))
        found = Measure.objects.filter(goal__priority__programme=programme)
        if q:
            found = found.filter(
                Q(name__icontains=q)
                | Q(lead__name__icontains=q)
                | Q(participants__name__icontains=q)
            ).distinct()
            wanted = set(found.values_list("goal_id", flat=True))
            goals = [g for g in goals if g.pk in wanted]
        # The lead and those taking part, as the programme page and the reports name
        # them (the idea a measure came from is read by the measure's own page).
        measures = list(found.select_related("lead").prefetch_related("participants"))
        indicators = list(Indicator.objects.filter(goal__priority__programme=programme))
    else:
        moment = timezone.make_aware(datetime.combine(as_of, time.max))
        priorities = list(Priority.history.as_of(moment).filter(programme_id=programme.pk))
        goals = list(Goal.history.as_of(moment).filter(priority_id__in=[p.pk for p in priorities]))
        goal_ids = [g.pk for g in goals]
        measures = list(Measure.history.as_of(moment).filter(goal_id__in=goal_ids))
        indicators = list(Indicator.history.as_of(moment).filter(goal_id__in=goal_ids))
        leads = Organisation.objects.in_bulk({m.lead_id for m in measures if m.lead_id})
        for measure in measures:
            measure.lead_name = leads[measure.lead_id].name if measure.lead_id in leads else ""
    if q:
        with_goals = {g.priority_id for g in goals}
        priorities = [p for p in priorities if p.pk in with_goals]
    nodes = {p.pk: PriorityNode(p) for p in sorted(priorities, key=lambda p: p.order)}
    goal_nodes = {}
    for goal in sorted(goals, key=lambda g: g.order):
        goal_nodes[goal.pk] = GoalNode(goal)
        nodes[goal.priority_id].goals.append(goal_nodes[goal.pk])
    for measure in sorted(measures, key=lambda m: m.order):
        goal_nodes[measure.goal_id].measures.append(measure)
    for indicator in indicators:
        if indicator.goal_id in goal_nodes:  # a search leaves goals out
            goal_nodes[indicator.goal_id].indicators.append(indicator)
    return list(nodes.values())


# --- progress ---------------------------------------------------------------------------


@dataclass
class Progress:
    year: int
    deadline_passed: bool
    by_priority: list[tuple[object, Counter]]
    by_organisation: list[tuple[Organisation, Counter]]
    by_municipality: list[tuple[Organisation, Counter]]
    measure_status: dict[int, str]
    total: Counter


def _latest_reports(programme: Programme, year: int) -> dict[tuple[int, int | None], MeasureReport]:
    """Each measure's and organisation's latest report of the year."""
    latest: dict[tuple[int, int | None], MeasureReport] = {}
    for report in MeasureReport.objects.filter(
        measure__goal__priority__programme=programme, year=year
    ).order_by("version"):
        latest[(report.measure_id, report.organisation_id)] = report
    return latest


@dataclass(frozen=True)
class FollowUpRow:
    """One organisation on the follow-up's status board."""

    organisation: Organisation
    measures: int
    reported: int
    last_report: datetime | None
    request: Request | None  # the round's request to the organisation: sent, reminded
    delivery: Delivery | None = None  # what the outbox did with it

    @property
    def complete(self) -> bool:
        return self.reported >= self.measures


def follow_up_board(round: FollowUpRound) -> list[FollowUpRow]:
    """Who has reported how many of their measures for the year, and when last."""
    from_year = MeasureReport.objects.filter(
        measure__goal__priority__programme=round.programme, year=round.year
    ).values_list("measure_id", "organisation_id", "created_at")
    reported: dict[int, set[int]] = {}
    last: dict[int, datetime] = {}
    for measure_id, organisation_id, created_at in from_year:
        reported.setdefault(organisation_id, set()).add(measure_id)
        last[organisation_id] = max(last.get(organisation_id, created_at), created_at)
    measures = Measure.objects.filter(
        goal__priority__programme=round.programme,
        starts_year__lte=round.year,
        ends_year__gte=round.year,
    ).prefetch_related("participants")
    owed: dict[int, set[int]] = {}
    organisations: dict[int, Organisation] = {}
    for measure in measures.select_related("lead"):
        for organisation in [measure.lead, *measure.participants.all()]:
            if organisation is None:
                continue
            organisations[organisation.pk] = organisation
            owed.setdefault(organisation.pk, set()).add(measure.pk)
    requests = {r.organisation_id: r for r in Request.objects.filter(consultation=round.serial)}
    delivered = of_requests(round, requests.values())
    return [
        FollowUpRow(
            organisation=organisations[pk],
            measures=len(owed[pk]),
            reported=len(owed[pk] & reported.get(pk, set())),
            last_report=last.get(pk),
            request=requests.get(pk),
            delivery=delivered.get(pk),
        )
        for pk in sorted(owed, key=lambda pk: organisations[pk].name)
    ]


def progress(programme: Programme, year: int, today: date | None = None) -> Progress:
    today = today or timezone.localdate()
    round = FollowUpRound.objects.filter(programme=programme, year=year).first()
    deadline_passed = bool(round and today > round.deadline)
    measures = list(
        Measure.objects.filter(
            goal__priority__programme=programme, starts_year__lte=year, ends_year__gte=year
        )
        .select_related("goal__priority", "lead")
        .prefetch_related("participants")
    )
    latest = _latest_reports(programme, year)

    def status_of(measure: Measure, organisation_id: int | None) -> str:
        # An organisation's own report; for one taking part, else the lead's.
        report = latest.get((measure.pk, organisation_id)) or latest.get(
            (measure.pk, measure.lead_id)
        )
        if report:
            return report.status
        return "late" if deadline_passed else "missing"

    measure_status = {m.pk: status_of(m, m.lead_id) for m in measures}
    by_priority: dict[int, Counter] = defaultdict(Counter)
    priorities = {}
    for measure in measures:
        priorities[measure.goal.priority_id] = measure.goal.priority
        by_priority[measure.goal.priority_id][measure_status[measure.pk]] += 1
    by_organisation: dict[int, Counter] = defaultdict(Counter)
    organisations: dict[int, Organisation] = {}
    for measure in measures:
        for organisation in [measure.lead, *measure.participants.all()]:
            if organisation is None:  # a measure without a lead yet
                continue
            organisations[organisation.pk] = organisation
            by_organisation[organisation.pk][status_of(measure, organisation.pk)] += 1
    ordered = sorted(organisations.values(), key=lambda o: o.name)
    return Progress(
        year=year,
        deadline_passed=deadline_passed,
        by_priority=[
            (priorities[pk], by_priority[pk])
            for pk in sorted(priorities, key=lambda k: priorities[k].order)
        ],
        by_organisation=[(o, by_organisation[o.pk]) for o in ordered],
        by_municipality=[
            (o, by_organisation[o.pk]) for o in ordered if o.kind == OrganisationKind.MUNICIPALITY
        ],
        measure_status=measure_status,
        total=Counter(measure_status.values()),
    )


# --- indicator charts -------------------------------------------------------------------


@dataclass
class Chart:
    indicator: Indicator
    values: list[tuple[int, Decimal]]
    geometry: LineChart
    is_demo: bool = False


def indicator_charts(programme: Programme, organisation: Organisation | None = None) -> list[Chart]:
    """Each indicator's yearly values (the whole area, or one municipality) as a line
    against its target, over the programme period: an SVG, with the numbers for a table."""
    values = IndicatorValue.objects.filter(indicator__goal__priority__programme=programme)
    if organisation is not None:
        values = values.filter(level=IndicatorValue.Level.MUNICIPALITY, organisation=organisation)
    else:
        values = values.filter(level=IndicatorValue.Level.AREA)
    indicators = (
        Indicator.objects.filter(goal__priority__programme=programme)
        .prefetch_related(Prefetch("values", queryset=values.order_by("year"), to_attr="series"))
        .select_related("goal__priority")
        .order_by("goal__priority__order", "goal__order", "name")
    )
    charts = []
    for indicator in indicators:
        series = [(v.year, v.value) for v in indicator.series]
        if not series:
            continue
        target = indicator.target_value
        geometry = line_chart(
            [Series(indicator.name, [(year, float(value)) for year, value in series])],
            width=420,
            height=200,
            years=range(series[0][0], programme.ends_year + 1),
            target=None if target is None else float(target),
            dots=True,
        )
        if geometry is None:
            continue
        charts.append(
            Chart(
                indicator=indicator,
                values=series,
                geometry=geometry,
                is_demo=any(v.is_demo for v in indicator.series),
            )
        )
    return charts


def measure_year_rows(
    programme: Programme, year: int, organisation: Organisation | None = None
) -> tuple[list[PriorityNode], list[dict[str, Any]]]:
    """The programme as it stood at the end of the year (its tree) and the year's measures
    with their reported status and account: an organisation's own (it leads them or has
    reported on them), or each measure's lead's. One implementation for every report."""
    as_of = min(date(year, 12, 31), timezone.localdate())
    # A programme entered into the system after that year has no older record: then the
    # current structure is the best one there is.
    tree = programme_tree(programme, as_of=as_of) or programme_tree(programme)
    reports = _latest_reports(programme, year)
    statuses = dict(MeasureStatus.choices)
    rows = []
    for node in tree:
        for goal in node.goals:
            for measure in goal.measures:
                if not (measure.starts_year <= year <= measure.ends_year):
                    continue
                key_org = organisation.pk if organisation else measure.lead_id
                report = reports.get((measure.pk, key_org))
                if organisation and report is None and measure.lead_id != organisation.pk:
                    continue  # not this organisation's measure
                rows.append(
                    {
                        "priority": node.priority,
                        "goal": goal,
                        "measure": measure,
                        "status": str(statuses.get(report.status, ""))
                        if report
                        else gettext("not reported"),
                        "account": report.account if report else "",
                    }
                )
    return tree, rows
