"""Writes that happen once: the ``Idempotency-Key`` header of the API and the one-time token of page forms.

One mechanism for both. A request that carries a key first *claims* ``(user, key, endpoint)`` with
``INSERT ... ON CONFLICT DO NOTHING`` inside the transaction that does the work, then does the work, then stores its
result (the API response's status and body, or the page's redirect address) in the same row, and commits. So:

* a repeat after the first has committed finds the row and gets the first result back (no second row is created);
* a repeat *while the first is still running* (a double click, a client retrying after its own timeout) blocks on
  the unique index until the first commits, then finds the row and gets the first result back; if the first failed
  (rolled back), the claim vanished with it and the repeat simply does the work;
* the same key with a different request (another body) is refused: 422 in the API, a form error on a page;
* only successful work is remembered: a request refused with 4xx leaves no claim, so the corrected retry runs.

Keys are scoped by user and endpoint, so one user's key can never replay another user's answer. Claims older than
``RETENTION`` are pruned daily (``core.tasks.idempotency_prune``).

Why not a library: drf-idempotency (1.0.0) keys records globally, not per user (a second user sending the same key
and body gets the first user's response), holds its claim in a separate transaction from the view's work (a crash
between the two leaves a stuck or lost claim), answers a concurrent repeat with an error instead of the result, and
has nothing for page forms; django-idempotency-key keeps keys in the cache with a check-then-set race.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HEADER = "Idempotency-Key"
FORM_FIELD = "form_token"
KEY_MAX_LENGTH = 80
RETENTION = timedelta(days=7)

KEY_MESSAGE = _("Use a key of 1 to 80 visible ASCII characters.")
REUSED_MESSAGE = _("This idempotency key was already used for a different request.")
FORM_REUSED_MESSAGE = _("This form was already submitted with different content. Open the form again to enter a new "
                        "record.")


class KeyReused(Exception):
    """The key was claimed by a request with other content."""


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


class _Refused(Exception):
    """Raised inside the claim's transaction to roll it back while keeping the work's (non-2xx) result."""

    def __init__(self, result):
        self.result = result


def clean_key(raw) -> str:
    """The key as sent, or ValidationError if it is empty, too long, or not printable ASCII."""
    key = (raw or "").strip()
    if not key or len(key) > KEY_MAX_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise ValidationError(KEY_MESSAGE, code="invalid")
    return key


def fingerprint(*parts) -> str:
    text = json.dumps(parts, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run_once(*, user, key: str, endpoint: str, fingerprint: str, work: Callable[[], tuple[int, Any]]) -> Outcome:
    """Do ``work`` (returning ``(status, json-able body)``) once per ``(user, key, endpoint)``.

    The claim, the work and the stored result share one transaction. ``work`` may raise (nothing is remembered) or
    return a status >= 400 (returned, but not remembered). Raises ``KeyReused`` for the same key with another
    fingerprint.
    """
    from .models import IdempotencyRecord

    table = IdempotencyRecord._meta.db_table
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Blocks on the unique index while another transaction holds an uncommitted claim of the same key.
                cursor.execute(
                    f"INSERT INTO {table} (user_id, key, endpoint, fingerprint, status_code, body, created_at) "
                    "VALUES (%s, %s, %s, %s, 0, NULL, %s) ON CONFLICT (user_id, key, endpoint) DO NOTHING RETURNING id",
                    [user.pk, key, endpoint, fingerprint, timezone.now()])
                row = cursor.fetchone()
            if row is None:
                record = IdempotencyRecord.objects.get(user_id=user.pk, key=key, endpoint=endpoint)
                if record.fingerprint != fingerprint:
                    raise KeyReused(key)
                return Outcome(status=record.status_code, body=record.body, replayed=True)
            status, body = work()
            if status >= 400:
                raise _Refused((status, body))
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.filter(pk=row[0]).update(status_code=status, body=body)
            return Outcome(status=status, body=body, replayed=False)
    except _Refused as refused:
        status, body = refused.result
        return Outcome(status=status, body=body, replayed=False)


def prune_expired(*, now=None) -> int:
    from .models import IdempotencyRecord

    cutoff = (now or timezone.now()) - RETENTION
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]


# --- The API (Django REST framework) -----------------------------------------------------------------------------

def schema_responses() -> dict:
    """The extra answers of an idempotent operation, for ``extend_schema(responses=...)``."""
    from drf_spectacular.utils import OpenApiResponse

    return {422: OpenApiResponse(description="The Idempotency-Key was already used for a different request.")}


def idempotent(endpoint: str):
    """Decorate a DRF view method that creates something: with an ``Idempotency-Key`` header, a repeat of the same
    request returns the first response (200, header ``Idempotent-Replayed: true``) instead of creating again.
    Without the header the method runs as before."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, request, *args, **kwargs):
            from rest_framework import serializers
            from rest_framework.exceptions import APIException
            from rest_framework.response import Response

            raw = request.headers.get(HEADER)
            if raw is None:
                return method(self, request, *args, **kwargs)
            try:
                key = clean_key(raw)
            except ValidationError as exc:
                raise serializers.ValidationError({HEADER: exc.messages}) from None

            def work():
                response = method(self, request, *args, **kwargs)
                return response.status_code, response.data

            try:
                outcome = run_once(user=request.user, key=key, endpoint=endpoint, work=work,
                                   fingerprint=fingerprint(request.method, request.path, request.data))
            except KeyReused:
                exc = APIException({HEADER: [str(REUSED_MESSAGE)]})
                exc.status_code = 422
                raise exc from None
            response = Response(outcome.body, status=200 if outcome.replayed else outcome.status)
            response[HEADER] = key
            response["Idempotent-Replayed"] = "true" if outcome.replayed else "false"
            return response

        return wrapper

    return decorate


# --- Page forms ---------------------------------------------------------------------------------------------------

class FormTokenField(forms.CharField):
    """A hidden one-time token, issued fresh each time the form is drawn (``initial``); a repeat submission of the
    same drawn form carries the same token."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", KEY_MAX_LENGTH)
        kwargs.setdefault("initial", new_token)
        super().__init__(**kwargs)


def new_token() -> str:
    return uuid.uuid4().hex


def form_once(request, *, endpoint: str, token: str | None, work: Callable[[], str]) -> tuple[str, bool]:
    """Do ``work`` (returning the address to redirect to) once per form token; returns ``(address, replayed)``.

    Without a token the work simply runs. The same token with other content raises ``ValidationError`` (no field)."""
    if not token:
        return work(), False
    try:
        key = clean_key(token)
    except ValidationError:
        raise ValidationError(FORM_REUSED_MESSAGE) from None
    data = sorted((k, request.POST.getlist(k)) for k in request.POST
                  if k != "csrfmiddlewaretoken" and not k.endswith(FORM_FIELD))
    try:
        outcome = run_once(user=request.user, key=key, endpoint=endpoint, fingerprint=fingerprint(request.path, data),
                           work=lambda: (200, {"redirect": work()}))
    except KeyReused:
        raise ValidationError(FORM_REUSED_MESSAGE) from None
    return outcome.body["redirect"], outcome.replayed
