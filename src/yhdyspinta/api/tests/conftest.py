"""The API tests' shared callers and ids: tokens issued by their holders as the page
issues them, and the demo's rows that the paths name."""

import pytest
from django.core.cache import cache

from yhdyspinta.accounts import services as accounts
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.indicators.models import SotkanetIndicator
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.programme.models import Measure


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def issue_token(demo, django_user_model):
    """A demo user's token, issued by the user in their own name as the page does."""

    def issue(username: str, area=None, name: str = "", days: int = 30) -> str:
        area = area or demo["nk"]
        user = django_user_model.objects.get(username=username)
        return accounts.api_token_issue(
            access=Access(user), area=area, name=name or username, days=days
        )

    return issue


@pytest.fixture
def token(issue_token):
    """A member's token (reads, never writes)."""
    return issue_token("jasen", name="Asianhallinta")


@pytest.fixture
def secretary_token(issue_token):
    """The coordinator network's secretary's token (writes)."""
    return issue_token("sihteeri", name="Kalenteri")


@pytest.fixture
def demo_ids(demo) -> dict[str, str | int]:
    """The demo's rows for the paths' parameters."""
    body = Body.objects.get(area=demo["nk"], level=Level.COORDINATOR_NETWORK)
    return {
        "area": demo["nk"].slug,
        "body_id": body.pk,
        "meeting_id": Meeting.objects.filter(body=body).order_by("-starts_at")[0].pk,
        "measure_id": Measure.objects.filter(goal__priority__programme__area=demo["nk"])[0].pk,
        "indicator": SotkanetIndicator.objects.all()[0].pk,
    }
