from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import BaseSMSBackend, PermanentError, SendResult


def outbox_path() -> Path:
    return Path(getattr(settings, "SMS_FILE_PATH", "") or Path(settings.VAR_DIR) / "sms" / "outbox.jsonl")


class FileBackend(BaseSMSBackend):
    """Appends one JSON line per SMS to ``settings.SMS_FILE_PATH`` (default ``var/sms/outbox.jsonl``): the stand-in
    for a gateway, and what browser tests read. Lines are written whole under an exclusive lock, so several worker
    processes never interleave."""

    def send(self, to: str, text: str, *, reference: str = "") -> SendResult:
        path = Path(self.options.get("path") or outbox_path())
        line = json.dumps({"to": to, "text": text, "reference": reference, "at": timezone.now().isoformat()},
                          ensure_ascii=False) + "\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        except OSError as exc:
            raise PermanentError(f"SMS file not writable: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        return SendResult(provider_id=f"file-{reference}")
