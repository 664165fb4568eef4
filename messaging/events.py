"""Which timeline events send messages, to whom, and with which values.

The outbox reads ``cases.CaseEvent`` rows; each relevant type maps to an ``EventKind``:

================== ==================== =====================================================
timeline type      EventKind            values beyond the common ones
================== ==================== =====================================================
case_registered    case_accepted        {案款账户}
funds_received     funds_received       {金额} (the receipt), {案款账户}
payout_executed    payout_executed      {金额}; sent to the payee only (if the audience has them)
control_ordered    measure_taken        {措施} (freeze, seizure...)
action_logged      measure_taken        {措施}, only coercive kinds (MEASURE_ACTION_KINDS), not lifting
closure_approved   case_closed          {结案方式}
zhongben_result_   zhongben_result      {被执行人}, {查询结果}: the 6-monthly query after 终本 (ZB-9), to the applicants
to_tell
================== ==================== =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone, translation

from .models import Audience, EventKind

TYPE_MAP = {
    "case_registered": EventKind.CASE_ACCEPTED,
    "funds_received": EventKind.FUNDS_RECEIVED,
    "payout_executed": EventKind.PAYOUT_EXECUTED,
    "control_ordered": EventKind.MEASURE_TAKEN,
    "action_logged": EventKind.MEASURE_TAKEN,
    "closure_approved": EventKind.CASE_CLOSED,
    "zhongben_result_to_tell": EventKind.ZHONGBEN_QUERY_RESULT,
}
MEASURE_ACTION_KINDS = frozenset({
    "search", "freeze", "seizure", "vehicle_detention", "eviction", "judicial_detention", "fine",
    "consumption_restriction", "dishonest_listing", "media_exposure", "reward_notice",
})
LIFTING = frozenset({"lift", "remove"})


def event_kind(event) -> str | None:
    kind = TYPE_MAP.get(event.type)
    if kind == EventKind.MEASURE_TAKEN and event.type == "action_logged":
        params = event.parameters or {}
        if params.get("kind") not in MEASURE_ACTION_KINDS:
            return None
        from cases.models import Action

        details = Action.objects.filter(pk=params.get("action_id")).values_list("details", flat=True).first() or {}
        if details.get("measure") in LIFTING:  # a restriction lifted, a listing removed: not a measure taken
            return None
    return kind


@dataclass(frozen=True)
class Recipient:
    case_party: object
    name: str
    phone: str
    email: str


def recipients(*, event, kind: str, audience: str, parties: list) -> list[Recipient]:
    """The case's parties the template's audience names (third parties never); a payout goes to its payee only."""
    roles = {Audience.APPLICANTS: {"applicant"}, Audience.RESPONDENTS: {"respondent"},
             Audience.BOTH: {"applicant", "respondent"}}[audience]
    chosen = [cp for cp in parties if cp.role in roles]
    if kind == EventKind.PAYOUT_EXECUTED:
        payee_id = _payout(event).payee_id if _payout(event) else None
        chosen = [cp for cp in chosen if cp.pk == payee_id]
    out = []
    for cp in chosen:
        phone = cp.phone or next((p for p in (cp.party.phones or []) if p), "")
        out.append(Recipient(case_party=cp, name=cp.party.name, phone=phone, email=getattr(cp, "email", "") or ""))
    return out


def _payout(event):
    cached = getattr(event, "_msg_payout", False)
    if cached is False:
        from assets.models import Payout

        pid = (event.parameters or {}).get("payout_id")
        cached = Payout.objects.filter(pk=pid).first() if pid else None
        event._msg_payout = cached
    return cached


def _account(case) -> str:
    court = case.court
    parts = [court.fund_account_name, court.fund_account_bank,
             f"账号{court.fund_account_number}" if court.fund_account_number else ""]
    text = "，".join(p for p in parts if p)
    from core.rules.payment_ref import format_payment_reference

    # The glossary's word (案款账号), grouped in fours as the notices print it; the payer writes it in the 汇款附言.
    ref = f"汇款附言请注明案款账号{format_payment_reference(case.account_reference)}"
    return f"{text}（{ref}）" if text else ref


def values(*, event, kind: str, case, recipient_name: str) -> dict[str, str]:
    """The placeholder values for one event and recipient, in Chinese whatever the request's language."""
    from core.formats import format_money

    officer = case.officer
    with translation.override("zh-hans"):
        out = {
            "法院": case.court.name,
            "案号": case.number,
            "当事人": recipient_name,
            "承办人": (officer.full_name or officer.username) if officer else "",
            "联系电话": (officer.phone if officer and officer.phone else case.court.phone) or "",
            "日期": f"{timezone.localtime(event.at):%Y年%-m月%-d日}" if event.at else "",
        }
        params = event.parameters or {}
        if kind in (EventKind.CASE_ACCEPTED, EventKind.FUNDS_RECEIVED):
            out["案款账户"] = _account(case)
        if kind == EventKind.FUNDS_RECEIVED:
            from assets.models import LedgerEntry

            entry = LedgerEntry.objects.filter(pk=params.get("entry_id")).only("amount").first()
            out["金额"] = format_money(entry.amount) if entry else ""
        elif kind == EventKind.PAYOUT_EXECUTED:
            payout = _payout(event)
            out["金额"] = format_money(payout.amount) if payout else ""
        elif kind == EventKind.MEASURE_TAKEN:
            out["措施"] = _measure(event)
        elif kind == EventKind.ZHONGBEN_QUERY_RESULT:
            from cases.models import Party

            out["被执行人"] = Party.objects.filter(pk=params.get("party_id")).values_list("name", flat=True).first() or ""
            found = int(params.get("found") or 0)
            out["查询结果"] = (f"查询到{found}项财产，本院将依法处理" if found
                             else "未查询到可供执行的财产")
        elif kind == EventKind.CASE_CLOSED:
            from cases.models import ClosureMode

            mode = params.get("mode") or case.closure_mode
            out["结案方式"] = str(ClosureMode(mode).label) if mode in ClosureMode.values else ""
    return out


def _measure(event) -> str:
    params = event.parameters or {}
    if event.type == "control_ordered":
        from assets.models import ControlMeasure

        control = ControlMeasure.objects.filter(pk=params.get("control_id")).first()
        return str(control.get_kind_display()) if control else ""
    from cases.models import ActionKind

    kind = params.get("kind")
    label = str(ActionKind(kind).label) if kind in ActionKind.values else ""
    # "Consumption restriction (限制消费)" reads 限制消费 in Chinese already; keep the Chinese part if both are there.
    if "（" in label or "(" in label:
        inner = label.split("(")[-1].split("（")[-1].rstrip(")）")
        if inner and all("\u4e00" <= ch <= "\u9fff" for ch in inner):
            return inner
    return label
