"""Rows of a CSV or spreadsheet statement, as Chinese banks export them, into ``ParsedLine``s.

The exports differ per bank but share a shape: a few title rows (户名, 账号, 起止日期 …), one header row, the
transactions, sometimes a total row (合计). The header row is found by its column names; each column is known under
the names the big banks give it (``ALIASES``; 工商银行, 建设银行, 农业银行 and 中国银行 exports among them, with
中国银行's bilingual headers "交易日期[ Transaction Date ]" and parenthesised notes such as "贷方发生额（收入）").
Money in and out is either two columns (贷方/借方, 收入/支出) or one signed amount (中国银行's 交易金额 "+1,000.00")
or one amount with a direction column (借/贷, 来账/往账).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from .common import (CREDIT, DEBIT, CellError, ParsedLine, ParsedStatement, account_text, currency_code, date_cell,
                     file_error, money_cell, text_cell)

# Canonical column -> the names banks print (after ``normalise_header``), in order of preference.
ALIASES: dict[str, tuple[str, ...]] = {
    "booked_on": ("记账日期", "入账日期", "交易日期", "交易日", "日期"),
    "booked_at": ("交易时间", "记账时间", "交易日期时间"),
    "value_on": ("起息日期", "起息日"),
    "credit": ("贷方发生额", "收入金额", "贷方金额", "收入", "存入金额", "贷方", "收入金额元"),
    "debit": ("借方发生额", "支出金额", "借方金额", "支出", "支取金额", "借方", "支出金额元"),
    "amount": ("交易金额", "发生额", "金额"),
    "direction": ("借贷标志", "借/贷", "借贷", "收支方向", "来往账标识", "借贷方向", "收/支"),
    "payer_name": ("对方户名", "付款人名称", "对方账户名称", "对方单位名称", "对方名称", "对方账户名", "对方户名称",
                   "对方姓名", "付款方名称", "付款人户名"),
    "payer_account": ("对方账号", "付款人账号", "对方账户", "付款方账号", "对方卡号"),
    "payer_bank": ("对方开户行", "对方行名", "对方开户机构", "付款人开户行名", "对方开户行名", "对方开户行名称",
                   "对方银行", "付款人开户行", "付款方开户行"),
    "payee_name": ("收款人名称", "收款人户名"),
    "payee_account": ("收款人账号",),
    "payee_bank": ("收款人开户行名", "收款人开户行"),
    "remark": ("摘要", "附言", "用途", "交易附言", "交易用途", "交易说明", "备注", "交易摘要", "汇款附言", "个性化信息"),
    "bank_reference": ("交易流水号", "账户明细编号-交易流水号", "流水号", "交易参考号", "银行流水号", "核心流水号",
                       "会计流水号", "日志号", "交易序号", "凭证号", "凭证号码"),
    "sub_account": ("子账号", "虚拟账号", "收款子账号", "子账户", "虚拟子账号", "子账户账号"),
    "currency": ("币种", "交易货币", "货币", "币别"),
    "balance": ("余额", "本次余额", "交易后余额", "账户余额", "当前余额"),
    "account_number": ("本方账号", "账号", "本方账户"),
}
# Several remark columns are joined (the payment reference may be in any of them).
MULTI = {"remark"}
_LOOKUP = {name: key for key, names in ALIASES.items() for name in names}

TITLE_FIELDS = {
    "account_number": ("账号", "帐号", "查询账号", "账户", "本方账号"),
    "bank": ("开户行", "开户银行", "开户机构", "银行"),
    "period": ("起止日期", "查询日期", "查询时间范围", "交易日期", "日期范围", "查询期间"),
}
_TOTAL = re.compile(r"^(合计|总计|本页合计|小计|共计|总笔数|借方发生总|贷方发生总|以下空白)")
HEADER_SEARCH_ROWS = 40


def normalise_header(value) -> str:
    """"贷方发生额（收入）" -> "贷方发生额", "交易日期[ Transaction Date ]" -> "交易日期", "帐号" -> "账号"."""
    text = str(value or "").replace("\ufeff", "").strip()
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    text = re.sub(r"[/／]?元$", "", text)
    text = text.replace("帐", "账").replace("：", "").replace(":", "").replace(" ", "").replace("\u3000", "")
    return text.strip()


def find_header(rows: Sequence[Sequence]) -> tuple[int, dict[str, list[int]], list[str]]:
    """The header row: the first of the first rows naming a date column, an amount column (credit/debit, or a signed
    amount) and at least three known columns. Returns (index, canonical -> column indexes, header texts)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, list[int]] = {}
        for col, cell in enumerate(row):
            key = _LOOKUP.get(normalise_header(cell))
            if key:
                columns.setdefault(key, []).append(col)
        has_date = "booked_on" in columns or "booked_at" in columns
        has_amount = "credit" in columns or "amount" in columns
        if has_date and has_amount and sum(len(v) for v in columns.values()) >= 3:
            # Within one canonical column keep the preferred alias first.
            for key, cols in columns.items():
                order = ALIASES[key]
                cols.sort(key=lambda c, o=order, r=row: (o.index(normalise_header(r[c])), c))
            return index, columns, [str(c or "").strip() for c in row]
    raise file_error(_("No header row found: the file needs columns such as 交易日期 (or 记账日期), 贷方发生额 (or "
                       "收入金额) and 流水号. Check that it is a bank statement export and that its encoding is "
                       "UTF-8 or GBK."))


