"""KPIs of objections (reports may import them): received, decided within 15 days, reversed on reconsideration,
per team and per officer of the 执异 case, for a period of receipt. Computed in one query per grouping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q

from accounts.policy import Perm, scope_q

from .models import Objection, ObjectionStatus, ReconsiderationOutcome

RULING_DAYS = 15  # CPL arts 236, 238


@dataclass(frozen=True)
class KpiRow:
    key: object
    label: str
    received: int
    decided: int
    on_time: int
    pending: int
    reconsidered: int
    reversed: int
    is_total: bool = False

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


def _base(*, user, start: date, end: date):
    return (Objection.objects.filter(scope_q(user, Perm.REPORT_VIEW, court="case__court", team=None, officer=None))
            .filter(received_on__gte=start, received_on__lte=end))


def _aggregates():
    decided_q = Q(status=ObjectionStatus.RULED)
    return dict(
        received=Count("id"),
        decided=Count("id", filter=decided_q),
        on_time=Count("id", filter=decided_q & Q(ruled_on__lte=F("received_on") + timedelta(days=RULING_DAYS))),
        pending=Count("id", filter=Q(status=ObjectionStatus.PENDING)),
        reconsidered=Count("reconsideration", filter=Q(reconsideration__isnull=False)),
        reversed=Count("reconsideration", filter=Q(reconsideration__outcome=ReconsiderationOutcome.REVERSED)),
    )


def objection_kpis(*, user, start: date, end: date, by: str = "team") -> list[KpiRow]:
    """Rows per ``by`` (``team``, ``officer`` or ``court``; key None: none assigned) and the total row last
    (``is_total``)."""
    field, label = {"team": ("case__team", "case__team__name"),
                    "officer": ("case__officer", "case__officer__full_name"),
                    "court": ("court", "court__name")}[by]
    qs = _base(user=user, start=start, end=end)
    rows = [KpiRow(key=r[field], label=r[label] or "—", **{k: r[k] for k in _aggregates()})
            for r in qs.values(field, label).annotate(**_aggregates()).order_by(label)]
    total = qs.aggregate(**_aggregates())
    rows.append(KpiRow(key=None, label="", is_total=True, **total))
    return rows


