"""Sending one message: claim it (queued/deferred -> sending, a conditional UPDATE: one sender wins), check opt-out
and the per-number hourly limit, call the SMS backend or Django's e-mail, record the outcome.

Transient errors go back to the queue with an exponential backoff until ``SMS_MAX_ATTEMPTS``, then fail; permanent
errors fail at once. The hourly limit (court setting ``messaging_sms_per_hour``) is counted in the database under a
per-number advisory lock, so two workers cannot both take the last slot; a message over the limit is deferred to
the hour's end, not lost.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core import court_settings

from ..addresses import normalise
from ..backends import PermanentError, TransientError, get_backend
from ..models import Channel, Message, OptOut, Purpose, Status

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class SendOutcome:
    status: str  # the message's status after this attempt, or "" when it was not ours to send
    retry_in: float | None = None  # seconds until the next attempt (transient error or rate limit)


def max_attempts() -> int:
    return int(getattr(settings, "SMS_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> float:
    base = float(getattr(settings, "SMS_RETRY_BASE_SECONDS", 30))
    return min(base * (2 ** max(attempts - 1, 0)), 3600.0)


def _claim(message_id: int, now) -> Message | None:
    """Take the message for sending (status sending) if it is due; check the hourly limit in the same transaction."""
    head = Message.objects.filter(pk=message_id).values("address", "channel", "court_id").first()
    if head is None:
        return None
    with transaction.atomic():
        if head["channel"] == Channel.SMS:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"messaging-rate:{head['address']}"])
        claimed = Message.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=message_id, status__in=[Status.QUEUED, Status.DEFERRED],
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
        if not claimed:
            return None
        message = Message.objects.get(pk=message_id)
        if message.channel == Channel.SMS:
            limit = court_settings.get(message.court_id, "messaging_sms_per_hour")
            recent = (Message.objects.filter(channel=Channel.SMS, address=message.address)
                      .exclude(pk=message.pk)
                      .annotate(t=Coalesce("sent_at", "claimed_at"))
                      .filter(status__in=[Status.SENT, Status.SENDING], t__gt=now - HOUR))
            if recent.count() >= limit:
                oldest = recent.aggregate(m=Min("t"))["m"]
                message.status, message.attempts = Status.DEFERRED, message.attempts - 1
                message.next_attempt_at = oldest + HOUR
                message.error = _("Deferred: at most %(n)s SMS per number per hour.") % {"n": limit}
                message.save(update_fields=["status", "attempts", "next_attempt_at", "error", "updated_at"])
                message.deferred = True
                return message
        message.deferred = False
        return message


def _finish(message: Message, **fields) -> None:
    for k, v in fields.items():
        setattr(message, k, v)
    message.save(update_fields=[*fields, "updated_at"])


def _deliver(message: Message):
    if message.channel == Channel.SMS:
        return get_backend().send(message.address, message.body, reference=f"msg-{message.pk}").provider_id
    email = EmailMessage(subject=message.subject, body=message.body, to=[message.address],
                         from_email=settings.DEFAULT_FROM_EMAIL,
                         headers={"X-Enforcement-Message": str(message.pk)})
    try:
        email.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise PermanentError(f"refused: {exc}"[:300]) from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentError(f"SMTP {exc.smtp_code}"[:300]) from exc
        raise TransientError(f"SMTP {exc.smtp_code}"[:300]) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"mail server: {exc}"[:300]) from exc
    return ""


def message_send(*, message_id: int, now=None) -> SendOutcome:
    """Send one message if it is due and nobody else is sending it; record the outcome. Never raises for a delivery
    error (the message records it)."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return SendOutcome(status="")
    if message.deferred:
        return SendOutcome(status=Status.DEFERRED, retry_in=max((message.next_attempt_at - now).total_seconds(), 1))
    if message.purpose == Purpose.CASE_EVENT and OptOut.objects.filter(address=normalise(message.address)).exists():
        _finish(message, status=Status.SKIPPED, error=_("opted out"), next_attempt_at=None)
        return SendOutcome(status=Status.SKIPPED)
    try:
        provider_id = _deliver(message)
    except PermanentError as exc:
        _finish(message, status=Status.FAILED, error=str(exc)[:300], next_attempt_at=None)
        return SendOutcome(status=Status.FAILED)
    except TransientError as exc:
        if message.attempts >= max_attempts():
            _finish(message, status=Status.FAILED, next_attempt_at=None,
                    error=(_("Gave up after %(n)s attempts: ") % {"n": message.attempts} + str(exc))[:300])
            return SendOutcome(status=Status.FAILED)
        delay = backoff(message.attempts)
        _finish(message, status=Status.QUEUED, error=str(exc)[:300], next_attempt_at=now + timedelta(seconds=delay))
        return SendOutcome(status=Status.QUEUED, retry_in=delay)
    except Exception as exc:  # a backend bug: fail the message, keep the worker
        _finish(message, status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:300], next_attempt_at=None)
        return SendOutcome(status=Status.FAILED)
    _finish(message, status=Status.SENT, sent_at=timezone.now(), provider_id=(provider_id or "")[:100], error="",
            next_attempt_at=None)
    return SendOutcome(status=Status.SENT)
