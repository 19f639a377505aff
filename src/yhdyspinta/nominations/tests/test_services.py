from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.bodies.models import Membership
from yhdyspinta.consultations.services import Sent
from yhdyspinta.nominations import services
from yhdyspinta.nominations.models import DeputyRule, NominationAnswer, NominationRound, Nominee
from yhdyspinta.nominations.services import NomineeRow
from yhdyspinta.testing.factories import (
    AreaFactory,
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    PersonFactory,
    SubRegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    area = AreaFactory()
    north, south = (
        SubRegionFactory(area=area, name="Pohjoinen"),
        SubRegionFactory(area=area, name="Etelä"),
    )
    north_body = BodyFactory(area=area, sub_region=north, name="Pohjoinen ryhmä")
    south_body = BodyFactory(area=area, sub_region=south, name="Eteläinen ryhmä")
    lieksa = MunicipalityFactory(
        area=area, name="Lieksa", sub_region=north, email="kirjaamo@lieksa.example.org"
    )
    kitee = MunicipalityFactory(area=area, name="Kitee", sub_region=south)
    contact = UserFactory(username="kitee-yhteys", email="yhteys@kitee.example.org")
    AreaRole.objects.create(
        user=contact, area=area, role=AreaRole.Role.ORGANISATION_CONTACT, organisation=kitee
    )
    round = services.round_create(
        access=Access.installation(),
        round=NominationRound(
            area=area,
            title="Nimeämispyyntö",
            min_nominees=1,
            max_nominees=3,
            deputy_rule=DeputyRule.OPTIONAL_FROM_N,
            deputy_threshold=2,
            deadline=timezone.localdate() + timedelta(days=10),
            term_starts_on=timezone.localdate() + timedelta(days=40),
        ),
        bodies=[north_body, south_body],
        organisations=[lieksa, kitee],
    )
    return {
        "area": area,
        "round": round,
        "lieksa": lieksa,
        "kitee": kitee,
        "north": north_body,
        "south": south_body,
    }


def request_of(world, key):
    return world["round"].requests.get(organisation=world[key])


def members(organisation, n):
    return [PersonFactory(organisation=organisation) for _ in range(n)]


def rows(*specs):
    """specs: (person, role, deputy_for_position)"""
    return [
        NomineeRow(position=i, person=p, role=r, deputy_for_position=d)
        for i, (p, r, d) in enumerate(specs, start=1)
    ]


M, D = Nominee.Role.MEMBER, Nominee.Role.DEPUTY


def test_each_organisation_is_asked_for_the_body_of_its_sub_region(world):
    assert request_of(world, "lieksa").body == world["north"]
    assert request_of(world, "kitee").body == world["south"]


def test_sending_e_mails_the_letter_and_a_personal_link_to_the_right_people(world, deliver):
    assert services.round_send(access=Access.installation(), round=world["round"]).reached == 2
    by_recipient = {tuple(m.to): m for m in deliver()}
    assert set(by_recipient) == {("kirjaamo@lieksa.example.org",), ("yhteys@kitee.example.org",)}
    message = by_recipient[("yhteys@kitee.example.org",)]
    assert "/nominate/" in message.body
    [(_filename, content, mimetype)] = message.attachments
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("rule", "threshold", "shape", "ok"),
    [
        # required: every full member needs a deputy
        (DeputyRule.REQUIRED, 2, ["M", "M"], False),
        (DeputyRule.REQUIRED, 2, ["M", "D1"], True),
        (DeputyRule.REQUIRED, 2, ["M", "M", "D1", "D2"], True),
        (DeputyRule.REQUIRED, 2, ["M", "M", "D1"], False),
        # optional: never needed
        (DeputyRule.OPTIONAL, 2, ["M"], True),
        (DeputyRule.OPTIONAL, 2, ["M", "D1"], True),
        # optional from N: needed below the threshold only
        (DeputyRule.OPTIONAL_FROM_N, 2, ["M"], False),
        (DeputyRule.OPTIONAL_FROM_N, 2, ["M", "D1"], True),
        (DeputyRule.OPTIONAL_FROM_N, 2, ["M", "M"], True),
        (DeputyRule.OPTIONAL_FROM_N, 3, ["M", "M"], False),
    ],
)
def test_every_branch_of_the_deputy_rule(world, rule, threshold, shape, ok):
    round = world["round"]
    round.deputy_rule, round.deputy_threshold = rule, threshold
    round.save()
    request = request_of(world, "kitee")
    people = members(world["kitee"], len(shape))
    specs = [
        (p, D if s.startswith("D") else M, int(s[1:]) if s.startswith("D") else None)
        for p, s in zip(people, shape, strict=True)
    ]
    problems = services.answer_problems(request=request, rows=rows(*specs))
    assert (problems == []) is ok, problems


