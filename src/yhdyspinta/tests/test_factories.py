"""The factories make valid rows: each aggregate passes its model's own validation (the
rules a service applies before saving) and keeps every row it makes in one area. Tests
build their small world from these instead of reading the demo."""

from __future__ import annotations

import pytest

from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db

EVERY = [
    factories.SubRegionFactory,
    factories.ThemeFactory,
    factories.CouncilTermFactory,
    factories.MunicipalityFactory,
    factories.PersonFactory,
    factories.BodyFactory,
    factories.RhythmRuleFactory,
    factories.MembershipFactory,
    factories.AreaRoleFactory,
    factories.MeetingFactory,
    factories.AgendaItemFactory,
    factories.MinutesFactory,
    factories.MeasureFactory,
    factories.ClockEventFactory,
    factories.LetterFactory,
    factories.ForumFactory,
    factories.NominationRoundFactory,
    factories.AgreementVersionFactory,
]


def _areas(row) -> set[int]:
    """The areas of the row and of the rows it points to, two steps deep."""
    found: set[int] = set()
    stack = [(row, 0)]
    while stack:
        current, depth = stack.pop()
        if getattr(current, "area_id", None):
            found.add(current.area_id)
        if depth < 3:
            stack.extend(
                (related, depth + 1)
                for field in current._meta.concrete_fields
                if field.is_relation and (related := getattr(current, field.name, None))
            )
    return found


@pytest.mark.parametrize("factory", EVERY, ids=lambda f: f.__name__)
def test_each_factory_makes_a_valid_row_of_one_area(factory):
    row = factory()
    row.full_clean()
    assert len(_areas(row)) <= 1, _areas(row)
    second = factory()  # sequences keep the unique fields apart
    second.full_clean()
    assert second.pk != row.pk
