"""The use log: who did what, when and from where. Each entry is a database row (the
area administrator reads and exports it) and a structured log line (JSON) for the
installation's log collection. Entries older than USE_LOG_RETENTION_DAYS are removed by
`manage.py prune_use_log`."""

from __future__ import annotations

import functools
import ipaddress
import json
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from yhdyspinta.areas.models import Area

from .middleware import mark_seen
from .models import UseLogEntry

__all__ = ["address_in", "client_ip", "from_trusted_proxy", "record", "record_people_view"]

logger = logging.getLogger("yhdyspinta.use")
Action = UseLogEntry.Action


def client_ip(request) -> str | None:
    """The client's real address: REMOTE_ADDR, unless it is one of our own proxies
    (TRUSTED_PROXIES). Then X-Forwarded-For is read from the right, where each proxy
    appended the address it saw, past our own proxies, to the first address none of them
    is: what comes before it is the client's own word, never read. Only an address:
    anything else in the header is not believed (the socket's is used). The use log, the
    login lockout and the API's rate limit all read it, so a client cannot step past a
    limit by writing a new X-Forwarded-For on every call."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is None or not _trusted(remote):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([hop.strip() for hop in hops if hop.strip()]):
        address = _address(hop)
        if address is None:
            return remote
        if not _trusted(address):
            return address
    return remote


def from_trusted_proxy(request) -> bool:
    """Whether the request came from one of our own proxies (TRUSTED_PROXIES)."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    return remote is not None and _trusted(remote)


def _address(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(text or ""))
    except ValueError:
        return None


def _trusted(address: str) -> bool:
    return address_in(address, settings.TRUSTED_PROXIES)


def address_in(address: str, networks: list[str]) -> bool:
    """Whether an address is one of these addresses or networks ("10.0.0.0/8")."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(networks)))


@functools.cache
def _networks(proxies: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(proxy, strict=False) for proxy in proxies]


def record(
    request,
    action: str,
    *,
    area: Area | None = None,
    target: str = "",
    user=None,
    username: str = "",
) -> UseLogEntry:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    entry = UseLogEntry.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        area=area,
        action=action,
        target=str(target)[:300],
        path=(request.get_full_path() if request is not None else "")[:500],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
    )
    logger.info(
        json.dumps(
            {
                "event": "use",
                "at": entry.at.isoformat(),
                "user": entry.username,
                "action": action,
                "area": area.slug if area else None,
                "target": entry.target,
                "path": entry.path,
                "ip": entry.ip_address,
            },
            ensure_ascii=False,
        )
    )
    return entry


def record_people_view(request, area: Area, target: str, *, export: bool = False) -> None:
    """A page, document or export that shows people's data was read by a user."""
    record(request, Action.EXPORT if export else Action.VIEW, area=area, target=target)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_seen(request.session)  # the idle timeout starts now
    by_provider = getattr(user, "backend", "").endswith("oidc.PersonEmailBackend")
    record(request, Action.LOGIN, user=user, target=_("single sign-on") if by_provider else "")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, Action.LOGOUT, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(request, Action.LOGIN_FAILED, username=str(credentials.get("username", "")))


@receiver(pre_create_historical_record, dispatch_uid="yhdyspinta-history-by-token")
def _by_token(sender, history_instance, **kwargs) -> None:
    """A row written through the API with a token says so in its history: which token,
    and who issued it. The history names the token's user as the one who wrote; an
    administrator who issued a token in another user's name is named beside them, so
    that acting through someone else's token is never hidden."""
    request = getattr(HistoricalRecords.context, "request", None)
    token = getattr(request, "api_token", None)
    if token is None or history_instance.history_change_reason:
        return
    reason = _("Through the API, token %(prefix)s… issued by %(issuer)s: %(name)s") % {
        "prefix": token.prefix,
        "issuer": token.created_by.get_username() if token.created_by else "—",
        "name": token.name,
    }
    history_instance.history_change_reason = reason[:100]  # the field's length
