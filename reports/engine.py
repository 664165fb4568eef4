"""The KPI engine: every figure is a SQL aggregate (GROUP BY with FILTER clauses) - no case rows reach Python.

Two sources, one meaning (see reports/kpis.py for the definitions and the team-attribution rule):

* the rollup (``reports_dailystat`` / ``reports_monthstat`` ...), kept per court by ``rollup_rebuild``: the sum of
  per-case flows (``reports_caseflow``) per day and per (team, officer, case type, stream, closure mode), brought up
  to date incrementally from the cases the triggers listed as changed; stocks on a date are sums of flows before it.
  The dashboard and the reports read it for the court, team, officer, case type and stream breakdowns, so a year of
  a million-case court is a few thousand rows to add up.
* live predicates on ``cases_case`` (``measure_predicate``): the drill-down lists, the tag and campaign breakdowns
  (a case has many tags; a campaign is a chosen set), ageing of open cases, and petitions, leads, 终本 reviews and
  fund payouts. The tests check that both give the same numbers.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from . import settings_cache as court_settings
from core.db_router import replica_alias

from .kpis import MODES, CourtKpis
from .periods import Period, window_years_back

DIMS = ("total", "court", "team", "officer", "case_type", "stream", "tag", "campaign")
ROLLUP_DIMS = {"total": "0", "court": "court_id", "team": "team_id", "officer": "officer_id",
               "case_type": "case_type", "stream": "stream"}
AGE_BUCKETS = ((0, 3), (3, 6), (6, 12), (12, 24), (24, None))  # months


def _tz() -> str:
    return settings.TIME_ZONE


def _ints(values) -> list[int]:
    return [int(v) for v in values]


def _court_case(court_ids: list[int], key: str, column: str = "c.court_id") -> str:
    """A SQL CASE giving each court's integer setting ``key`` (literal ints, so one query serves several courts)."""
    default = int(court_settings.get(None, key))
    parts = []
    for cid in court_ids:
        value = int(court_settings.get(cid, key))
        if value != default:
            parts.append(f"WHEN {int(cid)} THEN {value}")
    if not parts:
        return str(default)
    return f"(CASE {column} {' '.join(parts)} ELSE {default} END)"


def term_end_sql(court_ids: list[int], ext: str = "x", pause: str = "p") -> str:
    term = _court_case(court_ids, "term_months")
    term_nl = _court_case(court_ids, "term_months_non_litigation")
    return (f"((c.filed_on + make_interval(months => (CASE WHEN c.non_litigation THEN {term_nl} ELSE {term} END)"
            f" + COALESCE({ext}.months, 0)))::date + COALESCE({pause}.days, 0))")


def in_term_sql(court_ids: list[int]) -> str:
    return f"(c.closed_on IS NOT NULL AND c.closed_on <= {term_end_sql(court_ids)})"


def aged_on_sql(court_ids: list[int]) -> str:
    return f"(c.filed_on + make_interval(months => {_court_case(court_ids, 'aged_months')}))::date"


# Per-case lookups for live queries (drill-downs): extension months and pause days up to closure.
LATERAL_TERM = """
    LEFT JOIN LATERAL (SELECT SUM(e.months)::int AS months FROM cases_termextension e WHERE e.case_id = c.id) x ON true
    LEFT JOIN LATERAL (
        SELECT SUM(LEAST(COALESCE(tp.ended_on, c.closed_on), c.closed_on) - tp.started_on)::int AS days
        FROM cases_termpause tp WHERE tp.case_id = c.id AND tp.started_on <= c.closed_on) p ON true
"""


def holder_lateral(alias: str, day_sql: str) -> str:
    """The team and officer holding case ``c`` at the end of ``day_sql`` (see kpis.py): the last assignment that
    started on or before that day; before the first assignment, the first one; without any, the case's own."""
    ld = f"timezone('{_tz()}', a.started_at)::date"
    return f"""
    LEFT JOIN LATERAL (
        SELECT a.team_id, a.officer_id FROM cases_assignment a WHERE a.case_id = c.id
        ORDER BY ({ld} <= {day_sql}) DESC, CASE WHEN {ld} <= {day_sql} THEN a.started_at END DESC NULLS LAST,
                 {ld} ASC, a.started_at DESC, a.id DESC
        LIMIT 1) {alias}_a ON true
    """


def _holder_cols(alias: str) -> tuple[str, str]:
    # A case with no assignment history counts for its current team/officer.
    none = "NOT EXISTS (SELECT 1 FROM cases_assignment a0 WHERE a0.case_id = c.id)"
    return (f"(CASE WHEN {none} THEN c.team_id ELSE {alias}_a.team_id END)",
            f"(CASE WHEN {none} THEN c.officer_id ELSE {alias}_a.officer_id END)")


# --- Rollup -------------------------------------------------------------------------------------------------------
#
# The rollup is the sum of per-case flows: each case contributes a few rows (received on its filing day, moved out of
# and into a team on a reassignment day, closed on its closing day, the long-pending stock on the day it becomes
# long-pending), kept in ``reports_caseflow``. ``reports_dailystat`` is their sum per day and key, and the month and
# court-wide tables are sums of that. A full rebuild recomputes every case of the court; an incremental rebuild
# recomputes only the cases the triggers of migration 0003 listed in ``reports_rollupdirty`` since the last rebuild,
# and adds (new flows - stored flows) to the rollup tables. Both give the same rows (tests/reports/test_incremental).

