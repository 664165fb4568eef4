"""SWIFT MT940 statements, read with the maintained ``mt-940`` library (import name ``mt940``).

Each ``:61:`` statement line is one entry (its number in the file is the "row" of an error). The bank reference is
the ``//`` part of ``:61:`` (else the customer reference unless NONREF). ``:86:`` is the remark; a structured ``:86:``
with ``/NAME/``, ``/ACCT/``, ``/BANK/``, ``/REMI/`` codes (or the ``/ORDP/``, ``/BENM/`` party codes) gives the
other party's name, account, bank and the remittance text. A file without its closing balance (``:62F:``) was cut
short and is refused.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .common import (CREDIT, DEBIT, CellError, ParsedLine, ParsedStatement, account_text, date_cell, file_error,
                     money_text, text_cell)
from .csv_format import decode

_CODES = re.compile(r"/(NAME|ACCT|BANK|REMI|ORDP|BENM|SUBA)/")


def _details(text: str) -> dict[str, str]:
    """"/NAME/张三/ACCT/6222…/REMI/案款" -> {"NAME": "张三", "ACCT": "6222…", "REMI": "案款"}."""
    parts = _CODES.split(text or "")
    if len(parts) < 3:
        return {}
    out = {}
    for i in range(1, len(parts) - 1, 2):
        out.setdefault(parts[i], parts[i + 1].strip().strip("/").strip())
    return out


def _decimal_text(amount) -> str:
    # The library builds a Decimal from the text (never a float); read it back through the strict money reader.
    return format(abs(amount), "f")


def parse_mt940(data: bytes) -> ParsedStatement:
    import mt940

    text = decode(data).replace("\r\n", "\n")
    if ":61:" not in text and ":60F:" not in text and ":60M:" not in text:
        raise file_error(_("This is not an MT940 statement (no :60F: opening balance or :61: lines)."))
    if not re.search(r"^:62[FM]:", text, re.MULTILINE):
        raise file_error(_("The MT940 file has no closing balance (:62F:): it is truncated. Download it again."))
    try:
        transactions = mt940.parse(text, options=mt940.Options.all())
    except Exception as exc:  # the library raises RuntimeError naming the tag it could not read
        tag = ""
        if isinstance(exc, RuntimeError) and len(exc.args) >= 3:
            tag = f":{getattr(exc.args[1], 'id', '')}:"
            bad = str(exc.args[2])[:60]
            raise file_error(_("The MT940 field %(tag)s cannot be read: %(value)s") % {"tag": tag, "value": bad},
                             column=tag)
        raise file_error(_("The MT940 file cannot be read (%(why)s).") % {"why": type(exc).__name__})
    parsed = ParsedStatement(format="mt940")
    info = transactions.data
    parsed.account_number = account_text(info.get("account_identification") or "")[:40]
    opening, closing = info.get("final_opening_balance"), info.get("final_closing_balance")
    try:
        if opening is not None:
            value, _sign = money_text(_decimal_text(opening.amount.amount))
            parsed.opening_balance = -value if opening.amount.amount < 0 else value
            parsed.period_from = date_cell(opening.date)
        if closing is not None:
            value, _sign = money_text(_decimal_text(closing.amount.amount))
            parsed.closing_balance = -value if closing.amount.amount < 0 else value
            parsed.period_to = date_cell(closing.date)
    except CellError as exc:
        parsed.error(0, ":60F:/:62F:", str(exc))
    for number, tx in enumerate(transactions, start=1):
        d = tx.data
        amount_obj = d.get("amount")
        try:
            amount, _sign = money_text(_decimal_text(amount_obj.amount))
        except CellError as exc:
            parsed.error(number, ":61:", str(exc))
            continue
        status = (d.get("status") or "").upper()
        direction = CREDIT if status in ("C", "RD") else DEBIT
        currency = (amount_obj.currency or d.get("currency") or "").upper() or "CNY"
        if currency != "CNY":
            parsed.error(number, ":61:", _("Currency %(code)s: only renminbi (CNY) is accepted on the court's fund "
                                           "account.") % {"code": currency})
            continue
        if amount == 0:
            parsed.error(number, ":61:", _("The amount is zero."))
            continue
        reference = (d.get("bank_reference") or "").strip()
        if not reference:
            customer = (d.get("customer_reference") or "").strip()
            reference = "" if customer.upper() == "NONREF" else customer
        if not reference:
            parsed.error(number, ":61:", _("The bank reference (流水号) is missing."))
            continue
        raw = d.get("transaction_details") or ""
        codes = _details(raw)
        party = codes.get("NAME") or codes.get("ORDP" if direction == CREDIT else "BENM") or ""
        try:
            line = ParsedLine(
                row=number, bank_reference=text_cell(reference, max_length=80),
                booked_on=date_cell(d.get("entry_date") or d["date"]), value_on=date_cell(d["date"]), amount=amount,
                direction=direction, currency="CNY",
                payer_name=text_cell(party, max_length=200), payer_account=account_text(codes.get("ACCT", ""))[:40],
                payer_bank=text_cell(codes.get("BANK", ""), max_length=100, cut=True),
                remark=text_cell(codes.get("REMI") or raw, max_length=300, cut=True),
                sub_account=account_text(codes.get("SUBA", ""))[:40], account_number=parsed.account_number,
            )
        except CellError as exc:
            parsed.error(number, ":86:", str(exc))
            continue
        parsed.lines.append(line)
    if not parsed.lines and not parsed.errors:
        raise file_error(_("The statement has no transactions."))
    return parsed
