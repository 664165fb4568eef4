import pytest
from django.db import connection

from inquiry.models import AccessLog


@pytest.mark.django_db
def test_access_log_table_has_triggers():
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                    [AccessLog._meta.db_table])
        assert cur.fetchone()[0] >= 2
