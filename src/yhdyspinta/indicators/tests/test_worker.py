"""An import on the real task worker (`manage.py db_worker`), killed in the middle of
reading its file: the run is marked failed, never left running, and nothing of it is in
the database. PostgreSQL only: the worker process must share the test's database."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from yhdyspinta.indicators import imports
from yhdyspinta.indicators.models import ImportRun, SotkanetValue
from yhdyspinta.testing.concurrency import wait_until

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process needs a database it can share: PostgreSQL",
)


def test_a_worker_killed_mid_import_leaves_a_failed_run_and_nothing_imported(
    committed_demo, worker_env, settings
):
    from django.conf import settings as live

    upload = SimpleUploadedFile("kesken.json", b"[]")
    run = imports.queue_import(upload, kind="data", user=None)
    imports.run_import.enqueue(run.pk)
    # The file arrives slowly, through a pipe: the worker is stopped while reading it.
    path = Path(live.MEDIA_ROOT) / run.stored_file
    path.unlink()
    os.mkfifo(path)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.1"],
        cwd=Path(__file__).resolve().parents[4],
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with open(path, "wb", buffering=0) as pipe:
            row = {"indicator": 900001, "region": 10167, "gender": "total", "value": 1.5}
            pipe.write(b"[" + json.dumps({**row, "year": 2033}).encode() + b", ")
            wait_until(lambda: ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.RUNNING)
            wait_until(lambda: imports.progress(run)["read"] > 0)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.RUNNING
    settings.IMPORT_STALE_SECONDS = 1
    time.sleep(1.5)
    assert imports.fail_stale_runs() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "pysähtyi" in run.error
    assert not SotkanetValue.objects.filter(year=2033).exists()
