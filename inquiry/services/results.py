"""Importing a result file (docs/exchange.md): once per file, every row checked before anything is written.

``result_file_import`` reads the file twice, streaming: first to check it (the file as a file in
``inquiry.exchange_in``, then each row against this court's requests, looked up a chunk at a time), then, only if
nothing was wrong, to write its rows (PostgreSQL COPY) and their difference from the asset register. The same
file again (its SHA-256, per court) is refused naming when and by whom it was imported; nothing changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm
from cases.models import Case, CaseParty, PartyRole
from core.formats import local_datetime

from .. import diffing
from ..exchange_in import ErrorList, ParsedRow, ResultFileRefused, RowError, iter_rows, open_checked
from ..models import (AccessAction, BatchStatus, InquiryBatch, InquiryRequest, Purpose, ResultFile,
                      ResultRow)
from ._log import log_access

CHUNK = 2000
REQUEST_FIELDS = ("pk", "request_id", "batch_id", "batch__court_id", "case_id", "case_number", "party_id",
                  "subject_id_number", "agency_kind", "measure")


def court_exchange_code(court) -> str:
    """The court's code as the exchange files carry it (the export writes ``court.code``)."""
    return court.code


def file_sha256(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _chunks(rows: Iterator[ParsedRow]) -> Iterator[list[ParsedRow]]:
    chunk: list[ParsedRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Requests:
    """This court's requests named by the rows, fetched a chunk at a time and kept as small tuples."""

    def __init__(self, court_id: int):
        self.court_id, self.known = court_id, {}

    def load(self, ids) -> None:
        missing = [i for i in ids if i and i not in self.known]
        if not missing:
            return
        for values in InquiryRequest.objects.filter(request_id__in=missing).values_list(*REQUEST_FIELDS):
            self.known[values[1]] = dict(zip(REQUEST_FIELDS, values, strict=True))
        for i in missing:
            self.known.setdefault(i, None)


def _foreign_case_numbers(court_id: int, numbers: set[str]) -> dict[str, str]:
    """Case numbers (of the rows) that are another court's cases: number -> that court's name."""
    if not numbers:
        return {}
    return dict(Case.objects.filter(number__in=numbers).exclude(court_id=court_id)
                .values_list("number", "court__name"))


def _check_rows(chunk: list[ParsedRow], requests: _Requests, *, court_id: int, batch: InquiryBatch,
                agency_kind: str, errors: ErrorList) -> None:
    requests.load(r.request_id for r in chunk)
    strangers = {r.case_number for r in chunk
                 if (req := requests.known.get(r.request_id)) is None or req["case_number"] != r.case_number}
    foreign = _foreign_case_numbers(court_id, strangers)
    for row in chunk:
        req = requests.known.get(row.request_id)
        if row.case_number in foreign:
            errors.add(row.line_no, "case_number", _("A row for another court's case (%(court)s): %(number)s.") % {
                "court": foreign[row.case_number], "number": row.case_number})
            continue
        if req is None or req["batch__court_id"] != court_id:
            errors.add(row.line_no, "request_id", _("Unknown request %(id)s: this court sent no such request.")
                       % {"id": row.request_id})
            continue
        if req["batch_id"] != batch.pk:
            errors.add(row.line_no, "request_id", _("The request %(id)s belongs to another batch.")
                       % {"id": row.request_id})
        if req["agency_kind"] != agency_kind:
            errors.add(row.line_no, "request_id", _("The request %(id)s was not sent to this kind of agency.")
                       % {"id": row.request_id})
        if req["case_number"] != row.case_number:
            errors.add(row.line_no, "case_number", _("The case number is not the request's (%(number)s).")
                       % {"number": req["case_number"]})
        if (req["subject_id_number"] or "") != row.subject_id_number:
            errors.add(row.line_no, "subject_id_number", _("The identifier number is not the request's subject."))


def _check_header(header, *, court, batch_number: str) -> tuple[InquiryBatch, list[RowError]]:
    errors = []
    if header.court_code != court_exchange_code(court):
        errors.append(RowError(1, "court_code", _("The file is for another court (%(code)s).")
                               % {"code": header.court_code}))
    batch = InquiryBatch.objects.filter(court=court, number=batch_number).first()
    if batch is None:
        errors.append(RowError(1, "batch", _("Unknown batch %(batch)s.") % {"batch": batch_number}))
    elif batch.status in (BatchStatus.DRAFT, BatchStatus.CANCELLED):
        errors.append(RowError(1, "batch", _("The batch %(batch)s was not sent (or was cancelled).")
                               % {"batch": batch_number}))
    return batch, errors


def _already_imported(court, sha256: str) -> None:
    earlier = ResultFile.objects.filter(court=court, sha256=sha256).select_related("imported_by").first()
    if earlier is not None:
        raise ResultFileRefused([RowError(0, "file", _(
            "This file was already imported on %(when)s by %(who)s (%(name)s); nothing was changed.") % {
                "when": local_datetime(earlier.imported_at), "who": earlier.imported_by.full_name or
                earlier.imported_by.username, "name": earlier.file_name})])


def result_file_check(*, actor, court, stream: IO[bytes]) -> tuple:
    """Everything an import checks, writing nothing: ``(header, batch, sha256)`` or ``ResultFileRefused``."""
    if not has_perm(actor, Perm.INQUIRY_RUN) or actor.court_id != court.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    sha256 = file_sha256(stream)
    _already_imported(court, sha256)
    header = open_checked(stream)
    batch, header_errors = _check_header(header, court=court, batch_number=header.batch)
    if header_errors:
        raise ResultFileRefused(header_errors)
    # A batch spans teams: any officer of the court who runs inquiries may bring its answers in; each row is then
    # shown to, and accepted by, those who may act on its case.
    errors, requests = ErrorList(), _Requests(court.pk)
    count = 0
    for chunk in _chunks(iter_rows(stream, errors)):
        count += len(chunk)
        _check_rows(chunk, requests, court_id=court.pk, batch=batch, agency_kind=header.agency_kind, errors=errors)
    if not errors and count != header.rows:
        errors.add(0, "rows", _("The header announces %(n)s rows; the file holds %(m)s.") % {"n": header.rows,
                                                                                            "m": count})
    if errors:
        raise ResultFileRefused(errors.items, errors.count)
    return header, batch, sha256


COPY_COLUMNS = ("result_file_id", "request_id", "line_no", "status", "asset_kind", "institution", "account",
                "balance", "description", "as_of", "control_measure", "control_status", "control_amount",
                "control_reference", "control_until", "control_reason", "error", "raw", "diff", "matched_asset_id")


def _row_values(chunk: list[ParsedRow], requests: _Requests, result_file: ResultFile,
                owners: dict[tuple[int, int], int]) -> Iterator[tuple]:
    """The rows to store (``COPY_COLUMNS``), each with its difference from the register (one query for the chunk's
    debtors)."""
    reqs = [requests.known[r.request_id] for r in chunk]
    pairs = {(q["case_id"], owners.get((q["case_id"], q["party_id"]))) for q in reqs}
    index = diffing.register_index(p for p in pairs if p[1] is not None)
    for row, req in zip(chunk, reqs, strict=True):
        diff, matched = "", None
        if row.status == "found":
            diff, matched = diffing.classify(row, index.get((req["case_id"], owners.get((req["case_id"],
                                                                                         req["party_id"]))), {}))
        elif row.control_status:
            diff = "control"
        yield (result_file.pk, req["pk"], row.line_no, row.status, row.asset_kind, row.institution, row.account,
               row.balance, row.description, row.as_of, row.control_measure, row.control_status, row.control_amount,
               row.control_reference, row.control_until, row.control_reason, row.error,
               json.dumps(row.raw, ensure_ascii=False), diff, matched.pk if matched is not None else None)


def _copy_rows(values: list[tuple]) -> None:
    """Store rows with PostgreSQL's COPY on this transaction's connection: the checked values go in as they are
    (an ORM bulk insert of 100,000 rows spends most of its time escaping them into arrays)."""
    table = ResultRow._meta.db_table
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
                f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for value in values:
                copy.write_row(value)


def _owners(case_ids: set[int]) -> dict[tuple[int, int], int]:
    """(case id, party id) -> the debtor's case-party id, for the cases of a chunk."""
    return {(c, p): cp for cp, c, p in CaseParty.objects.filter(case_id__in=case_ids, role=PartyRole.RESPONDENT)
            .values_list("pk", "case_id", "party_id")}


@transaction.atomic
def result_file_import(*, actor, court, file_name: str, stream: IO[bytes]) -> ResultFile:
    """Check the whole file, then store its rows; raises ``ResultFileRefused`` (nothing written) on any problem."""
    header, batch, sha256 = result_file_check(actor=actor, court=court, stream=stream)
    InquiryBatch.objects.select_for_update().filter(pk=batch.pk).first()
    _already_imported(court, sha256)  # under the batch lock: a concurrent import of the same file waits, then sees it
    try:
        with transaction.atomic():
            result_file = ResultFile.objects.create(
                court=court, batch=batch, file_name=(file_name or "result.jsonl")[:200], sha256=sha256,
                agency_kind=header.agency_kind, imported_by=actor, row_count=header.rows,
                header={"agency_kind": header.agency_kind, "batch": header.batch, "court_code": header.court_code,
                        "rows": header.rows, "sha256_of_rows": header.sha256_of_rows})
    except IntegrityError:
        _already_imported(court, sha256)
        raise
    requests, errors, now = _Requests(court.pk), ErrorList(), timezone.now()
    for chunk in _chunks(iter_rows(stream, errors)):
        requests.load(r.request_id for r in chunk)
        owners = _owners({requests.known[r.request_id]["case_id"] for r in chunk})
        _copy_rows(list(_row_values(chunk, requests, result_file, owners)))  # its queries first, then COPY
        InquiryRequest.objects.filter(pk__in={requests.known[r.request_id]["pk"] for r in chunk},
                                      answered_at__isnull=True).update(answered_at=now)
    if errors:  # the file changed between the two readings
        raise ResultFileRefused(errors.items, errors.count)
    unanswered = InquiryRequest.objects.filter(batch=batch, answered_at__isnull=True).exists()
    batch.status = BatchStatus.PARTLY_ANSWERED if unanswered else BatchStatus.ANSWERED
    batch.save(update_fields=["status"])
    log_access(actor=actor, action=AccessAction.RESULT_IMPORTED, batch=batch, result_file=result_file)
    if batch.purpose == Purpose.POST_ZHONGBEN:  # the six-monthly query after 终本: on the case, maybe resume
        from .zhongben import post_zhongben_results_recorded

        post_zhongben_results_recorded(request_ids=list(result_file.rows.values_list("request_id", flat=True)
                                                        .distinct()), actor=actor)
    return result_file