def _title_info(rows: Sequence[Sequence], parsed: ParsedStatement) -> None:
    """Account number, bank and period from the title rows above the header ("账号：2705…", or a label cell
    followed by its value, as 中国银行's "查询账号[ Inquirer account number ]|2705…")."""
    for row in rows:
        cells = [str(c or "").strip() for c in row]
        for i, cell in enumerate(cells):
            for key, labels in TITLE_FIELDS.items():
                for label in labels:
                    m = re.match(rf"^{label}(?:\[[^\]]*\])?\s*[:：]\s*(.+)$", cell)
                    value = m.group(1) if m else None
                    if value is None and normalise_header(cell) == label and i + 1 < len(cells):
                        value = cells[i + 1]
                    if not value:
                        continue
                    if key == "account_number" and not parsed.account_number:
                        digits = re.match(r"^[0-9][0-9 \-]{5,40}", value)
                        if digits:
                            parsed.account_number = re.sub(r"[\s\-]", "", digits.group(0))
                    elif key == "bank" and not parsed.bank:
                        parsed.bank = value[:100]
                    elif key == "period" and not parsed.period_from:
                        found = re.findall(r"[0-9]{4}[-/.年]?[0-9]{1,2}[-/.月]?[0-9]{1,2}日?", value)
                        if len(found) == 2:
                            try:
                                parsed.period_from, parsed.period_to = date_cell(found[0]), date_cell(found[1])
                            except CellError:
                                pass


def _cell(row: Sequence, col: int | None):
    return row[col] if col is not None and col < len(row) else None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_rows(rows: Sequence[Sequence], *, fmt: str, row_numbers: Sequence[int] | None = None,
               strict_width: bool = False) -> ParsedStatement:
    """``rows`` are the file's rows as cell values (text, or spreadsheet numbers and dates); ``row_numbers`` the
    row numbers the user sees (default: position + 1). ``strict_width``: a data row shorter than the header is a
    cut line (CSV), not a row with empty trailing cells (spreadsheets drop those)."""
    parsed = ParsedStatement(format=fmt)
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    header_index, columns, header = find_header(rows)
    _title_info(rows[:header_index], parsed)

    def first(key):
        cols = columns.get(key)
        return cols[0] if cols else None

    def name(col):
        return header[col] if col is not None and col < len(header) else ""

    if first("bank_reference") is None:
        raise file_error(_("The header row has no bank reference column (流水号, 交易流水号 or 凭证号): without it "
                           "the same transaction cannot be recognised when it comes again."),
                         row=numbers[header_index])
    width = max(i for cols in columns.values() for i in cols) + 1
    two_columns = "credit" in columns and "debit" in columns
    if not two_columns and "amount" not in columns:
        raise file_error(_("The header row has a credit column but no debit column (借方发生额 or 支出金额)."),
                         row=numbers[header_index])
    payee = "payee_name" in columns and "payer_name" in columns  # 中国银行: both sides, by direction

    seen_data = False
    for index in range(header_index + 1, len(rows)):
        row, number = rows[index], numbers[index]
        if all(_blank(c) for c in row):
            continue
        first_text = next((str(c).strip() for c in row if not _blank(c)), "")
        if _TOTAL.match(first_text):
            continue
        if strict_width and len(row) < width:
            parsed.error(number, "", _("The row has %(n)s columns, the header %(m)s: the line is cut short (is the "
                                       "file truncated?).") % {"n": len(row), "m": len(header)})
            continue
        seen_data = True
        line = _parse_row(row, number, first, name, columns, two_columns, payee, parsed)
        if line is not None:
            parsed.lines.append(line)
    if not seen_data and not parsed.errors:
        raise file_error(_("The file has a header row but no transactions."))
    return parsed


