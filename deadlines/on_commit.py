"""Deadlines follow the case as it changes: every write to a table the engine reads brings the changed cases'
deadlines up to date right after its transaction commits, not at the next hourly scan.

One mechanism for every service, view, API call, task and admin action, none of which needs to know of it:

- the statement-level triggers of migration 0004 list each changed case in ``deadlines_dirtycase``; the column
  ``pid`` (default ``pg_backend_pid()``, migration 0006) says which database connection changed it;
- a Django execute wrapper on every connection (installed by ``install`` on ``connection_created``) looks at each
  statement's target table; the first INSERT, UPDATE or DELETE of a transaction on one of ``TRACKED_TABLES``
  registers one ``on_commit`` callback (in autocommit it runs at once, after the statement);
- the callback (``deadlines.engine.recompute_session``) recomputes the cases listed with this connection's pid and
  takes them off the list in the same transaction. It waits at most ``DEADLINES_ON_COMMIT_LOCK_TIMEOUT_MS`` for the
  engine's shared lock (a running scan) or for deadline rows another request is recomputing; if it cannot, nothing
  changes and the cases stay listed for the next commit on this connection or the hourly scan. Errors are logged,
  never raised to the request, which has already committed.

Reminders are still claimed by the scan only (the recompute lists the rows it changed in ``deadlines_claimdirty``),
so nothing is sent twice. A rolled-back transaction lists nothing (its trigger rows are rolled back too) and its
callback is discarded with it.
"""

from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, ProgrammingError
from django.db.backends.signals import connection_created

log = logging.getLogger(__name__)

# The tables with the deadlines_dirty_* triggers (migration 0004); tests/deadlines/test_on_commit.py checks them
# against the database.
TRACKED_TABLES = frozenset((
    "cases_case", "accounts_team", "cases_caseparty", "cases_action", "cases_termpause", "cases_termextension",
    "cases_lead", "cases_petition", "cases_settlement", "cases_settlementinstalment", "notices_issueddocument",
    "assets_asset", "assets_controlmeasure", "assets_disposal", "assets_auctionround", "assets_objection",
    "assets_ledgerentry",
    "portal_portalquestion",  # the party portal's questions
    # (credit, issue 21)
    "credit_creditmeasure", "credit_correctionrequest",
    "review_objection", "review_reconsideration",  # objections and reconsideration
    "delegation_delegation",  # issue 23: deadlines.engine._delegation_sources
    # supervision: orders and reception visits carry deadlines
    "supervision_supervisionorder", "supervision_receptionvisit",
))

_MAY_WRITE = ("INSERT", "UPDATE", "DELETE", "WITH", "/*", "--")
_TARGET = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?', re.IGNORECASE)


def writes_tracked(sql: str) -> bool:
    """Whether the statement inserts into, updates or deletes from a table the deadline engine reads."""
    if not isinstance(sql, str):
        sql = str(sql)
    # Most statements are reads: only one that starts as a write (or a WITH, or a comment) is searched.
    if not sql.lstrip()[:6].upper().startswith(_MAY_WRITE):
        return False
    return any(m.group(1).lower() in TRACKED_TABLES for m in _TARGET.finditer(sql))


def _after_commit() -> None:
    from . import engine

    try:
        result = engine.recompute_session()
    except ProgrammingError as exc:
        if getattr(exc.__cause__, "sqlstate", None) in ("42P01", "42703"):  # during migrate: no list table yet
            return
        log.exception("deadlines: recompute after commit failed; left for the scan")
        return
    except Exception:  # noqa: BLE001 - the request committed; the hourly scan catches up
        log.exception("deadlines: recompute after commit failed; left for the scan")
        return
    if result.cases:
        log.debug("deadlines: %s case(s) recomputed after commit (%s changed)", result.cases, result.changed)


_state = threading.local()


@contextmanager
def suspended():
    """Within this block, writes do not schedule a recompute (a bulk load that recomputes at its end); the cases
    stay listed for the scan or the next commit on this connection."""
    previous = getattr(_state, "suspended", False)
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = previous


def schedule(connection=None) -> None:
    """Recompute this connection's changed cases once the current transaction commits (at once in autocommit).
    Registered once per transaction."""
    from django.db import connection as default

    conn = connection or default
    if getattr(_state, "suspended", False) or not getattr(settings, "DEADLINES_RECOMPUTE_ON_COMMIT", True):
        return
    if conn.in_atomic_block:
        # Once per transaction and savepoint level: a callback registered by an outer block already runs at the
        # commit; one more in a savepoint (a nested atomic block, or a test's captureOnCommitCallbacks) only finds
        # the list empty by then (one cheap query), but a block that captures its own callbacks gets one.
        level = set(conn.savepoint_ids)
        if not any(func is _after_commit and sids == level for sids, func, _ in conn.run_on_commit):
            conn.on_commit(_after_commit, robust=True)
    elif conn.get_autocommit():
        _after_commit()
    # manual transaction management (autocommit off, no atomic block): left for the scan


def recompute_after_commit(*, case_ids: list[int]) -> None:
    """For other apps' services: recompute these cases' deadlines once their transaction has committed. (Every write
    to a table the engine reads does this already, through the execute wrapper; kept for callers. It lived in
    ``deadlines.engine``, which this module calls: here, the two do not import each other.)"""
    schedule()


class _Wrapper:
    """The execute wrapper: after a statement writing a tracked table, schedule the recompute."""

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if writes_tracked(sql):
            schedule(self.connection)
        return result


def _installed(connection) -> bool:
    return any(isinstance(w, _Wrapper) for w in connection.execute_wrappers)


def _on_connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql" and connection.alias == DEFAULT_DB_ALIAS \
            and not _installed(connection):
        # First in the list, not last: a connection opened inside another wrapper's context (pghistory.context
        # around a request) would otherwise have ours popped when that context exits, and theirs left behind.
        connection.execute_wrappers.insert(0, _Wrapper(connection))


def install() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="deadlines.on_commit")
