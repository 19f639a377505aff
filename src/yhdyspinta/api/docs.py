"""The API's documentation page, /api/v1/docs: every endpoint of the OpenAPI document
(its method, path, what it does, its parameters and answers) rendered on the server in
the site's own accessible layout, instead of a JavaScript explorer (Swagger UI failed
axe-core: no page language, low contrast, controls nested in controls). The schema is
the one /api/v1/openapi.json serves, so the page and the document cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from yhdyspinta.core.markup import render_markdown

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    place: str  # path, query, header
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    body: str  # the request body's schema name, if any
    responses: list[tuple[str, str]]  # (status, description)


def _type(schema: dict[str, Any]) -> str:
    """A parameter's type in a few words ("integer", "string (date-time)", ...)."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " | ".join(kinds)
    kind = str(schema.get("type", ""))
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    if schema.get("enum"):
        return f"{kind}: " + ", ".join(str(v) for v in schema["enum"])
    return kind


def operations(schema: dict[str, Any]) -> list[tuple[str, list[Operation]]]:
    """The schema's operations grouped by their first tag, in the document's order."""
    groups: dict[str, list[Operation]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            groups.setdefault((op.get("tags") or ["api"])[0], []).append(
                Operation(
                    anchor=op.get("operationId", f"{method}-{path}"),
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=[
                        Parameter(
                            name=p["name"],
                            place=p["in"],
                            required=bool(p.get("required")),
                            type=_type(p.get("schema", {})),
                            description=p.get("description", ""),
                        )
                        for p in op.get("parameters", [])
                    ],
                    body=_type(body.get("schema", {})) if body else "",
                    responses=[
                        (status, answer.get("description", ""))
                        for status, answer in op.get("responses", {}).items()
                    ],
                )
            )
    return list(groups.items())


class ReadableDocs(DocsBase):
    """django-ninja's docs hook: our page in place of Swagger UI."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "info": schema.get("info", {}),
                "description": render_markdown(schema.get("info", {}).get("description", "")),
                "groups": operations(schema),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