def _parse_row(row, number, first, name, columns, two_columns, payee, parsed) -> ParsedLine | None:
    errors_before = len(parsed.errors)

    def read(key, reader, **kw):
        col = first(key)
        if col is None:
            return None
        try:
            return reader(_cell(row, col), **kw)
        except CellError as exc:
            parsed.error(number, name(col), str(exc))
            return None

    # Date: the booking date, else the date part of the transaction time.
    booked_col = first("booked_on") if first("booked_on") is not None else first("booked_at")
    booked_on = None
    if _blank(_cell(row, booked_col)):
        parsed.error(number, name(booked_col), _("The date is missing."))
    else:
        try:
            booked_on = date_cell(_cell(row, booked_col))
        except CellError as exc:
            parsed.error(number, name(booked_col), str(exc))
    value_on = None if _blank(_cell(row, first("value_on"))) else read("value_on", date_cell)

    # Amount and direction.
    amount = direction = None
    if two_columns:
        found = []
        for key, dirn in (("credit", CREDIT), ("debit", DEBIT)):
            col = first(key)
            raw = _cell(row, col)
            if _blank(raw):
                continue
            try:
                value, sign = money_cell(raw)
            except CellError as exc:
                parsed.error(number, name(col), str(exc))
                found.append(None)
                continue
            if value == 0:
                continue
            if sign < 0 and dirn == CREDIT:
                parsed.error(number, name(col), _("A credit cannot be negative."))
                found.append(None)
                continue
            found.append((value, dirn))
        if None not in found:
            if len(found) == 2:
                parsed.error(number, name(first("credit")), _("The row has both a credit and a debit amount."))
            elif not found:
                parsed.error(number, name(first("credit")), _("The row has no amount."))
            else:
                amount, direction = found[0]
    else:
        col = first("amount")
        raw = _cell(row, col)
        try:
            value, sign = money_cell(raw, signed=True)
        except CellError as exc:
            parsed.error(number, name(col), str(exc))
        else:
            dcol = first("direction")
            mark = text_cell(_cell(row, dcol), max_length=20) if dcol is not None else ""
            if mark:
                if mark in ("贷", "收", "来账", "收入", "入", "C", "CR", "贷方", "+"):
                    direction = CREDIT
                elif mark in ("借", "支", "往账", "支出", "出", "D", "DR", "借方", "-"):
                    direction = DEBIT
                else:
                    parsed.error(number, name(dcol), _("%(value)s is neither credit (贷/收/来账) nor debit "
                                                       "(借/支/往账).") % {"value": mark})
                if direction and sign < 0:
                    parsed.error(number, name(col), _("The amount is negative although the direction column "
                                                      "gives it."))
                    direction = None
            else:
                direction = DEBIT if sign < 0 else CREDIT
            if value == 0:
                parsed.error(number, name(col), _("The amount is zero."))
                direction = None
            amount = value if direction else None

    reference = read("bank_reference", text_cell, max_length=80)
    if reference == "" and first("bank_reference") is not None:
        parsed.error(number, name(first("bank_reference")), _("The bank reference (流水号) is missing."))
    currency = read("currency", currency_code) or "CNY"
    if currency != "CNY":
        parsed.error(number, name(first("currency")), _("Currency %(code)s: only renminbi (CNY) is accepted on the "
                                                        "court's fund account.") % {"code": currency})
    balance = None
    if not _blank(_cell(row, first("balance"))):
        got = read("balance", money_cell, signed=True)
        balance = got[0] * got[1] if got else None

    side = "payee" if payee and direction == DEBIT else "payer"
    payer_name = read(f"{side}_name", text_cell, max_length=200) or ""
    payer_account = read(f"{side}_account", account_text) or ""
    payer_bank = read(f"{side}_bank", text_cell, max_length=100, cut=True) or ""
    remarks: list[str] = []
    for col in columns.get("remark", []):
        try:
            text = text_cell(_cell(row, col), max_length=2000)
        except CellError as exc:
            parsed.error(number, name(col), str(exc))
            continue
        if text and text not in remarks:
            remarks.append(text)
    remark = "；".join(remarks)
    if len(remark) > 300:
        remark = remark[:299] + "…"
    sub_account = read("sub_account", account_text) or ""
    if len(sub_account) > 40:
        parsed.error(number, name(first("sub_account")), _("The sub-account is longer than 40 characters."))
    own = ""
    if payee and direction:
        own = read("payee_account" if direction == CREDIT else "payer_account", account_text) or ""
    elif first("account_number") is not None:
        own = read("account_number", account_text) or ""
    if len(payer_account) > 40:
        parsed.error(number, name(first(f"{side}_account")), _("The account number is longer than 40 characters."))

    if len(parsed.errors) > errors_before or booked_on is None or amount is None:
        return None
    return ParsedLine(row=number, bank_reference=reference, booked_on=booked_on, value_on=value_on, amount=amount,
                      direction=direction, currency=currency, balance=balance, payer_name=payer_name,
                      payer_account=payer_account, payer_bank=payer_bank, remark=remark, sub_account=sub_account,
                      account_number=own)
