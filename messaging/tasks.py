"""Celery tasks: the outbox scan (beat, every minute) and the sending of one message (with retries)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="messaging.tasks.outbox", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def outbox() -> dict:
    """Create the messages of new case events, then queue every due message for sending."""
    from .services import outbox_dispatch, outbox_scan

    result = outbox_scan()
    due = outbox_dispatch()
    for message_id in due:
        send_message.delay(message_id)
    result["queued"] = len(due)
    return result


@shared_task(name="messaging.tasks.send_message", bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, max_retries=None)
def send_message(self, message_id: int) -> str:
    """Send one message; a transient error or the hourly limit retries it later (the message's own attempt count
    decides when it fails). Sent at most once: the send claims the row first."""
    from .services import message_send

    outcome = message_send(message_id=message_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
