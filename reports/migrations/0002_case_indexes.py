"""Indexes the reports need on the case tables, created here so the cases app's own migrations stay untouched.

* open cases by filing date (ageing buckets, cases pending over 6 months, carried-over drill-downs);
* assignments by case and start (who held a case on a date: reports/engine.py ``holder_lateral``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_case_open_filed_idx ON cases_case (court_id, filed_on) "
            "WHERE closed_on IS NULL",
            "DROP INDEX IF EXISTS reports_case_open_filed_idx",
        ),
    ]
