"""manage.py deadlines_scan: the operator's way to run the scan now, in full after a trigger-bypassing import."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from deadlines.models import Deadline, ScanRun


def _scan(*args) -> str:
    out = StringIO()
    call_command("deadlines_scan", *args, stdout=out)
    return out.getvalue()


def test_full_scan_recomputes_what_an_import_wrote_behind_the_triggers(org, make_case):
    case = make_case()
    _scan("--as-of", "2026-03-10")
    assert Deadline.objects.filter(case=case).exists()
    # An import that bypasses the triggers (as a bulk load under replica mode does) leaves no trace for the
    # incremental scan: the filing date moves but the term deadline would not follow.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE cases_case SET filed_on = filed_on - 30 WHERE id = %s", [case.pk])
        cursor.execute("SET session_replication_role = origin")
    before = {d.pk: d.due_on for d in Deadline.objects.filter(case=case)}
    incremental = _scan("--as-of", "2026-03-10")
    assert "(incremental): 0 deadlines changed" in incremental
    assert {d.pk: d.due_on for d in Deadline.objects.filter(case=case)} == before
    full = _scan("--full", "--as-of", "2026-03-10")
    assert "(full)" in full and " 0 deadlines changed" not in full
    after = {d.pk: d.due_on for d in Deadline.objects.filter(case=case)}
    assert any(after[pk] != due for pk, due in before.items() if pk in after)
    assert ScanRun.objects.filter(trigger="command", as_of=date(2026, 3, 10)).count() == 3


def test_a_bad_date_names_the_option_and_runs_nothing(db):
    with pytest.raises(CommandError, match="--as-of: '2026-13-01' is not a date"):
        _scan("--as-of", "2026-13-01")
    assert not ScanRun.objects.exists()
