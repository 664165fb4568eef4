"""The review app's tables mark their case dirty for the deadline engine (as migration 0004 does for the others):
an objection's row leads to its 执异 case, a reconsideration's through its objection."""

import importlib

from django.db import migrations

_m = importlib.import_module("deadlines.migrations.0004_incremental_scan")

TABLES = {
    "review_objection": "SELECT {t}.case_id FROM {t}",
    "review_reconsideration": "SELECT o.case_id FROM {t} JOIN review_objection o ON o.id = {t}.objection_id",
}

FORWARD = "".join(_m._child_function(t, sql) + _m._triggers(t) for t, sql in TABLES.items())
BACKWARD = ("".join(f"DROP TRIGGER IF EXISTS deadlines_dirty_{op} ON {t};" for t in TABLES
                    for op in ("ins", "upd", "del"))
            + "".join(f"DROP FUNCTION IF EXISTS deadlines_mark_{t}();" for t in TABLES))


class Migration(migrations.Migration):

    dependencies = [("deadlines", "0009_portal_question_trigger"), ("review", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
