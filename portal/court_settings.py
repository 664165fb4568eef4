"""Per-court settings of the party portal (see core.court_settings and docs/portal.md)."""

from django.utils.translation import gettext_lazy as _

from core.court_settings import Setting

# What a party sees of the measures taken, by default: notices served, freezes and seizures, the hearing and the
# credit measures (already public), auctions show as the disposal stage, payouts as money. Never internal notes.
DEFAULT_DISCLOSED = ["notice_served", "freeze", "seizure", "vehicle_detention", "eviction", "consumption_restriction",
                     "dishonest_listing", "hearing", "reward_notice", "media_exposure"]


def _action_kinds(value) -> str:
    from cases.models import ActionKind

    unknown = [v for v in value if v not in ActionKind.values]
    return str(_("Unknown kinds of measure: %(kinds)s") % {"kinds": ", ".join(map(str, unknown))}) if unknown else ""


def _phone(value) -> str:
    return "" if len(value) <= 40 else str(_("At most 40 characters."))


SETTINGS = [
    Setting("portal_enabled", True, "Parties of this court's cases may sign in to the party portal.", bool,
            label=_("Party portal open")),
    Setting("portal_disclosed_actions", DEFAULT_DISCLOSED,
            "The kinds of enforcement measure (cases.ActionKind values) a party sees on the portal, with their date; "
            "the measure's notes are never shown and long numbers are shortened to their last four digits.", list,
            label=_("Measures shown to parties"), validate=_action_kinds),
    Setting("portal_office_phone", "", "The enforcement office's telephone shown to parties on the portal (the "
            "court's telephone when empty).", str, label=_("Office telephone for parties"), validate=_phone),
]
