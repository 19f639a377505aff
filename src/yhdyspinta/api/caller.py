"""Who calls the API: the public (no token) or one user of one area (an API token of
accounts.ApiToken). The caller's Access decides what each endpoint shows, exactly as
the app's pages do: a token's user sees people in the token's area only."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from yhdyspinta.accounts import services as accounts
from yhdyspinta.accounts.models import ApiToken
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.accounts.use_log import client_ip
from yhdyspinta.accounts.visibility import PUBLIC, Audience
from yhdyspinta.areas.models import Area

from .problems import Problem


@dataclass
class Caller:
    access: Access
    token: ApiToken | None = None

    def audience(self, area: Area) -> Audience:
        if self.token is None or self.token.area_id != area.pk:
            return PUBLIC
        return Audience.of(self.access, area)

    @property
    def user(self) -> User:
        """The token's user: a write is made by a token, never by the public."""
        if self.token is None:
            raise Problem(401, _("Unauthorized"), _("Writing needs an API token."))
        return self.token.user

    def sees_private(self, area: Area) -> bool:
        return (
            self.token is not None
            and self.token.area_id == area.pk
            and (self.access.can_view_private(area))
        )


class TokenOrPublic(HttpBearer):
    """`Authorization: Bearer <token>`, or nothing (the public). A token that is
    invalid, expired or revoked is refused, never treated as the public."""

    def __call__(self, request: HttpRequest) -> Caller:
        if not request.headers.get("Authorization"):
            request.user = AnonymousUser()
            return Caller(Access(AnonymousUser()))
        caller: Caller | None = super().__call__(request)
        if caller is None:
            raise Problem(
                401, _("Unauthorized"), _("Give the token as: Authorization: Bearer <token>.")
            )
        return caller

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = accounts.api_token_find(token)
        if problem := accounts.api_token_problem(found):
            raise Problem(401, _("Unauthorized"), problem)
        if found is None:  # api_token_problem says so above; this tells the type checker
            raise Problem(401, _("Unauthorized"))
        accounts.api_token_used(found)
        request.user = found.user  # the history of what it writes names the user
        request.api_token = found  # type: ignore[attr-defined]  # and the token (use_log)
        return Caller(Access(found.user), found)


class AnonymousThrottle(SimpleRateThrottle):
    """The public, per client address (accounts.use_log.client_ip: the address our own
    proxy saw, never what the client writes into X-Forwarded-For)."""

    scope = "anonymous"

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        if caller is not None and caller.token is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(SimpleRateThrottle):
    """A token, however many addresses it calls from."""

    scope = "token"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        if caller is None or caller.token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": caller.token.pk}
