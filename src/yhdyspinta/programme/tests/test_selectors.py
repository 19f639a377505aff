"""The programme's read models on factory-made rows (no demo)."""

import pytest

from yhdyspinta.programme import selectors
from yhdyspinta.testing.factories import MeasureFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_progress_counts_a_measure_without_a_lead_under_its_participants_only():
    """A measure may have no lead yet (the field is optional): the progress page counts
    it for its participants and as missing overall, rather than failing on the lead."""
    led = MeasureFactory()
    programme = led.goal.priority.programme
    open_measure = MeasureFactory(goal=led.goal, lead=None)
    participant = OrganisationFactory(area=programme.area, name="Osallistuja ry")
    open_measure.participants.add(participant)

    result = selectors.progress(programme, 2026)

    assert {o.name for o, _counts in result.by_organisation} == {led.lead.name, "Osallistuja ry"}
    assert result.total == {"missing": 2}  # nobody has reported; the deadline is not set
