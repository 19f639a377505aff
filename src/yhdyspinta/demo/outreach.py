"""Demo hyte letter and forums of North Karelia, made by the real services: public
subscribers who confirmed by their link, the spring letter of 2026 sent through the
outbox, a draft for the spring of 2027, the autumn forum of 2026 with attendance and
feedback, and a coming forum open for registration (its dates follow today, so the
demo never runs out of a forum to register for)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.clock.models import ClockEvent, EventKind
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.outreach import services
from yhdyspinta.outreach.models import Attendance, Forum, Letter
from yhdyspinta.parties.models import NamedRoleKind, OrganisationKind

from . import story
from .outbox import delivered

HELSINKI = ZoneInfo("Europe/Helsinki")

SPRING_LETTER = """### Hyvinvointikertomus valmistuu kesäkuussa

Kuntien ja hyvinvointialueen hyvinvointikertomusten luonnokset käsitellään kumppanuusryhmissä
toukokuussa. Indikaattoritiedot päivittyvät sovellukseen Sotkanetista.

### Kevään hyte-foorumi

Foorumissa kuullaan, miten elintapaneuvonta on lähtenyt käyntiin kunnissa, ja sovitaan
syksyn yhteisistä teemoista. Ilmoittaudu [hyte-kirjeen ja -foorumin
sivulla](/pohjois-karjala/letters/).

### Poimintoja ohjelmasta

- Nuorten mielen hyvinvoinnin ryhmät laajenevat kolmeen uuteen kuntaan.
- Liikkumisen kartoitus valmistuu syyskuussa.
- Järjestöjen avustushaku avautuu elokuussa.
"""

DRAFT_LETTER = """### Mitä syksyllä sovittiin

Luonnos: syksyn foorumin tulokset ja kevään {2027} aikataulu.
"""

PROGRAMME = """**Klo 9.00** Avaus ja ajankohtaiset

**Klo 9.30** Elintapaneuvonta kunnissa: kokemuksia

**Klo 11.00** Työpajat: liikkuminen, mielen hyvinvointi, osallisuus

**Klo 12.30** Yhteenveto ja seuraavat askeleet
"""

# Fictional participants (not people of the register): the organiser's lists only.
PARTICIPANTS = [
    ("Aino Esimerkki", "Joensuun kaupunki", OrganisationKind.MUNICIPALITY, Attendance.IN_PERSON),
    (
        "Eero Malli",
        "Pohjois-Karjalan hyvinvointialue",
        OrganisationKind.COUNTY,
        Attendance.IN_PERSON,
    ),
    ("Helmi Testinen", "Liikuntaseura Vauhti ry", OrganisationKind.NGO, Attendance.IN_PERSON),
    ("Olli Kokeilu", "Joensuun seurakuntayhtymä", OrganisationKind.PARISH, Attendance.REMOTE),
    ("Saara Näyte", "Kahvila Kuppi Oy", OrganisationKind.BUSINESS, Attendance.IN_PERSON),
    ("Veikko Harjoitus", "Kiteen kaupunki", OrganisationKind.MUNICIPALITY, Attendance.REMOTE),
]


def _at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """The story's moment (story.py: the demo is always this year)."""
    return story.at(year, month, day, hour)


def _subscribe(area: Area, email: str, name: str, confirm: bool) -> None:
    services.subscribe(area=area, email=email, name=name)
    if confirm:
        message = OutgoingMessage.objects.filter(
            kind=OutgoingMessage.Kind.SUBSCRIPTION, recipient=email
        ).latest("pk")
        services.confirm(token=message.link.rstrip("/").rsplit("/", 1)[-1])


def _register(forum: Forum, index: int, name: str, organisation: str, kind: str, mode: str):
    email = f"osallistuja{index}.{forum.pk}@example.org"
    return services.register(
        forum=forum,
        data={
            "name": name,
            "email": email,
            "organisation": organisation,
            "party_kind": kind,
            "attendance": mode,
            "diet": "gluteeniton" if index == 2 else "",
            "accessibility": "induktiosilmukka" if index == 4 else "",
        },
        now=forum.registration_deadline - timedelta(days=10),
    )


