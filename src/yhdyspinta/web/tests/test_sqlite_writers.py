"""The embedded default under two writers at once: SQLite in WAL mode, each write
transaction taking the lock when it begins (settings: transaction_mode IMMEDIATE, a busy
timeout), so the second writer waits instead of failing with "database is locked"."""

import subprocess
import sys
from pathlib import Path

import pytest

from yhdyspinta.testing import demo_cache

pytestmark = pytest.mark.once
ROOT = Path(__file__).resolve().parents[4]

# Reads, holds the transaction a while, then writes: with a deferred transaction the
# second of two such writers cannot upgrade its read lock and fails at once.
WRITER = """
import time
from django.db import transaction
from yhdyspinta.web.models import FormSubmission
for n in range(6):
    with transaction.atomic():
        FormSubmission.objects.count()
        time.sleep(0.15)
        FormSubmission.objects.create(key=f"{WHO}-{n}", path="/")
print("done")
"""


def test_two_writers_at_once_on_sqlite_both_finish(tmp_path):
    database = tmp_path / "app.sqlite3"
    env = demo_cache.app_env(database)
    demo_cache.migrated_sqlite(database, env)
    writers = [
        subprocess.Popen(  # noqa: S603 - this repository's own command
            [sys.executable, "manage.py", "shell", "-c", f"WHO = {who!r}\n{WRITER}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("a", "b")
    ]
    results = [writer.communicate(timeout=120) for writer in writers]
    for (out, err), writer in zip(results, writers, strict=True):
        assert writer.returncode == 0, err[-800:]
        assert "locked" not in err
        assert out.strip().endswith("done")
    mode = (
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from django.db import connection\n"
                "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert mode == "wal"
