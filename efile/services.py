"""Every write of the electronic case file: filing generated documents, uploading scans, ordering the catalogue,
asking for the archive volume. The volume's build and OCR run in Celery tasks (``efile.tasks``), queued by name
after commit so this module and the tasks do not import each other.
"""

from __future__ import annotations

import logging
import re
import subprocess
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases.models import Case, Stage
from cases.services._common import lock_case
from core.text import clean_name, clean_text

from . import storage
from .models import ArchiveVolume, FileItem, ItemKind, OcrStatus, Section, VolumeStatus

log = logging.getLogger(__name__)

# The default catalogue, in the enforcement file order (docs/efile.md).
DEFAULT_SECTIONS = (
    ("filing", "立案材料"),
    ("basis", "执行依据"),
    ("notices", "通知文书"),
    ("investigation", "财产调查"),
    ("control", "财产控制"),
    ("disposal", "财产处置"),
    ("payout", "案款发放"),
    ("closure", "结案材料"),
)
# Where each generated document type is filed (notices/documents/*.py codes); unknown types go to "notices".
DOC_TYPE_SECTIONS = {
    "acceptance_notice": "filing",
    "enforcement_notice": "notices", "asset_report_order": "notices", "risk_notice": "notices",
    "control_ruling": "control", "release_ruling": "control", "assist_bank": "control",
    "assist_employer": "control", "assist_registry": "control", "consumption_order": "control",
    "dishonest_decision": "control",
    "payout_notice": "payout", "payout_receipt": "payout",
    "closure_notice": "closure", "zhongben_ruling": "closure", "performance_certificate": "closure",
}
# The printed names of the document types (notices/documents/*.py), for filing documents issued earlier
# (backfill_generated); the issue hook passes the type's own title.
DOC_TYPE_TITLES = {
    "acceptance_notice": "执行案件受理通知书", "enforcement_notice": "执行通知书", "asset_report_order": "报告财产令",
    "risk_notice": "执行风险告知书", "control_ruling": "执行裁定书", "release_ruling": "执行裁定书",
    "assist_bank": "协助执行通知书", "assist_employer": "协助执行通知书", "assist_registry": "协助执行通知书",
    "consumption_order": "限制消费令", "dishonest_decision": "纳入失信被执行人名单决定书",
    "payout_notice": "案款发放通知书", "payout_receipt": "案款领取收据", "closure_notice": "结案通知书",
    "zhongben_ruling": "执行裁定书", "performance_certificate": "自动履行证明书",
}
TITLE_MAX = 200


def sections_for(court_id: int) -> list[Section]:
    """The court's active sections in order; the default set is created the first time (concurrent-safe)."""
    sections = list(Section.objects.filter(court_id=court_id, active=True).order_by("position", "id"))
    if sections:
        return sections
    # None seen. Another transaction may have committed the set since that read (two first issues at once): read
    # again after the check rather than answer "no section"; a concurrent uncommitted set makes the insert wait
    # for it and then insert nothing.
    if not Section.objects.filter(court_id=court_id).exists():
        Section.objects.bulk_create(
            [Section(court_id=court_id, code=code, title=title, position=(i + 1) * 10)
             for i, (code, title) in enumerate(DEFAULT_SECTIONS)],
            ignore_conflicts=True)
    return list(Section.objects.filter(court_id=court_id, active=True).order_by("position", "id"))


def _section(court_id: int, code_or_id) -> Section:
    sections = sections_for(court_id)
    for section in sections:
        if str(section.pk) == str(code_or_id) or section.code == code_or_id:
            return section
    raise ValidationError({"section": [_("Choose a section of the catalogue.")]})


def _next_position(case_id: int, section_id: int) -> int:
    top = FileItem.objects.filter(case_id=case_id, section_id=section_id).aggregate(m=Max("position"))["m"]
    return (top or 0) + 10


def _archived(case: Case) -> bool:
    return case.stage == Stage.ARCHIVED or ArchiveVolume.objects.filter(
        case_id=case.pk, status__in=[VolumeStatus.BUILDING, VolumeStatus.DONE]).exists()


