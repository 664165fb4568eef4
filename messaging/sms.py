"""The SMS sending API for other features (one-time codes of the party portal, ...):

    from messaging.sms import send_sms
    delivery = send_sms(to="13800000001", text="验证码 123456，5分钟内有效。", purpose="one_time_code")

The message is stored (the delivery log) and sent by a Celery task after the caller's transaction commits, through
the configured backend, with the same retries and per-number hourly limit as case messages; opt-outs apply to case
messages only (a code the person asked for still goes out). ``delivery.status`` follows the sending.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from .addresses import normalise_mobile
from .models import Channel, Message, Purpose, Status

Delivery = Message


def send_sms(*, to: str, text: str, purpose: str, court=None) -> Delivery:
    errors = {}
    address = normalise_mobile(to if isinstance(to, str) else "")
    if not address:
        errors["to"] = [_("Enter a mobile number (11 digits).")]
    try:
        body = clean_text(text, field="text", max_length=500, multiline=True, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if purpose not in Purpose.values or purpose == Purpose.CASE_EVENT:
        errors["purpose"] = [_("Unknown purpose.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        delivery = Message.objects.create(
            court=court, purpose=purpose, channel=Channel.SMS, address=address, body=body, status=Status.QUEUED,
            next_attempt_at=timezone.now())
        transaction.on_commit(lambda: _enqueue(delivery.pk))
    return delivery


def _enqueue(message_id: int) -> None:
    from .tasks import send_message

    send_message.delay(message_id)
