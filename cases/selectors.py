"""Reads of cases, scoped by the permission policy inside the query itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require, scope_q
from core.rules.identifiers import normalize_id

from .models import (
    OPEN_STAGES, Action, ActionKind, Case, CaseEvent, CaseParty, ClosureRequest, ClosureStatus, Lead, PartySearch,
    Petition, Settlement, SettlementInstalment, SettlementStatus, Stage, SuspensionRequest,
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
# Organisations' names are long and share their boilerplate (天水…商贸有限公司, 甘肃…建设工程有限公司): at 0.2 every
# company of the court is "similar" to every other (0.36 for two unrelated synthetic ones), so a similar-name search
# listed ~2,000 of them and read each. A long name with one wrong or missing character keeps ≥ 0.47 (0.67 for one
# character replaced in 天水郑洋永商贸有限公司879), so from 8 characters on the bar is higher.
FUZZY_LONG_NAME_LENGTH = 8
FUZZY_LONG_NAME_THRESHOLD = 0.45


def fuzzy_name_threshold(name: str) -> float:
    return FUZZY_LONG_NAME_THRESHOLD if len(name.strip()) >= FUZZY_LONG_NAME_LENGTH else FUZZY_NAME_THRESHOLD


def _set_similarity_threshold(threshold: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(threshold)])


def _party_name_q(user, perm: Perm, name: str, fuzzy: bool) -> Q:
    """Cases with a party whose name matches: contains for 3+ characters, prefix for shorter, or similar (pg_trgm
    ``%``) when fuzzy. Read from the per-court search table (``PartySearch``), scoped like the cases themselves, so
    only the user's courts' namesakes are ever looked at: (court, name) pattern btree for prefixes, (court, name)
    trigram GIN for contains and similar."""
    name = name.strip()
    rows = PartySearch.objects.filter(scope_q(user, perm, court="court", team="case__team", officer="case__officer"))
    if fuzzy:
        _set_similarity_threshold(fuzzy_name_threshold(name))
        rows = rows.filter(name__trigram_similar=name)
    elif len(name) >= 3:
        rows = rows.filter(name__contains=name)
    else:
        rows = rows.filter(name__startswith=name)
    return Q(pk__in=rows.values("case_id"))


def _id_number_q(value: str) -> Q:
    value = normalize_id(value)
    return Q(Exists(CaseParty.objects.filter(case=OuterRef("pk"), party__id_number=value)))


def _number_q(value: str) -> Q:
    value = value.strip().replace("(", "（").replace(")", "）")
    if value.isdigit():
        return Q(number__endswith=f"执{value}号") | Q(number__endswith=f"{value}号") if len(value) >= 2 \
            else Q(serial=int(value))
    if value.startswith("（") and value.count("（") == 1 and "）" in value:
        # A number from its opening bracket on: every case number opens with its only （, so a number containing
        # the value starts with it. A prefix is one read of the (number pattern_ops) btree; "contains" would go to
        # the trigram index, where every number shares （20…, 甘0… and 执…: ~1,200 pages read, ~35 ms.
        return Q(number__startswith=value)
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
            qs = qs.filter(_party_name_q(user, perm, q, search.fuzzy))
    if search.number.strip():
        qs = qs.filter(_number_q(search.number))
    if search.party.strip():
        qs = qs.filter(_party_name_q(user, perm, search.party, search.fuzzy))
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
    # Officer and team by prefetch (two lookups by key for the page), not by join: with a join PostgreSQL joined
    # every match (2,000 for 天水…) before sorting and cutting the page.
    return qs.prefetch_related("officer", "team").order_by("-filed_on", "-id")


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

# The columns "my cases" sorts by (a whitelist: any other key is ignored). Each is a list of order expressions for
# ascending order; descending reverses each. The default is by urgency (``MY_CASES_URGENCY``).
def _first_party_name(role: str):
    return Subquery(CaseParty.objects.filter(case_id=OuterRef("pk"), role=role).order_by("position", "id")
                    .values("party__name")[:1])


def _stage_rank():
    return DbCase(*[When(stage=s, then=Value(i)) for i, s in enumerate(Stage.values)], output_field=IntegerField())


MY_CASES_SORTS = {
    "number": lambda: [F("year"), F("case_type"), F("serial")],
    "filed": lambda: [F("filed_on")],
    "applicant": lambda: [_first_party_name("applicant")],
    "respondent": lambda: [_first_party_name("respondent")],
    "stage": lambda: [_stage_rank()],
    "amount": lambda: [F("amount_claimed")],
    "deadline": lambda: [F("next_due")],
}


def my_cases(*, user, sort: str = "") -> QuerySet[Case]:
    """Open cases the user handles personally, most urgent first: overdue deadlines, then the nearest due date,
    then the oldest filing. ``sort`` is a key of ``MY_CASES_SORTS``, "-key" for descending; an unknown key gives
    the default order."""
    from deadlines.models import Deadline, DeadlineStatus

    next_due = (Deadline.objects.filter(case_id=OuterRef("pk"),
                                        status__in=[DeadlineStatus.OPEN, DeadlineStatus.OVERDUE])
                .order_by("due_on").values("due_on")[:1])
    qs = (Case.objects.filter(scope_q(user, Perm.CASE_ACT)).filter(officer=user, stage__in=OPEN_STAGES)
          .select_related("team", "officer").annotate(next_due=Subquery(next_due)))
    key = sort.removeprefix("-")
    if key in MY_CASES_SORTS:
        descending = sort.startswith("-")
        order = [e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in MY_CASES_SORTS[key]()]
        return qs.order_by(*order, "-id" if descending else "id")
    return qs.order_by(F("next_due").asc(nulls_last=True), "filed_on", "id")


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


def suspension_queue(*, user) -> QuerySet[SuspensionRequest]:
    """中止 requests waiting for a chief's approval at the courts (and teams) where the user may approve."""
    return (SuspensionRequest.objects.filter(scope_q(user, Perm.CASE_CLOSE_APPROVE, court="case__court",
                                                     team="case__team", officer="case__officer"),
                                             status=ClosureStatus.PENDING)
            .select_related("case", "case__officer", "case__team", "requested_by").order_by("requested_at"))


