"""The deadline engine: the one place that computes every deadline of every source, set-based, in SQL.

``recompute(today=..., case_ids=None)`` rebuilds the ``Deadline`` table from the facts with a fixed number of
statements whatever the number of cases (no query per case):

1. rule parameters per court (code defaults from ``deadlines.rules``, the cases app's term settings and the court's
   ``DeadlineRule`` overrides) and the working-day calendar per court (national ``Holiday`` rows, a court's own rows
   overriding them) go into temporary tables;
2. the live cases (open; closed but not archived; 终本 within the query horizon; or with an unmet stored deadline);
3. every source contributes rows (start date, months, days, working or calendar days, roll-over, what met it), one
   ``SELECT`` per source, each enabled only when its model exists (the cases and assets models arrive separately);
4. due dates are computed by joins against the calendar (n-th working day; next working day for CPL art 85);
5. the ``Deadline`` table is synchronised: changed rows updated, new rows inserted, unmet rows whose source no
   longer yields them cancelled.

A scan is incremental (``recompute`` without ``case_ids``): statement-level triggers (migration 0004) list the cases
whose facts changed in ``deadlines_dirtycase``; the scan recomputes those cases with the same statements, and, on a
new day, the few whose deadlines depend on the day itself (open pauses, 终本 query periods, restriction reviews
starting), then turns the lapsed deadlines overdue with one UPDATE. It recomputes everything on the first run, when
the rules, court settings or holiday calendar changed (a fingerprint in ``ScanState``), when the day goes backwards,
or when asked; ``tests/deadlines/test_incremental.py`` checks that both leave the same rows. The rows it writes are
listed in ``deadlines_claimdirty`` for the incremental reminder claim (``deadlines.services.reminders_claim``).

The term (§3.1) is 6 months (3 for non-litigation) plus approved extensions, pushed out by excluded periods
(``TermPause``; an open pause counts up to today, so the term stands still while the case is suspended), merged and
applied in order as ``core.rules.calendar.extend_by_excluded`` does, then moved off a rest day.
"""

from __future__ import annotations

import logging
import time
from dataclasses import astuple, dataclass, field
from datetime import date

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from cases.models import IMPLEMENTATION_TYPES, OPEN_STAGES, CaseType, ClosureMode

from . import rules as rules_module
from .models import DeadlineKind as K
from .models import SourceType as S

log = logging.getLogger(__name__)

CALENDAR_FROM = date(2000, 1, 1)
CALENDAR_TO = date(2049, 12, 31)
RECOMPUTE_LOCK = 0x64656164  # advisory lock key: 'dead'
LOCAL_TZ = "Asia/Shanghai"

RECEIPT_KINDS = ("debtor_payment", "bank_deduction", "auction_proceeds", "field_collection")
NOTICE_DOC_TYPES = ("execution_notice", "asset_report_order", "enforcement_notice")


def _model(label: str, *fields: str):
    """The model if it exists with these fields, else None (the cases/assets models arrive separately)."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    try:
        for f in fields:
            model._meta.get_field(f)
    except FieldDoesNotExist:
        return None
    return model


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@dataclass
class Result:
    rows: int = 0  # deadlines computed
    updated: int = 0
    inserted: int = 0
    cancelled: int = 0
    queries: int = 0
    skipped: bool = False  # another recompute held the lock
    new_rows: int = 0  # rows of the computation (set by _compute)
    mode: str = ""  # full, bulk (full into an empty table), incremental, partial (given cases)
    cases: int = 0  # cases recomputed (incremental and partial)
    timings: list = field(default_factory=list)  # (seconds, statement) per statement

    @property
    def changed(self) -> int:
        return self.updated + self.inserted + self.cancelled


class _Runner:
    def __init__(self, cursor, *, unlogged: bool = False):
        self.cursor = cursor
        self.count = 0
        self.timings: list[tuple[float, str]] = []  # (seconds, statement head) for the benchmark's profile
        # Staging tables: temporary, or (a scan, which holds the exclusive lock) unlogged tables of the scan's own,
        # which parallel workers can read (they cannot read a temporary table). Dropped by ``staging_drop``.
        self.unlogged = unlogged
        self.staged: list[str] = []

    def table(self, name: str) -> str:
        """The head of the statement that creates the staging table ``name`` (``... AS SELECT`` follows)."""
        if not self.unlogged:
            return f"CREATE TEMP TABLE {name} ON COMMIT DROP"
        self.staged.append(name)
        return f"CREATE UNLOGGED TABLE {name}"

    def staging_drop(self) -> None:
        """Drop the unlogged staging tables before the commit (temporary ones go with it)."""
        if self.staged:
            self("DROP TABLE IF EXISTS " + ", ".join(dict.fromkeys(self.staged)))
            self.staged = []

    def __call__(self, sql: str, params=None):
        self.count += 1
        started = time.perf_counter()
        self.cursor.execute(sql, params or None)
        self.timings.append((time.perf_counter() - started, " ".join(sql.split())[:90]))
        return self.cursor


# --- rule and calendar tables -------------------------------------------------------------------------------------

def _rule_values() -> tuple[str, dict]:
    parts, params = [], {}
    for i, spec in enumerate(rules_module.RULES.values()):
        parts.append(f"(%(k{i})s, %(d{i})s, %(m{i})s, %(w{i})s, %(r{i})s, %(warn{i})s::int[])")
        params.update({f"k{i}": spec.kind, f"d{i}": spec.days, f"m{i}": spec.months, f"w{i}": spec.working_days,
                       f"r{i}": spec.roll, f"warn{i}": list(spec.warn_days)})
    return ", ".join(parts), params


def _calendar_cached(run: _Runner) -> tuple[bool, str]:
    """Whether this connection's calendar tables (kept by ``_setup_rules(cache=True)``) are those of the current
    holiday calendar; the calendar's fingerprint."""
    key, present = run("""
        SELECT md5(%(v)s || COALESCE((SELECT string_agg(ROW(court_id, date, kind)::text, ';'
                                                        ORDER BY court_id NULLS FIRST, date)
                                      FROM deadlines_holiday), '')),
               to_regclass('pg_temp._dl_calkey') IS NOT NULL AND to_regclass('pg_temp._dl_cal') IS NOT NULL
                   AND to_regclass('pg_temp._dl_wd') IS NOT NULL
    """, {"v": f"{CALENDAR_FROM}{CALENDAR_TO}"}).fetchone()
    return bool(present) and run("SELECT key FROM pg_temp._dl_calkey").fetchone()[0] == key, key


def _setup_rules(run: _Runner, *, cache: bool = False) -> None:
    """The rule, court and calendar tables. ``cache`` (the recompute after a request's commit): the calendar tables
    (50 years a calendar key, most of a single case's recompute) are kept for the connection's life and rebuilt only
    when the holiday calendar changed."""
    cached, key = _calendar_cached(run) if cache else (False, "")
    run("DROP TABLE IF EXISTS _dl_rule, _dl_court, _dl_case, _dl_src, _dl_new, _dl_notice, "
        "_dl_term, _dl_pause, _dl_started, _dl_diff, _dl_ids, _dl_zbmet, _dl_reviewmet, _dl_nextround"
        + ("" if cached else ", _dl_cal, _dl_wd, _dl_calkey"))
    values, params = _rule_values()
    params["term_kind"] = K.TERM
    params["filing_kind"] = K.FILING
    params["payout_kind"] = K.PAYOUT
    # Rules per court: code default < the cases app's court setting (term, filing) < the court's DeadlineRule.
    run(f"""
        {run.table('_dl_rule')} AS
        SELECT c.id AS court_id, d.kind,
               COALESCE(r.days, CASE WHEN d.kind = %(filing_kind)s THEN (fd.value #>> '{{}}')::int
                                     WHEN d.kind = %(payout_kind)s THEN (pd.value #>> '{{}}')::int END, d.days) AS days,
               COALESCE(r.months, CASE WHEN d.kind = %(term_kind)s THEN (tm.value #>> '{{}}')::int END, d.months)
                   AS months,
               COALESCE(tn.value #>> '{{}}', '3')::int AS months_nonlit,
               COALESCE(r.working_days, d.working) AS working, d.roll,
               ARRAY(SELECT DISTINCT x FROM unnest(COALESCE(r.warn_days::int[], d.warn)) x ORDER BY x DESC) AS warn,
               COALESCE(r.enabled, true) AS enabled
        FROM accounts_court c
        CROSS JOIN (VALUES {values}) AS d(kind, days, months, working, roll, warn)
        LEFT JOIN deadlines_deadlinerule r ON r.court_id = c.id AND r.kind = d.kind
        LEFT JOIN core_courtsetting tm ON tm.court_id = c.id AND tm.key = 'term_months'
        LEFT JOIN core_courtsetting tn ON tn.court_id = c.id AND tn.key = 'term_months_non_litigation'
        LEFT JOIN core_courtsetting fd ON fd.court_id = c.id AND fd.key = 'filing_days'
        LEFT JOIN core_courtsetting pd ON pd.court_id = c.id AND pd.key = 'payout_days'
    """, params)
    # Court configuration: calendar key (own holidays or the national calendar) and the 终本 query horizon.
    run(f"""
        {run.table('_dl_court')} AS
        SELECT c.id AS court_id,
               CASE WHEN EXISTS (SELECT 1 FROM deadlines_holiday h WHERE h.court_id = c.id) THEN c.id ELSE 0 END
                   AS ck,
               COALESCE((zb.value #>> '{{}}')::int, 5) AS zb_years
        FROM accounts_court c
        LEFT JOIN core_courtsetting zb ON zb.court_id = c.id AND zb.key = 'deadline_zb_query_years'
    """)
    # The working-day calendar: for each calendar key and day, whether it is worked and how many worked days up
    # to it (cum). The n-th working day after d is the worked day with cum = cum(d) + n; the first working day on
    # or after d has cum = cum(d) - worked(d) + 1.
    if cached:
        run("ANALYZE _dl_rule; ANALYZE _dl_court")
        return
    head = ((lambda name: f"CREATE TEMP TABLE {name}") if cache else run.table)  # kept: no ON COMMIT DROP
    run(f"""
        {head('_dl_cal')} AS
        WITH keys AS (SELECT DISTINCT ck FROM _dl_court UNION SELECT 0),
        days AS (
            SELECT keys.ck, g::date AS day
            FROM keys CROSS JOIN generate_series(%(from)s::date, %(to)s::date, interval '1 day') g
        ),
        flags AS (
            SELECT days.ck, days.day,
                   COALESCE(own.kind, nat.kind, CASE WHEN extract(isodow FROM days.day) < 6
                                                     THEN 'workday' ELSE 'holiday' END) = 'workday' AS working
            FROM days
            LEFT JOIN deadlines_holiday own ON own.court_id = days.ck AND own.date = days.day
            LEFT JOIN deadlines_holiday nat ON nat.court_id IS NULL AND nat.date = days.day
        )
        SELECT ck, day, working, sum(working::int) OVER (PARTITION BY ck ORDER BY day)::int AS cum,
               min(CASE WHEN working THEN day END) OVER (PARTITION BY ck ORDER BY day DESC) AS next_work
        FROM flags
    """, {"from": CALENDAR_FROM, "to": CALENDAR_TO})
    run(f"{head('_dl_wd')} AS SELECT ck, cum, day FROM _dl_cal WHERE working")
    if cache:  # a few cases join a few days: by index, not by hashing 50 years
        run("ALTER TABLE _dl_cal ADD PRIMARY KEY (ck, day); CREATE INDEX ON _dl_wd (ck, cum)")
        run("CREATE TEMP TABLE _dl_calkey AS SELECT %(key)s::text AS key", {"key": key})
    run("ANALYZE _dl_cal; ANALYZE _dl_wd; ANALYZE _dl_rule; ANALYZE _dl_court")


