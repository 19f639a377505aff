"""Tests ask for a large document as its page's button does, let the task run it as the
worker does (`Task.call`), and fetch the file from the job's page."""

from __future__ import annotations

from django.utils.module_loading import import_string

from yhdyspinta.web.models import DocumentJob


def job_of(response) -> DocumentJob:
    if response.status_code != 302:
        raise AssertionError(f"expected the job's page, got {response.status_code}")
    return DocumentJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def run_job(job: DocumentJob) -> None:
    import_string(job.task).call(str(job.pk))


def made_document(client, url: str, data: dict | None = None):
    """The finished file's response (its status code tells if it was not made)."""
    query = "&".join(f"{k}={v}" for k, v in (data or {}).items())
    job = job_of(client.post(f"{url}?{query}" if query else url))
    run_job(job)
    page = client.get(f"/{job.area.slug}/documents/{job.pk}/")
    if page.status_code != 200:
        raise AssertionError(f"the job's page answered {page.status_code}")
    return client.get(f"/{job.area.slug}/documents/{job.pk}/file")
