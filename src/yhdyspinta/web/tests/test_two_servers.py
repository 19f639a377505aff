"""Several app servers on one PostgreSQL: a session made on one server is valid on the
other, a form opened on one is saved on the other, the public's kept page on one is
replaced when the other saves a change, and the API's rate limit counts the calls of
both (nothing that matters lives in one process)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from yhdyspinta.parties.models import Organisation
from yhdyspinta.web.tests.test_no_lost_update import form_data

pytestmark = [
    pytest.mark.once,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="several servers share a PostgreSQL"
    ),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str) -> None:
    """Until the server answers: its first answer builds the page's templates and
    caches, which on a slow machine takes longer than a connection does to open."""
    end = time.monotonic() + 90
    while time.monotonic() < end:
        try:
            requests.get(url, timeout=30)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


@pytest.fixture
def two_servers(committed_demo, worker_env):
    ports = [_port(), _port()]
    servers = [
        subprocess.Popen(  # noqa: S603 - our own server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "yhdyspinta.wsgi",
            ],
            cwd=Path(__file__).resolve().parents[4],
            env={**worker_env, "SECRET_KEY": settings.SECRET_KEY},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            _wait_up(url + "/")
        yield urls
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def test_a_session_and_a_form_travel_between_servers_and_the_rate_limit_is_shared(two_servers):
    first, second = two_servers
    client = Client()
    client.force_login(get_user_model().objects.get(username="paakayttaja"))
    browser = requests.Session()  # one browser; the two servers share 127.0.0.1's cookies
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    assert browser.get(first + "/pohjois-karjala/people/", timeout=30).status_code == 200
    page = browser.get(second + "/pohjois-karjala/people/", timeout=30)
    assert page.status_code == 200
    assert "Pirkko" in page.text  # the logged-in user's own name, on the other server

    # A form opened on the first server is saved on the second: its CSRF token and its
    # lost-update fingerprint hold on any server.
    organisation = Organisation.objects.get(area__slug="pohjois-karjala", municipality_number="167")
    edit = f"/pohjois-karjala/organisations/{organisation.pk}/edit/"
    public = f"{second}/pohjois-karjala/organisations/{organisation.pk}/"
    for _ in range(2):  # the second from the copy kept for the public
        assert organisation.name in requests.get(public, timeout=30).text
    data = form_data(browser.get(first + edit, timeout=30).text)
    data["email"] = ["kahden-palvelimen@joensuu.example.org"]
    data["name"] = ["Joensuu kahdella palvelimella"]
    saved = browser.post(
        second + edit,
        data=data,
        headers={"Referer": second + edit},
        allow_redirects=False,
        timeout=30,
    )
    assert saved.status_code == 302, saved.text[:2000]
    organisation.refresh_from_db()
    assert organisation.email == "kahden-palvelimen@joensuu.example.org"
    # The public's copy on the other server is replaced at once: the version lives in
    # the shared cache.
    assert "Joensuu kahdella palvelimella" in requests.get(public, timeout=30).text

    # 120 anonymous API calls a minute, whichever server answers them.
    statuses = [
        requests.get((first, second)[i % 2] + "/api/v1/areas", timeout=30).status_code
        for i in range(125)
    ]
    assert 429 in statuses