def _setup_cases(run: _Runner, *, today: date, ids: bool) -> None:
    """The live cases (all of them, or those listed in ``_dl_ids``) and what every source needs of them."""
    case_filter = "AND c.id IN (SELECT id FROM _dl_ids)" if ids else ""
    run(f"""
        {run.table('_dl_case')} AS
        SELECT c.id, c.court_id, c.team_id, COALESCE(c.officer_id, t.leader_id) AS resp, c.case_type, c.stage,
               c.received_on, c.filed_on, c.closed_on, c.closure_mode, c.archived_on, c.non_litigation, k.ck
        FROM cases_case c
        JOIN _dl_court k ON k.court_id = c.court_id
        LEFT JOIN accounts_team t ON t.id = c.team_id
        WHERE (c.stage = ANY(%(open)s)
               OR c.stage = 'closed'
               OR (c.closure_mode = %(zb)s AND c.closed_on >= %(today)s::date - make_interval(years => k.zb_years + 1))
               OR EXISTS (SELECT 1 FROM deadlines_deadline d
                          WHERE d.case_id = c.id AND d.status IN ('open', 'overdue')))
        {case_filter}
    """, {"open": [str(s) for s in OPEN_STAGES], "zb": ClosureMode.TERMINATED_ROUND, "today": today})
    run("ALTER TABLE _dl_case ADD PRIMARY KEY (id); ANALYZE _dl_case")


# --- sources ------------------------------------------------------------------------------------------------------
# Each source is a SELECT of: source_type, source_id, kind, seq, case_id, court_id, team_id, responsible_id, ck,
# start_on (shown as "counted from"), base (date the period is added to), months, days, working, roll, warn, met_on.

def _rule_join(alias: str, kind_sql: str) -> str:
    return f"JOIN _dl_rule {alias} ON {alias}.court_id = c.court_id AND {alias}.kind = {kind_sql} AND {alias}.enabled"