def approvals_waiting(*, user) -> dict[str, int]:
    """How many case requests wait for the user's approval, by kind, and in all (the approvals page's queues; the
    home page's count): closure requests and 中止 requests, two counts. Payouts have their own queue."""
    counts = {"closures": closure_queue(user=user).count(), "suspensions": suspension_queue(user=user).count()}
    counts["total"] = counts["closures"] + counts["suspensions"]
    return counts


# --- The case page ---------------------------------------------------------------------------------------------

def case_detail_data(*, case: Case, timeline_limit: int = 100, actions_limit: int = 100) -> dict:
    """Everything the case page shows, in a bounded number of queries whatever the case's size."""
    parties = list(case.case_parties.select_related("party").order_by("role", "position"))
    timeline = list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("-at", "-id")
                    [:timeline_limit])
    from .findings import attach_findings

    attach_findings(case=case, timeline=timeline)
    actions = list(Action.objects.filter(case=case).select_related("actor")
                   .prefetch_related("attachments").order_by("-occurred_on", "-id")[:actions_limit])
    leads = list(Lead.objects.filter(case=case).select_related("officer").order_by("-received_at")[:50])
    petitions = list(Petition.objects.filter(case=case).select_related("assigned_to").order_by("-received_on")[:50])
    settlements = list(Settlement.objects.filter(case=case).prefetch_related(
        Prefetch("instalments", queryset=SettlementInstalment.objects.order_by("number"))).order_by("-signed_on")[:10])
    closures = list(ClosureRequest.objects.filter(case=case).select_related("requested_by", "decided_by")
                    .order_by("-requested_at")[:20])
    suspensions = list(SuspensionRequest.objects.filter(case=case).select_related("requested_by", "decided_by")
                       .order_by("-requested_at", "-id")[:20])
    return {"parties": parties, "timeline": timeline, "actions": actions, "leads": leads, "petitions": petitions,
            "settlements": settlements, "closures": closures, "suspensions": suspensions,
            "suspension_pending": next((r for r in suspensions if r.status == ClosureStatus.PENDING), None),
            "resumed_cases": list(Case.objects.filter(origin_case=case).only("pk", "number", "stage"))}


# Fields the audit trail leaves out: bookkeeping that changes with every write and says nothing to a reader.
AUDIT_SKIPPED_FIELDS = {"id", "updated_at", "created_at"}
# Keys of a stored JSON object that carry its readable text (an intake warning's message, a closure check's label).
_JSON_LABEL_KEYS = ("label", "message", "text", "name")


def case_audit_trail(*, case: Case, limit: int = 200) -> list[dict]:
    """Row history of the case and its records (pghistory), newest first, each with who, when, and the fields that
    changed as readable text: ``changes`` is a list of (field label, before, after), the label the field's
    translated name, the values shown as a person reads them (people and teams by name, choices by their label,
    yes/no, dates, amounts in yuan, an action's details by their form labels). ``before`` is None for a new record.
    A fixed number of queries: one per history table, one per related model named in the changes."""
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
        ("SuspensionRequestHistory", Q(case_id=case.pk), m.SuspensionRequest),
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
        # The case a record hangs off is the case being shown: naming it on every row says nothing.
        skipped = AUDIT_SKIPPED_FIELDS | ({"case_id"} if r["model"] is not m.Case else set())
        if before is None:
            r["changes"] = [(f, None, v) for f, v in r["values"].items()
                            if v not in (None, "", [], {}) and f not in skipped]
        else:
            r["changes"] = [(f, before.get(f), v) for f, v in r["values"].items()
                            if before.get(f) != v and f not in skipped]
        last[key] = r["values"]
    rows.reverse()
    rows = rows[:limit]
    names = _audit_related_names(rows, user_ids)
    event_labels = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
    for r in rows:
        r["user"] = names.get(_user_model_label(), {}).get(r["user_id"])
        meta = {f.attname: f for f in r["model"]._meta.concrete_fields}
        r["is_new"] = r["event"] == "insert"
        r["event"] = event_labels.get(r["event"], r["event"])
        r["changes"] = [(str(meta[f].verbose_name) if f in meta else f, _audit_value(meta.get(f), b, names, r),
                         _audit_value(meta.get(f), a, names, r))
                        for f, b, a in r["changes"]]
    return rows


