"""Matching rules for money arriving on the court's fund account (一案一账号), as pure functions over plain data.

A credit line of a bank statement is matched to a case by, in this order (docs/statements.md):

1. ``reference``   - the case's own fund-account reference (``Case.account_reference``), either the sub-account
                     (子账号) the payer paid to or a reference written in the remark: confidence 100;
2. ``case_number`` - a case number such as （2026）甘0503执1234号 in the remark (brackets full or half width, 〔〕,
                     spaces anywhere): 90, or 95 when the payer (or the remark) also names a debtor of that case;
3. ``debtor_name`` - the payer (or a name in the remark) is a respondent of exactly one open case of the court: 70;
4. ``amount_payer`` - the payer is a respondent of an open case and the amount is what that case expects: an unpaid
                     instalment of its active settlement due within 15 days either side of the booking date, or the
                     case's outstanding amount: 60 (only if exactly one case fits).

Nothing here reads the database: ``statements.matching`` gathers the candidates in a handful of set-based queries and
calls :func:`decide` once per line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

RULE_REFERENCE = "reference"
RULE_CASE_NUMBER = "case_number"
RULE_DEBTOR_NAME = "debtor_name"
RULE_AMOUNT_PAYER = "amount_payer"

CONFIDENCE = {
    RULE_REFERENCE: 100,
    RULE_CASE_NUMBER: 90,
    "case_number_and_name": 95,
    RULE_DEBTOR_NAME: 70,
    RULE_AMOUNT_PAYER: 60,
}
INSTALMENT_WINDOW_DAYS = 15
MIN_NAME_LENGTH = 2  # a one-character "name" found inside a remark would match anything

# Why a line stays unmatched (stored on the line, shown on the unidentified queue; translated in the templates).
NOTE_OTHER_COURT = "other_court"
NOTE_CLOSED_CASE = "closed_case"
NOTE_AMBIGUOUS = "ambiguous"
NOTE_NOTHING = ""

_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "［": "(", "］": ")", "【": "(", "】": ")", "[": "(", "]": ")",
                           "﹝": "(", "﹞": ")", "（": "(", "）": ")"})
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
# （year）court code + type code + serial + 号; the court code is a province character with 2 or 4 digits (or none).
_CASE_NUMBER = re.compile(
    rf"\((?P<year>(?:19|20)[0-9]{{2}})\)(?P<court>最高法|[{_HAN}](?:[0-9]{{4}}|[0-9]{{2}})?)"
    rf"(?P<type>[{_HAN}]{{1,3}}?)(?P<serial>[0-9]{{1,7}})号")
_DOTS = str.maketrans({"•": "·", "‧": "·", "・": "·", "．": "·"})
_NAME_SPLIT = re.compile(rf"[^{_HAN}A-Za-z0-9·()]+")


_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        r"\u2066-\u206f\ufeff]+")


def _compact(text: str | None) -> str:
    """NFKC (full width folded), brackets unified to ASCII, whitespace and invisible (format) characters removed."""
    if not text:
        return ""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(_BRACKETS))


def extract_case_numbers(text: str | None) -> list[str]:
    """The case numbers written in a free text (a bank remark), each in the printed form （2026）甘0503执1234号, in
    order of appearance, without repeats. Half- and full-width brackets, 〔〕/［］/【】, full-width digits and spaces
    anywhere inside the number are tolerated."""
    found: list[str] = []
    for match in _CASE_NUMBER.finditer(_compact(text)):
        number = f"（{match['year']}）{match['court']}{match['type']}{int(match['serial'])}号"
        if number not in found:
            found.append(number)
    return found


def normalize_name(name: str | None) -> str:
    """A party or payer name as compared: full width folded, spaces and invisible characters removed, the middle
    dot of transliterated names unified, Latin letters upper-cased (张 三 = 张三, ＡＢＣ公司 = ABC公司)."""
    return _compact(name).translate(_DOTS).upper()


def name_candidates(payer_name: str | None, remark: str | None) -> list[str]:
    """The names a line may carry: the payer's, then the words of the remark (split on punctuation and spaces),
    normalised, at least two characters, without repeats. Words are compared whole against the debtors' names, so
    "代张三还款" does not match 张三 but "张三 还款" does."""
    names: list[str] = []
    for raw in [payer_name or "", *_NAME_SPLIT.split(unicodedata.normalize("NFKC", remark or ""))]:
        name = normalize_name(raw)
        if len(name) >= MIN_NAME_LENGTH and not name.isdigit() and name not in names:
            names.append(name)
    return names


def compact_digits(text: str | None) -> str:
    return _compact(text).replace("-", "")


# --- Payment references (h6 owns their check digits: core/rules/payment_ref.py) ----------------------------------
_DIGIT_RUN = re.compile(r"[0-9](?:[0-9]|[ \-](?=[0-9]))*[0-9]")


def find_references_fallback(text: str | None, *, min_length: int = 10) -> list[str]:
    """Digit runs of at least ``min_length`` digits in a free text (spaces and dashes between digits tolerated).

    FALLBACK until h6's ``core.rules.payment_ref.find_payment_references`` (check digits) is merged: the matcher
    then only keeps the runs that are some case's ``account_reference`` exactly, so a wrong run matches nothing.
    INTEGRATOR: replace the call in ``find_references`` by h6's function."""
    found: list[str] = []
    for match in _DIGIT_RUN.finditer(unicodedata.normalize("NFKC", text or "")):
        digits = re.sub(r"[ \-]", "", match.group())
        if len(digits) >= min_length and digits not in found:
            found.append(digits)
    return found


