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

    Digits may be full width and grouped by spaces or dashes ("6205 0320-2610 0012 334"). A candidate starts and ends
    at a group boundary, so a reference is found inside "案号（2026）甘0503执12号 6205…" or next to a phone number
    written after a space, never by cutting a group in two; the longest valid candidate from a position wins and its
    parts are not reported again. A run of digits without separators that is longer than a reference (the court's
    account number with the reference appended, as the sub-account is printed) also yields its last ``REFERENCE_LENGTH`` digits when they are valid. Only
    references passing ``is_valid_payment_reference`` are returned."""
    folded = unicodedata.normalize("NFKC", text or "")
    found: list[str] = []
    for token in _TOKEN.finditer(folded):
        groups = _GROUP.findall(token.group())
        start = 0
        while start < len(groups):
            best = None
            digits = ""
            for end in range(start, len(groups)):
                digits += groups[end]
                if len(digits) > MAX_REFERENCE_LENGTH:
                    break
                if len(digits) >= MIN_REFERENCE_LENGTH and is_valid_payment_reference(digits):
                    best = (end, digits)
            if best is None and len(groups[start]) > REFERENCE_LENGTH:
                best = _valid_tail(groups[start], start)
            if best is None:
                start += 1
                continue
            if best[1] not in found:
                found.append(best[1])
            start = best[0] + 1
    return found


def _valid_tail(run: str, index: int) -> tuple[int, str] | None:
    """A reference of the issued length ending a longer unbroken run of digits (account number + reference)."""
    tail = run[-REFERENCE_LENGTH:]
    return (index, tail) if is_valid_payment_reference(tail) else None
