"""Issuing the documents of a batch chunk with one layout per group (``notices.batch`` calls this).

``document_issue`` lays out and writes one document at a time. A batch chunk instead:

1. **prepares** every document it must issue, without locks: the addressee's context, the tentative number, a
   verification code and the HTML (the shipped template; a document with the court's own template, or whose number
   prints the register serial, is issued the ordinary way at step 3);
2. **lays out** consecutive prepared documents of equal ``layout_key`` as one HTML document
   (``notices.pdf.render.render_split``, at most ``LAYOUT_MAX`` at a time, so the memory of a process is bounded by
   the group, not the chunk), writes the group as **one PDF**, and **cuts** each document's own PDF out of it
   (``notices.pdf.cut``: its own pages, page numbers, title and bookmarks, the pages pixel for pixel those
   ``document_issue`` renders from the same HTML; the font subsets are the group's);
3. **stores** each document in its own transaction, as ``document_issue`` does: under the case lock it checks again
   that no identical document was issued meanwhile (then that one is reused) and composes the number again (if it
   changed, e.g. a ruling's 之N taken by an officer meanwhile, the document is issued the ordinary way); then the PDF,
   its SHA-256, the timeline event, the gapless serial and the register row, committed;
4. stores the group's PDF as one **part** of the batch's print file (``BatchPart``), so the combined PDF embeds each
   font subset once per part instead of once per document (if some documents were not stored from the layout,
   e.g. reused or failed, each run of the others is cut out of it as a part of its own).

A failure of one document (its context, its template, its layout) stays that document's: a group whose layout fails
is issued document by document, so only the broken one is reported.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from core import court_settings
from core.memory import release_memory

from . import documents, services
from .documents import Addressee, DocumentType
from .models import BatchPart, IssuedDocument

logger = logging.getLogger(__name__)

# Documents laid out together (one print part each). Bounds the memory of a process: with groups of 13 two-page
# notices a process peaks at ~255 MB RSS, with all 200 in one layout at ~290 MB (bench/notices_render.py).
LAYOUT_MAX = 13


@dataclass
class IssueItem:
    """One document a chunk issues: a case, a document type and one of its addressees."""

    case: object
    code: str
    addressee: Addressee


@dataclass
class _Prepared:
    item: IssueItem
    kind: DocumentType | None
    params: dict
    issue_date: date | None
    number: str = ""
    code: str = ""
    html: str = ""
    layout_key: tuple | None = None
    alone: bool = False  # issued the ordinary way (court template, serial in the number, layout unavailable)
    error: Exception | None = None
    document: IssuedDocument | None = None
    from_layout: bool = False  # stored with the PDF written from the group's layout
    preset: str = ""  # a number the document type fixes itself (context["document_number"])


def _prepare(*, user, item: IssueItem, code: str | None = None) -> _Prepared:
    kind = documents.get(item.code)
    prepared = _Prepared(item=item, kind=kind, params=services.params_clean(kind, None),
                         issue_date=services._issue_date_check(None))
    case = item.case
    services.issue_require(user, kind, case, item.addressee.key)
    if services.active_override(case.court_id, kind.code) is not None:
        prepared.alone = True  # the court's own template: rendered and checked the ordinary way
        return prepared
    context = kind.context(case, item.addressee, prepared.params)
    preset = str(context.get("document_number") or "")
    if not preset and "{serial" in court_settings.get(case.court, "document_number_format"):
        prepared.alone = True  # the number prints the serial: taken before rendering, under the lock
        return prepared
    prepared.number = preset or services._number_compose(case=case, doc_type=kind.code,
                                                         year=prepared.issue_date.year, serial="")
    prepared.code = code or services._unique_code()
    context = dict(context)
    context.update({"document_number": prepared.number, "issue_date": prepared.issue_date,
                    "verification": services.verification_link(case.court, prepared.code)})
    from notices.pdf.render import layout_key, render_template_html

    prepared.html = render_template_html(kind.template, context)
    prepared.layout_key = layout_key(prepared.html)
    prepared.alone = prepared.layout_key is None
    prepared.preset = preset
    return prepared


def _issue_alone(*, user, batch, prepared: _Prepared) -> None:
    item = prepared.item
    try:
        prepared.document = services.document_issue(user=user, case=item.case, doc_type=item.code,
                                                     addressee_key=item.addressee.key, batch=batch)
    except Exception as exc:  # noqa: BLE001 - reported for this document; the chunk goes on
        prepared.error = exc


def _store(*, user, batch, prepared: _Prepared, pdf: bytes, pages: int) -> None:
    """Step 3 for a document written from a layout (see the module docstring)."""
    item, kind = prepared.item, prepared.kind
    case = item.case
    with transaction.atomic():
        services._lock_case(case.pk)
        existing = services.document_current(case=case, doc_type=kind.code, addressee_key=item.addressee.key,
                                             params=prepared.params)
        if existing is not None:
            existing.reprint = True
            prepared.document = existing
            return
        number = prepared.preset or services._number_compose(
            case=case, doc_type=kind.code, year=prepared.issue_date.year, serial="")
        if number == prepared.number:
            prepared.document, _started = services._issued_insert(
                user=user, case=case, kind=kind, addressee=item.addressee, params=prepared.params,
                issue_date=prepared.issue_date, number=number, serial=None, code=prepared.code, pdf=pdf,
                pages=pages, override=False, batch=batch)
            prepared.document.reprint = False
            prepared.from_layout = True
            return
    _issue_alone(user=user, batch=batch, prepared=prepared)  # the number changed meanwhile: render it again


def _groups(prepared: Sequence[_Prepared]) -> Iterator[list[_Prepared]]:
    """Runs of consecutive documents that may share a layout (same layout key), at most LAYOUT_MAX long; a document
    issued alone (or failed) is a run of its own."""
    run: list[_Prepared] = []
    for p in prepared:
        shareable = p.error is None and not p.alone
        if run and (not shareable or p.layout_key != run[0].layout_key or len(run) >= LAYOUT_MAX):
            yield run
            run = []
        run.append(p)
        if not shareable:
            yield run
            run = []
    if run:
        yield run


def _issue_group(*, user, batch, group: list[_Prepared]) -> None:
    from notices.pdf.cut import Piece, cut
    from notices.pdf.render import render_split

    try:
        rendering = render_split([p.html for p in group], duplex=batch.duplex)
        try:
            offset, titles = rendering.ranges[0][0], rendering.titles
            ranges = [(start - offset, end - offset) for start, end in rendering.ranges]  # pages of `whole`
            whole = rendering.combined_pdf(list(range(len(group))), title=batch.title or None)
        finally:
            rendering.release()
            release_memory()  # the box trees of the layout
        pdfs = cut(whole, [Piece(start, end, title) for (start, end), title in zip(ranges, titles, strict=True)])
    except Exception:  # noqa: BLE001 - one broken document must not fail the others: issue them one by one
        logger.exception("batch %s: laying out %d documents together failed; issuing them one by one", batch.pk,
                         len(group))
        for p in group:
            _issue_alone(user=user, batch=batch, prepared=p)
        return
    for index, p in enumerate(group):
        try:
            start, end = ranges[index]
            _store(user=user, batch=batch, prepared=p, pdf=pdfs[index], pages=end - start)
        except Exception as exc:  # noqa: BLE001
            p.error = exc
    _store_parts(batch=batch, group=group, whole=whole, ranges=ranges, title=batch.title or titles[0])


def _store_parts(*, batch, group: list[_Prepared], whole: bytes, ranges: list[tuple[int, int]], title: str) -> None:
    """Step 4: each run of documents stored from this layout becomes one part of the print file: the group's PDF
    itself when every document of the group was stored from it (the usual case), else the run's pages cut from it
    (with the blank backs a duplex layout put between them)."""
    from notices.pdf.cut import Piece, cut

    from .binary_store import store_binary

    run: list[int] = []
    for index, p in enumerate([*group, None]):
        if p is not None and p.from_layout:
            run.append(index)
            continue
        if run:
            start, end = ranges[run[0]][0], ranges[run[-1]][1]
            if len(run) == len(group):
                data, pages = whole, end
            else:
                data, pages = cut(whole, [Piece(start, end, title)])[0], end - start
            with transaction.atomic():  # a part is never seen without its PDF
                part = BatchPart.objects.create(batch=batch, document_ids=[group[i].document.pk for i in run],
                                                pages=pages, pdf=b"")
                store_binary(BatchPart, pk=part.pk, column="pdf", data=data)
            run = []


def _deadlines_deferred():
    try:
        from deadlines.on_commit import suspended
    except ImportError:  # deadlines not installed
        return contextlib.nullcontext()
    return suspended()


def documents_issue_many(*, user, batch, items: Sequence[IssueItem]) -> Iterator[tuple[IssueItem, IssuedDocument | None,
                                                                                     Exception | None]]:
    """Issue (or reuse an identical current) document for every item, in order; yields (item, document, error) per
    item, a group at a time, once the group's documents are committed and its print part stored."""
    prepared: list[_Prepared] = []
    codes = services._unique_codes(len(items)) if items else []
    for item, code in zip(items, codes, strict=True):
        try:
            prepared.append(_prepare(user=user, item=item, code=code))
        except Exception as exc:  # noqa: BLE001 - reported for this document; the chunk goes on
            prepared.append(_Prepared(item=item, kind=None, params={}, issue_date=None, error=exc))
    for group in _groups(prepared):
        # the batch recomputes its cases' deadlines once at its end (batch._deadlines_recompute), not per document
        with _deadlines_deferred():
            if len(group) == 1 and (group[0].error is not None or group[0].alone):
                if group[0].error is None:
                    _issue_alone(user=user, batch=batch, prepared=group[0])
            else:
                _issue_group(user=user, batch=batch, group=group)
        for p in group:
            yield p.item, p.document, p.error

