"""Per-court settings of the deadlines app (see core.court_settings). Defaults from domain.md; rule periods
themselves are per-court ``DeadlineRule`` rows (``deadlines.rules`` holds the defaults)."""

from core.court_settings import Setting

SETTINGS = [
    Setting("deadline_escalate_leader_days", 1,
            "Days overdue after which an unmet deadline is escalated to the team leader.", int),
    Setting("deadline_escalate_chief_days", 7,
            "Days overdue after which an unmet deadline is escalated to the division chief.", int),
    Setting("deadline_red_days", 3,
            "A deadline due within this many days is shown red (amber inside its warning window).", int),
    Setting("deadline_zb_query_years", 5,
            "Years after a 终本 closure during which the court queries the debtor's assets (ZB-9).", int),
    Setting("deadline_email_digest", True, "Send each officer an e-mail digest of new reminders.", bool),
]
