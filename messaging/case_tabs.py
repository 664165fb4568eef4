"""The case page's 消息 tab: the delivery log of the case (masked addresses) and the officer's opt-out buttons."""

from django.utils.translation import gettext_lazy as _

from accounts.policy import Perm
from core.case_tabs import CaseTab


def _context(request, case) -> dict:
    from .addresses import normalise, normalise_email, normalise_mobile, mask
    from .selectors import message_list_for_case, optout_set

    messages = message_list_for_case(user=request.user, case=case)
    parties = []
    for cp in case.case_parties.select_related("party").order_by("role", "position"):
        if cp.role == "third_party":
            continue
        phone = normalise_mobile(cp.phone or next((p for p in (cp.party.phones or []) if p), ""))
        email = normalise_email(cp.email or "")
        parties.append({"cp": cp, "phone": phone, "email": email, "phone_masked": mask(phone),
                        "email_masked": mask(email)})
    opted = optout_set(addresses=[normalise(a) for p in parties for a in (p["phone"], p["email"]) if a])
    for p in parties:
        p["phone_opted"] = bool(p["phone"]) and normalise(p["phone"]) in opted
        p["email_opted"] = bool(p["email"]) and normalise(p["email"]) in opted
    return {"messages": messages, "parties": parties}


TABS = [
    CaseTab(key="messages", label=_("Messages"), template="messaging/case_tab.html", context=_context,
            perm=Perm.CASE_ACT, order=60),
]
