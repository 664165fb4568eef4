"""Reads of cases, scoped by the permission policy inside the query itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require, scope_q
from core.rules.identifiers import normalize_id

from .models import (
    OPEN_STAGES, Action, Case, CaseEvent, CaseParty, ClosureRequest, ClosureStatus, Lead, Party, Petition,
    Settlement, SettlementInstalment, SettlementStatus,
)


def case_list_for_user(*, user, perm: Perm = Perm.CASE_VIEW) -> QuerySet[Case]:
    return Case.objects.filter(scope_q(user, perm))


def case_get_for_user(*, user, pk: int, perm: Perm = Perm.CASE_VIEW, for_update: bool = False) -> Case:
    """The one way to fetch a case for a user: 404 if they cannot see it, 403 if they can see but not ``perm``."""
    qs = Case.objects.select_related("court", "team", "officer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(scope_q(user, Perm.CASE_VIEW)).filter(pk=pk).first()
    if case is None:
        raise Http404("No such case.")
    if perm != Perm.CASE_VIEW:
        require(user, perm, case)
    return case


def related_get_for_user(*, user, model, pk: int, perm: Perm = Perm.CASE_VIEW, case_path: str = "case"):
    """Fetch a record hanging off a case (lead, petition, closure request...) the same way: 404 / 403."""
    obj = (model.objects.select_related(case_path).filter(scope_q(user, Perm.CASE_VIEW, court=f"{case_path}__court",
                                                                  team=f"{case_path}__team",
                                                                  officer=f"{case_path}__officer"))
           .filter(pk=pk).first())
    if obj is None:
        raise Http404("Not found.")
    if perm != Perm.CASE_VIEW:
        require(user, perm, obj)
    return obj


# --- Search ---------------------------------------------------------------------------------------------------

CASE_NUMBER_HINT = re.compile(r"[（(）)执号]|^\d+$|^[\u4e00-\u9fff]\d{2,4}")
ID_LIKE = re.compile(r"^[0-9A-Za-z]{15,18}$")


@dataclass
class CaseSearch:
    q: str = ""  # free text: a case number (full or partial), a party name, or an ID number
    number: str = ""
    party: str = ""
    id_number: str = ""
    officer: int | None = None
    team: int | None = None
    stage: list[str] = field(default_factory=list)
    stream: str = ""
    tag: str = ""
    open_only: bool = False
    fuzzy: bool = False


# Chinese names are 2-4 characters, so one wrong character already halves the shared trigrams: pg_trgm's default
# threshold (0.3) misses 欧阳健华 for 欧阳建华 (0.25). The ``%`` operator (which the GIN index serves) uses this.
FUZZY_NAME_THRESHOLD = 0.2


def _set_similarity_threshold() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(FUZZY_NAME_THRESHOLD)])


def _party_name_q(name: str, fuzzy: bool) -> Q:
    """Cases with a party whose name matches: contains for 3+ characters, prefix for shorter (both served by the
    trigram index), or similar (pg_trgm ``%``) when fuzzy."""
    name = name.strip()
    if fuzzy:
        _set_similarity_threshold()
        parties = Party.objects.filter(name__trigram_similar=name)
    elif len(name) >= 3:
        parties = Party.objects.filter(name__contains=name)
    else:
        parties = Party.objects.filter(name__startswith=name)
    return Q(Exists(CaseParty.objects.filter(case=OuterRef("pk"), party__in=parties.values("pk"))))


def _id_number_q(value: str) -> Q:
    value = normalize_id(value)
    return Q(Exists(CaseParty.objects.filter(case=OuterRef("pk"), party__id_number=value)))


def _number_q(value: str) -> Q:
    value = value.strip().replace("(", "（").replace(")", "）")
    if value.isdigit():
        return Q(number__endswith=f"执{value}号") | Q(number__endswith=f"{value}号") if len(value) >= 2 \
            else Q(serial=int(value))
    return Q(number=value) | Q(number__contains=value)


def case_search(*, user, search: CaseSearch, perm: Perm = Perm.CASE_VIEW) -> QuerySet[Case]:
    """Cases the user may see matching every filter given; ordered newest first."""
    qs = Case.objects.filter(scope_q(user, perm))
    q = (search.q or "").strip()
    if q:
        if ID_LIKE.match(q) and any(c.isdigit() for c in q[-4:]) and not q.isdigit() or (q.isdigit() and len(q) >= 15):
            qs = qs.filter(_id_number_q(q))
        elif CASE_NUMBER_HINT.search(q):
            qs = qs.filter(_number_q(q))
        else:
            qs = qs.filter(_party_name_q(q, search.fuzzy))
    if search.number.strip():
        qs = qs.filter(_number_q(search.number))
    if search.party.strip():
        qs = qs.filter(_party_name_q(search.party, search.fuzzy))
    if search.id_number.strip():
        qs = qs.filter(_id_number_q(search.id_number))
    if search.officer:
        qs = qs.filter(officer_id=search.officer)
    if search.team:
        qs = qs.filter(team_id=search.team)
    if search.stage:
        qs = qs.filter(stage__in=search.stage)
    if search.stream:
        qs = qs.filter(stream=search.stream)
    if search.tag.strip():
        qs = qs.filter(tags__contains=[search.tag.strip()])
    if search.open_only:
        qs = qs.filter(stage__in=OPEN_STAGES)
    return qs.select_related("officer", "team").order_by("-filed_on", "-id")


def with_party_names(cases: list[Case]) -> list[Case]:
    """Attach ``applicant_names`` / ``respondent_names`` to a page of cases with one query."""
    ids = [c.pk for c in cases]
    names: dict[int, dict[str, list[str]]] = {}
    for case_id, role, name in (CaseParty.objects.filter(case_id__in=ids).order_by("case_id", "role", "position")
                                .values_list("case_id", "role", "party__name")):
        names.setdefault(case_id, {}).setdefault(role, []).append(name)
    for c in cases:
        c.applicant_names = names.get(c.pk, {}).get("applicant", [])
        c.respondent_names = names.get(c.pk, {}).get("respondent", [])
    return cases


# --- The officer's and the chief's work --------------------------------------------------------------------------

def my_cases(*, user) -> QuerySet[Case]:
    """Open cases the user handles personally."""
    return (Case.objects.filter(scope_q(user, Perm.CASE_ACT)).filter(officer=user, stage__in=OPEN_STAGES)
            .select_related("team", "officer").order_by("filed_on", "id"))


def annotate_due(cases: list[Case], *, today: date | None = None) -> list[Case]:
    """For a page of cases: term deadline, days left, open and overdue leads, petitions due, instalments overdue —
    a fixed number of queries whatever the page size."""
    from .term import case_term_deadlines

    today = today or timezone.localdate()
    now = timezone.now()
    ids = [c.pk for c in cases]
    deadlines = case_term_deadlines(cases, today=today)
    leads = {r["case_id"]: r for r in Lead.objects.filter(case_id__in=ids, handled_at__isnull=True).values("case_id")
             .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))}
    petitions = {r["case_id"]: r for r in Petition.objects.filter(case_id__in=ids, answered_on__isnull=True)
                 .values("case_id").annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))}
    instalments = dict(SettlementInstalment.objects.filter(
        settlement__case_id__in=ids, settlement__status=SettlementStatus.ACTIVE, due_on__lt=today,
        paid_on__isnull=True).values("settlement__case_id").annotate(n=Count("id"))
        .values_list("settlement__case_id", "n"))
    for c in cases:
        c.term_deadline = deadlines[c.pk]
        c.term_days_left = (c.term_deadline - today).days
        c.leads_open = leads.get(c.pk, {}).get("open", 0)
        c.leads_overdue = leads.get(c.pk, {}).get("overdue", 0)
        c.petitions_open = petitions.get(c.pk, {}).get("open", 0)
        c.petitions_overdue = petitions.get(c.pk, {}).get("overdue", 0)
        c.instalments_overdue = instalments.get(c.pk, 0)
    return cases


def leads_overdue_for_user(*, user, limit: int = 50) -> QuerySet[Lead]:
    """Leads past their check deadline: the officer's own, or all the court's for a chief."""
    qs = Lead.objects.filter(scope_q(user, Perm.CASE_ACT, court="case__court", team="case__team",
                                     officer="case__officer"),
                             handled_at__isnull=True, due_at__lt=timezone.now())
    if not user.has_role("chief"):
        qs = qs.filter(Q(officer=user) | Q(officer__isnull=True, case__officer=user))
    return qs.select_related("case", "officer").order_by("due_at")[:limit]


def petitions_due_for_user(*, user, limit: int = 50) -> QuerySet[Petition]:
    qs = Petition.objects.filter(scope_q(user, Perm.CASE_ACT, court="case__court", team="case__team",
                                         officer="case__officer"), answered_on__isnull=True)
    if not user.has_role("chief"):
        qs = qs.filter(assigned_to=user)
    return qs.select_related("case", "assigned_to").order_by("due_on")[:limit]


def closure_queue(*, user) -> QuerySet[ClosureRequest]:
    """Closure requests waiting for a chief's approval at the courts where the user may approve."""
    return (ClosureRequest.objects.filter(scope_q(user, Perm.CASE_CLOSE_APPROVE, court="case__court",
                                                  team="case__team", officer="case__officer"),
                                          status=ClosureStatus.PENDING)
            .select_related("case", "case__officer", "case__team", "requested_by").order_by("requested_at"))


