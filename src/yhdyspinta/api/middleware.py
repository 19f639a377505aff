"""ETag and If-None-Match for the API's answers and the calendar feeds (Django's
ConditionalGetMiddleware, applied to /api/ and to .ics only): a client that has the
current answer gets 304 and no body."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not (request.path.startswith("/api/") or request.path.endswith(".ics")):
            return response
        return super().process_response(request, response)
