"""The access-log calls of the result side, in one place (h1's ``access_log_record`` does the writing)."""

from __future__ import annotations

from ..models import AccessLog


def log_access(*, actor, action: str, case=None, party=None, batch=None, request=None, result_file=None) -> None:
    try:
        from . import access_log_record  # type: ignore[attr-defined]
    except ImportError:
        access_log_record = None
    if access_log_record is not None:
        access_log_record(actor=actor, action=action, case=case, party=party, batch=batch, request=request,
                          result_file=result_file)
        return
    court_id = (case.court_id if case is not None else batch.court_id if batch is not None
                else result_file.court_id if result_file is not None else actor.court_id)
    AccessLog.objects.create(
        user=actor, user_name=(actor.full_name or actor.username)[:50], court_id=court_id, action=action,
        case=case, party=party, batch=batch, request=request, result_file=result_file,
        case_number=case.number if case is not None else "",
        legal_basis_officer=(case.officer.full_name if case is not None and case.officer_id else "")[:50],
        party_name=party.name[:200] if party is not None else "")
