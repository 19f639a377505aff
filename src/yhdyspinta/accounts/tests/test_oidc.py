"""Single sign-on against a real OpenID Connect provider: django-oauth-toolkit's OIDC
runs in its own process (as Entra ID would), and the app runs in another with the OIDC
settings given only through the environment, as in production."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from yhdyspinta.testing import clock, demo_cache

# Its own processes and SQLite files: the database backend of the pass does not matter.
pytestmark = pytest.mark.once
ROOT = Path(__file__).resolve().parents[4]
SRC = ROOT / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited: {process.stdout.read() if process.stdout else ''}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def _run(args, env, **kwargs):
    return subprocess.run(  # noqa: S603 - fixed commands of this repository
        [sys.executable, *args], env=env, cwd=ROOT, check=True, capture_output=True, **kwargs
    )


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oidc")
    idp_port, app_port = _free_port(), _free_port()
    idp, app = f"http://127.0.0.1:{idp_port}", f"http://127.0.0.1:{app_port}"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    client_id, client_secret = "yhdyspinta", secrets.token_urlsafe(24)
    # The provider and the app live on the tests' day, as the test does (testing.clock).
    base = clock.pinned({"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(SRC)})
    idp_env = {
        **base,
        "IDP_DB": str(tmp / "idp.sqlite3"),
        "IDP_RSA_KEY": pem,
        "DJANGO_SETTINGS_MODULE": "yhdyspinta.testing.idp.settings",
    }
    _run(
        [
            "-m",
            "yhdyspinta.testing.idp.setup",
            f"{app}/oidc/callback/",
            client_id,
            client_secret,
            *("anna", "idp-salasana-1", "anna.sso@example.org", "Anna", "Kertakirjautuja"),
            *("vieras", "idp-salasana-2", "tuntematon@example.org", "Ville", "Vieras"),
            *("vahvistamaton", "idp-salasana-3", "anna.sso@example.org", "Anna", "K"),
            *("jaettu", "idp-salasana-4", "yhteinen@example.org", "Jaana", "Jakaja"),
            *("yllapito", "idp-salasana-5", "root@example.org", "Ylläpito", "Pääkäyttäjä"),
        ],
        idp_env,
    )
    app_env = {
        **base,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_AUTHORIZATION_ENDPOINT": f"{idp}/o/authorize/",
        "OIDC_TOKEN_ENDPOINT": f"{idp}/o/token/",
        "OIDC_USER_ENDPOINT": f"{idp}/o/userinfo/",
        "OIDC_JWKS_ENDPOINT": f"{idp}/o/.well-known/jwks.json",
        "OIDC_PROVIDER_NAME": "Testi-IdP",
        "OIDC_ISSUER": f"{idp}/o",
        "SITE_URL": app,
        "OIDC_LOGOUT_ENDPOINT": f"{idp}/o/logout/",
    }
    demo_cache.migrated_sqlite(tmp / "app.sqlite3", app_env)
    _run(
        [
            "manage.py",
            "shell",
            "-c",
            "from yhdyspinta.areas.models import Area; "
            "from yhdyspinta.parties.models import Person; "
            "a = Area.objects.create(name='Testialue', slug='testialue'); "
            "from django.contrib.auth.models import User; "
            "Person.objects.create(area=a, first_name='Anna', last_name='Kertakirjautuja', "
            "email='Anna.SSO@example.org'); "
            # Two people of two areas' registers share an address; a superuser has one.
            "b = Area.objects.create(name='Toinen alue', slug='toinen-alue'); "
            "Person.objects.create(area=a, first_name='Jaana', last_name='Jakaja', "
            "email='yhteinen@example.org'); "
            "Person.objects.create(area=b, first_name='Jussi', last_name='Jakaja', "
            "email='yhteinen@example.org'); "
            "Person.objects.create(area=a, first_name='Ylläpito', last_name='Ylläpitäjä', "
            "email='root@example.org'); "
            "User.objects.create_superuser('root', 'root@example.org', 'salasana-root-123')",
        ],
        app_env,
    )
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{idp_port}", "--noreload"],
            env=idp_env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{app_port}", "--noreload"],
            env=app_env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
    ]
    try:
        _wait(f"{idp}/o/.well-known/openid-configuration", processes[0])
        discovery = requests.get(f"{idp}/o/.well-known/openid-configuration", timeout=10).json()
        assert discovery["issuer"] == app_env["OIDC_ISSUER"]
        _wait(f"{app}/accounts/login/", processes[1])
        yield {"idp": idp, "app": app, "env": app_env}
    finally:
        for process in processes:
            process.terminate()
            process.communicate(timeout=10)


def _sign_in(servers, username: str, password: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    login_page = session.get(f"{servers['app']}/accounts/login/", timeout=10)
    assert "Testi-IdP" in login_page.text  # the button is offered
    start = re.search(r'href="(/oidc/authenticate/[^"]*)"', login_page.text).group(1)
    idp_login = session.get(servers["app"] + start, timeout=10)
    assert idp_login.url.startswith(servers["idp"] + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', idp_login.text).group(1)
    following = re.search(r'name="next" value="([^"]+)"', idp_login.text).group(1)
    answer = session.post(
        idp_login.url.split("?")[0],
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": following.replace("&amp;", "&"),
        },
        headers={"Referer": idp_login.url},
        timeout=20,
    )
    return session, answer


def test_sign_on_maps_the_email_to_a_known_person(servers):
    session, answer = _sign_in(servers, "anna", "idp-salasana-1")
    assert answer.url == servers["app"] + "/", answer.url
    home = session.get(servers["app"] + "/", timeout=10).text
    assert "Anna Kertakirjautuja" in home  # logged in, under the name from the provider
    linked = _run(
        [
            "manage.py",
            "shell",
            "-c",
            "from yhdyspinta.parties.models import Person; "
            "print(Person.objects.get(last_name='Kertakirjautuja').user.email)",
        ],
        servers["env"],
        text=True,
    )
    assert linked.stdout.strip().splitlines()[-1] == "anna.sso@example.org"


def test_sign_on_lets_nobody_in_whom_the_area_does_not_know(servers):
    session, answer = _sign_in(servers, "vieras", "idp-salasana-2")
    assert "/accounts/login/" in answer.url
    assert "sso=failed" in answer.url
    assert "Kertakirjautuminen ei löytänyt käyttäjätiliäsi" in answer.text
    assert "Kirjaudu ulos" not in session.get(servers["app"] + "/", timeout=10).text


def _refused(answer, text: str) -> None:
    assert "sso=failed" in answer.url, answer.url
    assert text in answer.text, answer.text[:2000]


def test_an_address_the_provider_has_not_verified_is_not_believed(servers):
    session, answer = _sign_in(servers, "vahvistamaton", "idp-salasana-3")
    _refused(answer, "Tunnistuspalvelu ei ole vahvistanut sähköpostiosoitettasi")
    assert "Kirjaudu ulos" not in session.get(servers["app"] + "/", timeout=10).text
    logged = _run(
        [
            "manage.py",
            "shell",
            "-c",
            "from yhdyspinta.accounts.models import UseLogEntry; "
            "print(UseLogEntry.objects.filter(action='login_failed').exclude(target='')"
            ".latest('at').target)",
        ],
        servers["env"],
        text=True,
    )
    assert "kertakirjautuminen: Tunnistuspalvelu ei ole vahvistanut" in logged.stdout


def test_an_address_two_people_share_is_refused_with_what_to_fix(servers):
    _session, answer = _sign_in(servers, "jaettu", "idp-salasana-4")
    _refused(answer, "yhteinen@example.org kuuluu täällä useammalle kuin yhdelle")
    linked = _run(
        [
            "manage.py",
            "shell",
            "-c",
            "from yhdyspinta.parties.models import Person; "
            "print(Person.objects.filter(last_name='Jakaja', user__isnull=False).count())",
        ],
        servers["env"],
        text=True,
    )
    assert linked.stdout.strip().splitlines()[-1] == "0"  # nobody linked


def test_the_provider_cannot_make_anyone_a_superuser(servers):
    session, answer = _sign_in(servers, "yllapito", "idp-salasana-5")
    _refused(answer, "Ylläpidon tunnuksella ei voi kirjautua näin")
    assert session.get(servers["app"] + "/admin/", timeout=10).url.endswith(
        "/admin/login/?next=/admin/"
    )


def test_logging_out_ends_the_providers_session_too(servers):
    session, answer = _sign_in(servers, "anna", "idp-salasana-1")
    assert answer.url == servers["app"] + "/"
    page = session.get(servers["app"] + "/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    out = session.post(
        servers["app"] + "/accounts/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": servers["app"] + "/"},
        timeout=20,
    )
    # Through the provider's end-session endpoint back to the app's front page.
    assert any(r.url.startswith(servers["idp"] + "/o/logout/") for r in out.history), [
        r.url for r in out.history
    ]
    assert out.url == servers["app"] + "/"
    # Signing on again asks for the password at the provider: its session has ended.
    login_page = session.get(f"{servers['app']}/accounts/login/", timeout=10)
    start = re.search(r'href="(/oidc/authenticate/[^"]*)"', login_page.text).group(1)
    again = session.get(servers["app"] + start, timeout=10)
    assert again.url.startswith(servers["idp"] + "/accounts/login/")
