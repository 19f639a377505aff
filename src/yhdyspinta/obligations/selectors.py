"""Reads of the obligations context shared by the pages (and the coming API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements.models import AgreementVersion
from yhdyspinta.agreements.services import version_apply
from yhdyspinta.areas.models import Area

from .engine import evaluate
from .models import Practice, Rule
from .results import Report


@dataclass
class WayInWords:
    """How the area fulfils one rule, as the dashboard says it (engine.Way is what the
    engine reads of the same row)."""

    rule: str
    label: str
    lines: list[str]
    basis: str


def ways(area: Area) -> list[WayInWords]:
    """How the area fulfils each statutory obligation, in words (its own way, or the
    law's default)."""
    practices = {
        p.rule: p
        for p in Practice.objects.filter(area=area)
        .select_related("section__version__agreement")
        .prefetch_related("bodies", "venues__body")
    }
    rows = []
    for rule, label in Rule.choices:
        practice = practices.get(rule)
        lines = []
        bodies = sorted(b.name for b in practice.bodies.all()) if practice else []
        if bodies:
            counted = (
                _("Every meeting of: %(bodies)s")
                if practice is not None and practice.every_meeting_counts
                else _("Statutory negotiations of: %(bodies)s")
            )
            lines.append(counted % {"bodies": ", ".join(bodies)})
        else:
            lines.append(_("Statutory negotiations of the bodies whose legal basis is this law."))
        if practice:
            by_group: dict[str, list[str]] = {}
            for venue in practice.venues.all():
                by_group.setdefault(venue.get_group_display(), []).append(venue.body.name)
            for group, names in by_group.items():
                lines.append(
                    _("%(group)s may also take part in: %(bodies)s")
                    % {"group": group.capitalize(), "bodies": ", ".join(sorted(names))}
                )
        if rule == Rule.TERM_611_14:
            lines.append(area.get_negotiation_611_mode_display())
        basis = practice.agreed_in if practice else ""
        rows.append(WayInWords(rule=rule, label=str(label), lines=lines, basis=basis))
    return rows


@dataclass
class EffectRow:
    obligation: str
    subject: str
    before: str
    after: str


class _Undo(Exception):
    """Rolls the trial application back."""


def _labels(report: Report) -> dict[tuple[str, str], str]:
    return {
        (f"{r.law} {r.title}".strip(), r.subject): f"{r.symbol} {r.status_label}"
        for r in report.all_results
    }


def effect_of_applying(version: AgreementVersion, today: date | None = None) -> list[EffectRow]:
    """Which rows of this year's obligations change if the version is applied: the
    version is applied for real inside a transaction that is then rolled back, and the
    engine evaluates the area before and after."""
    area = version.agreement.area
    today = today or timezone.localdate()
    before = _labels(evaluate(area=area, year=today.year, today=today))
    after: dict[tuple[str, str], str] = {}
    try:
        with transaction.atomic():
            # A dry run, rolled back below: the page that shows it checks its reader.
            version_apply(access=Access.installation(), version=version)
            after = _labels(evaluate(area=area, year=today.year, today=today))
            raise _Undo
    except _Undo:
        pass
    return [
        EffectRow(obligation, subject, before.get(key, "—"), after.get(key, "—"))
        for key in sorted(set(before) | set(after))
        for obligation, subject in [key]
        if before.get(key) != after.get(key)
    ]
