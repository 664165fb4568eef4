import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.rules.case_numbers import (
    CaseCategory,
    CaseTypeCode,
    ParsedCaseNumber,
    format_case_number,
    parse_case_number,
    validate_court_code,
)

from .helpers import PROPERTY, raises_code


def test_format_uses_full_width_brackets():
    assert format_case_number(year=2024, court_code="甘0503", type_code="执", serial=123) == "（2024）甘0503执123号"


def test_format_accepts_the_enum_and_the_supreme_court():
    number = format_case_number(year=2024, court_code="最高法", type_code=CaseTypeCode.SUPERVISION, serial=5)
    assert number == "（2024）最高法执监5号"


def test_format_refuses_the_pre_2016_form():
    with raises_code("case_number_year", "2015", "2016"):
        format_case_number(year=2015, court_code="甘0503", type_code="执", serial=1)


@pytest.mark.parametrize("court", ["XX", "甘123", "美0503", "", "甘05031"])
def test_format_refuses_malformed_court_codes(court):
    with raises_code("case_number_court"):
        format_case_number(year=2024, court_code=court, type_code="执", serial=1)


@pytest.mark.parametrize("type_code", ["执行异议", "ab", ""])
def test_format_refuses_type_codes_that_are_not_1_to_3_chinese_characters(type_code):
    with raises_code("case_number_type"):
        format_case_number(year=2024, court_code="甘0503", type_code=type_code, serial=1)


@pytest.mark.parametrize("serial", [0, -1, True, "12"])
def test_format_refuses_bad_serials(serial):
    with raises_code("case_number_serial"):
        format_case_number(year=2024, court_code="甘0503", type_code="执", serial=serial)


@pytest.mark.parametrize(
    "text",
    ["(2024)甘0503执123号", "（2024）甘0503执123号", "（２０２４）甘０５０３执１２３号", " (2024) 甘0503 执123号 ",
     "〔2024〕甘0503执123号"],
)
def test_parse_accepts_half_and_full_width_forms(text):
    parsed = parse_case_number(text)
    assert parsed == ParsedCaseNumber(2024, "甘0503", "执", 123)
    assert parsed.normalized == "（2024）甘0503执123号"
    assert parsed.is_enforcement
    assert parsed.category == CaseCategory.IMPLEMENTATION
    assert not parsed.legacy_form


@pytest.mark.parametrize(
    ("text", "court", "type_code"),
    [
        ("(2024)甘执恢12号", "甘", "执恢"),  # high court
        ("(2024)甘05执异3号", "甘05", "执异"),  # intermediate court
        ("(2024)最高法执监1号", "最高法", "执监"),
        ("(2024)内0102执保9号", "内0102", "执保"),
    ],
)
def test_parse_court_levels(text, court, type_code):
    parsed = parse_case_number(text)
    assert (parsed.court_code, parsed.type_code) == (court, type_code)


def test_parse_basis_document_numbers_with_other_type_codes():
    parsed = parse_case_number("（2023）甘0503民初456号")
    assert (parsed.year, parsed.court_code, parsed.type_code, parsed.serial) == (2023, "甘0503", "民初", 456)
    assert not parsed.is_enforcement
    assert parsed.category is None


def test_parse_enforcement_only_refuses_other_type_codes():
    with raises_code("case_number_type", "民初"):
        parse_case_number("（2023）甘0503民初456号", enforcement_only=True)


@pytest.mark.parametrize(
    ("text", "court", "type_code", "serial"),
    [
        ("(2015)麦执字第00123号", "麦", "执", 123),
        ("（2014）甘民一终字第45号", "甘", "民一终", 45),
        ("(2013)天麦执异字第7号", "天麦", "执异", 7),
        ("(2014)民执字第12号", "民", "执", 12),  # 民勤 court: the court part may itself start a type code
    ],
)
def test_parse_legacy_form_is_flagged(text, court, type_code, serial):
    parsed = parse_case_number(text)
    assert parsed.legacy_form
    assert (parsed.court_code, parsed.type_code, parsed.serial) == (court, type_code, serial)
    assert parsed.normalized.startswith("（")
    assert "字第" in parsed.normalized


@pytest.mark.parametrize(
    "text", ["2024甘0503执123号", "(2024)甘0503执号", "(2024)甘0503执123", "(24)甘0503执123号", "", "(2024)甘0503123号"]
)
def test_parse_refuses_malformed_numbers_with_the_expected_layout(text):
    with raises_code("case_number_format", "（2024）甘0503执123号"):
        parse_case_number(text)


def test_parse_refuses_unknown_court_prefix():
    with raises_code("case_number_court", "美0503"):
        parse_case_number("(2024)美0503执1号")


def test_parse_refuses_serial_zero():
    with raises_code("case_number_serial"):
        parse_case_number("(2024)甘0503执0号")


@pytest.mark.parametrize(
    ("code", "category", "standard"),
    [
        (CaseTypeCode.FIRST, CaseCategory.IMPLEMENTATION, "1002"),
        (CaseTypeCode.RESUMED, CaseCategory.IMPLEMENTATION, "1003"),
        (CaseTypeCode.PRESERVATION, CaseCategory.IMPLEMENTATION, "1004"),
        (CaseTypeCode.OBJECTION, CaseCategory.REVIEW, "1006"),
        (CaseTypeCode.RECONSIDERATION, CaseCategory.REVIEW, "1007"),
        (CaseTypeCode.SUPERVISION, CaseCategory.REVIEW, "1008"),
        (CaseTypeCode.COORDINATION, CaseCategory.REVIEW, "1009"),
        (CaseTypeCode.OTHER, CaseCategory.REVIEW, "1010"),
    ],
)
def test_type_code_table(code, category, standard):
    assert code.category == category
    assert code.standard_code == standard


def test_validate_court_code_strips_spaces():
    assert validate_court_code(" 粤0703 ") == "粤0703"


courts = st.sampled_from(["甘0503", "粤07", "粤0781", "京", "最高法", "兵0101", "沪72"])


@PROPERTY
@given(st.integers(2016, 2099), courts, st.sampled_from(CaseTypeCode.values), st.integers(1, 10**6))
def test_format_then_parse_round_trips(year, court, type_code, serial):
    number = format_case_number(year=year, court_code=court, type_code=type_code, serial=serial)
    parsed = parse_case_number(number, enforcement_only=True)
    assert parsed == ParsedCaseNumber(year, court, type_code, serial)
    assert parsed.normalized == number
    half_width = number.replace("（", "(").replace("）", ")")
    assert parse_case_number(half_width) == parsed
