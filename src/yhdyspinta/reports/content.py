"""The welfare report written from the data: the annual report (hyvinvointikertomus) and
the council term's welfare report and plan, for the area or one municipality. Each part
reads where the app keeps the facts: the followed indicators at every level and by gender
(indicators), the HYTE-kerroin (the cockpit), the programme's measures and their follow-up
(programme), the statutory cooperation (the obligations engine); the coordinator's own
text for each part is kept per year (ReportText). A part without data says why; no part
is left as a placeholder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from yhdyspinta.accounts.visibility import PUBLIC, Audience
from yhdyspinta.areas.models import Area, CouncilTerm
from yhdyspinta.indicators import cockpit, selectors, sets
from yhdyspinta.indicators.models import ATTRIBUTION, FollowedIndicator
from yhdyspinta.obligations.engine import PENDING, evaluate
from yhdyspinta.obligations.report import (
    SUBJECT_WIDTHS,
    legend_lines,
    subject_header,
    tables_by_obligation,
)
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme.models import Programme
from yhdyspinta.programme.selectors import measure_year_rows, programme_tree

from .models import ReportKind, ReportText, Section


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    # The columns' shares of the width; none: the document sizes them by their content.
    widths: tuple[int, ...] = ()

    @property
    def percentages(self) -> list[float]:
        total = sum(self.widths)
        return [round(100 * width / total, 1) for width in self.widths]


@dataclass
class Part:
    key: str
    heading: str
    text: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    records_missing: bool = False  # a row of it waits for a meeting's record


@dataclass
class Report:
    area: Area
    organisation: Organisation | None
    kind: str
    year: int
    years: list[int]
    title: str
    subject: str
    parts: list[Part]
    sources: list[str]
    day: date
    term: CouncilTerm | None = None
    texts_unapproved: int = 0

    @property
    def is_draft(self) -> bool:
        """Of a period still open, with meetings' records still missing, or with texts
        not approved as they stand."""
        ends = self.term.ends_on if self.term else date(self.years[-1], 12, 31)
        return (
            self.day <= ends
            or any(part.records_missing for part in self.parts)
            or self.texts_unapproved > 0
        )


def number(value: float | None, digits: int = 1) -> str:
    """A number in the active language ('11,5' in Finnish), a dash for no value."""
    if value is None:
        return "–"
    return formats.number_format(round(value, digits), decimal_pos=None, use_l10n=True)


def years_of(area: Area, kind: str, year: int) -> tuple[list[int], CouncilTerm | None]:
    """The years a report covers: its year, or the council term's years up to this one."""
    if kind != ReportKind.TERM:
        return [year], None
    term = CouncilTerm.objects.filter(area=area, starts_on__year=year).first()
    if term is None:
        return [year], None
    last = min(term.ends_on.year, timezone.localdate().year)
    return list(range(term.starts_on.year, max(last, term.starts_on.year) + 1)), term


def texts_awaiting_approval(
    area: Area, organisation: Organisation | None, kind: str, year: int
) -> int:
    """How many of the report's written texts are not approved as they stand."""
    return (
        ReportText.objects.filter(
            area=area, organisation=organisation, kind=kind, year=year, approved_at__isnull=True
        )
        .exclude(text="")
        .count()
    )


def texts(area: Area, organisation: Organisation | None, kind: str, year: int) -> dict[str, str]:
    return dict(
        ReportText.objects.filter(
            area=area, organisation=organisation, kind=kind, year=year
        ).values_list("section", "text")
    )


