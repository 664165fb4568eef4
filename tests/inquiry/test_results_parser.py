"""The result-file reader on its own: the file as a file (encoding, header, checksum) and each row's checks."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from inquiry.exchange_in import ErrorList, ResultFileRefused, build_result_file, iter_rows, open_checked

HEADER = {"agency_kind": "bank", "batch": "CX20260012", "court_code": "J30"}


def good_row(**over):
    row = {"request_id": "CX20260012-000001", "case_number": "（2026）甘0503执1号", "subject_id_number":
           "620503199001011234", "status": "found", "asset_kind": "bank_deposit", "institution": "中国工商银行麦积支行",
           "account": "6222020000001234", "balance": "12345.67", "as_of": "2026-12-05"}
    row.update(over)
    return row


def read(data: bytes):
    stream = io.BytesIO(data)
    header = open_checked(stream)
    errors = ErrorList()
    rows = list(iter_rows(stream, errors))
    return header, rows, errors


def test_good_file_reads_every_row_with_money_as_decimal():
    header, rows, errors = read(build_result_file(HEADER, [good_row(), good_row(status="none", asset_kind=None)]))
    assert not errors and header.rows == 2 and header.agency_kind == "bank"
    assert rows[0].balance == Decimal("12345.67") and rows[0].line_no == 2 and rows[1].status == "none"


def test_truncated_file_is_refused_as_a_whole():
    data = build_result_file(HEADER, [good_row(), good_row()])
    with pytest.raises(ResultFileRefused) as exc:
        read(data[:-30])
    assert "truncated or altered" in str(exc.value.errors[0])


def test_one_altered_byte_is_refused():
    data = bytearray(build_result_file(HEADER, [good_row()]))
    at = data.index(b"12345.67")
    data[at] = ord("9")
    with pytest.raises(ResultFileRefused) as exc:
        read(bytes(data))
    assert exc.value.errors[0].field == "sha256_of_rows"


def test_gbk_bytes_are_refused_naming_the_line():
    rows_text = json.dumps(good_row(institution="中国银行"), ensure_ascii=False) + "\n"
    body = rows_text.encode("gbk")
    import hashlib
    head = {"format": "enf-inquiry-result/1", **HEADER, "rows": 1, "sha256_of_rows": hashlib.sha256(body).hexdigest()}
    stream = io.BytesIO(json.dumps(head).encode() + b"\n" + body)
    open_checked(stream)
    errors = ErrorList()
    assert list(iter_rows(stream, errors)) == []
    assert errors.items[0].line_no == 2 and "not UTF-8" in errors.items[0].message


def test_whole_file_in_gbk_header_refused():
    data = build_result_file(HEADER, [good_row()]).decode().replace("J30", "法院").encode("gbk")
    with pytest.raises(ResultFileRefused) as exc:
        read(data)
    assert "not UTF-8" in exc.value.errors[0].message and exc.value.errors[0].line_no == 1


def test_not_a_result_file():
    with pytest.raises(ResultFileRefused):
        read(b'{"format": "something-else"}\n')
    with pytest.raises(ResultFileRefused):
        read(b"")


@pytest.mark.parametrize("over, field", [
    ({"balance": "1e5"}, "balance"),
    ({"balance": "12.345"}, "balance"),
    ({"balance": "-1"}, "balance"),
    ({"balance": 100.5}, "balance"),
    ({"account": "62-22"}, "account"),
    ({"account": "622"}, "account"),
    ({"account": "6222０００１２３４"}, "account"),
    ({"as_of": "05/12/2026"}, "as_of"),
    ({"as_of": "2026-02-30"}, "as_of"),
    ({"status": "maybe"}, "status"),
    ({"asset_kind": "gold"}, "asset_kind"),
    ({"request_id": ""}, "request_id"),
    ({"control": {"measure": "freeze", "status": "refused"}}, "control.reason"),
    ({"control": {"measure": "freeze", "status": "done", "amount": "1e3", "reference": "X1"}}, "control.amount"),
    ({"control": {"measure": "melt", "status": "done"}}, "control.measure"),
])
def test_bad_row_named_by_line_and_field(over, field):
    _, rows, errors = read(build_result_file(HEADER, [good_row(), good_row(**over)]))
    assert len(rows) == 1
    assert (errors.items[0].line_no, errors.items[0].field) == (3, field)


def test_all_errors_collected_and_counted_beyond_the_report():
    bad = [good_row(balance="x") for _ in range(250)]
    _, rows, errors = read(build_result_file(HEADER, bad))
    assert rows == [] and errors.count == 250 and len(errors.items) == 200


def test_malformed_json_line():
    body = b'{"request_id": \n'
    import hashlib
    head = {"format": "enf-inquiry-result/1", **HEADER, "rows": 1, "sha256_of_rows": hashlib.sha256(body).hexdigest()}
    stream = io.BytesIO(json.dumps(head).encode() + b"\n" + body)
    open_checked(stream)
    errors = ErrorList()
    assert list(iter_rows(stream, errors)) == [] and errors.items[0].line_no == 2


def test_control_row_read():
    row = good_row(control={"measure": "freeze", "status": "done", "amount": "5000.00", "reference": "冻2026-1",
                            "until": "2027-12-04"})
    _, rows, errors = read(build_result_file(HEADER, [row]))
    assert not errors
    assert rows[0].control_status == "done" and rows[0].control_amount == Decimal("5000.00")
    assert str(rows[0].control_until) == "2027-12-04"
