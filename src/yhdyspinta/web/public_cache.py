"""What the public sees, kept between writes.

A public page or API answer is the same for every visitor who is not logged in, until
the data under it changes. The whole country's visitors, crawlers and integrations ask
for the same few pages, so each is built once per version of the data and kept in the
default cache (the database's cache table: every app server finds it).

The version is a value in the cache: one for the installation and one for each area.
A page or answer of one area (its URL names the area) is kept under the installation's
version and that area's; any other (the home page, the list of areas, an indicator's
values) under the installation's and one that every area's write renews. Every
connection carries an execute wrapper: an INSERT, UPDATE or DELETE of a table of the
app's data, or any schema or bulk statement, asks for a new version once it is
committed (`transaction.on_commit`; a rolled-back write asks nothing; a statement
outside a transaction asks at once, or, if its rows are still to be read (RETURNING),
before the connection's next statement or at the end of the request). A write made
while a request of one area's pages or API is served (`AreaScope`: every row such a
request writes is that area's) renews that area's version, so that a write in one area
leaves every other area's kept pages as they are; any other write (the worker's, a
command's, an answer by a link, the admin's) renews the installation's. Writes of the
bookkeeping tables (sessions, the cache itself, the task queue and document jobs, login
attempts, the use log, an API token's last use, the users' accounts: the public is
never shown a user) ask nothing. The ORM, bulk updates,
raw SQL and the flush of tests all pass through the wrapper. A transaction that has
written and not yet committed does not use the cache at all, so it never reads a page
without its own change. A new version is a random value, so two writers never make the
same one. Keys also carry the language and the day, and expire after
`PUBLIC_CACHE_SECONDS`: what depends on the time of day ("upcoming") is at most that
old, and so is a page whose writer was killed between its commit and the new version.

A kept page carries a placeholder where the visitor's CSRF token goes; each visitor
gets their own token in its place (the language switch and the login form still work).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)
VERSION_KEY = "public-cache:version"
AREAS_KEY = f"{VERSION_KEY}:areas"  # renewed by every area's write
CSRF_PLACEHOLDER = "public-cache-csrf-token-placeholder"
# Tables whose rows are bookkeeping, never what a page shows: writing them is no change.
_BOOKKEEPING = (
    "django_session",
    "django_tasks_database",
    "axes_",
    "accounts_uselogentry",
    "accounts_apitoken",
    "web_documentjob",
    "yhdyspinta_cache",
    # Accounts (a login's time above all): the public is never shown a user.
    "auth_user",
)
_READS = frozenset(
    {
        "SELECT",
        "EXPLAIN",
        "SAVEPOINT",
        "RELEASE",
        "ROLLBACK",
        "BEGIN",
        "COMMIT",
        "SET",
        "SHOW",
        "PRAGMA",
    }
)
_TARGET = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


def _changes_data(sql: str) -> bool:
    words = sql.lstrip().split(None, 1)
    if not words or words[0].upper() in _READS:
        return False
    target = _TARGET.match(sql)
    return not (target and target.group(1).lower().startswith(_BOOKKEEPING))


def _changed_nothing(sql: str, context) -> bool:
    """An UPDATE or DELETE that matched no row (the worker's sweep of stale claims, run
    every time): its row count says so. Not trusted where rows are still to be read
    (RETURNING: SQLite counts them only as they are read), nor for INSERT."""
    if sql.lstrip()[:6].upper() not in ("UPDATE", "DELETE") or _RETURNING.search(sql):
        return False
    return getattr(context["cursor"], "rowcount", -1) == 0


# The area whose request is being served, if its URL names one: its writes are its own.
scope: ContextVar[str | None] = ContextVar("public_cache_scope", default=None)


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# An area's version outlives every page kept under it (PUBLIC_CACHE_SECONDS) and then
# expires, so that versions asked for areas that do not exist (an API address may name
# anything) do not pile up: a version that expires is made anew, and the pages with it.
AREA_VERSION_SECONDS = 24 * 3600


def _slug(value: object) -> str | None:
    """An area's slug as a URL names it, or None for anything that could not be one."""
    return value if isinstance(value, str) and _SLUG.fullmatch(value) else None


def _area_key(slug: str) -> str:
    return f"{VERSION_KEY}:area:{slug}"


def new_version(area: str | None = None) -> None:
    """Every kept page and answer of this area (and those of no one area) is out of date
    from now on; without an area, every one."""
    fresh = uuid.uuid4().hex
    try:
        if area:
            cache.set(_area_key(area), fresh, AREA_VERSION_SECONDS)
            cache.set(AREAS_KEY, fresh, None)
        else:
            cache.set(VERSION_KEY, fresh, None)
    except DatabaseError as error:  # before `createcachetable` (migrating a new database)
        logger.info("No new version of the public pages: %s", error)


@dataclass(frozen=True)
class _Renew:
    """A connection's wish for a new version at its commit, once per area."""

    area: str | None

    def __call__(self) -> None:
        new_version(self.area)


def _asked(connection) -> set[str | None]:
    return {
        callback.area
        for _ids, callback, _robust in connection.run_on_commit
        if isinstance(callback, _Renew)
    }


def _pending(connection) -> bool:
    return bool(_asked(connection))