FLOWS_SQL = """
WITH c AS (
    SELECT c.id, c.court_id, c.filed_on, c.closed_on, c.closure_mode, c.case_type, c.stream, c.team_id, c.officer_id,
           c.amount_claimed, c.amount_recovered, {aged_on} AS aged_on,
           {in_term} AS in_term
    FROM cases_case c
    LEFT JOIN (SELECT e.case_id, SUM(e.months)::int AS months FROM cases_termextension e
               JOIN cases_case ce ON ce.id = e.case_id WHERE ce.court_id = %(court)s {only_e} GROUP BY e.case_id) x
           ON x.case_id = c.id
    LEFT JOIN (SELECT tp.case_id,
                      SUM(LEAST(COALESCE(tp.ended_on, cp.closed_on), cp.closed_on) - tp.started_on)::int AS days
               FROM cases_termpause tp JOIN cases_case cp ON cp.id = tp.case_id
               WHERE cp.court_id = %(court)s AND cp.closed_on IS NOT NULL AND tp.started_on <= cp.closed_on {only_tp}
               GROUP BY tp.case_id) p ON p.case_id = c.id
    WHERE c.court_id = %(court)s {only_c}
),
ad AS (
    SELECT DISTINCT ON (a.case_id, timezone(%(tz)s, a.started_at)::date)
           a.case_id, timezone(%(tz)s, a.started_at)::date AS d, a.team_id, a.officer_id
    FROM cases_assignment a JOIN cases_case ca ON ca.id = a.case_id AND ca.court_id = %(court)s {only_a}
    ORDER BY a.case_id, timezone(%(tz)s, a.started_at)::date, a.started_at DESC, a.id DESC
),
ini AS (
    SELECT DISTINCT ON (ad.case_id) ad.case_id, ad.team_id, ad.officer_id
    FROM ad JOIN c ON c.id = ad.case_id
    ORDER BY ad.case_id, (ad.d <= c.filed_on) DESC,
             CASE WHEN ad.d <= c.filed_on THEN c.filed_on - ad.d ELSE ad.d - c.filed_on END
),
seq AS (
    SELECT c.id AS case_id, c.filed_on AS d, 0 AS ord,
           CASE WHEN ini.case_id IS NULL THEN c.team_id ELSE ini.team_id END AS team_id,
           CASE WHEN ini.case_id IS NULL THEN c.officer_id ELSE ini.officer_id END AS officer_id
    FROM c LEFT JOIN ini ON ini.case_id = c.id
    UNION ALL
    SELECT ad.case_id, ad.d, 1, ad.team_id, ad.officer_id
    FROM ad JOIN c ON c.id = ad.case_id
    WHERE ad.d > c.filed_on AND (c.closed_on IS NULL OR ad.d <= c.closed_on)
),
lg AS (
    SELECT seq.*, LAG(team_id) OVER w AS p_team, LAG(officer_id) OVER w AS p_officer, LEAD(d) OVER w AS next_d
    FROM seq WINDOW w AS (PARTITION BY case_id ORDER BY d, ord)
),
flows AS (
    SELECT c.id AS case_id, c.filed_on AS day, lg.team_id, lg.officer_id, c.case_type, c.stream, '' AS mode,
           1 AS received, 0 AS closed, 0 AS moved_in, 0 AS moved_out, 0 AS in_term, 0 AS days,
           c.amount_claimed AS claimed_received, 0::numeric AS claimed_closed, 0::numeric AS recovered_closed, 0 AS aged
    FROM lg JOIN c ON c.id = lg.case_id WHERE lg.ord = 0
    UNION ALL
    SELECT c.id, lg.d, lg.p_team, lg.p_officer, c.case_type, c.stream, '', 0, 0, 0, 1, 0, 0, 0, 0, 0,
           CASE WHEN lg.d > c.aged_on THEN -1 ELSE 0 END
    FROM lg JOIN c ON c.id = lg.case_id
    WHERE lg.ord = 1 AND (lg.team_id, lg.officer_id) IS DISTINCT FROM (lg.p_team, lg.p_officer)
    UNION ALL
    SELECT c.id, lg.d, lg.team_id, lg.officer_id, c.case_type, c.stream, '', 0, 0, 1, 0, 0, 0, 0, 0, 0,
           CASE WHEN lg.d > c.aged_on THEN 1 ELSE 0 END
    FROM lg JOIN c ON c.id = lg.case_id
    WHERE lg.ord = 1 AND (lg.team_id, lg.officer_id) IS DISTINCT FROM (lg.p_team, lg.p_officer)
    UNION ALL
    SELECT c.id, c.closed_on, lg.team_id, lg.officer_id, c.case_type, c.stream, c.closure_mode, 0, 1, 0, 0,
           c.in_term::int, c.closed_on - c.filed_on, 0, c.amount_claimed, c.amount_recovered,
           CASE WHEN c.closed_on > c.aged_on THEN -1 ELSE 0 END
    FROM lg JOIN c ON c.id = lg.case_id WHERE lg.next_d IS NULL AND c.closed_on IS NOT NULL
    UNION ALL
    SELECT c.id, c.aged_on, lg.team_id, lg.officer_id, c.case_type, c.stream, '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
    FROM lg JOIN c ON c.id = lg.case_id
    WHERE lg.d <= c.aged_on AND (lg.next_d IS NULL OR lg.next_d > c.aged_on)
      AND (c.closed_on IS NULL OR c.closed_on > c.aged_on)
)
INSERT INTO {target} (court_id, case_id, day, team_id, officer_id, case_type, stream, closure_mode, received, closed,
                      moved_in, moved_out, closed_in_term, closed_days, claimed_received, claimed_closed,
                      recovered_closed, aged)
SELECT %(court)s, case_id, day, team_id, officer_id, case_type, stream, mode, received, closed, moved_in, moved_out,
       in_term, days, claimed_received, claimed_closed, recovered_closed, aged
FROM flows
"""

