"""Case numbers (案号) per domain.md §1.

Layout (§1.1, AH-2015 art 3): "（" + year + "）" + court code + type code + serial + "号", e.g. （2024）甘0503执123号.
Generated numbers use full-width brackets; input may use half-width brackets too (and 〔〕, seen in practice).
The pre-2016 form （2015）麦执字第123号 is parsed (flagged ``legacy_form``) but never generated (§1.1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

FIRST_NEW_FORM_YEAR = 2016  # AH-2015 took effect on 2016-01-01 (§1.1)


class CaseCategory(models.TextChoices):
    IMPLEMENTATION = "implementation", _("enforcement implementation (实施类)")
    REVIEW = "review", _("enforcement review (审查类)")


class CaseTypeCode(models.TextChoices):
    """Enforcement type codes, SPC code group 1000 (§1.3)."""

    FIRST = "执", _("first enforcement")
    RESUMED = "执恢", _("resumed enforcement")
    PRESERVATION = "执保", _("preservation enforcement")
    OBJECTION = "执异", _("enforcement objection")
    RECONSIDERATION = "执复", _("enforcement reconsideration")
    SUPERVISION = "执监", _("enforcement supervision")
    COORDINATION = "执协", _("enforcement coordination")
    OTHER = "执他", _("other enforcement case")

    @property
    def category(self) -> CaseCategory:
        return CASE_TYPE_CATEGORY[self]

    @property
    def standard_code(self) -> str:
        return CASE_TYPE_STANDARD_CODE[self]


# §1.3: 1002-1004 belong to group 1001 (实施类); 1006-1010 to group 1005 (审查类). 执他 (1010) covers requests for
# instructions etc., which LAJA-2014 art 1 lists under review cases, so it is treated as 审查类.
CASE_TYPE_CATEGORY = {
    CaseTypeCode.FIRST: CaseCategory.IMPLEMENTATION,
    CaseTypeCode.RESUMED: CaseCategory.IMPLEMENTATION,
    CaseTypeCode.PRESERVATION: CaseCategory.IMPLEMENTATION,
    CaseTypeCode.OBJECTION: CaseCategory.REVIEW,
    CaseTypeCode.RECONSIDERATION: CaseCategory.REVIEW,
    CaseTypeCode.SUPERVISION: CaseCategory.REVIEW,
    CaseTypeCode.COORDINATION: CaseCategory.REVIEW,
    CaseTypeCode.OTHER: CaseCategory.REVIEW,
}
CASE_TYPE_STANDARD_CODE = {
    CaseTypeCode.FIRST: "1002",
    CaseTypeCode.RESUMED: "1003",
    CaseTypeCode.PRESERVATION: "1004",
    CaseTypeCode.OBJECTION: "1006",
    CaseTypeCode.RECONSIDERATION: "1007",
    CaseTypeCode.SUPERVISION: "1008",
    CaseTypeCode.COORDINATION: "1009",
    CaseTypeCode.OTHER: "1010",
}

# §1.2: high-court codes are the province abbreviations, plus 内 (Inner Mongolia), 军 (PLA) and 兵 (XPCC).
HIGH_COURT_CODES = frozenset("京津沪渝冀晋内辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新军兵")
SUPREME_COURT_CODE = "最高法"

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_COURT = rf"(?P<court>{SUPREME_COURT_CODE}|[{_HAN}](?:[0-9]{{4}}|[0-9]{{2}})?)"
_NEW_FORM = re.compile(rf"\((?P<year>[0-9]{{4}})\){_COURT}(?P<type>[{_HAN}]{{1,3}}?)(?P<serial>[0-9]+)号")
_OLD_FORM = re.compile(rf"\((?P<year>[0-9]{{4}})\)(?P<middle>[{_HAN}0-9]{{2,12}}?)字第(?P<serial>[0-9]+)号")
_TYPE_CODE = re.compile(rf"[{_HAN}]{{1,3}}")
# Characters that start a type code in old numbers (执, 民初, 刑终, 行初, 商外初, 知, 赔, 破 ...), used to split
# "court + type" in the legacy form, where no separator exists.
_OLD_TYPE_STARTS = "执民刑行商知赔破立监催督特保仲财司"


@dataclass(frozen=True)
class ParsedCaseNumber:
    year: int
    court_code: str
    type_code: str
    serial: int
    legacy_form: bool = False  # the 字第 form: pre-2016 court numbers (some non-court issuers still use it)

    @property
    def is_enforcement(self) -> bool:
        return self.type_code in CaseTypeCode.values

    @property
    def category(self) -> CaseCategory | None:
        return CASE_TYPE_CATEGORY[CaseTypeCode(self.type_code)] if self.is_enforcement else None

    @property
    def normalized(self) -> str:
        """The number with full-width brackets, in its own (new or legacy) form."""
        if self.legacy_form:
            return f"（{self.year}）{self.court_code}{self.type_code}字第{self.serial}号"
        return f"（{self.year}）{self.court_code}{self.type_code}{self.serial}号"


def _fail(message, code: str, **params) -> NoReturn:
    raise ValidationError(message, code=code, params=params)


def validate_court_code(court_code: str) -> str:
    """Check the shape of a court code (§1.2): 最高法, or a high-court character plus 2 (intermediate) or 4
    (basic) digits. Whether the code exists is a lookup-table question, not answered here."""
    court_code = (court_code or "").strip()
    match = re.fullmatch(_COURT, court_code)
    if court_code != SUPREME_COURT_CODE and (not match or court_code[0] not in HIGH_COURT_CODES):
        _fail(
            _("Court code %(value)s is not valid: expected 最高法, or a province abbreviation such as 甘 followed "
              "by nothing, 2 digits (intermediate court) or 4 digits (basic court)."),
            "case_number_court", value=court_code,
        )
    return court_code


def format_case_number(*, year: int, court_code: str, type_code: CaseTypeCode | str, serial: int) -> str:
    """Build a case number in the post-2016 form with full-width brackets, e.g. （2024）甘0503执123号 (§1.1)."""
    if not FIRST_NEW_FORM_YEAR <= year <= 9999:
        _fail(
            _("Year %(value)s cannot be numbered: the current format applies from %(first)s; older numbers are "
              "parsed only."),
            "case_number_year", value=year, first=FIRST_NEW_FORM_YEAR,
        )
    court_code = validate_court_code(court_code)
    type_code = str(type_code)
    if not _TYPE_CODE.fullmatch(type_code):
        _fail(_("Type code %(value)s is not valid: it must be 1 to 3 Chinese characters."),
              "case_number_type", value=type_code)
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1:
        _fail(_("Serial number %(value)s is not valid: it must be a whole number from 1."),
              "case_number_serial", value=serial)
    return f"（{year}）{court_code}{type_code}{serial}号"


def _clean(text: str) -> str:
    """NFKC turns （）and full-width digits into ASCII; 〔〕 are mapped to brackets; whitespace is dropped."""
    text = unicodedata.normalize("NFKC", text or "").translate(str.maketrans("〔〕［］", "()()"))
    return "".join(text.split())


def parse_case_number(text: str, *, enforcement_only: bool = False) -> ParsedCaseNumber:
    """Parse a case number or a basis-document number such as （2023）甘0503民初456号 (any type code of 1-3 Chinese
    characters), accepting half- and full-width brackets and the legacy 字第 form (§1.1).

    With ``enforcement_only`` the type code must be one of ``CaseTypeCode`` (§1.3).
    """
    cleaned = _clean(text)
    if match := _OLD_FORM.fullmatch(cleaned):  # first: the new-form pattern would read 执字第 as a type code
        court, type_code = _split_old_middle(match["middle"])
        parsed = ParsedCaseNumber(int(match["year"]), court, type_code, int(match["serial"]), legacy_form=True)
    elif match := _NEW_FORM.fullmatch(cleaned):
        court = match["court"]
        if court != SUPREME_COURT_CODE and court[0] not in HIGH_COURT_CODES:
            _fail(_("Court code %(value)s in %(text)s is not valid: it must start with a province abbreviation "
                    "or be 最高法."), "case_number_court", value=court, text=text)
        parsed = ParsedCaseNumber(int(match["year"]), court, match["type"], int(match["serial"]))
    else:
        _fail(
            _("%(text)s is not a case number: expected （year）court code + type code + serial + 号, "
              "e.g. （2024）甘0503执123号."),
            "case_number_format", text=text,
        )
    if parsed.serial < 1:
        _fail(_("Serial number %(value)s is not valid: it must be a whole number from 1."),
              "case_number_serial", value=parsed.serial)
    if enforcement_only and not parsed.is_enforcement:
        _fail(
            _("%(text)s is not an enforcement case number: type code %(type)s is not one of %(allowed)s."),
            "case_number_type", text=text, type=parsed.type_code, allowed="、".join(CaseTypeCode.values),
        )
    return parsed


def _split_old_middle(middle: str) -> tuple[str, str]:
    """Split e.g. 麦执 -> (麦, 执), 甘民一终 -> (甘, 民一终): the court part keeps at least one character and the
    type code starts at the first later character that begins a type code; 执 wins if present."""
    rest = middle[1:]
    if "执" in rest:
        cut = 1 + rest.index("执")
    else:
        cut = next((i for i, char in enumerate(middle) if i >= 1 and char in _OLD_TYPE_STARTS), len(middle))
    return middle[:cut], middle[cut:]