def _case_sources(today: date, full: bool = False) -> tuple[list[tuple[str, str]], list[str], dict]:
    action = _model("cases.Action", "case", "kind", "occurred_on")
    issued = _model("notices.IssuedDocument", "case", "doc_type", "issued_at")
    pause = _model("cases.TermPause", "case", "started_on", "ended_on")
    ext = _model("cases.TermExtension", "case", "months")
    params = {
        "executive": [CaseType.FIRST, CaseType.RESUMED], "impl": [str(t) for t in IMPLEMENTATION_TYPES],
        "objection_type": CaseType.OBJECTION, "recon_type": CaseType.RECONSIDERATION,
        "zb": ClosureMode.TERMINATED_ROUND, "fulfilled": ClosureMode.FULFILLED, "today": today,
        "notice_docs": list(NOTICE_DOC_TYPES),
        # The filing deadline is met once and for all when the case is filed: the hourly scan recomputes it only for
        # cases filed in the last 90 days (their rows never change afterwards); a single case's recompute does all.
        "full": full,
    }
    parts: list[str] = []
    # aggregates computed once per scan, joined by hash (never one subquery per case): (table, SELECT)
    prep: list[tuple[str, str]] = []
    cols = "c.id, c.court_id, c.team_id, c.resp, c.ck"

    parts.append(f"""
        SELECT 'case', c.id, 'filing', 0, {cols}, c.received_on, c.received_on, r.months, r.days, r.working,
               r.roll, r.warn, c.filed_on
        FROM _dl_case c {_rule_join('r', "'filing'")}
        WHERE c.case_type = ANY(%(impl)s) AND (c.filed_on >= %(today)s::date - 90 OR %(full)s)""")

    # 执行通知 and 报告财产令 within 10 days of filing: met by the first notice served or notice document issued
    # (aggregated once per scan into _dl_notice, joined by hash).
    met = []
    if action is not None:
        met.append(f"""SELECT a.{_c(action, 'case')} AS case_id, a.{_c(action, 'occurred_on')} AS on_
                       FROM {_t(action)} a JOIN _dl_case c ON c.id = a.{_c(action, 'case')}
                       WHERE a.{_c(action, 'kind')} = 'notice_served'""")
    if issued is not None:
        met.append(f"""SELECT i.{_c(issued, 'case')}, (i.{_c(issued, 'issued_at')} AT TIME ZONE '{LOCAL_TZ}')::date
                       FROM {_t(issued)} i JOIN _dl_case c ON c.id = i.{_c(issued, 'case')}
                       WHERE i.{_c(issued, 'doc_type')} = ANY(%(notice_docs)s)""")
    if not met:
        met.append("SELECT NULL::bigint, NULL::date WHERE false")
    prep.append(("_dl_notice", f"""
                    SELECT case_id, min(on_) AS met FROM ({' UNION ALL '.join(met)}) x(case_id, on_) GROUP BY case_id"""))
    parts.append(f"""
        SELECT 'case', c.id, 'notice', 0, {cols}, c.filed_on, c.filed_on, r.months, r.days, r.working,
               r.roll, r.warn, n.met
        FROM _dl_case c {_rule_join('r', "'notice'")}
        LEFT JOIN _dl_notice n ON n.case_id = c.id
        WHERE c.case_type = ANY(%(executive)s) AND c.stage = ANY(%(open)s)""")

    # The 6-month term (3 for non-litigation) plus extensions (_dl_term.d0), pushed out by excluded periods
    # (TermPause), merged and applied in order as core.rules.calendar.extend_by_excluded does (_dl_pause).
    ext_join = (f"""LEFT JOIN (SELECT x.{_c(ext, 'case')} AS case_id, sum(x.{_c(ext, 'months')})::int AS m
                              FROM {_t(ext)} x JOIN _dl_case c ON c.id = x.{_c(ext, 'case')} GROUP BY 1) e
                    ON e.case_id = c.id""" if ext is not None else "LEFT JOIN (SELECT 0 AS case_id, 0 AS m) e ON false")
    # _dl_term carries what the term and its pauses need of the case, so neither joins _dl_case again (two hash
    # tables of the 1M live cases in a full scan: 1 s of the term's 1.6 s).
    prep.append(("_dl_term", f"""
        SELECT c.id, c.court_id, c.team_id, c.resp, c.ck, c.filed_on, c.closed_on,
               (c.filed_on + make_interval(months => CASE WHEN c.non_litigation THEN r.months_nonlit
                                                               ELSE r.months END + COALESCE(e.m, 0)))::date AS d0
        FROM _dl_case c {_rule_join('r', "'term'")} {ext_join}
        WHERE c.case_type = ANY(%(executive)s)"""))
    if pause is not None:
        prep.append(("_dl_pause", f"""
        WITH p AS (
            SELECT tp.{_c(pause, 'case')} AS case_id, t.d0, GREATEST(tp.{_c(pause, 'started_on')}, t.filed_on) AS s,
                   COALESCE(tp.{_c(pause, 'ended_on')}, GREATEST(%(today)s::date, tp.{_c(pause, 'started_on')})) AS e
            FROM {_t(pause)} tp JOIN _dl_term t ON t.id = tp.{_c(pause, 'case')}
            WHERE COALESCE(tp.{_c(pause, 'ended_on')}, %(today)s::date) >= t.filed_on
        ), p2 AS (
            SELECT p.*, max(e) OVER (PARTITION BY case_id ORDER BY s, e
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_e
            FROM p
        ), p3 AS (
            SELECT p2.*, sum(CASE WHEN prev_e IS NULL OR s > prev_e + 1 THEN 1 ELSE 0 END)
                             OVER (PARTITION BY case_id ORDER BY s, e) AS grp
            FROM p2
        ), isl AS (
            SELECT case_id, d0, min(s) AS s, max(e) AS e FROM p3 GROUP BY case_id, d0, grp
        ), acc AS (
            SELECT isl.*, (e - s + 1) AS len,
                   COALESCE(sum(e - s + 1) OVER (PARTITION BY case_id ORDER BY s
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS before
            FROM isl
        ), ok AS (
            SELECT case_id, len, bool_and(s <= d0 + before) OVER (PARTITION BY case_id ORDER BY s) AS run_ok FROM acc
        )
        SELECT case_id, COALESCE(sum(len) FILTER (WHERE run_ok), 0)::int AS days FROM ok GROUP BY case_id"""))
    else:
        prep.append(("_dl_pause", "SELECT 0::bigint AS case_id, 0 AS days WHERE false"))
    parts.append(f"""
        SELECT 'case', c.id, 'term', 0, {cols}, c.filed_on, c.d0 + COALESCE(pz.days, 0), 0, 0, false, r.roll, r.warn,
               c.closed_on
        FROM _dl_term c {_rule_join('r', "'term'")}
        LEFT JOIN _dl_pause pz ON pz.case_id = c.id""")

    for kind, ctype in ((K.OBJECTION, "objection_type"), (K.RECONSIDERATION, "recon_type")):
        parts.append(f"""
            SELECT 'case', c.id, '{kind}', 0, {cols}, c.received_on, c.received_on, r.months, r.days, r.working,
                   r.roll, r.warn, c.closed_on
            FROM _dl_case c {_rule_join('r', f"'{kind}'")}
            WHERE c.case_type = %({ctype})s""")

    parts.append(f"""
        SELECT 'case', c.id, 'archive', 0, {cols}, c.closed_on, c.closed_on, r.months, r.days, r.working,
               r.roll, r.warn, c.archived_on
        FROM _dl_case c {_rule_join('r', "'archive'")}
        WHERE c.closed_on IS NOT NULL""")

    # 终本: a network query every 6 months for 5 years (ZB-9), one deadline per period, each met by a query
    # logged in that period. Stops when the case is resumed (执恢).
    # Each period's first query, aggregated by (case, period) once per scan (_dl_zbmet) and joined by hash: a
    # correlated subquery per row, or an aggregate joined in the source itself, keeps the whole computation on one
    # core (PostgreSQL 15 plans no Parallel Append over either).
    if action is not None:
        prep.append(("_dl_zbmet", f"""
            SELECT c.id AS case_id, k AS period, min(a.{_c(action, 'occurred_on')}) AS met
            FROM _dl_case c {_rule_join('r', "'zb_query'")}
            JOIN _dl_court ct ON ct.court_id = c.court_id
            CROSS JOIN LATERAL generate_series(1, GREATEST(1, ct.zb_years * 12 / GREATEST(r.months, 1))) k
            JOIN {_t(action)} a ON a.{_c(action, 'case')} = c.id AND a.{_c(action, 'kind')} = 'network_query'
             AND a.{_c(action, 'occurred_on')} > (c.closed_on + make_interval(months => r.months * (k - 1)))::date
             AND a.{_c(action, 'occurred_on')} <= (c.closed_on + make_interval(months => r.months * k))::date
            WHERE c.closure_mode = %(zb)s AND c.closed_on IS NOT NULL
            GROUP BY c.id, k"""))
        zb_join, zb_met = "LEFT JOIN _dl_zbmet zm ON zm.case_id = c.id AND zm.period = k", "zm.met"
    else:
        zb_join, zb_met = "", "NULL::date"
    parts.append(f"""
        SELECT 'case', c.id, 'zb_query', k, {cols},
               (c.closed_on + make_interval(months => r.months * (k - 1)))::date, c.closed_on, r.months * k, r.days,
               r.working, r.roll, r.warn, {zb_met}
        FROM _dl_case c {_rule_join('r', "'zb_query'")}
        JOIN _dl_court ct ON ct.court_id = c.court_id
        CROSS JOIN LATERAL generate_series(1, GREATEST(1, ct.zb_years * 12 / GREATEST(r.months, 1))) k
        {zb_join}
        WHERE c.closure_mode = %(zb)s AND c.closed_on IS NOT NULL
          AND (c.closed_on + make_interval(months => r.months * (k - 1)))::date <= %(today)s::date
          AND NOT EXISTS (SELECT 1 FROM cases_case rc WHERE rc.origin_case_id = c.id)""")

    # Parties: the 失信 term, removal after performance, consumption-restriction reviews and lifting.
    parts.append(f"""
        SELECT 'case_party', cp.id, 'dishonest_term', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
               cp.dishonest_until, cp.dishonest_until, r.months, r.days, r.working, r.roll, r.warn,
               cp.dishonest_removed_on
        FROM _dl_case c JOIN cases_caseparty cp ON cp.case_id = c.id {_rule_join('r', "'dishonest_term'")}
        WHERE cp.dishonest_listed_on IS NOT NULL AND cp.dishonest_until IS NOT NULL""")
    parts.append(f"""
        SELECT 'case_party', cp.id, 'dishonest_removal', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
               c.closed_on, c.closed_on, r.months, r.days, r.working, r.roll, r.warn, cp.dishonest_removed_on
        FROM _dl_case c JOIN cases_caseparty cp ON cp.case_id = c.id {_rule_join('r', "'dishonest_removal'")}
        WHERE c.closure_mode = %(fulfilled)s AND cp.dishonest_listed_on IS NOT NULL
          AND (cp.dishonest_removed_on IS NULL OR cp.dishonest_removed_on >= c.closed_on){_credit_unmanaged()}""")
    parts.append(f"""
        SELECT 'case_party', cp.id, 'restriction_lift', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
               c.closed_on, c.closed_on, r.months, r.days, r.working, r.roll, r.warn, cp.restriction_lifted_on
        FROM _dl_case c JOIN cases_caseparty cp ON cp.case_id = c.id {_rule_join('r', "'restriction_lift'")}
        WHERE c.closure_mode = %(fulfilled)s AND cp.restricted_on IS NOT NULL
          AND (cp.restriction_lifted_on IS NULL OR cp.restriction_lifted_on >= c.closed_on){_credit_unmanaged()}""")
    # (the periods' count, as of today; each period's first restriction action, aggregated as for 终本 above)
    periods = """generate_series(1, 1 + GREATEST(0, (
            (extract(year FROM age(%(today)s::date, cp.restricted_on)) * 12
             + extract(month FROM age(%(today)s::date, cp.restricted_on)))::int / GREATEST(r.months, 1))))"""
    restricted = """cp.restricted_on IS NOT NULL AND cp.restriction_lifted_on IS NULL AND c.stage = ANY(%(open)s)
          AND r.months > 0"""
    if action is not None:
        prep.append(("_dl_reviewmet", f"""
            SELECT cp.id AS party_id, k AS period, min(a.{_c(action, 'occurred_on')}) AS met
            FROM _dl_case c JOIN cases_caseparty cp ON cp.case_id = c.id {_rule_join('r', "'restriction_review'")}
            CROSS JOIN LATERAL {periods} k
            JOIN {_t(action)} a ON a.{_c(action, 'case')} = c.id
             AND a.{_c(action, 'kind')} = 'consumption_restriction'
             AND a.{_c(action, 'occurred_on')} > (cp.restricted_on + make_interval(months => r.months * (k - 1)))::date
             AND a.{_c(action, 'occurred_on')} <= (cp.restricted_on + make_interval(months => r.months * k))::date
            WHERE {restricted}
            GROUP BY cp.id, k"""))
        review_join = "LEFT JOIN _dl_reviewmet rm ON rm.party_id = cp.id AND rm.period = k"
        review_met = "rm.met"
    else:
        review_join, review_met = "", "NULL::date"
    parts.append(f"""
        SELECT 'case_party', cp.id, 'restriction_review', k, c.id, c.court_id, c.team_id, c.resp, c.ck,
               (cp.restricted_on + make_interval(months => r.months * (k - 1)))::date, cp.restricted_on,
               r.months * k, r.days, r.working, r.roll, r.warn, {review_met}
        FROM _dl_case c JOIN cases_caseparty cp ON cp.case_id = c.id {_rule_join('r', "'restriction_review'")}
        CROSS JOIN LATERAL {periods} k
        {review_join}
        WHERE {restricted}""")
    params["open"] = [str(s) for s in OPEN_STAGES]
    return prep, parts, params


def _lead_petition_settlement_sources() -> list[str]:
    parts = []
    lead = _model("cases.Lead", "case", "received_at", "urgent", "officer", "handled_at")
    if lead is not None:
        parts.append(f"""
            SELECT 'lead', l.id, CASE WHEN l.{_c(lead, 'urgent')} THEN 'lead_urgent' ELSE 'lead' END, 0,
                   c.id, c.court_id, c.team_id, COALESCE(l.{_c(lead, 'officer')}, c.resp), c.ck,
                   (l.{_c(lead, 'received_at')} AT TIME ZONE '{LOCAL_TZ}')::date,
                   (l.{_c(lead, 'received_at')} AT TIME ZONE '{LOCAL_TZ}')::date,
                   r.months, r.days, r.working, r.roll, r.warn,
                   (l.{_c(lead, 'handled_at')} AT TIME ZONE '{LOCAL_TZ}')::date
            FROM _dl_case c JOIN {_t(lead)} l ON l.{_c(lead, 'case')} = c.id
            JOIN _dl_rule r ON r.court_id = c.court_id AND r.enabled
                 AND r.kind = CASE WHEN l.{_c(lead, 'urgent')} THEN 'lead_urgent' ELSE 'lead' END
            WHERE c.stage = ANY(%(open)s) OR l.{_c(lead, 'handled_at')} IS NOT NULL""")
    petition = _model("cases.Petition", "case", "received_on", "due_on", "assigned_to", "answered_on")
    if petition is not None:
        parts.append(f"""
            SELECT 'petition', p.id, 'petition', 0, c.id, c.court_id, c.team_id,
                   COALESCE(p.{_c(petition, 'assigned_to')}, c.resp), c.ck, p.{_c(petition, 'received_on')},
                   p.{_c(petition, 'due_on')}, 0, 0, false, r.roll, r.warn, p.{_c(petition, 'answered_on')}
            FROM _dl_case c JOIN {_t(petition)} p ON p.{_c(petition, 'case')} = c.id
            {_rule_join('r', "'petition'")}""")
    settlement = _model("cases.Settlement", "case", "signed_on", "status")
    instalment = _model("cases.SettlementInstalment", "settlement", "due_on", "amount", "paid_on", "paid_amount")
    if settlement is not None and instalment is not None:
        parts.append(f"""
            SELECT 'instalment', i.id, 'instalment', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   s.{_c(settlement, 'signed_on')}, i.{_c(instalment, 'due_on')}, 0, 0, false, r.roll, r.warn,
                   CASE WHEN i.{_c(instalment, 'paid_on')} IS NOT NULL
                             AND COALESCE(i.{_c(instalment, 'paid_amount')}, 0) >= i.{_c(instalment, 'amount')}
                        THEN i.{_c(instalment, 'paid_on')} END
            FROM _dl_case c JOIN {_t(settlement)} s ON s.{_c(settlement, 'case')} = c.id
            JOIN {_t(instalment)} i ON i.{_c(instalment, 'settlement')} = s.id
            {_rule_join('r', "'instalment'")}
            WHERE s.{_c(settlement, 'status')} NOT IN ('cancelled', 'breached')
              AND (c.stage = ANY(%(open)s) OR i.{_c(instalment, 'paid_on')} IS NOT NULL)""")
    return parts


