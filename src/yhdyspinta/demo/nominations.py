"""Demo nomination rounds. The seed 000 round (municipalities name 1-4 employees to the
regional partnership groups by 30.11.2023; with several full members deputies are not
needed): eleven answered in time, Outokumpu late through the registry, Rääkkylä not at
all; the round is closed. A second round for 2027 is open."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.nominations import services
from yhdyspinta.nominations.models import (
    DeputyRule,
    NominationAnswer,
    NominationRequest,
    NominationRound,
    Nominee,
)
from yhdyspinta.parties.models import OrganisationKind, Person

from . import story
from .outbox import requests_sent

HELSINKI = ZoneInfo("Europe/Helsinki")

COVER_LETTER = (
    "Hyvinvointialueen on neuvoteltava vähintään kerran vuodessa alueensa kuntien sekä "
    "muiden hyvinvointia edistävien toimijoiden kanssa (612/2021 6–7 §). Pohjois-Karjalassa "
    "neuvottelut käydään neljässä alueellisessa kumppanuusryhmässä, jotka aloittavat "
    "vuoden {2024} alussa ja kokoontuvat noin neljä kertaa vuodessa.\n\n"
    "Pyydämme kuntaa nimeämään ryhmään hyvinvoinnin ja terveyden edistämisen sekä "
    "turvallisuuden keskeiset työntekijänsä."
)


def _rows(people: list[Person]) -> list[services.NomineeRow]:
    return [
        services.NomineeRow(position=i, role=Nominee.Role.MEMBER, person=person)
        for i, person in enumerate(people, start=1)
    ]


def _answer(request: NominationRequest, when: datetime, **extra) -> None:
    people = list(
        Person.objects.filter(
            organisation=request.organisation,
            memberships__body=request.body,
        )
        .distinct()
        .order_by("last_name")[:2]
    )
    answer = services.answer_save(
        request=request, rows=_rows(people), submit=True, is_admin=True, **extra
    )
    NominationAnswer.objects.filter(pk=answer.pk).update(submitted_at=when)


@transaction.atomic
def load_north_karelia_nominations(area: Area) -> None:
    if NominationRound.objects.filter(area=area).exists():
        return
    groups = list(Body.objects.filter(area=area, level=Level.REGIONAL_PARTNERSHIP))
    municipalities = list(area.organisations.filter(kind=OrganisationKind.MUNICIPALITY))
    seed_round = services.round_create(
        access=Access.installation(),
        round=NominationRound(
            area=area,
            title="Edustajien nimeäminen alueellisiin kumppanuusryhmiin",
            min_nominees=1,
            max_nominees=4,
            deputy_rule=DeputyRule.OPTIONAL_FROM_N,
            deputy_threshold=2,
            deadline=story.day(2023, 11, 30),
            term_starts_on=story.day(2024, 1, 1),
            cover_letter=story.text(COVER_LETTER),
            reply_address="kirjaamo@example.org",
            status=NominationRound.Status.OPEN,
        ),
        bodies=groups,
        organisations=municipalities,
    )
    NominationRequest.objects.filter(round=seed_round).update(sent_at=story.at(2023, 10, 16, 9))
    for day, request in enumerate(
        seed_round.requests.select_related("organisation", "body"), start=1
    ):
        name = request.organisation.name
        if name == "Rääkkylän kunta":
            continue  # never answered
        if name == "Outokummun kaupunki":
            _answer(
                request,
                story.at(2023, 12, 5, 10),
                channel=NominationAnswer.Channel.REGISTRY,
                registry_number=story.text("PKHVA/1234/{2023}"),
            )
            continue
        _answer(
            request,
            story.at(2023, 11, 10 + day, 14),
            channel=NominationAnswer.Channel.EMAIL,
        )
    services.round_close(access=Access.installation(), round=seed_round)
    NominationRound.objects.filter(pk=seed_round.pk).update(closed_at=story.at(2023, 12, 15, 12))

    # The next term's round is under way.
    next_round = services.round_create(
        access=Access.installation(),
        round=NominationRound(
            area=area,
            title=story.text("Kumppanuusryhmien jäsenet {2027}–{2028}"),
            min_nominees=1,
            max_nominees=4,
            deputy_rule=DeputyRule.OPTIONAL_FROM_N,
            deputy_threshold=2,
            deadline=story.day(2026, 12, 18),
            term_starts_on=story.day(2027, 1, 1),
            cover_letter=story.text(COVER_LETTER),
            reply_address="kirjaamo@example.org",
            status=NominationRound.Status.OPEN,
        ),
        bodies=groups,
        organisations=municipalities,
    )
    # Sent through the outbox as the page's button sends (a letter and a personal link
    # to each municipality), on 2.11.2026.
    services.round_send(access=Access.installation(), round=next_round)
    requests_sent(next_round, next_round.all_requests, story.at(2026, 11, 2, 9))
    for request in next_round.requests.select_related("organisation", "body"):
        if request.organisation.name == "Liperin kunta":
            _answer(request, story.at(2026, 11, 12, 9))
        elif request.organisation.name == "Kiteen kaupunki":
            people = list(Person.objects.filter(organisation=request.organisation)[:1])
            services.answer_save(request=request, rows=_rows(people), submit=False, is_admin=True)
