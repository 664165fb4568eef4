"""Demo data of the messaging app: the default SMS templates switched on for the demo court 30 days ago (the e-mail
ones saved but off), and the delivery log of the case events since then, as the outbox would have sent them (most
sent a couple of minutes after the event, some logged as not sent: no mobile number, or one failed at the gateway).

Idempotent (nothing happens once the court has templates) and deterministic (the seed picks the failures). The
events it covers are marked read, so the first real outbox run sends nothing for them again.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from .models import Channel, Message, MessageTemplate, OutboxEvent, OutboxState, Status
from .texts import DEFAULTS

DAYS = 30
MAX_EVENTS = 600


def seed(org, *, seed: int, cases: int) -> str:
    from cases.models import CaseEvent, CaseParty

    from . import events as msg_events
    from .services.outbox import _messages_for

    court = org.court
    if MessageTemplate.objects.filter(court=court).exists():
        return "already seeded"
    rng = random.Random(seed)
    now = timezone.now()
    since = now - timedelta(days=DAYS)
    chief = org.staff.get("chief")
    with transaction.atomic():
        OutboxState.objects.get_or_create(key="outbox", defaults={"switched_on_at": since})
        templates = {}
        for (event, channel), (audience, subject, body) in DEFAULTS.items():
            on = channel == Channel.SMS
            templates[(event, channel)] = MessageTemplate.objects.create(
                court=court, event=event, channel=channel, audience=audience, enabled=on,
                enabled_since=since if on else None, subject=subject, body=body, updated_by=chief)
        events = list(CaseEvent.objects.filter(case__court=court, at__gte=since, at__lte=now,
                                               type__in=list(msg_events.TYPE_MAP))
                      .select_related("case", "case__court", "case__officer").order_by("at", "id")[:MAX_EVENTS])
        parties: dict[int, list] = {}
        for cp in (CaseParty.objects.filter(case_id__in={e.case_id for e in events}).select_related("party")
                   .order_by("role", "position")):
            parties.setdefault(cp.case_id, []).append(cp)
        rows = []
        for event in events:
            kind = msg_events.event_kind(event)
            template = templates.get((kind, Channel.SMS)) if kind else None
            if template is None:
                continue
            for m in _messages_for(event, kind, template, parties.get(event.case_id, []), set(), now):
                if m.status == Status.QUEUED:
                    sent_at = min(event.at + timedelta(minutes=rng.randint(1, 3)), now)
                    m.claimed_at, m.attempts, m.next_attempt_at = sent_at, 1, None
                    if rng.random() < 0.03:
                        m.status, m.error, m.attempts = Status.FAILED, "HTTP 400: 号码为空号", 1
                    else:
                        m.status, m.sent_at, m.provider_id = Status.SENT, sent_at, f"demo-{event.pk}-{m.recipient_key}"
                rows.append(m)
        Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        # Every relevant event of the lookback window counts as read, messaged or not.
        recent = CaseEvent.objects.filter(case__court=court, at__gte=now - timedelta(days=2),
                                          type__in=list(msg_events.TYPE_MAP)).values_list("pk", flat=True)
        OutboxEvent.objects.bulk_create([OutboxEvent(event_id=pk, processed_at=now)
                                         for pk in {*recent, *(e.pk for e in events)}], ignore_conflicts=True)
        # Created "now" by the bulk insert: dated as the outbox would have created them, right after their event.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE messaging_message m SET created_at = e.at, updated_at = COALESCE(m.sent_at, e.at) "
                "FROM cases_caseevent e WHERE m.event_id = e.id AND m.court_id = %s", [court.pk])
    sent = sum(1 for m in rows if m.status == Status.SENT)
    return f"{len(templates)} templates, {len(rows)} messages ({sent} sent) for {len(events)} events"
