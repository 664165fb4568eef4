"""Batch printing: many cases × document types → one PDF, plus address labels for service by post.

Reads (selection of cases, a clerk's batches) and writes (create, run) of ``BatchJob``; the Celery tasks in
``notices.tasks`` only call the functions here.

How a batch runs (``notices.tasks``):

1. ``batch_start`` (the task queued by ``batch_create``) claims the queued job, sets ``total`` to cases × document
   types and splits the (case, document type) pairs into chunks; one chunk task per chunk is queued, so the
   worker's processes (``celery worker -c 2`` on two cores) issue and render in parallel.
2. ``batch_chunk_run`` reuses every document already issued for the same case, type and addressee (its stored PDF,
   no new number: re-running a batch prints the same documents) and issues the others through
   ``notices.batch_issue.documents_issue_many``: the chunk's documents are laid out in groups (one WeasyPrint layout
   per group of up to ``batch_issue.LAYOUT_MAX``), the group written once as one PDF and each document's own PDF
   cut out of it (``notices.pdf.cut``: the pages of its single render), and each is stored in its own transaction
   (number, SHA-256, register row, timeline event). A case the document cannot be issued for (missing data →
   ``ValidationError``) is recorded in ``failures`` with its case number and the message, and the chunk goes on.
   The group's PDF is kept as one ``BatchPart`` of the print file (font subsets embedded once per part).
   ``done``, the printed ``document_ids`` and ``progressed_at`` are advanced every few documents (one UPDATE).
3. The chunk that completes the count (``done`` + failures = ``total``) claims the finishing step with a
   conditional UPDATE (exactly one does): it joins the parts and the stored PDFs of reused documents in print order
   (``pdfunite`` when poppler-utils is installed, pypdf otherwise; nothing is rendered again). Before joining it
   queues the labels as two ``batch_labels`` tasks, the address sheet and the envelope labels, so the other
   process starts on one at once and this one takes the other after the join; the second half to be stored joins
   the two into ``labels_pdf``. Whichever step ends last sets the status (``batch_finalize``, again exactly once):
   done, partial (some failures) or failed (nothing printed). The deadlines of the cases are then recomputed in one
   set-based run (a separate task: the clerk does not wait for it).
4. ``batch_sweep`` (beat, every 5 minutes) fails a running batch that made no progress for ``STALLED_AFTER`` (its
   finishing process was killed, a task message was lost), so it does not stay "running" forever.

``total`` counts one unit per (case, document type) until the pair is expanded; a pair with several addressees
(each respondent) adds the extra units when its chunk expands it, so the count only reaches ``total`` when every
unit of every chunk is counted.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import BigIntegerField, Exists, F, Func, JSONField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.policy import Perm, Target, has_perm, require, scope_q
from cases.models import Case
from cases.selectors import CaseSearch, case_search
from core import court_settings

from . import documents
from .binary_store import store_binary
from .models import BatchJob, BatchPart, BatchStatus, DocumentFile, IssuedDocument

logger = logging.getLogger(__name__)

MAX_CASES = 1000  # per batch; a week's intake of a large court is a few hundred
CHUNK_SIZE = 13  # at most this many pairs per chunk task: one layout group (batch_issue.LAYOUT_MAX), and the
# two processes end within a small chunk of each other
MIN_CHUNKS = 4  # at least this many chunks (when there are enough pairs), so both worker processes get work
PROGRESS_EVERY = 5  # documents between two progress updates
PREVIEW_LIMIT = 500  # cases listed on the selection page

A4_BLANK = (595.28, 841.89)  # points


# --- Reads ------------------------------------------------------------------------------------------------------

def this_week(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


@dataclass
class BatchSelection:
    """The filters of the selection page: cases filed in a date range, of a type, team, officer, stage, and
    (the common use) without a document of a given type yet."""

    filed_from: date | None = None
    filed_to: date | None = None
    case_type: str = ""
    team: int | None = None
    officer: int | None = None
    stage: list[str] = field(default_factory=list)
    without: str = ""  # a document type code: only cases with no document of that type


def batch_case_candidates(*, user, selection: BatchSelection) -> QuerySet[Case]:
    """Cases the user may issue notices for that match the selection, in case-number order."""
    qs = case_search(user=user, perm=Perm.NOTICE_ISSUE, search=CaseSearch(
        officer=selection.officer, team=selection.team, stage=list(selection.stage or [])))
    if selection.filed_from:
        qs = qs.filter(filed_on__gte=selection.filed_from)
    if selection.filed_to:
        qs = qs.filter(filed_on__lte=selection.filed_to)
    if selection.case_type:
        qs = qs.filter(case_type=selection.case_type)
    if selection.without:
        documents.get(selection.without)  # unknown code → ValidationError
        qs = qs.filter(~Exists(IssuedDocument.objects.filter(case=OuterRef("pk"), doc_type=selection.without)))
    return qs.order_by("year", "case_type", "serial", "pk")


def _visible_batches(user) -> Q:
    """Own batches, and every batch of a court where the user may issue notices court-wide."""
    q = Q(created_by=user)
    if has_perm(user, Perm.NOTICE_ISSUE, Target(court_id=user.court_id)):
        q |= Q(court_id=user.court_id)
    return q


def batch_list_for_user(*, user, limit: int = 20) -> QuerySet[BatchJob]:
    """The user's recent batches (without the PDF bytes)."""
    if not has_perm(user, Perm.NOTICE_ISSUE):
        return BatchJob.objects.none()
    return (BatchJob.objects.filter(created_by=user).defer("pdf", "labels_pdf")
            .select_related("created_by").order_by("-created_at", "-id")[:limit])


