"""The open API: its OpenAPI document validates; the public gets what the public pages
show and never a person; a token sees what its user sees, in its own area only; paging,
filters, ETags, problem details, rate limits and no CORS; constant queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from yhdyspinta.accounts import services as accounts
from yhdyspinta.accounts.models import ApiToken
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.api.api import MAX_PAGE_SIZE
from yhdyspinta.bodies.models import Membership
from yhdyspinta.testing import factories
from yhdyspinta.tests.test_public_crawl import _forbidden, _leaks

pytestmark = [pytest.mark.django_db, pytest.mark.pages]
NK = "/api/v1/areas/pohjois-karjala"
LISTS = [
    "/api/v1/areas",
    NK + "/sub-regions",
    NK + "/organisations",
    NK + "/bodies",
    NK + "/council-terms",
    NK + "/meetings",
    NK + "/minutes",
    "/api/v1/indicators/900001/values",
]
ALL = [*LISTS, NK, NK + "/programmes", NK + "/clock?year=2026", NK + "/obligations?year=2025"]


def _all_pages(client, url, **headers) -> list:
    rows, page = [], 1
    while True:
        joiner = "&" if "?" in url else "?"
        data = client.get(f"{url}{joiner}page={page}&page_size={MAX_PAGE_SIZE}", **headers).json()
        rows.extend(data["results"])
        if not data["next"]:
            return rows
        page += 1


def test_the_openapi_document_validates(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert "/api/v1/areas/{area}/meetings" in document["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    # The page is the document: every operation's method and path, and no explorer's script.
    for path, item in document["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in html, (method, path)
    assert "swagger" not in html.lower()


def test_the_public_never_gets_a_person(client, demo):
    patterns = _forbidden(demo)
    texts = []
    for url in LISTS:
        texts.extend(str(row) for row in _all_pages(client, url))
    texts.extend(client.get(url).content.decode() for url in ALL[len(LISTS) :])
    text = "\n".join(texts)
    leaks = _leaks(text, patterns)
    assert not leaks, leaks[:10]
    bodies = _all_pages(client, NK + "/bodies")
    assert all(seat["person"] is None for b in bodies for seat in b["member_organisations"])
    assert any(b["member_organisations"] for b in bodies)


@pytest.mark.usefixtures("no_public_cache")
def test_the_publics_bodies_do_not_read_the_people(client, demo):
    """A caller who sees no person gets no person read either: at national scale the join
    made PostgreSQL hash the whole people table for one page's seats."""
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(NK + "/bodies")
    assert answer.status_code == 200
    assert any(b["member_organisations"] for b in answer.json()["results"])
    assert not [q["sql"] for q in queries if "parties_person" in q["sql"]]


