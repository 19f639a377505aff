"""The API's contract is its behaviour: every operation of the OpenAPI document is
called as the anonymous public, with a token that is not valid, with a member's token
(reads, never writes), with the coordinator network's secretary's (writes), with ids
that do not exist and with a malformed parameter; every status it answers is one the
document declares for it, and a problem answer is problem+json. Reading needs no token
(the document says so), writing does."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def _url(path: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    return path


def test_every_answer_of_every_operation_is_in_the_document(client, demo_ids, issue_token):
    document = client.get("/api/v1/openapi.json").json()
    ids = {name: str(value) for name, value in demo_ids.items()}
    missing = dict.fromkeys(ids, "999999") | {"area": "ei-ole"}
    callers = {
        "anonymous": {},
        "bad token": {"HTTP_AUTHORIZATION": "Bearer ei-kelpaa"},
        "member": {"HTTP_AUTHORIZATION": f"Bearer {issue_token('jasen')}"},
        "secretary": {"HTTP_AUTHORIZATION": f"Bearer {issue_token('sihteeri')}"},
    }
    seen: set[int] = set()
    undocumented = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = set(operation["responses"])
            calls = [(who, _url(path, ids), headers) for who, headers in callers.items()]
            if "{" in path:
                calls.append(("unknown ids", _url(path, missing), callers["secretary"]))
            if method == "get":
                calls.append(("malformed", _url(path, ids) + "?page=0", callers["secretary"]))
            for who, url, headers in calls:
                cache.clear()  # the rate limit is its own check
                response = client.generic(
                    method.upper(), url, data="{}", content_type="application/json", **headers
                )
                seen.add(response.status_code)
                if str(response.status_code) not in declared:
                    undocumented.append(f"{method.upper()} {url} ({who}): {response.status_code}")
                if response.status_code >= 400:
                    assert response["Content-Type"] == "application/problem+json", url
                assert response.status_code < 500, url
            writes = method != "get"
            # Reading is open to all (security optional); writing needs the token.
            assert ({} in operation["security"]) == (not writes), operation["operationId"]
    assert not undocumented, "\n".join(undocumented)
    assert {200, 400, 401, 403, 404} <= seen  # the calls reached every kind of answer
    assert "Problem" in document["components"]["schemas"]
