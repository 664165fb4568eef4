"""Party portal pages (public, rate-limited; the portal session is checked here, never django.contrib.auth) and the
officer's pages for what parties sent."""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.policy import Perm
from cases.forms import apply_errors

from . import conf, selectors, services
from .forms import AnswerForm, CodeForm, CorrectionForm, LeadForm, QuestionForm, SignInForm
from .models import PortalLeadFile

PAIR = "portal_pair"  # the Django session holds only the HMAC of the pair typed, between the two steps
REJECTED = gettext_lazy("The code is wrong or no longer valid. Check it, or request a new code.")


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "-"


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # "no-referrer" makes form posts Origin: null (CSRF)
    return response


def portal_session(view):
    """The party's portal session from its own cookie, else back to sign-in. The case comes from the session."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        session = selectors.session_from_token(request.COOKIES.get(conf.get("PORTAL_COOKIE_NAME")))
        if session is None:
            response = redirect("portal:signin")
            response.delete_cookie(conf.get("PORTAL_COOKIE_NAME"), path="/portal/", samesite="Strict")
            return response
        request.portal_session = session
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


@never_cache
@require_http_methods(["GET", "POST"])
def signin(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        d = form.cleaned_data
        try:
            services.code_request(case_number=d["case_number"], id_number=d["id_number"], ip=_ip(request))
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
        else:
            request.session[PAIR] = services.pair_key(d["case_number"], d["id_number"])
            # the same answer after the same time, whether or not a code was sent
            time.sleep(max(0.0, conf.get("PORTAL_SIGNIN_MIN_SECONDS") - (time.monotonic() - started)))
            return _render(request, "portal/code.html", {"form": CodeForm(), "sent": True})
    return _render(request, "portal/signin.html", {"form": form})


@never_cache
@require_POST
def code(request):
    form = CodeForm(request.POST)
    key = request.session.get(PAIR)
    if not key:
        return redirect("portal:signin")
    if form.is_valid():
        try:
            token = services.code_verify(key=key, code=form.cleaned_data["code"], ip=_ip(request))
        except services.CodeRejected:
            form.add_error("code", REJECTED)
        except services.RateLimited as exc:
            form.add_error("code", str(exc))
        else:
            request.session.pop(PAIR, None)
            response = redirect("portal:case")
            response.set_cookie(conf.get("PORTAL_COOKIE_NAME"), token, path="/portal/", httponly=True,
                                samesite="Strict", secure=not settings.INSECURE_HTTP,
                                max_age=conf.get("PORTAL_SESSION_MAX_SECONDS"))
            return response
    return _render(request, "portal/code.html", {"form": form})


@portal_session
def case(request):
    view = selectors.case_view(session=request.portal_session)
    return _render(request, "portal/case.html", {"v": view, "s": request.portal_session,
                                                 "case": request.portal_session.case,
                                                 "correction_url": reverse("portal:correction")})


@portal_session
@require_http_methods(["GET", "POST"])
def lead(request):
    form = LeadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.portal_lead_give(session=request.portal_session, asset_kind=d["asset_kind"],
                                      description=d["description"], files=request.FILES.getlist("files"),
                                      form_token=d["form_token"])
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect(reverse("portal:case") + "?sent=lead")
    return _render(request, "portal/lead.html", {"form": form, "s": request.portal_session},
                   status=400 if form.errors else 200)


@portal_session
@require_http_methods(["GET", "POST"])
def question(request):
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.portal_question_ask(session=request.portal_session, text=d["text"], form_token=d["form_token"])
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect(reverse("portal:case") + "?sent=question")
    return _render(request, "portal/question.html", {"form": form, "s": request.portal_session},
                   status=400 if form.errors else 200)


@portal_session
@require_http_methods(["GET", "POST"])
def correction(request):
    session = request.portal_session
    measures = list(selectors.correctable_measures(session=session))
    earlier = selectors.corrections_of(session=session)
    if not measures and not earlier:
        return redirect("portal:case")
    form = CorrectionForm(request.POST or None, request.FILES or None, measures=measures)
    if request.method == "POST" and measures and form.is_valid():
        d = form.cleaned_data
        try:
            services.portal_correction_submit(session=session, measure_id=d["measure"], grounds=d["grounds"],
                                              files=request.FILES.getlist("files"), form_token=d["form_token"])
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return redirect(reverse("portal:correction") + "?sent=1")
    return _render(request, "portal/correction.html", {"form": form, "s": session, "measures": measures,
                                                       "earlier": earlier}, status=400 if form.errors else 200)


@require_POST
@portal_session
def signout(request):
    services.session_end(session=request.portal_session)
    response = redirect("portal:signin")
    response.delete_cookie(conf.get("PORTAL_COOKIE_NAME"), path="/portal/", samesite="Strict")
    return response


# --- Staff ----------------------------------------------------------------------------------------------------------

@login_required
def waiting(request):
    questions = list(selectors.waiting_questions(user=request.user))
    leads = list(selectors.waiting_leads(user=request.user))
    return render(request, "portal/waiting.html", {"questions": questions, "leads": leads,
                                                   "total": len(questions) + len(leads), "form": AnswerForm(),
                                                   "title": _("Questions and leads from parties")})


@login_required
@require_POST
def answer(request, pk: int):
    question = selectors.question_get_for_user(user=request.user, pk=pk, perm=Perm.CASE_ACT)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.portal_question_answer(actor=request.user, question=question, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            apply_errors(exc, form)
    if form.errors:
        return render(request, "portal/answer_error.html", {"form": form, "question": question}, status=400)
    nxt = request.POST.get("next", "")
    if nxt == "case":
        return redirect(reverse("cases:detail", args=[question.case_id]) + "?tab=portal")
    return redirect("portal:waiting")


@login_required
def lead_file(request, pk: int):
    item = PortalLeadFile.objects.select_related("portal_lead__lead").filter(pk=pk).first()
    if item is None:
        raise Http404
    from cases.selectors import case_get_for_user

    case_get_for_user(user=request.user, pk=item.portal_lead.lead.case_id)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=True,
                            filename=item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