def build(
    area: Area,
    kind: str,
    year: int,
    organisation: Organisation | None = None,
    audience: Audience = PUBLIC,
) -> Report:
    years, term = years_of(area, kind, year)
    written = texts(area, organisation, kind, year)
    subject = organisation.name if organisation else area.name
    programme = (
        Programme.objects.filter(area=area, starts_year__lte=years[-1], ends_year__gte=years[0])
        .order_by("-starts_year")
        .first()
    )
    # The report is of its years: the figures as they were at their end.
    data = cockpit.cockpit(area, organisation, year=years[-1])
    report_sets = sets.report_sets(area)
    # THL's minimum lists the area follows, and their rows not bound to Sotkanet data.
    unbound: dict[str, list[FollowedIndicator]] = {}
    for item in FollowedIndicator.objects.filter(
        area=area, set_code__in=[s.code for s in report_sets]
    ).order_by("pk"):
        unbound.setdefault(item.set_code, [])
        if item.sotkanet_id is None:
            unbound[item.set_code].append(item)
    minimum = [s for s in report_sets if s.code in unbound]
    # Every followed indicator's row once, for the wellbeing part and the minimum lists.
    rows = selectors.level_table(area, organisation, until=years[-1])
    in_sets = {s.code for s in report_sets}
    parts = [
        _wellbeing(
            area, organisation, [row for row in rows if row.followed.set_code not in in_sets]
        ),
        _minimum(area, organisation, minimum, rows, unbound),
        _kerroin(data),
        _measures(programme, years, organisation),
        _cooperation(area, years[-1], term, organisation, audience),
    ]
    if kind == ReportKind.TERM:
        parts.append(_plan(programme))
    parts.insert(0, _summary(data, parts))
    for part in parts:
        part.text = written.get(part.key, "")
    if kind == ReportKind.TERM and term:
        title = _("Welfare report and plan %(start)s–%(end)s: %(subject)s") % {
            "start": term.starts_on.year,
            "end": term.ends_on.year,
            "subject": subject,
        }
    else:
        title = _("Annual welfare report %(year)s: %(subject)s") % {
            "year": year,
            "subject": subject,
        }
    sources = [ATTRIBUTION] + [
        f"{s.name} {s.year}: {s.source}" for s in (*data.indicator_sets, *minimum)
    ]
    return Report(
        area=area,
        organisation=organisation,
        kind=kind,
        year=year,
        years=years,
        title=title,
        subject=subject,
        parts=parts,
        sources=sources,
        day=timezone.localdate(),
        term=term,
        texts_unapproved=texts_awaiting_approval(area, organisation, kind, year),
    )


def _wellbeing(area: Area, organisation: Organisation | None, rows: list) -> Part:
    """The area's own followed indicators (`rows`: level_table's, outside THL's lists)."""
    part = Part(Section.WELLBEING, str(Section.WELLBEING.label))
    if not rows:
        part.paragraphs.append(_("The area follows no Sotkanet indicator yet."))
        return part
    caption = _("The area's followed indicators, the latest year")
    part.tables.append(_level_table(area, organisation, rows, caption))
    part.paragraphs.append(
        _("* computed from the municipalities' figures. A dash: no value in the data.")
    )
    return part


def _level_table(
    area: Area, organisation: Organisation | None, rows: list, caption: str, unbound=()
) -> Table:
    """Each indicator in its latest year: the municipality against its sub-region, the
    area and the country (or the area against the country), and by gender. A row the area
    has not bound to Sotkanet data is listed with dashes, never zeros."""
    levels = (["municipality", "sub_region"] if organisation else []) + ["area", "country"]
    names = {
        "municipality": organisation.name if organisation else "",
        "sub_region": organisation.sub_region.name
        if organisation and organisation.sub_region_id
        else _("Sub-region"),
        "area": area.name,
        "country": _("Whole country"),
    }
    header = [_("Indicator"), _("Year"), *[names[level] for level in levels]]
    header += [_("Women"), _("Men")]
    lines = []
    for row in rows:
        cells = [str(row.followed), str(row.year or "–")]
        for level in levels:
            value = number(row.levels.get(level))
            if level in row.computed and row.levels.get(level) is not None:
                value += " *"
            cells.append(value)
        lines.append([*cells, number(row.women), number(row.men)])
    lines.extend(
        [f"{followed} **", "–", *["–" for _level in levels], "–", "–"] for followed in unbound
    )
    return Table(caption, header, lines, widths=(34, 8, *[11 for _level in levels], 9, 9))


def _minimum(
    area: Area,
    organisation: Organisation | None,
    shown: list,
    rows: list,
    unbound: dict[str, list[FollowedIndicator]],
) -> Part:
    """THL's minimum content of the welfare report: a table for each such set the area
    follows (`shown`), every row of it (`rows`: level_table's), the unbound ones too
    (marked); an incomplete set file says how much of THL's list it holds."""
    part = Part(Section.MINIMUM, str(Section.MINIMUM.label))
    if not shown:
        part.paragraphs.append(
            _(
                "The area does not follow THL's minimum indicator list yet; the area's "
                "administrator follows it on the indicator sets page."
            )
        )
        return part
    for indicator_set in shown:
        caption = f"{indicator_set.name} {indicator_set.year}"
        in_set = [row for row in rows if row.followed.set_code == indicator_set.code]
        part.tables.append(
            _level_table(area, organisation, in_set, caption, unbound[indicator_set.code])
        )
        if not indicator_set.complete:
            part.paragraphs.append(
                _(
                    "%(name)s: the app's set file holds %(rows)s of the list's %(expected)s "
                    "indicators; the others are not in this report."
                )
                % {
                    "name": indicator_set.name,
                    "rows": len(indicator_set.rows),
                    "expected": indicator_set.expected_rows,
                }
            )
    part.paragraphs.append(
        _(
            "* computed from the municipalities' figures. ** not bound to Sotkanet data: "
            "its Sotkanet id is not confirmed. A dash: no value in the data."
        )
    )
    return part