# --- The case page ---------------------------------------------------------------------------------------------

def case_detail_data(*, case: Case, timeline_limit: int = 100, actions_limit: int = 100) -> dict:
    """Everything the case page shows, in a bounded number of queries whatever the case's size."""
    parties = list(case.case_parties.select_related("party").order_by("role", "position"))
    timeline = list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("-at", "-id")
                    [:timeline_limit])
    actions = list(Action.objects.filter(case=case).select_related("actor")
                   .prefetch_related("attachments").order_by("-occurred_on", "-id")[:actions_limit])
    leads = list(Lead.objects.filter(case=case).select_related("officer").order_by("-received_at")[:50])
    petitions = list(Petition.objects.filter(case=case).select_related("assigned_to").order_by("-received_on")[:50])
    settlements = list(Settlement.objects.filter(case=case).prefetch_related(
        Prefetch("instalments", queryset=SettlementInstalment.objects.order_by("number"))).order_by("-signed_on")[:10])
    closures = list(ClosureRequest.objects.filter(case=case).select_related("requested_by", "decided_by")
                    .order_by("-requested_at")[:20])
    return {"parties": parties, "timeline": timeline, "actions": actions, "leads": leads, "petitions": petitions,
            "settlements": settlements, "closures": closures,
            "resumed_cases": list(Case.objects.filter(origin_case=case).only("pk", "number", "stage"))}


