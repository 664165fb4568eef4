"""Check-character algorithms for party identifiers (domain.md §8), free of any validation policy.

* GB 11643-1999 resident identity number: ISO 7064 MOD 11-2 (§8.1).
* GB 32100-2015 unified social credit code: weighted sum mod 31 over a 31-character alphabet (§8.2).
* GB 11714 organisation code, positions 9-17 of a USCC: weighted sum mod 11 (§8.2; rule text UNCONFIRMED).
"""

from __future__ import annotations

# §8.1: GB 11643 weights for positions 1-17 and the check character for each remainder mod 11.
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECK_CHARS = "10X98765432"
# §8.2: GB 32100 alphabet (no I, O, S, V, Z) and weights 3^(i-1) mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# §8.2: GB 11714 organisation-code weights; letters count A=10 ... Z=35.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 MOD 11-2 check character for 17 digits (§8.1)."""
    total = sum(int(char) * weight for char, weight in zip(first17, RIC_WEIGHTS, strict=True))
    return RIC_CHECK_CHARS[total % 11]


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for 17 USCC characters; C18 = 31 maps to '0' (§8.2)."""
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for the 8 body characters of an organisation code (§8.2)."""
    total = sum(int(char, 36) * weight for char, weight in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))
