"""The payment reference (一案一账号): ISO 7064 MOD 97-10 check digits and finding references in bank remarks."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.rules.payment_ref import (
    REFERENCE_LENGTH,
    find_payment_references,
    format_payment_reference,
    is_valid_payment_reference,
    normalize_payment_reference,
    payment_reference,
    payment_reference_check,
)

from .helpers import PROPERTY

BODY = "62050320261000012"  # division 620503, year 2026, type digit 1, serial 000012
REF = payment_reference(BODY)
bodies = st.text(alphabet="0123456789", min_size=17, max_size=17)
any_bodies = st.text(alphabet="0123456789", min_size=1, max_size=30)


def test_iban_worked_example():
    """The ISO 13616 example: GB82 WEST 1234 5698 7654 32 -> 3214282912345698765432161182 ≡ 1 (mod 97)."""
    assert payment_reference_check("3214282912345698765432161100"[:-2]) == "82"
    assert is_valid_payment_reference("3214282912345698765432161182")


def test_reference_is_body_plus_two_digits():
    assert REF == BODY + payment_reference_check(BODY)
    assert len(REF) == REFERENCE_LENGTH == 19
    assert int(REF) % 97 == 1
    assert is_valid_payment_reference(REF)


@pytest.mark.parametrize("body", ["", "12a4", "１２３", "-123", " 123"])
def test_check_refuses_what_is_not_ascii_digits(body):
    with pytest.raises(ValueError):
        payment_reference_check(body)


@pytest.mark.parametrize("ref", ["", "01", "6205 0320 2610 0001 257", "６２０５０３２０２６１０００１２５７", None, 12,
                                 "1" * 33])
def test_strict_validation_refuses_anything_but_plain_digits(ref):
    assert not is_valid_payment_reference(ref)


@PROPERTY
@given(any_bodies)
def test_every_reference_built_validates(body):
    ref = payment_reference(body)
    assert is_valid_payment_reference(ref) and ref.startswith(body) and len(ref) == len(body) + 2


@PROPERTY
@given(bodies, st.integers(min_value=0, max_value=18), st.integers(min_value=1, max_value=9))
def test_every_single_digit_substitution_is_detected(body, position, delta):
    ref = payment_reference(body)
    wrong = ref[:position] + str((int(ref[position]) + delta) % 10) + ref[position + 1:]
    assert not is_valid_payment_reference(wrong)


@PROPERTY
@given(bodies, st.integers(min_value=0, max_value=17))
def test_every_adjacent_transposition_is_detected(body, position):
    ref = payment_reference(body)
    assume(ref[position] != ref[position + 1])
    wrong = ref[:position] + ref[position + 1] + ref[position] + ref[position + 2:]
    assert not is_valid_payment_reference(wrong)


def test_exhaustive_errors_on_one_reference():
    """Not only sampled: every substitution and adjacent transposition of one real reference."""
    for i in range(len(REF)):
        for d in "0123456789":
            if d != REF[i]:
                assert not is_valid_payment_reference(REF[:i] + d + REF[i + 1:])
        if i + 1 < len(REF) and REF[i] != REF[i + 1]:
            assert not is_valid_payment_reference(REF[:i] + REF[i + 1] + REF[i] + REF[i + 2:])


def test_format_groups_in_fours():
    assert format_payment_reference(REF) == f"{REF[:4]} {REF[4:8]} {REF[8:12]} {REF[12:16]} {REF[16:]}"
    assert normalize_payment_reference(format_payment_reference(REF)) == REF


@pytest.mark.parametrize("written", [
    "{grouped}", "{ref}", "{dashed}", "{fullwidth}", "{spaced_fw}",
    "张三还款{ref}（2026）甘0503执12号", "案号（2026）甘0503执12号 附言{grouped} 电话13900000002",
    "REF:{ref}/货款", "2705020109000012345{ref}",  # the court's account number with the reference appended
])
def test_finds_the_reference_however_it_is_written(written):
    grouped = format_payment_reference(REF)
    text = written.format(ref=REF, grouped=grouped, dashed=format_payment_reference(REF, sep="-"),
                          fullwidth="".join(chr(ord(c) + 0xFEE0) for c in REF),
                          spaced_fw="\u3000".join(chr(ord(c) + 0xFEE0) for c in grouped.split()[0])
                          + "\u3000" + " ".join(grouped.split()[1:]))
    assert find_payment_references(text) == [REF]


def test_a_mistyped_reference_is_never_returned():
    wrong = REF[:5] + str((int(REF[5]) + 1) % 10) + REF[6:]
    assert find_payment_references(f"附言 {wrong}") == []
    assert find_payment_references(f"附言 {REF[:-1]}") == []
    assert find_payment_references("") == [] and find_payment_references(None) == []


def test_several_references_in_order_without_repeats():
    other = payment_reference("62050320261000013")
    assert find_payment_references(f"{other}、{REF} 及 {other}") == [other, REF]


def test_groups_are_not_cut_in_two():
    """A reference written after a number with only a space between is still found whole."""
    assert find_payment_references(f"2026 12 05 {format_payment_reference(REF)}") == [REF]


@PROPERTY
@given(st.text(alphabet=st.sampled_from("0123456789 -－　０１２３甘执号（）abc"), max_size=80))
def test_whatever_is_found_is_valid(text):
    for ref in find_payment_references(text):
        assert is_valid_payment_reference(ref)


@PROPERTY
@given(bodies, st.text(alphabet="甘执号，。附言还款abc", max_size=10), st.text(alphabet="甘执号，。abc", max_size=10))
def test_a_reference_between_words_is_found(body, before, after):
    ref = payment_reference(body)
    assert ref in find_payment_references(before + format_payment_reference(ref) + after)


@PROPERTY
@given(bodies, st.text(alphabet="0123456789", min_size=1, max_size=12))
def test_digits_written_after_the_reference_do_not_swallow_it(body, after):
    """A phone number or amount written after a space: the reference of the issued length is the one found."""
    ref = payment_reference(body)
    assert find_payment_references(f"{format_payment_reference(ref)} {after}")[0] == ref


@PROPERTY
@given(bodies, st.text(alphabet="0123456789", min_size=1, max_size=12))
def test_digits_written_before_the_reference_do_not_swallow_it(body, before):
    ref = payment_reference(body)
    assert ref in find_payment_references(f"{before} {format_payment_reference(ref)}")
