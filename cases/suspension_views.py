"""Pages for 中止 (suspension) on the chief's approval: the officer's request form and the chief's decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import Perm, has_perm

from . import selectors, services
from .forms import SuspensionForm, apply_errors
from .models import SuspensionRequest
from .views import request_decide


@login_required
def suspension_new(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    if not (has_perm(request.user, Perm.CASE_CLOSE_REQUEST, case)
            or has_perm(request.user, Perm.CASE_CLOSE_APPROVE, case)):
        raise PermissionDenied
    form = SuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suspension_request(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("中止 request sent to the chief for approval."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/suspension_form.html", {"title": _("Request 中止"), "case": case, "form": form})


@login_required
@require_POST
def suspension_decide(request, pk: int):
    req = selectors.related_get_for_user(user=request.user, model=SuspensionRequest, pk=pk,
                                         perm=Perm.CASE_CLOSE_APPROVE)
    return request_decide(request, req, approve=services.suspension_approve, return_=services.suspension_return,
                          approved=_("Approved: enforcement of %(number)s is suspended.") % {
                              "number": req.case.number})
