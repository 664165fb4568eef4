"""The benchmarks under bench/ build their databases with raw INSERT statements. A column added later with NOT NULL
and no database default breaks such a build (bench/deadlines_scan.py stopped on cases_party.postcode): every raw
INSERT must name every column the database requires."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parent.parent / "bench"
INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\)")


def _inserts() -> list[tuple[str, str, set[str]]]:
    found = []
    for path in sorted(BENCH.rglob("*.py")):
        for match in INSERT.finditer(path.read_text(encoding="utf-8")):
            columns = {c.strip() for c in match.group(2).split(",")}
            found.append((path.relative_to(BENCH).as_posix(), match.group(1), columns))
    return found


def test_the_benchmarks_have_raw_inserts_to_check():
    tables = {table for _path, table, _columns in _inserts()}
    assert {"cases_case", "cases_party", "cases_caseparty", "assets_ledgerentry"} <= tables


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "table", "columns"), _inserts(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_raw_insert_names_the_columns_the_database_requires(path, table, columns):
    with connection.cursor() as cursor:
        cursor.execute("""SELECT column_name FROM information_schema.columns
                          WHERE table_schema = current_schema() AND table_name = %s AND is_nullable = 'NO'
                            AND column_default IS NULL AND is_identity = 'NO'""", [table])
        required = {row[0] for row in cursor.fetchall()}
        cursor.execute("""SELECT column_name FROM information_schema.columns
                          WHERE table_schema = current_schema() AND table_name = %s""", [table])
        existing = {row[0] for row in cursor.fetchall()}
    assert existing, f"{path}: table {table} does not exist"
    assert columns <= existing, f"{path}: {table} has no column {sorted(columns - existing)}"
    assert required <= columns, f"{path}: INSERT INTO {table} leaves out the required {sorted(required - columns)}"
