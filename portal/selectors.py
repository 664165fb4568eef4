"""Party portal: every read. A party's reads take the case from the portal session only (never from the URL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from accounts.policy import Perm, has_perm, scope_q
from cases.models import Action, Lead, LeadSource, PartyRole
from core import court_settings

from . import conf
from .labels import NEXT_STEP, shorten_numbers
from .models import PortalQuestion, PortalSession
from .services import session_touch, token_hash


def session_from_token(token: str | None) -> PortalSession | None:
    """The live session of the cookie's token (with its case, court, officer and party: one query), or None."""
    if not token or len(token) > 100:
        return None
    now = timezone.now()
    session = (PortalSession.objects
               .select_related("case", "case__court", "case__officer", "case_party", "case_party__party")
               .filter(token_hash=token_hash(token), ended_at__isnull=True, expires_at__gt=now,
                       last_seen_at__gt=now - timedelta(seconds=conf.get("PORTAL_SESSION_IDLE_SECONDS")))
               .first())
    if session is not None:
        session_touch(session=session, now=now)
    return session


@dataclass
class CaseView:
    session: PortalSession
    measures: list
    hearings: list
    money_label: str
    money_total: Decimal
    money_rows: list
    leads: list
    questions: list
    next_step: str
    office_phone: str
    listed: bool


def case_view(*, session: PortalSession) -> CaseView:
    """What the party sees of their case, in a fixed number of queries whatever the case's size."""
    from django.utils.translation import gettext as _

    case, cp = session.case, session.case_party
    with court_settings.memoized():
        disclosed = court_settings.get(case.court_id, "portal_disclosed_actions")
        office_phone = court_settings.get(case.court_id, "portal_office_phone") or case.court.phone
    today = timezone.localdate()
    measures, hearings = [], []
    for a in (Action.objects.filter(case=case, kind__in=list(disclosed))
              .only("kind", "occurred_on", "summary").order_by("-occurred_on", "-id")[:50]):
        row = {"kind": a.get_kind_display(), "on": a.occurred_on, "summary": shorten_numbers(a.summary)}
        (hearings if a.kind == "hearing" and a.occurred_on >= today else measures).append(row)
    ledger = apps.get_model("assets", "LedgerEntry")
    if cp.role == PartyRole.APPLICANT:
        money_label = _("Paid out to you")
        qs = ledger.objects.filter(case=case, kind="disbursement", payout__payee=cp, reversed_by__isnull=True)
    else:
        money_label = _("Received from the debtors")
        qs = ledger.objects.filter(case=case, kind__in=("debtor_payment", "bank_deduction", "auction_proceeds",
                                                        "field_collection"), reversed_by__isnull=True)
    money_rows = list(qs.order_by("-occurred_on", "-id").values("occurred_on", "amount", "kind")[:50])
    money_total = sum((r["amount"] for r in money_rows), Decimal("0.00"))
    if len(money_rows) == 50:
        money_total = qs.aggregate(t=Sum("amount"))["t"] or Decimal("0.00")
    leads = list(Lead.objects.filter(case=case, source=LeadSource.PORTAL, portal__case_party=cp)
                 .only("received_at", "handled_at", "description").order_by("-received_at")[:20])
    questions = list(PortalQuestion.objects.filter(case=case, case_party=cp).order_by("-asked_at")[:20])
    listed = cp.role == PartyRole.RESPONDENT and correctable_measures(session=session).exists()
    return CaseView(session=session, measures=measures, hearings=hearings, money_label=money_label,
                    money_total=money_total, money_rows=money_rows, leads=leads, questions=questions,
                    next_step=str(NEXT_STEP.get(case.stage, "")), office_phone=office_phone, listed=listed)


def correctable_measures(*, session: PortalSession):
    """The signed-in debtor's 失信/限消 entries in force (credit app), which a correction request may name."""
    from credit.selectors import measures_correctable

    return measures_correctable(case=session.case, case_party=session.case_party)


def corrections_of(*, session: PortalSession) -> list:
    from credit.models import CorrectionRequest

    return list(CorrectionRequest.objects.filter(measure__case=session.case, measure__case_party=session.case_party,
                                                 channel="portal").select_related("measure")
                .order_by("-received_on", "-id")[:20])


# --- Staff side ---------------------------------------------------------------------------------------------------

def waiting_questions(*, user):
    """Unanswered portal questions on the cases the user handles (the to-do tile's page)."""
    return (PortalQuestion.objects.filter(answered_at__isnull=True, case__officer=user)
            .select_related("case", "case_party__party").order_by("asked_at", "id"))


def waiting_leads(*, user):
    """Leads given through the portal, not yet handled, on the cases the user handles."""
    return (Lead.objects.filter(source=LeadSource.PORTAL, handled_at__isnull=True, case__officer=user)
            .select_related("case").prefetch_related("portal__files").order_by("due_at", "id"))


def waiting_count(*, user) -> int:
    """The number of items ``waiting_questions`` and ``waiting_leads`` list, in one query (the home tile)."""
    questions = waiting_questions(user=user).order_by().values("pk")
    leads = waiting_leads(user=user).order_by().values("pk")
    return questions.union(leads, all=True).count()


def questions_for_user(*, user):
    """Portal questions on every case the user may see (the API's list)."""
    return (PortalQuestion.objects.filter(scope_q(user, Perm.CASE_VIEW, court="case__court", team="case__team",
                                                  officer="case__officer"))
            .select_related("case", "case_party__party").order_by("-asked_at", "-id"))


def question_get_for_user(*, user, pk: int, perm: Perm = Perm.CASE_VIEW) -> PortalQuestion:
    """404 when the question's case is not visible, 403 when visible but ``perm`` is not held."""
    question = questions_for_user(user=user).filter(pk=pk).first()
    if question is None:
        raise Http404("No such question.")
    if perm != Perm.CASE_VIEW and not has_perm(user, perm, question.case):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return question


def case_tab_items(*, case) -> dict:
    questions = list(PortalQuestion.objects.filter(case=case).select_related("case_party__party")
                     .order_by("-asked_at", "-id"))
    leads = list(Lead.objects.filter(case=case, source=LeadSource.PORTAL).prefetch_related("portal__files")
                 .order_by("-received_at"))
    return {"portal_questions": questions, "portal_leads": leads}


