"""Indexes the reports need on the case tables, created here so the cases app's own migrations stay untouched.

* open cases by filing date, with the case type (ageing buckets, cases pending over 6 months, drill-downs):
  an index-only scan of the open cases;
* cases by closing date with filing date and type (cases open on a past date = still open + closed after it).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_case_open_filed_idx ON cases_case (court_id, filed_on) "
            "INCLUDE (case_type) WHERE closed_on IS NULL",
            "DROP INDEX IF EXISTS reports_case_open_filed_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_case_closed_cover_idx ON cases_case (court_id, closed_on) "
            "INCLUDE (filed_on, case_type) WHERE closed_on IS NOT NULL",
            "DROP INDEX IF EXISTS reports_case_closed_cover_idx",
        ),
    ]
