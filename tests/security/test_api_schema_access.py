"""The API schema and its documentation page map every endpoint: only a signed-in user (session or token) sees them."""

from __future__ import annotations

from django.test import Client

from accounts.models import ApiToken
from tests.conftest import login


def test_anonymous_gets_neither_the_schema_nor_the_docs(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 401 and b"/api/v1/" not in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=/api/docs/")


def test_a_signed_in_user_reads_the_schema_and_the_docs(client, org):
    login(client, org.officer)
    assert "/api/v1/cases/" in client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_an_api_client_reads_the_schema_with_its_token(org):
    token = ApiToken.objects.create(user=org.clerk)[1]
    response = Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200 and "/api/v1/auth/tokens/" in response.json()["paths"]
    assert "apiToken" in response.json()["components"]["securitySchemes"]