def case_audit_trail(*, case: Case, limit: int = 200) -> list[dict]:
    """Row history of the case and its records (pghistory), newest first, each with who, when, and the fields that
    changed with their old and new values."""
    from django.apps import apps

    from . import models as m

    rows = []
    models_and_filters = [
        ("CaseHistory", Q(pgh_obj_id=case.pk), m.Case),
        ("CasePartyHistory", Q(case_id=case.pk), m.CaseParty),
        ("ActionHistory", Q(case_id=case.pk), m.Action),
        ("LeadHistory", Q(case_id=case.pk), m.Lead),
        ("PetitionHistory", Q(case_id=case.pk), m.Petition),
        ("SettlementHistory", Q(case_id=case.pk), m.Settlement),
        ("SettlementInstalmentHistory", Q(settlement__case_id=case.pk), m.SettlementInstalment),
        ("ClosureRequestHistory", Q(case_id=case.pk), m.ClosureRequest),
        ("AssignmentHistory", Q(case_id=case.pk), m.Assignment),
        ("TermPauseHistory", Q(case_id=case.pk), m.TermPause),
        ("TermExtensionHistory", Q(case_id=case.pk), m.TermExtension),
    ]
    user_ids = set()
    for model_name, flt, tracked_model in models_and_filters:
        history = apps.get_model("cases", model_name)
        fields = [f.attname for f in tracked_model._meta.concrete_fields if f.attname not in ("updated_at",)]
        for ev in history.objects.filter(flt).select_related("pgh_context").order_by("-pgh_created_at")[:limit]:
            values = {f: getattr(ev, f, None) for f in fields}
            ctx = (ev.pgh_context.metadata if ev.pgh_context_id else {}) or {}
            if ctx.get("user"):
                user_ids.add(ctx["user"])
            rows.append({"model": tracked_model, "label": tracked_model._meta.verbose_name, "obj_id": ev.pgh_obj_id,
                         "event": ev.pgh_label, "at": ev.pgh_created_at, "user_id": ctx.get("user"),
                         "service": ctx.get("service") or ctx.get("url", ""), "values": values})
    # Diff each row against the previous version of the same object.
    rows.sort(key=lambda r: r["at"])
    last: dict[tuple, dict] = {}
    for r in rows:
        key = (r["model"], r["obj_id"])
        before = last.get(key)
        if before is None:
            r["changes"] = [(f, None, v) for f, v in r["values"].items() if v not in (None, "", [], {}) and f != "id"]
        else:
            r["changes"] = [(f, before.get(f), v) for f, v in r["values"].items() if before.get(f) != v]
        last[key] = r["values"]
    from django.conf import settings as django_settings

    from accounts.models import User

    # Show people by name and choices by label; collect every user id first so names cost one query.
    for r in rows:
        for f in r["model"]._meta.concrete_fields:
            if f.is_relation and f.related_model._meta.label == django_settings.AUTH_USER_MODEL:
                user_ids |= {v for (name, b, a) in r["changes"] if name == f.attname for v in (b, a) if v}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    event_labels = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
    for r in rows:
        r["user"] = users.get(r["user_id"])
        r["event"] = event_labels.get(r["event"], r["event"])
        meta = {f.attname: f for f in r["model"]._meta.concrete_fields}

        def shown(name, value):
            f = meta.get(name)
            if value is None or f is None:
                return value
            if f.is_relation and f.related_model._meta.label == django_settings.AUTH_USER_MODEL:
                return users.get(value, value)
            if f.choices:
                return dict(f.flatchoices).get(value, value)
            return value

        r["changes"] = [(meta[f].verbose_name if f in meta else f, shown(f, b), shown(f, a)) for f, b, a in r["changes"]]
    rows.reverse()
    return rows[:limit]
