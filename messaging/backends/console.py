from __future__ import annotations

import sys
import threading

from .base import BaseSMSBackend, SendResult


class ConsoleBackend(BaseSMSBackend):
    """Writes each SMS to standard output (development)."""

    _lock = threading.Lock()

    def send(self, to: str, text: str, *, reference: str = "") -> SendResult:
        stream = self.options.get("stream") or sys.stdout
        with self._lock:
            stream.write(f"SMS to {to} [{reference}]\n{text}\n{'-' * 40}\n")
            stream.flush()
        return SendResult(provider_id=f"console-{reference}")
