"""Every write on cases goes through these services (keyword-only arguments, one transaction, policy checked)."""

from .actions import action_log, attachment_add
from .closures import (
    case_resume, closure_approve, closure_checklist, closure_request, closure_return, missing_conditions,
)
from .zhongben import debtor_cards
from .leads import (
    instalment_record, lead_handle, lead_register, petition_answer, petition_register, settlement_breach,
    settlement_register,
)
from .parties import PartyDetailsStale, party_details_update
from .registration import (
    PartyConflict, PartyConflictError, PartyInput, case_number_allocate, case_register, parties_errors, party_message,
    party_row_labels, party_upsert,
)
from .suspensions import suspension_approve, suspension_request, suspension_return
from .workflow import (
    allowed_transitions, case_assign, case_stream_override, case_transition, term_extension_grant, term_pause_close,
    term_pause_open, transition_guard,
)

__all__ = [
    "PartyConflict", "PartyConflictError", "PartyDetailsStale", "PartyInput", "action_log", "allowed_transitions", "attachment_add", "case_assign", "case_number_allocate",
    "case_register", "case_resume", "case_stream_override", "case_transition", "closure_approve",
    "closure_checklist", "closure_request", "closure_return", "debtor_cards", "instalment_record", "lead_handle",
    "lead_register", "missing_conditions", "parties_errors", "party_details_update", "party_message",
    "party_row_labels", "party_upsert", "petition_answer", "petition_register", "settlement_breach",
    "settlement_register", "suspension_approve", "suspension_request", "suspension_return",
    "term_extension_grant", "term_pause_close", "term_pause_open", "transition_guard",
]
