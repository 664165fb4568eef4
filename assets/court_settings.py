"""Per-court settings of the assets app (see core.court_settings).

Defaults and where they come from (domain.md):

* ``payout_days`` 30 - days from receipt to payout (§2.1 node 11; SPC 法发〔2017〕6号 as quoted by KUAN-DL,
  UNCONFIRMED §9 item 4). Local rules are stricter (5 days) or looser (1 month).
* ``payout_chief_threshold`` 100000 - payouts of at least this amount need the division chief; below it the case-fund
  manager (finance) or the chief may approve (§5.1 practice, KUAN-DL).
* ``payout_high_approver_roles`` ["chief"] - the roles that may approve a payout at or above the threshold (a court
  that sends large payouts to a deputy president adds that role once it exists).
* ``payout_total_window_days`` 30 - the threshold applies to the total to one payee on one case: payouts awaiting
  approval or payment and those executed within this many days are added to the one being decided (docs/money.md).
* ``fee_withheld_first`` False - 先执行后收费: the court withholds the enforcement fee (§4, borne by the debtor) from the
  money recovered before anything is paid to the applicants (§4.2, §5.1 step 2); finance then transfers it to the
  court's fee account (ledger entry ``fee_transfer``, 执行费划转), which settles the receipts' payout clocks like a
  payout. Still off by default: turned on, 23 tests of tests/assets alone (ledger, pages, API concurrency, fixtures
  that pay out the whole balance) would need the fee worked into their figures; a court turns it on in its settings.
* ``reversal_second_person_threshold`` 50000 - reversing a receipt of at least this amount (冲正) is requested by
  one finance user and carried out only when a second person (another finance user or the chief) confirms it.
* ``separate_control_and_disposal`` True - 分段集约: the team that controlled an asset may not dispose of it.
* ``handover_needs_approval`` True - a handover for disposal (移交处置) takes effect only once the division chief
  approves it; off, the request of the case's team takes effect at once.
* ``fee_base`` "recovered" - the enforcement-fee base, the amount actually recovered or the amount applied for
  (§4.2, UNCONFIRMED §9 item 6). Used for a case's fee in the calculators.
* ``fee_rounding`` "fen" - round fees to the fen or the whole yuan (§4.2, UNCONFIRMED).
* ``no_amount_fee`` 50 - the fee for an application with no amount, 50-500 yuan (FEE art 14(1)).
* ``interest_count_start_day`` False - whether the day the performance period expires is itself charged
  (§5.2, UNCONFIRMED §9 item 7). Default: not counted (end - start days).
* ``wage_priority`` False - wage claims paid before ordinary claims in a distribution (§5.1, UNCONFIRMED §9 item 13).
* ``control_count_start_day`` False - whether a control term counts its first day ("自3月15日起至次年3月14日止").
* ``expiring_window_days`` 30 - default window of the expiring-controls list.
"""

from decimal import Decimal

from core.court_settings import Setting

SETTINGS = [
    Setting("payout_days", 30, "Days from receipt of case funds to payout (§2.1 node 11).", int),
    Setting("payout_chief_threshold", Decimal("100000"),
            "Payouts of at least this amount (yuan) must be approved by the division chief.", Decimal),
    Setting("payout_high_approver_roles", ["chief"],
            "Roles whose approval a payout at or above the threshold needs (any one of them).", list),
    Setting("payout_total_window_days", 30,
            "Days back that executed payouts to the same payee on the same case count towards the approval "
            "threshold, together with those awaiting approval or payment.", int),
    Setting("fee_withheld_first", False,
            "先执行后收费: withhold the enforcement fee from the money recovered before paying the applicants (§4.2).",
            bool),
    Setting("reversal_second_person_threshold", Decimal("50000"),
            "Reversing a receipt of at least this amount (yuan) needs a second person to confirm it.", Decimal),
    Setting("separate_control_and_disposal", True,
            "The team that controlled an asset may not dispose of it (分段集约).", bool),
    Setting("handover_needs_approval", True,
            "A handover for disposal (移交处置) takes effect only once the division chief approves it.", bool),
    Setting("fee_base", "recovered", "Enforcement-fee base: amount recovered or amount applied for (§4.2).", str,
            choices=("recovered", "claimed")),
    Setting("fee_rounding", "fen", "Round fees to the fen or to the whole yuan (§4.2).", str, choices=("fen", "yuan")),
    Setting("no_amount_fee", Decimal("50"), "Enforcement fee for an application without an amount, 50-500 yuan.",
            Decimal),
    Setting("interest_count_start_day", False,
            "Delayed-performance interest also charges the day the performance period expires (§5.2).", bool),
    Setting("wage_priority", False, "Wage claims rank before ordinary claims in a distribution (§5.1).", bool),
    Setting("control_count_start_day", False,
            "A control term counts its first day (expiry one day earlier than the month rule).", bool),
    Setting("expiring_window_days", 30, "Default window, in days, of the expiring-controls list.", int),
]
