"""Which database connection listed a changed case: ``deadlines_dirtycase.pid`` (the backend's pid, filled by the
column default, so the triggers of 0004 stay as they are). A request's commit recomputes the cases its connection
listed (``deadlines.on_commit``); the scan still takes every row. Rows listed before this migration have no pid."""

from django.db import migrations

FORWARD = """
ALTER TABLE deadlines_dirtycase ADD COLUMN pid integer;
ALTER TABLE deadlines_dirtycase ALTER COLUMN pid SET DEFAULT pg_backend_pid();
CREATE INDEX deadlines_dirtycase_pid_idx ON deadlines_dirtycase (pid);
"""
BACKWARD = "DROP INDEX IF EXISTS deadlines_dirtycase_pid_idx; ALTER TABLE deadlines_dirtycase DROP COLUMN pid;"


class Migration(migrations.Migration):

    dependencies = [("deadlines", "0005_notification_summary")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
