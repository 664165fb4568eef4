"""The party-name search table (``PartySearch``): derived rows, written here only.

Every service that adds a party to a case (``case_register``, which ``case_resume`` and the API use) or changes a
party's name calls ``party_search_sync`` in its own transaction, so the table is current when the transaction
commits. Bulk loaders (the demo seeder, benchmarks) call it once for everything they inserted; a full rebuild is
``manage.py party_search_rebuild``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

_SELECT = """
    SELECT cp.id, c.court_id, cp.case_id, p.name
    FROM cases_caseparty cp JOIN cases_case c ON c.id = cp.case_id JOIN cases_party p ON p.id = cp.party_id
"""
_UPSERT = """
    INSERT INTO cases_partysearch (case_party_id, court_id, case_id, name)
    {select} WHERE {where}
    ON CONFLICT (case_party_id) DO UPDATE SET court_id = EXCLUDED.court_id, case_id = EXCLUDED.case_id,
                                              name = EXCLUDED.name
    WHERE (cases_partysearch.court_id, cases_partysearch.case_id, cases_partysearch.name)
          IS DISTINCT FROM (EXCLUDED.court_id, EXCLUDED.case_id, EXCLUDED.name)
"""


def party_search_sync(*, case_ids: Iterable[int] = (), party_ids: Iterable[int] = ()) -> int:
    """Bring the search rows of these cases' parties, and of these parties' cases, up to date (insert or
    update; rows whose case party is gone are removed by the cascade). Returns the rows written."""
    case_ids, party_ids = sorted(set(case_ids)), sorted(set(party_ids))
    if not case_ids and not party_ids:
        return 0
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if case_ids:
            cursor.execute(_UPSERT.format(select=_SELECT, where="cp.case_id = ANY(%s)"), [case_ids])
            written += cursor.rowcount
        if party_ids:
            cursor.execute(_UPSERT.format(select=_SELECT, where="cp.party_id = ANY(%s)"), [party_ids])
            written += cursor.rowcount
    return written


def party_search_rebuild(*, court_id: int | None = None) -> int:
    """Rewrite the whole table (or one court's rows) from the case parties: the backfill and the repair tool."""
    with transaction.atomic(), connection.cursor() as cursor:
        if court_id is None:
            # DELETE, not TRUNCATE: no exclusive lock, so searches keep running while the table is rebuilt.
            cursor.execute("DELETE FROM cases_partysearch")
            cursor.execute(f"INSERT INTO cases_partysearch (case_party_id, court_id, case_id, name) {_SELECT}")
        else:
            cursor.execute("DELETE FROM cases_partysearch WHERE court_id = %s", [court_id])
            cursor.execute(f"INSERT INTO cases_partysearch (case_party_id, court_id, case_id, name) {_SELECT} "
                           "WHERE c.court_id = %s", [court_id])
        return cursor.rowcount