try:  # h6's check-digit aware finder, once merged (INTEGRATOR: drop the fallback then)
    from core.rules.payment_ref import find_payment_references as _find_payment_references
except ImportError:  # pragma: no cover - until the integrator merges h6
    _find_payment_references = None


def find_references(text: str | None) -> list[str]:
    """Payment references written in a remark."""
    if not text:
        return []
    if _find_payment_references is None:
        return find_references_fallback(text)
    return _find_payment_references(text)


def line_references(sub_account: str | None, remark: str | None, account_number: str | None = "") -> list[str]:
    """The references a line carries: its sub-account (as given, digits only; where it is the fund account's number
    with a suffix, the suffix too) first, then those in the remark."""
    refs = []
    sub = compact_digits(sub_account)
    if sub:
        refs.append(sub)
        account = compact_digits(account_number)
        if account and sub.startswith(account) and len(sub) > len(account):
            refs.append(sub[len(account):])
    for ref in find_references(remark):
        if ref not in refs:
            refs.append(ref)
    return refs


# --- Receipt kind ------------------------------------------------------------------------------------------------
_DEDUCTION_WORDS = ("扣划", "划扣", "划拨", "扣款", "协助执行", "强制扣", "冻结款")


def receipt_kind(remark: str | None, payer_name: str | None = "") -> str:
    """``bank_deduction`` when the bank deducted the money on the court's order (扣划/协助执行...), else
    ``debtor_payment``."""
    text = _compact(remark) + _compact(payer_name)
    return "bank_deduction" if any(word in text for word in _DEDUCTION_WORDS) else "debtor_payment"


# --- Escalation --------------------------------------------------------------------------------------------------
def escalation_cutoff(*, today: date, working_days: int, calendar) -> date:
    """The latest ``waiting_since`` that is overdue today: a line waiting since ``d`` escalates once ``today`` is
    after the ``working_days``-th working day after ``d`` (``d`` itself not counted; ``calendar`` is a
    ``core.rules.calendar.WorkCalendar``). Lines waiting since this date or earlier are escalated."""
    from datetime import timedelta

    day = today - timedelta(days=1)
    while calendar.add_working_days(day, working_days) >= today:
        day -= timedelta(days=1)
    return day


# --- Deciding one line -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseFacts:
    """What the matcher knows of a candidate case."""

    id: int
    court_id: int
    open: bool
    outstanding: Decimal = Decimal("0.00")  # amount claimed less amount recovered
    debtor_names: frozenset[str] = frozenset()  # normalised respondents' names
    instalments: tuple[tuple[date, Decimal], ...] = ()  # unpaid instalments of an active settlement (due, amount)


