"""Delegations (issue 23) list their sending case in ``deadlines_dirtycase`` when they change, as the other
tables the engine reads do (migration 0004's statement-level triggers): ``deadlines.engine._delegation_sources``."""

import importlib

from django.db import migrations

_0004 = importlib.import_module("deadlines.migrations.0004_incremental_scan")
TABLE = "delegation_delegation"
FORWARD = _0004._child_function(TABLE, "SELECT {t}.case_id FROM {t}") + _0004._triggers(TABLE)
BACKWARD = ("".join(f"DROP TRIGGER IF EXISTS deadlines_dirty_{op} ON {TABLE};" for op in ("ins", "upd", "del"))
            + f"DROP FUNCTION IF EXISTS deadlines_mark_{TABLE}();")


class Migration(migrations.Migration):

    dependencies = [("deadlines", "0010_review_triggers"), ("delegation", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