def _refuse_if_frozen(case: Case) -> None:
    if _archived(case):
        raise ValidationError({"case": [_("The case file is archived (or being archived): nothing more can be "
                                          "filed or moved.")]})


def _queue(task: str, *args) -> None:
    from celery import current_app

    current_app.signature(task, args=args).delay()


# --- generated documents ------------------------------------------------------------------------------------------

def file_generated(*, case_id: int, court_id: int, document_id: int, doc_type: str, title: str, number: str,
                   doc_date: date, pages: int, sha256: str, size: int, user_id: int,
                   supersedes_id: int | None = None) -> FileItem | None:
    """File a document the system generated into its case's file (called by notices in the issue transaction).

    Once per document (a unique constraint on the source). A corrected version takes the place of the version it
    corrects, which stays in the file marked superseded (kept out of the catalogue and the volume). A case already
    archived keeps its volume as it was: the document is filed outside the volume (``volume`` stays empty) and the
    file page lists it under "filed after archiving". Its text is extracted by a worker after the commit."""
    section = _section(court_id, DOC_TYPE_SECTIONS.get(doc_type, "notices"))
    position = None
    if supersedes_id is not None:
        old = FileItem.objects.filter(case_id=case_id, source_key=f"notices.IssuedDocument:{supersedes_id}").first()
        if old is not None:
            FileItem.objects.filter(pk=old.pk).update(superseded=True)
            section, position = old.section, old.position
    key = f"notices.IssuedDocument:{document_id}"
    if FileItem.objects.filter(case_id=case_id, source_key=key).exists():
        return None
    item = FileItem.objects.create(
        case_id=case_id, section=section, position=position or _next_position(case_id, section.pk),
        title=str(title)[:TITLE_MAX], kind=ItemKind.GENERATED, source_key=key, register_number=number[:80],
        doc_date=doc_date, sha256=sha256, size=size, page_count=pages, original_mime=storage.PDF,
        filed_by_id=user_id)
    # Extracting the text (pdftotext, ~90 ms) is the worker's job: an issue, or a batch of hundreds, does not wait
    # for it; an item whose task was lost (broker down) is indexed by the sweep.
    transaction.on_commit(lambda: _queue("efile.index_item", item.pk), robust=True)
    return item


def generated_pdf(item: FileItem) -> bytes:
    """The stored PDF of a generated document, read from the notices register by label (efile is below notices)."""
    from django.apps import apps

    document_id = int(item.source_key.split(":", 1)[1])
    DocumentFile = apps.get_model("notices", "DocumentFile")
    return bytes(DocumentFile.objects.filter(document_id=document_id).values_list("pdf", flat=True).get())


