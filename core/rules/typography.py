"""Typography of the text of a court document after GB/T 9704-2012 and GB/T 15834-2011 (docs/domain.md §1.1, §7.1).

``check(text)`` returns the problems found in a document's text (plain text, e.g. pdftotext of the PDF with the line
breaks removed), each with its kind, position and the text around it. Pure: no Django, no I/O.

Rules:

* ``half_width``: a half-width comma, colon, semicolon, question or exclamation mark, or parenthesis next to a
  Chinese character (Chinese text takes full-width punctuation: ，：；？！（）). Between digits or Latin letters
  (100,000.00, 09:30, https://…) they stay.
* ``case_number_brackets``: a case number's year is in full-width round brackets, as the law writes it
  (（2026）京0105执123号); 〔〕 or half-width brackets there are wrong.
* ``document_number_brackets``: a document number (发文字号, 法发〔2009〕11号) puts its year in 〔〕, not in round
  brackets.
* ``unbalanced``: a closing bracket without its opening one, or of another kind (（…〕).
* ``nested_round``: round brackets inside round brackets, except the year of a number (（案号：（2026）…号）)
  or the registry's certificate numbers (甘（2021）…第…号) which are written so.
* ``heading``: heading numbers are 一、 （一） 1. （1）: not 一. 一， (一) 1、 (1) and the like.
* ``full_width_digit``: Arabic numerals are half-width (２０２６ → 2026).
* ``mixed_date``: a date writes all its numbers the same way (2026年十一月 is wrong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff"
_CJK_CHAR = f"[{CJK}]"
CN_DIGITS = "〇零一二三四五六七八九十"

OPENING = {"（": "）", "(": ")", "〔": "〕", "［": "］", "[": "]", "【": "】", "《": "》", "〈": "〉"}
CLOSING = {v: k for k, v in OPENING.items()}

_HALF_WIDTH = re.compile(rf"(?<={_CJK_CHAR})\s*[,:;?!()]|[,:;?!()]\s*(?={_CJK_CHAR})")
# A year in brackets followed by a court code (one character, 2 or 4 digits) and a type code: a case number.
_CASE_NUMBER = re.compile(rf"([（(〔［\[【])(\d{{4}})([）)〕］\]】])(?={_CJK_CHAR}\d{{2,4}}{_CJK_CHAR})")
# Issuer and kind (法发, 国办发 …) then a year in brackets then the serial: a document number (发文字号).
_DOCUMENT_NUMBER = re.compile(rf"(?<={_CJK_CHAR}发)([（(［\[【])(\d{{4}})([）)］\]】])(?=\d+号)")
_HEADING = re.compile(
    rf"(?:^|(?<=[。；：！？]))\s*(?:"
    rf"[{CN_DIGITS}]+[.．,，](?!\d)"  # 一. 一，  → 一、
    rf"|\([{CN_DIGITS}]+\)|（[{CN_DIGITS}]+\)|\([{CN_DIGITS}]+）"  # (一) → （一）
    rf"|\d+、"  # 1、 → 1.
    rf"|\(\d+\)|（\d+\)|\(\d+）"  # (1) → （1）
    rf")"
)
_FULL_WIDTH_DIGIT = re.compile(r"[０-９]+")
_MIXED_DATE = re.compile(
    rf"\d{{4}}年[{CN_DIGITS}]+月|[{CN_DIGITS}]{{4}}年\d+月|\d+月[{CN_DIGITS}]+日|[{CN_DIGITS}]+月\d+日"
)
# Brackets that are part of a number: the year of a case or document number, the registry's certificate numbers.
_NUMBER_YEAR = re.compile(r"[（(〔]\d{4}[）)〕]")


@dataclass(frozen=True)
class Problem:
    kind: str
    position: int
    excerpt: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.position}: …{self.excerpt}…"


def _excerpt(text: str, start: int, end: int, margin: int = 8) -> str:
    return text[max(0, start - margin): end + margin]


def _brackets(text: str) -> list[Problem]:
    problems = []
    stack: list[tuple[str, int]] = []
    number_years = {m.start() for m in _NUMBER_YEAR.finditer(text)}
    for index, char in enumerate(text):
        if char in OPENING:
            if char in "（(" and index not in number_years and any(o in "（(" for o, _i in stack):
                problems.append(Problem("nested_round", index, _excerpt(text, index, index + 1)))
            stack.append((char, index))
        elif char in CLOSING:
            if not stack or stack[-1][0] != CLOSING[char]:
                problems.append(Problem("unbalanced", index, _excerpt(text, index, index + 1)))
                if stack and CLOSING[char] in (o for o, _i in stack):
                    while stack and stack[-1][0] != CLOSING[char]:
                        stack.pop()
                    stack.pop()
                continue
            stack.pop()
    for char, index in stack:
        problems.append(Problem("unbalanced", index, _excerpt(text, index, index + 1)))
    return problems


def check(text: str) -> list[Problem]:
    """The typography problems of ``text`` (see the module doc), in order of position."""
    problems: list[Problem] = []
    for match in _HALF_WIDTH.finditer(text):
        problems.append(Problem("half_width", match.start(), _excerpt(text, match.start(), match.end())))
    for match in _CASE_NUMBER.finditer(text):
        if match[1] != "（" or match[3] != "）":
            problems.append(Problem("case_number_brackets", match.start(), _excerpt(text, match.start(), match.end())))
    for match in _DOCUMENT_NUMBER.finditer(text):
        problems.append(Problem("document_number_brackets", match.start(),
                                _excerpt(text, match.start(), match.end())))
    for match in _HEADING.finditer(text):
        problems.append(Problem("heading", match.start(), _excerpt(text, match.start(), match.end())))
    for match in _FULL_WIDTH_DIGIT.finditer(text):
        problems.append(Problem("full_width_digit", match.start(), _excerpt(text, match.start(), match.end())))
    for match in _MIXED_DATE.finditer(text):
        problems.append(Problem("mixed_date", match.start(), _excerpt(text, match.start(), match.end())))
    problems.extend(_brackets(text))
    return sorted(problems, key=lambda p: (p.position, p.kind))


_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_TO_FULL = re.compile(rf"(?<={_CJK_CHAR})([,:;?!()])|([,:;?!()])(?={_CJK_CHAR})")
_HALF_PAREN_GROUP = re.compile(r"\(([^()]*)\)")


def normalize(text: str) -> str:
    """``text`` with the punctuation GB/T 9704 wants, for printing data typed in (names, addresses, numbers of the
    basis document): half-width punctuation next to Chinese full-width, a case number's year in （）, full-width
    digits half-width. Digits, Latin text, URLs and amounts (100,000.00) are left alone."""
    if not text or not isinstance(text, str):
        return text
    text = _FULL_WIDTH_DIGIT.sub(lambda m: "".join(chr(ord(c) - 0xFEE0) for c in m[0]), text)
    text = _CASE_NUMBER.sub(lambda m: f"（{m[2]}）", text)
    # A bracket pair with Chinese on either side is a Chinese bracket pair: (集团) → （集团）, both halves.
    text = _HALF_PAREN_GROUP.sub(
        lambda m: f"（{m[1]}）" if re.search(_CJK_CHAR, text[max(0, m.start() - 1): m.end() + 1]) else m[0], text)
    return _TO_FULL.sub(lambda m: _FULL_WIDTH[m[1] or m[2]], text)


_ROUND_PAIR = re.compile(r"（([^（）]*)）")


def inner(text: str) -> str:
    """``text`` to be printed inside round brackets: its own round brackets become square ones (GB/T 15834: brackets
    within brackets), except the year of a number (（2026）甘0503执1号 stays as the law writes it)."""
    if not text or not isinstance(text, str):
        return text
    return _ROUND_PAIR.sub(lambda m: m[0] if re.fullmatch(r"\d{4}", m[1]) else f"［{m[1]}］", text)