def batch_get_for_user(*, user, pk: int, with_files: bool = False) -> BatchJob:
    """One batch: its creator, or anyone who may issue notices for its whole court; 404 for everyone else."""
    if not has_perm(user, Perm.NOTICE_ISSUE):
        raise PermissionDenied(_("You do not have permission to do this."))
    qs = BatchJob.objects.select_related("court", "created_by")
    if not with_files:
        qs = qs.defer("pdf", "labels_pdf")
    batch = qs.filter(_visible_batches(user), pk=pk).first()
    if batch is None:
        raise Http404("No such batch.")
    return batch


def batch_has_pdf(batch: BatchJob) -> tuple[bool, bool]:
    """Whether the combined PDF and the labels PDF exist, without loading them."""
    row = (BatchJob.objects.filter(pk=batch.pk)
           .annotate(has_pdf=Q(pdf__isnull=False), has_labels=Q(labels_pdf__isnull=False))
           .values("has_pdf", "has_labels").first()) or {"has_pdf": False, "has_labels": False}
    return row["has_pdf"], row["has_labels"]


def batch_progress(batch: BatchJob) -> int:
    """Percent of the work counted (documents issued or failed)."""
    if batch.status in (BatchStatus.DONE, BatchStatus.DONE_WITH_ERRORS, BatchStatus.FAILED):
        return 100
    if not batch.total:
        return 0
    return min(99, int(100 * (batch.done + len(batch.failures or [])) / batch.total))


# --- Create -----------------------------------------------------------------------------------------------------

def batch_create(*, user, case_ids: Sequence[int], doc_types: Sequence[str], with_labels: bool = True,
                 duplex: bool = False, title: str = "") -> BatchJob:
    """Record a batch print and queue it (after commit). Every case must be one the user may issue notices for."""
    require(user, Perm.NOTICE_ISSUE)
    codes = list(dict.fromkeys(c for c in doc_types if c))
    if not codes:
        raise ValidationError({"doc_types": _("Choose at least one document type.")})
    for code in codes:
        try:
            documents.get(code)
        except ValidationError:
            raise ValidationError({"doc_types": _("Unknown document type: %(code)s") % {"code": code}}) from None
    try:
        wanted = list(dict.fromkeys(int(pk) for pk in case_ids))
    except (TypeError, ValueError):
        raise ValidationError({"case_ids": _("Case ids must be numbers.")}) from None
    if not wanted:
        raise ValidationError({"case_ids": _("Choose at least one case.")})
    if len(wanted) > MAX_CASES:
        raise ValidationError({"case_ids": _("At most %(n)d cases per batch.") % {"n": MAX_CASES}})
    cases = list(Case.objects.filter(scope_q(user, Perm.NOTICE_ISSUE), pk__in=wanted)
                 .order_by("year", "case_type", "serial", "pk").values_list("pk", "court_id"))
    if len(cases) != len(wanted):
        raise ValidationError({"case_ids": _("Some of the cases do not exist or you may not issue notices for "
                                             "them.")})
    court_ids = {court_id for _pk, court_id in cases}
    if len(court_ids) != 1:
        raise ValidationError({"case_ids": _("A batch prints the cases of one court.")})
    with transaction.atomic():
        batch = BatchJob.objects.create(
            court_id=court_ids.pop(), created_by=user, title=(title or "")[:200], doc_types=codes,
            case_ids=[pk for pk, _court in cases], with_labels=bool(with_labels), duplex=bool(duplex),
            total=len(cases) * len(codes),
        )
        transaction.on_commit(lambda: _queue(batch.pk))
    return batch


