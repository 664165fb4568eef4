"""The document types the court issues from a case, in one registry.

Each type lives in its own module under ``notices/documents/`` and registers a ``DocumentType``::

    register(DocumentType(
        code="enforcement_notice",                  # stable code, stored in IssuedDocument.doc_type
        title="执行通知书",                          # printed name (Chinese, never translated)
        label=_("Enforcement notice"),              # UI label (translatable)
        template="notices/docs/enforcement_notice.html",
        addressees=enforcement_notice_addressees,   # (case) -> list[Addressee]   who it can be sent to
        context=enforcement_notice_context,         # (case, addressee, params) -> dict   template context
        params_form=None,                           # optional django Form class for extra inputs
    ))

Contract (used by notices.services, the case page, the batch printer and the API):

* ``addressees(case)`` returns every possible addressee for the case, in print order (e.g. each respondent, or each
  bank holding a frozen account); an empty list means "cannot be issued for this case" and ``unavailable(case)``
  says why. Keys are stable (``party:<case_party_id>``, ``asset:<asset_id>``, ``control:<measure_id>``...).
* ``context(case, addressee, params)`` returns plain data (str, Decimal, date, lists and dicts of them): it is what
  the template prints. It never includes the verification block; the issuing service adds ``document_number``,
  ``verification`` ({code, url, site}) and ``issue_date`` to the context. The document number is composed by the
  service (notices/court_settings.py), except when the context already holds a non-empty ``document_number``: then
  that number is printed and registered (e.g. a ruling whose number was recorded with its control measure).
* ``params_form`` (optional) validates extra inputs such as the control measure a ruling is about; its
  ``cleaned_data`` must be JSON-serialisable (it is stored in ``IssuedDocument.params``).
* A context function raises ``django.core.exceptions.ValidationError`` naming the field when the case lacks data the
  document needs (e.g. no case fund account for a 执行通知书).
* ``authorize`` (optional) replaces the NOTICE_ISSUE check on the case for issuing and correcting the type
  (``notices.services.issue_require``).
* Queries are bounded per call (select_related/prefetch), whatever the case's size: a batch of 500 calls them 500 times.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Addressee:
    key: str
    name: str
    address: str = ""
    postcode: str = ""
    phone: str = ""
    role: str = ""  # applicant / respondent / bank / registry / employer ...


@dataclass(frozen=True)
class DocumentType:
    code: str
    title: str
    label: Any
    template: str
    addressees: Callable[..., list[Addressee]]
    context: Callable[..., dict]
    params_form: type | None = None
    unavailable: Callable[..., str] | None = None  # (case) -> reason it cannot be issued, or ""
    order: int = 100
    description: Any = ""
    tags: tuple[str, ...] = field(default=())  # e.g. ("notice_to_debtor",) for the 10-day notice deadline
    sample_context: Callable[[], dict] | None = None  # () -> a realistic plain context (previews, benchmarks)
    # (user, case, addressee_key) -> None, or PermissionDenied: who may issue (and correct) this type, instead of
    # NOTICE_ISSUE on the case (a 督办函 is the ordering chief's, who may sit at a superior court).
    authorize: Callable[..., None] | None = None


_REGISTRY: dict[str, DocumentType] = {}
_loaded = False


# Context keys whose strings are not Chinese running text (links, codes typed by nobody): never typeset.
_NOT_TYPESET = frozenset({"verification", "url", "site", "code"})


def typeset(value: Any, key: str = "") -> Any:
    """The strings of a context as printed: half-width punctuation next to Chinese made full-width, a case number's
    year in （）, full-width digits half-width (core.rules.typography.normalize; GB/T 9704). Data typed in with
    "(集团)" or "(2025)甘0503民初1号" prints as （集团） and （2025）甘0503民初1号; the stored data is unchanged."""
    from core.rules.typography import normalize

    if key in _NOT_TYPESET:
        return value
    if isinstance(value, str):
        return normalize(value)
    if isinstance(value, dict):
        return {k: typeset(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [typeset(v, key) for v in value]
    return value


def _typeset_context(context_fn: Callable[..., dict]) -> Callable[..., dict]:
    if getattr(context_fn, "typeset", False):
        return context_fn

    def context(*args, **kwargs) -> dict:
        return typeset(context_fn(*args, **kwargs))

    context.typeset = True
    context.__wrapped__ = context_fn
    context.__doc__ = context_fn.__doc__
    return context


def register(doc_type: DocumentType) -> DocumentType:
    """Register a type; its context function is wrapped so that the strings it returns are typeset (``typeset``)."""
    known = _REGISTRY.get(doc_type.code)
    if known is not None and known is not doc_type and getattr(known.context, "__wrapped__", None) is not \
            getattr(doc_type.context, "__wrapped__", doc_type.context):
        raise ValueError(f"document type {doc_type.code!r} registered twice")
    doc_type = replace(doc_type, context=_typeset_context(doc_type.context))
    _REGISTRY[doc_type.code] = doc_type
    return doc_type


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def all_types() -> list[DocumentType]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda t: (t.order, t.code))


def get(code: str) -> DocumentType:
    _load()
    try:
        return _REGISTRY[code]
    except KeyError:
        raise ValidationError({"doc_type": f"Unknown document type: {code}"}) from None


def choices() -> list[tuple[str, Any]]:
    return [(t.code, t.label) for t in all_types()]
