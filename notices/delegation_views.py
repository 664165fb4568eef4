"""The letters of a delegation between courts as PDFs, from the delegation's page, for both courts (each in its own
scope: delegation.selectors): the request letter once sent, the reply once answered. Printed, not registered (the
sending court registers the letter by issuing it from the case's documents: notices.documents.delegation_letter)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from delegation.selectors import delegation_get_for_user

from . import documents
from .documents.delegation_letter import delegation_context
from .services import document_html, pdf_render


def _pdf(request, pk: int, *, reply: bool) -> HttpResponse:
    d, _sides = delegation_get_for_user(user=request.user, pk=pk)
    if d.status == "draft" or (reply and (not d.answered_on or d.kind == "whole_case")):
        raise Http404("No such letter.")
    doc_type = documents.get("delegation_reply" if reply else "delegation_letter")
    context = documents.typeset(delegation_context(d, reply=reply))
    court_id = d.receiving_court_id if reply and d.receiving_court_id else d.sending_court_id
    html, _override = document_html(doc_type=doc_type, court_id=court_id, context=context)
    pdf, _pages = pdf_render(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{doc_type.title}{d.number or ''}.pdf".translate(str.maketrans("（）", "()"))
    response["Content-Disposition"] = f"inline; filename=\"delegation-{d.pk}.pdf\"; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def delegation_letter(request, pk: int):
    return _pdf(request, pk, reply=False)


@login_required
@require_GET
def delegation_reply(request, pk: int):
    return _pdf(request, pk, reply=True)
