"""Dirty-case triggers on the credit app's tables, which the engine reads (deadlines.engine._credit_sources):
a change to a measure or a correction request lists its case for the on-commit recompute and the incremental scan
(the same statement-level triggers as migration 0004)."""

import importlib

from django.db import migrations

_m0004 = importlib.import_module("deadlines.migrations.0004_incremental_scan")

CHILD_TABLES = {
    "credit_creditmeasure": "SELECT {t}.case_id FROM {t}",
    "credit_correctionrequest": "SELECT m.case_id FROM {t} JOIN credit_creditmeasure m ON m.id = {t}.measure_id",
}

FORWARD = "".join(_m0004._child_function(t, sql) + _m0004._triggers(t) for t, sql in CHILD_TABLES.items())
BACKWARD = ("".join(f"DROP TRIGGER IF EXISTS deadlines_dirty_{op} ON {t};" for t in CHILD_TABLES
                    for op in ("ins", "upd", "del"))
            + "".join(f"DROP FUNCTION IF EXISTS deadlines_mark_{t}();" for t in CHILD_TABLES))


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0007_new_kinds_issues_21_23"),
        ("credit", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
