"""A backup restores into a fresh database with every row of every table intact (cases, ledger, document register)."""

import uuid

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PROJECT_APPS = ("accounts", "core", "cases", "assets", "notices", "deadlines", "reports")


def _fingerprints(conn) -> dict[str, tuple[int, str]]:
    result = {}
    with conn.cursor() as cursor:
        for app in PROJECT_APPS:
            for model in apps.get_app_config(app).get_models():
                table = model._meta.db_table
                pk = model._meta.pk.column
                cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t."{pk}"), \'\')) '
                               f'FROM "{table}" t')
                result[table] = cursor.fetchone()
    return result


def test_backup_then_restore_into_a_fresh_database_keeps_every_row(tmp_path, make_case):
    make_case()
    make_case(principal="250000.00")
    call_command("seed_demo", "--cases", "40", "--seed", "3", verbosity=0)
    before = _fingerprints(connection)
    assert before["cases_case"][0] > 0
    dump = tmp_path / "court.dump"
    call_command("backup_db", "--out", str(dump), verbosity=0)
    assert dump.stat().st_size > 0
    target = f"restore_{uuid.uuid4().hex[:10]}"
    call_command("restore_db", str(dump), "--database-name", target, verbosity=0)
    params = connection.get_connection_params()
    params["dbname"] = target
    try:
        with psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "host", "port", "user", "password")}) as restored:
            after = _fingerprints(restored)
        assert after == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_restore_refuses_an_existing_database(tmp_path):
    from django.core.management.base import CommandError

    dump = tmp_path / "court.dump"
    call_command("backup_db", "--out", str(dump), verbosity=0)
    with pytest.raises(CommandError, match="--database-name"):
        call_command("restore_db", str(dump), "--database-name", connection.settings_dict["NAME"], verbosity=0)
