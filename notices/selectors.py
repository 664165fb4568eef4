"""Reads of the document register, scoped by the permission policy in the query itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from accounts.policy import Perm, require, scope_q

from . import documents
from .models import IssuedDocument, TemplateOverride

def _case_scope(user, perm: Perm = Perm.CASE_VIEW):
    return scope_q(user, perm, court="case__court", team="case__team", officer="case__officer")


def document_list_for_user(*, user, perm: Perm = Perm.CASE_VIEW) -> QuerySet[IssuedDocument]:
    """Documents of the cases the user may see (the PDF bytes are never loaded)."""
    return (IssuedDocument.objects.filter(_case_scope(user, perm)).select_related("case", "issued_by")
            .prefetch_related("superseded_by"))


def document_get_for_user(*, user, pk: int, perm: Perm = Perm.CASE_VIEW, for_update: bool = False) -> IssuedDocument:
    """404 if the user cannot see the document's case, 403 if they can see but not ``perm``."""
    qs = IssuedDocument.objects.select_related("case", "case__court", "issued_by")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    document = qs.filter(_case_scope(user)).filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    if perm != Perm.CASE_VIEW:
        require(user, perm, document)
    return document


def documents_for_case(*, case) -> list[IssuedDocument]:
    """Every version of every document of one case (the case page's tab): one query plus the issuers."""
    docs = list(IssuedDocument.objects.filter(case_id=case.pk).select_related("issued_by")
                .order_by("doc_type", "year", "serial", "version", "id"))
    by_id = {d.pk: d for d in docs}
    for d in docs:
        d.current = True
    for d in docs:
        if d.supersedes_id in by_id:
            by_id[d.supersedes_id].current = False
            by_id[d.supersedes_id].corrected_by = d
    return sorted(docs, key=lambda d: (d.issued_at, d.pk), reverse=True)


@dataclass
class RegisterFilter:
    doc_type: str = ""
    number: str = ""
    case_number: str = ""
    serial: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None


def register_search(*, user, court_id: int | None = None, filters: RegisterFilter) -> QuerySet[IssuedDocument]:
    """The court's register: documents the user may see, newest first, filtered."""
    qs = IssuedDocument.objects.filter(_case_scope(user)).select_related("case", "issued_by")
    if court_id is not None:
        qs = qs.filter(court_id=court_id)
    if filters.doc_type:
        qs = qs.filter(doc_type=filters.doc_type)
    if filters.number:
        qs = qs.filter(number__contains=filters.number.strip())
    if filters.case_number:
        qs = qs.filter(case__number__contains=filters.case_number.strip())
    if filters.serial is not None:
        qs = qs.filter(serial=filters.serial)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.date_from:
        qs = qs.filter(issue_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(issue_date__lte=filters.date_to)
    return qs.order_by("-issued_at", "-id")


def document_by_code(*, code: str) -> IssuedDocument | None:
    """The document a verification code belongs to (public page: callers show only court, type, number, date,
    version status and hash)."""
    return (IssuedDocument.objects.filter(verification_code=code)
            .only("id", "court__name", "doc_type", "number", "year", "serial", "version", "issue_date", "issued_at",
                  "sha256", "pages", "verification_code", "supersedes_id")
            .select_related("court").first())


def document_successor(*, document: IssuedDocument) -> IssuedDocument | None:
    return (IssuedDocument.objects.filter(supersedes_id=document.pk)
            .only("id", "version", "issue_date", "verification_code").first())


def types_for_case(*, case, with_addressees: bool = True) -> list[dict]:
    """Every document type, with its addressees for this case (or the reason it cannot be issued)."""
    rows = []
    for kind in documents.all_types():
        row = {"type": kind, "code": kind.code, "title": kind.title, "label": kind.label,
               "has_params": kind.params_form is not None}
        if with_addressees:
            addressees = kind.addressees(case)
            row["addressees"] = addressees
            row["unavailable"] = "" if addressees else (
                (kind.unavailable(case) if kind.unavailable else "") or "-")
        rows.append(row)
    return rows


def overrides_for_court(*, court_id: int) -> dict[str, TemplateOverride]:
    return {o.doc_type: o for o in TemplateOverride.objects.filter(court_id=court_id).select_related("updated_by")}
