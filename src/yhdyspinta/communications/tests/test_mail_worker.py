"""The mail worker for real (`manage.py db_worker --queue-name mail`), killed while the
mail server keeps it waiting: the message it had claimed is sent by the next worker that
starts, without a timer or a command. PostgreSQL only: the worker processes must share
the test's database."""

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yhdyspinta.communications import services
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.testing import factories
from yhdyspinta.testing.concurrency import wait_until

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process needs a database it can share: PostgreSQL",
)
Status = OutgoingMessage.Status


class _Sink(Message):
    def __init__(self) -> None:
        super().__init__()
        self.received: list = []

    def handle_message(self, message) -> None:
        self.received.append(message)


def _worker(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "mail", "--interval", "0.1"],
        cwd=Path(__file__).resolve().parents[4],
        env={
            **env,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "300",
            "OUTBOX_STALE_SECONDS": "2",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


def test_a_message_whose_worker_died_mid_send_is_sent_by_the_next_worker(
    transactional_db, worker_env
):
    # A mail server that accepts the connection and then says nothing.
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen()
    held: list = []
    threading.Thread(target=lambda: held.append(hanging.accept()), daemon=True).start()
    sink = _Sink()
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    message = factories.OutgoingMessageFactory()
    services.deliver_outbox.enqueue()
    first = _worker(worker_env, hanging.getsockname()[1])
    try:
        wait_until(lambda: OutgoingMessage.objects.get(pk=message.pk).status == Status.SENDING)
        wait_until(lambda: bool(held))  # it is waiting for the server
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        # Before sending, it had queued the run that takes its claim up again.
        later = DBTaskResult.objects.filter(
            status="READY", queue_name="mail", run_after__gt=timezone.now()
        )
        assert later.exists()
        second = _worker(worker_env, port)
        try:
            wait_until(lambda: OutgoingMessage.objects.get(pk=message.pk).status == Status.SENT)
        finally:
            _stop(second)
    finally:
        _stop(first)
        controller.stop()
        hanging.close()
    [received] = sink.received
    assert received["To"] == "yhteys@example.org"
    message.refresh_from_db()
    assert message.attempts == 2
