"""The access-log calls of the result side, in one place (``access_log_record`` does the writing)."""

from __future__ import annotations

from .access import access_log_record


def log_access(*, actor, action: str, case=None, party=None, batch=None, request=None, result_file=None) -> None:
    access_log_record(user=actor, action=action, case=case, party=party, batch=batch, request=request,
                      result_file=result_file)
