"""Opt-outs (退订): a reply "TD", an officer's button on the case, an administrator's entry. An opted-out address
gets no more case messages (those already waiting are marked not sent); one-time codes it asks for still go out."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.policy import Perm, Target, require
from core.text import clean_text

from ..addresses import normalise, normalise_email, normalise_mobile
from ..models import Channel, Message, OptOut, Purpose, Status

REPLY_WORDS = {"TD", "T", "退订", "N"}


def _skip_waiting(address: str) -> int:
    return (Message.objects.filter(address__iexact=address, purpose=Purpose.CASE_EVENT,
                                   status__in=[Status.QUEUED, Status.DEFERRED])
            .update(status=Status.SKIPPED, error=_("opted out"), next_attempt_at=None))


def _record(*, address: str, source: str, actor=None, court=None, note: str = "") -> OptOut:
    channel = Channel.EMAIL if "@" in address else Channel.SMS
    key = normalise(address)
    optout, _created = OptOut.objects.get_or_create(address=key, defaults={
        "channel": channel, "source": source, "created_by": actor, "court": court, "note": note[:200]})
    _skip_waiting(key)
    return optout


@transaction.atomic
def optout_record(*, actor, court, address: str, note: str = "") -> OptOut:
    """An administrator records an opt-out for a number or address (MESSAGING_MANAGE)."""
    require(actor, Perm.MESSAGING_MANAGE, Target(court_id=court.pk))
    raw = clean_text(address, field="address", max_length=254, required=True)
    key = normalise_email(raw) if "@" in raw else normalise_mobile(raw)
    if not key:
        raise ValidationError({"address": [_("Enter a mobile number or an e-mail address.")]})
    return _record(address=key, source=OptOut.Source.ADMIN, actor=actor, court=court,
                   note=clean_text(note, field="note", max_length=200))


@transaction.atomic
def optout_remove(*, actor, optout: OptOut) -> None:
    require(actor, Perm.MESSAGING_MANAGE, Target(court_id=optout.court_id))
    optout.delete()


@transaction.atomic
def case_party_opt_out(*, actor, case_party, channel: str) -> OptOut:
    """The officer's button on the case: the party's mobile number (or e-mail) gets no more case messages."""
    require(actor, Perm.CASE_ACT, case_party.case)
    if channel == Channel.SMS:
        phone = case_party.phone or next((p for p in (case_party.party.phones or []) if p), "")
        address = normalise_mobile(phone)
    elif channel == Channel.EMAIL:
        address = normalise_email(getattr(case_party, "email", ""))
    else:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    if not address:
        raise ValidationError({"channel": [_("This party has no address for this channel.")]})
    return _record(address=address, source=OptOut.Source.OFFICER, actor=actor, court=case_party.case.court,
                   note=str(case_party.party)[:200])


@transaction.atomic
def inbound_reply(*, sender: str, text: str) -> OptOut | None:
    """A reply received by the gateway: "TD" (or 退订) from a mobile number opts it out; anything else is ignored."""
    phone = normalise_mobile(sender)
    if not phone or (text or "").strip().upper() not in REPLY_WORDS:
        return None
    return _record(address=phone, source=OptOut.Source.REPLY)