def pdf_text(pdf: bytes) -> str:
    """The text layer of a PDF (pdftotext, poppler), pages separated by form feeds."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=pdf, capture_output=True,
                            timeout=120, check=True)
    return cjk_compact(result.stdout.decode("utf-8", "replace").replace("\x00", ""))


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])")


def cjk_compact(text: str) -> str:
    """Remove the blanks OCR and letter-spaced titles put between Chinese characters (执 行 通 知 书), so that a
    search for 执行通知书 finds them; blanks between Latin words and line breaks stay."""
    return _CJK_GAP.sub("", text)


def index_generated(item_id: int) -> None:
    """Put a generated document's own text into the index (no OCR needed). Never raises: the issue committed; an
    item left unindexed is picked up by the sweep (``efile.tasks.sweep``)."""
    try:
        item = FileItem.objects.get(pk=item_id)
        text = pdf_text(generated_pdf(item))
        FileItem.objects.filter(pk=item_id).update(text=text, text_indexed=True)
    except Exception:  # noqa: BLE001
        log.exception("indexing file item %s failed", item_id)


def backfill_generated(*, court_id: int | None = None, limit: int = 5000) -> int:
    """File the issued documents that are not in their case's file yet (documents issued before the e-file existed,
    or by a code path that bypassed the hook), oldest first; their text is indexed at once. Returns the count."""
    from django.apps import apps

    IssuedDocument = apps.get_model("notices", "IssuedDocument")
    filed = FileItem.objects.filter(kind=ItemKind.GENERATED).values_list("source_key", flat=True)
    documents = IssuedDocument.objects.order_by("id")
    if court_id is not None:
        documents = documents.filter(court_id=court_id)
    keys = set(filed)
    count = 0
    for document in documents.iterator():
        if f"notices.IssuedDocument:{document.pk}" in keys:
            continue
        with transaction.atomic():
            item = file_generated(
                case_id=document.case_id, court_id=document.court_id, document_id=document.pk,
                doc_type=document.doc_type, title=DOC_TYPE_TITLES.get(document.doc_type, document.doc_type),
                number=document.number, doc_date=document.issue_date, pages=document.pages,
                sha256=document.sha256, size=document.size, user_id=document.issued_by_id,
                supersedes_id=document.supersedes_id)
        count += item is not None
        if count >= limit:
            break
    return count


# --- scans --------------------------------------------------------------------------------------------------------

def scan_upload(*, user, case: Case, section: str | int, title: str, upload, doc_date: date | None = None) -> FileItem:
    """Check an uploaded scan, store it (outside the web root, by its hash) and file it; OCR follows in a task."""
    require(user, Perm.EFILE_FILE, case)
    # The title is printed in the 卷内目录: direction controls and invisible characters are refused, not stripped.
    title = clean_name(title, field="title", max_length=TITLE_MAX,
                       required_message=_("Give the document's title."))
    doc_date = doc_date or timezone.localdate()
    if doc_date > timezone.localdate():
        raise ValidationError({"doc_date": [_("The date of the document cannot be in the future.")]})
    name = clean_text(getattr(upload, "name", "") or "upload", field="file", max_length=200) or "upload"
    size = getattr(upload, "size", None)
    if size is not None and size > settings.EFILE_MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("%(name)s is larger than %(mb)s MB.") % {
            "name": name, "mb": f"{settings.EFILE_MAX_UPLOAD_BYTES / 1024 / 1024:.0f}"}]})
    upload.seek(0)
    content = upload.read(settings.EFILE_MAX_UPLOAD_BYTES + 1)
    checked = storage.check_upload(content, name=name)
    relative, digest = storage.write(checked.pdf, folder=f"cases/{case.pk}")
    try:
        return _scan_file(user=user, case=case, section=section, title=title, doc_date=doc_date, name=name,
                          checked=checked, relative=relative, digest=digest)
    except BaseException:
        # Nothing was filed: remove the stored file unless an item already uses the same content.
        if not FileItem.objects.filter(path=relative).exists():
            storage.absolute(relative).unlink(missing_ok=True)
        raise


def _scan_file(*, user, case, section, title, doc_date, name, checked, relative, digest) -> FileItem:
    with transaction.atomic():
        case = lock_case(case)
        _refuse_if_frozen(case)
        chosen = _section(case.court_id, section)
        same = FileItem.objects.filter(case=case, kind=ItemKind.SCAN, original_sha256=checked.original_sha256).first()
        if same is not None:
            raise ValidationError({"file": [_("This file is already in the case file as “%(title)s”.") % {
                "title": same.title}]})
        item = FileItem.objects.create(
            case=case, section=chosen, position=_next_position(case.pk, chosen.pk), title=title,
            kind=ItemKind.SCAN, doc_date=doc_date, path=relative, original_name=name, original_mime=checked.mime,
            original_sha256=checked.original_sha256, sha256=digest, size=len(checked.pdf),
            page_count=checked.pages, ocr_status=OcrStatus.QUEUED, filed_by=user)
        _event(case=case, actor=user, type="efile_scan_filed",
               summary=_("Scan “%(title)s” (%(pages)s pages) filed in the case file") % {
                   "title": title, "pages": checked.pages}, item_id=item.pk)
        transaction.on_commit(lambda: _queue("efile.ocr_item", item.pk))
    return item


def _event(*, case, actor, type: str, summary: str, **parameters) -> None:
    from cases.events import event_log

    event_log(case=case, type=type, actor=actor, summary=summary, **parameters)


def ocr_retry(*, user, item: FileItem) -> FileItem:
    require(user, Perm.EFILE_FILE, item)
    updated = FileItem.objects.filter(pk=item.pk, ocr_status=OcrStatus.FAILED).update(
        ocr_status=OcrStatus.QUEUED, ocr_progress=0, ocr_error="")
    if updated:
        transaction.on_commit(lambda: _queue("efile.ocr_item", item.pk))
    item.refresh_from_db()
    return item


# --- the catalogue ------------------------------------------------------------------------------------------------

def _items_locked(case: Case):
    return list(FileItem.objects.select_for_update().filter(case=case, superseded=False)
                .select_related("section").order_by("section__position", "position", "id"))


def items_reorder(*, user, case: Case, order: list[tuple[int, int]]) -> None:
    """Set the catalogue's order from the page's drag and drop: ``order`` is [(item id, section id)] for every
    current item of the case, in the new order. A list that is not exactly the case's items is refused whole."""
    require(user, Perm.EFILE_FILE, case)
    with transaction.atomic():
        case = lock_case(case)
        _refuse_if_frozen(case)
        items = {i.pk: i for i in _items_locked(case)}
        ids = [int(i) for i, _s in order]
        if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
            raise ValidationError({"order": [_("The list does not match the case file; reload the page.")]})
        sections = {s.pk: s for s in sections_for(case.court_id)}
        counters: dict[int, int] = {}
        for item_id, section_id in order:
            if int(section_id) not in sections:
                raise ValidationError({"order": [_("Choose a section of the catalogue.")]})
            counters[int(section_id)] = counters.get(int(section_id), 0) + 10
            item = items[int(item_id)]
            item.section_id, item.position = int(section_id), counters[int(section_id)]
        FileItem.objects.bulk_update(items.values(), ["section", "position"])


