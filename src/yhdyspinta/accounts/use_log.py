"""The use log: who did what, when and from where. Each entry is a database row (the
area administrator reads and exports it) and a structured log line (JSON) for the
installation's log collection. Entries older than USE_LOG_RETENTION_DAYS are removed by
`manage.py prune_use_log`."""

from __future__ import annotations

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

__all__ = ["client_ip", "record", "record_people_view"]

logger = logging.getLogger("yhdyspinta.use")
Action = UseLogEntry.Action


def client_ip(request) -> str | None:
    """The client's real address: REMOTE_ADDR, or behind PROXY_COUNT proxies of our own
    the address X-Forwarded-For got from the nearest of them (each proxy appends the
    address it saw; what comes before is the client's own word, never read). Only an
    address: anything else in the header is not believed (the socket's is used). The
    use log and the API's rate limit both read it, so a client cannot step past the limit
    by writing a new X-Forwarded-For on every call."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR"))
    count = settings.PROXY_COUNT
    if not count:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return (_address(hops[-count]) if len(hops) >= count else None) or remote


def _address(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(text or ""))
    except ValueError:
        return None


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
    record(request, Action.LOGIN, user=user)


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
