"""Reads of the messaging app, scoped by the permission policy in the query.

The delivery log of a case is for the case's team and the chief (``CASE_ACT`` on the case); a court's messaging
managers (``MESSAGING_MANAGE``) see every message of their court, including those not tied to a case (codes).
"""

from __future__ import annotations

from django.db.models import Q

from accounts.policy import Perm, has_perm, scope_q

from .models import Message, MessageTemplate, OptOut
from .texts import DEFAULTS


def message_list_for_user(*, user):
    q = scope_q(user, Perm.CASE_ACT, court="case__court", team="case__team", officer="case__officer")
    manage = scope_q(user, Perm.MESSAGING_MANAGE, court="court", team=None, officer=None)
    return (Message.objects.filter((Q(case__isnull=False) & q) | manage)
            .select_related("case").order_by("-created_at", "-id"))


def message_list_for_case(*, user, case, limit: int = 200) -> list[Message]:
    if not has_perm(user, Perm.CASE_ACT, case):
        return []
    return list(Message.objects.filter(case=case).select_related("case_party__party")
                .order_by("-created_at", "-id")[:limit])


def template_list_for_user(*, user):
    return MessageTemplate.objects.filter(scope_q(user, Perm.MESSAGING_MANAGE, team=None, officer=None))


def template_rows(*, court_id: int) -> list[dict]:
    """Every (event, channel) with the court's own template if it has one, else the default text."""
    own = {(t.event, t.channel): t for t in MessageTemplate.objects.filter(court_id=court_id)}
    rows = []
    for (event, channel), (audience, subject, body) in DEFAULTS.items():
        rows.append({"event": event, "channel": channel, "template": own.get((event, channel)),
                     "default": {"audience": audience, "subject": subject, "body": body}})
    return rows


def optout_set(*, addresses) -> set[str]:
    return set(OptOut.objects.filter(address__in=list(addresses)).values_list("address", flat=True))


def optout_list(*, court_id: int, limit: int = 200):
    """The opt-outs recorded at the court, and those received as replies (no court); each applies everywhere."""
    return (OptOut.objects.filter(Q(court_id=court_id) | Q(court__isnull=True)).select_related("created_by")
            .order_by("-created_at")[:limit])
