"""Fixtures of the party-portal tests: SMS through the file backend (the gateway's stand-in, read like a phone),
fresh rate-limit counters, and helpers to sign a party in through the real pages."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from messaging.models import Message
from tests.credit.conftest import credit_case, listed  # the credit app's fixtures, for correction requests

APPLICANT_ID = "11010519491231002X"
APPLICANT_PHONE = "13800000001"


@pytest.fixture(autouse=True)
def portal_env(settings, tmp_path):
    settings.SMS_BACKEND = "messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.PORTAL_SIGNIN_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def deliver() -> None:
    """What the Celery worker does after commit: send every queued message through the backend."""
    from messaging.services import message_send

    for m in Message.objects.filter(status="queued").order_by("id"):
        message_send(message_id=m.pk)


def sms_lines(settings) -> list[dict]:
    from pathlib import Path

    path = Path(settings.SMS_FILE_PATH)
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def last_code(settings, to: str = APPLICANT_PHONE) -> str:
    deliver()
    texts = [line["text"] for line in sms_lines(settings) if line["to"] == to]
    assert texts, f"no SMS to {to}"
    return re.search(r"验证码为(\d{6})", texts[-1]).group(1)


def request_code(client, case_number: str, id_number: str = APPLICANT_ID):
    return client.post("/portal/", {"case_number": case_number, "id_number": id_number})


def sign_in(client, settings, case, id_number: str = APPLICANT_ID, phone: str = APPLICANT_PHONE):
    response = request_code(client, case.number, id_number)
    assert response.status_code == 200
    response = client.post("/portal/code/", {"code": last_code(settings, phone)})
    assert response.status_code == 302 and response["Location"] == "/portal/case/", response.content[:500]
    return response


@pytest.fixture
def portal_case(make_case):
    return make_case()


__all__ = ["credit_case", "listed"]
