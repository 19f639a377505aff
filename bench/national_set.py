"""The national data set of bench/national.py: every area of the country around the
demo areas, built from a seed and the counts (`FULL`, scaled), with the project's own
factories and bulk inserts, and the Sotkanet values through the real importer. A set of
the same shape for another seed is one the code has never seen."""

from __future__ import annotations

import random
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

# The national set's shape (scale 1): every area of the country, and the busiest area (the
# one measured, North Karelia around the demo) with its own counts.
FULL = {
    "areas": 22,
    "municipalities": 305,
    "organisations": 5_160,
    "people": 20_700,
    "bodies": 2_060,
    "seats": 53_500,
    "meetings": 144_000,
    "values": 10_040_000,
    "busy_bodies": 170,
    "busy_meetings_a_year": 1_220,
    "letters": 300,
    "forums": 40,
    "registrations": 150,  # a forum's
    "subscribers": 5_000,
    "backlog": 90,  # the busy area's held meetings whose minutes are not yet published
}
FIRST_YEAR = 2012  # meetings from the start of 2012 to some seven months ahead
AHEAD_DAYS = 210
AREA = "pohjois-karjala"


# --- the national data set ----------------------------------------------------------------


WORDS = [
    "hyvinvointi",
    "terveys",
    "edistäminen",
    "kunta",
    "alue",
    "yhteistyö",
    "järjestö",
    "seurakunta",
    "nuoret",
    "ikääntyneet",
    "liikunta",
    "mielenterveys",
    "päihteet",
    "osallisuus",
    "yksinäisyys",
    "lapsiperheet",
    "ravitsemus",
    "elintavat",
    "koulutus",
    "työllisyys",
    "asuminen",
    "turvallisuus",
    "kulttuuri",
    "harrastukset",
    "ennaltaehkäisy",
    "palveluohjaus",
    "vaikuttavuus",
    "arviointi",
    "indikaattori",
    "tavoite",
    "toimenpide",
    "suunnitelma",
    "kertomus",
    "valtuusto",
    "hallitus",
    "neuvottelu",
    "kumppanuus",
    "rahoitus",
    "avustus",
]


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    """Long texts of minutes and letters: a pool of Finnish-looking paragraphs of some
    60-160 words, so that a page or document carries real text lengths."""
    pool = []
    for _ in range(count):
        sentences = []
        for _sentence in range(rng.randint(6, 14)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 14))]
            sentences.append(" ".join(words).capitalize() + ".")
        pool.append(" ".join(sentences))
    return pool


