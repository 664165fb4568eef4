"""Fixtures of the signing tests: the demo CA and a certificate for the courts of ``org`` (the set-up command's
own function), an enforcement notice issued through the real notices service."""

from __future__ import annotations

import pytest

from cases.models import PartyRole


@pytest.fixture
def sealing(org):
    from signing.setup import ensure_demo

    ensure_demo([org.court, org.other_court])
    return org


@pytest.fixture(autouse=True)
def court_phone(org):
    """The documents print the court's telephone."""
    type(org.court).objects.filter(pk__in=[org.court.pk, org.other_court.pk]).update(phone="0938-2731234")
    org.court.refresh_from_db()


@pytest.fixture
def case(org, make_case, court_phone):
    return make_case()


def respondent_key(case) -> str:
    return f"party:{case.case_parties.get(role=PartyRole.RESPONDENT).pk}"


def issue(user, case, doc_type="enforcement_notice", **kw):
    from notices import services

    kw.setdefault("addressee_key", respondent_key(case))
    return services.document_issue(user=user, case=case, doc_type=doc_type, **kw)