def _portal_sources() -> list[str]:
    """A party's question from the portal (portal.PortalQuestion): answered within the rule's working days."""
    question = _model("portal.PortalQuestion", "case", "asked_at", "officer", "answered_at")
    if question is None:
        return []
    return [f"""
            SELECT 'portal_question', q.id, 'portal_question', 0, c.id, c.court_id, c.team_id,
                   COALESCE(q.{_c(question, 'officer')}, c.resp), c.ck,
                   (q.{_c(question, 'asked_at')} AT TIME ZONE '{LOCAL_TZ}')::date,
                   (q.{_c(question, 'asked_at')} AT TIME ZONE '{LOCAL_TZ}')::date,
                   r.months, r.days, r.working, r.roll, r.warn,
                   (q.{_c(question, 'answered_at')} AT TIME ZONE '{LOCAL_TZ}')::date
            FROM _dl_case c JOIN {_t(question)} q ON q.{_c(question, 'case')} = c.id
            {_rule_join('r', "'portal_question'")}
            WHERE c.stage = ANY(%(open)s) OR q.{_c(question, 'answered_at')} IS NOT NULL"""]


def _credit_unmanaged() -> str:
    """A party whose measures the credit app manages gets its removal deadlines from the credit sources."""
    measure = _model("credit.CreditMeasure", "case_party")
    if measure is None:
        return ""
    return f"""
          AND NOT EXISTS (SELECT 1 FROM {_t(measure)} cm WHERE cm.{_c(measure, 'case_party')} = cp.id)"""


def _credit_sources() -> list[str]:
    """The credit app's sources (issue 21): removal of a listing / lifting of a restriction, 3 working days from
    the day its ground arose; a correction request's 15-day review and 3-working-day correction."""
    parts = []
    measure = _model("credit.CreditMeasure", "case", "kind", "removal_arose_on", "removed_on")
    applied = _model("credit.CreditMeasure", "case", "applied_on", "decided_on", "status", "updated_at")
    if applied is not None:
        a = lambda f: f"m.{_c(applied, f)}"  # noqa: E731
        # the decision, or the rejection (the chief's, or the lapse when the case closes: a rejected measure is never
        # written again, so its last write is the rejection) answers the application
        answered = (f"COALESCE({a('decided_on')}, CASE WHEN {a('status')} = 'rejected' "
                    f"THEN ({a('updated_at')} AT TIME ZONE '{LOCAL_TZ}')::date END)")
        parts.append(f"""
            SELECT 'credit_measure', m.id, 'credit_application', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   {a('applied_on')}, {a('applied_on')}, r.months, r.days, r.working, r.roll, r.warn, {answered}
            FROM _dl_case c JOIN {_t(applied)} m ON {a('case')} = c.id {_rule_join('r', "'credit_application'")}
            WHERE {a('applied_on')} IS NOT NULL""")
    if measure is not None:
        m = lambda f: f"m.{_c(measure, f)}"  # noqa: E731
        kind = f"CASE WHEN {m('kind')} = 'dishonest' THEN 'dishonest_removal' ELSE 'restriction_lift' END"
        parts.append(f"""
            SELECT 'credit_measure', m.id, {kind}, 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   {m('removal_arose_on')}, {m('removal_arose_on')}, r.months, r.days, r.working, r.roll, r.warn,
                   {m('removed_on')}
            FROM _dl_case c JOIN {_t(measure)} m ON {m('case')} = c.id {_rule_join('r', kind)}
            WHERE {m('removal_arose_on')} IS NOT NULL""")
    correction = _model("credit.CorrectionRequest", "measure", "received_on", "reviewed_on", "corrected_on",
                        "status")
    if measure is not None and correction is not None:
        q = lambda f: f"q.{_c(correction, f)}"  # noqa: E731
        join = (f"FROM _dl_case c JOIN {_t(measure)} m ON m.{_c(measure, 'case')} = c.id "
                f"JOIN {_t(correction)} q ON {q('measure')} = m.id")
        parts.append(f"""
            SELECT 'credit_correction', q.id, 'credit_correction_review', 0, c.id, c.court_id, c.team_id, c.resp,
                   c.ck, {q('received_on')}, {q('received_on')}, r.months, r.days, r.working, r.roll, r.warn,
                   {q('reviewed_on')}
            {join} {_rule_join('r', "'credit_correction_review'")}""")
        parts.append(f"""
            SELECT 'credit_correction', q.id, 'credit_correction_fix', 0, c.id, c.court_id, c.team_id, c.resp,
                   c.ck, {q('reviewed_on')}, {q('reviewed_on')}, r.months, r.days, r.working, r.roll, r.warn,
                   {q('corrected_on')}
            {join} {_rule_join('r', "'credit_correction_fix'")}
            WHERE {q('status')} IN ('well_founded', 'corrected') AND {q('reviewed_on')} IS NOT NULL""")
    return parts


def _supervision_sources() -> list[str]:
    """The supervision app: a supervision order's reply and a reception visit's follow-up, each due on the date
    the order or visit sets (no rolling: the date is the one the orderer wrote); met when answered / followed up."""
    parts = []
    order = _model("supervision.SupervisionOrder", "case", "opened_at", "reply_due", "status", "replied_on")
    if order is not None:
        o = lambda f: f"o.{_c(order, f)}"  # noqa: E731
        parts.append(f"""
            SELECT 'supervision', o.id, 'supervision_reply', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   ({o('opened_at')} AT TIME ZONE '{LOCAL_TZ}')::date, {o('reply_due')}, 0, 0, false, false, r.warn,
                   CASE WHEN {o('status')} <> 'open' THEN {o('replied_on')} END
            FROM _dl_case c JOIN {_t(order)} o ON {o('case')} = c.id {_rule_join('r', "'supervision_reply'")}""")
    visit = _model("supervision.ReceptionVisit", "case", "day", "followup_due", "responsible", "followup_done_on")
    day = _model("supervision.ReceptionDay", "held_on")
    if visit is not None and day is not None:
        v = lambda f: f"v.{_c(visit, f)}"  # noqa: E731
        parts.append(f"""
            SELECT 'reception', v.id, 'reception_followup', 0, c.id, c.court_id, c.team_id,
                   COALESCE({v('responsible')}, c.resp), c.ck, d.{_c(day, 'held_on')}, {v('followup_due')}, 0, 0,
                   false, false, r.warn, {v('followup_done_on')}
            FROM _dl_case c JOIN {_t(visit)} v ON {v('case')} = c.id
            JOIN {_t(day)} d ON d.id = {v('day')} {_rule_join('r', "'reception_followup'")}""")
    return parts