def _term(day: datetime) -> str:
    """The working term a day falls in, as Finnish organisations name it."""
    return "kevät" if day.month <= 5 else "kesä" if day.month <= 8 else "syksy"


def load_outreach(area: Area) -> None:
    if Letter.objects.filter(area=area).exists():
        return
    admin = get_user_model().objects.get(username="paakayttaja")
    access = Access(admin)
    for email, name, confirm in (
        ("tilaaja.yksi@example.org", "Tilaaja Yksi", True),
        ("tilaaja.kaksi@example.org", "", True),
        ("vahvistamatta@example.org", "", False),
    ):
        _subscribe(area, email, name, confirm)

    spring = ClockEvent.objects.filter(
        area=area, year=story.year(2026), kind=EventKind.LETTER, month=3
    ).first()
    letter = Letter.objects.create(
        area=area,
        title=story.text("Hyte-kirje, kevät {2026}"),
        text=SPRING_LETTER,
        audience={
            "contacts": False,
            "roles": [NamedRoleKind.HYTE_RESPONSIBLE_PERSON],
            "bodies": [],
            "subscribers": True,
            "kinds": [],
            "sub_regions": [],
        },
        clock_event=spring,
    )
    services.letter_send(access=access, user=admin, letter=letter)
    Letter.objects.filter(pk=letter.pk).update(sent_at=_at(2026, 3, 16, 10))
    delivered(area, letter, _at(2026, 3, 16, 10))
    Letter.objects.create(
        area=area,
        title=story.text("Hyte-kirje, kevät {2027}"),
        text=story.text(DRAFT_LETTER),
        audience={
            "contacts": True,
            "roles": [],
            "bodies": [],
            "subscribers": True,
            "kinds": [],
            "sub_regions": [],
        },
    )

    autumn = ClockEvent.objects.filter(
        area=area, year=story.year(2026), kind=EventKind.FORUM, month=11
    ).first()
    held = Forum.objects.create(
        area=area,
        title=story.text("Hyte-foorumi, syksy {2026}"),
        programme=PROGRAMME,
        starts_at=(held_at := _at(2026, 11, 12)),
        ends_at=held_at + timedelta(hours=4),
        place="Carelicum, Joensuu",
        online=True,
        online_link=story.text("https://meet.example.org/hyte-foorumi-syksy-{2026}"),
        capacity=40,
        registration_deadline=held_at - timedelta(days=6, hours=17),
        published=True,
        clock_event=autumn,
    )
    registrations = [_register(held, i, *row) for i, row in enumerate(PARTICIPANTS, start=1)]
    services.record_attendance(access=access, forum=held, present={r.pk for r in registrations[:5]})
    for registration, rating, text in (
        (registrations[0], 5, "Työpajat olivat hyödyllisiä."),
        (registrations[2], 4, "Enemmän aikaa keskustelulle."),
    ):
        services.give_feedback(
            registration=registration,
            rating=rating,
            text=text,
            now=min(held.ends_at + timedelta(days=1), timezone.now()),
        )

    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
        days=60
    )
    coming = Forum.objects.create(
        area=area,
        title=f"Hyte-foorumi, {_term(start)}",
        programme=PROGRAMME,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        place="Lieksan kaupungintalo",
        online=True,
        online_link=f"https://meet.example.org/hyte-foorumi-{start:%Y-%m}",
        capacity=3,
        registration_deadline=start - timedelta(days=7),
        published=True,
    )
    for i, row in enumerate(PARTICIPANTS[:5], start=1):
        _register(coming, i, *row)
    for about in (held, coming):
        delivered(area, about, about.registration_deadline - timedelta(days=10))
    delivered(area, None, timezone.now())
