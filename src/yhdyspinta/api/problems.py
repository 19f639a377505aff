"""Errors as RFC 9457 problem details, in English (`title`, `detail`) and in Finnish
(`title_fi`, `detail_fi`): the same body for every error of the API."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import translation
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

# A message: a string, or one translated when it is shown (gettext_lazy).
Text = str | StrPromise

CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    """Raised by an endpoint: a status, a short title and what went wrong, both lazily
    translatable (gettext_lazy), rendered in English and Finnish."""

    def __init__(
        self,
        status: int,
        title: Text,
        detail: Text = "",
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(str(title))
        self.status, self.title, self.detail = status, title, detail
        self.errors = errors or []  # each field's messages, for a refused form


def _both(text: Text) -> tuple[str, str]:
    with translation.override("en"):
        english = str(text)
    with translation.override("fi"):
        finnish = str(text)
    return english, finnish


def response(status: int, title: Text, detail: Text = "", **extra: object) -> JsonResponse:
    title_en, title_fi = _both(title)
    detail_en, detail_fi = _both(detail) if detail else ("", "")
    body = {
        "type": "about:blank",
        "title": title_en,
        "status": status,
        "detail": detail_en,
        "title_fi": title_fi,
        "detail_fi": detail_fi,
        **extra,
    }
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)


def not_found() -> Problem:
    return Problem(404, _("Not found"), _("No such resource."))


__all__ = ["CONTENT_TYPE", "Problem", "not_found", "response"]