FLOW_MEASURES = ("received", "closed", "moved_in", "moved_out", "closed_in_term", "closed_days", "claimed_received",
                 "claimed_closed", "recovered_closed", "aged")
ROLLUP_MEASURES = ("received", "closed", "closed_in_term", "closed_days", "claimed_received", "claimed_closed",
                   "recovered_closed", "net", "aged")
DAY_KEY = ("day", "team_id", "officer_id", "case_type", "stream", "closure_mode")
NET = "received + moved_in - moved_out - closed"


def _sums(cols) -> str:
    """SUM of each measure over day flows; ``net`` (the open stock's change) = received + moved in - out - closed."""
    return ", ".join(f"SUM({NET if c == 'net' else c})" for c in cols)


def _nonzero(cols) -> str:
    """Rows whose every measure is zero add nothing to any figure: neither rebuild keeps them."""
    return " OR ".join(f"SUM({NET if c == 'net' else c}) <> 0" for c in cols)


# The derived tables: (table, key columns, source table, source key expressions, measures, net source).
DERIVED = (
    ("reports_monthstat", ("month", "team_id", "officer_id", "case_type", "stream", "closure_mode"),
     ("date_trunc('month', day)::date", "team_id", "officer_id", "case_type", "stream", "closure_mode")),
    ("reports_courtdaystat", ("day", "case_type", "stream", "closure_mode"),
     ("day", "case_type", "stream", "closure_mode")),
    ("reports_courtmonthstat", ("month", "case_type", "stream", "closure_mode"),
     ("date_trunc('month', day)::date", "case_type", "stream", "closure_mode")),
)
ROLLUP_TABLES = ("reports_dailystat", "reports_monthstat", "reports_courtmonthstat", "reports_openingstat",
                 "reports_courtdaystat")

OPENING_SQL = """
WITH keyed AS (
    SELECT month, COALESCE(team_id, 0) AS team, COALESCE(officer_id, 0) AS officer, case_type, stream,
           SUM(net) AS n, SUM(aged) AS a
    FROM reports_monthstat WHERE court_id = %(court)s GROUP BY 1, 2, 3, 4, 5
),
combos AS (SELECT DISTINCT team, officer, case_type, stream FROM keyed),
months AS (
    SELECT generate_series(MIN(month), GREATEST(MAX(month), date_trunc('month', %(today)s::date)::date)
                           + interval '1 month', interval '1 month')::date AS month
    FROM keyed
),
grid AS (
    SELECT m.month, c.team, c.officer, c.case_type, c.stream, COALESCE(k.n, 0) AS n, COALESCE(k.a, 0) AS a
    FROM months m CROSS JOIN combos c
    LEFT JOIN keyed k ON k.month = m.month AND k.team = c.team AND k.officer = c.officer
                     AND k.case_type = c.case_type AND k.stream = c.stream
),
cum AS (
    SELECT month, team, officer, case_type, stream, SUM(n) OVER w - n AS open_cases, SUM(a) OVER w - a AS aged
    FROM grid WINDOW w AS (PARTITION BY team, officer, case_type, stream ORDER BY month)
)
INSERT INTO reports_openingstat (court_id, month, team_id, officer_id, case_type, stream, open_cases, aged)
SELECT %(court)s, month, NULLIF(team, 0), NULLIF(officer, 0), case_type, stream, open_cases, aged
FROM cum WHERE open_cases <> 0 OR aged <> 0
"""

# A rebuild recomputing more cases than this is done in full (one pass over the court beats many index probes).
INCREMENTAL_MAX_CASES = 150_000
SETTINGS_KEYS = ("term_months", "term_months_non_litigation", "aged_months")


def _settings_key(court_id: int) -> str:
    """The court settings the flows depend on; when they change, the stored flows are stale: rebuild in full."""
    return ",".join(f"{k}={int(court_settings.get(court_id, k))}" for k in SETTINGS_KEYS)


def _flows_sql(court_id: int, target: str, incremental: bool) -> str:
    only = ({"only_c": "AND c.id IN (SELECT id FROM _rd_ids)", "only_e": "AND e.case_id IN (SELECT id FROM _rd_ids)",
             "only_tp": "AND tp.case_id IN (SELECT id FROM _rd_ids)",
             "only_a": "AND a.case_id IN (SELECT id FROM _rd_ids)"} if incremental else
            {"only_c": "", "only_e": "", "only_tp": "", "only_a": ""})
    return FLOWS_SQL.format(aged_on=aged_on_sql([court_id]), in_term=in_term_sql([court_id]), target=target, **only)


def _derive_full(cursor, court_id: int) -> None:
    """The month and court-wide tables from ``reports_dailystat`` (rows all of whose measures are zero left out)."""
    for table, key, src_key in DERIVED:
        cursor.execute(f"""
            INSERT INTO {table} (court_id, {', '.join(key)}, {', '.join(ROLLUP_MEASURES)})
            SELECT %(court)s, {', '.join(src_key)}, {_sums(ROLLUP_MEASURES)}
            FROM reports_dailystat WHERE court_id = %(court)s
            GROUP BY {', '.join(src_key)} HAVING {_nonzero(ROLLUP_MEASURES)}
        """, {"court": court_id})


