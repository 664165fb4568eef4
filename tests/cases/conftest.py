"""Helpers for the cases tests: a case ready for 终本, and quick action logging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.actions import NETWORK_ASSET_TYPES
from cases.services import action_log


def log(case, actor, kind, details, on=None):
    return action_log(actor=actor, case=case, kind=kind, occurred_on=on or timezone.localdate(), details=details)


def network_details(system="national", found=()):
    d = {"system": system, "subject": "天水示例建材有限公司"}
    for key, _label in NETWORK_ASSET_TYPES:
        d[f"result_{key}"] = "found" if key in found else "none"
    return d


def make_ready_for_zhongben(case, officer, *, interview=True):
    """Record everything the 终本 conditions need (§2.4) on a case filed more than 3 months ago."""
    debtors = list(case.case_parties.filter(role="respondent").select_related("party"))
    respondents = [cp.pk for cp in debtors]
    names = "、".join(cp.party.name for cp in debtors)  # served on and queried for each respondent (§2.4)
    log(case, officer, "notice_served", {"documents": ["enforcement_notice", "asset_report_order"],
                                         "method": "direct", "recipient": names, "served_on": str(case.filed_on)})
    log(case, officer, "network_query", {**network_details(), "subject": names})
    log(case, officer, "onsite_investigation", {"place": "马跑泉路8号", "findings": "无可供执行财产"})
    log(case, officer, "consumption_restriction", {"party_ids": respondents, "measure": "impose"})
    if interview:
        log(case, officer, "applicant_interview", {"applicant": "张三", "informed_of_closure": True,
                                                   "applicant_view": "同意终本"})


@pytest.fixture
def old_case(make_case):
    """A case filed four months ago (so the 3-month 终本 condition is met)."""
    today = timezone.localdate()
    filed = today - timedelta(days=125)
    return make_case(received_on=filed - timedelta(days=2), filed_on=filed,
                     basis_effective_on=filed - timedelta(days=60), basis_due_on=filed - timedelta(days=30))
