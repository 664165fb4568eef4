from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core.rules.checksums import (
    USCC_ALPHABET,
    USCC_WEIGHTS,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)
from core.rules.identifiers import IdKind, Sex, guess_id_kind, normalize_id, resident_id_15_to_18, validate_party_id

from .helpers import PROPERTY, raises_code

TODAY = date(2025, 6, 1)


def check(kind, value):
    return validate_party_id(kind=kind, value=value, today=TODAY)


# --- §8.1 resident identity number ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("11010519491231002X", date(1949, 12, 31), Sex.FEMALE),  # worked example 1: S = 167, r = 2 -> X
        ("440524188001010014", date(1880, 1, 1), Sex.MALE),  # worked example 2: S = 195, r = 8 -> 4
        ("360426199101010071", date(1991, 1, 1), Sex.MALE),  # worked example 3: S = 231, r = 0 -> 1
    ],
)
def test_resident_id_worked_examples_pass(number, born, sex):
    result = check(IdKind.RESIDENT_ID, number)
    assert result.normalized == number
    assert result.kind == IdKind.RESIDENT_ID
    assert result.birth_date == born
    assert result.sex == sex
    assert result.warnings == []
    assert result.flagged is False


def test_resident_id_worked_example_checksums():
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44052418800101001") == "4"
    assert resident_id_check_char("36042619910101007") == "1"


def test_resident_id_with_wrong_check_character_names_expected_and_given():
    with raises_code("id_checksum", "expected 1", "given 2"):
        check(IdKind.RESIDENT_ID, "360426199101010072")


def test_resident_id_accepts_lowercase_x_full_width_digits_and_spaces():
    assert check(IdKind.RESIDENT_ID, "11010519491231002x").normalized == "11010519491231002X"
    assert check(IdKind.RESIDENT_ID, "１１０１０５１９４９１２３１００２Ｘ").normalized == "11010519491231002X"
    assert check(IdKind.RESIDENT_ID, " 110105 19491231 002X\u3000").normalized == "11010519491231002X"


def test_resident_id_wrong_length_says_how_many_characters():
    with raises_code("id_length", "18", "17"):
        check(IdKind.RESIDENT_ID, "11010519491231002")


def test_resident_id_of_15_digits_points_to_the_legacy_kind():
    with raises_code("id_length", "legacy"):
        check(IdKind.RESIDENT_ID, "110105491231002")


@pytest.mark.parametrize(("number", "position"), [("11010519491231002A", "18"), ("1101051949123100X2", "17")])
def test_resident_id_bad_character_names_its_position(number, position):
    with raises_code("id_charset", f"position {position}"):
        check(IdKind.RESIDENT_ID, number)


def test_resident_id_non_ascii_digits_are_refused():
    with raises_code("id_charset"):
        check(IdKind.RESIDENT_ID, "11010519491231002" + "\U00010a40")  # Kharosthi digit one, not NFKC-mapped


def test_resident_id_birth_date_must_be_real():
    with raises_code("id_birth_date", "19490230"):
        check(IdKind.RESIDENT_ID, "110105194902300021")


def test_resident_id_birth_date_must_not_be_in_the_future():
    first17 = "11010520300101001"
    with raises_code("id_birth_date_future", "2030-01-01"):
        check(IdKind.RESIDENT_ID, first17 + resident_id_check_char(first17))


def test_resident_id_unknown_province_is_a_warning_not_an_error():
    first17 = "99010519491231002"
    result = check(IdKind.RESIDENT_ID, first17 + resident_id_check_char(first17))
    assert result.flagged is True
    assert "990105" in result.warnings[0]


def test_legacy_15_digit_resident_number_is_flagged_and_upgradable():
    result = check(IdKind.RESIDENT_ID_15, "110105491231002")
    assert result.kind == IdKind.RESIDENT_ID_15
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == Sex.FEMALE
    assert result.flagged is True
    assert "11010519491231002X" in result.warnings[0]
    assert resident_id_15_to_18("110105491231002") == "11010519491231002X"


def test_legacy_15_digit_resident_number_checks_the_date():
    with raises_code("id_birth_date"):
        check(IdKind.RESIDENT_ID_15, "110105491331002")