def _rebuild_full(cursor, court_id: int) -> tuple[int, int]:
    cursor.execute("DELETE FROM reports_rollupdirty WHERE court_id = %s", [court_id])
    cursor.execute("DELETE FROM reports_caseflow WHERE court_id = %s", [court_id])
    for table in ROLLUP_TABLES:
        cursor.execute(f"DELETE FROM {table} WHERE court_id = %s", [court_id])
    cursor.execute(_flows_sql(court_id, "reports_caseflow", incremental=False), {"court": court_id, "tz": _tz()})
    cursor.execute(f"""
        INSERT INTO reports_dailystat (court_id, {', '.join(DAY_KEY)}, {', '.join(FLOW_MEASURES)})
        SELECT %(court)s, {', '.join(DAY_KEY)}, {_sums(FLOW_MEASURES)}
        FROM reports_caseflow WHERE court_id = %(court)s GROUP BY {', '.join(DAY_KEY)}
    """, {"court": court_id})
    rows = cursor.rowcount
    _derive_full(cursor, court_id)
    cursor.execute("SELECT count(DISTINCT case_id) FROM reports_caseflow WHERE court_id = %s", [court_id])
    return rows, cursor.fetchone()[0]


def _upsert_delta(cursor, court_id: int, table: str, key, src_key, measures) -> list[int]:
    """Add the delta (``_rd_delta``: new flows minus stored flows) to ``table``; the ids of rows now all zero."""
    cursor.execute(f"""
        WITH up AS (
            INSERT INTO {table} AS t (court_id, {', '.join(key)}, {', '.join(measures)})
            SELECT %(court)s, {', '.join(src_key)}, {_sums(measures)}
            FROM _rd_delta GROUP BY {', '.join(src_key)}
            ON CONFLICT ON CONSTRAINT {table.removeprefix('reports_')}_unique_key DO UPDATE SET
                {', '.join(f'{m} = t.{m} + EXCLUDED.{m}' for m in measures)}
            RETURNING t.id, {' AND '.join(f't.{m} = 0' for m in measures)} AS zero
        )
        SELECT id FROM up WHERE zero
    """, {"court": court_id})
    return [r[0] for r in cursor.fetchall()]


def _rebuild_incremental(cursor, court_id: int) -> tuple[int, int] | None:
    """Recompute the flows of the cases changed since the last rebuild and add the difference to the rollup.

    None when the changed cases are too many (the caller rebuilds in full)."""
    # (inside an outer transaction, e.g. a test, the tables of an earlier rebuild are still there)
    cursor.execute("DROP TABLE IF EXISTS _rd_ids, _rd_new, _rd_delta")
    cursor.execute("CREATE TEMP TABLE _rd_ids (id bigint PRIMARY KEY) ON COMMIT DROP")
    # The markers taken here are those committed before this statement; every later statement sees those changes.
    # Markers committed afterwards stay for the next rebuild (recomputing a case twice changes nothing).
    cursor.execute("""
        WITH taken AS (DELETE FROM reports_rollupdirty WHERE court_id = %s RETURNING case_id)
        INSERT INTO _rd_ids SELECT DISTINCT case_id FROM taken
    """, [court_id])
    changed = cursor.rowcount
    if changed == 0:
        return 0, 0
    if changed > INCREMENTAL_MAX_CASES:
        return None
    cursor.execute("ANALYZE _rd_ids")
    cursor.execute("CREATE TEMP TABLE _rd_new (LIKE reports_caseflow) ON COMMIT DROP")
    cursor.execute(_flows_sql(court_id, "_rd_new", incremental=True), {"court": court_id, "tz": _tz()})
    measures = ", ".join(FLOW_MEASURES)
    cursor.execute(f"""
        CREATE TEMP TABLE _rd_delta ON COMMIT DROP AS
        SELECT {', '.join(DAY_KEY)}, {', '.join(f'SUM({m}) AS {m}' for m in FLOW_MEASURES)}
        FROM (SELECT {', '.join(DAY_KEY)}, {measures} FROM _rd_new
              UNION ALL
              SELECT {', '.join(DAY_KEY)}, {', '.join('-' + m for m in FLOW_MEASURES)}
              FROM reports_caseflow WHERE court_id = %(court)s AND case_id IN (SELECT id FROM _rd_ids)) f
        GROUP BY {', '.join(DAY_KEY)}
        HAVING {' OR '.join(f'SUM({m}) <> 0' for m in FLOW_MEASURES)}
    """, {"court": court_id})
    rows = cursor.rowcount
    cursor.execute("DELETE FROM reports_caseflow WHERE court_id = %s AND case_id IN (SELECT id FROM _rd_ids)",
                   [court_id])
    cursor.execute("INSERT INTO reports_caseflow SELECT * FROM _rd_new")
    targets = [("reports_dailystat", DAY_KEY, DAY_KEY, FLOW_MEASURES)]
    targets += [(table, key, src_key, ROLLUP_MEASURES) for table, key, src_key in DERIVED]
    for table, key, src_key, cols in targets:
        zero_ids = _upsert_delta(cursor, court_id, table, key, src_key, cols)
        if zero_ids:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [zero_ids])
    return rows, changed


