"""SMS backends, chosen by ``settings.SMS_BACKEND`` like Django's ``EMAIL_BACKEND``.

* ``messaging.backends.file.FileBackend`` (default): one JSON line per SMS in ``settings.SMS_FILE_PATH``;
* ``messaging.backends.console.ConsoleBackend``: prints each SMS;
* ``messaging.backends.http_gateway.HTTPGatewayBackend``: JSON POST to ``settings.SMS_GATEWAY_URL``;
* ``messaging.backends.locmem.LocmemBackend``: keeps them in ``messaging.backends.locmem.outbox`` (tests).

A court plugs in its own gateway by writing a subclass of ``BaseSMSBackend`` and naming it in ``SMS_BACKEND``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BaseSMSBackend, PermanentError, SendResult, TransientError

DEFAULT_BACKEND = "messaging.backends.file.FileBackend"

__all__ = ["BaseSMSBackend", "PermanentError", "SendResult", "TransientError", "get_backend"]


def get_backend(path: str | None = None, **kwargs) -> BaseSMSBackend:
    cls = import_string(path or getattr(settings, "SMS_BACKEND", "") or DEFAULT_BACKEND)
    return cls(**kwargs)
