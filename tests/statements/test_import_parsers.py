"""Each statement format read right: amounts (Decimal, never float), dates, payer, remark, reference; bad cells and
bad files named by row and column."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from statements.parsers import StatementFileError, detect_format, parse_statement
from statements.parsers.common import CellError, date_cell, money_cell, money_text

DATA = Path(__file__).parent.parent / "data" / "statements"
ACCOUNT = "2705020109000012345"
pytestmark = pytest.mark.django_db(databases=[])  # gettext needs settings, no database


def read(name: str):
    return parse_statement(name, (DATA / name).read_bytes())


def by_ref(parsed):
    return {line.bank_reference: line for line in parsed.lines}


def test_icbc_gbk_csv_with_title_rows_and_total_row():
    parsed = read("icbc_gbk.csv")
    assert parsed.format == "csv" and not parsed.errors
    assert parsed.account_number == ACCOUNT
    assert (parsed.period_from, parsed.period_to) == (date(2026, 3, 1), date(2026, 3, 5))
    lines = by_ref(parsed)
    assert set(lines) == {"ICBC20260302001", "ICBC20260302002", "ICBC20260303001"}  # 合计 row skipped
    first = lines["ICBC20260302001"]
    assert first.amount == Decimal("12000.50") and isinstance(first.amount, Decimal)
    assert first.direction == "credit" and first.booked_on == date(2026, 3, 2)
    assert first.payer_name == "张三" and first.payer_account == "6222020200012345678"
    assert "（2026）甘0503执123号" in first.remark and first.balance == Decimal("1012000.50")
    assert first.row == 5  # the row number the user sees in the file
    assert lines["ICBC20260302002"].direction == "debit" and lines["ICBC20260302002"].amount == Decimal("500.00")
    assert lines["ICBC20260303001"].booked_on == date(2026, 3, 3)  # ICBC's 2026-03-03-10.20.30


def test_ccb_utf8_bom_csv_header_aliases():
    parsed = read("ccb_utf8_bom.csv")
    assert not parsed.errors and parsed.bank == "中国建设银行天水分行" and parsed.account_number == ACCOUNT
    lines = by_ref(parsed)
    line = lines["62050000012345678-0001"]  # 账户明细编号-交易流水号
    assert line.amount == Decimal("3000.00") and line.direction == "credit"  # 贷方发生额（收入） with "3,000.00"
    assert line.payer_bank == "中国建设银行兰州分行" and line.booked_on == date(2026, 3, 4)  # 记账日期 20260304
    assert "6205032611230004" in line.remark  # 摘要 and 备注 joined
    assert lines["62050000012345678-0003"].direction == "debit"


def test_boc_pipe_text_bilingual_headers_signed_amounts():
    parsed = read("boc.txt")
    assert not parsed.errors and parsed.account_number == ACCOUNT
    lines = by_ref(parsed)
    credit = lines["BOC75783669085"]
    assert credit.amount == Decimal("66000.00") and credit.direction == "credit"
    assert credit.payer_name == "赵六" and credit.account_number == ACCOUNT  # 收款人账号 of a credit is ours
    fee = lines["BOC118992092061"]
    assert fee.direction == "debit" and fee.amount == Decimal("22.78")
    assert credit.value_on == date(2026, 3, 3)


def test_abc_xlsx_numbers_and_dates_from_cells():
    parsed = read("abc.xlsx")
    assert parsed.format == "xlsx" and not parsed.errors and parsed.account_number == ACCOUNT
    lines = by_ref(parsed)
    assert lines["ABC0001"].amount == Decimal("5000.00") and str(lines["ABC0001"].amount) == "5000.00"
    assert lines["ABC0001"].booked_on == date(2026, 3, 2) and lines["ABC0001"].sub_account == "62050326112300450"
    assert lines["ABC0002"].amount == Decimal("1234.50")  # the float 1234.5 read through its decimal text
    assert lines["ABC0003"].direction == "debit" and lines["ABC0003"].amount == Decimal("88.80")


def test_mt940_with_the_library():
    parsed = read("statement.mt940")
    assert parsed.format == "mt940" and not parsed.errors
    assert parsed.account_number == ACCOUNT and parsed.opening_balance == Decimal("1000000.00")
    assert parsed.closing_balance == Decimal("1014500.50")
    lines = by_ref(parsed)
    line = lines["MT2026030200001"]
    assert line.amount == Decimal("12000.50") and line.direction == "credit" and line.payer_name == "张三"
    assert line.remark == "（2026）甘0503执123号 案款" and line.payer_account == "6222020200012345678"
    assert type(line.booked_on) is date
    assert lines["MT2026030200002"].direction == "debit"


def test_camt053_booked_entries_only():
    parsed = read("camt053.xml")
    assert parsed.format == "camt053" and not parsed.errors
    assert parsed.bank == "中国工商银行天水麦积支行" and parsed.account_number == ACCOUNT
    lines = by_ref(parsed)
    assert set(lines) == {"CAMT2026030200001", "CAMT2026030300002"}  # the pending entry is left for later
    line = lines["CAMT2026030200001"]
    assert (line.amount, line.direction, line.payer_name) == (Decimal("12000.50"), "credit", "张三")
    assert line.remark == "（2026）甘0503执123号 案款" and line.payer_bank == "中国工商银行天水分行"
    assert lines["CAMT2026030300002"].direction == "debit" and lines["CAMT2026030300002"].remark == "手续费"


@pytest.mark.parametrize("text,expected", [("1,234.56", "1234.56"), ("¥12,000.50", "12000.50"), ("8000", "8000.00"),
                                           (" 12.5 ", "12.50"), ("1,234,567.00", "1234567.00")])
def test_amount_text_accepted(text, expected):
    assert money_text(text)[0] == Decimal(expected)


@pytest.mark.parametrize("text", ["1e3", "1E3", "12.345", "1,23.00", "12,34", "NaN", "１２３", "abc", "1.2.3",
                                  "Infinity"])
def test_amount_text_refused(text):
    with pytest.raises(CellError):
        money_text(text)


def test_spreadsheet_float_with_more_than_two_decimals_refused():
    with pytest.raises(CellError):
        money_cell(1234.567)
    with pytest.raises(CellError):
        money_cell(1e20)
    assert money_cell(0.1)[0] == Decimal("0.10")  # read through "0.1", not the binary fraction


@pytest.mark.parametrize("text", ["2026-03-05", "2026/3/5", "2026.03.05", "20260305", "2026年3月5日",
                                  "2026-03-05 10:22:33", "2026-03-05-10.22.33"])
def test_dates(text):
    assert date_cell(text) == date(2026, 3, 5)


@pytest.mark.parametrize("text", ["05/03/2026", "2026-13-01", "2026-02-30", "昨天", "20260305123"])
def test_bad_dates(text):
    with pytest.raises(CellError):
        date_cell(text)


def csv_bytes(body: str, encoding: str = "utf-8") -> bytes:
    header = "交易日期,贷方发生额,借方发生额,对方户名,摘要,流水号\n"
    return (header + body).encode(encoding)


def test_float_looking_amount_is_a_row_error_naming_row_and_column():
    parsed = parse_statement("x.csv", csv_bytes("2026-03-02,100.00,,张三,款,R1\n2026-03-02,1e3,,李四,款,R2\n"))
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "贷方发生额")]
    assert "1e3" in parsed.errors[0].message
    assert [line.bank_reference for line in parsed.lines] == ["R1"]


def test_non_cny_is_a_row_error():
    data = "交易日期,贷方发生额,借方发生额,币种,流水号\n2026-03-02,100.00,,USD,R1\n2026-03-02,5.00,,人民币,R2\n"
    parsed = parse_statement("x.csv", data.encode())
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "币种")] and "USD" in parsed.errors[0].message


def test_both_or_neither_amount_is_a_row_error():
    parsed = parse_statement("x.csv", csv_bytes("2026-03-02,100.00,5.00,张三,款,R1\n2026-03-02,,,张三,款,R2\n"))
    assert [e.row for e in parsed.errors] == [2, 3]


def test_gbk_and_utf8_give_the_same_lines():
    body = "2026-03-02,\"1,000.00\",,张三,（2026）甘0503执1号,R1\n"
    a = parse_statement("a.csv", csv_bytes(body, "gbk")).lines
    b = parse_statement("b.csv", b"\xef\xbb\xbf" + csv_bytes(body)).lines
    assert a == b and a[0].payer_name == "张三" and a[0].amount == Decimal("1000.00")


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, "交易日期,贷方发生额\n".encode("utf-16"),
                                  "交易日期,贷方发生额\n".encode("utf-16-le")])
def test_wrong_encoding_is_a_clear_file_error(data):
    with pytest.raises(StatementFileError) as exc:
        parse_statement("x.csv", data)
    message = exc.value.errors[0].message
    assert "UTF-8" in message or "encoding" in message.lower() or "binary" in message


def test_csv_cut_inside_a_character_is_truncated():
    data = csv_bytes("2026-03-02,100.00,,张三,款,R1\n")
    cut = data[: data.index("张".encode()) + 1]
    with pytest.raises(StatementFileError) as exc:
        parse_statement("x.csv", cut)
    assert "truncated" in exc.value.errors[0].message or "encoding" in exc.value.errors[0].message.lower()


def test_csv_last_line_cut_names_the_row():
    data = csv_bytes("2026-03-02,100.00,,张三,款,R1\n2026-03-03,200.00,,李")
    parsed = parse_statement("x.csv", data)
    assert [e.row for e in parsed.errors] == [3] and "truncated" in parsed.errors[0].message


def test_csv_cut_inside_a_quoted_cell():
    data = csv_bytes('2026-03-02,100.00,,张三,"款项')
    with pytest.raises(StatementFileError) as exc:
        parse_statement("x.csv", data)
    assert exc.value.errors[0].row == 2


def test_truncated_xlsx_is_a_file_error():
    data = (DATA / "abc.xlsx").read_bytes()
    with pytest.raises(StatementFileError) as exc:
        parse_statement("abc.xlsx", data[: len(data) // 2])
    assert "truncated" in exc.value.errors[0].message


def test_truncated_xml_names_the_line():
    data = (DATA / "camt053.xml").read_bytes()
    with pytest.raises(StatementFileError) as exc:
        parse_statement("camt.xml", data[: len(data) * 2 // 3])
    assert "truncated" in exc.value.errors[0].message and exc.value.errors[0].row > 1


def test_xml_entities_refused():
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(StatementFileError):
        parse_statement("camt.xml", data)


def test_truncated_mt940_without_closing_balance():
    data = (DATA / "statement.mt940").read_bytes()
    with pytest.raises(StatementFileError) as exc:
        parse_statement("s.mt940", data[: data.index(b":62F:")])
    assert ":62F:" in exc.value.errors[0].message


def test_no_header_row_is_a_file_error():
    with pytest.raises(StatementFileError) as exc:
        parse_statement("x.csv", "名字,年龄\n张三,30\n".encode())
    assert "header" in exc.value.errors[0].message


def test_excel_name_on_a_text_file_is_refused():
    with pytest.raises(StatementFileError):
        parse_statement("x.xlsx", b"not excel at all")


def test_xlsx_account_number_stored_as_number_loses_digits():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["交易日期", "贷方发生额", "借方发生额", "本方账号", "流水号"])
    sheet.append(["2026-03-02", 100, None, 2705020109000012345.0, "R1"])
    buf = io.BytesIO()
    book.save(buf)
    parsed = parse_statement("x.xlsx", buf.getvalue())
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "本方账号")] and "lost digits" in parsed.errors[0].message


def test_html_table_saved_as_xls():
    html = ("<html><body><table><tr><td>账号：2705020109000012345</td></tr><tr><th>交易日期</th><th>收入金额</th>"
            "<th>支出金额</th><th>对方户名</th><th>交易流水号</th></tr><tr><td>2026-03-02</td><td>1,500.00</td>"
            "<td></td><td>张三</td><td>H1</td></tr></table></body></html>")
    parsed = parse_statement("x.xls", html.encode("gbk"))
    assert not parsed.errors and parsed.lines[0].amount == Decimal("1500.00") and parsed.account_number == ACCOUNT
    with pytest.raises(StatementFileError):
        parse_statement("x.xls", html.encode("gbk")[:-40])


def test_detect_format_by_content():
    assert detect_format("a.xls", (DATA / "abc.xlsx").read_bytes()) == "xlsx"
    assert detect_format("a.txt", (DATA / "camt053.xml").read_bytes()) == "camt053"
    assert detect_format("a.txt", (DATA / "statement.mt940").read_bytes()) == "mt940"
