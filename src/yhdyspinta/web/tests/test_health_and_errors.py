"""What `/health/` tells a monitor, and what each of its problems means."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yhdyspinta.communications import services
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.indicators import imports
from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db


def _message(area, **fields):
    return factories.OutgoingMessageFactory(area=area, **fields)


def test_the_liveness_check_answers_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert (response.status_code, response.content) == (200, b"ok")


def _only_this_tests_rows() -> None:
    """The test database may hold other tests' tasks and messages (and the demo's)."""
    DBTaskResult.objects.all().delete()
    OutgoingMessage.objects.all().delete()


def test_a_healthy_installation_says_ok_with_its_queues_and_outbox(client):
    _only_this_tests_rows()
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["problems"] == []
    assert body["database"] is True
    assert body["cache"] is True
    assert set(body["queues"]) == {"default", "mail"}
    assert set(body["outbox"]) == {"queued", "oldest_queued_seconds", "sending", "failed"}


def test_a_queue_nobody_works_and_mail_that_waits_are_problems(client, settings):
    _only_this_tests_rows()
    area = factories.AreaFactory()
    hour_ago = timezone.now() - timedelta(hours=1)
    services.deliver_outbox.enqueue()
    imports.run_import.enqueue(0)
    # The mail task has waited an hour (no mail worker); the import is new.
    DBTaskResult.objects.filter(queue_name="mail").update(enqueued_at=hour_ago)
    waiting = _message(area)
    OutgoingMessage.objects.filter(pk=waiting.pk).update(created_at=hour_ago)
    _message(area, status=OutgoingMessage.Status.FAILED)
    # A task queued for later is not due: no worker is expected to have taken it.
    services.deliver_outbox.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    settings.HEALTH_OUTBOX_LAG_SECONDS = 30 * 60
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["problems"] == ["queue mail: no worker", "outbox: mail waits"]
    assert body["queues"]["mail"]["due"] == 1
    assert body["queues"]["mail"]["oldest_due_seconds"] >= 3600
    assert body["queues"]["default"]["due"] == 1
    assert body["outbox"]["queued"] == 1
    assert body["outbox"]["failed"] == 1
    assert body["outbox"]["oldest_queued_seconds"] >= 3600
    # Within the limits it is only a report.
    settings.HEALTH_QUEUE_LAG_SECONDS = settings.HEALTH_OUTBOX_LAG_SECONDS = 2 * 3600
    assert client.get("/health/").status_code == 200


def test_the_health_report_names_no_person_or_address(client):
    area = factories.AreaFactory()
    _message(area, last_error="550 yhteys@example.org unknown")
    assert b"example.org" not in client.get("/health/").content


@pytest.mark.parametrize("page", ["400", "500"])
def test_a_request_refused_before_login_gets_the_finnish_page_not_a_server_error(
    client, settings, page
):
    """A foreign Host header is refused before the session is read: the 400 page (and
    the 500 page, which no middleware may have prepared) stands alone, in Finnish and
    Swedish."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["localhost"]
    client.raise_request_exception = False
    if page == "400":
        response = client.get("/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "Pyyntöä ei voitu käsitellä" in response.content.decode()
        assert 'lang="sv"' in response.content.decode()
    else:
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        assert "Palvelussa tapahtui virhe" in html
        assert "Ett fel uppstod" in html


def test_each_answer_has_a_request_id_and_a_client_cannot_choose_it(client, settings, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="yhdyspinta.request")
    settings.TRUSTED_PROXIES = []
    own = client.get("/health/live/", HTTP_X_REQUEST_ID="asiakkaan-oma-tunniste")
    assert own["X-Request-ID"] != "asiakkaan-oma-tunniste"
    assert len(own["X-Request-ID"]) == 32
    # From our own proxy (nginx), its id is taken over, so both logs share it.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    given = "0123456789abcdef0123456789abcdef"
    assert client.get("/health/live/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    [record] = [r for r in caplog.records if getattr(r, "request_id", "") == given]
    assert (record.path, record.status, record.user, record.area) == (
        "/health/live/",
        200,
        None,
        None,
    )


def test_metrics_only_for_an_operators_address(client, settings):
    settings.METRICS_ADDRESSES = ["192.0.2.10"]
    assert client.get("/metrics").status_code == 404
    settings.METRICS_ADDRESSES = ["127.0.0.0/8"]
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert b"django_http_requests_total_by_method" in answer.content
