"""Importing result files: once per file, all or nothing, every bad row named; the diff against the register."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assets.models import Asset
from assets.services.register import asset_register
from cases.models import CaseParty, PartyRole
from inquiry.exchange_in import ResultFileRefused
from inquiry.models import AccessLog, BatchStatus, InquiryRequest, ResultFile, ResultRow
from inquiry.services.results import result_file_import

from .results_helpers import exported_batch, found, none, result_bytes, stream


@pytest.fixture
def setup(org, make_case):
    cases = [make_case(), make_case()]
    batch, reqs = exported_batch(court=org.court, officer=org.officer, cases=cases)
    return org, cases, batch, reqs


def imp(org, data, name="bank.jsonl"):
    return result_file_import(actor=org.officer, court=org.court, file_name=name, stream=stream(data))


def refused(org, data) -> list:
    before = (ResultFile.objects.count(), ResultRow.objects.count(),
              InquiryRequest.objects.filter(answered_at__isnull=False).count())
    with pytest.raises(ResultFileRefused) as exc:
        imp(org, data)
    assert before == (ResultFile.objects.count(), ResultRow.objects.count(),
                      InquiryRequest.objects.filter(answered_at__isnull=False).count())
    return exc.value.errors


def test_import_stores_rows_marks_requests_and_batch(setup):
    org, cases, batch, reqs = setup
    rf = imp(org, result_bytes(batch, [found(reqs[0]), none(reqs[1])]))
    assert rf.row_count == 2 and rf.rows.count() == 2
    assert InquiryRequest.objects.filter(batch=batch, answered_at__isnull=True).count() == 0
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ANSWERED
    row = rf.rows.get(line_no=2)
    assert row.balance == Decimal("12345.67") and row.diff == "new" and row.request == reqs[0]
    assert AccessLog.objects.filter(action="result_imported", result_file=rf).count() == 1


def test_partly_answered_batch(setup):
    org, cases, batch, reqs = setup
    imp(org, result_bytes(batch, [found(reqs[0])]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PARTLY_ANSWERED


def test_same_file_twice_changes_nothing(setup):
    org, cases, batch, reqs = setup
    data = result_bytes(batch, [found(reqs[0])])
    imp(org, data)
    errors = refused(org, data)
    assert "already imported" in errors[0].message and org.officer.full_name in errors[0].message


def test_truncated_and_altered_files_refused(setup):
    org, cases, batch, reqs = setup
    data = result_bytes(batch, [found(reqs[0]), found(reqs[1], account="6222020000009999")])
    assert "truncated or altered" in refused(org, data[:-20])[0].message
    assert "truncated or altered" in refused(org, data.replace(b"12345.67", b"92345.67", 1))[0].message


def test_gbk_file_refused_naming_the_line(setup):
    org, cases, batch, reqs = setup
    text = result_bytes(batch, [found(reqs[0])]).decode()
    head, body = text.split("\n", 1)
    import hashlib
    import json
    body_gbk = body.encode("gbk")
    header = json.loads(head)
    header["sha256_of_rows"] = hashlib.sha256(body_gbk).hexdigest()
    errors = refused(org, json.dumps(header).encode() + b"\n" + body_gbk)
    assert errors[0].line_no == 2 and "not UTF-8" in errors[0].message


def test_row_for_another_courts_case_is_named(setup, org, make_case):
    org, cases, batch, reqs = setup
    foreign = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    row = found(reqs[0], case_number=foreign.number)
    errors = refused(org, result_bytes(batch, [found(reqs[1]), row]))
    assert (errors[0].line_no, errors[0].field) == (3, "case_number")
    assert "another court" in errors[0].message and org.other_court.name in errors[0].message


def test_file_of_another_court_refused(setup):
    org, cases, batch, reqs = setup
    errors = refused(org, result_bytes(batch, [found(reqs[0])], court_code="X99"))
    assert errors[0].field == "court_code"


@pytest.mark.parametrize("over, field", [
    ({"request_id": "CX20269999-000001"}, "request_id"),
    ({"subject_id_number": "620503199001011234"}, "subject_id_number"),
    ({"account": "62-22"}, "account"),
    ({"balance": "1e5"}, "balance"),
    ({"balance": "12.345"}, "balance"),
    ({"balance": "-1"}, "balance"),
])
def test_bad_row_refuses_the_whole_file(setup, over, field):
    org, cases, batch, reqs = setup
    errors = refused(org, result_bytes(batch, [found(reqs[1]), none(reqs[1]), found(reqs[0], **over)]))
    assert [(e.line_no, e.field) for e in errors] == [(4, field)]


def test_every_bad_row_is_listed(setup):
    org, cases, batch, reqs = setup
    rows = [found(reqs[0], balance="x")] * 3 + [found(reqs[1], request_id="nope-1")]
    with pytest.raises(ResultFileRefused) as exc:
        imp(org, result_bytes(batch, rows))
    assert exc.value.count == 4 and [e.line_no for e in exc.value.errors] == [2, 3, 4, 5]


def test_officer_of_another_court_cannot_import(setup):
    org, cases, batch, reqs = setup
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        result_file_import(actor=org.outsider, court=org.court, file_name="x", stream=stream(
            result_bytes(batch, [found(reqs[0])])))


def test_diff_categories(setup):
    org, cases, batch, reqs = setup
    case = cases[0]
    owner = CaseParty.objects.get(case=case, role=PartyRole.RESPONDENT)
    same = asset_register(actor=org.officer, case=case, owner=owner, kind="bank_deposit", description="工行",
                          source="investigation", bank_name="工行", account_number="6222000000000001",
                          estimated_value="100.00")
    changed = asset_register(actor=org.officer, case=case, owner=owner, kind="bank_deposit", description="农行",
                             source="investigation", bank_name="农行", account_number="6222000000000002",
                             estimated_value="100.00")
    gone = asset_register(actor=org.officer, case=case, owner=owner, kind="bank_deposit", description="建行",
                          source="investigation", bank_name="建行", account_number="6222000000000003")
    rf = imp(org, result_bytes(batch, [
        found(reqs[0], account="6222000000000001", balance="100.00"),
        found(reqs[0], account="6222000000000002", balance="250.00"),
        found(reqs[0], account="6222000000000004", balance="1.00"),
        found(reqs[0], account="6222000000000005", balance="0.00",
              control={"measure": "freeze", "status": "refused", "reason": "账户已销户"}),
    ]))
    rows = {r.line_no: r for r in rf.rows.all()}
    assert (rows[2].diff, rows[2].matched_asset) == ("same", same)
    assert (rows[3].diff, rows[3].matched_asset) == ("changed", changed)
    assert rows[4].diff == "new" and rows[4].matched_asset is None
    assert rows[5].control_status == "refused" and rows[5].control_reason == "账户已销户"
    from inquiry.result_selectors import gone_assets
    listed = list(ResultRow.objects.filter(request=reqs[0]).select_related("request"))
    assert gone_assets(case_id=case.pk, owner_id=owner.pk, rows=listed) == [gone]
    assert Asset.objects.filter(case=case).count() == 3
