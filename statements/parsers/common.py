"""What every statement parser returns, and the strict readers of amounts, dates and text they share.

A parser never guesses: an amount is a ``Decimal`` read from its text (or from a spreadsheet number only when that
number has at most 2 decimals), a date matches one of the layouts banks print, and anything else is an error naming
the row and the column. Errors of the whole file (wrong encoding, truncated, no header row) raise
``StatementFileError``; errors of single rows are collected so the report lists all of them at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.fields import parse_money
from core.text import strip_invisible

CREDIT, DEBIT = "credit", "debit"
MAX_ROW_ERRORS = 200  # a report longer than this is cut (the first errors are the useful ones)


@dataclass(frozen=True)
class RowError:
    """One problem of the file: ``row`` is the row (spreadsheet/CSV, counted from 1 like the bank's own program
    shows it) or the entry number (MT940, camt.053); 0 is the file itself. ``column`` is the header as the file
    spells it (or the tag/element)."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        return f"{where}{'，' + self.column if self.column else ''}：{self.message}"


class StatementFileError(Exception):
    """The file cannot be imported; ``errors`` says why, row by row."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


def file_error(message: str, *, row: int = 0, column: str = "") -> StatementFileError:
    return StatementFileError([RowError(row, column, message)])


@dataclass
class ParsedLine:
    row: int
    bank_reference: str
    booked_on: date
    amount: Decimal  # > 0; the direction says in or out
    direction: str  # CREDIT | DEBIT
    currency: str = "CNY"
    value_on: date | None = None
    balance: Decimal | None = None
    payer_name: str = ""  # the other party (the payer of a credit, the payee of a debit)
    payer_account: str = ""
    payer_bank: str = ""
    remark: str = ""
    sub_account: str = ""
    account_number: str = ""  # the statement's own account, when the line says it


@dataclass
class ParsedStatement:
    format: str
    lines: list[ParsedLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    account_number: str = ""
    bank: str = ""
    period_from: date | None = None
    period_to: date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None

    def error(self, row: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_ROW_ERRORS:
            self.errors.append(RowError(row, column, message))


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


# --- Amounts ------------------------------------------------------------------------------------------------------

_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?\Z")
_CURRENCY_MARKS = ("¥", "￥", "RMB", "CNY", "元")


def money_text(text: str, *, signed: bool = False) -> tuple[Decimal, int]:
    """An amount as a bank prints it: "1234.56", "1,234.56", "¥1,234.56", "+1234.56"/"-1234.56" (``signed``).
    Returns (amount >= 0, sign +1/-1). Thousands separators only in their places; exponents ("1e3"), more than 2
    decimals, full-width digits and anything else are refused (``CellError``)."""
    raw = strip_invisible(str(text)).strip().replace(" ", "").replace("\u3000", "")
    value = raw
    for mark in _CURRENCY_MARKS:
        if value.startswith(mark):
            value = value[len(mark):]
        if value.endswith(mark):
            value = value[: -len(mark)]
    sign = 1
    if value[:1] in "+-" and value[1:2].isdigit():
        if not signed and value[0] == "+":
            value = value[1:]
        else:
            sign = -1 if value[0] == "-" else 1
            value = value[1:]
    if "," in value:
        if not _GROUPED.match(value):
            raise CellError(_("%(value)s is not an amount: a comma may only separate thousands (1,234.56).")
                            % {"value": raw})
        value = value.replace(",", "")
    try:
        amount = parse_money(value)
    except ValidationError as exc:
        raise CellError(_("%(value)s is not an amount: %(why)s") % {"value": raw, "why": " ".join(exc.messages)})
    return amount, sign


def money_cell(value, *, signed: bool = False) -> tuple[Decimal, int]:
    """An amount from a cell: text (``money_text``), an integer, or a spreadsheet number that has at most 2 decimals
    (read through its shortest decimal form, never through binary arithmetic)."""
    if isinstance(value, bool):
        raise CellError(_("%(value)s is not an amount.") % {"value": value})
    if isinstance(value, int):
        return money_text(str(abs(value)))[0], (-1 if value < 0 else 1)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text or "inf" in text or "nan" in text:
            raise CellError(_("%(value)s is not an amount with at most 2 decimals.") % {"value": text})
        amount = Decimal(text)
        if amount != amount.quantize(Decimal("0.01")):
            raise CellError(_("%(value)s has more than 2 decimals: format the column with 2 decimals or as text.")
                            % {"value": text})
        return money_text(text.lstrip("-"), signed=False)[0], (-1 if amount < 0 else 1)
    if isinstance(value, Decimal):
        return money_text(str(value), signed=True)
    return money_text(value, signed=signed)


# --- Dates --------------------------------------------------------------------------------------------------------

_DATE = re.compile(
    r"(?P<y>[0-9]{4})(?:[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})|年(?P<m2>[0-9]{1,2})月(?P<d2>[0-9]{1,2})日?"
    r"|(?P<m3>[0-9]{2})(?P<d3>[0-9]{2}))"
    r"(?:(?:[ T]+|-)[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:[.:][0-9]{1,6})?)?)?\Z"
)


def date_cell(value) -> date:
    """A date from a cell: a spreadsheet date, or text "2026-03-05", "2026/3/5", "2026.03.05", "20260305",
    "2026年3月5日", each optionally followed by a time ("2026-03-05 10:22:33", ICBC's "2026-03-05-10.22.33")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return date(value.year, value.month, value.day)  # a plain date (libraries return subclasses)
    text = strip_invisible(str(value if value is not None else "")).strip()
    m = _DATE.match(text)
    if not m:
        raise CellError(_("%(value)s is not a date (use 2026-03-05 or 20260305).") % {"value": text})
    y, mo, d = m["y"], m["m"] or m["m2"] or m["m3"], m["d"] or m["d2"] or m["d3"]
    try:
        result = date(int(y), int(mo), int(d))
    except ValueError:
        raise CellError(_("%(value)s is not a date (use 2026-03-05 or 20260305).") % {"value": text})
    if not date(1990, 1, 1) <= result <= date(2199, 12, 31):
        raise CellError(_("%(value)s is not a plausible booking date.") % {"value": text})
    return result


# --- Text ---------------------------------------------------------------------------------------------------------

def text_cell(value, *, max_length: int, column: str = "", cut: bool = False) -> str:
    """Text of a cell with invisible and direction-control characters removed; a spreadsheet number that is a whole
    number is written without ".0" (an account number typed as a number is refused if it lost digits)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 2 ** 53:
            raise CellError(_("%(value)s was stored as a number and lost digits: format the column as text in the "
                              "bank's export.") % {"value": repr(value)})
        value = str(int(value))
    elif isinstance(value, (datetime, date)):
        value = value.isoformat()
    text = str(value)
    if not text.isprintable():  # the fast path (C speed) for the usual cell; else drop the invisible characters
        text = strip_invisible(text)
    text = " ".join(text.split())
    if text in ("-", "--", "—", "/", "无", "（空）", "(空)"):
        return ""
    if len(text) > max_length:
        if cut:
            return text[: max_length - 1] + "…"
        raise CellError(_("Keep this to %(limit)s characters (it has %(length)s).")
                        % {"limit": max_length, "length": len(text)})
    return text


def account_text(value) -> str:
    """An account number compared digit by digit: spaces and hyphens banks print inside it are dropped."""
    return re.sub(r"[\s\-]", "", text_cell(value, max_length=10_000))


def currency_code(value) -> str:
    """The currency of a cell: 人民币/RMB/CNY/156 (the numeric ISO code) and an empty cell are CNY."""
    text = text_cell(value, max_length=20).upper()
    if text in ("", "人民币", "人民币元", "RMB", "CNY", "156", "本币", "01"):
        return "CNY"
    return text
