"""The statutory maximum term of each control measure (domain.md §3.3, CPL-I art 485), at the boundary, through the
service and the API: deposits 1 year, movables (查封/扣押) 2 years, real estate and other property rights 3 years.
Exactly the limit is accepted; one day beyond is refused naming ``requested_until``. Renewals likewise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from assets import services
from assets.models import ControlMeasure
from core.rules.calendar import add_months

from .conftest import register_asset

ORDERED = date(2026, 5, 10)
CASES = [  # asset kind, measure, months
    ("bank_deposit", "freeze", 12),
    ("wage_income", "freeze", 12),
    ("movable", "seizure", 24),
    ("movable", "detention", 24),
    ("vehicle", "seizure", 24),
    ("vehicle", "detention", 24),
    ("real_estate", "seizure", 36),
    ("equity", "freeze", 36),
]


def order(asset, actor, kind, **kw):
    return services.control_order(actor=actor, asset=asset, kind=kind, ordered_on=ORDERED,
                                  ruling_number="（2026）甘0503执1号之一", assisting_body="协助执行单位", **kw)


@pytest.mark.parametrize(("asset_kind", "measure", "months"), CASES)
def test_service_accepts_exactly_the_limit_and_refuses_one_day_more(org, case, asset_kind, measure, months):
    asset = register_asset(case, org.officer, kind=asset_kind)
    limit = add_months(ORDERED, months)
    with pytest.raises(ValidationError) as exc:
        order(asset, org.officer, measure, requested_until=limit + timedelta(days=1))
    assert "requested_until" in exc.value.message_dict
    assert not ControlMeasure.objects.filter(asset=asset).exists()
    control = order(asset, org.officer, measure, requested_until=limit)
    assert control.expires_on == limit
    assert order(asset, org.officer, measure).status == "queued"  # the default term is the same limit
    # A renewal runs at most the same term again from the old expiry.
    with pytest.raises(ValidationError) as exc:
        services.control_renew(actor=org.officer, control=control, renewed_on=ORDERED, ruling_number="续",
                               requested_until=add_months(limit, months) + timedelta(days=1))
    assert "requested_until" in exc.value.message_dict
    renewed = services.control_renew(actor=org.officer, control=control, renewed_on=ORDERED, ruling_number="续",
                                     requested_until=add_months(limit, months))
    assert renewed.expires_on == add_months(limit, months)


@pytest.mark.parametrize(("asset_kind", "measure", "months"), [c for c in CASES if c[0] in
                                                               ("bank_deposit", "movable", "real_estate")])
def test_api_accepts_exactly_the_limit_and_refuses_one_day_more(org, case, asset_kind, measure, months):
    client = APIClient()
    client.force_authenticate(org.officer)
    asset = register_asset(case, org.officer, kind=asset_kind)
    limit = add_months(ORDERED, months)
    body = {"asset": asset.pk, "kind": measure, "ordered_on": str(ORDERED), "ruling_number": "（2026）甘0503执1号之一",
            "assisting_body": "协助执行单位"}
    r = client.post("/api/v1/control-measures/", {**body, "requested_until": str(limit + timedelta(days=1))},
                    format="json")
    assert r.status_code == 400 and "requested_until" in r.json(), r.content
    assert not ControlMeasure.objects.filter(asset=asset).exists()
    r = client.post("/api/v1/control-measures/", {**body, "requested_until": str(limit)}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["expires_on"] == str(limit)
