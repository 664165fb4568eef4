"""A generic HTTP SMS gateway: ``POST SMS_GATEWAY_URL`` with a JSON body ``{"to", "text", "reference"}`` and
``Authorization: Bearer SMS_GATEWAY_TOKEN``; a 2xx answer's JSON ``id`` (or ``message_id``) is the provider id.

Errors: a timeout, a connection failure, 429 and 5xx are transient (retried); any other 4xx, or a 2xx whose JSON says
``"ok": false``, is permanent. A gateway with another protocol gets its own subclass overriding ``payload`` and
``parse``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from .base import BaseSMSBackend, PermanentError, SendResult, TransientError


class HTTPGatewayBackend(BaseSMSBackend):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.url = kwargs.get("url") or getattr(settings, "SMS_GATEWAY_URL", "")
        self.token = kwargs.get("token") or getattr(settings, "SMS_GATEWAY_TOKEN", "")
        self.timeout = float(kwargs.get("timeout") or getattr(settings, "SMS_GATEWAY_TIMEOUT", 10))
        self.sender = kwargs.get("sender") or getattr(settings, "SMS_SENDER_ID", "")
        if not self.url:
            raise PermanentError("SMS_GATEWAY_URL is not set.")

    def payload(self, to: str, text: str, reference: str) -> dict:
        data = {"to": to, "text": text, "reference": reference}
        if self.sender:
            data["sender"] = self.sender
        return data

    def parse(self, status: int, body: bytes) -> SendResult:
        try:
            data = json.loads(body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        if data.get("ok") is False:
            raise PermanentError(f"gateway refused: {str(data.get('error', ''))[:200]}")
        return SendResult(provider_id=str(data.get("id") or data.get("message_id") or "")[:100])

    def send(self, to: str, text: str, *, reference: str = "") -> SendResult:
        body = json.dumps(self.payload(to, text, reference), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                return self.parse(response.status, response.read(64 * 1024))
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace") if exc.fp else ""
            message = f"HTTP {exc.code}: {detail}"[:300]
            if exc.code == 429 or exc.code >= 500:
                raise TransientError(message) from exc
            raise PermanentError(message) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransientError(f"gateway unreachable: {reason}"[:300]) from exc
