"""The yearly follow-up's request letter (consultations.letters): the organisation's
measures of the year and its own link to report them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yhdyspinta.consultations.letters import Letter, letter_day, letter_link
from yhdyspinta.consultations.models import Request
from yhdyspinta.core.documents import finnish_date

from .models import FollowUpRound
from .services import measures_of


def letter(round: FollowUpRound, request: Request) -> Letter:
    organisation = request.organisation
    measures = measures_of(programme=round.programme, organisation=organisation, year=round.year)
    return Letter(
        sender=round.programme.area.name,
        kind=_("Request for the yearly follow-up"),
        title=round.title,
        day=letter_day(request),
        recipient=organisation,
        cover_letter=round.cover_letter,
        deadline=round.deadline,
        ask=[
            _(
                "Please report the status of the measures of %(programme)s that your "
                "organisation leads or takes part in, for %(year)s, by %(deadline)s: for "
                "each, how it went and a short account."
            )
            % {
                "programme": round.programme.name,
                "year": round.year,
                "deadline": finnish_date(round.deadline),
            }
        ],
        items=[m.name for m in measures],
        reply_address=round.reply_address,
        link=letter_link(round, request),
        filename=f"seurantapyynto-{round.year}-{organisation.pk}",
    )
