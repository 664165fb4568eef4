"""The chief's home tiles equal the counts of the pages they open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.todo import tiles_for
from credit import services

pytestmark = pytest.mark.django_db


def _count(client, url, element):
    page = client.get(url).content.decode()
    return int(re.search(rf'id="{element}">(\d+)', page).group(1))


def test_overdue_removal_tile_matches_its_page(client, org, listed, make_case):
    m = listed("published")
    services.removal_open(actor=org.officer, measure=m, ground="applicant", note="申请",
                          arose_on=timezone.localdate() - timedelta(days=10))
    services.measure_propose(actor=org.officer, case=m.case, case_party=m.case_party, kind="restriction",
                             reasons="未履行")  # waits for the chief's approval
    tiles = {t.key: t for t in tiles_for(org.chief)}
    client.force_login(org.chief)
    overdue = tiles["credit_removals_overdue"]
    assert overdue.count == 1 == _count(client, overdue.url, "removal-count")
    approvals = tiles["credit_approvals"]
    assert approvals.count == 1 == _count(client, approvals.url, "measure-count")
    assert "credit_removals_overdue" not in {t.key for t in tiles_for(org.officer)}
