"""Per-court settings of the statements app (see core.court_settings).

* ``statement_auto_confidence`` 90 - finance's one-click confirmation posts every proposed match of a statement with
  at least this confidence (reference 100, case number 90/95); lower ones (debtor's name 70, amount and payer 60) are
  posted only when ticked one by one.
* ``unidentified_escalation_working_days`` 3 - unidentified money (不明款) still waiting after this many working days
  (the court's holiday calendar) is escalated to the division chief: the home tile, the escalations page and one
  e-mail per line.
"""

from core.court_settings import Setting

SETTINGS = [
    Setting("statement_auto_confidence", 90,
            "Proposed matches with at least this confidence are posted by the one-click confirmation.", int),
    Setting("unidentified_escalation_working_days", 3,
            "Working days unidentified money may wait before it is escalated to the chief.", int),
]
