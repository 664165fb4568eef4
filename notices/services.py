"""Writes of the notices app: issuing a document (number, PDF, register row), correcting it, and a court's own
templates.

Issuing, step by step (``document_issue``)::

    policy check, params validated            (no locks)
    BEGIN
      advisory lock on the case               (issues of one case queue: no duplicate, a sound 之一/之二 count)
      identical current document? → return it (a reprint: same number, same stored PDF)
      addressee checked, context built, number composed, HTML rendered, PDF rendered
      PDF + timeline event inserted           (the register row's id reserved; foreign keys are checked at commit)
      register serial taken (INSERT .. ON CONFLICT DO UPDATE .. RETURNING: the sequence row stays locked)
      register row inserted
    COMMIT                                    (the serial is consumed only now; a failure anywhere returns it)

The printed number does not depend on the register serial in the default format (it is the case number, with
之一... for rulings), so the PDF is rendered and stored *before* the serial's row lock, which then covers one INSERT
and the COMMIT. A court whose format prints the serial ({serial}) takes the serial first and renders inside the lock
window (both measured in ``LAST_TIMING`` and by bench/notices_issue.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from core import court_settings

from . import documents
from .documents import Addressee, DocumentType
from .models import DocumentFile, IssuedDocument, TemplateOverride

log = logging.getLogger(__name__)

# pg_advisory_xact_lock(class, id): the first key names "a notices case lock", the second is the case id.
CASE_LOCK_CLASS = 0x4E4F  # "NO"

# Verification codes: 10 characters from an alphabet without 0/O and 1/I, grouped 4-4-2 (50 bits of randomness).
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
_SERIAL_TOKEN = "ZZSERIALZZ"

LAST_TIMING = threading.local()  # .issue_ms, .total_ms, .lock_ms of this thread's last issue (benchmarks, logs)


# --- Small pieces ------------------------------------------------------------------------------------------------

def verification_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def verification_code_normalize(text: str) -> str | None:
    """The stored form (7K3Q-9MXA-2D) of what someone typed (7k3q9mxa2d, 7K3Q 9MXA 2D...), or None if malformed."""
    raw = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


_CN_DIGITS = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (the 之一, 之二 of document numbers)."""
    if not 0 < n < 1000:
        raise ValueError(f"{n} out of range 1..999")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = ""
    if hundreds:
        out = _CN_DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + _CN_DIGITS[units]
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十"
    if units:
        out += _CN_DIGITS[units]
    return out


def params_clean(doc_type: DocumentType, params: dict | None) -> dict:
    """Validate ``params`` with the type's form; JSON-ready ``cleaned_data`` (what is stored and compared)."""
    params = dict(params or {})
    if doc_type.params_form is None:
        if params:
            raise ValidationError({"params": _("This document takes no parameters.")})
        return {}
    form = doc_type.params_form(data=params)
    if not form.is_valid():
        raise ValidationError({
            (f"params.{name}" if name != "__all__" else "params"): [str(m) for m in errors]
            for name, errors in form.errors.items()})
    return json.loads(json.dumps(form.cleaned_data, cls=DjangoJSONEncoder))


def _addressee_find(doc_type: DocumentType, case, key: str) -> Addressee:
    options = doc_type.addressees(case)
    if not options:
        reason = doc_type.unavailable(case) if doc_type.unavailable else ""
        raise ValidationError({"doc_type": reason or _("This document cannot be issued for this case.")})
    for option in options:
        if option.key == key:
            return option
    raise ValidationError({"addressee_key": _("Choose one of the addressees this document can be sent to.")})


def _lock_case(case_id: int) -> None:
    with connection.cursor() as cursor:
        # Two int4 keys; ids beyond int4 wrap (two cases sharing a key only queue behind each other).
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int4, %s::int4)",
                       [CASE_LOCK_CLASS, int(case_id) % 2147483647])


