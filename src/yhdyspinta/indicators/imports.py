"""Imports in the background: the upload page stores the file and queues a run; the
task worker (Django's tasks API, `manage.py db_worker`) imports it, reporting progress;
the page shows a progress bar and the final report. No request waits for an import, so
no web worker is killed in the middle of one.

Progress and the worker's heartbeat go to the `progress` cache (a file cache by default:
the import's own database transaction cannot show them before it ends). A run whose
heartbeat stops (the worker was killed) is marked failed; its transaction was rolled
back, so nothing of it was imported."""

from __future__ import annotations

import io
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from . import importer, services
from .models import ImportRun

HEARTBEAT_SECONDS = 5


def _cache():
    return caches["progress"]


def _key(run_id: int) -> str:
    return f"import-run:{run_id}"


def progress(run: ImportRun) -> dict:
    """How far a run has read its file (bytes) and when its worker was last alive."""
    return _cache().get(_key(run.pk)) or {"read": 0, "alive": None}


def _report(run_id: int, **values) -> None:
    state = _cache().get(_key(run_id)) or {"read": 0, "alive": None}
    state.update(values)
    _cache().set(_key(run_id), state, timeout=24 * 3600)


def queue_import(upload, *, kind: str, user) -> ImportRun:
    """Store the uploaded file privately and queue its import (after commit). The size
    limit comes from settings (IMPORT_MAX_BYTES)."""
    if kind not in ImportRun.Kind.values:
        raise importer.ImportProblem(_("Choose what the file holds."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise importer.ImportProblem(
            _("The file is too large: %(size)s MB, at most %(max)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024),
                "max": settings.IMPORT_MAX_BYTES // 1024 // 1024,
            }
        )
    with transaction.atomic():
        run = ImportRun.objects.create(
            filename=upload.name[:255],
            kind=kind,
            user=user if getattr(user, "is_authenticated", False) else None,
            status=ImportRun.Status.QUEUED,
            size=upload.size,
        )
        run.stored_file = default_storage.save(f"imports/{run.pk}-{uuid.uuid4().hex}", upload)
        run.save(update_fields=["stored_file"])
        transaction.on_commit(lambda: run_import.enqueue(run.pk))
    return run


@task()
def run_import(run_id: int) -> str:
    """The worker's task: claim the run (once, even if queued twice), import, report."""
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=now
    )
    if not claimed:
        return "not queued"
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    _report(run.pk, read=0, alive=time.time())
    try:
        with _heartbeat(run.pk), _acting_as(run.user):
            _carry_out(run)
    except Exception as error:  # whatever it was, the run must not stay "running"
        _fail(run, _("The import stopped: %(error)s") % {"error": error})
    finally:
        if run.stored_file:
            default_storage.delete(run.stored_file)
            ImportRun.objects.filter(pk=run.pk).update(stored_file="")
    return ImportRun.objects.get(pk=run.pk).status


def _carry_out(run: ImportRun) -> None:
    with default_storage.open(run.stored_file, "rb") as raw:
        stream = io.BufferedReader(_Counted(raw, run.pk), buffer_size=1 << 20)
        if run.kind == ImportRun.Kind.DATA:
            importer.import_values(stream, run.filename, run=run)
            # The one indicator world: bound programme indicators read the new values.
            services.sync_programme_values()
            return
        try:
            if run.kind == ImportRun.Kind.REGIONS:
                count = importer.import_regions(stream)
            else:
                count = importer.import_indicator_metadata(stream)
        except importer.ImportProblem as problem:
            _fail(run, str(problem))
            return
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.DONE,
        rows_read=count,
        inserted=count,
        finished_at=timezone.now(),
    )


def _fail(run: ImportRun, error: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def fail_stale_runs() -> int:
    """Mark failed the runs whose worker has gone (no heartbeat for
    IMPORT_STALE_SECONDS, or none at all that long after the start). Their transaction
    was rolled back."""
    stale = settings.IMPORT_STALE_SECONDS
    limit = time.time() - stale
    failed = 0
    started_before = timezone.now() - timedelta(seconds=stale)
    for run in ImportRun.objects.filter(
        Q(status=ImportRun.Status.RUNNING) & Q(started_at__lt=started_before)
    ):
        alive = progress(run)["alive"]
        if alive is None or alive < limit:
            _fail(run, _("The worker stopped during the import; nothing was imported. Try again."))
            failed += 1
    return failed


@contextmanager
def _heartbeat(run_id: int):
    """Tell the world the worker is alive, every few seconds, whatever the import is
    doing (reading, or a long statement in the database)."""
    stop = threading.Event()

    def beat():
        while not stop.wait(HEARTBEAT_SECONDS):
            _report(run_id, alive=time.time())

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def _acting_as(user):
    """The history records the importing user, as if the change came from their
    request."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


class _Counted(io.RawIOBase):
    """A file that reports how many bytes have been read (at most twice a second)."""

    def __init__(self, raw, run_id: int):
        self.raw = getattr(raw, "file", raw)  # the open file behind Django's File
        self.run_id, self.reported, self.position = run_id, 0.0, 0
        # What has arrived, without waiting for a whole buffer (a pipe, a slow disk).
        self._read = getattr(self.raw, "read1", self.raw.read)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self.raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = self.raw.seek(offset, whence)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        self.position += len(data)
        now = time.time()
        if now - self.reported > 0.5:
            self.reported = now
            _report(self.run_id, read=self.position, alive=now)
        return len(data)
