from .registration import PartyInput, case_number_allocate, case_register, party_upsert

__all__ = ["PartyInput", "case_number_allocate", "case_register", "party_upsert"]