def _serial_take(*, court_id: int, year: int, doc_type: str) -> int:
    """The next register serial for (court, year, type). The sequence row stays locked until commit, so concurrent
    issues queue; a rollback returns the serial (no gaps). Same pattern as case numbers."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO notices_documentsequence (court_id, year, doc_type, last_serial) VALUES (%s, %s, %s, 1)
            ON CONFLICT (court_id, year, doc_type)
            DO UPDATE SET last_serial = notices_documentsequence.last_serial + 1
            RETURNING last_serial
            """,
            [court_id, year, doc_type],
        )
        return cursor.fetchone()[0]


def verification_link(court, code: str) -> dict[str, str]:
    """{code, url, site} for the verification block: the URL the QR code carries and the address printed."""
    base = (court_settings.get(court, "verify_base_url") or getattr(settings, "NOTICES_VERIFY_BASE_URL", "")
            or getattr(settings, "ENF_PUBLIC_BASE_URL", "") or "").rstrip("/")
    path = reverse("notices:verify_code", args=[code])
    url = base + path
    site = court_settings.get(court, "verify_site")
    if not site:
        parts = urlsplit(base)
        site = (parts.netloc + parts.path).rstrip("/") + reverse("notices:verify")
    return {"code": code, "url": url, "site": site}


def _unique_code() -> str:
    return _unique_codes(1)[0]


def _unique_codes(count: int) -> list[str]:
    """``count`` distinct verification codes no issued document carries (one query for all of them). A code taken
    between this check and the insert fails the unique constraint, as before."""
    codes: list[str] = []
    for _attempt in range(5):
        wanted = count - len(codes)
        drawn = list(dict.fromkeys(code for code in (verification_code_new() for _ in range(wanted))
                                   if code not in codes))
        taken = set(IssuedDocument.objects.filter(verification_code__in=drawn)
                    .values_list("verification_code", flat=True))
        codes += [code for code in drawn if code not in taken]
        if len(codes) >= count:
            return codes[:count]
    raise RuntimeError("could not draw unused verification codes")  # 2^50 codes: never in practice


# --- Numbering ---------------------------------------------------------------------------------------------------

def _numbers_taken(*, case, suffix_types: list[str]) -> set[str]:
    """Numbers already printed on the case's suffixed documents, and the ruling numbers its control measures record
    (the assistance notices cite them), so a new 之N never repeats one."""
    taken = set(IssuedDocument.objects.filter(case_id=case.pk, doc_type__in=suffix_types)
                .values_list("number", flat=True))
    try:
        from assets.models import ControlMeasure
    except ImportError:  # assets not installed
        return taken
    taken.update(n for n in ControlMeasure.objects.filter(case_id=case.pk).values_list("ruling_number", flat=True) if n)
    return taken


def _number_compose(*, case, doc_type: str, year: int, serial: int | str) -> str:
    """The printed number in the court's format (notices/court_settings.py). Call under the case lock."""
    court = case.court
    fmt = court_settings.get(court, "document_number_format")
    suffix_types = court_settings.get(court, "document_number_suffix_types")
    suffixed = doc_type in suffix_types
    first_has_suffix = court_settings.get(court, "document_number_suffix_first")
    n = 1
    taken: set[str] = set()
    if suffixed:
        n = IssuedDocument.objects.filter(case_id=case.pk, doc_type__in=suffix_types, version=1).count() + 1
        taken = _numbers_taken(case=case, suffix_types=suffix_types)
    while True:
        suffix = ""
        if suffixed:
            k = n if first_has_suffix else n - 1
            suffix = "之" + cn_ordinal(k) if k > 0 else ""
        try:
            number = fmt.format(case_number=case.number, suffix=suffix, case_base=case.number.removesuffix("号"),
                                year=year, serial=serial, court_code=court.code, doc_type=doc_type)
        except (KeyError, IndexError, ValueError):
            raise ValidationError({"document_number_format": _(
                "The court's document number format is invalid; it may use {case_number}, {suffix}, {case_base}, "
                "{year}, {serial}, {court_code} and {doc_type}.")}) from None
        if number not in taken or n >= 999:
            return number
        n += 1