def test_a_token_sees_what_its_user_sees_in_its_own_area(client, demo, token):
    header = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    bodies = _all_pages(client, NK + "/bodies", **header)
    seated = {str(m.person) for m in Membership.objects.filter(body__area=demo["nk"])}
    shown = {s["person"] for b in bodies for s in b["member_organisations"]}
    assert shown & seated
    meetings = _all_pages(client, NK + "/meetings", **header)
    assert any(m["online_link"] for m in meetings)
    other = _all_pages(client, "/api/v1/areas/etela-savo/bodies", **header)
    assert all(s["person"] is None for b in other for s in b["member_organisations"])
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked"])
def test_a_bad_token_is_refused_with_a_problem(client, demo, token, state):
    row = ApiToken.objects.get()
    if state == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        accounts.api_token_revoke(access=Access(row.created_by), token=row)
    value = "yp_väärä" if state == "unknown" else token
    response = client.get(NK + "/bodies", HTTP_AUTHORIZATION=f"Bearer {value}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["detail"]
    assert body["detail_fi"]
    assert body["detail"] != body["detail_fi"]


def test_paging_at_the_maximum_and_bad_parameters(client, demo):
    full = client.get(NK + f"/meetings?page_size={MAX_PAGE_SIZE}").json()
    assert len(full["results"]) == MAX_PAGE_SIZE
    assert full["next"]
    assert full["licence"].startswith("CC BY 4.0")
    over = client.get(NK + f"/meetings?page_size={MAX_PAGE_SIZE + 1}")
    assert over.status_code == 400
    assert over["Content-Type"] == "application/problem+json"
    assert over.json()["errors"][0]["field"] == "page_size"
    assert "100" in over.json()["errors"][0]["message"]
    # Any offset Python reads is compared in UTC (PostgreSQL refuses one beyond 15:59).
    odd = client.get(NK + "/meetings?updated_since=2020-01-01T00:00:00%2B16:21")
    assert odd.status_code == 200
    far = client.get(NK + "/meetings?page=10" + "0" * 30)  # not an offset overflow
    assert far.status_code == 400
    assert far.json()["errors"][0]["field"] == "page"
    bad = client.get(NK + "/meetings?updated_since=eilen")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "updated_since"
    assert client.get("/api/v1/areas/ei-ole/bodies").status_code == 404
    later = timezone.now() + timedelta(days=1)
    assert (
        client.get(NK + f"/meetings?updated_since={later.isoformat().replace('+', '%2B')}").json()[
            "count"
        ]
        == 0
    )


def test_etag_and_if_none_match(client, demo):
    first = client.get(NK + "/bodies")
    etag = first["ETag"]
    assert etag
    again = client.get(NK + "/bodies", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert not again.content
    assert client.get(NK + "/bodies", HTTP_IF_NONE_MATCH='"vanha"').status_code == 200


def test_no_cors_and_a_rate_limit_for_the_anonymous(client, demo, settings):
    response = client.get("/api/v1/areas", HTTP_ORIGIN="https://muu.example.org")
    assert "Access-Control-Allow-Origin" not in response
    statuses = [client.get("/api/v1/areas").status_code for _ in range(125)]
    assert statuses.count(429) >= 1
    limited = client.get("/api/v1/areas")
    assert limited.status_code == 429
    assert limited.json()["title"] == "Too many requests"


@pytest.mark.usefixtures("no_public_cache")
@pytest.mark.parametrize("url", LISTS)
def test_queries_do_not_grow_with_the_page(client, demo, url):
    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{url}?page_size={size}").status_code == 200
        return len(queries)

    assert count(2) == count(MAX_PAGE_SIZE)


def test_a_user_issues_their_own_token_and_the_administrator_may_revoke_it(client, login, demo):
    """A token is issued only in its holder's own name: a member issues theirs on the
    page (there is no choice of user), sees only their own, and the area's administrator
    sees every token of the area and may revoke it."""
    url = reverse("accounts:api_tokens", kwargs={"area": "pohjois-karjala"})
    login("paakayttaja")
    client.post(url, {"name": "Hallinnan oma", "days": "30"})
    login("jasen")
    assert 'name="user"' not in client.get(url).content.decode()
    page = client.post(url, {"name": "Kalenteri", "days": "90"})
    raw = page.context["new_token"]
    row = ApiToken.objects.get(name="Kalenteri")
    assert (row.user.username, row.created_by.username) == ("jasen", "jasen")
    assert "Hallinnan oma" not in client.get(url).content.decode()  # only one's own
    login("paakayttaja")
    assert raw.startswith("yp_")
    assert raw in page.content.decode()
    row = ApiToken.objects.get(name="Kalenteri")
    assert row.token_hash != raw  # only its hash is stored
    assert raw not in client.get(url).content.decode()  # shown once
    assert row.prefix in client.get(url).content.decode()
    assert client.get(NK + "/bodies", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.post(url, {"revoke": row.pk})
    assert client.get(NK + "/bodies", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    too_long = client.post(url, {"name": "Pitkä", "days": "9999"})
    assert too_long.status_code == 200
    assert not ApiToken.objects.filter(name="Pitkä").exists()


def test_a_double_click_on_issue_makes_one_token_and_says_the_key_was_shown_once(client):
    role = factories.AreaRoleFactory(role="member")
    client.force_login(role.user)
    url = reverse("accounts:api_tokens", kwargs={"area": role.area.slug})
    key = re.search(r'name="_form_key" value="(\w+)"', client.get(url).content.decode())[1]
    data = {"name": "Kalenteri", "days": "30", "_form_key": key}
    first = client.post(url, data)
    assert first.context["new_token"].startswith("yp_")
    assert first.context["form_key"] != key  # the next token has a form of its own
    second = client.post(url, data, follow=True)
    assert ApiToken.objects.filter(user=role.user).count() == 1
    assert "new_token" not in second.context
    assert "se näytettiin vain silloin" in second.content.decode()
    third = client.post(url, {**data, "_form_key": first.context["form_key"]})
    assert third.context["new_token"] != first.context["new_token"]
    assert ApiToken.objects.filter(user=role.user).count() == 2


# --- writes ------------------------------------------------------------------------------


def _coordinators(area):
    from yhdyspinta.bodies.models import Body, Level

    return Body.objects.get(area=area, level=Level.COORDINATOR_NETWORK)


def _past_meeting(area, title: str, status: str):
    """A meeting of the coordinators' network that began two days ago."""
    from yhdyspinta.meetings.models import Meeting

    body = _coordinators(area)
    started = timezone.now() - timedelta(days=2)
    return Meeting.objects.create(
        body=body,
        title=title,
        starts_at=started,
        ends_at=started + timedelta(hours=2),
        convener=body.convener,
        status=status,
    )


MEETING = {
    "title": "Rajapinnan kokous",
    "starts_at": "2027-03-10T13:00:00+02:00",
    "ends_at": "2027-03-10T15:00:00+02:00",
    "place": "Joensuu",
}


def test_a_write_through_the_api_is_the_same_write_as_on_the_page(
    client, demo, secretary_token, login
):
    from yhdyspinta.meetings.models import Meeting

    body = _coordinators(demo["nk"])
    header = {"HTTP_AUTHORIZATION": f"Bearer {secretary_token}"}
    url = f"{NK}/bodies/{body.pk}/meetings"
    created = client.post(url, MEETING, content_type="application/json", **header)
    assert created.status_code == 201, created.content
    meeting = Meeting.objects.get(pk=created.json()["id"])
    assert meeting.body == body
    written = meeting.history.get()
    assert written.history_user.username == "sihteeri"  # audited as the user
    # ... and through which token (issued by its holder, the only one who can), on the
    # row's history page too.
    prefix = secretary_token[:10]
    assert written.history_change_reason.startswith(f"Rajapinnan kautta, avain {prefix}…")
    assert "myöntänyt sihteeri" in written.history_change_reason

    # The same meeting through the page, by the same user: the same row.
    login("sihteeri")
    page = client.get(
        reverse("meetings:meeting_create", kwargs={"area": "pohjois-karjala", "body": body.pk})
    )
    from yhdyspinta.web.tests.test_no_lost_update import form_data

    data = form_data(page.content.decode(), "_form_key")
    data.update(
        title=["Rajapinnan kokous"],
        starts_at=["2027-03-10T13:00"],
        ends_at=["2027-03-10T15:00"],
        place=["Joensuu"],
    )
    client.post(page.request["PATH_INFO"], data)
    by_page = Meeting.objects.filter(title="Rajapinnan kokous").exclude(pk=meeting.pk).get()
    fields = ("body_id", "kind", "title", "starts_at", "ends_at", "place", "status", "convener_id")
    assert [getattr(by_page, f) for f in fields] == [getattr(meeting, f) for f in fields]

    item = client.post(
        f"{NK}/meetings/{meeting.pk}/agenda-items",
        {"title": "Kuulumiset"},
        content_type="application/json",
        **header,
    )
    assert item.status_code == 201
    assert item.json()["order"] == 1


def test_what_the_service_refuses_the_api_answers_by_field_or_as_a_conflict(
    client, demo, secretary_token
):
    """The service judges the values (no page form is bound): a convener or municipality
    of another area is a 400 naming the field; an agenda item for a meeting whose minutes
    are approved is a 409 saying why."""
    from yhdyspinta.meetings.models import Meeting, Minutes

    header = {"HTTP_AUTHORIZATION": f"Bearer {secretary_token}"}
    body = _coordinators(demo["nk"])
    elsewhere = demo["es"].organisations.first()
    url = f"{NK}/bodies/{body.pk}/meetings"
    for field, value in (("convener", elsewhere.pk), ("municipalities", [elsewhere.pk])):
        refused = client.post(
            url, {**MEETING, field: value}, content_type="application/json", **header
        )
        assert refused.status_code == 400
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    approved = Minutes.objects.filter(
        status="approved", meeting__body=body, meeting__status__in=["minutes_approved", "published"]
    ).first()
    frozen = client.post(
        f"{NK}/meetings/{approved.meeting_id}/agenda-items",
        {"title": "Myöhästynyt asia"},
        content_type="application/json",
        **header,
    )
    assert frozen.status_code == 409
    assert "hyväksytty" in frozen.json()["detail_fi"]
    assert not Meeting.objects.filter(agenda_items__title="Myöhästynyt asia").exists()


def test_a_change_needs_the_current_version(client, demo, secretary_token):
    body = _coordinators(demo["nk"])
    header = {"HTTP_AUTHORIZATION": f"Bearer {secretary_token}"}
    created = client.post(
        f"{NK}/bodies/{body.pk}/meetings", MEETING, content_type="application/json", **header
    )
    url = f"{NK}/meetings/{created.json()['id']}"
    etag = client.get(url, **header)["ETag"]
    missing = client.patch(url, {"place": "Lieksa"}, content_type="application/json", **header)
    assert missing.status_code == 428
    changed = client.patch(
        url, {"place": "Lieksa"}, content_type="application/json", HTTP_IF_MATCH=etag, **header
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["place"] == "Lieksa"
    stale = client.patch(
        url, {"place": "Kitee"}, content_type="application/json", HTTP_IF_MATCH=etag, **header
    )
    assert stale.status_code == 412
    assert stale.json()["detail_fi"]
    assert client.get(url).json()["place"] == "Lieksa"  # nothing written


def test_writes_refused_with_problems_and_nothing_written(client, demo, token, secretary_token):
    from yhdyspinta.bodies.models import Body
    from yhdyspinta.meetings.models import Meeting

    body = _coordinators(demo["nk"])
    url = f"{NK}/bodies/{body.pk}/meetings"
    before = Meeting.objects.count()
    anonymous = client.post(url, MEETING, content_type="application/json")
    assert anonymous.status_code == 401
    member = client.post(
        url, MEETING, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert member.status_code == 403  # a member reads, never writes
    other = Body.objects.filter(area=demo["es"]).first()
    elsewhere = client.post(
        f"/api/v1/areas/etela-savo/bodies/{other.pk}/meetings",
        MEETING,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secretary_token}",
    )
    assert elsewhere.status_code == 403  # a write to another area
    backwards = client.post(
        url,
        {**MEETING, "ends_at": "2027-03-10T11:00:00+02:00"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secretary_token}",
    )
    assert backwards.status_code == 400
    assert backwards["Content-Type"] == "application/problem+json"
    assert backwards.json()["errors"]
    assert Meeting.objects.count() == before


@pytest.mark.parametrize(
    ("role", "sees_people", "writes"),
    [
        ("jasen", True, False),
        ("joensuu", True, False),
        ("sihteeri", True, True),  # the coordinator network's secretary
        ("paakayttaja", True, True),
        ("etelasavo", False, False),  # another area's administrator
    ],
)
def test_token_permissions_follow_the_role_matrix(
    client, demo, django_user_model, role, sees_people, writes
):
    from yhdyspinta.accounts.models import AreaRole

    user = django_user_model.objects.get(username=role)
    area = AreaRole.objects.filter(user=user).first().area
    raw = accounts.api_token_issue(access=Access(user), area=area, name=role, days=1)
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    bodies = _all_pages(client, NK + "/bodies", **header)
    shown = any(s["person"] for b in bodies for s in b["member_organisations"])
    assert shown == sees_people
    created = client.post(
        f"{NK}/bodies/{_coordinators(demo['nk']).pk}/meetings",
        MEETING,
        content_type="application/json",
        **header,
    )
    assert created.status_code == (201 if writes else 403), created.content


def test_attendance_recorded_through_the_api_with_its_version(client, demo, secretary_token):
    meeting = _past_meeting(demo["nk"], "Pidetty kokous", "held")
    header = {"HTTP_AUTHORIZATION": f"Bearer {secretary_token}"}
    url = f"{NK}/meetings/{meeting.pk}/attendance"
    assert client.get(url).status_code in (401, 403)  # the public never gets the sheet
    sheet = client.get(url, **header)
    rows = sheet.json()
    assert rows
    present = [{"membership": rows[0]["membership"], "capacity": "official"}]
    missing = client.put(url, {"present": present}, content_type="application/json", **header)
    assert missing.status_code == 428
    saved = client.put(
        url,
        {"present": present},
        content_type="application/json",
        HTTP_IF_MATCH=sheet["ETag"],
        **header,
    )
    assert saved.status_code == 200, saved.content
    assert [r["present"] for r in saved.json()].count(True) == 1
    assert (
        meeting.attendances.get().person_id
        == Membership.objects.get(pk=rows[0]["membership"]).person_id
    )
    stale = client.put(
        url,
        {"present": []},
        content_type="application/json",
        HTTP_IF_MATCH=sheet["ETag"],
        **header,
    )
    assert stale.status_code == 412
    assert meeting.attendances.count() == 1  # nothing written


def test_a_follow_up_report_through_the_api(client, demo, django_user_model):
    from django.db.models import Q

    from yhdyspinta.parties.models import Organisation
    from yhdyspinta.programme.models import Measure, MeasureReport

    area = demo["nk"]
    joensuu = Organisation.objects.get(area=area, municipality_number="167")
    kitee = Organisation.objects.get(area=area, municipality_number="260")
    measure = (
        Measure.objects.filter(goal__priority__programme__area=area, ends_year__gte=2027)
        .filter(Q(lead=joensuu) | Q(participants=joensuu))
        .distinct()
        .first()
    )
    contact = django_user_model.objects.get(username="joensuu")
    raw = accounts.api_token_issue(access=Access(contact), area=area, name="Seuranta", days=1)
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"{NK}/measures/{measure.pk}/reports"
    report = {"organisation": joensuu.pk, "year": 2027, "status": "ongoing", "account": "Alkoi."}
    first = client.post(url, report, content_type="application/json", **header)
    assert first.status_code == 201, first.content
    assert first.json()["version"] == 1
    stale = client.post(
        url, {**report, "account": "Toinen"}, content_type="application/json", **header
    )
    assert stale.status_code == 412  # made on version 0, but 1 exists
    second = client.post(
        url,
        {**report, "account": "Eteni.", "based_on_version": 1},
        content_type="application/json",
        **header,
    )
    assert second.json()["version"] == 2
    latest = MeasureReport.objects.filter(measure=measure, organisation=joensuu, year=2027).latest(
        "version"
    )
    assert latest.reported_by == contact  # audited as the token's user
    other = client.post(
        url, {**report, "organisation": kitee.pk}, content_type="application/json", **header
    )
    assert other.status_code == 403  # Joensuu's contact reports for Joensuu only
    bad = client.post(
        url,
        {**report, "status": "valmis?", "based_on_version": 2},
        content_type="application/json",
        **header,
    )
    assert bad.status_code == 400
    assert (
        MeasureReport.objects.filter(measure=measure, organisation=joensuu, year=2027).count() == 2
    )


def test_approved_minutes_attached_through_the_api(client, demo, secretary_token, token):
    from yhdyspinta.meetings.models import MeetingStatus, Minutes

    meeting = _past_meeting(demo["nk"], "Asianhallinnan kokous", "invited")
    first = meeting.agenda_items.create(order=1, title="Avaus")
    second = meeting.agenda_items.create(order=2, title="Hyvinvointisuunnitelma")
    url = f"{NK}/meetings/{meeting.pk}/minutes"
    minutes = {
        "summary": "Kokous käsitteli suunnitelman.",
        "items": [
            {"agenda_item": first.pk, "decision": "Kokous avattiin."},
            {"agenda_item": second.pk, "discussion": "Keskusteltiin.", "decision": "Hyväksyttiin."},
        ],
        "approval_method": "chair",
        "approved_on": timezone.localdate().isoformat(),
    }
    member = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    header = {"HTTP_AUTHORIZATION": f"Bearer {secretary_token}"}
    refused = client.post(url, minutes, content_type="application/json", **member)
    assert refused.status_code == 403  # a member may not write minutes on the page either
    future = {**minutes, "approved_on": (timezone.localdate() + timedelta(days=2)).isoformat()}
    invalid = client.post(url, future, content_type="application/json", **header)
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["field"] == "approved_on"
    stranger = {**minutes, "items": [{"agenda_item": 999999, "decision": "?"}]}
    conflict = client.post(url, stranger, content_type="application/json", **header)
    assert conflict.status_code == 409
    # The approval is checked by the approval page's own service, field by field.
    earlier = meeting.body.meetings.filter(starts_at__lt=meeting.starts_at).first()
    for wrong, field in (
        ({"approval_method": "by_magic"}, "approval_method"),
        ({"approval_method": "next_meeting"}, "approved_in"),
        ({"approval_method": "next_meeting", "approved_in": 999999}, "approved_in"),
        ({"approval_method": "next_meeting", "approved_in": earlier.pk}, "approved_in"),
    ):
        answer = client.post(url, {**minutes, **wrong}, content_type="application/json", **header)
        assert answer.status_code == 400, (wrong, answer.content)
        assert [e["field"] for e in answer.json()["errors"]] == [field], wrong
    assert not Minutes.objects.filter(meeting=meeting).exists()  # nothing half-done

    created = client.post(url, minutes, content_type="application/json", **header)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "approved"
    assert data["published_at"]
    assert [d["decision"] for d in data["decisions"]] == ["Kokous avattiin.", "Hyväksyttiin."]
    saved = Minutes.objects.get(meeting=meeting)
    assert saved.approved_by.username == "sihteeri"
    assert saved.history.last().history_user.username == "sihteeri"  # audited as the user
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    # The public reads them, as on the published minutes page.
    public = _all_pages(client, NK + "/minutes")
    mine = next(m for m in public if m["meeting"] == meeting.pk)
    assert mine["decisions"][1]["decision"] == "Hyväksyttiin."
    page = client.get(
        reverse("meetings:published_minutes", kwargs={"area": "pohjois-karjala", "pk": meeting.pk})
    )
    assert "Hyväksyttiin." in page.content.decode()
    again = client.post(url, minutes, content_type="application/json", **header)
    assert again.status_code == 409  # attached once; a correction is made in the app
    assert Minutes.objects.filter(meeting=meeting).count() == 1


def test_minutes_attached_while_the_mail_server_is_down_reach_the_members_later(
    client, demo, secretary_token, settings
):
    """The API's publish tells the members through the outbox, as the page does: with
    the mail server down the minutes are still attached (201), each message waits with
    its error, and goes out once the server is back. Nothing is lost, nothing sent
    twice."""
    from django.core import mail

    from yhdyspinta.communications import services as outbox
    from yhdyspinta.communications.models import OutgoingMessage

    backends = "yhdyspinta.communications.tests.backends."
    settings.MAILERS = {"default": {"BACKEND": backends + "Down"}}
    meeting = _past_meeting(demo["nk"], "Kokous postikatkon aikana", "invited")
    item = meeting.agenda_items.create(order=1, title="Avaus")
    created = client.post(
        f"{NK}/meetings/{meeting.pk}/minutes",
        {
            "items": [{"agenda_item": item.pk, "decision": "Kokous avattiin."}],
            "approval_method": "chair",
            "approved_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secretary_token}",
    )
    assert created.status_code == 201, created.content
    told = outbox.delivery_report(meeting).filter(kind=OutgoingMessage.Kind.MINUTES_PUBLISHED)
    waiting = told.exclude(status=OutgoingMessage.Status.NO_ADDRESS)
    assert waiting.count() >= 2  # the network's members with an address
    outbox.deliver_due()
    assert not waiting.filter(status=OutgoingMessage.Status.SENT).exists()
    assert all("SMTPServerDisconnected" in m.last_error for m in waiting)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    outbox.deliver_due(now=timezone.now() + timedelta(hours=1))
    assert waiting.filter(status=OutgoingMessage.Status.SENT).count() == waiting.count()
    assert len(mail.outbox) == waiting.count()
    outbox.deliver_due(now=timezone.now() + timedelta(hours=2))
    assert len(mail.outbox) == waiting.count()  # sent once


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_new_x_forwarded_for_on_every_call_does_not_step_past_the_limit(
    client, small_world, settings, proxies
):
    """The anonymous limit counts the address our own proxy saw: what a client writes
    into X-Forwarded-For before it is not believed, and a header that is not an address
    falls back to the socket's. Directly (no proxy) the header is not read at all."""
    from yhdyspinta.accounts.use_log import client_ip

    settings.TRUSTED_PROXIES = ["127.0.0.1"] if proxies else []
    statuses = [
        client.get(
            "/api/v1/areas",
            HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}, 192.0.2.7"
            if proxies
            else f"10.1.0.{n}",
        ).status_code
        for n in range(125)
    ]
    assert statuses.count(429) >= 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, not-an-ip")
    assert client_ip(request) == "127.0.0.1"
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.7")
    assert client_ip(request) == ("192.0.2.7" if proxies else "127.0.0.1")
    # A request that does not come from our own proxy: its header is its own word.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.7"
    )
    assert client_ip(request) == "198.51.100.9"
    # Two proxies of our own (a load balancer in 10.0.0.0/8, then nginx on the host).
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7, 10.0.0.5")
    assert client_ip(request) == "192.0.2.7"


def test_published_minutes_come_ten_a_page_unless_asked(client, demo):
    """Minutes with their decisions are heavy rows (some 15 KB each at a busy area):
    ten a page by default, up to the maximum when asked."""
    from yhdyspinta.api.routers.meetings import MINUTES_PAGE_SIZE

    first = client.get(NK + "/minutes").json()
    assert first["page_size"] == MINUTES_PAGE_SIZE
    assert len(first["results"]) == min(MINUTES_PAGE_SIZE, first["count"])
    assert first["count"] > MINUTES_PAGE_SIZE
    assert first["next"]
    everything = client.get(NK + f"/minutes?page_size={MAX_PAGE_SIZE}").json()
    assert len(everything["results"]) == min(MAX_PAGE_SIZE, first["count"])
