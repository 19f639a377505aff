import os

import pytest
from django.test import override_settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still
# be usable from it in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo areas once into the test database; each test runs in a
    transaction that is rolled back, so every test sees them unchanged."""
    from yhdyspinta.demo.loader import load_all

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        load_all()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.LANGUAGE_CODE = "fi"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def demo(db):
    """The demo areas, as `make run` loads them."""
    from yhdyspinta.areas.models import Area

    return {
        "nk": Area.objects.get(slug="pohjois-karjala"),
        "es": Area.objects.get(slug="etela-savo"),
    }


@pytest.fixture
def login(client):
    """Log the test client in as a demo user by username."""
    from django.contrib.auth import get_user_model

    def _login(username: str):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        return user

    return _login


@pytest.fixture
def deliver():
    """Run the outbox worker's task in the test (messages are queued with the change and
    sent by the worker after commit); returns the sent mail."""
    from django.core import mail

    from yhdyspinta.communications.services import deliver_due

    def _deliver():
        deliver_due()
        return mail.outbox

    return _deliver
