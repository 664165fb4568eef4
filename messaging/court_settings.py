"""Per-court settings of the messaging app (see core.court_settings)."""

from django.utils.translation import gettext_lazy as _

from core.court_settings import Setting


def _positive(value) -> str:
    return "" if value >= 1 else str(_("Enter a number of at least 1."))


SETTINGS = [
    Setting("messaging_sms_per_hour", 5,
            "At most this many SMS to one mobile number per hour; more wait (deferred), none is lost.", int,
            label=_("SMS per number per hour"), validate=_positive),
]