def _asset_sources(prep: list[tuple[str, str]]) -> list[str]:
    """The assets app's sources; their preparation tables are added to ``prep``."""
    parts = []
    control = _model("assets.ControlMeasure", "asset", "case", "kind", "preservation", "effective_on", "expires_on",
                     "status", "released_on")
    if control is not None:
        cm = lambda f: f"m.{_c(control, f)}"  # noqa: E731
        parts.append(f"""
            SELECT 'control', m.id, 'control_expiry', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   {cm('effective_on')}, {cm('expires_on')}, 0, 0, false, r.roll, r.warn,
                   CASE WHEN {cm('status')} = 'released' THEN COALESCE({cm('released_on')}, {cm('expires_on')}) END
            FROM _dl_case c JOIN {_t(control)} m ON {cm('case')} = c.id {_rule_join('r', "'control_expiry'")}
            WHERE {cm('expires_on')} IS NOT NULL AND {cm('status')} IN ('active', 'released', 'lapsed')
              AND NOT ({cm('status')} = 'released' AND {cm('released_on')} IS NULL)""")
        parts.append(f"""
            SELECT 'control', m.id, 'preservation_renewal', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   {cm('effective_on')}, {cm('expires_on')}, 0, -r.days, false, false, r.warn, NULL::date
            FROM _dl_case c JOIN {_t(control)} m ON {cm('case')} = c.id
            {_rule_join('r', "'preservation_renewal'")}
            WHERE {cm('expires_on')} IS NOT NULL AND {cm('status')} = 'active' AND {cm('preservation')}""")
        asset = _model("assets.Asset", "kind")
        disposal = _model("assets.Disposal", "asset", "reference_requested_on")
        if asset is not None:
            started_join, started = "", "NULL::date"
            if disposal is not None:
                started_join = f"""LEFT JOIN (SELECT d.{_c(disposal, 'asset')} AS asset_id,
                                                     min(d.{_c(disposal, 'reference_requested_on')}) AS on_
                                              FROM {_t(disposal)} d GROUP BY 1) ds ON ds.asset_id = {cm('asset')}"""
                started = "ds.on_"
            parts.append(f"""
                SELECT 'control', m.id, 'reference_price', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                       {cm('effective_on')}, {cm('effective_on')}, r.months, r.days, r.working, r.roll, r.warn,
                       {started}
                FROM _dl_case c JOIN {_t(control)} m ON {cm('case')} = c.id
                JOIN {_t(asset)} a ON a.id = {cm('asset')}
                {_rule_join('r', "'reference_price'")}
                {started_join}
                WHERE {cm('kind')} IN ('seizure', 'detention') AND {cm('effective_on')} IS NOT NULL
                  AND NOT {cm('preservation')} AND {cm('status')} IN ('active', 'released', 'lapsed')
                  AND a.{_c(asset, 'kind')} NOT IN ('bank_deposit', 'wage_income')
                  AND c.case_type = ANY(%(executive)s) AND c.stage = ANY(%(open)s)""")
    auction = _model("assets.AuctionRound", "disposal", "round_no", "kind", "result", "ended_on", "notice_on")
    disposal = _model("assets.Disposal", "asset", "case", "status")
    if auction is not None and disposal is not None:
        au = lambda f: _c(auction, f)  # noqa: E731
        # After a failed first online auction, the next round within 30 days (NETAUC art 26): met when it is
        # announced; moot once the disposal ends. The later rounds of each such round (the first notice of any,
        # and that there is one) are aggregated once per scan (_dl_nextround) and joined by hash, not looked up per
        # row (a correlated subquery keeps the computation on one core).
        failed = (f"ar.{au('result')} = 'failed' AND ar.{au('kind')} = 'auction' AND ar.{au('round_no')} = 1 "
                  f"AND ar.{au('ended_on')} IS NOT NULL")
        prep.append(("_dl_nextround", f"""
            SELECT ar.id AS round_id, min(nx.{au('notice_on')}) AS next_notice
            FROM _dl_case c JOIN {_t(disposal)} dp ON dp.{_c(disposal, 'case')} = c.id
            JOIN {_t(auction)} ar ON ar.{au('disposal')} = dp.id
            JOIN {_t(auction)} nx ON nx.{au('disposal')} = ar.{au('disposal')} AND nx.{au('round_no')} > ar.{au('round_no')}
            WHERE {failed}
            GROUP BY ar.id"""))
        parts.append(f"""
            SELECT 'auction_round', ar.id, 'reauction', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   ar.{au('ended_on')}, ar.{au('ended_on')}, r.months, r.days, r.working, r.roll, r.warn,
                   nr.next_notice
            FROM _dl_case c JOIN {_t(disposal)} dp ON dp.{_c(disposal, 'case')} = c.id
            JOIN {_t(auction)} ar ON ar.{au('disposal')} = dp.id
            {_rule_join('r', "'reauction'")}
            LEFT JOIN _dl_nextround nr ON nr.round_id = ar.id
            WHERE {failed} AND c.stage = ANY(%(open)s)
              AND (dp.{_c(disposal, 'status')} IN ('auction', 'pricing') OR nr.round_id IS NOT NULL)""")
    objection = _model("assets.Objection", "asset", "filed_on", "status", "decided_on")
    asset = _model("assets.Asset", "case")
    if objection is not None and asset is not None:
        # A third party's objection to enforcement against an asset: decided within 15 days (CPL art 238).
        parts.append(f"""
            SELECT 'asset_objection', o.id, 'objection', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   o.{_c(objection, 'filed_on')}, o.{_c(objection, 'filed_on')}, r.months, r.days, r.working,
                   r.roll, r.warn, o.{_c(objection, 'decided_on')}
            FROM _dl_case c JOIN {_t(asset)} a ON a.{_c(asset, 'case')} = c.id
            JOIN {_t(objection)} o ON o.{_c(objection, 'asset')} = a.id
            {_rule_join('r', "'objection'")}
            WHERE o.{_c(objection, 'status')} <> 'withdrawn'""")
    ledger = _model("assets.LedgerEntry", "case", "kind", "occurred_on")
    if ledger is not None:
        le = lambda f: f"e.{_c(ledger, f)}"  # noqa: E731
        paid = le("paid_out_on") if _model("assets.LedgerEntry", "paid_out_on") else "NULL::date"
        reversed_filter = ""
        if _model("assets.LedgerEntry", "reverses"):
            reversed_filter = (f"AND NOT EXISTS (SELECT 1 FROM {_t(ledger)} rv "
                               f"WHERE rv.{_c(ledger, 'reverses')} = e.id)")
        parts.append(f"""
            SELECT 'ledger_entry', e.id, 'payout', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   {le('occurred_on')}, {le('occurred_on')}, r.months, r.days, r.working, r.roll, r.warn, {paid}
            FROM _dl_case c JOIN {_t(ledger)} e ON {le('case')} = c.id {_rule_join('r', "'payout'")}
            WHERE {le('kind')} = ANY(%(receipts)s) {reversed_filter}""")
    return parts


def _review_sources() -> list[str]:
    """Objections and reconsideration (review app, read by label; docs/review.md): filing within 3 days of receipt,
    the 10-day reconsideration window and the third party's 15-day suit window from service (met by the application
    or the suit, or by the window passing), the file sent up within 5 days and the higher court's decision within
    30 days (+30 when extended). The ruling's 15 days are the 执异 case's own OBJECTION deadline above."""
    objection = _model("review.Objection", "case", "kind", "received_on", "accepted_on", "served_on",
                       "suit_filed_on", "status")
    if objection is None:
        return []
    o = lambda f: f"o.{_c(objection, f)}"  # noqa: E731
    cols = "c.id, c.court_id, c.team_id, c.resp, c.ck"
    src = f"FROM _dl_case c JOIN {_t(objection)} o ON {o('case')} = c.id"
    parts = [f"""
        SELECT 'review', o.id, 'objection_filing', 0, {cols}, {o('received_on')}, {o('received_on')}, r.months,
               r.days, r.working, r.roll, r.warn, {o('accepted_on')}
        {src} {_rule_join('r', "'objection_filing'")}"""]
    recon = _model("review.Reconsideration", "objection", "applied_on", "file_sent_on", "decided_on", "extended",
                   "higher_court")
    applied = "NULL::date"
    recon_join = ""
    if recon is not None:
        rc = lambda f: f"rc.{_c(recon, f)}"  # noqa: E731
        recon_join = f"LEFT JOIN {_t(recon)} rc ON {rc('objection')} = o.id"
        applied = rc("applied_on")
    passed = f"CASE WHEN {o('served_on')} + r.days < %(today)s::date THEN {o('served_on')} + r.days END"
    parts.append(f"""
        SELECT 'review', o.id, 'reconsideration_window', 0, {cols}, {o('served_on')}, {o('served_on')}, r.months,
               r.days, r.working, r.roll, r.warn, COALESCE({applied}, {passed})
        {src} {_rule_join('r', "'reconsideration_window'")} {recon_join}
        WHERE {o('kind')} = 'act' AND {o('served_on')} IS NOT NULL""")
    parts.append(f"""
        SELECT 'review', o.id, 'objection_suit_window', 0, {cols}, {o('served_on')}, {o('served_on')}, r.months,
               r.days, r.working, r.roll, r.warn, COALESCE({o('suit_filed_on')}, {passed})
        {src} {_rule_join('r', "'objection_suit_window'")}
        WHERE {o('kind')} = 'third_party' AND {o('served_on')} IS NOT NULL""")
    if recon is not None:
        parts.append(f"""
            SELECT 'review', o.id, 'reconsideration_file_up', 0, {cols}, {rc('applied_on')}, {rc('applied_on')},
                   r.months, r.days, r.working, r.roll, r.warn, {rc('file_sent_on')}
            {src} {_rule_join('r', "'reconsideration_file_up'")} JOIN {_t(recon)} rc ON {rc('objection')} = o.id""")
        # The higher court's decision: its court, nobody of the lower court responsible.
        parts.append(f"""
            SELECT 'review', o.id, 'reconsideration', 0, c.id, {rc('higher_court')}, NULL::bigint, NULL::bigint, c.ck,
                   {rc('file_sent_on')}, {rc('file_sent_on')}, r.months,
                   r.days + CASE WHEN {rc('extended')} THEN 30 ELSE 0 END, r.working, r.roll, r.warn,
                   {rc('decided_on')}
            {src} {_rule_join('r', "'reconsideration'")} JOIN {_t(recon)} rc ON {rc('objection')} = o.id
            WHERE {rc('file_sent_on')} IS NOT NULL""")
    return parts


