"""factory_boy factories with Finnish fakers, one per entity."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.areas import national
from yhdyspinta.areas.models import Area, CouncilTerm, SubRegion, Theme
from yhdyspinta.bodies.models import Body, Level, Membership, RhythmRule
from yhdyspinta.parties.models import Organisation, OrganisationKind, Person
from yhdyspinta.parties.validators import business_id_check_digit

HELSINKI = ZoneInfo("Europe/Helsinki")


def _valid_business_id(n: int) -> str:
    base = 1000000 + n * 7
    while True:
        digits = f"{base:07d}"
        check = business_id_check_digit(digits)
        if check is not None:
            return f"{digits}-{check}"
        base += 1


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testialue {n}")
    slug = factory.Sequence(lambda n: f"testialue-{n}")


class SubRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubRegion

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Seutu {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Teema {n}")


class CouncilTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilTerm

    area = factory.SubFactory(AreaFactory)
    kind = CouncilTerm.Kind.JOINT
    starts_on = date(2025, 6, 1)
    ends_on = date(2029, 5, 31)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Järjestö {n} ry")
    kind = OrganisationKind.NGO
    business_id = factory.Sequence(_valid_business_id)
    street_address = factory.Faker("street_address", locale="fi_FI")
    postal_code = factory.Faker("postcode", locale="fi_FI")
    post_office = factory.Faker("city", locale="fi_FI")


_NUMBERS = [m.number for m in national.municipalities()]


class MunicipalityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Testikunta {n}")
    kind = OrganisationKind.MUNICIPALITY
    # Real numbers, from the national list, in turn.
    municipality_number = factory.Sequence(lambda n: _NUMBERS[n % len(_NUMBERS)])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    area = factory.SelfAttribute("organisation.area")
    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    email = factory.Sequence(lambda n: f"henkilo{n}@example.org")
    title = "Asiantuntija"


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Kumppanuusryhmä {n}")
    level = Level.REGIONAL_PARTNERSHIP
    convener = factory.SubFactory(
        OrganisationFactory, area=factory.SelfAttribute("..area"), kind=OrganisationKind.COUNTY
    )
    nominees_min = 1
    nominees_max = 4


class RhythmRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RhythmRule

    body = factory.SubFactory(BodyFactory)
    min_count = 1


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, area=factory.SelfAttribute("..body.area")
    )
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    starts_on = date(2024, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"kayttaja{n}")
    password = factory.django.Password("salasana-123")


class AreaRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaRole

    user = factory.SubFactory(UserFactory)
    area = factory.SubFactory(AreaFactory)
    role = AreaRole.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Meeting"

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Kokous {n}")
    kind = "meeting"
    convener = factory.SelfAttribute("body.convener")
    starts_at = factory.LazyFunction(lambda: datetime(2025, 3, 10, 9, 0, tzinfo=HELSINKI))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    status = "held"


class OutgoingMessageFactory(factory.django.DjangoModelFactory):
    """A message in the outbox, queued, about its area."""

    class Meta:
        model = "communications.OutgoingMessage"

    area = factory.SubFactory(AreaFactory)
    kind = "round_request"
    about = factory.SelfAttribute("area")
    recipient = "yhteys@example.org"
    subject = "Pyyntö"
    body = "Teksti"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Asia {n}")


class MinutesFactory(factory.django.DjangoModelFactory):
    """Draft minutes of a held meeting."""

    class Meta:
        model = "meetings.Minutes"

    meeting = factory.SubFactory(MeetingFactory)
    summary = "Kokouksen kulku."


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programme.Programme"

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Hyvinvointisuunnitelma {n}")
    starts_year = 2025
    ends_year = 2029


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programme.Priority"

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Painopiste {n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programme.Goal"

    priority = factory.SubFactory(PriorityFactory)
    name = factory.Sequence(lambda n: f"Tavoite {n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programme.Measure"

    goal = factory.SubFactory(GoalFactory)
    name = factory.Sequence(lambda n: f"Toimenpide {n}")
    lead = factory.SubFactory(
        OrganisationFactory, area=factory.SelfAttribute("..goal.priority.programme.area")
    )
    starts_year = 2025
    ends_year = 2029


class ClockEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clock.ClockEvent"

    area = factory.SubFactory(AreaFactory)
    year = 2026
    month = 3
    kind = "deadline"
    title = factory.Sequence(lambda n: f"Määräaika {n}")
    key = factory.Sequence(lambda n: f"deadline-{n}")


class LetterFactory(factory.django.DjangoModelFactory):
    """A draft hyte letter."""

    class Meta:
        model = "outreach.Letter"

    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: f"Hyte-kirje {n}")
    text = "Ajankohtaista hyvinvoinnin edistämisestä."


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outreach.Forum"

    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: f"Hyte-foorumi {n}")
    starts_at = factory.LazyFunction(lambda: datetime(2026, 10, 6, 9, 0, tzinfo=HELSINKI))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=7))
    place = "Joensuu"
    capacity = 40


class NominationRoundFactory(factory.django.DjangoModelFactory):
    """An open nomination round (a kind of consultations.Round)."""

    class Meta:
        model = "nominations.NominationRound"

    area = factory.SubFactory(AreaFactory)
    kind = "nomination"
    title = factory.Sequence(lambda n: f"Nimeämiskierros {n}")
    # Open: its deadline ahead of whatever day the test runs on.
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    term_starts_on = factory.LazyAttribute(lambda o: date(o.deadline.year + 1, 1, 1))
    status = "open"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Agreement"

    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: f"Yhteistyösopimus {n}")


class AgreementVersionFactory(factory.django.DjangoModelFactory):
    """A draft version of an agreement."""

    class Meta:
        model = "agreements.AgreementVersion"

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)


@dataclass
class SmallWorld:
    """One area as a county sets it up on its first day, made from the factories: a
    sub-region, a theme, the council term, the county and three municipalities, a
    non-profit, a body on every level with seats for each organisation's person, and
    an area administrator and a member (both can log in with `client.force_login`)."""

    area: Area
    county: Organisation
    municipalities: list[Organisation]
    ngo: Organisation
    bodies: dict[Level, Body]
    admin: object
    member: object


def small_world() -> SmallWorld:
    area = AreaFactory.create(name="Pienalue", slug="pienalue")
    region = SubRegionFactory.create(area=area, name="Keskinen")
    ThemeFactory.create(area=area, name="Osallisuus")
    CouncilTermFactory.create(area=area)
    county = OrganisationFactory.create(
        area=area, name="Hyvinvointialue", kind=OrganisationKind.COUNTY
    )
    municipalities = [
        MunicipalityFactory.create(area=area, sub_region=region, name=name)
        for name in ("Alakylä", "Keskikylä", "Yläkylä")
    ]
    ngo = OrganisationFactory.create(area=area, sub_region=region, name="Liikuntaseura ry")
    bodies = {
        level: BodyFactory.create(area=area, level=level, convener=county, name=str(level.label))
        for level in Level
    }
    for body in bodies.values():
        RhythmRuleFactory.create(body=body, min_count=2)
        for organisation in (county, *municipalities, ngo):
            MembershipFactory.create(body=body, organisation=organisation)
    admin = AreaRoleFactory.create(
        area=area, role=AreaRole.Role.ADMIN, user__username="pienadmin"
    ).user
    member = AreaRoleFactory.create(
        area=area, role=AreaRole.Role.MEMBER, user__username="pienjasen"
    )
    return SmallWorld(area, county, municipalities, ngo, bodies, admin, member.user)
