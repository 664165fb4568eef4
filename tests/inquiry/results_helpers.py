"""Builders for the result-import tests: an exported batch with requests (written directly, as the export leaves
them) and result files written the way an agency writes them."""

from __future__ import annotations

import io

from django.utils import timezone

from cases.models import CaseParty, PartyRole
from inquiry.exchange_in import build_result_file
from inquiry.models import BatchStatus, InquiryBatch, InquiryRequest
from inquiry.services.results import court_exchange_code

_serial = [0]


def exported_batch(*, court, officer, cases, kind="bank", measure="query", amount=None, number=None):
    _serial[0] += 1
    batch = InquiryBatch.objects.create(
        court=court, number=number or f"CX2026{_serial[0]:04d}", created_by=officer, kinds=[kind],
        status=BatchStatus.EXPORTED, exported_at=timezone.now(), exported_by=officer, document_number="（2026）甘0503执查1号")
    requests = []
    for seq, case in enumerate(cases, start=1):
        debtor = CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party").first()
        requests.append(InquiryRequest.objects.create(
            batch=batch, seq=seq, request_id=f"{batch.number}-{seq:06d}", case=case, party=debtor.party,
            agency_kind=kind, measure=measure, amount=amount, subject_name=debtor.party.name,
            subject_kind="company", subject_id_number=debtor.party.id_number, case_number=case.number,
            officer=case.officer or officer, officer_name=(case.officer or officer).full_name))
    return batch, requests


def found(req, *, account="6222020000001234", balance="12345.67", institution="中国工商银行麦积支行", **over):
    row = {"request_id": req.request_id, "case_number": req.case_number, "subject_id_number": req.subject_id_number,
           "status": "found", "asset_kind": "bank_deposit", "institution": institution, "account": account,
           "balance": balance, "as_of": "2026-12-05"}
    row.update(over)
    return row


def none(req):
    return {"request_id": req.request_id, "case_number": req.case_number,
            "subject_id_number": req.subject_id_number, "status": "none", "as_of": "2026-12-05"}


def result_bytes(batch, rows, *, kind="bank", court_code=None) -> bytes:
    return build_result_file({"agency_kind": kind, "batch": batch.number,
                              "court_code": court_code or court_exchange_code(batch.court)}, rows)


def stream(data: bytes):
    return io.BytesIO(data)
