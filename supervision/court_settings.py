"""Per-court settings of the supervision app (see core.court_settings).

* ``dispatch_response_minutes_urgent`` 30 - minutes the duty officer has to confirm an urgent report (执行110).
* ``dispatch_response_minutes_lead`` 120 - minutes to confirm a dispatched asset lead.
* ``supervision_level2_days`` 5 - days after the first escalation of an unanswered supervision order before it is
  escalated again (level 2: the superior court's chiefs too).
"""

from core.court_settings import Setting


def _minutes(value) -> str:
    return "" if 1 <= value <= 24 * 60 else "1 - 1440"


SETTINGS = [
    Setting("dispatch_response_minutes_urgent", 30,
            "Minutes the officer on duty has to confirm an urgent report.", int, validate=_minutes),
    Setting("dispatch_response_minutes_lead", 120,
            "Minutes the officer on duty has to confirm a dispatched asset lead.", int, validate=_minutes),
    Setting("supervision_level2_days", 5,
            "Days after the first escalation of an unanswered supervision order before the second.", int),
]
