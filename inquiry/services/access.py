"""The inquiry access log: who did or saw what about whose financial data, on which legal basis, when.

Every batch/request/result page and API view calls ``access_log_record`` (or ``access_log_record_many`` for one row
per debtor of a batch). The table is append-only (database triggers): nothing here updates or deletes.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import AccessLog, InquiryBatch, InquiryRequest, ResultFile


def _user_name(user) -> str:
    return (getattr(user, "full_name", "") or user.get_username())[:50]


def _basis_officer(case, request) -> str:
    if request is not None:
        return request.officer_name
    officer = getattr(case, "officer", None) if case is not None else None
    return _user_name(officer) if officer is not None else ""


def access_log_record(*, user, action: str, case=None, party=None, batch: InquiryBatch | None = None,
                      request: InquiryRequest | None = None, result_file: ResultFile | None = None) -> AccessLog:
    """Append one entry. ``case`` (with ``party``, the debtor) names whose data; the legal basis (the case number
    and the officer acting on it: the request's officer, else the case's handling officer) is copied in."""
    if request is not None:
        case = case or request.case
        party = party or request.party
        batch = batch or request.batch
    court_id = (case.court_id if case is not None else batch.court_id if batch is not None
                else result_file.court_id if result_file is not None else user.court_id)
    return AccessLog.objects.create(
        user=user, user_name=_user_name(user), court_id=court_id, action=action, case=case, party=party,
        batch=batch, request=request, result_file=result_file,
        case_number=case.number if case is not None else "", legal_basis_officer=_basis_officer(case, request),
        party_name=party.name[:200] if party is not None else "")


def access_log_record_many(*, user, action: str, requests: Iterable[InquiryRequest], batch: InquiryBatch | None = None,
                           result_file: ResultFile | None = None) -> int:
    """One entry per (case, debtor) among ``requests`` (an export of 8 kinds about one debtor is one look at them),
    in one insert."""
    seen: dict[tuple[int, int], InquiryRequest] = {}
    for r in requests:
        seen.setdefault((r.case_id, r.party_id), r)
    name = _user_name(user)
    rows = [AccessLog(user=user, user_name=name, court_id=r.batch.court_id if batch is None else batch.court_id,
                      action=action, case_id=r.case_id, party_id=r.party_id, batch=batch or r.batch,
                      result_file=result_file, case_number=r.case_number, legal_basis_officer=r.officer_name,
                      party_name=r.subject_name) for r in seen.values()]
    AccessLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
