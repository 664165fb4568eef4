"""Amounts in capitals (core.rules.money.amount_in_capitals), the page and document formats (core.formats), the
over-collection figure (core.rules.payout_limits.over_collection) and the calculator's names and classes."""

import datetime as dt
from decimal import Decimal

import pytest

from core.rules.distribution import PriorityClass, duplicate_names, priority_class_from_text
from core.rules.money import amount_in_capitals
from core.rules.payout_limits import ApplicantFigures, over_collection, payout_limits


@pytest.mark.parametrize("amount, expected", [
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("0.05", "伍分"),  # cents only
    ("0.30", "叁角"),
    ("0.35", "叁角伍分"),
    ("12.05", "壹拾贰元零伍分"),  # 零 for the missing 角
    ("1005.30", "壹仟零伍元叁角"),
    ("1050", "壹仟零伍拾元整"),
    ("10005", "壹万零伍元整"),  # 零 across the 万 boundary
    ("10000", "壹万元整"),
    ("100000", "壹拾万元整"),
    ("1000500", "壹佰万零伍佰元整"),
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("114645.67", "壹拾壹万肆仟陆佰肆拾伍元陆角柒分"),
    ("100000000", "壹亿元整"),  # the 亿 boundary
    ("100000001", "壹亿零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("200000000", "贰亿元整"),
    ("1000000000000", "壹万亿元整"),  # the largest money input
    ("0.005", "壹分"),  # half up to the fen
])
def test_amount_in_capitals(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


def test_capitals_refuse_a_negative_amount_and_a_float():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-1"))
    with pytest.raises(TypeError):
        amount_in_capitals(1.5)


@pytest.mark.django_db(databases=[])
def test_page_and_document_formats():
    from core.formats import document_amount, format_amount, format_money, local_datetime, zh_date

    assert format_money(Decimal("1234567.891")) == "¥1,234,567.89"
    assert format_money(Decimal("-1234")) == "-¥1,234.00"
    assert format_money(0) == "¥0.00"
    assert format_money("12000.5") == "¥12,000.50"
    assert format_money(None) == "" and format_money("") == ""
    assert format_amount(Decimal("1234567.891")) == "1,234,567.89"
    assert document_amount(Decimal("1234567.89")) == "人民币1,234,567.89元（大写：壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）"
    with pytest.raises(ValueError):
        document_amount(Decimal("-5"))
    assert zh_date(dt.date(2026, 12, 6)) == "2026年12月6日"
    assert zh_date("2026-01-05") == "2026年1月5日"
    # An instant is shown in the court's time zone (Asia/Shanghai), never as UTC.
    instant = dt.datetime(2026, 12, 5, 16, 30, tzinfo=dt.timezone.utc)
    assert local_datetime(instant) == "2026年12月6日 00:30"
    assert local_datetime("2026-12-05T16:30:00.123456+00:00") == "2026年12月6日 00:30"
    assert local_datetime(None) == ""


def test_over_collection_is_the_surplus_less_the_fee_still_owed():
    assert over_collection(surplus=Decimal("500.00")) == Decimal("500.00")
    assert over_collection(surplus=Decimal("500.00"), fee_not_withheld=Decimal("200")) == Decimal("300.00")
    assert over_collection(surplus=Decimal("100.00"), fee_not_withheld=Decimal("200")) == Decimal("0.00")


def test_over_collected_on_the_limits():
    """Claim 100,000 + interest 1,750; 105,000 on the account, nothing paid: 3,250 beyond the claim; with the fee of
    1,400 not withheld first but still owed, 1,850 is over-collected; a surplus payout promised takes it away."""
    one = [ApplicantFigures(1, "张三", Decimal("0"), Decimal("0"))]
    limits = payout_limits(claimed=Decimal("100000"), delayed_interest=Decimal("1750"), fee=Decimal("0"),
                           balance=Decimal("105000"), promised=Decimal("0"), applicants=one,
                           fee_not_withheld=Decimal("1400"))
    assert limits.surplus == Decimal("3250.00") and limits.over_collected == Decimal("1850.00")
    withheld = payout_limits(claimed=Decimal("100000"), delayed_interest=Decimal("1750"), fee=Decimal("1400"),
                             balance=Decimal("105000"), promised=Decimal("0"), applicants=one)
    assert withheld.over_collected == withheld.surplus == Decimal("1850.00")
    promised = payout_limits(claimed=Decimal("100000"), delayed_interest=Decimal("1750"), fee=Decimal("1400"),
                             balance=Decimal("105000"), promised=Decimal("1850"), applicants=one)
    assert promised.over_collected == Decimal("0.00")
    short = payout_limits(claimed=Decimal("100000"), delayed_interest=Decimal("0"), fee=Decimal("0"),
                          balance=Decimal("99999.99"), promised=Decimal("0"), applicants=one)
    assert short.over_collected == Decimal("0.00")


def test_priority_classes_in_chinese_and_duplicate_names():
    assert priority_class_from_text("抵押") == PriorityClass.SECURED
    assert priority_class_from_text("普通") == PriorityClass.ORDINARY
    assert priority_class_from_text("工资") == PriorityClass.WAGE
    assert priority_class_from_text("优先") == PriorityClass.PRIORITY
    assert priority_class_from_text("ordinary") == PriorityClass.ORDINARY
    assert priority_class_from_text("普") is None
    assert duplicate_names(["张三", "李四"]) is None
    assert duplicate_names(["张三", "李四", "张 三"]) == (1, 3)
    assert duplicate_names(["ＡＢ公司", "AB公司"]) == (1, 2)
