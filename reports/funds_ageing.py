"""案款账龄: money held on case accounts by age, per team and officer (issue 20), read set-based from the ledger.

What a case's account holds is its balance. Which receipts that money is, is first in first out, as the ledger's own
payout clock settles them (``assets.services.ledger.receipts_settle``): payouts and fee transfers take the oldest
receipts first, so the balance is the newest receipts' money. For each receipt not yet settled (``paid_out_on`` null:
neither fully paid out nor reversed), counting from the newest::

    held = min(amount, max(balance - (the amounts of the case's newer unsettled receipts), 0))

A receipt partly paid out holds its remainder; a reversed receipt holds nothing (the reversal settles it and takes the
money off the balance). The held amounts of a case add up to its balance, so the buckets' total equals the sum of the
balances of the cases in scope (a test checks it). Age is counted from the receipt's date (``occurred_on``) to today:
<= 30 days, 31-90, 91-180, over 180. A receipt is overdue when it still holds money after its payout deadline
(``payout_due_on``: the receipt date plus the court's ``payout_days``, §2.1 node 11; the deadline engine's K.PAYOUT
reads the same columns).

One query for the figures (the ledger's partial index ``ledger_awaiting_payout`` finds the unsettled receipts, the
index-only ``ledger_case_balance`` gives their cases' balances), grouped by court, team and officer; labels come in
two more. The drill-down lists the cases of one bucket with the same CTE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.models import Court, Team, User
from assets.models import RECEIPT_KIND_VALUES
from cases.models import Case
from core.db_router import read_replica

from .engine import _cursor

ZERO = Decimal("0.00")
# (key, label, lowest age in days, highest age or None)
BUCKETS = (
    ("d30", _("Up to 30 days"), 0, 30),
    ("d90", _("31-90 days"), 31, 90),
    ("d180", _("91-180 days"), 91, 180),
    ("older", _("Over 180 days"), 181, None),
)
BUCKET_KEYS = tuple(b[0] for b in BUCKETS)

HELD_CTE = """
WITH unsettled AS (
    SELECT e.id, e.case_id, e.amount, e.occurred_on, e.payout_due_on
      FROM assets_ledgerentry e
     WHERE e.court_id = ANY(%(courts)s) AND e.paid_out_on IS NULL AND e.payout_due_on IS NOT NULL
       AND e.kind = ANY(%(kinds)s)
), balances AS (
    SELECT l.case_id, SUM(l.signed_amount) AS balance
      FROM assets_ledgerentry l
     WHERE l.case_id IN (SELECT DISTINCT case_id FROM unsettled)
     GROUP BY l.case_id
), held AS (
    SELECT u.case_id, u.occurred_on, u.payout_due_on,
           LEAST(u.amount, GREATEST(b.balance - (SUM(u.amount) OVER newest_first - u.amount), 0)) AS held
      FROM unsettled u JOIN balances b ON b.case_id = u.case_id
    WINDOW newest_first AS (PARTITION BY u.case_id ORDER BY u.occurred_on DESC, u.id DESC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), aged AS (
    SELECT h.case_id, h.held, h.payout_due_on,
           CASE WHEN %(today)s::date - h.occurred_on <= 30 THEN 'd30'
                WHEN %(today)s::date - h.occurred_on <= 90 THEN 'd90'
                WHEN %(today)s::date - h.occurred_on <= 180 THEN 'd180' ELSE 'older' END AS bucket
      FROM held h WHERE h.held > 0
)
"""

FIGURES_SQL = HELD_CTE + """
, per_case AS MATERIALIZED (
    SELECT a.case_id,
           SUM(a.held) FILTER (WHERE a.bucket = 'd30') AS d30, SUM(a.held) FILTER (WHERE a.bucket = 'd90') AS d90,
           SUM(a.held) FILTER (WHERE a.bucket = 'd180') AS d180,
           SUM(a.held) FILTER (WHERE a.bucket = 'older') AS older,
           COUNT(*) FILTER (WHERE a.payout_due_on < %(today)s::date) AS overdue
      FROM aged a GROUP BY a.case_id
)
SELECT c.court_id, c.team_id, c.officer_id,
       COALESCE(SUM(p.d30), 0), COALESCE(SUM(p.d90), 0), COALESCE(SUM(p.d180), 0), COALESCE(SUM(p.older), 0),
       SUM(p.overdue), COUNT(*)
  FROM per_case p JOIN cases_case c ON c.id = p.case_id
 -- the cases by primary key (the planner cannot know how few they are; without this it may read every case)
 WHERE c.id = ANY(ARRAY(SELECT case_id FROM per_case))
 GROUP BY c.court_id, c.team_id, c.officer_id
"""

CASES_SQL = HELD_CTE + """
SELECT a.case_id, SUM(a.held) AS held, COUNT(*) FILTER (WHERE a.payout_due_on < %(today)s::date) AS overdue,
       COUNT(*) OVER () AS total
  FROM aged a JOIN cases_case c ON c.id = a.case_id
 WHERE c.id = ANY(ARRAY(SELECT case_id FROM aged))
   AND (%(bucket)s = '' OR a.bucket = %(bucket)s)
   AND (NOT %(overdue)s OR a.payout_due_on < %(today)s::date)
   AND (%(team)s::bigint IS NULL OR c.team_id = %(team)s::bigint)
   AND (%(officer)s::bigint IS NULL OR c.officer_id = %(officer)s::bigint)
 GROUP BY a.case_id
 ORDER BY held DESC, a.case_id
 LIMIT %(limit)s OFFSET %(offset)s
"""


@dataclass
class AgeingRow:
    """One line of the table: a court's team, or an officer within it (``officer_id`` None for the team line)."""

    court_id: int
    team_id: int | None
    officer_id: int | None = None
    label: str = ""
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKET_KEYS, ZERO))
    overdue: int = 0
    cases: int = 0
    officers: list[AgeingRow] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    def bucket_list(self) -> list[tuple[str, Decimal]]:
        return [(key, self.buckets[key]) for key in BUCKET_KEYS]

    def add(self, other: AgeingRow) -> None:
        for key in BUCKET_KEYS:
            self.buckets[key] += other.buckets[key]
        self.overdue += other.overdue
        self.cases += other.cases