def batch_rerun(*, user, batch: BatchJob) -> BatchJob:
    """A new batch with the same cases and documents: documents already issued are reused (no new numbers)."""
    return batch_create(user=user, case_ids=batch.case_ids, doc_types=batch.doc_types, with_labels=batch.with_labels,
                        duplex=batch.duplex, title=batch.title)


def _queue(batch_id: int) -> None:
    # The task by its registered name, as beat names tasks (notices/schedule.py): notices.tasks runs this module's
    # functions, so importing it here would make the two import each other (tests/test_layers.py). A process that
    # has the task registered applies it as ``.delay`` does (CELERY_TASK_ALWAYS_EAGER included); one that has not
    # sends the same message to the broker.
    from celery import current_app

    result = current_app.signature("notices.tasks.batch_run", args=(batch_id,)).delay()
    BatchJob.objects.filter(pk=batch_id, task_id="").update(task_id=result.id or "")


# --- Run --------------------------------------------------------------------------------------------------------

def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def batch_start(*, batch_id: int, chunk_size: int | None = None) -> list[list[tuple[int, str]]]:
    """Claim a queued batch and return its (case id, document type) pairs in chunks; [] if already claimed."""
    claimed = BatchJob.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, started_at=timezone.now(), progressed_at=timezone.now(), done=0, failures=[],
        document_ids=[])
    if not claimed:
        return []
    batch = BatchJob.objects.defer("pdf", "labels_pdf").get(pk=batch_id)
    pairs = [(case_id, code) for case_id in batch.case_ids for code in batch.doc_types]
    BatchJob.objects.filter(pk=batch_id).update(total=len(pairs))
    if not pairs:
        batch_finish(batch_id=batch_id)
        return []
    if chunk_size is None:
        chunk_size = min(CHUNK_SIZE, -(-len(pairs) // MIN_CHUNKS))
    return _chunks(pairs, max(1, chunk_size))


def _message(exc: Exception) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(exc, ValidationError):
            if hasattr(exc, "error_dict"):
                return "；".join(f"{field}: {m}" if field != "__all__" else str(m)
                                for field, errors in exc.message_dict.items() for m in errors)
            return "；".join(str(m) for m in exc.messages)
        if isinstance(exc, PermissionDenied):
            return str(exc) or str(_("You do not have permission to do this."))
        return str(_("Unexpected error (%(kind)s); the administrator can find it in the worker log.")
                   % {"kind": type(exc).__name__})


def _failure(case: Case | None, case_id: int, code: str, error: str, addressee: str = "") -> dict:
    return {"case_id": case_id, "case_number": case.number if case else "", "doc_type": code,
            "addressee": addressee, "error": error}


def _record(batch_id: int, *, done: int = 0, failures: Iterable[dict] = (), extra_total: int = 0,
            document_ids: Iterable[int] = ()) -> None:
    """Advance the counters of a batch (one UPDATE; failures and printed documents appended in place)."""
    failures = list(failures)
    document_ids = list(document_ids)
    if not (done or failures or extra_total or document_ids):
        return
    updates: dict = {"progressed_at": timezone.now()}
    if done:
        updates["done"] = F("done") + done
    if extra_total:
        updates["total"] = F("total") + extra_total
    if failures:
        updates["failures"] = Func(F("failures"), Value(failures, output_field=JSONField()), arg_joiner=" || ",
                                   template="(%(expressions)s)", output_field=JSONField())
    if document_ids:
        id_array = ArrayField(BigIntegerField())
        updates["document_ids"] = Func(F("document_ids"), Cast(Value(document_ids, output_field=id_array), id_array),
                                       arg_joiner=" || ", template="(%(expressions)s)", output_field=id_array)
    BatchJob.objects.filter(pk=batch_id).update(**updates)


class _Progress:
    """The chunk's counts, written every few documents (and at once for a failure or an extra addressee)."""

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.done = 0
        self.ids: list[int] = []

    def printed(self, document_id: int) -> None:
        self.done += 1
        self.ids.append(document_id)
        if self.done >= PROGRESS_EVERY:
            self.flush()

    def flush(self, *, failures: Iterable[dict] = (), extra_total: int = 0) -> None:
        _record(self.batch_id, done=self.done, failures=failures, extra_total=extra_total, document_ids=self.ids)
        self.done, self.ids = 0, []


def _current_documents(case_ids: Iterable[int], codes: Iterable[str]) -> dict[tuple[int, str, str], int]:
    """The current (latest, not corrected) document per (case, type, addressee)."""
    rows = (IssuedDocument.objects.filter(case_id__in=list(case_ids), doc_type__in=list(codes),
                                          superseded_by__isnull=True)
            .order_by("id").values_list("case_id", "doc_type", "addressee_key", "id"))
    return {(case_id, code, key): pk for case_id, code, key, pk in rows}


def batch_chunk_run(*, batch_id: int, pairs: Sequence[Sequence]) -> bool:
    """Issue (or reuse) every document of the pairs; returns True when this chunk finished the batch."""
    batch = BatchJob.objects.select_related("created_by").defer("pdf", "labels_pdf").get(pk=batch_id)
    if batch.status != BatchStatus.RUNNING:
        return False
    user = batch.created_by
    pairs = [(int(case_id), str(code)) for case_id, code in pairs]
    cases = {c.pk: c for c in Case.objects.select_related("court", "team", "officer")
             .filter(pk__in={case_id for case_id, _code in pairs})}
    existing = _current_documents(cases, {code for _case_id, code in pairs})
    from .documents._common import CaseData
    from .services import override_memoized

    # One settings query per court for the chunk (not ~11 per notice), the cases and parties in two queries (not two
    # per document: the addressees, then the context), the court's template overrides in one.
    with court_settings.memoized(), CaseData.memoized(cases), override_memoized():
        return _chunk_issue(batch_id, batch, user, pairs, cases, existing)


def _chunk_issue(batch_id, batch, user, pairs, cases, existing) -> bool:
    """Reuse what is issued already, then issue the rest with one layout per group (``notices.batch_issue``)."""
    from .batch_issue import IssueItem, documents_issue_many

    progress = _Progress(batch_id)
    items: list[IssueItem] = []
    for case_id, code in pairs:
        case = cases.get(case_id)
        if case is None:
            progress.flush(failures=[_failure(None, case_id, code, _("The case no longer exists."))])
            continue
        try:
            doc_type = documents.get(code)
            addressees = list(doc_type.addressees(case))
            if not addressees:
                reason = doc_type.unavailable(case) if doc_type.unavailable else ""
                raise ValidationError(reason or _("This document has no addressee in this case."))
        except Exception as exc:  # noqa: BLE001 - one case's problem must not stop the batch
            if not isinstance(exc, (ValidationError, PermissionDenied)):
                logger.exception("batch %s: addressees of %s for case %s failed", batch_id, code, case_id)
            progress.flush(failures=[_failure(case, case_id, code, _message(exc))])
            continue
        if len(addressees) > 1:
            progress.flush(extra_total=len(addressees) - 1)
        for addressee in addressees:
            reused = existing.get((case_id, code, addressee.key))
            if reused is not None:
                progress.printed(reused)  # already issued: printed again from the stored PDF, no new number
            else:
                items.append(IssueItem(case=case, code=code, addressee=addressee))
    for item, document, exc in documents_issue_many(user=user, batch=batch, items=items):
        if exc is None:
            progress.printed(document.pk)
            continue
        if not isinstance(exc, (ValidationError, PermissionDenied)):
            logger.error("batch %s: issuing %s for case %s failed", batch_id, item.code, item.case.pk,
                         exc_info=exc)
        progress.flush(failures=[_failure(item.case, item.case.pk, item.code, _message(exc), item.addressee.name)])
    progress.flush()
    return _claim_finish(batch_id)


FINISH_MARK = "finishing"


def _claim_finish(batch_id: int) -> bool:
    """Exactly one caller wins once every unit is counted: a conditional UPDATE on the batch row, whose condition
    PostgreSQL re-checks on the latest row version when two chunks finish at the same moment."""
    from django.db import connection

    table = BatchJob._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET task_id = %s || task_id "  # noqa: S608 - table name from the model, not input
            "WHERE id = %s AND status = %s AND task_id NOT LIKE %s "
            "AND done + jsonb_array_length(failures) >= total",
            [FINISH_MARK + ":", batch_id, BatchStatus.RUNNING.value, FINISH_MARK + "%"])
        return cursor.rowcount == 1


def _batch_documents(batch: BatchJob) -> list[dict]:
    """The documents the batch prints, in order: case (as selected), document type (as chosen), addressee. These are
    the documents its chunks recorded (issued or reused); for a batch run before they were recorded, the current
    documents of its cases and types."""
    case_pos = {pk: i for i, pk in enumerate(batch.case_ids)}
    code_pos = {code: i for i, code in enumerate(batch.doc_types)}
    if batch.document_ids or batch.progressed_at is not None:  # recorded (every batch started since 0002)
        qs = IssuedDocument.objects.filter(id__in=list(batch.document_ids))
    else:
        qs = IssuedDocument.objects.filter(case_id__in=batch.case_ids, doc_type__in=batch.doc_types,
                                           superseded_by__isnull=True)
    rows = list(qs.values("id", "case_id", "case__number", "doc_type", "number", "addressee_key", "addressee_name",
                          "addressee_address", "addressee_postcode", "pages"))
    rows.sort(key=lambda r: (case_pos.get(r["case_id"], len(case_pos)), code_pos.get(r["doc_type"], len(code_pos)),
                             r["id"]))
    return rows


def batch_wants_labels(*, batch_id: int) -> bool:
    return BatchJob.objects.filter(pk=batch_id, with_labels=True).exists()


def batch_join(*, batch_id: int) -> None:
    """Join the stored PDFs of the batch's documents into one and store it. With no document at all the batch is
    failed here."""
    batch = BatchJob.objects.defer("pdf", "labels_pdf").get(pk=batch_id)
    try:
        rows = _batch_documents(batch)
        if not rows:
            BatchJob.objects.filter(pk=batch_id, finished_at__isnull=True).update(
                status=BatchStatus.FAILED, finished_at=timezone.now())
            return
        pdf = combine_batch_pdf(batch, rows)
    except Exception as exc:  # noqa: BLE001
        logger.exception("batch %s: joining the PDFs failed", batch_id)
        _record(batch_id, failures=[_failure(None, 0, "", _message(exc))])
        BatchJob.objects.filter(pk=batch_id, finished_at__isnull=True).update(
            status=BatchStatus.FAILED, finished_at=timezone.now())
        return
    store_binary(BatchJob, pk=batch_id, column="pdf", data=pdf)
    del pdf
    BatchJob.objects.filter(pk=batch_id).update(progressed_at=timezone.now())
    BatchPart.objects.filter(batch_id=batch_id, kind=BatchPart.Kind.PRINT).delete()  # joined: no longer needed


LABEL_HALVES = (BatchPart.Kind.SHEET, BatchPart.Kind.LABELS)  # the slower half first: it goes to the idle process


def batch_labels(*, batch_id: int, half: str | None = None) -> bool:
    """Render and store the envelope labels and the address sheet of the batch's documents.

    With ``half`` (``labels`` or ``sheet``) only that half is rendered and stored as a part, so two processes can
    render the halves at once (the tasks do); whichever stores the second half joins them into ``labels_pdf``.
    Returns True when the labels are complete (stored, or given up after a failure), i.e. the batch may finalize."""
    batch = BatchJob.objects.select_related("court").defer("pdf", "labels_pdf").get(pk=batch_id)
    try:
        rows = _batch_documents(batch)
        labels = render_labels(rows, court=batch.court, half=half) if rows else None
    except Exception as exc:  # noqa: BLE001 - the documents still print; the labels are reported missing
        logger.exception("batch %s: labels failed", batch_id)
        with translation.override(settings.LANGUAGE_CODE):
            error = str(_("The address labels could not be made: %(error)s") % {"error": _message(exc)})
        _record(batch_id, failures=[_failure(None, 0, "", error)])
        with transaction.atomic():
            BatchJob.objects.filter(pk=batch_id).update(with_labels=False)
            BatchPart.objects.filter(batch_id=batch_id, kind__in=LABEL_HALVES).delete()
        return True
    if half is None or labels is None:
        if labels is None:
            BatchJob.objects.filter(pk=batch_id).update(labels_pdf=None)
        else:
            store_binary(BatchJob, pk=batch_id, column="labels_pdf", data=labels)
        return True
    with transaction.atomic():  # the other half's join must never see this row without its PDF
        part = BatchPart.objects.create(batch_id=batch_id, kind=half, document_ids=[], pages=0, pdf=b"")
        store_binary(BatchPart, pk=part.pk, column="pdf", data=labels)
    return _labels_join(batch_id)


def _labels_join(batch_id: int) -> bool:
    """Join the two halves into ``labels_pdf`` once both are stored (under the batch's row lock, so exactly one of
    the two processes does it). True when the labels are complete."""
    from .pdf.cut import join

    with transaction.atomic():
        job = BatchJob.objects.select_for_update().only("pk", "with_labels").get(pk=batch_id)
        halves = dict(BatchPart.objects.filter(batch_id=batch_id, kind__in=LABEL_HALVES).values_list("kind", "pk"))
        if not job.with_labels:  # the other half failed: nothing to join
            BatchPart.objects.filter(pk__in=halves.values()).delete()
            return True
        if len(halves) < len(LABEL_HALVES):
            return False
        pdfs = dict(BatchPart.objects.filter(pk__in=halves.values()).values_list("kind", "pdf"))
        labels = join([bytes(pdfs[BatchPart.Kind.LABELS]), bytes(pdfs[BatchPart.Kind.SHEET])])
        store_binary(BatchJob, pk=batch_id, column="labels_pdf", data=labels)
        BatchPart.objects.filter(pk__in=halves.values()).delete()
    return True


def batch_finalize(*, batch_id: int) -> bool:
    """Set the final status once the PDF (and the labels, if wanted) are stored. The joining and the labels may run
    in two processes; whichever ends last finalizes (a conditional UPDATE: exactly once). Returns True if this
    call did."""
    return bool(
        BatchJob.objects.filter(pk=batch_id, status=BatchStatus.RUNNING, finished_at__isnull=True,
                                pdf__isnull=False)
        .filter(Q(labels_pdf__isnull=False) | Q(with_labels=False))
        .update(status=_final_status(), finished_at=timezone.now())
    )


def _final_status() -> CaseWhen:
    """done without failures, partial (done with errors) with some."""
    return CaseWhen(When(Q(failures=[]) | Q(failures__isnull=True), then=Value(BatchStatus.DONE.value)),
                    default=Value(BatchStatus.DONE_WITH_ERRORS.value))


def batch_finish(*, batch_id: int) -> BatchJob:
    """The finishing step in one process: join, labels, final status, deadlines (the tasks run the join and the
    labels in parallel instead)."""
    if batch_wants_labels(batch_id=batch_id):
        batch_labels(batch_id=batch_id)
    batch_join(batch_id=batch_id)
    batch_finalize(batch_id=batch_id)
    batch_deadlines(batch_id=batch_id)
    return BatchJob.objects.defer("pdf", "labels_pdf").get(pk=batch_id)


def batch_deadlines(*, batch_id: int) -> None:
    batch = BatchJob.objects.defer("pdf", "labels_pdf").get(pk=batch_id)
    _deadlines_recompute(batch)


def _deadlines_recompute(batch: BatchJob) -> None:
    """Documents that start a deadline (the notice to the debtor) do not recompute deadlines one by one when issued
    in a batch (``document_issue`` leaves that to the batch): one set-based recompute for all the cases here."""
    try:
        from deadlines.engine import NOTICE_DOC_TYPES, recompute
    except ImportError:  # deadlines not installed
        return
    relevant = [code for code in batch.doc_types
                if code in NOTICE_DOC_TYPES or "notice_to_debtor" in getattr(_type_or_none(code), "tags", ())]
    if not relevant:
        return
    try:
        recompute(case_ids=list(batch.case_ids), wait=True)
    except Exception:  # noqa: BLE001 - the hourly scan catches up; the printed batch stands
        logger.exception("batch %s: deadline recompute failed", batch.pk)


def _type_or_none(code: str):
    try:
        return documents.get(code)
    except ValidationError:
        return None


def batch_fail(*, batch_id: int, exc: Exception) -> None:
    """Mark a batch failed after an unexpected error outside the per-document handling."""
    batch = BatchJob.objects.defer("pdf", "labels_pdf").filter(pk=batch_id).first()
    if batch is None or batch.status in (BatchStatus.DONE, BatchStatus.DONE_WITH_ERRORS, BatchStatus.FAILED):
        return
    failures = list(batch.failures or []) + [_failure(None, 0, "", _message(exc))]
    BatchJob.objects.filter(pk=batch_id).update(status=BatchStatus.FAILED, finished_at=timezone.now(),
                                                failures=failures)


# A running batch without progress this long has lost its worker. Generous: a batch's chunks may wait in the queue
# behind other batches' chunks (a batch of 1,000 cases × 3 types is ~5 minutes of work for two processes).
STALLED_AFTER = timedelta(minutes=60)


def batch_sweep(*, now=None, stalled_after: timedelta = STALLED_AFTER) -> list[int]:
    """Fail the running batches that made no progress for ``stalled_after`` (a worker killed while finishing one,
    a lost task message), so the clerk sees them failed and can run them again (issued documents are reused).
    Progress is recorded every few documents and at each finishing step, so a live batch is never this silent."""
    now = now or timezone.now()
    cutoff = now - stalled_after
    stalled = list(BatchJob.objects.filter(status=BatchStatus.RUNNING, finished_at__isnull=True)
                   .filter(Q(progressed_at__lt=cutoff) | Q(progressed_at__isnull=True, started_at__lt=cutoff))
                   .values_list("pk", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        message = str(_("The batch stopped without finishing (no progress for %(minutes)d minutes). Run it again: "
                        "documents already issued are reused.") % {"minutes": int(stalled_after.total_seconds() // 60)})
    swept = []
    for pk in stalled:
        failure = [_failure(None, 0, "", message)]
        if BatchJob.objects.filter(pk=pk, status=BatchStatus.RUNNING, finished_at__isnull=True).filter(
                Q(progressed_at__lt=cutoff) | Q(progressed_at__isnull=True, started_at__lt=cutoff)).update(
                status=BatchStatus.FAILED, finished_at=now,
                failures=Func(F("failures"), Value(failure, output_field=JSONField()), arg_joiner=" || ",
                              template="(%(expressions)s)", output_field=JSONField())):
            logger.warning("batch %s swept: no progress since %s", pk, cutoff)
            swept.append(pk)
    return swept


# --- Combining PDFs ----------------------------------------------------------------------------------------------

def _blank_page_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(*A4_BLANK)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def combine_stored_pdfs(document_ids: Sequence[int], *, duplex: bool = False, pages: Sequence[int] | None = None,
                        tool: str | None = None) -> bytes:
    """One PDF of the stored PDFs of these documents, in this order. With ``duplex`` a blank page follows each
    document with an odd number of pages, so every document starts on the front of a sheet.

    ``pdfunite`` (poppler-utils, C++) joins 200 two-page notices in ~0.7 s; pypdf, the fallback, takes ~1.7 s.
    """
    pages = list(pages) if pages is not None else [1] * len(document_ids)
    return _combine_segments([("doc", pk, count) for pk, count in zip(document_ids, pages, strict=True)],
                             duplex=duplex, tool=tool)


def print_segments(rows: Sequence[dict], parts: Sequence[dict]) -> list[tuple[str, int, int]]:
    """The print file as segments, in order: ("part", part id, pages) for a run of documents that a chunk laid out
    together and wrote as one part, ("doc", document id, pages) for a document printed from its stored PDF (reused,
    issued on its own, or not in a part that matches the order)."""
    by_first = {p["document_ids"][0]: p for p in parts if p["document_ids"]}
    ids = [r["id"] for r in rows]
    segments: list[tuple[str, int, int]] = []
    i = 0
    while i < len(rows):
        part = by_first.get(ids[i])
        if part is not None and ids[i:i + len(part["document_ids"])] == list(part["document_ids"]):
            segments.append(("part", part["id"], part["pages"]))
            i += len(part["document_ids"])
            continue
        segments.append(("doc", ids[i], rows[i]["pages"]))
        i += 1
    return segments


def combine_batch_pdf(batch: BatchJob, rows: Sequence[dict], *, tool: str | None = None) -> bytes:
    """The batch's print file: its parts (documents laid out together share their font subsets) and the stored PDFs
    of the other documents, in print order."""
    parts = list(BatchPart.objects.filter(batch_id=batch.pk, kind=BatchPart.Kind.PRINT)
                 .values("id", "document_ids", "pages"))
    return _combine_segments(print_segments(rows, parts), duplex=batch.duplex, tool=tool)


def _combine_segments(segments: Sequence[tuple[str, int, int]], *, duplex: bool, tool: str | None) -> bytes:
    tool = tool or ("pdfunite" if shutil.which("pdfunite") else "pypdf")
    with tempfile.TemporaryDirectory(prefix="enf-batch-") as tmp:
        folder = Path(tmp)
        names: dict[tuple[str, int], Path] = {}
        for kind, model, key in (("doc", DocumentFile, "document_id"), ("part", BatchPart, "id")):
            wanted = [pk for k, pk, _pages in segments if k == kind]
            for start in range(0, len(wanted), 50):  # bounded memory: 50 PDFs at a time
                for pk, pdf in model.objects.filter(**{f"{key}__in": wanted[start:start + 50]}).values_list(key, "pdf"):
                    path = folder / f"{kind}-{pk}.pdf"
                    path.write_bytes(bytes(pdf))
                    names[(kind, pk)] = path
        missing = [pk for kind, pk, _pages in segments if (kind, pk) not in names]
        if missing:
            raise ValueError(f"stored PDF missing for {missing[:10]}")
        blank = None
        if duplex:
            blank = folder / "blank.pdf"
            blank.write_bytes(_blank_page_pdf())
        sequence: list[Path] = []
        for kind, pk, count in segments:
            sequence.append(names[(kind, pk)])
            if duplex and count % 2:
                sequence.append(blank)
        if len(sequence) == 1:
            return sequence[0].read_bytes()
        if tool == "pdfunite":
            out = folder / "combined.pdf"
            subprocess.run(["pdfunite", *map(str, sequence), str(out)], check=True, capture_output=True, timeout=600)
            return out.read_bytes()
        return _combine_pypdf(sequence)


def _combine_pypdf(paths: Sequence[Path]) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for path in paths:
        for page in PdfReader(path).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Address labels ----------------------------------------------------------------------------------------------

LABELS_PER_SHEET = 14  # 2 × 7 labels of 99.1 × 38.1 mm (the common A4 14-up sheet)


def label_entries(rows: Sequence[dict]) -> list[dict]:
    """One label per addressee of a case, listing the documents in the envelope."""
    entries: dict[tuple[int, str], dict] = {}
    for r in rows:
        key = (r["case_id"], r["addressee_key"] or r["addressee_name"])
        entry = entries.get(key)
        if entry is None:
            postcode = (r["addressee_postcode"] or "").strip()
            entry = entries[key] = {
                "name": r["addressee_name"], "address": r["addressee_address"], "postcode": postcode,
                "postcode_digits": list(postcode) if len(postcode) == 6 else [""] * 6,
                "case_number": r["case__number"], "documents": [],
            }
        try:
            title = documents.get(r["doc_type"]).title
        except ValidationError:
            title = r["doc_type"]
        entry["documents"].append({"title": title, "number": r["number"]})
    return list(entries.values())


def return_address(court) -> dict:
    """The court's return address printed on every label and on the address sheet (Court: name, address, postcode,
    phone, set by the court administrator; docs/configuration.md)."""
    if court is None:
        return {}
    return {"name": court.name, "address": court.address, "postcode": court.postcode, "phone": court.phone}


def render_labels(rows: Sequence[dict], *, court=None, court_name: str = "", half: str | None = None) -> bytes:
    """Envelope labels (A4, 14 per sheet) followed by the address sheet (a list for the post office); with ``half``
    (``labels`` or ``sheet``) only that one (``notices.pdf.cut.join`` of the two is the whole). Each label carries
    the addressee's postcode (six boxes, left blank when unknown) and the court's return address (``court``)."""
    from django.template.loader import render_to_string

    from .pdf import render

    if half not in (None, *LABEL_HALVES):
        raise ValueError(f"unknown half of the labels: {half!r}")
    entries = label_entries(rows)
    sheets = _chunks(entries, LABELS_PER_SHEET)
    html = render_to_string("notices/batch_labels_pdf.html", {
        "court_name": court.name if court is not None else court_name, "sender": return_address(court),
        "sheets": sheets, "entries": entries, "today": timezone.localdate(),
        "with_labels": half != BatchPart.Kind.SHEET, "with_sheet": half != BatchPart.Kind.LABELS,
    })
    return render.render_pdf(html)