def test_number_of_full_members_is_checked(world):
    request = request_of(world, "kitee")
    people = members(world["kitee"], 4)
    problems = services.answer_problems(request=request, rows=rows(*[(p, M, None) for p in people]))
    assert any("Enintään 3" in p for p in problems)
    assert services.answer_problems(request=request, rows=[]) == [
        "Nimeä vähintään 1 varsinaista jäsentä."
    ]


def test_bad_answers_are_explained(world):
    request = request_of(world, "kitee")
    a, b = members(world["kitee"], 2)
    twice = services.answer_problems(request=request, rows=rows((a, M, None), (a, M, None)))
    assert any("kahteen kertaan" in p for p in twice)
    deputy_for_nobody = services.answer_problems(
        request=request, rows=rows((a, M, None), (b, D, 5))
    )
    assert any("varsinaisen jäsenen" in p for p in deputy_for_nobody)
    seated_elsewhere = PersonFactory(organisation=world["lieksa"])
    MembershipFactory(
        body=world["south"],
        person=seated_elsewhere,
        organisation=world["lieksa"],
        starts_on=date(2020, 1, 1),
    )
    taken = services.answer_problems(
        request=request, rows=rows((a, M, None), (seated_elsewhere, M, None))
    )
    assert any("on jo toimielimen" in p for p in taken)


def test_draft_survives_and_every_submitted_version_is_kept(world):
    request = request_of(world, "kitee")
    a, b = members(world["kitee"], 2)
    draft = services.answer_save(request=request, rows=rows((a, M, None)), submit=False)
    again = services.answer_save(
        request=request, rows=rows((a, M, None), (b, M, None)), submit=False
    )
    assert draft.pk == again.pk
    assert again.nominees.count() == 2
    first = services.answer_save(
        request=request, rows=rows((a, M, None), (b, M, None)), submit=True
    )
    second = services.answer_save(
        request=request, rows=rows((b, M, None), (a, M, None)), submit=True
    )
    assert (first.version, second.version) == (1, 2)
    assert request.answers.filter(status=NominationAnswer.Status.SUBMITTED).count() == 2


def test_after_the_deadline_only_the_admin_may_answer(world):
    round = world["round"]
    round.deadline = timezone.localdate() - timedelta(days=1)
    round.save()
    request = request_of(world, "kitee")
    a, b = members(world["kitee"], 2)
    with pytest.raises(ValidationError, match="Määräaika"):
        services.answer_save(request=request, rows=rows((a, M, None), (b, M, None)), submit=True)
    answer = services.answer_save(
        request=request,
        rows=rows((a, M, None), (b, M, None)),
        submit=True,
        is_admin=True,
        channel="registry",
        registry_number="K/1/2025",
    )
    assert answer.is_late
    assert answer.get_channel_display() == "Kirjaamon kautta"


def test_link_is_single_use_and_expires(world):
    request = request_of(world, "lieksa")
    token = request.new_token()
    request.save()
    assert services.request_by_token(token) == request
    a, b = members(world["lieksa"], 2)
    pair = rows((a, M, None), (b, M, None))
    services.answer_save(request=request, rows=pair, submit=False, via_link=True)
    assert services.request_by_token(token) == request  # a draft does not use the link up
    services.answer_save(request=request, rows=pair, submit=True, via_link=True)
    with pytest.raises(ValidationError, match="jo käytetty"):
        services.request_by_token(token)
    fresh = request.new_token()
    request.token_expires_at = timezone.now() - timedelta(minutes=1)
    request.save()
    with pytest.raises(ValidationError, match="vanhentunut"):
        services.request_by_token(fresh)
    with pytest.raises(ValidationError, match="ei kelpaa"):
        services.request_by_token("arvattu")


