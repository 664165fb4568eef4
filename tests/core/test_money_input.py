"""The one set of rules of every money input (core.fields.parse_money), in the API fields, the form fields and the
services (issue 18)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework import serializers

from core import fields

ACCEPTED = {
    "0": Decimal("0.00"), "12000": Decimal("12000.00"), "12000.5": Decimal("12000.50"),
    " 12000.50 ": Decimal("12000.50"), "007": Decimal("7.00"), 12000: Decimal("12000.00"),
    "1000000000000": Decimal("1000000000000.00"), Decimal("3.10"): Decimal("3.10"),
}
REFUSED = {
    100.1: "float", 0.5: "float", 1e400: "float", float("nan"): "float", True: "invalid", None: "invalid",
    "-5": "negative", "-0": "negative", "+5": "invalid", "1e400": "invalid", "1E5": "invalid", "NaN": "invalid",
    "Infinity": "invalid", "-Infinity": "invalid", "1,000": "invalid", "１００": "invalid", "٣": "invalid",
    "1.005": "max_decimal_places", "1000000000000.01": "max_value", "99999999999999999": "max_value",
    -1: "negative", 10 ** 13: "max_value", ".5": "invalid", "5.": "invalid", "1 000": "invalid", "": "invalid",
    "0x10": "invalid", Decimal("NaN"): "invalid", Decimal("-0.01"): "negative", (1,): "invalid",
    "9" * 5000: "invalid",
}


@pytest.mark.parametrize("value, expected", list(ACCEPTED.items()), ids=repr)
def test_accepted_forms(value, expected):
    assert fields.parse_money(value) == expected
    assert fields.parse_money(value).as_tuple().exponent == -2


@pytest.mark.parametrize("value, code", list(REFUSED.items()), ids=lambda v: repr(v)[:30])
def test_refused_forms_each_with_a_message(value, code):
    with pytest.raises(ValidationError) as exc:
        fields.parse_money(value)
    assert exc.value.code == code and exc.value.messages[0]


class _Body(serializers.Serializer):
    amount = fields.MoneyField()


@pytest.mark.parametrize("value", [100.1, "1e400", "NaN", "-0", "1,000", "１００", "1000000000000.01"], ids=repr)
def test_api_field_names_the_field(value):
    s = _Body(data={"amount": value})
    assert not s.is_valid() and "amount" in s.errors


def test_api_field_takes_a_string_or_an_integer_and_answers_a_string():
    for value in ("100.10", 100):
        s = _Body(data={"amount": value})
        assert s.is_valid(), s.errors
    assert _Body({"amount": Decimal("100.1")}).data["amount"] == "100.10"


@pytest.mark.parametrize("value", ["1e400", "-0", "1,000", "１００", "1000000000000.01", "NaN"])
def test_form_field_refuses_with_a_message(value):
    field = fields.MoneyFormField(required=True)
    with pytest.raises(ValidationError):
        field.clean(value)
    assert field.clean("12.30") == Decimal("12.30")
    assert fields.MoneyFormField(required=False).clean("") is None


@pytest.mark.parametrize("value", [100.1, "1,000", "1e5", "-0"], ids=repr)
def test_services_use_the_same_rules(value):
    """One wrapper in core (``core.fields.money_input``) for the services of every app; the twins are gone."""
    import assets.services._common as assets_common
    import cases.services._common as cases_common

    assert not hasattr(assets_common, "money") and not hasattr(cases_common, "money")
    with pytest.raises(ValidationError) as exc:
        fields.money_input(value, field="amount")
    assert "amount" in exc.value.message_dict


def test_money_input_required_positive_and_none():
    assert fields.money_input("", field="amount", allow_none=True) is None
    with pytest.raises(ValidationError) as exc:
        fields.money_input(None, field="paid_amount")
    assert "paid_amount" in exc.value.message_dict
    with pytest.raises(ValidationError):
        fields.money_input("0", field="amount", positive=True)
    assert fields.money_input("0", field="amount") == Decimal("0.00")


def test_float_over_the_api_is_a_400_naming_the_field(org, make_case):
    from rest_framework.test import APIClient

    from assets.models import LedgerEntry

    case = make_case()
    client = APIClient()
    client.force_authenticate(org.finance)
    r = client.post("/api/v1/ledger-entries/", {"case": case.pk, "kind": "debtor_payment", "amount": 100.1,
                                                "occurred_on": "2026-03-05"}, format="json")
    assert r.status_code == 400 and "amount" in r.json()
    r = client.post("/api/v1/ledger-entries/", {"case": case.pk, "kind": "debtor_payment", "amount": 100,
                                                "occurred_on": "2026-03-05"}, format="json")
    assert r.status_code == 201 and r.json()["amount"] == "100.00"
    assert LedgerEntry.objects.filter(case=case).count() == 1