def rollup_rebuild(court_id: int, *, full: bool = False) -> dict:
    """Bring one court's rollup up to date, atomically (readers see the old or the new rollup).

    Incremental by default: only the cases changed since the last rebuild are recomputed. In full on the first
    rebuild, when the court's term or ageing settings changed since, when very many cases changed, or ``full``.
    """
    from .models import RollupMode, RollupState

    started = time.monotonic()
    key = _settings_key(court_id)
    with transaction.atomic(), connections["default"].cursor() as cursor:
        # One rebuild per court at a time; concurrent callers wait, then bring it up to date again (a no-op).
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7007, court_id])
        cursor.execute("SET LOCAL jit = off")
        state = RollupState.objects.filter(court_id=court_id).first()
        result = None
        if not full and state is not None and state.settings_key == key:
            result = _rebuild_incremental(cursor, court_id)
        mode = RollupMode.INCREMENTAL
        if result is None:
            mode = RollupMode.FULL
            cursor.execute("SET LOCAL work_mem = '256MB'")
            result = _rebuild_full(cursor, court_id)
        else:
            cursor.execute("DELETE FROM reports_openingstat WHERE court_id = %s", [court_id])
        rows, cases = result  # rollup rows written (in full) or changed (incrementally); cases recomputed
        cursor.execute(OPENING_SQL, {"court": court_id, "today": today()})
        seconds = time.monotonic() - started
        RollupState.objects.update_or_create(court_id=court_id, defaults={
            "refreshed_at": timezone.now(), "seconds": seconds, "rows": rows, "mode": mode, "cases": cases,
            "settings_key": key})
    return {"court": court_id, "rows": rows, "cases": cases, "mode": str(mode), "seconds": round(seconds, 3)}


# --- Reading the rollup -------------------------------------------------------------------------------------------

def _new_bucket():
    return defaultdict(lambda: defaultdict(Decimal))


def _cursor():
    """A cursor for report queries. JIT compilation is switched off on the connection: these aggregates run in
    milliseconds, and on large tables PostgreSQL's cost estimate would otherwise trigger seconds of JIT work."""
    connection = connections[replica_alias() if _using_replica() else "default"]
    connection.ensure_connection()
    raw = connection.connection
    if getattr(raw, "_reports_jit_off", False) is not True:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        try:
            raw._reports_jit_off = True
        except AttributeError:  # pragma: no cover - a connection class without attributes
            pass
    return connection.cursor()


def _using_replica() -> bool:
    from core.db_router import _use_replica

    return _use_replica.get()


