"""Party identifier validation (domain.md §8).

* Resident identity number, GB 11643-1999: 18 characters, ISO 7064 MOD 11-2 check character (§8.1).
* Unified social credit code (USCC), GB 32100-2015: 18 characters from a 31-character alphabet (§8.2), with the
  optional GB 11714 organisation-code check on positions 9-17 reported as a warning only (rule text unconfirmed).
* Legacy identifiers still printed on old judgments: 15-digit resident numbers, 9-character organisation codes,
  15-digit registration numbers; validated loosely and flagged for a human look.
* Passports, HK/Macao/Taiwan documents, foreign permanent resident cards and "other": loose checks only; §8.1
  says the rules for these are UNCONFIRMED, so nothing about them is a hard error beyond shape.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .checksums import USCC_ALPHABET, org_code_check_char, resident_id_check_char, uscc_check_char


class IdKind(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity number")
    RESIDENT_ID_15 = "resident_id_15", _("Resident identity number (legacy, 15 digits)")
    USCC = "uscc", _("Unified social credit code")
    ORG_CODE = "org_code", _("Organisation code (legacy, 9 characters)")
    REG_NO = "reg_no", _("Registration number (legacy, 15 digits)")
    PASSPORT = "passport", _("Passport")
    HK_MO_TW = "hk_mo_tw", _("Hong Kong, Macao or Taiwan resident document")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID card")
    OTHER = "other", _("Other document")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


@dataclass(frozen=True)
class IdCheckResult:
    normalized: str
    kind: IdKind
    birth_date: date | None = None
    sex: Sex | None = None
    warnings: list[str] = field(default_factory=list)
    flagged: bool = False  # True for legacy or loosely checked identifiers and whenever there is a warning


# First two digits of GB/T 2260 province-level codes; 81/82/83 are used by HK/Macao/Taiwan residence permits.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

_RIC18 = re.compile(r"[0-9]{17}[0-9X]")
_ORG = re.compile(r"[0-9A-Z]{8}[0-9X]")
_LOOSE = re.compile(r"[0-9A-Z()]{5,20}")
_PASSPORT_LIKE = re.compile(r"[A-Z]{1,2}[0-9]{6,10}")


def _is_digits(text: str) -> bool:
    """ASCII digits only (str.isdigit would also accept e.g. Arabic-Indic or Kharosthi digits)."""
    return bool(text) and all("0" <= char <= "9" for char in text)


def normalize_id(value: str) -> str:
    """NFKC-normalise (full-width digits and letters become ASCII), upper-case and drop all whitespace (§8.1)."""
    return "".join(unicodedata.normalize("NFKC", value or "").upper().split())


def resident_id_15_to_18(value: str) -> str:
    """Upgrade a legacy 15-digit resident number: insert the century '19' and append the check character."""
    digits = normalize_id(value)
    first17 = digits[:6] + "19" + digits[6:]
    return first17 + resident_id_check_char(first17)


def _fail(message, code: str, **params) -> NoReturn:
    raise ValidationError(message, code=code, params=params)


def _parse_yyyymmdd(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _check_length(value: str, expected: int) -> None:
    if len(value) != expected:
        _fail(
            _("The number must have %(expected)d characters; %(given)d given."),
            "id_length", expected=expected, given=len(value),
        )


def _check_chars(value: str, allowed, rule) -> None:
    """Raise naming the first character that ``allowed(position, char)`` refuses; ``rule`` explains the set."""
    for position, char in enumerate(value, start=1):
        if not allowed(position, char):
            _fail(
                _("Character %(char)s at position %(position)d is not allowed: %(rule)s"),
                "id_charset", char=char, position=position, rule=rule,
            )


def _check_birth_date(text: str, today: date) -> date:
    born = _parse_yyyymmdd(text)
    if born is None:
        _fail(_("The birth date %(value)s is not a real date."), "id_birth_date", value=text)
    if born > today:
        _fail(_("The birth date %(value)s is in the future."), "id_birth_date_future", value=born.isoformat())
    return born


def _check_resident_18(value: str, today: date) -> tuple[date, Sex]:
    """Length, character set, birth date and MOD 11-2 check of an 18-character GB 11643 number (§8.1)."""
    if len(value) == 15 and _is_digits(value):
        _fail(
            _("The number must have 18 characters; 15 given. Use the legacy 15-digit kind for old numbers."),
            "id_length", expected=18, given=15,
        )
    _check_length(value, 18)
    _check_chars(
        value, lambda pos, c: _is_digits(c) or (pos == 18 and c == "X"),
        _("the first 17 characters must be digits and the last a digit or X."),
    )
    born = _check_birth_date(value[6:14], today)
    expected = resident_id_check_char(value[:17])
    if value[17] != expected:
        _fail(
            _("Check character is wrong: expected %(expected)s, given %(given)s."),
            "id_checksum", expected=expected, given=value[17],
        )
    return born, Sex.MALE if int(value[16]) % 2 else Sex.FEMALE


def _validate_resident(value: str, today: date) -> IdCheckResult:
    born, sex = _check_resident_18(value, today)
    warnings = []
    if value[:2] not in PROVINCE_PREFIXES:
        warnings.append(_("The address code %(code)s does not start with a known province code.") % {"code": value[:6]})
    return IdCheckResult(value, IdKind.RESIDENT_ID, born, sex, warnings, bool(warnings))


def _validate_resident_15(value: str, today: date) -> IdCheckResult:
    _check_length(value, 15)
    _check_chars(value, lambda pos, c: _is_digits(c), _("a legacy resident number has digits only."))
    born = _check_birth_date("19" + value[6:12], today)
    sex = Sex.MALE if int(value[14]) % 2 else Sex.FEMALE
    warnings = [_("Legacy 15-digit number without a check digit; the 18-digit form is %(new)s.")
                % {"new": resident_id_15_to_18(value)}]
    return IdCheckResult(value, IdKind.RESIDENT_ID_15, born, sex, warnings, True)


def _validate_uscc(value: str) -> IdCheckResult:
    _check_length(value, 18)
    _check_chars(
        value, lambda pos, c: _is_digits(c) if 3 <= pos <= 8 else c in USCC_ALPHABET,
        _("positions 3-8 must be digits and the others from 0-9 and A-Y without I, O, S, V and Z."),
    )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        _fail(
            _("Check character is wrong: expected %(expected)s, given %(given)s."),
            "id_checksum", expected=expected, given=value[17],
        )
    warnings = []
    org_expected = org_code_check_char(value[8:16])
    if value[16] != org_expected:
        warnings.append(
            _("Positions 9-17 (organisation code %(code)s) fail the GB 11714 check: expected %(expected)s, "
              "given %(given)s.") % {"code": value[8:17], "expected": org_expected, "given": value[16]}
        )
    return IdCheckResult(value, IdKind.USCC, warnings=warnings, flagged=bool(warnings))


def _validate_org_code(value: str) -> IdCheckResult:
    if len(value) == 10 and value[8] == "-":  # printed as XXXXXXXX-X
        value = value[:8] + value[9]
    _check_length(value, 9)
    _check_chars(
        value, lambda pos, c: (_is_digits(c) or c == "X") if pos == 9 else (_is_digits(c) or "A" <= c <= "Z"),
        _("an organisation code has 8 digits or capital letters and a check digit or X."),
    )
    warnings = []
    expected = org_code_check_char(value[:8])
    if value[8] != expected:
        warnings.append(_("The GB 11714 check fails: expected %(expected)s, given %(given)s.")
                        % {"expected": expected, "given": value[8]})
    return IdCheckResult(value, IdKind.ORG_CODE, warnings=warnings, flagged=True)


def _validate_reg_no(value: str) -> IdCheckResult:
    _check_length(value, 15)
    _check_chars(value, lambda pos, c: _is_digits(c), _("a registration number has digits only."))
    return IdCheckResult(value, IdKind.REG_NO, flagged=True)


def _validate_document(value: str, kind: IdKind, today: date) -> IdCheckResult:
    """Passports and HK/Macao/Taiwan or foreign permanent-residence documents: shape only (§8.1, UNCONFIRMED).

    An 18-character number of resident-ID shape (residence permit, the 2023 permanent residence card) also gets the
    GB 11643 date and check-character test, reported as a warning; the address check is skipped.
    """
    if not _LOOSE.fullmatch(value):
        _fail(
            _("A document number must have 5 to 20 digits, capital letters or brackets; %(given)s given."),
            "id_charset", given=value,
        )
    born, sex, warnings = None, None, []
    if kind != IdKind.PASSPORT and _RIC18.fullmatch(value):
        try:
            born, sex = _check_resident_18(value, today)
        except ValidationError as error:
            warnings = [str(message) for message in error.messages]
    return IdCheckResult(value, kind, born, sex, warnings, bool(warnings))


def _validate_other(value: str) -> IdCheckResult:
    if len(value) > 50:
        _fail(_("The number must have at most %(expected)d characters; %(given)d given."),
              "id_length", expected=50, given=len(value))
    return IdCheckResult(value, IdKind.OTHER, flagged=True)


def validate_party_id(*, kind: IdKind | str, value: str, today: date | None = None) -> IdCheckResult:
    """Check ``value`` as an identifier of ``kind``; raise ValidationError whose code and message name the check.

    Codes: id_required, id_length, id_charset, id_birth_date, id_birth_date_future, id_checksum (the message gives
    the expected and the given check character). ``today`` (default: date.today()) bounds the birth date.
    """
    kind = IdKind(kind)
    today = today or date.today()
    normalized = normalize_id(value)
    if not normalized:
        _fail(_("The identification number is required."), "id_required")
    if kind == IdKind.RESIDENT_ID:
        return _validate_resident(normalized, today)
    if kind == IdKind.RESIDENT_ID_15:
        return _validate_resident_15(normalized, today)
    if kind == IdKind.USCC:
        return _validate_uscc(normalized)
    if kind == IdKind.ORG_CODE:
        return _validate_org_code(normalized)
    if kind == IdKind.REG_NO:
        return _validate_reg_no(normalized)
    if kind == IdKind.OTHER:
        return _validate_other(normalized)
    return _validate_document(normalized, kind, today)


def guess_id_kind(value: str) -> IdKind:
    """A best guess of the kind from the shape and check characters, to pre-fill a form; never authoritative.

    An 18-character value passing the resident-ID check wins over the USCC (all-digit USCCs exist but are rare).
    A 15-digit value with a plausible 19YYMMDD date at positions 7-12 is taken for a legacy resident number.
    """
    v = normalize_id(value)
    ric_shape = bool(_RIC18.fullmatch(v))
    uscc_shape = len(v) == 18 and all(c in USCC_ALPHABET for c in v) and _is_digits(v[2:8])
    if ric_shape and resident_id_check_char(v[:17]) == v[17]:
        return _resident_like_kind(v)
    if uscc_shape and uscc_check_char(v[:17]) == v[17]:
        return IdKind.USCC
    if ric_shape:
        return _resident_like_kind(v)
    if uscc_shape:
        return IdKind.USCC
    if len(v) == 15 and _is_digits(v):
        return IdKind.RESIDENT_ID_15 if _parse_yyyymmdd("19" + v[6:12]) else IdKind.REG_NO
    if len(v) == 10 and v[8] == "-":
        v = v[:8] + v[9]
    if _ORG.fullmatch(v) and (org_code_check_char(v[:8]) == v[8] or not _PASSPORT_LIKE.fullmatch(v)):
        return IdKind.ORG_CODE
    if _PASSPORT_LIKE.fullmatch(v):
        return IdKind.PASSPORT
    return IdKind.OTHER


def _resident_like_kind(value: str) -> IdKind:
    if value[:2] in {"81", "82", "83"}:
        return IdKind.HK_MO_TW  # residence permits for HK/Macao/Taiwan residents use 810000/820000/830000
    if value[0] == "9":
        return IdKind.FOREIGN_PERMANENT  # 2023 permanent residence card (UNCONFIRMED layout, §8.1)
    return IdKind.RESIDENT_ID
