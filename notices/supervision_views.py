"""The 督办函 (notices.documents.supervision_letter) issued from the supervision order's page: one POST, by those who
may decide on the order (the type's ``authorize``). It goes through ``services.document_issue`` like any document
(the case's register, timeline, e-file and signing); a double submit (same form token) or a second click for the
same round returns the letter already issued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import idempotency
from supervision.selectors import order_get_for_user

from .documents.supervision_letter import _key
from .services import document_issue


@login_required
@require_POST
def supervision_letter_issue(request, pk: int):
    order = order_get_for_user(user=request.user, pk=pk)  # 404 for an order the user does not see
    back = redirect("supervision:order_detail", pk=order.pk)

    def work() -> str:
        document = document_issue(user=request.user, case=order.case, doc_type="supervision_letter",
                                  addressee_key=_key(order))
        if document.reprint:
            messages.info(request, _("The supervision letter %(number)s was already issued.")
                          % {"number": document.number})
        else:
            messages.success(request, _("Supervision letter %(number)s issued.") % {"number": document.number})
        return back.url

    try:
        target, replayed = idempotency.form_once(request, endpoint="notices.supervision_letter",
                                                 token=request.POST.get("form_token"), work=work)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back
    if replayed:
        messages.info(request, _("This form was already submitted; nothing was recorded twice."))
    return redirect(target)