def _month_bounds(period: Period) -> tuple[date, date]:
    """[first, last) month starts of the calendar months lying wholly inside the period (may be empty)."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    last = _next_month(period.end) if _next_month(period.end) == period.end + timedelta(days=1) else \
        period.end.replace(day=1)
    return first, max(first, last)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


FLOW_COLS = ("SUM(received), SUM(closed), SUM(closed_in_term), SUM(closed_days), SUM(claimed_received), "
             "SUM(claimed_closed), SUM(recovered_closed), SUM(net)")


def rollup_measures(court_ids: list[int], period: Period, dim: str, defs: CourtKpis) -> dict:
    """{dim value: {case type: {measure: Decimal}}} for the case measures, read from the rollup: whole months from
    ``reports_monthstat``, the partial months at either end day by day from ``reports_dailystat``."""
    col = ROLLUP_DIMS[dim]
    out: dict = defaultdict(_new_bucket)
    m_first, m_last = _month_bounds(period)
    params = {"courts": _ints(court_ids), "s": period.start, "e": period.end, "mf": m_first, "ml": m_last,
              "ms": period.start.replace(day=1), "me": period.end.replace(day=1)}
    by_holder = dim in ("team", "officer")
    day_table = "reports_dailystat" if by_holder else "reports_courtdaystat"
    day_net = "received + moved_in - moved_out - closed" if by_holder else "net"
    daily = ("received, closed, closed_in_term, closed_days, claimed_received, claimed_closed, recovered_closed, "
             f"{day_net} AS net")
    monthly = ("received, closed, closed_in_term, closed_days, claimed_received, claimed_closed, recovered_closed, "
               "net")
    month_table = "reports_monthstat" if by_holder else "reports_courtmonthstat"
    with _cursor() as cursor:
        cursor.execute(f"""
            SELECT k, case_type, closure_mode, {FLOW_COLS} FROM (
                SELECT {col} AS k, case_type, closure_mode, {monthly} FROM {month_table}
                 WHERE court_id = ANY(%(courts)s) AND month >= %(mf)s AND month < %(ml)s
                UNION ALL
                SELECT {col}, case_type, closure_mode, {daily} FROM {day_table}
                 WHERE court_id = ANY(%(courts)s) AND day >= %(s)s AND day < LEAST(%(mf)s, %(e)s::date + 1)
                UNION ALL
                SELECT {col}, case_type, closure_mode, {daily} FROM {day_table}
                 WHERE court_id = ANY(%(courts)s) AND day >= GREATEST(%(ml)s, %(s)s) AND day <= %(e)s
            ) t GROUP BY 1, 2, 3
        """, params)
        for key, ctype, mode, rec, closed, in_term, days, c_rec, c_closed, r_closed, net in cursor.fetchall():
            m = out[key][ctype]
            m["received"] += rec
            m["closed"] += closed
            m["closed_in_term"] += in_term
            m["closed_days"] += days
            m["claimed_received"] += c_rec
            m["claimed_closed"] += c_closed
            m["recovered_closed"] += r_closed
            m["_net"] += net
            if mode:
                m[f"closed__{mode}"] += closed
                if mode in defs.actual_modes:
                    m["closed_actual"] += closed
                    m["closed_actual_in_term"] += in_term
        cursor.execute(f"""
            SELECT k, case_type, SUM(carried), SUM(aged) FROM (
                SELECT {col} AS k, case_type, open_cases AS carried, 0 AS aged FROM reports_openingstat
                 WHERE court_id = ANY(%(courts)s) AND month = %(ms)s
                UNION ALL
                SELECT {col}, case_type, {day_net}, 0 FROM {day_table}
                 WHERE court_id = ANY(%(courts)s) AND day >= %(ms)s AND day < %(s)s
                UNION ALL
                SELECT {col}, case_type, 0, aged FROM reports_openingstat
                 WHERE court_id = ANY(%(courts)s) AND month = %(me)s
                UNION ALL
                SELECT {col}, case_type, 0, aged FROM {day_table}
                 WHERE court_id = ANY(%(courts)s) AND day >= %(me)s AND day <= %(e)s
            ) t GROUP BY 1, 2
        """, params)
        for key, ctype, carried, aged in cursor.fetchall():
            m = out[key][ctype]
            m["carried_over"] += carried
            m["aged_open"] += aged
    for per_type in out.values():
        for m in per_type.values():
            m["open_end"] = m["carried_over"] + m.pop("_net", Decimal(0))
    return out


# --- Live predicates ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Predicate:
    where: str
    holder_day: str | None  # the day whose holder the team/officer filters use
    needs_term: bool = False


def measure_predicate(measure: str, court_ids: list[int], defs: CourtKpis) -> Predicate:
    """The SQL condition (on ``c``, with %(s)s / %(e)s as the period) selecting the cases behind a case measure."""
    closed = "c.closed_on BETWEEN %(s)s AND %(e)s"
    actual = "c.closure_mode = ANY(%(actual)s)"
    if measure == "received":
        return Predicate("c.filed_on BETWEEN %(s)s AND %(e)s", "c.filed_on")
    if measure == "carried_over":
        return Predicate("c.filed_on < %(s)s AND (c.closed_on IS NULL OR c.closed_on >= %(s)s)",
                         "(%(s)s::date - 1)")
    if measure in ("closed", "closed_days", "claimed_closed", "recovered_closed"):
        return Predicate(closed, "c.closed_on")
    if measure.startswith("closed__") and measure[8:] in MODES:
        return Predicate(f"{closed} AND c.closure_mode = '{measure[8:]}'", "c.closed_on")
    if measure == "closed_actual":
        return Predicate(f"{closed} AND {actual}", "c.closed_on")
    if measure == "closed_in_term":
        return Predicate(f"{closed} AND {in_term_sql(court_ids)}", "c.closed_on", True)
    if measure == "closed_actual_in_term":
        return Predicate(f"{closed} AND {actual} AND {in_term_sql(court_ids)}", "c.closed_on", True)
    if measure == "claimed_received":
        return Predicate("c.filed_on BETWEEN %(s)s AND %(e)s", "c.filed_on")
    open_end = "c.filed_on <= %(e)s AND (c.closed_on IS NULL OR c.closed_on > %(e)s)"
    if measure == "open_end":
        return Predicate(open_end, "%(e)s::date")
    if measure == "aged_open":
        return Predicate(f"{open_end} AND {aged_on_sql(court_ids)} <= %(e)s", "%(e)s::date")
    raise KeyError(measure)


def _dim_filter(dim: str, value, holder: tuple[str, str] | None, params: dict) -> str:
    if dim in ("total", None) or value is None:
        return "TRUE"
    if dim == "court":
        params["f_court"] = int(value)
        return "c.court_id = %(f_court)s"
    if dim in ("team", "officer"):
        column = holder[0] if dim == "team" else holder[1]
        if value in ("", "none", 0, "0"):
            return f"{column} IS NULL"
        params["f_holder"] = int(value)
        return f"{column} = %(f_holder)s"
    if dim == "case_type":
        params["f_type"] = str(value)
        return "c.case_type = %(f_type)s"
    if dim == "stream":
        params["f_stream"] = str(value)
        return "c.stream = %(f_stream)s"
    if dim == "tag":
        params["f_tag"] = str(value)
        return "%(f_tag)s = ANY(c.tags)"
    if dim == "campaign":
        params["f_campaign"] = int(value)
        return ("EXISTS (SELECT 1 FROM reports_campaign_cases cc WHERE cc.case_id = c.id "
                "AND cc.campaign_id = %(f_campaign)s)")
    raise KeyError(dim)


def _campaign_filter(campaign_id, params: dict) -> str:
    if campaign_id is None:
        return ""
    params["scope_campaign"] = int(campaign_id)
    return ("AND EXISTS (SELECT 1 FROM reports_campaign_cases c3 WHERE c3.case_id = c.id "
            "AND c3.campaign_id = %(scope_campaign)s)")


def drilldown_sql(*, measure: str, court_ids: list[int], period: Period, case_types, defs: CourtKpis,
                  dim: str = "total", value=None, campaign_id=None) -> tuple[str, dict]:
    """SQL selecting ``c.id`` of the cases behind one case measure for one group."""
    pred = measure_predicate(measure, court_ids, defs)
    params = {"courts": _ints(court_ids), "s": period.start, "e": period.end, "types": list(case_types),
              "actual": list(defs.actual_modes)}
    joins = LATERAL_TERM if pred.needs_term else ""
    holder = None
    if dim in ("team", "officer") and value is not None:
        joins += holder_lateral("h", pred.holder_day)
        holder = _holder_cols("h")
    where = _dim_filter(dim, value, holder, params)
    sql = (f"SELECT c.id FROM cases_case c {joins} WHERE c.court_id = ANY(%(courts)s) "
           f"AND c.case_type = ANY(%(types)s) AND ({pred.where}) AND ({where}) "
           f"{_campaign_filter(campaign_id, params)}")
    return sql, params


def live_measures(court_ids: list[int], period: Period, dim: str, defs: CourtKpis, *,
                  campaign_ids: list[int] | None = None) -> dict:
    """Case measures computed on the case table, for the tag and campaign breakdowns (and campaign scope)."""
    params = {"courts": _ints(court_ids), "s": period.start, "e": period.end, "actual": list(defs.actual_modes)}
    measures = ["received", "carried_over", "closed", "closed_actual", "closed_in_term", "closed_actual_in_term",
                "open_end", "aged_open"] + [f"closed__{m}" for m in MODES]
    cols = [f"COUNT(*) FILTER (WHERE {measure_predicate(m, court_ids, defs).where})" for m in measures]
    closed = measure_predicate("closed", court_ids, defs).where
    received = measure_predicate("received", court_ids, defs).where
    cols += [f"COALESCE(SUM(c.closed_on - c.filed_on) FILTER (WHERE {closed}), 0)",
             f"COALESCE(SUM(c.amount_claimed) FILTER (WHERE {received}), 0)",
             f"COALESCE(SUM(c.amount_claimed) FILTER (WHERE {closed}), 0)",
             f"COALESCE(SUM(c.amount_recovered) FILTER (WHERE {closed}), 0)"]
    measures += ["closed_days", "claimed_received", "claimed_closed", "recovered_closed"]
    if dim == "tag":
        key, join = "t.tag", "CROSS JOIN LATERAL unnest(c.tags) AS t(tag)"
    elif dim == "campaign":
        key, join = "cc.campaign_id", "JOIN reports_campaign_cases cc ON cc.case_id = c.id"
    else:
        key, join = ROLLUP_DIMS.get(dim, "0").replace("court_id", "c.court_id"), ""
        if dim in ("team", "officer"):
            raise ValueError("team and officer breakdowns read the rollup (holder attribution)")
    campaign_filter = ""
    if campaign_ids is not None:
        params["campaigns"] = _ints(campaign_ids)
        campaign_filter = ("AND EXISTS (SELECT 1 FROM reports_campaign_cases c2 WHERE c2.case_id = c.id "
                           "AND c2.campaign_id = ANY(%(campaigns)s))")
        if dim == "campaign":
            campaign_filter = "AND cc.campaign_id = ANY(%(campaigns)s)"
    sql = f"""
        SELECT {key}, c.case_type, {', '.join(cols)}
        FROM cases_case c {LATERAL_TERM} {join}
        WHERE c.court_id = ANY(%(courts)s) AND c.filed_on <= %(e)s
          AND (c.closed_on IS NULL OR c.closed_on >= %(s)s) {campaign_filter}
        GROUP BY 1, 2
    """
    out: dict = defaultdict(_new_bucket)
    with _cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            m = out[row[0]][row[1]]
            for name, value in zip(measures, row[2:]):
                m[name] += Decimal(value or 0)
    return out


# --- Auxiliary measures: petitions, leads, 终本 reviews, fund payouts ------------------------------------------------

def _aux_key(dim: str) -> tuple[str, str]:
    if dim == "tag":
        return "t.tag", "CROSS JOIN LATERAL unnest(c.tags) AS t(tag)"
    if dim == "campaign":
        return "cc.campaign_id", "JOIN reports_campaign_cases cc ON cc.case_id = c.id"
    return {"total": "0", "court": "c.court_id", "team": "c.team_id", "officer": "c.officer_id",
            "case_type": "c.case_type", "stream": "c.stream"}[dim], ""


def funds_model():
    """assets.LedgerEntry when it carries the 30-day payout tracking (``payout_due_on``, ``paid_out_on``)."""
    try:
        model = apps.get_model("assets", "LedgerEntry")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if {"payout_due_on", "paid_out_on", "case"} <= names else None


AUX_SOURCES = {
    # measure: (table alias + join, date condition, extra condition)
    "petitions_received": ("cases_petition r", "r.received_on BETWEEN %(s)s AND %(e)s", "TRUE"),
    "petitions_resolved": ("cases_petition r", "r.received_on BETWEEN %(s)s AND %(e)s",
                           "r.answered_on IS NOT NULL AND r.answered_on <= %(e)s"),
    "petitions_due": ("cases_petition r", "r.due_on BETWEEN %(s)s AND %(e)s", "TRUE"),
    "petitions_on_time": ("cases_petition r", "r.due_on BETWEEN %(s)s AND %(e)s",
                          "r.answered_on IS NOT NULL AND r.answered_on <= r.due_on"),
    "leads_due": ("cases_lead r", "timezone(%(tz)s, r.due_at)::date BETWEEN %(s)s AND %(e)s", "TRUE"),
    "leads_on_time": ("cases_lead r", "timezone(%(tz)s, r.due_at)::date BETWEEN %(s)s AND %(e)s",
                      "r.handled_at IS NOT NULL AND r.handled_at <= r.due_at"),
    "zb_decided": ("cases_closurerequest r", "timezone(%(tz)s, r.decided_at)::date BETWEEN %(s)s AND %(e)s",
                   "r.mode = 'terminated_round' AND r.status IN ('approved', 'returned')"),
    "zb_passed": ("cases_closurerequest r", "timezone(%(tz)s, r.decided_at)::date BETWEEN %(s)s AND %(e)s",
                  "r.mode = 'terminated_round' AND r.status = 'approved'"),
    "funds_due": ("{funds} r", "r.payout_due_on BETWEEN %(s)s AND %(e)s", "TRUE"),
    "funds_on_time": ("{funds} r", "r.payout_due_on BETWEEN %(s)s AND %(e)s",
                      "r.paid_out_on IS NOT NULL AND r.paid_out_on <= r.payout_due_on"),
}
AUX_MODELS = {"petitions": ("cases", "Petition"), "leads": ("cases", "Lead"), "zb": ("cases", "ClosureRequest")}


def aux_available(measure: str) -> bool:
    if measure.startswith("funds_"):
        return funds_model() is not None
    app_label, model = AUX_MODELS[measure.split("_")[0]]
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True


def _aux_source(measure: str):
    table, date_cond, extra = AUX_SOURCES[measure]
    if "{funds}" in table:
        table = table.format(funds=funds_model()._meta.db_table)
    return table, date_cond, extra


def aux_measures(court_ids: list[int], period: Period, dim: str, *, campaign_ids: list[int] | None = None) -> dict:
    """Counts of petitions, leads, 终本 reviews and fund receipts, grouped like the case measures."""
    out: dict = defaultdict(_new_bucket)
    key, join = _aux_key(dim)
    params = {"courts": _ints(court_ids), "s": period.start, "e": period.end, "tz": _tz()}
    campaign_filter = ""
    if campaign_ids is not None:
        params["campaigns"] = _ints(campaign_ids)
        campaign_filter = ("AND EXISTS (SELECT 1 FROM reports_campaign_cases c2 WHERE c2.case_id = c.id "
                           "AND c2.campaign_id = ANY(%(campaigns)s))")
    by_table: dict[str, list[str]] = defaultdict(list)
    for measure in AUX_SOURCES:
        if aux_available(measure):
            by_table[(_aux_source(measure)[0], _aux_source(measure)[1])].append(measure)
    with _cursor() as cursor:
        for (table, date_cond), measures in by_table.items():
            cols = ", ".join(f"COUNT(*) FILTER (WHERE {_aux_source(m)[2]})" for m in measures)
            cursor.execute(f"""
                SELECT {key}, c.case_type, {cols}
                FROM {table} JOIN cases_case c ON c.id = r.case_id {join}
                WHERE c.court_id = ANY(%(courts)s) AND {date_cond} {campaign_filter}
                GROUP BY 1, 2
            """, params)
            for row in cursor.fetchall():
                m = out[row[0]][row[1]]
                for name, value in zip(measures, row[2:]):
                    m[name] += Decimal(value)
    return out


def aux_drilldown_sql(*, measure: str, court_ids: list[int], period: Period, case_types,
                      dim: str = "total", value=None, campaign_id=None) -> tuple[str, dict, str]:
    """SQL selecting the ids of the records (petitions, leads ...) behind an auxiliary measure; and the table."""
    table, date_cond, extra = _aux_source(measure)
    params = {"courts": _ints(court_ids), "s": period.start, "e": period.end, "tz": _tz(),
              "types": list(case_types)}
    holder = ("c.team_id", "c.officer_id")
    where = _dim_filter(dim, value, holder, params)
    sql = (f"SELECT r.id FROM {table} JOIN cases_case c ON c.id = r.case_id WHERE c.court_id = ANY(%(courts)s) "
           f"AND c.case_type = ANY(%(types)s) AND {date_cond} AND {extra} AND ({where}) "
           f"{_campaign_filter(campaign_id, params)}")
    return sql, params, table.split()[0]


# --- Ageing of open cases -----------------------------------------------------------------------------------------

def _bucket_bounds(day: date, low: int, high: int | None) -> tuple[date | None, date]:
    """Filing dates of cases aged [low, high) months on ``day``: filed_on in (day - high months, day - low months]."""
    def back(months: int) -> date:
        index = day.year * 12 + day.month - 1 - months
        year, month = index // 12, index % 12 + 1
        import calendar

        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

    newest = back(low)
    oldest = back(high) if high is not None else None
    return oldest, newest


def ageing_predicate(bucket: int, day: date, params: dict) -> str:
    low, high = AGE_BUCKETS[bucket]
    oldest, newest = _bucket_bounds(day, low, high)
    params.update({"age_new": newest, "age_old": oldest, "e": day})
    cond = "c.filed_on <= %(e)s AND (c.closed_on IS NULL OR c.closed_on > %(e)s)"
    cond += " AND c.filed_on > %(age_old)s" if oldest else ""
    # Bucket 0 holds cases filed up to today; later buckets start at an exact month boundary.
    if low:
        cond += " AND c.filed_on <= %(age_new)s"
    return cond


def ageing(court_ids: list[int], day: date, case_types) -> list[int]:
    """Open cases at the end of ``day`` by age: <3 months, 3-6, 6-12, 1-2 years, over 2 years.

    The open cases are read as two index scans: still open (partial index on open cases) and closed after ``day``.
    """
    params = {"courts": _ints(court_ids), "types": list(case_types), "e": day}
    cols = []
    for i, (low, high) in enumerate(AGE_BUCKETS):
        oldest, newest = _bucket_bounds(day, low, high)
        cond = []
        if oldest:
            params[f"old{i}"] = oldest
            cond.append(f"filed_on > %(old{i})s")
        if low:
            params[f"new{i}"] = newest
            cond.append(f"filed_on <= %(new{i})s")
        cols.append(f"COUNT(*) FILTER (WHERE {' AND '.join(cond) or 'TRUE'})")
    with _cursor() as cursor:
        cursor.execute(f"""
            SELECT {', '.join(cols)} FROM (
                SELECT c.filed_on FROM cases_case c
                 WHERE c.court_id = ANY(%(courts)s) AND c.closed_on IS NULL AND c.filed_on <= %(e)s
                   AND c.case_type = ANY(%(types)s)
                UNION ALL
                SELECT c.filed_on FROM cases_case c
                 WHERE c.court_id = ANY(%(courts)s) AND c.closed_on > %(e)s AND c.filed_on <= %(e)s
                   AND c.case_type = ANY(%(types)s)
            ) open_cases
        """, params)
        return [int(v) for v in cursor.fetchone()]


def window_period(period: Period, court) -> Period:
    return window_years_back(period, int(court_settings.get(court, "three_year_window_years")))


def today() -> date:
    return timezone.localdate()


def shift(day: date, days: int) -> date:
    return day + timedelta(days=days)
