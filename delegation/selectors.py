"""Every read of delegations, scoped in the query.

Two sides see a delegation:

* the sending side: whoever sees the sending case (``CASE_VIEW`` on it, the case's own scope);
* the receiving side: the receiving court's staff holding ``DELEGATION_RECEIVE`` (clerk and chief: the court; an
  officer: once the delegation is assigned to their team or to them), and never a draft.

The receiving side reads only what the request shares (``subjects``, instructions, papers); the sending case's page
stays the sending court's.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.policy import Perm, scope_q

from .models import Delegation, Status

OUTGOING, INCOMING = "outgoing", "incoming"
SHOWS = ("open", "overdue", "waiting", "answered", "all")
OPEN_SIDE = {
    OUTGOING: (Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS, Status.ANSWERED, Status.REFUSED),
    INCOMING: (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS),
}


def sending_q(user) -> Q:
    return scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team", officer="case__officer")


def receiving_q(user) -> Q:
    return (scope_q(user, Perm.DELEGATION_RECEIVE, court="receiving_court", team="team", officer="officer")
            & Q(receiving_court__isnull=False) & ~Q(status=Status.DRAFT))


def _base() -> QuerySet:
    return Delegation.objects.select_related("case", "sending_court", "receiving_court", "team", "officer",
                                             "receiving_case")


def overdue_q(today: date) -> Q:
    """Delegations with an unmet deadline (start or report) due before today, from the deadline engine's rows (read
    by label: the engine sits above this app)."""
    try:
        Deadline = apps.get_model("deadlines", "Deadline")
    except LookupError:  # pragma: no cover
        return Q(pk__in=[])
    late = Deadline.objects.filter(source_type="delegation", source_id=OuterRef("pk"),
                                   status__in=("open", "overdue"), due_on__lt=today)
    return Q(Exists(late))


def delegation_list(*, user, box: str = INCOMING, show: str = "open", today: date | None = None,
                    case=None) -> QuerySet:
    """The outgoing (sending court) or incoming (receiving court) delegations the user may see."""
    qs = _base().filter(sending_q(user) if box == OUTGOING else receiving_q(user))
    if box == OUTGOING:
        qs = qs.filter(sending_court_id=user.court_id) if not user.is_superuser and case is None else qs
    if case is not None:
        qs = qs.filter(case=case)
    if show == "open":
        qs = qs.filter(status__in=OPEN_SIDE[box])
    elif show == "waiting":
        qs = qs.filter(status=Status.SENT)
    elif show == "answered":
        qs = qs.filter(status=Status.ANSWERED)
    elif show == "overdue":
        from django.utils import timezone

        qs = qs.filter(overdue_q(today or timezone.localdate()))
    return qs.order_by("-sent_on", "-id")


def delegation_get_for_user(*, user, pk: int) -> tuple[Delegation, dict]:
    """The delegation and which sides the user reads it from (``{"sending": bool, "receiving": bool}``); 404 when
    neither."""
    d = _base().filter(pk=pk).filter(sending_q(user) | receiving_q(user)).first()
    if d is None:
        raise Http404("No such delegation.")
    sending = Delegation.objects.filter(pk=pk).filter(sending_q(user)).exists()
    receiving = Delegation.objects.filter(pk=pk).filter(receiving_q(user)).exists()
    return d, {"sending": sending, "receiving": receiving}


def case_delegations(*, case) -> QuerySet:
    """The delegations of a case (its tab: the caller has checked the case is visible)."""
    return _base().filter(case=case).prefetch_related("papers").order_by("-created_at", "-id")


def waiting_count(*, user) -> int:
    return delegation_list(user=user, box=INCOMING, show="waiting").count()


def delegation_deadlines(d: Delegation) -> list[dict]:
    """The engine's deadlines of the delegation (start, report), for its page."""
    try:
        Deadline = apps.get_model("deadlines", "Deadline")
    except LookupError:  # pragma: no cover
        return []
    from django.utils import timezone

    today = timezone.localdate()
    rows = (Deadline.objects.filter(source_type="delegation", source_id=d.pk)
            .exclude(status="cancelled").order_by("due_on"))
    return [{"kind": r.kind, "label": r.get_kind_display(), "due_on": r.due_on, "met_on": r.met_on,
             "late": r.met_on is None and r.due_on < today} for r in rows]


def delegation_counts(*, user, today: date) -> dict[str, int]:
    """The home tiles' numbers in one query (the lists' own filters: ``delegation_list`` with box and show), kept on
    the user object for the request: ``waiting`` (incoming, to accept), ``in_overdue``, ``out_overdue``."""
    cached = getattr(user, "_delegation_counts", None)
    if cached is not None and cached[0] == today:
        return cached[1]
    from django.db.models import Count

    incoming = receiving_q(user)
    outgoing = sending_q(user) if user.is_superuser else sending_q(user) & Q(sending_court_id=user.court_id)
    late = overdue_q(today)
    counts = Delegation.objects.filter(incoming | outgoing).aggregate(
        waiting=Count("pk", filter=incoming & Q(status=Status.SENT)),
        in_overdue=Count("pk", filter=incoming & late),
        out_overdue=Count("pk", filter=outgoing & late),
    )
    user._delegation_counts = (today, counts)
    return counts