def _delegation_sources() -> list[str]:
    """Delegation between courts (issue 23, ``delegation.Delegation`` read by label): the receiving court starts
    within 15 days and reports within 30 of the request's sending (CPL art 240). The rows belong to the receiving
    court (its rules and calendar; the assigned team and officer, else nobody until the clerk assigns it), and hang
    off the sending case, so the sending court sees them on the case too. A delegation to a court outside the system
    has the report deadline only, kept by the sending case's team. A withdrawn delegation's unmet rows are cancelled;
    a refusal meets both (the receiving court answered)."""
    d = _model("delegation.Delegation", "case", "kind", "status", "receiving_court", "team", "officer", "sent_on",
               "started_on", "refused_on", "answered_on")
    if d is None:
        return []
    f = lambda name: f"d.{_c(d, name)}"  # noqa: E731
    alive = f"({f('status')} NOT IN ('draft', 'withdrawn'))"
    return [f"""
            SELECT 'delegation', d.id, 'delegation_start', 0, c.id, {f('receiving_court')}, {f('team')},
                   COALESCE({f('officer')}, t.leader_id), k.ck, {f('sent_on')}, {f('sent_on')}, r.months, r.days,
                   r.working, r.roll, r.warn, COALESCE({f('started_on')}, {f('refused_on')})
            FROM _dl_case c JOIN {_t(d)} d ON {f('case')} = c.id
            JOIN _dl_court k ON k.court_id = {f('receiving_court')}
            JOIN _dl_rule r ON r.court_id = {f('receiving_court')} AND r.kind = 'delegation_start' AND r.enabled
            LEFT JOIN accounts_team t ON t.id = {f('team')}
            WHERE {f('sent_on')} IS NOT NULL
              AND ({alive} OR COALESCE({f('started_on')}, {f('refused_on')}) IS NOT NULL)""", f"""
            SELECT 'delegation', d.id, 'delegation_report', 0, c.id, {f('receiving_court')}, {f('team')},
                   COALESCE({f('officer')}, t.leader_id), k.ck, {f('sent_on')}, {f('sent_on')}, r.months, r.days,
                   r.working, r.roll, r.warn, COALESCE({f('answered_on')}, {f('refused_on')})
            FROM _dl_case c JOIN {_t(d)} d ON {f('case')} = c.id
            JOIN _dl_court k ON k.court_id = {f('receiving_court')}
            JOIN _dl_rule r ON r.court_id = {f('receiving_court')} AND r.kind = 'delegation_report' AND r.enabled
            LEFT JOIN accounts_team t ON t.id = {f('team')}
            WHERE {f('sent_on')} IS NOT NULL AND {f('kind')} <> 'whole_case'
              AND ({alive} OR COALESCE({f('answered_on')}, {f('refused_on')}) IS NOT NULL)""", f"""
            SELECT 'delegation', d.id, 'delegation_report', 0, c.id, c.court_id, c.team_id, c.resp, c.ck,
                   {f('sent_on')}, {f('sent_on')}, r.months, r.days, r.working, r.roll, r.warn, {f('answered_on')}
            FROM _dl_case c JOIN {_t(d)} d ON {f('case')} = c.id
            {_rule_join('r', "'delegation_report'")}
            WHERE {f('sent_on')} IS NOT NULL AND {f('receiving_court')} IS NULL
              AND ({alive} OR {f('answered_on')} IS NOT NULL)"""]


# --- the recompute ------------------------------------------------------------------------------------------------

SOURCE_CODES = list(S.values)
KIND_CODES = list(K.values)


def code_of(source_type: str, kind: str, seq: int = 0) -> int:
    """(source type, kind, period) as one integer, so the engine's joins hash two integers, not strings."""
    return (SOURCE_CODES.index(source_type) + 1) * 1_000_000 + (KIND_CODES.index(kind) + 1) * 1000 + seq


SYNC_COLUMNS = ("case_id", "court_id", "team_id", "responsible_id", "start_on", "due_on", "warn_from", "warn_days",
                "status", "met_on")


def _compute(run: _Runner, *, today: date, ids: bool, filing_all: bool) -> int:
    """Compute every deadline of the live cases (those in ``_dl_ids`` if ``ids``) into ``_dl_new``; its number of
    rows. The rule and calendar tables must be set up (``_setup_rules``)."""
    # The cases of an incremental scan are few: temporary tables, as for a single case's recompute (parallel
    # workers would gain nothing there).
    unlogged, run.unlogged = run.unlogged, run.unlogged and not ids
    try:
        _setup_cases(run, today=today, ids=ids)
        prep, select, params = _computation(today=today, filing_all=filing_all)
        for name, sql in prep:
            run(f"{run.table(name)} AS {sql}", params)
        # In a full scan, every source reads unlogged or regular tables and none has a correlated subquery, so the
        # union runs as one Parallel Append under a Gather, the calendar joins in the workers too (tests/deadlines/
        # test_engine_parallel.py); the leader writes the rows.
        cur = run(f"{run.table('_dl_new')} AS {select}", params)
    finally:
        run.unlogged = unlogged
    return cur.rowcount


def _computation(*, today: date, filing_all: bool) -> tuple[list[tuple[str, str]], str, dict]:
    """The statements of the computation: the preparation tables (name, SELECT), the SELECT of every deadline
    (written into ``_dl_new``) and their parameters."""
    prep, parts, params = _case_sources(today, full=filing_all)
    params.update({"receipts": list(RECEIPT_KINDS), "today": today, "st_codes": SOURCE_CODES,
                   "kind_codes": KIND_CODES})
    parts += _lead_petition_settlement_sources()
    parts += _portal_sources()
    parts += _asset_sources(prep)
    parts += _credit_sources()
    parts += _review_sources()
    parts += _delegation_sources()
    parts += _supervision_sources()
    union = "\nUNION ALL\n".join(parts)
    select = f"""
        WITH a AS (
            SELECT s.*, CASE WHEN s.months = 0 THEN s.base
                             ELSE (s.base + make_interval(months => s.months))::date END
                        + CASE WHEN s.working THEN 0 ELSE s.days END AS b2
            FROM ({union}) AS s(source_type, source_id, kind, seq, case_id, court_id, team_id, responsible_id,
                                ck, start_on, base, months, days, working, roll, warn, met_on)
            WHERE s.base IS NOT NULL
        ), c AS (
            SELECT a.*, CASE WHEN a.working THEN COALESCE(w.day, a.b2 + a.days)
                             WHEN a.roll THEN COALESCE(cr.next_work, a.b2)
                             ELSE a.b2 END AS due_on
            FROM a
            LEFT JOIN _dl_cal cr ON cr.ck = a.ck AND cr.day = a.b2
            LEFT JOIN _dl_wd w ON a.working AND w.ck = a.ck AND w.cum = cr.cum + a.days
        )
        SELECT source_type::varchar AS source_type, source_id::bigint AS source_id, kind::varchar AS kind,
               seq::smallint AS seq,
               (array_position(%(st_codes)s::text[], source_type::text) * 1000000
                + array_position(%(kind_codes)s::text[], kind::text) * 1000 + seq)::int AS code, case_id, court_id, team_id, responsible_id,
               LEAST(start_on, due_on) AS start_on, due_on,
               due_on - COALESCE(warn[1], 0) AS warn_from,
               COALESCE(warn, '{{}}')::smallint[] AS warn_days,
               (CASE WHEN met_on IS NOT NULL THEN 'met' WHEN due_on < %(today)s::date THEN 'overdue'
                     ELSE 'open' END)::varchar AS status,
               met_on
        FROM c
    """
    return prep, select, params


def _sync(run: _Runner, *, result: Result) -> None:
    """A full scan: the whole computation against the whole table (or, into an empty table, a bulk load)."""
    run("ANALYZE _dl_new")
    run("SET LOCAL enable_nestloop = off")  # whole-table joins: hash, never a loop of probes per row
    # A large first computation (deployment, or after the table was emptied) is loaded in bulk.
    if result.new_rows >= getattr(settings, "DEADLINES_BULK_LOAD_ROWS", 100_000):
        cur = run("SELECT NOT EXISTS (SELECT 1 FROM deadlines_deadline)")
        if cur.fetchone()[0]:
            _load_empty(run, result)
            return
    _sync_full(run, result)
    run("SET LOCAL enable_nestloop = on")


def _sync_partial(run: _Runner, *, result: Result) -> None:
    """The cases listed in ``_dl_ids``: changed rows updated, new rows inserted, unresolved rows of these cases that
    no source yields any more cancelled. Updated and inserted rows are listed for the reminder claim."""
    key = "d.source_id = n.source_id AND d.code = n.code"
    run("ANALYZE _dl_new")
    assign = ", ".join(f"{col} = n.{col}" for col in SYNC_COLUMNS)
    differs = " OR ".join(f"d.{col} IS DISTINCT FROM n.{col}" for col in SYNC_COLUMNS)
    cur = run(f"""
        WITH u AS (UPDATE deadlines_deadline d SET {assign}, computed_at = now() FROM _dl_new n
                   WHERE {key} AND ({differs}) RETURNING d.id)
        INSERT INTO deadlines_claimdirty (deadline_id) SELECT id FROM u""")
    result.updated = cur.rowcount
    cols = ", ".join(SYNC_COLUMNS)
    cur = run(f"""
        WITH i AS (
            INSERT INTO deadlines_deadline (source_type, source_id, kind, seq, code, {cols}, computed_at)
            SELECT n.source_type, n.source_id, n.kind, n.seq, n.code, {', '.join('n.' + c for c in SYNC_COLUMNS)},
                   now()
            FROM _dl_new n
            WHERE NOT EXISTS (SELECT 1 FROM deadlines_deadline d WHERE {key})
            ON CONFLICT (source_id, code) DO NOTHING
            RETURNING id)
        INSERT INTO deadlines_claimdirty (deadline_id) SELECT id FROM i""")
    result.inserted = cur.rowcount
    cur = run(f"""
        UPDATE deadlines_deadline d SET status = 'cancelled', computed_at = now()
        WHERE d.status IN ('open', 'overdue') AND d.case_id IN (SELECT id FROM _dl_ids)
          AND NOT EXISTS (SELECT 1 FROM _dl_new n WHERE {key})""")
    result.cancelled = cur.rowcount
    result.rows = result.new_rows