# --- §8.2 unified social credit code ----------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["91110108551385082Q", "91350100M000100Y43"])
def test_uscc_worked_examples_pass_with_the_org_code_check(code):
    result = check(IdKind.USCC, code)
    assert result.normalized == code
    assert result.warnings == []
    assert result.flagged is False


def test_uscc_worked_example_checksums():
    assert uscc_check_char("91110108551385082") == "Q"
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert org_code_check_char("55138508") == "2"
    assert org_code_check_char("M000100Y") == "4"


def test_uscc_sample_from_csdn_fails_with_computed_check_7():
    with raises_code("id_checksum", "expected 7", "given D"):
        check(IdKind.USCC, "91310115MA1H8R7C6D")


def test_uscc_weights_are_powers_of_three_mod_31():
    assert USCC_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


def test_uscc_check_value_31_becomes_0():
    # Find a body whose weighted sum is a multiple of 31: C18 = 31 - 0 = 31 must map to "0", not fail.
    body = next(
        f"911101085513850{a}{b}" for a in USCC_ALPHABET for b in USCC_ALPHABET
        if sum(USCC_ALPHABET.index(c) * w for c, w in zip(f"911101085513850{a}{b}", USCC_WEIGHTS)) % 31 == 0
    )
    assert uscc_check_char(body) == "0"
    assert check(IdKind.USCC, body + "0").normalized == body + "0"


def test_uscc_accepts_lowercase():
    assert check(IdKind.USCC, "91110108551385082q").normalized == "91110108551385082Q"


@pytest.mark.parametrize(("code", "char"), [("91110108551385O82Q", "O"), ("9111A108551385082Q", "A")])
def test_uscc_refuses_letters_outside_the_alphabet_or_in_the_region_code(code, char):
    with raises_code("id_charset", char):
        check(IdKind.USCC, code)


def test_uscc_failing_org_code_check_is_only_a_warning():
    body = "91110108551385092"  # org code 55138509 + check 2: GB 11714 wants 0
    result = check(IdKind.USCC, body + uscc_check_char(body))
    assert result.flagged is True
    assert "expected 0" in result.warnings[0]


# --- legacy and other identifiers -------------------------------------------------------------------------------

def test_org_code_with_hyphen_is_accepted_and_flagged_as_legacy():
    result = check(IdKind.ORG_CODE, "55138508-2")
    assert result.normalized == "551385082"
    assert result.warnings == []
    assert result.flagged is True


def test_org_code_failing_check_is_a_warning():
    result = check(IdKind.ORG_CODE, "551385083")
    assert "expected 2" in result.warnings[0]


def test_org_code_wrong_length_is_an_error():
    with raises_code("id_length", "9"):
        check(IdKind.ORG_CODE, "5513850")


def test_registration_number_is_15_digits():
    assert check(IdKind.REG_NO, "110108012345678").flagged is True
    with raises_code("id_charset", "position 15"):
        check(IdKind.REG_NO, "11010801234567A")


def test_passport_is_checked_loosely():
    assert check(IdKind.PASSPORT, "e12345678").normalized == "E12345678"
    with raises_code("id_charset"):
        check(IdKind.PASSPORT, "E1")


def test_residence_permit_with_resident_id_shape_gets_a_warning_not_an_error():
    first17 = "81000019900101123"
    good = first17 + resident_id_check_char(first17)
    result = check(IdKind.HK_MO_TW, good)
    assert result.birth_date == date(1990, 1, 1) and result.warnings == []
    bad = first17 + ("1" if good[-1] != "1" else "2")
    assert check(IdKind.HK_MO_TW, bad).flagged is True


def test_other_kind_accepts_anything_non_empty_and_flags_it():
    assert check(IdKind.OTHER, "军官证 12345").flagged is True
    with raises_code("id_required"):
        check(IdKind.OTHER, "   ")


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        check("driving_licence", "123")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("11010519491231002x", IdKind.RESIDENT_ID),
        ("360426199101010072", IdKind.RESIDENT_ID),  # bad check, still resident-shaped: validation will explain
        ("91110108551385082Q", IdKind.USCC),
        ("91310115MA1H8R7C6D", IdKind.USCC),
        ("110105491231002", IdKind.RESIDENT_ID_15),
        ("110108012345678", IdKind.REG_NO),
        ("55138508-2", IdKind.ORG_CODE),
        ("E12345678", IdKind.PASSPORT),
        ("810000199001011234", IdKind.HK_MO_TW),
        ("张三", IdKind.OTHER),
    ],
)
def test_guess_id_kind(value, kind):
    assert guess_id_kind(value) == kind


