"""One model of round and request for every kind: each kind's round is a consultations
Round of its kind in its area, each request a consultations Request of the same round;
one organisation is asked once per round (in the database); one reminder rule."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from yhdyspinta.agreements.models import CommentRequest, CommentRound
from yhdyspinta.consultations.models import Request, Round
from yhdyspinta.nominations.models import NominationRequest, NominationRound
from yhdyspinta.programme import services as programme
from yhdyspinta.programme.models import FollowUpRound, Programme

pytestmark = pytest.mark.django_db


def test_every_kind_of_round_is_a_round_of_its_kind_in_its_area(demo):
    kinds = {
        NominationRound: Round.Kind.NOMINATION,
        CommentRound: None,
        FollowUpRound: Round.Kind.FOLLOW_UP,
    }
    for model, kind in kinds.items():
        rounds = list(model.objects.all())
        assert rounds, model
        for specific in rounds:
            parent = Round.objects.get(pk=specific.serial)
            assert parent.kind == (kind or specific.kind)
            assert parent.area_id == specific.area_id
    assert Round.objects.count() == sum(m.objects.count() for m in kinds)
    for model in (NominationRequest, CommentRequest):
        for specific in model.objects.select_related("round"):
            assert specific.consultation_id == specific.round.serial


def test_an_organisation_is_asked_once_per_round_by_the_database(demo):
    request = NominationRequest.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        NominationRequest.objects.create(
            round=request.round, organisation=request.organisation, body=request.body
        )


def test_the_follow_up_reminds_by_the_one_rule_of_every_round(demo, deliver):
    """At most one reminder in about a day, whatever the kind of round."""
    plan = Programme.objects.filter(area=demo["nk"]).first()
    round_ = programme.follow_up_open(programme=plan, year=2027, deadline=date(2028, 1, 31))
    requests = Request.objects.filter(consultation=round_.serial)
    assert requests.count() == len(programme.follow_up_requests(round_))
    assert all(r.sent_at for r in requests)
    now = timezone.now()
    first = programme.follow_up_remind(round=round_, now=now)
    assert programme.follow_up_remind(round=round_, now=now + timedelta(hours=2)) == 0
    later = programme.follow_up_remind(round=round_, now=now + timedelta(days=1))
    assert later == first
    assert {r.reminder_count for r in requests if r.organisation.email} <= {0, 2}
    follow_up = FollowUpRound.objects.get(pk=round_.pk)
    assert follow_up.all_requests.count() == requests.count()


def test_the_follow_up_asks_exactly_those_on_its_status_board(demo):
    """An organisation whose measures do not run in the year is neither asked nor
    listed; everyone listed is asked."""
    from yhdyspinta.parties.models import Organisation
    from yhdyspinta.programme.models import Goal, Measure
    from yhdyspinta.programme.selectors import follow_up_board

    plan = Programme.objects.filter(area=demo["nk"]).first()
    ended = Organisation.objects.create(area=demo["nk"], name="Päättynyt hanke ry", kind="ngo")
    Measure.objects.create(
        goal=Goal.objects.filter(priority__programme=plan).first(),
        name="Vuonna 2026 päättynyt",
        lead=ended,
        starts_year=2025,
        ends_year=2026,
    )
    round_ = programme.follow_up_open(programme=plan, year=2027, deadline=date(2028, 1, 31))
    asked = set(
        Request.objects.filter(consultation=round_.serial).values_list("organisation", flat=True)
    )
    listed = {row.organisation.pk for row in follow_up_board(round_)}
    assert asked == listed
    assert ended.pk not in asked
    assert all(row.request is not None for row in follow_up_board(round_))
