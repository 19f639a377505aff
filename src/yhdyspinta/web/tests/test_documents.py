"""Large documents are made on the task worker: asked for once however often the button
is pressed, made in the asker's language for the asker's audience, fetched by the asker
only, and a failure or a killed worker is a clear state, never a 500 or a hung page."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from yhdyspinta.accounts.models import UseLogEntry
from yhdyspinta.obligations import report as obligations_report
from yhdyspinta.testing.documents import job_of, run_job
from yhdyspinta.web.models import DocumentJob

AREA = "pohjois-karjala"


def report_url(fmt="docx"):
    return reverse("obligations:report", kwargs={"area": AREA, "fmt": fmt}) + "?year=2025"


def job_page(job):
    return reverse("web:document", kwargs={"area": AREA, "pk": job.pk})


def job_file(job):
    return reverse("web:document_file", kwargs={"area": AREA, "pk": job.pk})


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.django_db
def test_a_double_click_makes_one_document_that_only_its_asker_can_fetch(
    client, login, demo, django_capture_on_commit_callbacks
):
    login("paakayttaja")
    offered = client.get(report_url())  # a bookmark offers the button, makes nothing
    assert "Laadi asiakirja" in offered.content.decode()
    assert not DocumentJob.objects.exists()
    with django_capture_on_commit_callbacks() as queued:
        first = job_of(client.post(report_url()))
        second = job_of(client.post(report_url()))
    assert first == second
    assert DocumentJob.objects.count() == 1
    assert len(queued) == 1  # one task for the worker
    waiting = client.get(job_page(first)).content.decode()
    assert "Odottaa vuoroaan" in waiting
    assert 'hx-trigger="every 1s"' in waiting
    assert client.get(job_file(first)).status_code == 404  # not ready yet

    run_job(first)
    ready = client.get(job_page(first)).content.decode()
    assert "Valmis" in ready
    # 2025 waits for the southern group's minutes: the worker names it a draft.
    assert "velvoitteet-pohjois-karjala-2025-luonnos.docx" in ready
    assert "hx-trigger" not in ready  # it stops asking
    response = client.get(job_file(first))
    assert response["Content-Disposition"] == (
        'attachment; filename="velvoitteet-pohjois-karjala-2025-luonnos.docx"'
    )
    assert "612/2021 §6" in docx_text(response.content)

    other = Client()
    other.force_login(get_user_model().objects.get(username="sihteeri"))
    assert other.get(job_page(first)).status_code == 404
    assert other.get(job_file(first)).status_code == 404
    assert Client().get(job_file(first)).status_code == 404


@pytest.mark.django_db
def test_a_visitor_gets_the_public_document_in_their_own_language(demo):
    visitor = Client()
    visitor.cookies["django_language"] = "sv"
    job = job_of(visitor.post(report_url()))
    assert not job.sees_people
    assert job.language == "sv"
    assert job.user is None
    run_job(job)
    text = docx_text(visitor.get(job_file(job)).content)
    assert "Lagstadgat" in text or "lagstadgat" in text
    assert "Lakisääteinen" not in text
    # Another visitor's session does not reach it.
    assert Client().get(job_page(job)).status_code == 404
    assert Client().get(job_file(job)).status_code == 404


@pytest.mark.django_db
def test_the_area_users_document_is_for_people_seers_and_logged_as_an_export(client, login, demo):
    login("sihteeri")
    job = job_of(client.post(report_url("pdf")))
    assert job.sees_people
    run_job(job)
    before = UseLogEntry.objects.count()
    response = client.get(job_file(job))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert UseLogEntry.objects.count() == before + 1
    # A role that has ended since asking no longer reaches a document that names people.
    from yhdyspinta.accounts.models import AreaRole

    AreaRole.objects.filter(user__username="sihteeri").delete()
    assert client.get(job_file(job)).status_code == 404


@pytest.mark.django_db
def test_a_document_that_fails_says_why_in_finnish(client, login, demo, monkeypatch):
    def disk_full(report):
        raise OSError("levy on täynnä")

    monkeypatch.setattr(obligations_report, "as_pdf", disk_full)
    login("paakayttaja")
    job = job_of(client.post(report_url("pdf")))
    run_job(job)
    job.refresh_from_db()
    assert job.status == "failed"
    page = client.get(job_page(job)).content.decode()
    assert "Asiakirjaa ei voitu laatia: levy on täynnä" in page
    assert client.get(job_file(job)).status_code == 404
    # Asked again, it is a new job (the failed one is not reused).
    assert job_of(client.post(report_url("pdf"))) != job


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_shown_failed_and_asked_anew(client, login, demo):
    login("paakayttaja")
    job = job_of(client.post(report_url()))
    DocumentJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=1)
    )
    page = client.get(job_page(job)).content.decode()
    assert "tehtävien käsittelijä keskeytyi" in page
    assert "hx-trigger" not in page
    again = job_of(client.post(report_url()))
    assert again != job
    run_job(job)  # the dead job's task, if it ever ran again, does nothing
    job.refresh_from_db()
    assert job.status == "running"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process needs a database it can share: PostgreSQL",
)
def test_the_worker_process_makes_the_documents(committed_demo, run_worker):
    client = Client()
    client.force_login(get_user_model().objects.get(username="paakayttaja"))
    clock = reverse("clock:pdf", kwargs={"area": AREA}) + "?year=2026&paper=A3"
    jobs = [job_of(client.post(report_url("pdf"))), job_of(client.post(clock))]
    result = run_worker()
    assert result.returncode == 0, result.stderr[-2000:]
    for job in jobs:
        job.refresh_from_db()
        assert job.status == "done", job.error
        assert client.get(job_file(job)).content.startswith(b"%PDF")
