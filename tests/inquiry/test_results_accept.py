"""Accepting result rows: once, through the register's service, linked back; controls recorded; scope enforced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from assets.models import Asset, ControlMeasure
from cases.models import CaseEvent, CaseParty, PartyRole
from inquiry.models import AccessLog, ResultRow
from inquiry.services.accept import result_row_accept, result_rows_accept
from inquiry.services.results import result_file_import

from .results_helpers import exported_batch, found, none, result_bytes, stream


@pytest.fixture
def imported(org, make_case):
    cases = [make_case(), make_case()]
    batch, reqs = exported_batch(court=org.court, officer=org.officer, cases=cases, measure="freeze",
                                 amount=Decimal("5000.00"))
    rows = [
        found(reqs[0], account="6222000000000001", balance="3000.00",
              control={"measure": "freeze", "status": "done", "amount": "3000.00", "reference": "冻结回执001",
                       "until": "2027-12-04"}),
        found(reqs[0], account="6222000000000002", balance="10.00",
              control={"measure": "freeze", "status": "refused", "reason": "账户已冻结（轮候）"}),
        none(reqs[1]),
    ]
    rf = result_file_import(actor=org.officer, court=org.court, file_name="b.jsonl",
                            stream=stream(result_bytes(batch, rows)))
    return org, cases, rf


def test_accept_one_creates_asset_linked_back_and_records_the_freeze(imported):
    org, cases, rf = imported
    row = rf.rows.get(line_no=2)
    asset = result_row_accept(actor=org.officer, row=row)
    row.refresh_from_db()
    assert row.accepted_asset == asset and row.accepted_by == org.officer
    assert asset.source == "network_query" and asset.account_number == "6222000000000001"
    assert asset.estimated_value == Decimal("3000.00") and asset.bank_name == "中国工商银行麦积支行"
    assert asset.owner == CaseParty.objects.get(case=cases[0], role=PartyRole.RESPONDENT)
    assert list(asset.inquiry_rows.all()) == [row]
    control = ControlMeasure.objects.get(asset=asset)
    assert control.kind == "freeze" and control.amount == Decimal("3000.00") and control.status == "active"
    assert AccessLog.objects.filter(action="row_accepted", case=cases[0]).count() == 1


def test_accept_twice_creates_nothing_more(imported):
    org, cases, rf = imported
    row = rf.rows.get(line_no=2)
    first = result_row_accept(actor=org.officer, row=row)
    second = result_row_accept(actor=org.officer, row=row)
    assert first == second
    assert Asset.objects.filter(case=cases[0]).count() == 1 and ControlMeasure.objects.count() == 1


def test_refused_control_records_nothing(imported):
    org, cases, rf = imported
    asset = result_row_accept(actor=org.officer, row=rf.rows.get(line_no=3))
    assert not ControlMeasure.objects.filter(asset=asset).exists()


def test_accept_all_is_idempotent(imported):
    org, cases, rf = imported
    outcome = result_rows_accept(actor=org.officer, rows=rf.rows.all())
    assert (outcome.accepted, outcome.already, outcome.refused) == (2, 0, [])
    again = result_rows_accept(actor=org.officer, rows=rf.rows.all())
    assert (again.accepted, again.already) == (0, 2)
    assert Asset.objects.filter(case=cases[0]).count() == 2
    assert ResultRow.objects.filter(result_file=rf, accepted_asset__isnull=False).count() == 2


def test_other_team_is_refused(imported):
    org, cases, rf = imported
    row = rf.rows.get(line_no=2)
    with pytest.raises(PermissionDenied):
        result_row_accept(actor=org.colleague, row=row)
    outcome = result_rows_accept(actor=org.colleague, rows=rf.rows.all())
    assert outcome.accepted == 0 and len(outcome.refused) == 2
    assert not Asset.objects.exists()


def test_duplicate_new_rows_register_one_asset(org, make_case):
    case = make_case()
    batch, reqs = exported_batch(court=org.court, officer=org.officer, cases=[case])
    rf = result_file_import(actor=org.officer, court=org.court, file_name="b", stream=stream(
        result_bytes(batch, [found(reqs[0]), found(reqs[0])])))
    result_rows_accept(actor=org.officer, rows=rf.rows.all())
    assert Asset.objects.filter(case=case).count() == 1
    assert set(rf.rows.values_list("accepted_asset", flat=True)) == {Asset.objects.get(case=case).pk}


def test_same_row_links_the_register_asset(imported):
    org, cases, rf = imported
    asset = result_row_accept(actor=org.officer, row=rf.rows.get(line_no=2))
    batch = rf.batch
    req = rf.rows.get(line_no=2).request
    rf2 = result_file_import(actor=org.officer, court=org.court, file_name="again", stream=stream(
        result_bytes(batch, [found(req, account="6222000000000001", balance="3000.00")])))
    row = rf2.rows.get()
    assert row.diff == "same" and row.matched_asset == asset
    assert result_row_accept(actor=org.officer, row=row) == asset


def test_changed_row_updates_the_register_value_once(imported):
    org, cases, rf = imported
    asset = result_row_accept(actor=org.officer, row=rf.rows.get(line_no=2))
    req = rf.rows.get(line_no=2).request
    rf2 = result_file_import(actor=org.officer, court=org.court, file_name="later", stream=stream(
        result_bytes(rf.batch, [found(req, account="6222000000000001", balance="4500.50")])))
    row = rf2.rows.get()
    assert row.diff == "changed" and row.matched_asset == asset
    assert result_row_accept(actor=org.officer, row=row) == asset
    asset.refresh_from_db()
    assert asset.estimated_value == Decimal("4500.50")
    events = CaseEvent.objects.filter(case=cases[0], type="asset_value_changed")
    assert events.count() == 1
    assert events.get().parameters["old"] == "3000.00" and events.get().parameters["new"] == "4500.50"
    assert "¥3,000.00" in events.get().summary and "¥4,500.50" in events.get().summary
    assert result_row_accept(actor=org.officer, row=row) == asset  # a second click changes nothing more
    assert events.count() == 1


def test_value_update_needs_control_permission(imported):
    from assets.services.register import asset_value_update

    org, cases, rf = imported
    asset = result_row_accept(actor=org.officer, row=rf.rows.get(line_no=2))
    with pytest.raises(PermissionDenied):
        asset_value_update(actor=org.colleague, asset=asset, value="1.00", note="x")
    asset.refresh_from_db()
    assert asset.estimated_value == Decimal("3000.00")
