"""Fixtures for the assets tests: a case with an applicant and a respondent, assets, and money on the account."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from assets import services
from cases.models import PartyRole
from tests.conftest import make_user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def case(org, make_case):
    return make_case()


def applicant_of(case):
    return case.case_parties.get(role=PartyRole.APPLICANT)


def respondent_of(case):
    return case.case_parties.get(role=PartyRole.RESPONDENT)


def register_asset(case, actor, kind="bank_deposit", **kw):
    identifiers = {
        "bank_deposit": {"bank_name": "中国农业银行天水分行", "account_number": "6228480000000000001"},
        "real_estate": {"certificate_number": "甘（2021）麦积区不动产权第0012345号"},
        "vehicle": {"plate_number": "甘E·12345"},
        "equity": {"company_name": "天水示例建材有限公司", "share": "40%"},
        "movable": {},
        "wage_income": {"company_name": "天水市某物流公司"},
        "other_property_right": {"certificate_number": "ZL2020100000001"},
    }[kind]
    values = dict(identifiers, description=kw.pop("description", f"{kind} 1"), source="network_query",
                  estimated_value=kw.pop("estimated_value", "500000.00"))
    values.update(kw)
    return services.asset_register(actor=actor, case=case, owner=respondent_of(case), kind=kind, **values)


@pytest.fixture
def deposit(case, org):
    return register_asset(case, org.officer)


@pytest.fixture
def house(case, org):
    return register_asset(case, org.officer, kind="real_estate", description="麦积区桥南路8号3单元502室",
                          estimated_value="800000.00", location="甘肃省天水市麦积区桥南路8号")


@pytest.fixture
def seized_house(house, org, today):
    services.control_order(actor=org.officer, asset=house, kind="seizure", ordered_on=today - timedelta(days=40),
                           ruling_number="（2026）甘0503执1号之一", assisting_body="天水市麦积区不动产登记中心")
    house.refresh_from_db()
    return house


@pytest.fixture
def disposer(org):
    """An officer of the other team: the disposal team under 分段集约."""
    return org.colleague


@pytest.fixture
def second_chief(org):
    return make_user("chief2", org.court, [Role.CHIEF], full_name="周正")


def fund(case, actor, amount="100000.00", days_ago=3, kind="debtor_payment"):
    return services.receipt_record(actor=actor, case=case, kind=kind, amount=Decimal(amount),
                                   occurred_on=timezone.localdate() - timedelta(days=days_ago), payer="天水示例建材有限公司")


def prepare(case, actor, amount="30000.00", key=None):
    return services.payout_prepare(actor=actor, case=case, payee=applicant_of(case), amount=Decimal(amount),
                                   payee_account_name="张三", payee_bank="中国建设银行天水分行",
                                   payee_account_number="6217000000000000001", idempotency_key=key)


def approved_plan(case, allotments, *, preparer, approver):
    """An approved distribution plan allotting ``allotments`` ({CaseParty: amount}) to the case's applicants."""
    plan = services.distribution_plan_prepare(actor=preparer, case=case, lines=[
        {"party": party.pk, "amount": str(amount)} for party, amount in allotments.items()])
    return services.distribution_plan_approve(actor=approver, plan=plan)


@pytest.fixture
def make_committed_case(org_committed):
    """``make_case`` for threaded tests (committed rows, the ``org_committed`` organisation)."""
    from tests.conftest import make_case

    return make_case.__wrapped__(org_committed)


def hand_over(org, case, *, assets=None, to_team=None, approve=True):
    """移交处置: the case's officer hands the case (or ``assets``) over to ``to_team`` (default: the other team);
    the chief approves."""
    handover = services.handover_request(actor=org.officer, case=case, assets=assets, whole_case=not assets,
                                         to_team=to_team or org.other_team, reason="分段集约")
    return services.handover_approve(actor=org.chief, handover=handover) if approve else handover


@pytest.fixture
def handed_over(org, case):
    """The whole case handed over to the other team (the disposal team) and approved."""
    return hand_over(org, case)
