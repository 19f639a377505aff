"""The open API, version 1 (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json, a
browsable page at /api/v1/docs).

Anonymous callers get exactly what the public pages show, never a person's data, under
CC BY 4.0; a token of an area's user sees what that user sees in the app, in that area.
Lists are paged (at most MAX_PAGE_SIZE rows) and filter by updated-since; every answer
carries an ETag and answers If-None-Match (middleware.py); errors are RFC 9457 problem
details in English and Finnish; calls are rate-limited per token and per anonymous
client; no CORS header is sent, so browsers on other sites cannot read it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.types import DictStrAny

from . import problems
from .caller import AnonymousThrottle, TokenOrPublic, TokenThrottle
from .common import LICENCE, MAX_PAGE_SIZE
from .docs import ReadableDocs
from .problems import Problem
from .routers import clock, indicators, meetings, national, obligations, programme, structure

# The problems each operation answers with, besides its success, so that the document
# is the API's behaviour (tests/test_contract.py calls every operation to check it).
# Every call: a token that is not valid (401), a malformed parameter (400), too many
# calls (429); a path with an id or a slug: 404; a GET: 304 to If-None-Match.
EVERY_CALL = (400, 401, 429)
PROBLEMS: dict[str, tuple[int, ...]] = {
    "attendance": (403,),  # the sheet is for the area's users
    "meeting_create": (403,),
    "meeting_update": (403, 412, 428),
    "agenda_item_create": (403, 409),
    "attendance_put": (403, 409, 412, 428),
    "minutes_attach": (403, 409),
    "measure_report": (403, 412),
}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details, in English and Finnish.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "title_fi": {"type": "string"},
        "detail_fi": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "required": ["type", "title", "status", "detail", "title_fi", "detail_fi"],
}
DESCRIPTIONS = {
    304: "Not modified: the ETag given in If-None-Match is still current.",
    400: "Bad request: a parameter or field is missing or malformed.",
    401: "Unauthorized: the token is not valid (or a write came without one).",
    403: "Forbidden: the token's user may not do this in this area.",
    404: "Not found: no such area or row (or not one the caller may see).",
    409: "Conflict: the state of the row refuses the change.",
    412: "Precondition failed: someone changed it since the version given.",
    428: "Precondition required: give the version in If-Match.",
    429: "Too many requests: slow down and try again.",
}


class _API(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Each operation's id is its function's name (unique across the routers), so
        that moving an endpoint between modules does not change the contract."""
        return str(operation.view_func.__name__)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: DictStrAny | None = None
    ) -> OpenAPISchema:
        """The generated document, with each operation's problem answers and with
        reading open to all: a token is optional for a read, needed for a write."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                name = operation["operationId"]
                statuses = set(EVERY_CALL) | set(PROBLEMS.get(name, ()))
                if "{" in path:
                    statuses.add(404)
                for status in sorted(statuses):
                    operation["responses"].setdefault(
                        str(status), {"description": DESCRIPTIONS[status], "content": problem}
                    )
                if method == "get":  # a read: conditional, and needs no token
                    operation["responses"].setdefault("304", {"description": DESCRIPTIONS[304]})
                    operation["security"] = [{}, {"TokenOrPublic": []}]
        return schema


api = _API(
    title="Yhdyspinta API",
    version="1",
    description=(
        "The cooperation structure of Finland's wellbeing services counties and their "
        "municipalities on health and wellbeing promotion (hyte): areas, organisations, "
        "bodies, meetings, published minutes, programmes, indicators, the annual clock "
        "and the statutory obligations. Without a token you get what the public pages "
        f"show (no person's data), under {LICENCE}. With `Authorization: Bearer <token>` "
        "(issued by the area administrator) you see what that user sees in the app."
    ),
    urls_namespace="api",
    docs=ReadableDocs(),
    auth=TokenOrPublic(),
    throttle=[
        AnonymousThrottle(settings.API_ANONYMOUS_RATE),
        TokenThrottle(settings.API_TOKEN_RATE),
    ],
)


# --- errors ---------------------------------------------------------------------------


@api.exception_handler(Problem)
def _problem(request: HttpRequest, error: Problem) -> HttpResponse:
    extra = {"errors": error.errors} if getattr(error, "errors", None) else {}
    return problems.response(error.status, error.title, error.detail, **extra)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    fields = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg", "")}
        for e in error.errors
    ]
    return problems.response(
        400, _("Bad request"), _("A parameter is missing or malformed."), errors=fields
    )


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problems.response(401, _("Unauthorized"), _("The API token is not valid."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problems.response(404, _("Not found"), _("No such resource."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return problems.response(
        403, _("Forbidden"), _("The token's user may not do this in this area.")
    )


@api.exception_handler(HttpError)
def _http(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 429:
        return problems.response(429, _("Too many requests"), _("Slow down and try again."))
    return problems.response(error.status_code, _("Error"), str(error))


for app in (structure, meetings, programme, indicators, clock, obligations, national):
    api.add_router("", app.router)

__all__ = ["MAX_PAGE_SIZE", "api"]