# --- Rendering ---------------------------------------------------------------------------------------------------

_engine_lock = threading.Lock()
_override_engine = None
_compiled: OrderedDict[tuple, Any] = OrderedDict()


def override_engine():
    """A Django template engine like the project's, with debug on (so errors carry line numbers) and the
    notices_pdf filters; used for courts' own templates only."""
    global _override_engine
    if _override_engine is None:
        from django.template import Engine, engines
        from django.template.backends.django import DjangoTemplates

        base = next(b.engine for b in engines.all() if isinstance(b, DjangoTemplates))
        libraries = dict(base.libraries)
        libraries.setdefault("notices_pdf", "notices.pdf.templatetags")
        builtins = [b for b in base.builtins if b not in Engine.default_builtins]
        with _engine_lock:
            if _override_engine is None:
                _override_engine = Engine(
                    dirs=base.dirs, loaders=base.loaders, debug=True, string_if_invalid=base.string_if_invalid,
                    libraries=libraries, builtins=builtins, autoescape=True)
    return _override_engine


def _line_of(exc: Exception) -> int | None:
    info = getattr(exc, "template_debug", None)
    return info.get("line") if info else None


def _broken(label, exc: Exception, *, field: str = "source", saving: bool = False) -> ValidationError:
    line = _line_of(exc)
    detail = f"{exc}" + (_(" (line %(line)s)") % {"line": line} if line else "")
    if saving:
        return ValidationError({field: _("The template does not work: %(error)s") % {"error": detail}})
    return ValidationError({field: _("The court's template for %(type)s is broken: %(error)s") % {
        "type": label, "error": detail}})


def override_compile(source: str, *, cache_key: tuple | None = None):
    """Compile a court's template (TemplateSyntaxError carries ``template_debug['line']``)."""
    if cache_key is not None:
        with _engine_lock:
            template = _compiled.get(cache_key)
            if template is not None:
                _compiled.move_to_end(cache_key)
                return template
    from notices.pdf.render import ensure_template_library

    ensure_template_library()
    template = override_engine().from_string(source)
    if cache_key is not None:
        with _engine_lock:
            _compiled[cache_key] = template
            while len(_compiled) > 64:
                _compiled.popitem(last=False)
    return template


def override_render(template, context: dict) -> str:
    from django.template import Context

    return template.render(Context(dict(context), autoescape=True))


_override_memo: ContextVar[dict[int, dict[str, TemplateOverride]] | None] = ContextVar("notices_override_memo",
                                                                                       default=None)


@contextmanager
def override_memoized() -> Iterator[None]:
    """Within the block, read each court's active template overrides once (a batch chunk)."""
    token = _override_memo.set({})
    try:
        yield
    finally:
        _override_memo.reset(token)


def active_override(court_id: int, doc_type: str) -> TemplateOverride | None:
    memo = _override_memo.get()
    if memo is None:
        return TemplateOverride.objects.filter(court_id=court_id, doc_type=doc_type, active=True).first()
    if court_id not in memo:  # one override at most per court and type (notices_override_unique)
        memo[court_id] = {o.doc_type: o for o in TemplateOverride.objects.filter(court_id=court_id, active=True)}
    return memo[court_id].get(doc_type)


def document_html(*, doc_type: DocumentType, court_id: int, context: dict) -> tuple[str, bool]:
    """The document's HTML: the court's active override if there is one (clear ValidationError if it is broken),
    else the shipped template. Returns (html, override_used)."""
    override = active_override(court_id, doc_type.code)
    if override is None:
        from notices.pdf import render_template_html

        return render_template_html(doc_type.template, context), False
    try:
        template = override_compile(override.source, cache_key=(override.pk, override.updated_at))
        return override_render(template, context), True
    except Exception as exc:  # any template error (syntax, missing include, a filter raising)
        raise _broken(doc_type.label, exc, field="template") from exc


