"""What every write of the API shares: the token that writes, the version it was made
on (If-Match), and a service's refusal as a problem."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.models import Area

from .caller import Caller
from .common import caller_of
from .problems import Problem


def writer(request: HttpRequest, area: Area) -> Caller:
    caller = caller_of(request)
    if caller.token is None:
        raise Problem(401, _("Unauthorized"), _("Writing needs an API token."))
    if caller.token.area_id != area.pk:
        raise PermissionDenied
    return caller


def if_match(request: HttpRequest, detail: str | Promise) -> str:
    """The version the change was made on; a change without one is refused (428)."""
    wanted = request.headers.get("If-Match", "")
    if not wanted:
        raise Problem(428, _("Precondition required"), detail)
    return wanted


def refused(error: ValidationError) -> Problem:
    """A service's refusal of values: 400 with the fields; a frozen record's, 409."""
    if not hasattr(error, "error_dict"):
        return Problem(409, _("Conflict"), " ".join(error.messages))
    problem = Problem(400, _("Bad request"), _("Some fields are not valid."))
    problem.errors = [
        {"field": field, "message": " ".join(messages)}
        for field, messages in error.message_dict.items()
    ]
    return problem
