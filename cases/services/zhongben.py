"""The 终本 conditions (domain.md §2.4), checked per debtor where the law asks it of each debtor.

Conditions 1, 2 and the 总对总 query of 3 and the search of 5 concern each respondent: the 执行通知 and 报告财产令
served on them, the 限制消费令 issued against them (for a unit it binds its legal representative and managers, §3.6,
so the unit's own order is what the case records), their 失信 listing where its conditions are met (reviewed, not
required: whether the conditions are met is a judgment), a 总对总 query of them within the court's months, and a
search when their whereabouts are unknown. The case passes only when every respondent passes. Applicants and third
parties are never counted.

Which debtor an action concerns: the respondents it names in ``party_ids``, else those whose name (or, for the
served documents, their legal representative's name) appears in its free text (the recipient of a service, the
subject of a query, the person summoned, the place and findings of an investigation or search). With one respondent
every such action concerns that respondent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from core import court_settings
from core.rules.calendar import add_months

from ..actions import NETWORK_ASSET_TYPES
from ..models import ActionKind, Case, CaseParty, Lead, ObligationKind, PartyRole

# The free-text fields of each action kind that may name the person or body it concerns.
TEXT_FIELDS = {
    ActionKind.NOTICE_SERVED: ("recipient",),
    ActionKind.NETWORK_QUERY: ("subject", "note"),
    ActionKind.ONSITE_INVESTIGATION: ("place", "findings"),
    ActionKind.SUMMONS: ("person",),
    ActionKind.SEARCH: ("place", "findings"),
}


@dataclass
class Check:
    key: str
    label: str
    ok: bool
    required: bool = True
    detail: str = ""
    # Per-debtor results of a condition each respondent must meet: [{"name", "ok", "detail"}].
    debtors: list = field(default_factory=list)


def _concerns(action: dict, cp: CaseParty, single: bool, *, legal_rep: bool = False) -> bool:
    if single:
        return True
    details = action["details"] or {}
    ids = details.get("party_ids")
    if ids:
        return cp.pk in {int(i) for i in ids if str(i).isdigit()}
    text = " ".join(str(details.get(f) or "") for f in TEXT_FIELDS.get(action["kind"], ()))
    names = [cp.party.name]
    if legal_rep and cp.party.legal_representative:
        names.append(cp.party.legal_representative)
    return any(n and n in text for n in names)


def _debtor_check(key: str, label: str, respondents: list[CaseParty], problem, *, required: bool = True) -> Check:
    """One condition every respondent must meet: ``problem(cp)`` is "" when ``cp`` meets it, else what is missing."""
    rows = []
    for cp in respondents:
        missing = problem(cp)
        rows.append({"name": cp.party.name, "ok": not missing, "detail": missing})
    failing = [r for r in rows if not r["ok"]]
    detail = "；".join(_("Respondent %(name)s: %(missing)s") % {"name": r["name"], "missing": r["detail"]}
                      for r in failing)
    return Check(key, label, not failing and bool(respondents), required=required, detail=detail, debtors=rows)


def zhongben_checks(case: Case, today: date) -> list[Check]:
    by_kind: dict[str, list[dict]] = {}
    for a in case.actions.values("kind", "occurred_on", "details"):
        by_kind.setdefault(a["kind"], []).append(a)
    respondents = list(CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party")
                       .order_by("position", "pk"))
    single = len(respondents) == 1
    checks = []
    if not respondents:
        checks.append(Check("respondents", _("The case has a respondent"), False,
                            detail=_("The case has no respondent.")))

    def acts(kind, cp, **kw):
        return [a for a in by_kind.get(kind, []) if _concerns(a, cp, single, **kw)]

    # (1) Enforcement notice served and asset report ordered, on each respondent.
    def notices_missing(cp):
        served = acts(ActionKind.NOTICE_SERVED, cp, legal_rep=True)
        docs = {d for a in served for d in a["details"].get("documents", [])}
        missing = [str(label) for key, label in (("enforcement_notice", _("enforcement notice")),
                                                 ("asset_report_order", _("asset-report order"))) if key not in docs]
        return _("Not served: %(docs)s") % {"docs": "、".join(missing)} if missing else ""

    checks.append(_debtor_check("notice_and_report", _("1. Enforcement notice served and asset report ordered"),
                                respondents, notices_missing))
    # (2) Consumption restriction on every respondent; dishonest listing where its conditions are met.
    checks.append(_debtor_check(
        "consumption_restriction", _("2. Consumption-restriction order issued to the respondent"), respondents,
        lambda cp: "" if cp.restricted_on and not cp.restriction_lifted_on else _("No consumption-restriction order")))
    checks.append(_debtor_check(
        "dishonest_listing", _("2. Dishonest listing where the conditions are met (review)"), respondents,
        lambda cp: "" if cp.dishonest_listed_on and not cp.dishonest_removed_on else
        _("Not on the dishonest list: check whether the conditions are met"), required=False))
    # (3) Investigation exhausted: a recent 总对总 query of every asset type for each respondent, a field measure,
    # no open leads.
    months = court_settings.get(case.court_id, "zhongben_query_months")
    since = add_months(today, -months)

    def query_missing(cp):
        covered: set[str] = set()
        for a in acts(ActionKind.NETWORK_QUERY, cp):
            if a["details"].get("system") == "national" and a["occurred_on"] >= since:
                covered |= {k for k, v in a["details"].get("results", {}).items() if v != "not_queried"}
        if not covered:
            return _("No 总对总 query within %(months)s months") % {"months": months}
        not_covered = [str(label) for key, label in NETWORK_ASSET_TYPES if key not in covered]
        return _("Not queried: %(types)s") % {"types": "、".join(not_covered)} if not_covered else ""

    checks.append(_debtor_check(
        "network_query", _("3. 总对总 network query of every asset type within %(months)s months") % {"months": months},
        respondents, query_missing))
    field_measure = any(k in by_kind for k in (ActionKind.ONSITE_INVESTIGATION, ActionKind.SEARCH,
                                               ActionKind.REWARD_NOTICE))
    checks.append(Check("field_measure", _("3. On-site investigation, search or reward notice"), field_measure,
                        detail="" if field_measure else _("None recorded.")))
    open_leads = Lead.objects.filter(case=case, handled_at__isnull=True).count()
    checks.append(Check("leads_checked", _("3. Every asset lead checked"), open_leads == 0,
                        detail=_("%(n)s lead(s) not yet checked") % {"n": open_leads} if open_leads else ""))
    # (4) More than 3 months since filing.
    min_months = court_settings.get(case.court_id, "zhongben_min_months")
    ready_on = add_months(case.filed_on, min_months)
    checks.append(Check("three_months", _("4. More than %(months)s months since filing") % {"months": min_months},
                        today > ready_on, detail="" if today > ready_on else _("Possible after %(date)s") % {
                            "date": ready_on}))

    # (5) Whereabouts unknown -> search (per respondent); obstruction -> fine or detention (the case).
    def search_missing(cp):
        unknown = any(a["details"].get("whereabouts_unknown")
                      for k in (ActionKind.ONSITE_INVESTIGATION, ActionKind.SUMMONS) for a in acts(k, cp))
        if unknown and not acts(ActionKind.SEARCH, cp):
            return _("whereabouts unknown but no search recorded")
        return ""

    checks.append(_debtor_check("search", _("5. Search if the respondent's whereabouts are unknown"), respondents,
                                search_missing))
    obstructed = any(a["details"].get("obstruction") for a in by_kind.get(ActionKind.ONSITE_INVESTIGATION, []))
    sanctioned = ActionKind.FINE in by_kind or ActionKind.JUDICIAL_DETENTION in by_kind
    checks.append(Check("search_and_sanctions", _("5. Sanctions for obstruction"), not obstructed or sanctioned,
                        detail="" if not obstructed or sanctioned else
                        _("obstruction recorded but no fine or detention")))
    # (6) The applicant interview (终本约谈), where the court requires it.
    if court_settings.get(case.court_id, "zhongben_requires_interview"):
        interviewed = any(a["occurred_on"] <= today for a in by_kind.get(ActionKind.APPLICANT_INTERVIEW, []))
        checks.append(Check("applicant_interview", _("6. Applicant interviewed before closure (终本约谈)"),
                            interviewed, detail="" if interviewed else _("No interview recorded.")))
    # Also checked in practice: something is still owed, and the obligation is not purely an act.
    outstanding = case.amount_claimed - case.amount_recovered
    checks.append(Check("outstanding", _("An amount is still outstanding"), outstanding > 0,
                        detail="" if outstanding > 0 else _("Nothing is outstanding: close as fully enforced.")))
    act_only = case.obligation_kind == ObligationKind.ACT
    checks.append(Check("not_act_only", _("The obligation is not purely an act"), not act_only,
                        detail=_("An act-only obligation cannot end in 终本.") if act_only else ""))
    return checks


def debtor_cards(checks) -> list[dict]:
    """The per-debtor conditions of a checklist (``Check`` objects or their stored dicts), one card per respondent:
    ``[{"name", "ok", "items": [{"label", "ok", "required", "detail"}]}]``."""
    cards: dict[str, dict] = {}
    for c in checks:
        get = c.get if isinstance(c, dict) else (lambda k, c=c: getattr(c, k, None))
        for row in get("debtors") or ():
            card = cards.setdefault(row["name"], {"name": row["name"], "ok": True, "items": []})
            card["items"].append({"label": get("label"), "ok": row["ok"], "required": get("required"),
                                  "detail": row["detail"]})
            if get("required") and not row["ok"]:
                card["ok"] = False
    return list(cards.values())