def pdf_render(html: str) -> tuple[bytes, int]:
    """PDF bytes and page count (the same engine and stylesheet as notices.pdf.render_pdf)."""
    from notices.pdf.render import _gc_paused, layout_notice

    document = layout_notice(html)  # with its page fit (notices.pdf.fit), as in a batch
    with _gc_paused():
        return document.write_pdf(), len(document.pages)


# --- Issue ------------------------------------------------------------------------------------------------------

@dataclass
class _Rendered:
    number: str
    serial: int | None
    code: str
    pdf: bytes
    pages: int
    override: bool


def _render_document(*, doc_type: DocumentType, case, context: dict, issue_date: date, number: str,
                     code: str) -> tuple[bytes, int, bool]:
    context = dict(context)
    context.update({
        "document_number": number,
        "issue_date": issue_date,
        "verification": verification_link(case.court, code),
    })
    html, used = document_html(doc_type=doc_type, court_id=case.court_id, context=context)
    try:
        pdf, pages = pdf_render(html)
    except Exception as exc:
        if used:
            raise _broken(doc_type.label, exc, field="template") from exc
        raise
    return pdf, pages, used


def _event(*, case, actor, document: IssuedDocument, title: str, corrected: bool) -> None:
    from cases.events import event_log

    if corrected:
        summary = _("%(title)s %(number)s corrected (version %(version)s): %(reason)s") % {
            "title": title, "number": document.number, "version": document.version,
            "reason": document.correction_reason}
        kind = "document_corrected"
    else:
        summary = _("%(title)s %(number)s issued to %(addressee)s") % {
            "title": title, "number": document.number, "addressee": document.addressee_name or "-"}
        kind = "document_issued"
    event_log(case=case, type=kind, actor=actor, summary=summary, document_id=document.pk,
              doc_type=document.doc_type, number=document.number, version=document.version)


def _document_id_next() -> int:
    """Reserve the register row's id (its PDF and timeline event are written before the row itself)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('notices_issueddocument', 'id'))")
        return cursor.fetchone()[0]


def _store(*, document: IssuedDocument, pdf: bytes) -> IssuedDocument:
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    document.save(force_insert=True)
    _file_insert(document.pk, pdf)
    return document


def _file_insert(document_id: int, pdf: bytes) -> None:
    """Store a document's PDF, sent as a binary parameter (through the ORM psycopg would spell it out as an escaped
    literal inside the SQL text, twice its size, for the server to parse back). In the caller's transaction."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f'INSERT INTO "{DocumentFile._meta.db_table}" (document_id, pdf) VALUES (%s, %b)',  # noqa: S608
                       [document_id, pdf])


def document_current(*, case, doc_type: str, addressee_key: str, params: dict) -> IssuedDocument | None:
    """The current (not superseded) version of an identical document, if one was issued."""
    return (IssuedDocument.objects.filter(case_id=case.pk, doc_type=doc_type, addressee_key=addressee_key,
                                          params=params, superseded_by__isnull=True)
            .order_by("-version", "-id").first())


def _deadline_types() -> set[str]:
    try:
        from deadlines.engine import NOTICE_DOC_TYPES
    except ImportError:  # deadlines not installed
        return set()
    return set(NOTICE_DOC_TYPES)


def _issue_date_check(issue_date: date | None) -> date:
    """The date printed on the document: today by default; a typo far from today (a year in the register) is
    refused."""
    today = timezone.localdate()
    if issue_date is None:
        return today
    if not (today - timedelta(days=366) <= issue_date <= today + timedelta(days=31)):
        raise ValidationError({"issue_date": _("The date on the document must lie within the past year or the "
                                               "next month.")})
    return issue_date