def build(scale: float, values: int, seed: int) -> None:
    """The whole country around the demo areas, with the factories' fields and bulk
    inserts (the history of bulk rows is not the point here), then the values through the
    real importer. `seed` makes another set of the same shape."""
    from django.db import connection, transaction

    from yhdyspinta.areas.models import Area, SubRegion
    from yhdyspinta.bodies.models import Body, Level, Membership
    from yhdyspinta.parties.models import Organisation, OrganisationKind, Person
    from yhdyspinta.testing import factories

    def n(key: str) -> int:
        return max(1, round(FULL[key] * scale))

    rng = random.Random(seed)  # noqa: S311 - synthetic data, the same for a seed
    batch = 5000
    with transaction.atomic():
        new_areas = Area.objects.bulk_create(
            [
                factories.AreaFactory.build(name=f"Hyvinvointialue {i}", slug=f"alue-{i}")
                for i in range(max(0, n("areas") - Area.objects.count()))
            ]
        )
        areas = list(Area.objects.order_by("pk"))
        busy = Area.objects.get(slug=AREA)
        SubRegion.objects.bulk_create(
            [SubRegion(area=a, name=f"Seutu {j}", order=j) for a in new_areas for j in range(3)]
        )
        subs: dict[int, list[SubRegion]] = {}
        for sub in SubRegion.objects.all():
            subs.setdefault(sub.area_id, []).append(sub)
        counties = Organisation.objects.bulk_create(
            [
                factories.OrganisationFactory.build(
                    area=a,
                    name=f"{a.name}: hyvinvointialue",
                    kind=OrganisationKind.COUNTY,
                    business_id="",
                )
                for a in new_areas
            ]
        )
        convener = {o.area_id: o for o in counties}
        for o in Organisation.objects.filter(kind=OrganisationKind.COUNTY, area__in=areas):
            convener.setdefault(o.area_id, o)
        existing = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count()
        municipalities = Organisation.objects.bulk_create(
            [
                factories.MunicipalityFactory.build(
                    business_id="",
                    area=new_areas[i % len(new_areas)],
                    sub_region=rng.choice(subs[new_areas[i % len(new_areas)].pk]),
                    name=f"Kunta {i}",
                    municipality_number=f"{500 + i:03d}"[-3:],
                )
                for i in range(max(0, n("municipalities") - existing))
            ]
            if new_areas
            else [],
            batch_size=batch,
        )
        kinds = [OrganisationKind.NGO, OrganisationKind.PARISH, OrganisationKind.BUSINESS]
        others = Organisation.objects.bulk_create(
            [
                factories.OrganisationFactory.build(
                    area=areas[i % len(areas)],
                    name=f"Järjestö {i} ry",
                    kind=kinds[i % len(kinds)],
                    business_id="",
                )
                for i in range(max(0, n("organisations") - Organisation.objects.count()))
            ],
            batch_size=batch,
        )
        organisations: dict[int, list[Organisation]] = {}
        for o in [*municipalities, *others]:
            organisations.setdefault(o.area_id, []).append(o)
        people = Person.objects.bulk_create(
            [
                factories.PersonFactory.build(
                    organisation=(o := rng.choice(organisations[areas[i % len(areas)].pk])),
                    area_id=o.area_id,
                    email=f"kansallinen{i}@example.org",
                )
                for i in range(max(0, n("people") - Person.objects.count()))
            ],
            batch_size=batch,
        )
        by_area: dict[int, list[Person]] = {}
        for p in people:
            by_area.setdefault(p.area_id, []).append(p)
        levels = [Level.REGIONAL_PARTNERSHIP, Level.WORKING_GROUP, Level.OPERATIVE]
        # The busy area first, up to its count of bodies; the rest around the country.
        busy_new = max(0, n("busy_bodies") - Body.objects.filter(area=busy).count())
        others_areas = [a for a in areas if a.pk != busy.pk]
        body_areas = [busy] * busy_new + [
            others_areas[i % len(others_areas)]
            for i in range(max(0, n("bodies") - Body.objects.count() - busy_new))
        ]
        bodies = Body.objects.bulk_create(
            [
                factories.BodyFactory.build(
                    area=a,
                    convener=convener[a.pk],
                    name=f"Ryhmä {i}",
                    level=levels[i % len(levels)],
                )
                for i, a in enumerate(body_areas)
            ],
            batch_size=batch,
        )
        seats: dict[int, list[Membership]] = {}
        rows = []
        per_body = max(3, round(FULL["seats"] / FULL["bodies"]))
        for body in bodies:
            chosen = rng.sample(by_area[body.area_id], min(per_body, len(by_area[body.area_id])))
            rows.extend(
                Membership(
                    body=body,
                    person=person,
                    organisation_id=person.organisation_id,
                    starts_on=date(FIRST_YEAR, 1, 1),
                )
                for person in chosen
            )
        Membership.objects.bulk_create(rows, batch_size=batch)
        # Every body's seats, the demo's bodies of the busy area too: they meet as well.
        for m in Membership.objects.filter(ends_on__isnull=True).only(
            "body_id", "person_id", "organisation_id"
        ):
            seats.setdefault(m.body_id, []).append(m)
        bodies = list(Body.objects.filter(pk__in=[b.pk for b in bodies]) | busy.bodies.all())
        print(f"  structure: {len(areas)} areas, {len(bodies)} new bodies", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _meetings(n, scale, rng, bodies, seats, busy)
    _outreach(n, rng, busy)
    _values(values)


def _meetings(n, scale: float, rng: random.Random, bodies: list, seats: dict, busy) -> None:
    """Meetings from 2012 to some months ahead with agenda, attendance and minutes with
    long texts, approved and published as the services leave them; the busy area's share
    as its yearly count says, with a backlog of held meetings whose minutes wait."""
    from django.db import connection, transaction

    from yhdyspinta.meetings.models import AgendaItem, Attendance, Meeting, Minutes, MinutesItem
    from yhdyspinta.testing import factories

    batch = 5000
    now = datetime.now().astimezone()
    first = datetime(FIRST_YEAR, 1, 1, 9, tzinfo=now.tzinfo)
    last = now + timedelta(days=AHEAD_DAYS)
    span = (last - first).total_seconds()
    years = span / (365.25 * 86400)
    count = max(0, n("meetings") - Meeting.objects.count())
    busy_bodies = [b for b in bodies if b.area_id == busy.pk and seats.get(b.pk)]
    other_bodies = [b for b in bodies if b.area_id != busy.pk] or busy_bodies
    busy_count = (
        min(count, round(FULL["busy_meetings_a_year"] * scale * years)) if busy_bodies else 0
    )
    texts = _paragraphs(rng, 400)
    backlog_from = now - timedelta(days=120)
    backlog = n("backlog")
    for start in range(0, count, batch):
        with transaction.atomic():
            meetings = []
            for i in range(start, min(count, start + batch)):
                pool = busy_bodies if i < busy_count else other_bodies
                body = pool[rng.randrange(len(pool))]
                starts = first + timedelta(seconds=rng.random() * span)
                starts = starts.replace(minute=0, second=0, microsecond=0)
                meetings.append(
                    factories.MeetingFactory.build(
                        body=body,
                        convener_id=body.convener_id,
                        title=f"{body.name}: kokous {i}",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        # held first: the database freezes what approved minutes cover
                        status="held" if starts < now else "planned",
                    )
                )
            meetings = Meeting.objects.bulk_create(meetings)
            items = AgendaItem.objects.bulk_create(
                [
                    AgendaItem(meeting=m, order=o, title=f"Asia {o}")
                    for m in meetings
                    for o in range(1, 6)
                ]
            )
            past = [m for m in meetings if m.status == "held"]
            Attendance.objects.bulk_create(
                [
                    Attendance(meeting=m, person_id=s.person_id, organisation_id=s.organisation_id)
                    for m in past
                    for s in rng.sample(
                        seats.get(m.body_id, []),
                        min(rng.randint(6, 11), len(seats.get(m.body_id, []))),
                    )
                ]
            )
            # The busy area's backlog: held lately, minutes drafted or none yet.
            waiting = set()
            for m in past:
                if backlog and m.body.area_id == busy.pk and m.starts_at >= backlog_from:
                    waiting.add(m.pk)
                    backlog -= 1
            minutes = Minutes.objects.bulk_create(
                [
                    Minutes(meeting=m, version=1, summary=rng.choice(texts))
                    for m in past
                    if m.pk not in waiting or m.pk % 2
                ]
            )
            of_meeting = {mi.meeting_id: mi for mi in minutes}
            MinutesItem.objects.bulk_create(
                [
                    MinutesItem(
                        minutes=of_meeting[a.meeting_id],
                        agenda_item=a,
                        decision=" ".join(rng.sample(texts, 2)),
                    )
                    for a in items
                    if a.meeting_id in of_meeting
                ]
            )
            # Approved and published, as minutes_approve and minutes_publish leave them;
            # the backlog's drafts stay drafts.
            done = [mi.pk for mi in minutes if mi.meeting_id not in waiting]
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE meetings_minutes AS mi SET status = 'approved', "
                    "approval_method = 'chair', approved_at = m.ends_at, "
                    "published_at = m.ends_at + interval '7 days' "
                    "FROM meetings_meeting AS m WHERE m.id = mi.meeting_id AND mi.id = ANY(%s)",
                    [done],
                )
            Meeting.objects.filter(pk__in=[m.pk for m in past if m.pk not in waiting]).update(
                status="published"
            )
            Meeting.objects.filter(
                pk__in=[mi.meeting_id for mi in minutes if mi.meeting_id in waiting]
            ).update(status="minutes_drafted")
        if start // batch % 4 == 3:
            # Fresh statistics, so that the freeze triggers' lookups use their indexes
            # as the tables grow (autovacuum would do it in a real installation).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(
        f"  meetings: {Meeting.objects.count()}, {busy_count} of them the busy area's",
        flush=True,
    )


