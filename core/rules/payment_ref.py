"""The case's payment reference (一案一账号 / 子账号): a digits body with two ISO 7064 MOD 97-10 check digits.

The body is what ``cases.services.registration.account_reference_for`` builds (division code, year, type digit,
serial: 17 digits); the reference is body + check, 19 digits. MOD 97-10 is the IBAN check: the whole reference read
as a number is 1 modulo 97. It catches every single-digit substitution and every transposition of two adjacent digits
(the difference such an error makes is d·10^k or 9·d·10^k with 0 < |d| ≤ 9, never a multiple of the prime 97), and
all but about 1 in 97 of any other errors.

Pure functions, no Django: the bank-statement matcher (``statements``) finds references in remarks with
``find_payment_references`` and checks a typed one with ``is_valid_payment_reference``.
"""

from __future__ import annotations

import re
import unicodedata

# A reference typed into a bank's remark: at least this many digits (a shorter run is a date, an amount, a serial),
# at most the column's width (``Case.account_reference`` max_length 32).
MIN_REFERENCE_LENGTH = 10
MAX_REFERENCE_LENGTH = 32
# The references this system issues: a 17-digit body and two check digits.
REFERENCE_LENGTH = 19
# What may stand between the digits of one reference typed by hand: spaces (any width, after NFKC) and one dash.
_SEPARATOR = r"(?:[ \t\u00a0\u2000-\u200b\u202f\u3000]+|[ ]*[-\u2010-\u2015\u2212\u30fc\uff0d_][ ]*)"
_GROUP = re.compile(r"[0-9]+")
_TOKEN = re.compile(rf"[0-9]+(?:{_SEPARATOR}[0-9]+)*")


def payment_reference_check(body: str) -> str:
    """The two check digits (ISO 7064 MOD 97-10) for a body of ASCII digits: 98 - (body·100 mod 97), zero-padded."""
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError("a payment reference body is one or more ASCII digits")
    return f"{98 - int(body + '00') % 97:02d}"


def payment_reference(body: str) -> str:
    """The full reference: the body followed by its check digits."""
    return body + payment_reference_check(body)


def is_valid_payment_reference(ref: str) -> bool:
    """True for ASCII digits (at least three: a body and two check digits) whose value is 1 modulo 97.

    Strict: no spaces, dashes or full-width digits (``normalize_payment_reference`` first for typed input)."""
    if not isinstance(ref, str) or len(ref) < 3 or len(ref) > MAX_REFERENCE_LENGTH:
        return False
    if not ref.isascii() or not ref.isdigit():
        return False
    return int(ref) % 97 == 1


def normalize_payment_reference(text: str) -> str:
    """A typed reference without its grouping: full-width digits folded (NFKC), spaces and dashes removed. Whatever
    else the text holds is kept, so the result is still checked by ``is_valid_payment_reference``."""
    folded = unicodedata.normalize("NFKC", text or "")
    return re.sub(_SEPARATOR, "", folded).strip()


def format_payment_reference(ref: str, *, group: int = 4, sep: str = " ") -> str:
    """The reference grouped for reading: "6205 0320 2610 0012 334" (groups of four from the left)."""
    return sep.join(ref[i:i + group] for i in range(0, len(ref), group))


def find_payment_references(text: str) -> list[str]:
    """Every valid reference written in ``text`` (a bank remark, a 附言), in order of appearance, without repeats.

    Digits may be full width and grouped by spaces or dashes ("6205 0320-2610 0000 190"). A candidate starts and ends
    at a group boundary, so a reference is found inside "案号（2026）甘0503执12号 6205…" or next to a phone number
    written after a space, never by cutting a group in two. Every valid run of the issued length (``REFERENCE_LENGTH``)
    is taken (digits typed next to a reference can, 1 time in 97, form another valid run overlapping it: both are
    returned, the caller looks them up); then the longest valid run of another length among the groups left. A run of
    digits without separators longer than a reference (the court's account number with the reference appended, as
    the sub-account is printed) also yields its last ``REFERENCE_LENGTH`` digits when they are valid. Only references
    passing ``is_valid_payment_reference`` are returned."""
    folded = unicodedata.normalize("NFKC", text or "")
    hits: list[tuple[int, int, str]] = []
    for number, token in enumerate(_TOKEN.finditer(folded)):
        groups = _GROUP.findall(token.group())
        used = [False] * len(groups)
        # First every run of whole groups of the issued length that is valid (two may overlap by chance: both are
        # returned, the caller looks them up), then the longest valid run of any length among the groups left.
        for start in range(len(groups)):
            digits = ""
            for end in range(start, len(groups)):
                digits += groups[end]
                if len(digits) >= REFERENCE_LENGTH:
                    if len(digits) == REFERENCE_LENGTH and is_valid_payment_reference(digits):
                        hits.append((number, start, digits))
                        used[start:end + 1] = [True] * (end + 1 - start)
                    break
        start = 0
        while start < len(groups):
            best = None if used[start] else _longest_valid(groups, used, start)
            if best is None:
                start += 1
                continue
            hits.append((number, start, best[1]))
            used[start:best[0] + 1] = [True] * (best[0] + 1 - start)
            start = best[0] + 1
        for k, group in enumerate(groups):
            if not used[k] and len(group) > REFERENCE_LENGTH and is_valid_payment_reference(group[-REFERENCE_LENGTH:]):
                hits.append((number, k, group[-REFERENCE_LENGTH:]))
    found: list[str] = []
    for _number, _start, ref in sorted(hits):
        if ref not in found:
            found.append(ref)
    return found


def _longest_valid(groups: list[str], used: list[bool], start: int) -> tuple[int, str] | None:
    """The longest valid run of whole groups from ``start`` over groups not yet used: (last group, digits)."""
    best = None
    digits = ""
    for end in range(start, len(groups)):
        if used[end]:
            break
        digits += groups[end]
        if len(digits) > MAX_REFERENCE_LENGTH:
            break
        if len(digits) >= MIN_REFERENCE_LENGTH and is_valid_payment_reference(digits):
            best = (end, digits)
    return best