def _kerroin(data: cockpit.Cockpit) -> Part:
    part = Part(Section.KERROIN, str(Section.KERROIN.label))
    if not data.rows:
        part.paragraphs.append(_("The area does not follow a HYTE-kerroin set yet."))
        return part
    estimate = data.estimate
    if estimate.kerroin is not None:
        part.paragraphs.append(
            _(
                "Estimated kerroin %(kerroin)s on the scale 0–100 (%(rank)s. of %(of)s); process "
                "indicators %(process)s, outcome indicators %(outcome)s. An estimate (arvio): "
                "THL computes the official kerroin."
            )
            % {
                "kerroin": number(estimate.kerroin),
                "rank": estimate.rank or "–",
                "of": estimate.of,
                "process": number(estimate.process),
                "outcome": number(estimate.outcome),
            }
        )
        if estimate.euro_per_point is not None:
            part.paragraphs.append(
                _("One point more is worth about %(euro)s € a year (arvio).")
                % {"euro": formats.number_format(estimate.euro_per_point, force_grouping=True)}
            )
    else:
        part.paragraphs.append(estimate.missing)
    header = [_("Indicator"), _("Year"), _("Value"), _("Trend"), _("Place"), _("Score 0–100")]
    trends = {"better": _("better"), "worse": _("worse"), "same": _("unchanged"), "": "–"}
    rows = []
    for row in data.rows:
        if row.missing:
            rows.append([row.row.name, "–", row.missing, "", "", ""])
            continue
        rows.append(
            [
                row.row.name,
                str(row.year),
                number(row.value, 2),
                str(trends[row.trend]),
                _("%(rank)s. of %(of)s") % {"rank": row.rank, "of": row.of},
                number(row.score, 0),
            ]
        )
    part.tables.append(Table(_("Indicators of the HYTE-kerroin, the weakest first"), header, rows))
    return part


def _measures(programme: Programme | None, years: list[int], organisation) -> Part:
    part = Part(Section.MEASURES, str(Section.MEASURES.label))
    if programme is None:
        part.paragraphs.append(_("No programme covers these years."))
        return part
    part.paragraphs.append(str(programme))
    for year in years:
        _tree, rows = measure_year_rows(programme, year, organisation)
        part.tables.append(
            Table(
                _("Measures in %(year)s") % {"year": year},
                [_("Priority"), _("Measure"), _("Status"), _("Account")],
                [
                    [
                        f"{r['priority'].order}. {r['priority'].name}",
                        r["measure"].name,
                        r["status"],
                        r["account"],
                    ]
                    for r in rows
                ],
                widths=(24, 30, 12, 34),
            )
        )
    return part


def _cooperation(area, year, term, organisation, audience) -> Part:
    part = Part(Section.COOPERATION, str(Section.COOPERATION.label))
    report = evaluate(area=area, year=year, term=term, audience=audience)
    part.paragraphs.append(report.summary)
    part.records_missing = report.count(PENDING) > 0
    part.paragraphs.extend(legend_lines(report))
    part.paragraphs.append(_("Obligations of the law in %(year)s") % {"year": year})
    for obligation, rows in tables_by_obligation(report.statutory(organisation)):
        part.tables.append(Table(obligation, subject_header(), rows, widths=SUBJECT_WIDTHS))
    return part


def _plan(programme: Programme | None) -> Part:
    part = Part(Section.PLAN, str(Section.PLAN.label))
    if programme is None:
        part.paragraphs.append(_("No programme covers these years."))
        return part
    for node in programme_tree(programme):
        goals = "; ".join(goal.goal.name for goal in node.goals)
        part.paragraphs.append(f"{node.priority.order}. {node.priority.name}: {goals}")
    return part


def _summary(data: cockpit.Cockpit, parts: list[Part]) -> Part:
    """What the data says in a few sentences; the coordinator's text comes with it."""
    part = Part(Section.SUMMARY, str(Section.SUMMARY.label))
    with_values = [r for r in data.rows if r.value is not None]
    if with_values:
        better = sum(1 for r in with_values if r.trend == "better")
        worse = sum(1 for r in with_values if r.trend == "worse")
        part.paragraphs.append(
            _(
                "Of the %(n)s HYTE-kerroin indicators with a value, %(better)s went the right "
                "way and %(worse)s the wrong way since the year before."
            )
            % {"n": len(with_values), "better": better, "worse": worse}
        )
        weakest = with_values[0]
        part.paragraphs.append(
            _("The weakest: %(name)s (%(rank)s. of %(of)s).")
            % {"name": weakest.row.name, "rank": weakest.rank, "of": weakest.of}
        )
    cooperation = next(p for p in parts if p.key == Section.COOPERATION)
    part.paragraphs.extend(cooperation.paragraphs[:1])
    return part
