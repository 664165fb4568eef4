"""What a party reads: the kinds of asset they may name, the next step per stage, numbers shortened."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

ASSET_KIND_LABELS = {
    "bank": _("Bank deposit"),
    "real_estate": _("Real estate"),
    "vehicle": _("Vehicle"),
    "equity": _("Company shares"),
    "receivable": _("Money owed to the debtor"),
    "other": _("Other assets"),
}

# The next step a party may expect, by the case's stage.
NEXT_STEP = {
    "registered": _("The court will send the enforcement notice and the order to report assets."),
    "notice": _("The debtor must perform or report assets; the court then investigates the debtor's assets."),
    "investigation": _("The court is investigating the debtor's assets (network inquiry and on-site checks)."),
    "control": _("Assets found are being frozen or seized; the court then decides how to realise them."),
    "disposal": _("Seized assets are being valued and sold (judicial auction)."),
    "payout": _("Money received is being paid out to the applicant."),
    "suspended": _("Enforcement is suspended (中止); it resumes when the ground ends."),
    "stayed": _("Enforcement is stayed; the officer will tell you when it resumes."),
    "closed": _("The case is closed."),
    "archived": _("The case is closed and archived."),
}

_LONG_NUMBER = re.compile(r"\d{8,}")


def asset_kind_label(kind: str) -> str:
    return str(ASSET_KIND_LABELS.get(kind, kind))


def shorten_numbers(text: str) -> str:
    """Account, card and certificate numbers cut to their last four digits (6222020200112233 -> ****2233)."""
    return _LONG_NUMBER.sub(lambda m: "****" + m.group(0)[-4:], text or "")
