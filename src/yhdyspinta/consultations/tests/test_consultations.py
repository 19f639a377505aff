"""One model of round and request for every kind: each kind's round is a consultations
Round of its kind in its area, each request a consultations Request of the same round;
one organisation is asked once per round (in the database); one reminder rule."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
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
    round_ = programme.follow_up_open(
        access=Access.installation(), programme=plan, year=2027, deadline=date(2028, 1, 31)
    )
    requests = Request.objects.filter(consultation=round_.serial)
    assert requests.count() == len(programme.follow_up_requests(round_))
    assert all(r.sent_at for r in requests)
    now = timezone.now()
    first = programme.follow_up_remind(access=Access.installation(), round=round_, now=now)
    assert (
        programme.follow_up_remind(
            access=Access.installation(), round=round_, now=now + timedelta(hours=2)
        )
        == 0
    )
    later = programme.follow_up_remind(
        access=Access.installation(), round=round_, now=now + timedelta(days=1)
    )
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
    round_ = programme.follow_up_open(
        access=Access.installation(), programme=plan, year=2027, deadline=date(2028, 1, 31)
    )
    asked = set(
        Request.objects.filter(consultation=round_.serial).values_list("organisation", flat=True)
    )
    listed = {row.organisation.pk for row in follow_up_board(round_)}
    assert asked == listed
    assert ended.pk not in asked
    assert all(row.request is not None for row in follow_up_board(round_))


def test_an_organisation_without_an_account_reports_by_its_own_link(client, demo, deliver):
    """The follow-up's request carries the organisation's own link: it opens the report
    form without logging in, each submission is a new version, a reminder carries the
    same link, and a closed round, a forged link or one of another round save nothing
    and say so in Finnish."""
    from yhdyspinta.communications.models import OutgoingMessage
    from yhdyspinta.programme.models import MeasureReport

    plan = Programme.objects.filter(area=demo["nk"]).first()
    round_ = programme.follow_up_open(
        access=Access.installation(), programme=plan, year=2027, deadline=date(2028, 1, 31)
    )
    messages = OutgoingMessage.objects.filter(about_id=round_.pk, kind="follow_up")
    links = {m.organisation_id: m.link for m in messages}
    assert links
    assert all("/follow-up/" in link for link in links.values())
    organisation_id, link = next(iter(links.items()))
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "käyttäjätunnusta ei tarvita" in html
    rows = page.context["rows"]
    assert rows
    measure = rows[0][0]
    data = {
        "_edited_from": page.context["edited_from"],
        f"m{measure.pk}-status": "ongoing",
        f"m{measure.pk}-account": "Eteni suunnitellusti.",
    }
    assert client.post(path, data).status_code == 302
    again = client.get(path)
    data["_edited_from"] = again.context["edited_from"]
    data[f"m{measure.pk}-account"] = "Täydennetty kuvaus."
    client.post(path, data)
    versions = MeasureReport.objects.filter(
        measure=measure, organisation_id=organisation_id, year=2027
    ).order_by("version")
    assert [v.account for v in versions] == ["Eteni suunnitellusti.", "Täydennetty kuvaus."]
    assert all(v.reported_by is None for v in versions)
    # A reminder carries the link the request already has.
    programme.follow_up_remind(
        access=Access.installation(), round=round_, now=timezone.now() + timedelta(days=2)
    )
    reminders = OutgoingMessage.objects.filter(about_id=round_.pk, kind="reminder")
    assert {m.link for m in reminders} <= set(links.values())
    # Closed: the page says so and saves nothing.
    programme.follow_up_close(access=Access.installation(), round=round_)
    data["_edited_from"] = client.get(path).context["edited_from"]
    data[f"m{measure.pk}-account"] = "Liian myöhään."
    closed = client.post(path, data, follow=True).content.decode()
    assert "on suljettu" in closed
    assert versions.count() == 2
    forged = client.get("/follow-up/ei-kelpaa/")
    assert forged.status_code == 410
    assert "Linkki ei kelpaa. Pyydä koollekutsujalta uusi." in forged.content.decode()
    # A nomination's link does not open a follow-up.
    nomination = NominationRequest.objects.first()
    token = nomination.new_token()
    nomination.save()
    assert client.get(f"/follow-up/{token}/").status_code == 410


def test_every_kind_is_answered_on_the_one_answer_page():
    """Nomination, comment (and evaluation) and follow-up answers, in the app and by the
    personal link, are the one answer page of consultations; the link pages refuse by
    the one rule."""
    from yhdyspinta.agreements.round_views import CommentAnswer, CommentByLink
    from yhdyspinta.consultations.views import AnswerPage, ByLink
    from yhdyspinta.nominations.views import AnswerByLink, AnswerView
    from yhdyspinta.programme.views import FollowUpByLink, Tasks

    for page in (AnswerView, CommentAnswer, Tasks):
        assert issubclass(page, AnswerPage)
        assert not issubclass(page, ByLink)
    for page in (AnswerByLink, CommentByLink, FollowUpByLink):
        assert issubclass(page, AnswerPage)
        assert issubclass(page, ByLink)


def test_the_convener_records_a_follow_up_that_came_by_phone(client, login, demo, deliver):
    """The area's administrator reports for an organisation (not theirs) with the channel
    and registry number; the organisation's own link records itself as the link."""
    from django.urls import reverse

    from yhdyspinta.communications.models import OutgoingMessage
    from yhdyspinta.consultations.models import AnswerChannel
    from yhdyspinta.programme.models import MeasureReport

    plan = Programme.objects.filter(area=demo["nk"]).first()
    round_ = programme.follow_up_open(
        access=Access.installation(), programme=plan, year=2027, deadline=date(2028, 1, 31)
    )
    request = Request.objects.filter(consultation=round_.serial).first()
    organisation = request.organisation
    login("paakayttaja")
    page_url = reverse(
        "programme:tasks",
        kwargs={
            "area": "pohjois-karjala",
            "pk": plan.pk,
            "organisation": organisation.pk,
            "year": 2027,
        },
    )
    page = client.get(page_url)
    assert "Miten vastaus saapui" in page.content.decode()
    measure = page.context["rows"][0][0]
    data = {
        "_edited_from": page.context["edited_from"],
        f"m{measure.pk}-status": "ongoing",
        f"m{measure.pk}-account": "Kerrottu puhelimessa.",
        "entry-channel": "phone",
        "entry-registry_number": "PKHVA/77/2027",
    }
    assert client.post(page_url, data).status_code == 302
    report = MeasureReport.objects.get(measure=measure, organisation=organisation, year=2027)
    assert (report.channel, report.registry_number) == (AnswerChannel.PHONE, "PKHVA/77/2027")
    assert report.get_channel_display() == "Puhelimitse"
    # By the organisation's own link: recorded as the link.
    client.logout()
    link = (
        OutgoingMessage.objects.filter(
            about_id=round_.pk, kind="follow_up", organisation=organisation
        )
        .first()
        .link
    )
    path = "/" + link.split("/", 3)[3]
    again = client.get(path)
    assert "Miten vastaus saapui" not in again.content.decode()
    data.update(
        {"_edited_from": again.context["edited_from"], f"m{measure.pk}-account": "Täsmennetty."}
    )
    assert client.post(path, data).status_code == 302
    latest = MeasureReport.objects.filter(measure=measure, organisation=organisation, year=2027)
    assert latest.order_by("-version").first().channel == AnswerChannel.LINK


def test_a_follow_up_with_no_status_chosen_says_nothing_was_saved(client, demo, deliver):
    from yhdyspinta.communications.models import OutgoingMessage
    from yhdyspinta.programme.models import MeasureReport

    plan = Programme.objects.filter(area=demo["nk"]).first()
    round_ = programme.follow_up_open(
        access=Access.installation(), programme=plan, year=2027, deadline=date(2028, 1, 31)
    )
    link = OutgoingMessage.objects.filter(about_id=round_.pk, kind="follow_up").first().link
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    before = MeasureReport.objects.count()
    html = client.post(path, {"_edited_from": page.context["edited_from"]}).content.decode()
    assert "Mitään ei tallennettu" in html
    assert "Kiitos" not in html
    assert MeasureReport.objects.count() == before
