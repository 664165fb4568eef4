"""Unidentified money waiting too long goes to the division chief (不明款超期上报).

A line is waiting while it is ``unmatched`` or ``claimed`` (a claim not yet decided). It is escalated once today is
after the ``unidentified_escalation_working_days``-th working day (court setting, default 3) after the day it became
unidentified (``waiting_since``), counted on the court's working-day calendar (the deadlines app's holiday table,
national rows overridden by the court's own: ``cases.term.court_calendars``). The chief sees them on the home tile
and the escalations page (``escalated_lines``); the beat task ``statements.tasks.escalations_notify`` marks each
line once (conditional ``UPDATE ... WHERE escalated_at IS NULL``) and e-mails the court's chiefs about exactly the
lines it marked.
"""

from __future__ import annotations

from datetime import date

from django.core import mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm
from cases.term import court_calendars
from core import court_settings
from core.formats import format_amount

from . import rules
from .models import LineStatus, StatementLine

WAITING = (LineStatus.UNMATCHED, LineStatus.CLAIMED)


def cutoffs(court_ids, today: date) -> dict[int, date]:
    """Per court, the latest ``waiting_since`` that is overdue today."""
    calendars = court_calendars(court_ids)
    return {cid: rules.escalation_cutoff(
        today=today, working_days=court_settings.get(cid, "unidentified_escalation_working_days"),
        calendar=calendars[cid]) for cid in calendars}


def escalated_lines(*, user, today: date | None = None):
    """The chief's list: the lines of their court waiting longer than the limit, oldest first."""
    if not has_perm(user, Perm.CASE_CLOSE_APPROVE) or not user.court_id:
        return StatementLine.objects.none()
    cutoff = cutoffs([user.court_id], today or timezone.localdate())[user.court_id]
    return (StatementLine.objects.filter(court_id=user.court_id, status__in=WAITING, direction="credit",
                                         waiting_since__lte=cutoff)
            .order_by("waiting_since", "id"))


def escalations_notify(*, today: date | None = None) -> int:
    """Mark the lines newly past the limit, once each, and e-mail each court's chiefs about them."""
    from accounts.models import Role, User

    today = today or timezone.localdate()
    court_ids = list(StatementLine.objects.filter(status__in=WAITING, escalated_at__isnull=True,
                                                  waiting_since__isnull=False)
                     .order_by().values_list("court_id", flat=True).distinct())
    marked = 0
    for court_id, cutoff in cutoffs(court_ids, today).items():
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "UPDATE statements_statementline SET escalated_at = now() WHERE court_id = %s AND escalated_at IS "
                "NULL AND status = ANY(%s) AND waiting_since <= %s "
                "RETURNING bank_reference, amount, payer_name, waiting_since",
                [court_id, [s.value for s in WAITING], cutoff])
            rows = sorted(cur.fetchall(), key=lambda r: (r[3], r[0]))
            if not rows:
                continue
            marked += len(rows)
            to = list(User.objects.filter(Q(court_id=court_id) & Q(roles__contains=[Role.CHIEF]), is_active=True)
                      .exclude(email="").values_list("email", flat=True))
            if to:
                body = "\n".join(_("%(reference)s  %(amount)s  %(payer)s  waiting since %(since)s") % {
                    "reference": r[0], "amount": format_amount(r[1]), "payer": r[2] or "-",
                    "since": r[3].isoformat()} for r in rows)
                subject = _("Unidentified money waiting too long: %(count)s lines") % {"count": len(rows)}
                transaction.on_commit(lambda s=subject, b=body, t=to: mail.EmailMessage(s, b, to=t).send(
                    fail_silently=True))
    return marked
