"""The outbox: case events on the timeline become messages, each exactly once per (event, recipient, channel).

``outbox_scan`` (beat, every minute) reads the relevant events of the last ``MESSAGING_LOOKBACK_HOURS`` not yet read
(``OutboxEvent``), never one from before the feature's switch-on (``OutboxState``, set by the first scan) or before
its template was switched on (``MessageTemplate.enabled_since``). It inserts the messages with ``ON CONFLICT DO
NOTHING`` on the unique (event, recipient, channel): two scans at once, or a scan after a crash, create nothing twice.
``outbox_dispatch`` hands each due message to a send task (the send claims it, so a message queued twice is sent once).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events as msg_events
from .. import texts
from ..addresses import normalise, normalise_email, normalise_mobile
from ..models import Channel, Message, MessageTemplate, OptOut, OutboxEvent, OutboxState, Purpose, Status

STUCK_AFTER = timedelta(minutes=15)


def _lookback() -> timedelta:
    return timedelta(hours=int(getattr(settings, "MESSAGING_LOOKBACK_HOURS", 24)))


def _state(now) -> OutboxState:
    state, _created = OutboxState.objects.get_or_create(key="outbox", defaults={"switched_on_at": now})
    return state


def outbox_scan(*, now=None, limit: int = 2000) -> dict:
    """Create the messages of new case events. Idempotent and safe to run concurrently."""
    from cases.models import CaseEvent, CaseParty

    now = now or timezone.now()
    state = _state(now)
    templates = list(MessageTemplate.objects.filter(enabled=True, enabled_since__lte=now))
    if not templates:
        OutboxState.objects.filter(pk=state.pk).update(last_scan_at=now)
        return {"events": 0, "messages": 0}
    by_court: dict[tuple[int, str], list[MessageTemplate]] = defaultdict(list)
    for t in templates:
        by_court[(t.court_id, t.event)].append(t)
    since = max(state.switched_on_at, now - _lookback(), min(t.enabled_since for t in templates))
    with transaction.atomic():
        events = list(
            CaseEvent.objects.filter(at__gte=since, at__lte=now, type__in=list(msg_events.TYPE_MAP),
                                     case__court_id__in={t.court_id for t in templates})
            .exclude(pk__in=OutboxEvent.objects.filter(event_id__gte=0).values("event_id"))
            .select_related("case", "case__court", "case__officer").order_by("id")[:limit])
        if not events:
            OutboxState.objects.filter(pk=state.pk).update(last_scan_at=now)
            return {"events": 0, "messages": 0}
        parties: dict[int, list] = defaultdict(list)
        for cp in (CaseParty.objects.filter(case_id__in={e.case_id for e in events})
                   .select_related("party").order_by("role", "position")):
            parties[cp.case_id].append(cp)
        opted_out = set(OptOut.objects.values_list("address", flat=True))
        rows = []
        for event in events:
            kind = msg_events.event_kind(event)
            if kind is None:
                continue
            for template in by_court.get((event.case.court_id, kind), []):
                if event.at < template.enabled_since:
                    continue
                rows.extend(_messages_for(event, kind, template, parties[event.case_id], opted_out, now))
        Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        OutboxEvent.objects.bulk_create([OutboxEvent(event_id=e.pk, processed_at=now) for e in events],
                                        ignore_conflicts=True)
        OutboxEvent.objects.filter(processed_at__lt=now - 2 * _lookback()).delete()
        OutboxState.objects.filter(pk=state.pk).update(last_scan_at=now)
    return {"events": len(events), "messages": len(rows)}


def _messages_for(event, kind, template, parties, opted_out, now) -> list[Message]:
    rows = []
    for r in msg_events.recipients(event=event, kind=kind, audience=template.audience, parties=parties):
        if template.channel == Channel.SMS:
            address = normalise_mobile(r.phone)
            missing = _("no mobile number")
        else:
            address = normalise_email(r.email)
            missing = _("no e-mail address")
        rendered = texts.render(subject=template.subject, body=template.body,
                                values=msg_events.values(event=event, kind=kind, case=event.case,
                                                         recipient_name=r.name))
        status, error = Status.QUEUED, ""
        if not address:
            status, error = Status.SKIPPED, missing
        elif normalise(address) in opted_out:
            status, error = Status.SKIPPED, _("opted out")
        rows.append(Message(
            court_id=event.case.court_id, case_id=event.case_id, event_id=event.pk, event_ref=event.pk,
            event_kind=kind, purpose=Purpose.CASE_EVENT, template=template, case_party=r.case_party,
            recipient_key=f"party:{r.case_party.pk}", recipient_name=r.name[:200], channel=template.channel,
            address=address, subject=rendered.subject[:200], body=rendered.body, status=status, error=error,
            next_attempt_at=now if status == Status.QUEUED else None,
        ))
    return rows


def outbox_dispatch(*, now=None, limit: int = 500) -> list[int]:
    """The ids of the messages due to be sent now (queued, or deferred/retrying whose time has come); messages left
    'sending' by a lost worker for ``STUCK_AFTER`` are failed (their outcome is unknown: never sent twice)."""
    now = now or timezone.now()
    Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=Status.FAILED, error=_("Outcome unknown: the sending worker was lost."), updated_at=now)
    return list(Message.objects.filter(status__in=[Status.QUEUED, Status.DEFERRED], next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
