"""The one way a service refuses a caller: it asks `accounts.permissions.Access` (or,
below accounts, a protocol of it) and passes the answer here."""

from django.core.exceptions import PermissionDenied


def require(allowed: bool) -> None:
    """Refuse (PermissionDenied: 403 on a page and in the API) unless `allowed`."""
    if not allowed:
        raise PermissionDenied
