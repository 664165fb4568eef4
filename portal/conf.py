"""The portal's limits (Django settings with these defaults; docs/portal.md)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    "PORTAL_CODE_TTL_SECONDS": 300,          # a code is valid 5 minutes
    "PORTAL_CODE_MAX_ATTEMPTS": 5,           # wrong entries before the code is void
    "PORTAL_RESEND_COOLDOWN_SECONDS": 60,    # per (case number, ID number) typed
    "PORTAL_CODES_PER_PAIR_PER_DAY": 5,      # requests per (case number, ID number) typed, matched or not
    "PORTAL_CODES_PER_PHONE_PER_DAY": 10,    # codes sent to one phone
    "PORTAL_REQUESTS_PER_IP_PER_HOUR": 20,   # code requests from one address
    "PORTAL_VERIFY_PER_IP_PER_HOUR": 40,     # code entries from one address
    "PORTAL_SIGNIN_MIN_SECONDS": 0.4,        # the code request answers no sooner (a match costs no visible time)
    "PORTAL_SESSION_IDLE_SECONDS": 15 * 60,
    "PORTAL_SESSION_MAX_SECONDS": 2 * 3600,
    "PORTAL_COOKIE_NAME": "enf_portal",
    "PORTAL_SUBMISSIONS_PER_DAY": 10,        # leads + questions + correction requests per party per day
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