def test_the_request_letters_are_made_by_the_worker_not_by_the_send(world, deliver):
    """Sending a round queues its messages at once; each letter's PDF is made when the
    worker sends its message (a round of a hundred organisations made a hundred PDFs in
    the request before), once, with the link the message carries."""
    from yhdyspinta.communications.models import Attachment

    before = set(Attachment.objects.values_list("pk", flat=True))
    services.round_send(access=Access.installation(), round=world["round"])
    letters = Attachment.objects.filter(maker="nomination_letter").exclude(pk__in=before)
    assert letters.count() == world["round"].requests.count()
    assert all(not bytes(a.data) for a in letters)  # nothing made yet
    sent = deliver()
    assert sent
    assert all(m.attachments[0][1].startswith(b"%PDF") for m in sent)
    assert all(bytes(a.data).startswith(b"%PDF") for a in letters.all())


def test_reminders_go_only_to_those_missing_and_once_a_day(world, deliver):
    services.round_send(access=Access.installation(), round=world["round"])
    deliver()
    a, b = members(world["kitee"], 2)
    services.answer_save(
        request=request_of(world, "kitee"), rows=rows((a, M, None), (b, M, None)), submit=True
    )
    mail.outbox.clear()
    assert services.send_reminders(access=Access.installation(), round=world["round"]).reached == 1
    assert deliver()[0].to == ["kirjaamo@lieksa.example.org"]
    assert services.send_reminders(access=Access.installation(), round=world["round"]).reached == 0
    # A round no longer open reminds nobody, and says so in the same shape.
    world["round"].status = NominationRound.Status.CLOSED
    world["round"].save()
    assert services.send_reminders(access=Access.installation(), round=world["round"]) == Sent(
        reached=0, skipped=0
    )


def test_closing_creates_memberships_once_and_ends_replaced_ones(world):
    request = request_of(world, "kitee")
    old = MembershipFactory(
        body=world["south"], organisation=world["kitee"], starts_on=date(2020, 1, 1)
    )
    a, b = members(world["kitee"], 2)
    new_person = NomineeRow(
        position=3,
        role=D,
        first_name="Uusi",
        last_name="Varajäsen",
        email="uusi@example.org",
        deputy_for_position=1,
    )
    services.answer_save(
        request=request, rows=[*rows((a, M, None), (b, M, None)), new_person], submit=True
    )
    assert services.round_close(access=Access.installation(), round=world["round"]) == 3
    assert (
        services.round_close(access=Access.installation(), round=world["round"]) == 0
    )  # idempotent
    seats = Membership.objects.filter(body=world["south"], nomination_seat__round=world["round"])
    assert seats.count() == 3
    deputy = seats.get(role="deputy")
    assert deputy.person.email == "uusi@example.org"
    assert deputy.deputy_for.person == a
    old.refresh_from_db()
    assert old.ends_on == world["round"].term_starts_on - timedelta(days=1)  # ended, not deleted
    with pytest.raises(ValidationError, match="suljettu"):
        services.answer_save(request=request, rows=rows((a, M, None)), submit=True, is_admin=True)


def test_chair_election(world):
    first, second = (MembershipFactory(body=world["north"]) for _ in range(2))
    services.body_elect_chairs(
        access=Access.installation(), body=world["north"], chair=first, vice_chair=second
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.role) == ("chair", "vice_chair")
    services.body_elect_chairs(
        access=Access.installation(), body=world["north"], chair=second, vice_chair=None
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.role, second.role) == ("member", "chair")
    with pytest.raises(ValidationError):
        services.body_elect_chairs(
            access=Access.installation(), body=world["north"], chair=second, vice_chair=second
        )


