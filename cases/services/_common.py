"""Helpers shared by the cases services."""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager

import pghistory
from django.db import transaction

logger = logging.getLogger(__name__)


def audited(func):
    """Run the service in one transaction and tag every row-history entry it causes with the acting user, so the
    audit trail says who, whether the call came from a page, the API or a command."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        actor = kwargs.get("actor")
        with transaction.atomic(), pghistory.context(user=getattr(actor, "pk", None), service=func.__name__):
            return func(*args, **kwargs)

    return wrapper




def lock_case(case):
    """Re-read the case under a row lock: every service that changes a case's state takes this lock first."""
    from cases.models import Case

    return Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=case.pk)


@contextmanager
def stored_files_removed_on_error():
    """Collect ``(storage, name)`` of files written inside the block; if the block raises (so the transaction that
    would have recorded them rolls back), delete them again. Storage is not transactional; this keeps a failed
    upload from leaving an orphan file behind. A file is kept only once its row is saved and the block succeeds."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for storage, name in stored:
            try:
                storage.delete(name)
            except OSError:  # pragma: no cover - logged, the original error matters more
                logger.exception("could not remove the stored file %s after a failed upload", name)
        raise