def _sync_full(run: _Runner, result: Result) -> None:
    """The whole table against the whole computation in one pass (one hash join, not three): the differences go
    into ``_dl_diff`` - changed rows, new rows, and unresolved rows no source yields any more - and are applied by
    id. Same outcome as the three statements of a partial sync."""
    differs = " OR ".join(f"d.{col} IS DISTINCT FROM n.{col}" for col in SYNC_COLUMNS)
    cols = ", ".join(SYNC_COLUMNS)
    run(f"""
        CREATE TEMP TABLE _dl_diff ON COMMIT DROP AS
        SELECT d.id, n.source_type, n.source_id, n.kind, n.seq, n.code, {', '.join('n.' + c for c in SYNC_COLUMNS)},
               n.source_id IS NULL AS gone
        FROM _dl_new n
        FULL JOIN (SELECT id, source_id, code, {cols} FROM deadlines_deadline) d
               ON d.source_id = n.source_id AND d.code = n.code
        WHERE d.id IS NULL
           OR (n.source_id IS NULL AND d.status IN ('open', 'overdue'))
           OR (n.source_id IS NOT NULL AND ({differs}))
    """)
    assign = ", ".join(f"{col} = x.{col}" for col in SYNC_COLUMNS)
    cur = run(f"""
        WITH u AS (UPDATE deadlines_deadline d SET {assign}, computed_at = now()
                   FROM _dl_diff x WHERE x.id = d.id AND NOT x.gone RETURNING d.id)
        INSERT INTO deadlines_claimdirty (deadline_id) SELECT id FROM u""")
    result.updated = cur.rowcount
    cur = run(f"""
        WITH i AS (
            INSERT INTO deadlines_deadline (source_type, source_id, kind, seq, code, {cols}, computed_at)
            SELECT x.source_type, x.source_id, x.kind, x.seq, x.code, {', '.join('x.' + c for c in SYNC_COLUMNS)},
                   now()
            FROM _dl_diff x WHERE x.id IS NULL
            ON CONFLICT (source_id, code) DO NOTHING
            RETURNING id)
        INSERT INTO deadlines_claimdirty (deadline_id) SELECT id FROM i""")
    result.inserted = cur.rowcount
    cur = run("""UPDATE deadlines_deadline d SET status = 'cancelled', computed_at = now()
                 FROM _dl_diff x WHERE x.id = d.id AND x.gone""")
    result.cancelled = cur.rowcount
    result.rows = result.new_rows


def table_indexes_drop(run: _Runner, table: str, *, foreign_keys: bool = False) -> list[tuple[str, str, str]]:
    """Drop the secondary indexes and unique constraints (and, if asked, the foreign keys) of ``table``; their
    definitions, for ``table_indexes_restore``. The caller holds the table locked."""
    cur = run("""
        SELECT CASE c.contype WHEN 'f' THEN 'fk' ELSE 'constraint' END, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid = %(t)s::regclass AND (c.contype = 'u' OR (c.contype = 'f' AND %(fk)s))
        UNION ALL
        SELECT 'index', i.relname::text, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %(t)s::regclass AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype <> 'f')
    """, {"t": table, "fk": foreign_keys})
    saved = sorted(cur.fetchall(), key=lambda row: row[0] == "fk", reverse=True)  # foreign keys go first
    for kind, name, _definition in saved:
        if kind == "index":
            run(f'DROP INDEX "{name}"')
        else:
            run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return saved


