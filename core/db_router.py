"""Send dashboard and report reads to a read replica when one is configured (DATABASE_REPLICA_URL).

Reads go to the replica only inside ``with read_replica():`` blocks, which the dashboard and report code opens; all
other reads and every write go to the primary, so a user always reads what they have just written.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)


@contextlib.contextmanager
def read_replica():
    token = _use_replica.set(True)
    try:
        yield replica_alias()
    finally:
        _use_replica.reset(token)


def replica_alias() -> str:
    return "replica" if "replica" in settings.DATABASES else "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replica.get():
            return replica_alias()
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
