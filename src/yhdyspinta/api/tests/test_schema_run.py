"""A property-based run of the OpenAPI document against the app (schemathesis): for
every operation, requests generated from the document, valid ones (with the demo's ids in
the path, and with ids generated) and invalid ones, each sent anonymously and with a
coordinator network secretary's token. Every answer must be a status the document
declares for the operation, of the content type and in the schema it declares, and
never a server error. The writes are made in the test's transaction."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yhdyspinta.api.api import api

pytestmark = [pytest.mark.django_db, pytest.mark.once]

# Generated cases per operation, each sent twice; run in the PostgreSQL pass (CI's backend).
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
OPERATIONS = [
    (path, method.upper())
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
]


@pytest.fixture
def api_schema(settings):
    """The document the app serves, run against the app in this test's transaction (as
    Django's test client does, the end of a request does not close the connection)."""
    settings.ALLOWED_HOSTS = ["*"]
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = get_wsgi_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_generated_requests_get_only_declared_answers(
    api_schema, demo_ids, secretary_token, path, method
):
    operation = api_schema[path][method]
    in_path = {name: value for name, value in demo_ids.items() if "{" + name + "}" in path}
    cases = st.one_of(
        operation.as_strategy(path_parameters=in_path),
        operation.as_strategy(),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    )
    answered: set[int] = set()

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for headers in ({}, {"Authorization": f"Bearer {secretary_token}"}):
            cache.clear()  # the rate limit is tested on its own
            response = case.call(headers=headers)
            answered.add(response.status_code)
            case.validate_response(response, checks=CHECKS, headers=headers)

    run()
    assert any(status < 300 for status in answered) or method != "GET", answered