def _issued_insert(*, user, case, kind: DocumentType, addressee: Addressee, params: dict, issue_date: date,
                   number: str, serial: int | None, code: str, pdf: bytes, pages: int, override: bool,
                   batch=None) -> tuple[IssuedDocument, float | None]:
    """Write a new document (first version) with its rendered PDF, under the case lock of the caller's transaction:
    the stored PDF, the timeline event, the register serial (unless taken already because the number prints it)
    and the register row. Returns the document and when the serial's lock was obtained (None if taken before)."""
    document = IssuedDocument(
        id=_document_id_next(), court_id=case.court_id, case=case, doc_type=kind.code, year=issue_date.year,
        serial=serial, number=number, version=1, addressee_key=addressee.key, addressee_name=addressee.name[:200],
        addressee_address=(addressee.address or "")[:300], addressee_postcode=(addressee.postcode or "")[:10],
        params=params, pages=pages, verification_code=code, template_override=override, issued_by=user,
        issue_date=issue_date, batch=batch, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    # The PDF, the timeline event, the seal (signing can take tens of milliseconds) and the case-file entry go in
    # before the serial is taken (the foreign keys are checked at commit; none of them reads the serial), so that
    # the serial's row lock covers one INSERT and the COMMIT only.
    _file_insert(document.id, pdf)
    _event(case=case, actor=user, document=document, title=kind.title, corrected=False)
    _seal(user=user, document=document, pdf=pdf)
    _efile(document, kind.title)
    serial_started = None
    if serial is None:
        document.serial = _serial_take(court_id=case.court_id, year=issue_date.year, doc_type=kind.code)
        serial_started = time.perf_counter()  # the lock is held from here (the wait for it is not holding it)
    document.save(force_insert=True)
    return document, serial_started


def _efile(document: IssuedDocument, title: str) -> None:
    """File the document into its case's electronic file (efile, a lower floor), in the issue transaction."""
    from efile.services import file_generated

    file_generated(case_id=document.case_id, court_id=document.court_id, document_id=document.pk,
                   doc_type=document.doc_type, title=str(title), number=document.number, doc_date=document.issue_date,
                   pages=document.pages, sha256=document.sha256, size=document.size, user_id=document.issued_by_id,
                   supersedes_id=document.supersedes_id)


def _seal(*, user, document: IssuedDocument, pdf: bytes) -> None:
    """Sign the new document with the court's seal, or register it as awaiting signature (signing app)."""
    from signing.services import document_issued

    document_issued(user=user, document=document, pdf=pdf)


def issue_require(user, kind: DocumentType, case, addressee_key: str, *, target=None) -> None:
    """PermissionDenied unless ``user`` may issue (or correct) ``kind`` to ``addressee_key`` in ``case``: the type's
    own ``authorize`` if it has one, else NOTICE_ISSUE on the case (or on ``target``, the document corrected)."""
    if kind.authorize is not None:
        kind.authorize(user, case, addressee_key)
    else:
        require(user, Perm.NOTICE_ISSUE, case if target is None else target)


def document_issue(*, user, case, doc_type: str, addressee_key: str, params: dict | None = None,
                   issue_date: date | None = None, batch=None) -> IssuedDocument:
    """Issue a document of ``doc_type`` from ``case`` to one addressee, or return the identical current one.

    An identical document (same case, type, addressee and parameters, not superseded) is returned as it is: the same
    number and the same stored PDF (``document.reprint`` is True). Otherwise the next register serial is taken, the
    PDF rendered and stored, and a timeline event logged, all in one transaction.
    """
    started = time.perf_counter()
    kind = documents.get(doc_type)
    addressee_key = (addressee_key or "").strip()
    issue_require(user, kind, case, addressee_key)
    clean = params_clean(kind, params)
    if not addressee_key:
        raise ValidationError({"addressee_key": _("Choose the addressee.")})
    issue_date = _issue_date_check(issue_date)
    lock_started = None
    committed: list[float] = []
    with transaction.atomic():
        # registered first, so that it runs first, right after COMMIT (before the e-file's queueing and the deadline
        # recompute registered later in the transaction): the serial's lock window ends there
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        _lock_case(case.pk)
        existing = document_current(case=case, doc_type=doc_type, addressee_key=addressee_key, params=clean)
        if existing is not None:
            existing.reprint = True
            return existing
        addressee = _addressee_find(kind, case, addressee_key)
        context = kind.context(case, addressee, clean)
        year = issue_date.year
        code = _unique_code()
        # A type may fix the number itself (a ruling whose number was recorded with its measure).
        preset = str(context.get("document_number") or "")
        serial_printed = not preset and "{serial" in court_settings.get(case.court, "document_number_format")
        serial = None
        if serial_printed:
            serial = _serial_take(court_id=case.court_id, year=year, doc_type=doc_type)
            lock_started = time.perf_counter()
        number = preset or _number_compose(case=case, doc_type=doc_type, year=year,
                                           serial=serial if serial_printed else "")
        pdf, pages, used = _render_document(doc_type=kind, case=case, context=context, issue_date=issue_date,
                                            number=number, code=code)
        document, serial_started = _issued_insert(
            user=user, case=case, kind=kind, addressee=addressee, params=clean, issue_date=issue_date, number=number,
            serial=serial, code=code, pdf=pdf, pages=pages, override=used, batch=batch)
        lock_started = lock_started or serial_started
        if batch is None and (doc_type in _deadline_types() or "notice_to_debtor" in kind.tags):
            from deadlines.on_commit import recompute_after_commit

            recompute_after_commit(case_ids=[case.pk])
    ended = time.perf_counter()
    # Inside an outer transaction the commit (and the lock's end) comes later; measured here up to the end of ours.
    commit = committed[0] if committed else ended
    LAST_TIMING.issue_ms = (commit - started) * 1000  # up to the commit
    LAST_TIMING.total_ms = (ended - started) * 1000  # with the deadline recompute run after the commit
    LAST_TIMING.lock_ms = (commit - lock_started) * 1000
    log.debug("issued %s (%s) in %.1f ms, serial locked %.1f ms", document.number, doc_type,
              LAST_TIMING.issue_ms, LAST_TIMING.lock_ms)
    document.reprint = False
    return document


def document_correct(*, user, document: IssuedDocument, reason: str, params: dict | None = None,
                     issue_date: date | None = None) -> IssuedDocument:
    """A corrected version of ``document``: same number, new PDF and verification code, ``supersedes`` the old one.
    Only the current version can be corrected. ``params`` None keeps the old parameters."""
    kind = documents.get(document.doc_type)
    issue_require(user, kind, document.case, document.addressee_key, target=document)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the document is corrected.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    clean = params_clean(kind, params) if params is not None else document.params
    issue_date = _issue_date_check(issue_date)
    with transaction.atomic():
        _lock_case(document.case_id)
        old = IssuedDocument.objects.select_for_update().select_related("case__court").get(pk=document.pk)
        newer = IssuedDocument.objects.filter(supersedes=old).values_list("version", flat=True).first()
        if newer is not None:
            raise ValidationError({"document": _("This version was already corrected (version %(version)s); "
                                                 "correct the current version.") % {"version": newer}})
        case = old.case
        addressee = next((a for a in kind.addressees(case) if a.key == old.addressee_key), None) or Addressee(
            key=old.addressee_key, name=old.addressee_name, address=old.addressee_address,
            postcode=old.addressee_postcode)
        code = _unique_code()
        pdf, pages, used = _render_document(doc_type=kind, case=case, context=kind.context(case, addressee, clean),
                                            issue_date=issue_date, number=old.number, code=code)
        new = _store(document=IssuedDocument(
            court_id=old.court_id, case=case, doc_type=old.doc_type, year=old.year, serial=old.serial,
            number=old.number, version=old.version + 1, supersedes=old, correction_reason=reason,
            addressee_key=addressee.key, addressee_name=addressee.name[:200],
            addressee_address=(addressee.address or "")[:300], addressee_postcode=(addressee.postcode or "")[:10],
            params=clean, pages=pages, verification_code=code, template_override=used, issued_by=user,
            issue_date=issue_date, batch=None), pdf=pdf)
        _event(case=case, actor=user, document=new, title=kind.title, corrected=True)
        _seal(user=user, document=new, pdf=pdf)
        _efile(new, kind.title)
    return new


def document_pdf(*, user, document: IssuedDocument) -> bytes:
    """The stored PDF of an issued document (a reprint never renders again)."""
    require(user, Perm.CASE_VIEW, document)
    data = DocumentFile.objects.filter(document_id=document.pk).values_list("pdf", flat=True).first()
    if data is None:
        raise ValidationError({"document": _("The document's PDF is missing.")})
    from signing.services import pdf_for_download

    return pdf_for_download(document_id=document.pk, pdf=bytes(data))


# --- A court's own templates -------------------------------------------------------------------------------------

def sample_context(*, doc_type: DocumentType, court) -> dict:
    """A context to test-render a court's template with: the type's own sample if it has one, else the context of
    the court's latest document of that type (recomputed from its case), over a generic realistic sample."""
    from notices.pdf.samples import zhixing_tongzhishu_context

    context = zhixing_tongzhishu_context(court_name=court.name, document_number="（2026）甘0503执1234号之一",
                                         addressee="龚堃喆")
    sample = getattr(doc_type, "sample_context", None)
    if callable(sample):
        context.update(sample())
        context["court_name"] = court.name
        return context
    latest = (IssuedDocument.objects.filter(court_id=court.pk, doc_type=doc_type.code).select_related("case")
              .order_by("-id").first())
    if latest is not None:
        addressee = Addressee(key=latest.addressee_key, name=latest.addressee_name,
                              address=latest.addressee_address, postcode=latest.addressee_postcode)
        try:
            context.update(doc_type.context(latest.case, addressee, latest.params))
            context.update(document_number=latest.number, issue_date=latest.issue_date)
        except ValidationError:
            pass  # the case changed since; the generic sample will do
    return context


def template_override_check(*, doc_type: DocumentType, court, source: str) -> bytes:
    """Compile and test-render ``source`` (HTML and PDF) with a sample context; ValidationError on ``source`` with
    the line number when it fails. Returns the sample PDF (the preview)."""
    if not (source or "").strip():
        raise ValidationError({"source": _("The template is empty.")})
    try:
        template = override_compile(source)
        html = override_render(template, sample_context(doc_type=doc_type, court=court))
    except Exception as exc:
        raise _broken(doc_type.label, exc, saving=True) from exc
    try:
        pdf, _pages = pdf_render(html)
    except Exception as exc:
        raise _broken(doc_type.label, exc, saving=True) from exc
    return pdf


def template_override_preview(*, user, court, doc_type: str, source: str) -> bytes:
    require(user, Perm.COURT_ADMIN, _court_target(court))
    return template_override_check(doc_type=documents.get(doc_type), court=court, source=source)


def _court_target(court):
    from accounts.policy import Target

    return Target(court_id=court.pk)


def template_override_save(*, user, court, doc_type: str, source: str, active: bool = True,
                           note: str = "") -> TemplateOverride:
    """Create or replace the court's own template for ``doc_type``, after compiling and test-rendering it."""
    require(user, Perm.COURT_ADMIN, _court_target(court))
    kind = documents.get(doc_type)
    source = (source or "").replace("\r\n", "\n")
    template_override_check(doc_type=kind, court=court, source=source)
    with transaction.atomic():
        override, _created = TemplateOverride.objects.select_for_update().get_or_create(
            court=court, doc_type=kind.code, defaults={"source": source, "active": active, "note": note[:300],
                                                       "updated_by": user})
        if not _created:
            override.source, override.active, override.note, override.updated_by = source, active, note[:300], user
            override.save()
    return override


def template_override_delete(*, user, court, doc_type: str) -> None:
    require(user, Perm.COURT_ADMIN, _court_target(court))
    TemplateOverride.objects.filter(court=court, doc_type=doc_type).delete()


def shipped_template_source(doc_type: DocumentType) -> str:
    """The shipped template's source, as a starting point for a court's own."""
    from django.template.loader import get_template

    template = get_template(doc_type.template)
    origin = getattr(getattr(template, "template", template), "origin", None)
    try:
        with open(origin.name, encoding="utf-8") as fh:
            return fh.read()
    except (AttributeError, OSError, TypeError):
        return ""
