from __future__ import annotations

import threading

from .base import BaseSMSBackend, SendResult

outbox: list[dict] = []
_lock = threading.Lock()


class LocmemBackend(BaseSMSBackend):
    """Keeps each SMS in the module-level ``outbox`` list (tests)."""

    def send(self, to: str, text: str, *, reference: str = "") -> SendResult:
        with _lock:
            outbox.append({"to": to, "text": text, "reference": reference})
            n = len(outbox)
        return SendResult(provider_id=f"locmem-{n}")
