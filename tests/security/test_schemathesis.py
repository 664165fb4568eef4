"""Schemathesis against the live WSGI app and its own OpenAPI schema (/api/schema/, which needs a signed-in user: the
same document is generated here in-process), once per role.

For every documented operation and every role (officer, clerk, chief, finance, court administrator, each with an API
token) a bounded, derandomized set of generated requests must get: no 5xx, only documented status codes, bodies that
match the documented schema, and for a 400 a JSON object keyed by field names. The requests run inside the test's
transaction on top of the audit world (tests/security/conftest.py), so real records exist and nothing is kept.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.renderers import JSONRenderer

from accounts.models import ApiToken
from enforcement.wsgi import application

ROLES = ("officer", "clerk", "chief", "finance", "court_admin")
MAX_EXAMPLES = 6


def _load_schema():
    """What GET /api/schema/ serves a signed-in user, as JSON (the endpoint refuses an anonymous loader)."""
    import json

    document = json.loads(JSONRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    loaded.location = "/api/schema/"
    return loaded


schema = _load_schema()

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


@pytest.fixture
def tokens(world, db):
    # The WSGI handler closes "old" connections at each request's start and end; the test client does not. Here the
    # app runs in the test's own transaction, so keep the connection for the duration of the test.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {role: ApiToken.objects.create(user=world.users[role], device="schemathesis")[1] for role in ROLES}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def assert_field_errors(response) -> None:
    """A 400 names what was wrong: a JSON object whose keys are field names (or non_field_errors)."""
    if response.status_code != 400:
        return
    body = response.json()
    assert isinstance(body, dict) and body, f"400 without field names: {response.text[:300]}"
    for key, value in body.items():
        assert isinstance(key, str) and key, f"400 with an empty field name: {body}"
        assert value not in (None, "", []), f"400 with no message for {key!r}: {body}"


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, role, tokens):
    if case.path in ("/api/v1/auth/token/revoke/", "/api/v1/auth/tokens/") and case.method == "DELETE":
        pytest.skip("revoking the token would sign the test user out for the following examples")
    response = case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)
    assert_field_errors(response)