def item_move(*, user, item: FileItem, direction: str) -> None:
    """Move an item one place up or down within its section (the accessible alternative to dragging)."""
    require(user, Perm.EFILE_FILE, item)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [_("Move up or down.")]})
    with transaction.atomic():
        case = lock_case(item.case)
        _refuse_if_frozen(case)
        siblings = [i for i in _items_locked(case) if i.section_id == item.section_id]
        index = next((n for n, i in enumerate(siblings) if i.pk == item.pk), None)
        if index is None:
            raise ValidationError({"item": [_("This document is no longer in the catalogue.")]})
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for n, sibling in enumerate(siblings):
            sibling.position = (n + 1) * 10
        FileItem.objects.bulk_update(siblings, ["position"])


def item_section_set(*, user, item: FileItem, section) -> None:
    """File an item under another section (at its end)."""
    require(user, Perm.EFILE_FILE, item)
    with transaction.atomic():
        case = lock_case(item.case)
        _refuse_if_frozen(case)
        chosen = _section(case.court_id, section)
        if chosen.pk != item.section_id:
            FileItem.objects.filter(pk=item.pk).update(section=chosen, position=_next_position(case.pk, chosen.pk))


def items_sort(*, user, case: Case) -> None:
    """Order each section by the documents' dates (then the order they were filed): the file order by section."""
    require(user, Perm.EFILE_FILE, case)
    with transaction.atomic():
        case = lock_case(case)
        _refuse_if_frozen(case)
        items = _items_locked(case)
        items.sort(key=lambda i: (i.section.position, i.doc_date, i.filed_at, i.pk))
        counters: dict[int, int] = {}
        for item in items:
            counters[item.section_id] = counters.get(item.section_id, 0) + 10
            item.position = counters[item.section_id]
        FileItem.objects.bulk_update(items, ["position"])


# --- the archive volume -------------------------------------------------------------------------------------------

