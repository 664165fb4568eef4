"""statement_import: idempotent by file and by bank reference, all-or-nothing, finance only, the court's own account."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from statements.models import Statement, StatementLine
from statements.services import StatementImportError, statement_import

from .conftest import csv_file, sample

ACCOUNT = "2705020109000012345"


def do_import(org, data: bytes, name: str = "s.csv", actor=None, court=None, **kw):
    return statement_import(actor=actor or org.finance, court=court or org.court, file_name=name, data=data, **kw)


def counts():
    return Statement.objects.count(), StatementLine.objects.count()


@pytest.mark.parametrize("name", ["icbc_gbk.csv", "ccb_utf8_bom.csv", "boc.txt", "abc.xlsx", "statement.mt940",
                                  "camt053.xml"])
def test_each_sample_imports(org, name):
    result = do_import(org, sample(name), name)
    st = result.statement
    assert result.created and st.line_count == result.new_lines == st.lines.count() > 0
    assert st.account_number == ACCOUNT and st.imported_by == org.finance and st.court == org.court
    credits = st.lines.filter(direction="credit")
    assert all(line.status == "unmatched" and line.waiting_since for line in credits)
    debits = st.lines.filter(direction="debit")
    assert debits.exists() and all(line.status == "ignored" and line.amount > 0 for line in debits)
    assert st.credit_total == sum(line.amount for line in credits)


def test_amounts_stored_exactly(org):
    st = do_import(org, sample("icbc_gbk.csv"), "icbc.csv").statement
    line = st.lines.get(bank_reference="ICBC20260302001")
    assert line.amount == Decimal("12000.50") and line.payer_name == "张三" and line.row == 5
    assert (st.period_from.isoformat(), st.period_to.isoformat()) == ("2026-03-01", "2026-03-05")


def test_same_file_twice_changes_nothing(org):
    first = do_import(org, sample("ccb_utf8_bom.csv"))
    before = counts()
    again = do_import(org, sample("ccb_utf8_bom.csv"), "renamed.csv")
    assert not again.created and again.statement.pk == first.statement.pk and counts() == before
    assert "already imported" in again.message and org.finance.full_name in again.message


def test_overlapping_file_adds_only_new_lines(org):
    a = csv_file("2026-03-02,100.00,,张三,,款,R1", "2026-03-03,200.00,,李四,,款,R2")
    b = csv_file("2026-03-03,200.00,,李四,,款,R2", "2026-03-04,300.00,,王五,,款,R3")
    do_import(org, a)
    result = do_import(org, b)
    assert result.created and (result.new_lines, result.known_lines) == (1, 1)
    assert result.statement.line_count == 2 and result.statement.new_line_count == 1
    assert sorted(StatementLine.objects.values_list("bank_reference", flat=True)) == ["R1", "R2", "R3"]
    assert StatementLine.objects.get(bank_reference="R2").statement.file_name == "s.csv"


def test_known_reference_with_other_amount_is_refused(org):
    do_import(org, csv_file("2026-03-02,100.00,,张三,,款,R1"))
    with pytest.raises(StatementImportError) as exc:
        do_import(org, csv_file("2026-03-02,100.00,,张三,,款,R0", "2026-03-02,150.00,,张三,,款,R1"))
    assert [(r.row, "R1" in r.message) for r in exc.value.rows] == [(3, True)]
    assert counts() == (1, 1)


def test_same_reference_twice_in_a_file(org):
    result = do_import(org, csv_file("2026-03-02,100.00,,张三,,款,R1", "2026-03-02,100.00,,张三,,款,R1"))
    assert result.new_lines == 1 and result.statement.line_count == 1
    with pytest.raises(StatementImportError) as exc:
        do_import(org, csv_file("2026-03-02,5.00,,张三,,款,R7", "2026-03-02,6.00,,张三,,款,R7"))
    assert exc.value.rows[0].row == 3


def test_bad_row_in_the_middle_saves_nothing(org):
    rows = [f"2026-03-02,{i}.00,,张三,,款,R{i}" for i in range(1, 40)]
    rows[19] = "2026-03-02,12.345,,张三,,款,R20"
    with pytest.raises(StatementImportError) as exc:
        do_import(org, csv_file(*rows))
    assert [(r.row, r.column) for r in exc.value.rows] == [(21, "贷方发生额")]
    assert "21" in exc.value.messages[0]
    assert counts() == (0, 0)


def test_truncated_files_save_nothing(org):
    for name in ("abc.xlsx", "camt053.xml", "statement.mt940"):
        data = sample(name)
        with pytest.raises(StatementImportError) as exc:
            do_import(org, data[: len(data) // 2], name)
        assert exc.value.rows and "truncated" in exc.value.rows[0].message
    with pytest.raises(StatementImportError) as exc:
        do_import(org, csv_file("2026-03-02,100.00,,张三,,款,R1") + "2026-03-03,5".encode())
    assert exc.value.rows[0].row == 3
    assert counts() == (0, 0)


def test_wrong_encoding_saves_nothing(org):
    for data in ("交易日期,贷方发生额,流水号\n2026-03-02,1.00,R1\n".encode("utf-16"), bytes(range(1, 256)) * 8):
        with pytest.raises(StatementImportError) as exc:
            do_import(org, data)
        assert "encoding" in exc.value.rows[0].message.lower()
    assert counts() == (0, 0)


def test_non_cny_row_refused(org):
    header = "交易日期,贷方发生额,借方发生额,币种,流水号\n"
    with pytest.raises(StatementImportError) as exc:
        do_import(org, csv_file("2026-03-02,1.00,,CNY,R1", "2026-03-02,1.00,,USD,R2", header=header))
    assert [(r.row, r.column) for r in exc.value.rows] == [(3, "币种")]
    assert counts() == (0, 0)


def test_statement_of_another_account_refused(org):
    data = sample("icbc_gbk.csv").replace(ACCOUNT.encode(), b"6222000000000000999")
    with pytest.raises(StatementImportError) as exc:
        do_import(org, data)
    assert any(r.row == 0 and "6222000000000000999" in r.message for r in exc.value.rows)
    assert {r.row for r in exc.value.rows} >= {5, 6, 7}  # each row names the other account
    assert counts() == (0, 0)


def test_a_row_of_another_account_is_named(org):
    header = "交易日期,贷方发生额,借方发生额,本方账号,流水号\n"
    data = csv_file(f"2026-03-02,1.00,,{ACCOUNT},R1", "2026-03-02,2.00,,2705020109000099999,R2", header=header)
    with pytest.raises(StatementImportError) as exc:
        do_import(org, data)
    assert [r.row for r in exc.value.rows] == [3] and counts() == (0, 0)


def test_court_without_fund_account_cannot_import(org):
    finance = type(org.finance).objects.create_user(username="fin2", password="x", court=org.other_court,
                                                    roles=["finance"])
    with pytest.raises(StatementImportError):
        do_import(org, sample("icbc_gbk.csv"), actor=finance, court=org.other_court)


def test_account_number_argument_must_be_the_fund_account(org):
    with pytest.raises(ValidationError) as exc:
        do_import(org, sample("icbc_gbk.csv"), account_number="123456")
    assert "account_number" in exc.value.message_dict
    assert do_import(org, sample("icbc_gbk.csv"), account_number="2705 0201 0900 0012 345").created


def test_future_date_refused(org):
    with pytest.raises(StatementImportError) as exc:
        do_import(org, csv_file("2026-03-21,1.00,,张三,,款,R1"))
    assert exc.value.rows[0].row == 2


@pytest.mark.parametrize("who", ["officer", "clerk", "chief", "court_admin", "outsider"])
def test_only_finance_imports(org, who):
    with pytest.raises(PermissionDenied):
        do_import(org, sample("icbc_gbk.csv"), actor=getattr(org, who))
    assert counts() == (0, 0)


def test_finance_of_another_court_cannot_import_here(org):
    finance = type(org.finance).objects.create_user(username="fin2", password="x", court=org.other_court,
                                                    roles=["finance"])
    with pytest.raises(PermissionDenied):
        do_import(org, sample("icbc_gbk.csv"), actor=finance)


def test_control_characters_stripped_from_names(org):
    result = do_import(org, csv_file("2026-03-02,1.00,,张\u202e三\u200b,,款\u0007项,R1"))
    line = result.statement.lines.get()
    assert line.payer_name == "张三" and line.remark == "款项"


def test_matcher_hook_is_called_with_new_credit_lines(org, monkeypatch):
    import statements.services as services

    calls = []
    monkeypatch.setattr(services, "match_new_lines", lambda *, court, line_ids: calls.append((court, line_ids)))
    result = do_import(org, sample("ccb_utf8_bom.csv"))
    credit_ids = set(result.statement.lines.filter(direction="credit").values_list("id", flat=True))
    assert calls == [(org.court, sorted(credit_ids))] or (calls and set(calls[0][1]) == credit_ids)
    do_import(org, sample("ccb_utf8_bom.csv"))
    assert len(calls) == 1  # the repeated file matched nothing again


@pytest.mark.django_db(transaction=True)
def test_same_file_at_once_imports_once(org_committed):
    org = org_committed
    data = sample("icbc_gbk.csv")

    def run(_):
        try:
            return do_import(org, data).created
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(4)))
    assert results.count(True) == 1 and Statement.objects.count() == 1 and StatementLine.objects.count() == 3


def test_virtual_sub_account_of_the_fund_account_is_kept_as_sub_account(org):
    header = "交易日期,贷方发生额,借方发生额,本方账号,流水号\n"
    result = do_import(org, csv_file(f"2026-03-02,1.00,,{ACCOUNT}0042,R1", f"2026-03-02,2.00,,{ACCOUNT},R2",
                                     header=header))
    lines = {line.bank_reference: line for line in result.statement.lines.all()}
    assert lines["R1"].sub_account == f"{ACCOUNT}0042" and lines["R1"].account_number == ACCOUNT
    assert lines["R2"].sub_account == ""
