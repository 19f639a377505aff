"""Demo annual clocks: North Karelia 2025 and 2026, South Savo 2026, built from the
bodies' rhythms and the area events of seeds 001 and 003 by the real services."""

from yhdyspinta.areas.models import Area
from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.clock.services import clock_generate, propose_dates


def load_clocks(north_karelia: Area, south_savo: Area) -> None:
    if ClockEvent.objects.exists():
        return
    for area, year in ((north_karelia, 2025), (north_karelia, 2026), (south_savo, 2026)):
        clock_generate(area=area, year=year)
    propose_dates(area=north_karelia, year=2026)
