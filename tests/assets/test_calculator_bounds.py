"""Calculators bound their input and answer bad values with a fast 4xx naming the field (issue 18)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from assets import services
from assets.services.calculators import ClaimInput


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_interest_refuses_too_many_excluded_periods_fast(org):
    start = date(1980, 1, 1)
    periods = [(start + timedelta(days=2 * i), start + timedelta(days=2 * i)) for i in range(5000)]
    t0 = time.monotonic()
    with pytest.raises(ValidationError) as exc:
        services.interest_calculate(court=org.court, principal="100000", start=start, end=date(2026, 1, 1),
                                    excluded_periods=periods)
    assert "excluded_periods" in exc.value.message_dict
    assert time.monotonic() - t0 < 1


def test_interest_over_the_limits_of_rows_and_dates_names_the_field(org):
    with pytest.raises(ValidationError) as exc:
        services.interest_calculate(court=org.court, principal="100000", start=date(2020, 1, 1),
                                    end=date(2026, 1, 1), payments=[(date(2021, 1, 1), "1")] * 101)
    assert "payments" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.interest_calculate(court=org.court, principal="100000", start=date(1899, 12, 31),
                                    end=date(1900, 1, 2))
    assert "start" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.interest_calculate(court=org.court, principal="100000", start=date(2026, 1, 1),
                                    end=date(2101, 1, 1))
    assert "end" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.interest_calculate(court=org.court, principal="100000", start=date(1950, 1, 1),
                                    end=date(2026, 1, 1))
    assert "end" in exc.value.message_dict
    # 100 excluded periods over 50 years still computes quickly.
    start = date(1976, 3, 1)
    periods = [(start + timedelta(days=150 * i), start + timedelta(days=150 * i + 10)) for i in range(100)]
    t0 = time.monotonic()
    result = services.interest_calculate(court=org.court, principal="100000", start=start,
                                         end=start + timedelta(days=50 * 365), excluded_periods=periods)
    assert result.excluded_days == 1099 and time.monotonic() - t0 < 5


@pytest.mark.parametrize("value", ["1e400", "1E+400", "-1e400", "9" * 400])
def test_huge_amounts_are_field_errors_not_500(org, value):
    with pytest.raises(ValidationError) as exc:
        services.interest_calculate(court=org.court, principal=value, start=date(2025, 1, 1), end=date(2026, 1, 1))
    assert "principal" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.interest_calculate(court=org.court, principal="100", start=date(2025, 1, 1), end=date(2026, 1, 1),
                                    payments=[(date(2025, 6, 1), Decimal(value))])
    assert "payments.0.amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.enforcement_fee_calculate(court=org.court, amount=Decimal(value))
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.distribution_calculate(court=org.court, total=Decimal(value),
                                        claims=[ClaimInput(creditor="张三", principal="1")])
    assert "total" in exc.value.message_dict


def test_distribution_refuses_too_many_claims_and_spoofed_creditors(org):
    with pytest.raises(ValidationError) as exc:
        services.distribution_calculate(court=org.court, total="1000",
                                        claims=[ClaimInput(creditor=f"债权人{i}", principal="1") for i in range(101)])
    assert "claims" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.distribution_calculate(court=org.court, total="1000",
                                        claims=[ClaimInput(creditor="张三\u202e", principal="1")])
    assert "claims.0.creditor" in exc.value.message_dict


@pytest.mark.parametrize("line", ["2026-03-01 1e400", "2026-03-01 NaN", "2026-03-01 Infinity", "2026-03-01 1e5"])
def test_calculator_page_refuses_exponent_payments(org, client, line):
    client.force_login(org.officer)
    response = client.post("/assets/calculators/", {
        "calc": "interest", "int-principal": "100000", "int-start": "2026-01-01", "int-end": "2026-06-01",
        "int-payments": line})
    assert response.status_code == 200
    assert "payments" in response.context["interest_form"].errors


def test_calculator_page_refuses_too_many_lines(org, client):
    client.force_login(org.officer)
    lines = "\n".join(f"2026-0{1 + i % 5}-01 1" for i in range(101))
    response = client.post("/assets/calculators/", {
        "calc": "interest", "int-principal": "100000", "int-start": "2025-12-01", "int-end": "2026-06-01",
        "int-payments": lines})
    assert "payments" in response.context["interest_form"].errors
    claims = "\n".join(f"债权人{i}, 100" for i in range(101))
    response = client.post("/assets/calculators/", {"calc": "distribution", "dist-total": "1000",
                                                    "dist-mode": "pro_rata", "dist-claims": claims})
    assert "claims" in response.context["dist_form"].errors


def test_calculator_api_bounds_rows_and_dates(org):
    client = api(org.officer)
    periods = [{"first": "2000-01-01", "last": "2000-01-02"}] * 101
    t0 = time.monotonic()
    response = client.post("/api/v1/calculators/interest/", {
        "principal": "100000", "start": "1990-01-01", "end": "2026-01-01", "excluded_periods": periods},
        format="json")
    assert response.status_code == 400 and "excluded_periods" in response.json(), response.content
    assert time.monotonic() - t0 < 2
    response = client.post("/api/v1/calculators/interest/", {
        "principal": "100000", "start": "2026-01-01", "end": "2150-01-01"}, format="json")
    assert response.status_code == 400 and "end" in response.json(), response.content
    response = client.post("/api/v1/calculators/distribution/", {
        "total": "1000", "claims": [{"creditor": "张三", "principal": "1"}] * 101}, format="json")
    assert response.status_code == 400 and "claims" in response.json(), response.content