def test_closing_matches_people_only_within_the_answering_organisation(world):
    """Kitee names someone with an address that belongs to a Lieksa person: the Lieksa
    person must not take Kitee's seat; closing says so and creates nothing."""
    lieksa_person = PersonFactory(
        area=world["round"].area, organisation=world["lieksa"], email="sama@example.org"
    )
    kitee_nominee = NomineeRow(
        position=1, role=M, first_name="Kaisa", last_name="Kiteeläinen", email="sama@example.org"
    )
    (deputy,) = members(world["kitee"], 1)
    deputy_row = NomineeRow(position=2, person=deputy, role=D, deputy_for_position=1)
    services.answer_save(
        request=request_of(world, "kitee"), rows=[kitee_nominee, deputy_row], submit=True
    )
    before = Membership.objects.count()
    with pytest.raises(ValidationError, match="Korjaa vastaus"):
        services.round_close(access=Access.installation(), round=world["round"])
    assert Membership.objects.count() == before
    assert not Membership.objects.filter(person=lieksa_person).exists()


def test_a_round_for_two_area_wide_bodies_is_refused_not_half_asked(demo):
    from datetime import date

    from django.core.exceptions import ValidationError

    from yhdyspinta.bodies.models import Body
    from yhdyspinta.nominations.models import NominationRound
    from yhdyspinta.nominations.services import round_create

    area_wide = list(Body.objects.filter(area=demo["nk"], sub_region__isnull=True)[:2])
    assert len(area_wide) == 2
    round_ = NominationRound(
        area=demo["nk"], title="Kaksi koko alueen toimielintä", deadline=date(2027, 1, 31)
    )
    with pytest.raises(ValidationError) as refused:
        round_create(
            access=Access.installation(),
            round=round_,
            bodies=area_wide,
            organisations=list(demo["nk"].organisations.filter(kind="municipality")),
        )
    assert "kysyy kultakin organisaatiolta yhteen toimielimeen" in str(refused.value)
    assert not NominationRound.objects.filter(title="Kaksi koko alueen toimielintä").exists()


def test_a_send_posted_twice_sends_each_organisation_one_request(world):
    """A double click on "send requests": the second finds every request sent and sends
    nothing, so nobody gets two e-mails and the first link stays the one that works."""
    from yhdyspinta.communications.models import OutgoingMessage

    first = services.round_send(access=Access.installation(), round=world["round"])
    links = dict(world["round"].requests.values_list("pk", "token_hash"))
    second = services.round_send(access=Access.installation(), round=world["round"])
    assert (first.reached, second) == (2, Sent(0, 0))
    assert dict(world["round"].requests.values_list("pk", "token_hash")) == links
    assert OutgoingMessage.objects.filter(area=world["round"].area).count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two sends at once need two connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_administrators_sending_at_once_send_one_request_each(world):
    """Two sends of the same round at the same moment: the round's row is locked, the
    second waits for the first and then finds nothing left."""
    from yhdyspinta.communications.models import OutgoingMessage
    from yhdyspinta.testing.concurrency import at_once

    results = at_once(
        lambda: services.round_send(
            access=Access.installation(), round=NominationRound.objects.get(pk=world["round"].pk)
        ),
        2,
    )
    assert sorted(r.reached for r in results) == [0, 2]
    assert OutgoingMessage.objects.filter(area=world["round"].area).count() == 2


def test_a_sent_round_offers_no_send_of_everything_again(world, client):
    """Once the requests are sent, the round's page offers reminders (with the link each
    request has), and a send button only for requests not yet sent: sending everything
    again would replace every organisation's link."""
    from yhdyspinta.testing.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    round_ = world["round"]
    page = client.get(round_.get_absolute_url()).content.decode()
    assert ">Lähetä pyynnöt<" in page
    services.round_send(access=Access.installation(), round=round_)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Lähetä pyynnöt" not in page
    assert "lähettämät" not in page
    assert "Muistuta" in page
    round_.requests.filter(organisation__name="Kitee").update(sent_at=None)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Lähetä lähettämätön pyyntö (1)" in page