def _user_model_label() -> str:
    from django.conf import settings as django_settings

    return django_settings.AUTH_USER_MODEL


def _audit_related_names(rows: list[dict], user_ids: set) -> dict[str, dict]:
    """{model label: {pk: display name}} for every object the changes point at, one query per related model."""
    from django.apps import apps

    wanted: dict[str, set] = {_user_model_label(): set(user_ids)}
    for r in rows:
        meta = {f.attname: f for f in r["model"]._meta.concrete_fields}
        for name, before, after in r["changes"]:
            f = meta.get(name)
            if f is not None and f.is_relation:
                wanted.setdefault(f.related_model._meta.label, set()).update(v for v in (before, after) if v)
    names: dict[str, dict] = {}
    for label, ids in wanted.items():
        if not ids:
            continue
        model = apps.get_model(label)
        field_names = {f.name for f in model._meta.concrete_fields}
        shown = next((f for f in ("full_name", "name", "number", "summary", "original_name") if f in field_names),
                     None)
        if shown is None:
            names[label] = {pk: f"{model._meta.verbose_name} #{pk}" for pk in ids}
            continue
        if label == _user_model_label():
            found = {pk: full or username for pk, full, username in
                     model._default_manager.filter(pk__in=ids).values_list("pk", "full_name", "username")}
        else:
            found = dict(model._default_manager.filter(pk__in=ids).values_list("pk", shown))
        names[label] = {pk: found.get(pk, f"#{pk}") for pk in ids}
    return names


def _audit_value(field, value, names: dict, row: dict):
    """One stored value as a reader sees it (a string), or None for "nothing"."""
    from datetime import datetime as dt
    from decimal import Decimal as D

    from django.utils import formats

    if value is None or value == "" or value == [] or value == {}:
        return None
    if field is not None and field.is_relation:
        return names.get(field.related_model._meta.label, {}).get(value, f"#{value}")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and getattr(field, "base_field", None) is not None and field.base_field.choices:
        labels = dict(field.base_field.flatchoices)
        return "、".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, D):
        from core.formats import format_money

        return format_money(value)
    if isinstance(value, (dict, list)):
        labels = {}
        if field is not None and field.name == "details" and row["model"] is Action:
            labels = _action_detail_labels(row["values"].get("kind"))
        return _json_text(value, labels)
    return str(value)


def _action_detail_labels(kind) -> dict:
    """{detail key: (label, {stored value: choice label}, or a function formatting the stored value)} from the
    measure's details form; a network query's per-type results and found assets read as the page shows them."""
    from .actions import NETWORK_ASSET_TYPES, QUERY_RESULTS, details_form, found_text

    try:
        form = details_form(kind)
    except Exception:  # noqa: BLE001 - an unknown old kind: show the keys as stored
        return {}
    labels = {name: (str(f.label or name), {str(k): str(v) for k, v in getattr(f, "choices", None) or ()})
              for name, f in form.fields.items()}
    if kind == ActionKind.NETWORK_QUERY:
        types, results = dict(NETWORK_ASSET_TYPES), dict(QUERY_RESULTS)
        labels["results"] = (str(_("Results")), lambda v: "、".join(
            f"{types.get(k, k)}: {results.get(r, r)}" for k, r in v.items()) if isinstance(v, dict) else str(v))
        labels["found"] = (str(_("Assets found")), lambda v: "；".join(
            found_text(r, mask=False) for r in v if isinstance(r, dict)) if isinstance(v, list) else str(v))
    return labels


def _json_text(value, labels: dict) -> str:
    """A JSON value as one line: ``label: value; ...`` for objects, items joined by "、" for lists; a list of
    checks (``label``/``met``) as ✓/✗ items. ``labels`` maps keys to (label, choice labels)."""
    if isinstance(value, dict):
        text = next((value[k] for k in _JSON_LABEL_KEYS if isinstance(value.get(k), str)), None)
        if text is not None and "met" in value:
            return f"{'✓' if value['met'] else '✗'} {text}"
        if text is not None and set(value) <= set(_JSON_LABEL_KEYS) | {"code", "key", "detail"}:
            return text
        parts = []
        for k, v in value.items():
            if v in (None, "", [], {}):
                continue
            label, choices = labels.get(k, (k, {}))
            if callable(choices):
                shown = choices(v)
            elif isinstance(v, bool):
                shown = str(_("yes") if v else _("no"))
            elif choices and isinstance(v, list):
                shown = "、".join(choices.get(str(x), str(x)) for x in v)
            elif choices:
                shown = choices.get(str(v), str(v))
            else:
                shown = _json_text(v, {})
            parts.append(f"{label}: {shown}")
        return "；".join(parts)
    if isinstance(value, list):
        return "、".join(_json_text(v, labels) for v in value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)