def _ask(connection, area: str | None) -> None:
    """A new version once this connection's writes are committed: at the commit of its
    transaction, or now if it has none."""
    if not connection.in_atomic_block:
        new_version(area)
    elif area not in _asked(connection):
        connection.on_commit(_Renew(area), robust=True)


def _ask_if_unsaid(connection) -> None:
    unsaid = getattr(connection, "public_cache_unsaid", None)
    if unsaid is not None:
        connection.public_cache_unsaid = None
        _ask(connection, unsaid[0])


def _track(execute, sql, params, many, context):
    connection = context["connection"]
    _ask_if_unsaid(connection)
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _changes_data(sql) and not _changed_nothing(sql, context):
        if connection.in_atomic_block or not _RETURNING.search(sql):
            _ask(connection, scope.get())
        else:
            # Committed on its own, but its rows are still to be read, and on SQLite a
            # statement of the cache's own now would lose them: the new version is made
            # before the connection's next statement, or at the end of the request.
            connection.public_cache_unsaid = (scope.get(),)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _track not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track)


def _request_finished(sender, **kwargs) -> None:
    for connection in connections.all(initialized_only=True):
        _ask_if_unsaid(connection)


connection_created.connect(_install, dispatch_uid="yhdyspinta-public-cache")
request_finished.connect(_request_finished, dispatch_uid="yhdyspinta-public-cache")


def _current(keys: list[str]) -> dict[str, str] | None:
    """The version keys' values, each made when missing, in one read of the cache; None
    where the cache must not be used: it is off, or this transaction has written and not
    committed yet."""
    connection = connections[DEFAULT_DB_ALIAS]
    _ask_if_unsaid(connection)
    if settings.PUBLIC_CACHE_SECONDS <= 0 or _pending(connection):
        return None
    current = cache.get_many(keys)
    if len(current) < len(keys):
        for missing in set(keys) - current.keys():
            timeout = AREA_VERSION_SECONDS if missing.startswith(_area_key("")) else None
            cache.add(missing, uuid.uuid4().hex, timeout)
        current = cache.get_many(keys)
    return current


def version(area: str | None = None) -> str | None:
    """The version of the data of this area's pages (without an area: of the pages of no
    one area), or None where the cache must not be used (_current)."""
    keys = [VERSION_KEY, _area_key(area) if area else AREAS_KEY]
    current = _current(keys)
    return None if current is None else ".".join(current[k] for k in keys)


def versions(areas: list[str]) -> dict[str, str | None]:
    """`version(area)` of many areas at once, read in one query of the cache."""
    current = _current([VERSION_KEY, *(_area_key(a) for a in areas)])
    if current is None:
        return dict.fromkeys(areas)
    return {a: f"{current[VERSION_KEY]}.{current[_area_key(a)]}" for a in areas}


def _area_of(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return _slug(match.kwargs.get("area")) if match is not None else None


def key(request: HttpRequest, kind: str) -> str | None:
    """The cache key of this request's public answer, or None: not to be kept."""
    current = version(_area_of(request))
    if current is None:
        return None
    what = repr(
        (
            request.build_absolute_uri(),  # the host and scheme too: links are built on them
            get_language(),
            timezone.localdate().isoformat(),
            request.headers.get("HX-Request", ""),
            settings.SITE_URL,
        )
    )
    return f"public-{kind}:{current}:{hashlib.sha256(what.encode()).hexdigest()[:32]}"


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def page(request: HttpRequest, build: Callable[[], HttpResponse]) -> HttpResponse:
    """An anonymous visitor's GET of a public page: the kept copy of this version, or
    the page built now (and kept if it is a plain HTML 200 that sets no cookie)."""
    cache_key = key(request, "page") if not _has_messages(request) else None
    kept = cache.get(cache_key) if cache_key else None
    if kept is None:
        setattr(request, "public_cache_placeholder", True)  # noqa: B010  # read by AreaMixin
        response = build()
        if hasattr(response, "render"):
            response.render()
        if not (
            cache_key
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and response["Content-Type"].startswith("text/html")
        ):
            return _with_token(request, response)
        kept = (response.content, response["Content-Type"])
        cache.set(cache_key, kept, settings.PUBLIC_CACHE_SECONDS)
    content, content_type = kept
    return _with_token(request, HttpResponse(content, content_type=content_type))


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.streaming or CSRF_PLACEHOLDER.encode() not in response.content:
        return response
    response.content = response.content.replace(
        CSRF_PLACEHOLDER.encode(), get_token(request).encode()
    )
    return response


def answer(request: HttpRequest, build: Callable[[], object]) -> object:
    """An anonymous API answer (its data before serialising), kept per version."""
    cache_key = key(request, "api")
    kept = cache.get(cache_key) if cache_key else None
    if kept is None:
        kept = build()
        if cache_key:
            cache.set(cache_key, kept, settings.PUBLIC_CACHE_SECONDS)
    return kept


class AreaScope:
    """Middleware: while a request whose URL names an area is served, the writes it
    makes renew that area's version only (`scope`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = scope.set(None)
        try:
            return self.get_response(request)
        finally:
            scope.reset(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        scope.set(_slug(view_kwargs.get("area")))