def test_normalize_id():
    assert normalize_id("  ９１１１ ０１０８５５１３８５０８２ｑ ") == "91110108551385082Q"
    assert normalize_id(None) == ""


# --- properties -------------------------------------------------------------------------------------------------

provinces = st.sampled_from(["11", "31", "44", "62", "65"])
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
digits = st.text("0123456789", min_size=1, max_size=1)


@st.composite
def resident_ids(draw):
    address = draw(provinces) + draw(st.text("0123456789", min_size=4, max_size=4))
    first17 = address + draw(birth_dates).strftime("%Y%m%d") + draw(st.text("0123456789", min_size=3, max_size=3))
    return first17 + resident_id_check_char(first17)


@st.composite
def usccs(draw):
    alphabet = st.sampled_from(USCC_ALPHABET)
    head = draw(alphabet) + draw(alphabet) + draw(st.text("0123456789", min_size=6, max_size=6))
    body = head + "".join(draw(alphabet) for _ in range(9))
    return body + uscc_check_char(body)


@PROPERTY
@given(resident_ids())
def test_generated_resident_ids_always_pass(number):
    result = check(IdKind.RESIDENT_ID, number)
    assert result.birth_date.strftime("%Y%m%d") == number[6:14]
    assert result.sex == (Sex.MALE if int(number[16]) % 2 else Sex.FEMALE)
    assert guess_id_kind(number) == IdKind.RESIDENT_ID


@PROPERTY
@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_single_character_changes_of_resident_ids_always_fail(number, position, replacement):
    assume(number[position] != replacement and (position == 17 or replacement != "X"))
    mutated = number[:position] + replacement + number[position + 1:]
    with pytest.raises(ValidationError):
        check(IdKind.RESIDENT_ID, mutated)


@PROPERTY
@given(usccs())
def test_generated_usccs_always_pass(code):
    assert check(IdKind.USCC, code).normalized == code


@PROPERTY
@given(usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_single_character_changes_of_usccs_always_fail(code, position, replacement):
    assume(code[position] != replacement)
    mutated = code[:position] + replacement + code[position + 1:]
    with pytest.raises(ValidationError):
        check(IdKind.USCC, mutated)


@PROPERTY
@given(st.text("0123456789", min_size=6, max_size=6), st.dates(date(1900, 1, 1), date(1999, 12, 31)),
       st.text("0123456789", min_size=3, max_size=3))
def test_upgraded_legacy_numbers_are_valid_18_digit_numbers(address, born, sequence):
    legacy = address + born.strftime("%y%m%d") + sequence
    upgraded = resident_id_15_to_18(legacy)
    assert check(IdKind.RESIDENT_ID_15, legacy).birth_date == born
    assert validate_party_id(kind=IdKind.RESIDENT_ID, value=upgraded, today=TODAY).birth_date == born


def test_birth_date_today_is_accepted_and_tomorrow_refused():
    first17 = "110105" + TODAY.strftime("%Y%m%d") + "001"
    assert check(IdKind.RESIDENT_ID, first17 + resident_id_check_char(first17)).birth_date == TODAY
    tomorrow = "110105" + (TODAY + timedelta(days=1)).strftime("%Y%m%d") + "001"
    with raises_code("id_birth_date_future"):
        check(IdKind.RESIDENT_ID, tomorrow + resident_id_check_char(tomorrow))


def test_checksum_error_is_chinese_in_the_default_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from core.rules.identifiers import validate_party_id

    with translation.override("zh-hans"):
        try:
            validate_party_id(kind="resident_id", value="360426199101010072")
        except ValidationError as exc:
            message = " ".join(exc.messages)
        else:
            raise AssertionError("the checksum error was not raised")
    assert "校验码错误" in message and "应为 1" in message
