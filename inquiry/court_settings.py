"""Per-court settings of the inquiry app (see core.court_settings).

* ``inquiry_agency_kinds`` - the kinds of agency the court's inquiry network reaches (网络查控 系统 of the court):
  all eight by default (banks, real estate, vehicles, securities, enterprise shares, social insurance, provident
  fund, payment platforms). A batch may ask only enabled kinds.
* ``inquiry_provincial_kinds`` - the kinds the court asks through the provincial network (点对点) instead of the
  national one (总对总, the default for every kind): e.g. ``["real_estate", "vehicle"]`` where the provincial
  registries answer directly. Each request records its channel.
* ``inquiry_zhongben_horizon_days`` - after 终本, a case joins the automatic six-monthly query batch this many days
  before its query falls due (inquiry.services.zhongben); 14 by default.
"""

from django.utils.translation import gettext_lazy as _

from core.court_settings import Setting

from .models import AgencyKind


def _kinds_valid(value) -> str:
    bad = [v for v in value if v not in AgencyKind.values]
    if bad or len(set(value)) != len(value):
        return str(_("Use each of these kinds at most once: %(kinds)s.") % {"kinds": ", ".join(AgencyKind.values)})
    return ""


def _horizon_valid(value) -> str:
    return "" if 0 <= value <= 90 else str(_("Between 0 and 90 days."))


SETTINGS = [
    Setting("inquiry_agency_kinds", list(AgencyKind.values),
            "The kinds of agency the court's network inquiry reaches (网络查控).", list,
            label=_("Inquiry agencies enabled"), validate=_kinds_valid),
    Setting("inquiry_provincial_kinds", [],
            "The agency kinds asked through the provincial network (点对点) instead of the national one (总对总).",
            list, label=_("Agencies asked point to point (点对点)"), validate=_kinds_valid),
    Setting("inquiry_zhongben_horizon_days", 14,
            "After 终本: a case joins the automatic six-monthly query batch this many days before the query is due.",
            int, label=_("Post-终本 query: days ahead"), validate=_horizon_valid),
]


def enabled_kinds(court) -> list[str]:
    from core import court_settings

    enabled = set(court_settings.get(court, "inquiry_agency_kinds"))
    return [k for k in AgencyKind.values if k in enabled]


def channel_for(court, kind: str) -> str:
    from core import court_settings

    from .models import Channel

    return Channel.PROVINCIAL if kind in court_settings.get(court, "inquiry_provincial_kinds") else Channel.NATIONAL