def table_indexes_restore(run: _Runner, table: str, saved: list[tuple[str, str, str]]) -> None:
    # (1 GB instead made no measurable difference to the builds of the 4.2M-row table: 2.1-2.5 s either way)
    run(f"SET LOCAL maintenance_work_mem = '{getattr(settings, 'DEADLINES_SCAN_WORK_MEM', '256MB')}'")
    for kind, name, definition in sorted(saved, key=lambda row: row[0] == "fk"):  # foreign keys last
        if kind == "index":
            run(definition)
        else:
            run(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _load_empty(run: _Runner, result: Result) -> None:
    """The first computation into an empty table: a plain INSERT with the secondary indexes and the unique constraint
    dropped and built afterwards (sorting once beats millions of random index insertions). The table is locked for
    the transaction; it is empty, so no reader waits for anything it could have seen. The reminder claim that
    follows claims in full (``ScanState.reload_seq``), so the rows are not listed for it one by one."""
    run("LOCK TABLE deadlines_deadline IN ACCESS EXCLUSIVE MODE")
    run("SET CONSTRAINTS ALL IMMEDIATE")  # deferred checks of earlier deletes would forbid the ALTER TABLE
    saved = table_indexes_drop(run, "deadlines_deadline")
    cols = ", ".join(SYNC_COLUMNS)
    cur = run(f"""
        INSERT INTO deadlines_deadline (source_type, source_id, kind, seq, code, {cols}, computed_at)
        SELECT n.source_type, n.source_id, n.kind, n.seq, n.code, {', '.join('n.' + c for c in SYNC_COLUMNS)}, now()
        FROM _dl_new n
    """)
    result.inserted = cur.rowcount
    table_indexes_restore(run, "deadlines_deadline", saved)
    run("ANALYZE deadlines_deadline")
    result.rows = result.new_rows
    result.mode = "bulk"


# --- incremental scans --------------------------------------------------------------------------------------------

# Bump when the engine's SQL changes what it computes: the next scan recomputes in full.
ENGINE_VERSION = "2026-12-02"
RULE_SETTING_KEYS = ["term_months", "term_months_non_litigation", "filing_days", "payout_days",
                     "deadline_zb_query_years"]


def _rules_key(run: _Runner) -> str:
    """Fingerprint of everything a deadline depends on besides a case's own facts and the day: the code's rules, the
    courts' rule overrides and settings, the holiday calendar, the list of courts."""
    code = ENGINE_VERSION + repr(sorted((k, astuple(v)) for k, v in rules_module.RULES.items()))
    cur = run("""
        SELECT md5(concat_ws('|', %(code)s::text,
            COALESCE((SELECT string_agg(ROW(court_id, kind, enabled, days, months, working_days, warn_days)::text, ';'
                                        ORDER BY court_id, kind) FROM deadlines_deadlinerule), ''),
            COALESCE((SELECT string_agg(ROW(court_id, key, value)::text, ';' ORDER BY court_id, key)
                      FROM core_courtsetting WHERE key = ANY(%(keys)s)), ''),
            COALESCE((SELECT string_agg(ROW(court_id, date, kind)::text, ';' ORDER BY court_id NULLS FIRST, date)
                      FROM deadlines_holiday), ''),
            COALESCE((SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts_court), '')))
    """, {"code": code, "keys": RULE_SETTING_KEYS})
    return cur.fetchone()[0]


def _date_dependent(run: _Runner, *, since: date, today: date) -> int:
    """List in ``_dl_ids`` the cases whose deadlines change from ``since`` to ``today`` with no fact changing: an open
    pause (the term stands still while it lasts), a 终本 query period or a consumption-restriction review period
    starting. (Statuses turning overdue are set by one UPDATE; the 终本 horizon and the filing window only drop cases
    whose rows are all resolved, which a full scan leaves as they are too.) Returns the number of cases added."""
    p = {"since": since, "today": today, "zb": ClosureMode.TERMINATED_ROUND}
    added = run("""INSERT INTO _dl_ids SELECT DISTINCT case_id FROM cases_termpause WHERE ended_on IS NULL
                   ON CONFLICT DO NOTHING""").rowcount
    # a period k starts on closed_on + (k - 1) * months: the cases closed in the day range shifted back by that many
    # months (widened by 4 days for month-end clamping, then checked exactly), found through the (court, closed_on)
    # index rather than by reading every case
    added += run("""
        INSERT INTO _dl_ids
        SELECT DISTINCT c.id
        FROM _dl_rule r JOIN _dl_court ct ON ct.court_id = r.court_id
        CROSS JOIN LATERAL generate_series(0, GREATEST(1, ct.zb_years * 12 / GREATEST(r.months, 1)) - 1) k
        JOIN cases_case c ON c.court_id = r.court_id
         AND c.closed_on BETWEEN (%(since)s::date - make_interval(months => r.months * k))::date - 4
                             AND (%(today)s::date - make_interval(months => r.months * k))::date + 4
        WHERE r.kind = 'zb_query' AND c.closure_mode = %(zb)s
          AND (c.closed_on + make_interval(months => r.months * k))::date
              BETWEEN %(since)s::date + 1 AND %(today)s::date
        ON CONFLICT DO NOTHING""", p).rowcount
    # (a court's months are not looked up per party: any court's period length that starts a period marks it)
    periods = ("(1 + GREATEST(0, ((extract(year FROM age({d}::date, cp.restricted_on)) * 12 "
               "+ extract(month FROM age({d}::date, cp.restricted_on)))::int / r.months)))")
    added += run(f"""
        INSERT INTO _dl_ids
        SELECT DISTINCT cp.case_id FROM cases_caseparty cp
        WHERE cp.restricted_on IS NOT NULL AND cp.restriction_lifted_on IS NULL
          AND EXISTS (SELECT 1 FROM (SELECT DISTINCT months FROM _dl_rule
                                     WHERE kind = 'restriction_review' AND months > 0) r
                      WHERE {periods.format(d='%(today)s')} <> {periods.format(d='%(since)s')})
        ON CONFLICT DO NOTHING""", p).rowcount
    return added


def _incremental(run: _Runner, *, today: date, since: date, dirty: int, result: Result) -> bool:
    """Recompute the changed and the date-dependent cases, then turn the newly lapsed deadlines overdue. False when
    too many cases changed (the caller recomputes in full)."""
    if today > since:
        dirty += _date_dependent(run, since=since, today=today)
    if dirty > getattr(settings, "DEADLINES_INCREMENTAL_MAX_CASES", 300_000):
        return False
    run("ANALYZE _dl_ids")
    result.new_rows = _compute(run, today=today, ids=True, filing_all=False)
    _sync_partial(run, result=result)
    result.cases = dirty
    if today > since:
        # Nothing but the day changed for the other deadlines: those now past their due date are overdue.
        cur = run("""UPDATE deadlines_deadline SET status = 'overdue', computed_at = now()
                     WHERE status = 'open' AND due_on < %(today)s""", {"today": today})
        result.updated += cur.rowcount
    result.mode = "incremental"
    return True


def state_row_ensure() -> None:
    """Create the ``ScanState`` row if missing, in its own statement before a scan's transaction (inside one, a
    concurrent scan's insert of the same row would wait for that whole transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("""INSERT INTO deadlines_scanstate (id, rules_key, reload_seq, claim_key, claim_reload_seq)
                          VALUES (1, '', 0, '', 0) ON CONFLICT (id) DO NOTHING""")


def recompute(*, today: date | None = None, case_ids: list[int] | None = None, wait: bool = False,
              full: bool = False) -> Result:
    """Bring the Deadline table in line with the facts, set-based. ``case_ids`` limits it to those cases.

    Without ``case_ids`` (the scan) it is incremental: only the cases whose facts changed since the last scan
    (listed by the triggers of migration 0004) and, on a new day, the few whose deadlines depend on the day are
    recomputed, and lapsed deadlines turn overdue with one UPDATE. It recomputes everything on the first run, when
    the rules, court settings or holiday calendar changed, when the day went backwards, when asked (``full``), or
    when more than ``DEADLINES_INCREMENTAL_MAX_CASES`` cases changed; either way the table ends as a full recompute
    leaves it (``tests/deadlines/test_incremental.py``).

    A scan takes an exclusive advisory lock and a partial recompute a shared lock, so two scans never run at once
    (the second is skipped unless ``wait``) and a single case's recompute never waits for a scan.
    """
    today = today or timezone.localdate()
    result = Result()
    if case_ids is None:
        state_row_ensure()
    with transaction.atomic(), connection.cursor() as cursor:
        # A scan holds the exclusive lock, so its staging tables can be unlogged tables of its own, which the
        # computation's parallel workers can read; partial recomputes run concurrently: temporary tables.
        run = _Runner(cursor, unlogged=case_ids is None)
        if case_ids is None:
            # A scan waits a moment for the partial recomputes run after requests' commits (they hold the shared
            # lock for milliseconds; new ones queue behind this request and give up, leaving their cases dirty for
            # this scan), and is skipped if another scan holds the lock longer.
            got = _lock(run, shared=False, timeout_ms=None if wait else _setting("DEADLINES_SCAN_LOCK_WAIT_MS"))
        else:
            fn = "pg_advisory_xact_lock_shared" if wait else "pg_try_advisory_xact_lock_shared"
            case_ids = [int(i) for i in case_ids]
            got = run(f"SELECT {fn}(%(key)s)", {"key": RECOMPUTE_LOCK}).fetchone()[0]
        if got is False:
            result.skipped = True
            result.queries = run.count
            return result
        # JIT-compiling these wide statements costs seconds and saves nothing: they are hash joins over scans.
        run("SET LOCAL jit = off")
        _setup_rules(run)
        run("CREATE TEMP TABLE _dl_ids (id bigint PRIMARY KEY) ON COMMIT DROP")
        if case_ids is not None:
            run("INSERT INTO _dl_ids SELECT DISTINCT unnest(%(ids)s::bigint[])", {"ids": case_ids})
            _partial(run, today=today, result=result, cases=len(set(case_ids)))
        else:
            run(f"SET LOCAL work_mem = '{getattr(settings, 'DEADLINES_SCAN_WORK_MEM', '256MB')}'")
            state = run("""SELECT as_of, rules_key, EXISTS (SELECT 1 FROM deadlines_deadline)
                           FROM deadlines_scanstate WHERE id = 1""").fetchone()
            since, rules_key, has_rows = state or (None, "", False)
            key = _rules_key(run)
            # The changed cases, taken off the list now: a change committed from here on stays listed for the next
            # scan (and may or may not be seen by this one; either is right).
            dirty = run("""WITH d AS (DELETE FROM deadlines_dirtycase RETURNING case_id)
                           INSERT INTO _dl_ids SELECT DISTINCT case_id FROM d""").rowcount
            incremental = (not full and since is not None and since <= today and key == rules_key and has_rows
                           and _incremental(run, today=today, since=since, dirty=dirty, result=result))
            if not incremental:
                result.new_rows = _compute(run, today=today, ids=False, filing_all=False)
                result.mode = "full"
                _sync(run, result=result)
            run("""UPDATE deadlines_scanstate SET as_of = %(today)s, rules_key = %(key)s,
                          reload_seq = reload_seq + %(bump)s WHERE id = 1""",
                {"today": today, "key": key, "bump": int(result.mode == "bulk")})
            run.staging_drop()
        result.queries = run.count
        result.timings = run.timings
    log.info("deadlines recomputed (%s): %s rows, %s changed (%s queries)", result.mode, result.rows, result.changed,
             result.queries)
    return result


def _setting(name: str) -> int:
    return int(getattr(settings, name, {"DEADLINES_SCAN_LOCK_WAIT_MS": 2000,
                                        "DEADLINES_ON_COMMIT_LOCK_TIMEOUT_MS": 200}[name]))


def _lock_refused(exc: BaseException) -> bool:
    """Whether a database error is a lock wait given up (lock_timeout) or a deadlock broken by the server."""
    return getattr(getattr(exc, "__cause__", None), "sqlstate", None) in ("55P03", "40P01")


def _lock(run: _Runner, *, shared: bool, timeout_ms: int | None) -> bool:
    """Take the engine's advisory lock for this transaction: waiting for it (``timeout_ms`` None), or at most
    ``timeout_ms`` (0: only if free now). False when not got."""
    fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    if timeout_ms is None:
        run(f"SELECT {fn}(%(key)s)", {"key": RECOMPUTE_LOCK})
        return True
    if timeout_ms <= 0:
        return bool(run(f"SELECT pg_try_{fn[3:]}(%(key)s)", {"key": RECOMPUTE_LOCK}).fetchone()[0])
    saved = run("SELECT current_setting('lock_timeout')").fetchone()[0]
    try:
        with transaction.atomic():  # a savepoint: a lock wait given up leaves the transaction usable
            run("SELECT set_config('lock_timeout', %(t)s, true)", {"t": f"{int(timeout_ms)}ms"})
            run(f"SELECT {fn}(%(key)s)", {"key": RECOMPUTE_LOCK})
    except OperationalError as exc:
        if _lock_refused(exc):
            return False
        raise
    finally:
        run("SELECT set_config('lock_timeout', %(t)s, true)", {"t": saved})
    return True


def _partial(run: _Runner, *, today: date, result: Result, cases: int) -> None:
    """Recompute the cases listed in ``_dl_ids`` (rules and calendar set up) and sync their rows."""
    run("ANALYZE _dl_ids")
    result.new_rows = _compute(run, today=today, ids=True, filing_all=True)
    _sync_partial(run, result=result)
    result.mode, result.cases = "partial", cases
    # Computed as of another day than the last scan's: the next scan recomputes these cases as of its day, as a
    # full scan would. (Listed for no connection: pid NULL, so no request's commit picks them up.)
    run("""INSERT INTO deadlines_dirtycase (case_id, pid) SELECT id, NULL FROM _dl_ids
           WHERE EXISTS (SELECT 1 FROM deadlines_scanstate WHERE id = 1 AND as_of <> %(today)s)""",
        {"today": today})


def recompute_session(*, today: date | None = None) -> Result:
    """Recompute the cases whose facts this database connection changed (listed in ``deadlines_dirtycase`` by the
    triggers with this backend's pid), taking them off the list: run after a commit by ``deadlines.on_commit``.

    It never makes the request wait long: if the engine's lock (a scan) or a deadline row (another request's
    recompute of the same case) is not had within ``DEADLINES_ON_COMMIT_LOCK_TIMEOUT_MS``, everything is rolled
    back and the cases stay listed for the next commit on this connection or the hourly scan (``skipped``).
    """
    today = today or timezone.localdate()
    result = Result(mode="session")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            run = _Runner(cursor)
            if not run("SELECT EXISTS (SELECT 1 FROM deadlines_dirtycase WHERE pid = pg_backend_pid())").fetchone()[0]:
                result.queries = run.count
                return result
            # held for the whole transaction: row locks too are waited for at most this long (no deadlock waits)
            run("SELECT set_config('lock_timeout', %(t)s, true)",
                {"t": f"{_setting('DEADLINES_ON_COMMIT_LOCK_TIMEOUT_MS')}ms"})
            run("SELECT pg_advisory_xact_lock_shared(%(key)s)", {"key": RECOMPUTE_LOCK})
            run("SET LOCAL jit = off")
            _setup_rules(run, cache=True)
            run("CREATE TEMP TABLE _dl_ids (id bigint PRIMARY KEY) ON COMMIT DROP")
            cases = run("""WITH d AS (DELETE FROM deadlines_dirtycase WHERE pid = pg_backend_pid() RETURNING case_id)
                           INSERT INTO _dl_ids SELECT DISTINCT case_id FROM d""").rowcount
            _partial(run, today=today, result=result, cases=cases)
            result.mode = "session"
            result.queries, result.timings = run.count, run.timings
    except OperationalError as exc:
        if not _lock_refused(exc):
            raise
        log.info("deadlines: recompute after commit gave up waiting for a lock; left for the scan")
        result.skipped = True
    return result


def preview(*, case_id: int, today: date | None = None) -> list[dict]:
    """The deadlines of one case as the engine computes them now, without writing (rolled back)."""
    today = today or timezone.localdate()
    rows: list[dict] = []
    with transaction.atomic(), connection.cursor() as cursor:
        run = _Runner(cursor)
        run("SET LOCAL jit = off")
        _setup_rules(run)
        run("CREATE TEMP TABLE _dl_ids ON COMMIT DROP AS SELECT %(id)s::bigint AS id", {"id": int(case_id)})
        _compute(run, today=today, ids=True, filing_all=True)
        cursor.execute("SELECT * FROM _dl_new ORDER BY due_on")
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
        transaction.set_rollback(True)
    return rows


__all__ = ["Result", "preview", "recompute", "recompute_session"]
