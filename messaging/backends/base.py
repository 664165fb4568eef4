"""The SMS backend contract: ``send(to, text, *, reference) -> SendResult``; failures raise ``TransientError`` (worth
retrying: timeouts, 5xx, rate limited by the gateway) or ``PermanentError`` (never retried: bad number, refused)."""

from __future__ import annotations

from dataclasses import dataclass


class SMSError(Exception):
    pass


class TransientError(SMSError):
    """Retry later (the message goes back to the queue with a backoff)."""


class PermanentError(SMSError):
    """Do not retry (the message fails with this error)."""


@dataclass(frozen=True)
class SendResult:
    provider_id: str = ""


class BaseSMSBackend:
    def __init__(self, **kwargs) -> None:
        self.options = kwargs

    def send(self, to: str, text: str, *, reference: str = "") -> SendResult:  # pragma: no cover - interface
        """Send ``text`` to the mobile number ``to``; ``reference`` is the message's own id (for the gateway's
        de-duplication and delivery reports)."""
        raise NotImplementedError
