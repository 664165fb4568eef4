"""The cache table (Django's DatabaseCache, "core_cache") used when no REDIS_URL is set, e.g. by scripts/run.sh.

Created whatever the cache configuration, so a deployment can drop Redis later without a manual createcachetable.
"""

from django.db import migrations

TABLE = "core_cache"


def create(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_idempotency")]
    operations = [migrations.RunPython(create, drop)]
