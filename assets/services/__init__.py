"""Every write of the assets app. Locks are taken in one fixed order: case → asset → control measure → disposal →
payout, so concurrent services never deadlock."""

from .calculators import (
    case_fee_calculate,
    distribution_calculate,
    enforcement_fee_calculate,
    interest_calculate,
)
from .controls import control_order, control_release, control_renew, controls_lapse_due
from .disposal import (
    auction_round_record_result,
    auction_round_schedule,
    disposal_handover_record,
    disposal_reference_price_set,
    disposal_ruling_record,
    disposal_start,
    disposal_transfer_in_lieu,
    disposal_withdraw,
)
from .distribution import distribution_plan_approve, distribution_plan_prepare, distribution_plan_withdraw
from .handover import handover_approve, handover_reject, handover_request, handover_withdraw
from .ledger import (
    entry_reverse,
    entry_reverse_check,
    fee_transfer_record,
    receipt_duplicate_of,
    receipt_record,
    receipts_settle,
    reversal_confirm,
    reversal_reject,
)
from .payouts import payout_approve, payout_cancel, payout_execute, payout_prepare, payout_return
from .register import asset_register, objection_decide, objection_record

__all__ = [
    "asset_register", "auction_round_record_result", "auction_round_schedule", "case_fee_calculate",
    "control_order", "control_release", "control_renew", "controls_lapse_due", "disposal_handover_record",
    "disposal_reference_price_set", "disposal_ruling_record", "disposal_start", "disposal_transfer_in_lieu",
    "disposal_withdraw", "distribution_calculate", "distribution_plan_approve", "distribution_plan_prepare",
    "distribution_plan_withdraw", "fee_transfer_record", "enforcement_fee_calculate", "entry_reverse", "entry_reverse_check",
    "handover_approve", "handover_reject", "handover_request", "handover_withdraw",
    "interest_calculate", "objection_decide", "objection_record", "payout_approve", "payout_cancel",
    "payout_execute", "payout_prepare", "payout_return", "receipt_duplicate_of", "receipt_record", "receipts_settle",
    "reversal_confirm", "reversal_reject",
]
