"""Demo annual clocks: North Karelia 2025, 2026 and 2027 (dates proposed), South Savo
2026, built from the bodies' rhythms and each area's own recurring events by the real
services, in the story's years (story.py: last year, this year and next)."""

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.clock.models import AreaEvent, ClockEvent, EventKind
from yhdyspinta.clock.services import clock_generate, propose_dates
from yhdyspinta.parties.models import OrganisationKind

from . import story

# North Karelia (seeds 001 and 003): hyte letters and forums of the regional council, the
# welfare report for the councils, the programme's follow-up, the HYTE-kerroin workshop.
NORTH_KARELIA_EVENTS = [
    (EventKind.LETTER, 3, "Hyte-kirje (kevät)", OrganisationKind.REGIONAL_COUNCIL),
    (EventKind.LETTER, 10, "Hyte-kirje (syksy)", OrganisationKind.REGIONAL_COUNCIL),
    (EventKind.FORUM, 4, "Hyte-foorumi (kevät)", OrganisationKind.REGIONAL_COUNCIL),
    (EventKind.FORUM, 11, "Hyte-foorumi (syksy)", OrganisationKind.REGIONAL_COUNCIL),
    (EventKind.DEADLINE, 6, "Hyvinvointikertomus valtuustoille", OrganisationKind.COUNTY),
    (EventKind.FOLLOW_UP, 12, "Hyte-ohjelman seuranta ja arviointi", OrganisationKind.COUNTY),
    (EventKind.WORKSHOP, 9, "Hyte-kerroin-työpaja", OrganisationKind.COUNTY),
]
# South Savo (seed 004): the county prepares the region's welfare report every year with
# each municipality's figures; shared events; the cooperation model is evaluated.
SOUTH_SAVO_EVENTS = [
    (
        EventKind.DEADLINE,
        5,
        "Hyvinvointikertomus: kuntien tiedot hyvinvointialueelle",
        OrganisationKind.COUNTY,
    ),
    (EventKind.FORUM, 11, "Yhteinen hyte-tapahtuma", OrganisationKind.COUNTY),
    (
        EventKind.FOLLOW_UP,
        12,
        "Yhteistyömallin toteutumisen arviointi",
        OrganisationKind.REGIONAL_COUNCIL,
    ),
]


def _own_events(area: Area, events) -> None:
    for kind, month, title, owner_kind in events:
        AreaEvent.objects.get_or_create(
            area=area,
            month=month,
            title=title,
            defaults={"kind": kind, "owner": area.organisations.filter(kind=owner_kind).first()},
        )


def load_clocks(north_karelia: Area, south_savo: Area) -> None:
    if ClockEvent.objects.exists():
        return
    _own_events(north_karelia, NORTH_KARELIA_EVENTS)
    _own_events(south_savo, SOUTH_SAVO_EVENTS)
    for area, year in ((north_karelia, 2025), (north_karelia, 2026), (south_savo, 2026)):
        clock_generate(access=Access.installation(), area=area, year=story.year(year))
    propose_dates(access=Access.installation(), area=north_karelia, year=story.year(2026))
    # Next year's rhythm with proposed dates, for the coordinator to accept or move: the
    # demo has a year ahead of it when the current one runs out.
    clock_generate(access=Access.installation(), area=north_karelia, year=story.year(2027))
    propose_dates(access=Access.installation(), area=north_karelia, year=story.year(2027))
