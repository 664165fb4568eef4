"""Fixtures of the credit tests: a case with a natural-person and a unit debtor, and a measure at any step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import PartyRole
from cases.services import PartyInput
from core.rules.checksums import resident_id_check_char


def resident_id(birth: str, seq: str = "123") -> str:
    body = f"620503{birth}{seq}"
    return body + resident_id_check_char(body)


@pytest.fixture
def credit_case(make_case):
    today = timezone.localdate()
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                   id_number="11010519491231002X", phones=["13800000001"], address="甘肃省天水市麦积区桥南路1号"),
        PartyInput(role="respondent", kind="person", name="李四", id_kind="resident_id",
                   id_number=resident_id("19800101"), address="天水市马跑泉路8号"),
        PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                   id_number="91110108551385082Q", address="甘肃省天水市麦积区马跑泉路8号",
                   legal_representative="王五"),
    ]
    return make_case(parties=parties, received_on=today - timedelta(days=62), filed_on=today - timedelta(days=60),
                     basis_effective_on=today - timedelta(days=120), basis_due_on=today - timedelta(days=90))


def debtor(case, kind: str = "person"):
    return case.case_parties.select_related("party").get(role=PartyRole.RESPONDENT, party__kind=kind)


@pytest.fixture
def listed(org, credit_case):
    """Returns a function: a 失信 listing of the person debtor advanced to ``until`` (a status name)."""
    from credit import services

    def _at(until: str = "published", *, ground: str = "1", case=None):
        case = case or credit_case
        m = services.measure_propose(actor=org.officer, case=case, case_party=debtor(case), kind="dishonest",
                                     ground=ground, reasons="有履行能力而拒不履行", conduct="有履行能力而拒不履行生效法律文书确定义务")
        steps = [("approved", lambda m: services.measure_approve(actor=org.chief, measure=m)),
                 ("decided", lambda m: services.measure_decide(actor=org.chief, measure=m,
                                                               decided_on=timezone.localdate() - timedelta(days=10))),
                 ("served", lambda m: services.measure_serve(actor=org.clerk, measure=m, method="direct",
                                                             served_on=timezone.localdate() - timedelta(days=9))),
                 ("published", lambda m: services.measure_publish(actor=org.clerk, measure=m,
                                                                  published_on=timezone.localdate() - timedelta(days=8)))]
        for name, step in steps:
            if until == "proposed":
                break
            m = step(m)
            if name == until:
                break
        return m

    return _at


__all__ = ["date", "debtor", "resident_id"]