def _outreach(n, rng: random.Random, busy) -> None:
    """The busy area's letters (sent and published, long texts), forums with their
    registrations and the letter's subscribers."""
    from django.db import transaction

    from yhdyspinta.outreach.models import Forum, Letter, Registration, Subscriber

    texts = _paragraphs(rng, 100)
    now = datetime.now().astimezone()
    with transaction.atomic():
        Letter.objects.bulk_create(
            [
                Letter(
                    area=busy,
                    title=f"Hyte-kirje {i}",
                    text="\n\n".join(rng.sample(texts, 4)),
                    publish=True,
                    status=Letter.Status.SENT,
                    sent_at=now - timedelta(days=7 * i + 1),
                    recipient_count=n("subscribers"),
                )
                for i in range(n("letters"))
            ]
        )
        forums = Forum.objects.bulk_create(
            [
                Forum(
                    area=busy,
                    title=f"Hyte-foorumi {i}",
                    programme=rng.choice(texts),
                    starts_at=(starts := now + timedelta(days=60 - 30 * i, hours=1)),
                    ends_at=starts + timedelta(hours=3),
                    registration_deadline=starts - timedelta(days=7),
                    place="Joensuu",
                    capacity=n("registrations") + 20,
                    published=True,
                )
                for i in range(n("forums"))
            ]
        )
        Registration.objects.bulk_create(
            [
                Registration(
                    forum=forum,
                    name=f"Osallistuja {f}-{r}",
                    email=f"osallistuja{f}-{r}@example.org",
                    organisation=f"Järjestö {r} ry",
                )
                for f, forum in enumerate(forums)
                for r in range(n("registrations"))
            ],
            batch_size=5000,
        )
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    area=busy,
                    email=f"tilaaja{i}@example.org",
                    status=Subscriber.Status.CONFIRMED,
                    confirmed_at=now - timedelta(days=i % 700),
                )
                for i in range(n("subscribers"))
            ],
            batch_size=5000,
        )
    print(f"  outreach: {n('letters')} letters, {n('forums')} forums", flush=True)


def _values(rows: int) -> None:
    """Country-wide Sotkanet values through the real importer: every municipality of the
    installation and every county a region."""
    from sotkanet import generate

    from yhdyspinta.indicators.importer import import_values
    from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetRegion
    from yhdyspinta.parties.models import Organisation, OrganisationKind

    missing = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPALITY, sotkanet_regions__isnull=True
    )
    SotkanetRegion.objects.bulk_create(
        [
            SotkanetRegion(
                id=30000 + o.pk,
                code=o.municipality_number,
                category="KUNTA",
                title=o.name,
                organisation=o,
            )
            for o in missing
        ]
    )
    regions = sorted(SotkanetRegion.objects.values_list("id", flat=True))
    folder = Path(tempfile.mkdtemp())
    try:
        json_path, csv_path, indicators = generate(rows, folder, regions)
        csv_path.unlink()
        SotkanetIndicator.objects.bulk_create(
            [SotkanetIndicator(id=i, title=f"Indikaattori {i}") for i in range(1, indicators + 1)],
            ignore_conflicts=True,
        )
        with json_path.open("rb") as stream:
            run = import_values(stream, "national.json")
        if run.status != "done":
            raise SystemExit(run.error)
        print(f"  values: {run.inserted} imported", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