@dataclass
class FundsAgeing:
    courts: list[int]
    today: date
    teams: list[AgeingRow]
    total: AgeingRow


def _params(court_ids: Sequence[int], today: date) -> dict:
    return {"courts": list(court_ids), "kinds": list(RECEIPT_KIND_VALUES), "today": today}


def funds_ageing(*, court_ids: Sequence[int], today: date) -> FundsAgeing:
    """The held money of the courts' cases by age bucket, per team (with its officers) and in total. The caller
    decides the courts (the chief's report scope, finance's own court): this reads, it does not authorise."""
    with read_replica(), _cursor() as cursor:
        cursor.execute(FIGURES_SQL, _params(court_ids, today))
        raw = cursor.fetchall()
    multi = len(set(court_ids)) > 1
    team_ids = {r[1] for r in raw if r[1] is not None}
    officer_ids = {r[2] for r in raw if r[2] is not None}
    team_names = {t.pk: t.name for t in Team.objects.filter(pk__in=team_ids).only("pk", "name")} if team_ids else {}
    officer_names = ({u.pk: u.display_name for u in User.objects.filter(pk__in=officer_ids)
                      .only("pk", "full_name", "username", "first_name", "last_name")} if officer_ids else {})
    court_names = dict(Court.objects.filter(pk__in={r[0] for r in raw}).values_list("pk", "name")) if multi and raw \
        else {}
    teams: dict[tuple, AgeingRow] = {}
    total = AgeingRow(court_id=0, team_id=None, label=str(_("Total")))
    for court_id, team_id, officer_id, *amounts, overdue, cases in raw:
        row = AgeingRow(court_id=court_id, team_id=team_id, officer_id=officer_id,
                        label=officer_names.get(officer_id, str(_("No officer"))),
                        buckets=dict(zip(BUCKET_KEYS, (Decimal(a).quantize(ZERO) for a in amounts), strict=True)),
                        overdue=overdue, cases=cases)
        team = teams.get((court_id, team_id))
        if team is None:
            name = team_names.get(team_id, str(_("No team")))
            if multi:
                name = f"{court_names.get(court_id, '')} {name}"
            team = teams[(court_id, team_id)] = AgeingRow(court_id=court_id, team_id=team_id, label=name)
        team.add(row)
        team.officers.append(row)
        total.add(row)
    ordered = sorted(teams.values(), key=lambda t: (-t.total, t.label))
    for team in ordered:
        team.officers.sort(key=lambda o: (-o.total, o.label))
    return FundsAgeing(courts=list(court_ids), today=today, teams=ordered, total=total)


@dataclass
class AgeingCases:
    rows: list[tuple[Case, Decimal, int]]
    count: int


def funds_ageing_cases(*, court_ids: Sequence[int], today: date, bucket: str = "", overdue: bool = False,
                       team_id: int | None = None, officer_id: int | None = None, limit: int = 50,
                       offset: int = 0) -> AgeingCases:
    """The cases behind a figure: each with the money it holds in ``bucket`` (all buckets when empty), the number of
    its receipts past their payout deadline, largest first. Two queries whatever the page size."""
    if bucket and bucket not in BUCKET_KEYS:
        raise ValueError(bucket)
    params = _params(court_ids, today) | {"bucket": bucket, "overdue": overdue, "team": team_id,
                                          "officer": officer_id, "limit": limit, "offset": offset}
    with read_replica(), _cursor() as cursor:
        cursor.execute(CASES_SQL, params)
        raw = cursor.fetchall()
    cases = {}
    if raw:
        found = Case.objects.filter(pk__in=[r[0] for r in raw]).select_related("team", "officer")
        cases = {c.pk: c for c in found}
    rows = [(cases[case_id], Decimal(held).quantize(ZERO), n) for case_id, held, n, _total in raw if case_id in cases]
    return AgeingCases(rows=rows, count=raw[0][3] if raw else 0)