@dataclass(frozen=True)
class LineFacts:
    amount: Decimal
    booked_on: date
    references: tuple[str, ...] = ()
    case_numbers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    case_id: int | None
    rule: str = ""
    confidence: int = 0
    note: str = NOTE_NOTHING

    @property
    def matched(self) -> bool:
        return self.case_id is not None


@dataclass
class Candidates:
    """The candidate cases found for a line, by what led to them."""

    by_reference: dict[str, CaseFacts] = field(default_factory=dict)
    by_number: dict[str, CaseFacts] = field(default_factory=dict)
    by_name: dict[str, list[CaseFacts]] = field(default_factory=dict)  # this court's open cases per debtor name


def expects(case: CaseFacts, *, amount: Decimal, booked_on: date) -> bool:
    """Does the case expect this amount around this date (rule 4)?"""
    if case.outstanding > 0 and amount == case.outstanding:
        return True
    return any(due_amount == amount and abs((due - booked_on).days) <= INSTALMENT_WINDOW_DAYS
               for due, due_amount in case.instalments)


def _may_receive(case: CaseFacts) -> bool:
    return case.open or case.outstanding > 0


def decide(line: LineFacts, candidates: Candidates, *, court_id: int) -> Decision:
    """Rule 1 to 4 in order; a reference or case number of another court stops the line with a note (it is
    never posted here); a closed case with nothing due is not a match."""
    # Rule 1: the case's own reference.
    ours = {c.id: c for ref in line.references if (c := candidates.by_reference.get(ref)) and c.court_id == court_id}
    foreign = [c for ref in line.references if (c := candidates.by_reference.get(ref)) and c.court_id != court_id]
    if len(ours) == 1:
        case = next(iter(ours.values()))
        if not case.open:
            return Decision(None, note=NOTE_CLOSED_CASE)
        return Decision(case.id, RULE_REFERENCE, CONFIDENCE[RULE_REFERENCE])
    if len(ours) > 1:
        return Decision(None, note=NOTE_AMBIGUOUS)
    if foreign:
        return Decision(None, note=NOTE_OTHER_COURT)
    # Rule 2: a case number in the remark.
    numbered = [c for n in line.case_numbers if (c := candidates.by_number.get(n))]
    ours_n = {c.id: c for c in numbered if c.court_id == court_id}
    if len(ours_n) == 1:
        case = next(iter(ours_n.values()))
        if not _may_receive(case):
            return Decision(None, note=NOTE_CLOSED_CASE)
        if case.debtor_names & set(line.names):
            return Decision(case.id, RULE_CASE_NUMBER, CONFIDENCE["case_number_and_name"])
        return Decision(case.id, RULE_CASE_NUMBER, CONFIDENCE[RULE_CASE_NUMBER])
    if len(ours_n) > 1:
        return Decision(None, note=NOTE_AMBIGUOUS)
    if numbered:
        return Decision(None, note=NOTE_OTHER_COURT)
    # Rule 3: the payer (or a name in the remark) is the debtor of exactly one open case.
    named: dict[int, CaseFacts] = {}
    for name in line.names:
        for case in candidates.by_name.get(name, ()):
            if case.court_id == court_id and case.open:
                named[case.id] = case
    if len(named) == 1:
        return Decision(next(iter(named)), RULE_DEBTOR_NAME, CONFIDENCE[RULE_DEBTOR_NAME])
    # Rule 4: among the payer's cases, exactly one expects this amount.
    fitting = [c for c in named.values() if expects(c, amount=line.amount, booked_on=line.booked_on)]
    if len(fitting) == 1:
        return Decision(fitting[0].id, RULE_AMOUNT_PAYER, CONFIDENCE[RULE_AMOUNT_PAYER])
    return Decision(None, note=NOTE_AMBIGUOUS if named else NOTE_NOTHING)