def volume_request(*, user, case: Case) -> ArchiveVolume:
    """Ask for the archive volume of a closed case (one click). Once per case: a second click, or a concurrent
    request, gets the volume already building or built; a new attempt only after a failed one. Refused before
    closure, with scans still waiting for OCR, or with an empty file."""
    require(user, Perm.EFILE_ARCHIVE, case)
    with transaction.atomic():
        case = lock_case(case)
        existing = ArchiveVolume.objects.filter(case=case).exclude(status=VolumeStatus.FAILED).first()
        if existing is not None:
            return existing
        if case.stage != Stage.CLOSED:
            raise ValidationError({"case": [_("Only a closed case can be archived.")]})
        items = FileItem.objects.filter(case=case, superseded=False)
        if not items.exists():
            raise ValidationError({"case": [_("The case file is empty: file its documents first.")]})
        waiting = items.filter(ocr_status__in=[OcrStatus.QUEUED, OcrStatus.RUNNING]).count()
        if waiting:
            raise ValidationError({"case": [_("%(n)s scans are still waiting for text recognition; archive when "
                                              "they are done.") % {"n": waiting}]})
        try:
            with transaction.atomic():
                volume = ArchiveVolume.objects.create(case=case, built_by=user, stage="queued")
        except IntegrityError:  # another request won the race (the partial unique constraint)
            return ArchiveVolume.objects.filter(case=case).exclude(status=VolumeStatus.FAILED).get()
        _event(case=case, actor=user, type="efile_volume_requested",
               summary=_("Archive volume requested"), volume_id=volume.pk)
        transaction.on_commit(lambda: _queue("efile.volume_build", volume.pk))
    return volume


def volume_finish(*, volume_id: int, path: str, sha256: str, size: int, page_count: int, document_pages: int,
                  catalogue: list, item_ids: list[int], pdfa: str, retention: str) -> ArchiveVolume:
    """Freeze a built volume and archive the case, in one transaction: the volume is done (its hash recorded; the
    database refuses any later change), its items point at it, and the case moves to 'archived' through the cases
    service (``archived_on`` set: the ARCHIVE deadline is met)."""
    from cases.services import case_transition

    with transaction.atomic():
        volume = ArchiveVolume.objects.select_related("case", "built_by").get(pk=volume_id)
        case = lock_case(volume.case)
        volume = ArchiveVolume.objects.select_for_update().select_related("built_by").get(pk=volume_id)
        if volume.status != VolumeStatus.BUILDING:
            raise ValidationError({"volume": [_("This volume is no longer being built.")]})
        if case.stage != Stage.CLOSED:
            raise ValidationError({"case": [_("Only a closed case can be archived.")]})
        FileItem.objects.filter(pk__in=item_ids).update(volume=volume)
        ArchiveVolume.objects.filter(pk=volume_id).update(
            status=VolumeStatus.DONE, progress=100, stage="done", path=path, sha256=sha256, size=size,
            page_count=page_count, document_pages=document_pages, catalogue=catalogue, pdfa=pdfa,
            retention=retention, built_at=timezone.now())
        case_transition(actor=volume.built_by, case=case, to_stage=Stage.ARCHIVED,
                        reason=_("Archive volume of %(pages)s pages") % {"pages": document_pages})
        _event(case=case, actor=volume.built_by, type="efile_volume_built",
               summary=_("Archive volume built: %(pages)s pages, SHA-256 %(hash)s") % {
                   "pages": page_count, "hash": sha256[:16]}, volume_id=volume_id, sha256=sha256)
    volume.refresh_from_db()
    return volume


def volume_fail(*, volume_id: int, error: str) -> None:
    ArchiveVolume.objects.filter(pk=volume_id, status=VolumeStatus.BUILDING).update(
        status=VolumeStatus.FAILED, error=error[:300], stage="failed")


def volume_progress(*, volume_id: int, progress: int, stage: str) -> None:
    ArchiveVolume.objects.filter(pk=volume_id, status=VolumeStatus.BUILDING).update(
        progress=min(max(progress, 0), 99), stage=stage[:40])


def require_view(user, case: Case) -> None:
    require(user, Perm.CASE_VIEW, case)

