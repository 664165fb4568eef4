"""The engine's two whole-table paths: the bulk load of a large first computation (indexes built afterwards) and the
one-pass diff of a full scan; both must leave what the row-by-row statements of a partial recompute leave."""

from datetime import date, timedelta

from django.db import connection

from cases.models import Action, TermPause
from deadlines import engine
from deadlines.models import Deadline

FIELDS = ("source_type", "source_id", "kind", "seq", "code", "case_id", "court_id", "team_id", "responsible_id",
          "start_on", "due_on", "warn_from", "warn_days", "status", "met_on")


def _rows():
    return sorted(Deadline.objects.values_list(*FIELDS))


def _indexes():
    with connection.cursor() as cursor:
        # (a rebuilt partial index prints its predicate differently: compare name, columns, uniqueness, partial)
        cursor.execute("SELECT i.relname, x.indkey::text, x.indisunique, x.indpred IS NOT NULL FROM pg_index x "
                       "JOIN pg_class i ON i.oid = x.indexrelid "
                       "WHERE x.indrelid = 'deadlines_deadline'::regclass ORDER BY 1")
        return cursor.fetchall()


def test_bulk_load_of_a_first_computation_equals_the_row_by_row_one(org, make_case, settings):
    cases = [make_case(received_on=date(2026, 1, 5) + timedelta(days=i),
                       filed_on=date(2026, 1, 5) + timedelta(days=i)) for i in range(6)]
    TermPause.objects.create(case=cases[0], kind="suspension", started_on=date(2026, 1, 20), ended_on=None)
    indexes = _indexes()
    settings.DEADLINES_BULK_LOAD_ROWS = 10 ** 9  # never: the row-by-row statements
    slow = engine.recompute(today=date(2026, 3, 5))
    expected = _rows()
    Deadline.objects.all().delete()
    settings.DEADLINES_BULK_LOAD_ROWS = 1  # always, into the empty table
    fast = engine.recompute(today=date(2026, 3, 5))
    assert _rows() == expected and fast.inserted == slow.inserted == len(expected) >= 18
    assert fast.rows == len(expected)
    assert _indexes() == indexes  # every index and the unique constraint are back, as they were
    again = engine.recompute(today=date(2026, 3, 5))  # the table is not empty now: the diff, finding nothing
    assert again.changed == 0


def test_full_scan_diff_updates_inserts_and_cancels_like_the_partial_sync(org, make_case, deadline_of):
    a = make_case(received_on=date(2026, 2, 2), filed_on=date(2026, 2, 2))
    b = make_case(received_on=date(2026, 2, 3), filed_on=date(2026, 2, 3))
    engine.recompute(today=date(2026, 3, 5))
    Action.objects.create(case=a, kind="notice_served", occurred_on=date(2026, 2, 6), actor=org.officer)  # met
    c = make_case(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 2))  # new deadlines
    b.__class__.objects.filter(pk=b.pk).update(stage="closed", closed_on=date(2026, 3, 3),
                                                closure_mode="withdrawn")  # its notice no longer applies
    full = engine.recompute(today=date(2026, 3, 5))
    after_full = _rows()
    engine.recompute(today=date(2026, 3, 5), case_ids=[a.pk, b.pk, c.pk])  # partial: nothing left to change
    assert _rows() == after_full
    assert deadline_of(a, "notice").status == "met"
    assert deadline_of(b, "notice").status == "cancelled"
    assert deadline_of(c, "term").status == "open"
    assert full.updated >= 1 and full.inserted >= 3 and full.cancelled >= 1
