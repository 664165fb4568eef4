"""ISO 20022 camt.053 (BkToCstmrStmt) statements, read with defusedxml (no entity expansion, no external entities).

Namespaces are ignored (camt.053.001.02 to .001.13 share these paths). Each booked entry (``Ntry``, status BOOK) is
one line; an entry carrying several transactions (``TxDtls``, a batch) becomes one line per transaction, each with
its own reference. The other party is the debtor of a credit (``RltdPties/Dbtr``, or ``Dbtr/Pty`` from version 08)
and the creditor of a debit.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .common import (CREDIT, DEBIT, CellError, ParsedLine, ParsedStatement, account_text, date_cell, file_error,
                     money_text, text_cell)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(el, path: str):
    """The first element along ``a/b/c`` (local names), or None."""
    if el is None:
        return None
    current = [el]
    for part in path.split("/"):
        current = [child for node in current for child in node if _local(child.tag) == part]
        if not current:
            return None
    return current[0]


def _all(el, name: str) -> list:
    return [child for child in el if _local(child.tag) == name] if el is not None else []


def _text(el, path: str) -> str:
    found = _find(el, path)
    return (found.text or "").strip() if found is not None else ""


def _party(tx, role: str) -> tuple[str, str, str]:
    parties = _find(tx, "RltdPties")
    name = _text(parties, f"{role}/Nm") or _text(parties, f"{role}/Pty/Nm")
    acct = (_text(parties, f"{role}Acct/Id/Othr/Id") or _text(parties, f"{role}Acct/Id/IBAN"))
    bank = _text(_find(tx, "RltdAgts"), f"{role}Agt/FinInstnId/Nm")
    return name, acct, bank


def _amount(el, where: str, parsed: ParsedStatement, number: int):
    node = _find(el, "Amt") if el is not None else None
    if node is None:
        node = _find(el, "AmtDtls/TxAmt/Amt")
    if node is None:
        parsed.error(number, where, _("The amount is missing."))
        return None, None
    try:
        value, sign = money_text(node.text or "")
    except CellError as exc:
        parsed.error(number, where, str(exc))
        return None, None
    if sign < 0:
        parsed.error(number, where, _("The amount cannot be negative (the direction is CdtDbtInd)."))
        return None, None
    return value, (node.get("Ccy") or "").upper()


def parse_camt053(data: bytes) -> ParsedStatement:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise file_error(_("The XML is malformed or truncated at line %(line)s, column %(column)s. Download the file "
                           "again.") % {"line": line, "column": column}, row=line)
    except DefusedXmlException:
        raise file_error(_("The XML uses entities or a document type declaration, which statements never need; it "
                           "is refused."))
    statement_root = _find(root, "BkToCstmrStmt") if _local(root.tag) != "BkToCstmrStmt" else root
    if statement_root is None:
        raise file_error(_("This XML is not a camt.053 bank statement (no BkToCstmrStmt)."))
    statements = _all(statement_root, "Stmt")
    if not statements:
        raise file_error(_("The camt.053 file has no statement (Stmt)."))
    parsed = ParsedStatement(format="camt053")
    number = 0
    accounts = set()
    for stmt in statements:
        account = account_text(_text(stmt, "Acct/Id/Othr/Id") or _text(stmt, "Acct/Id/IBAN"))
        accounts.add(account)
        parsed.account_number = parsed.account_number or account
        parsed.bank = parsed.bank or _text(stmt, "Acct/Svcr/FinInstnId/Nm")[:100]
        for period_key, path in (("period_from", "FrToDt/FrDtTm"), ("period_to", "FrToDt/ToDtTm")):
            value = _text(stmt, path)
            if value and getattr(parsed, period_key) is None:
                try:
                    setattr(parsed, period_key, date_cell(value[:10]))
                except CellError:
                    pass
        for bal in _all(stmt, "Bal"):
            code = _text(bal, "Tp/CdOrPrtry/Cd")
            if code not in ("OPBD", "CLBD"):
                continue
            try:
                value, _sign = money_text(_text(bal, "Amt"))
            except CellError as exc:
                parsed.error(0, "Bal/Amt", str(exc))
                continue
            value = -value if _text(bal, "CdtDbtInd") == "DBIT" else value
            if code == "OPBD":
                parsed.opening_balance = value
            else:
                parsed.closing_balance = value
        for entry in _all(stmt, "Ntry"):
            number += 1
            status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
            if status and status != "BOOK":
                continue  # pending or information only: it comes again once booked
            _entry_lines(entry, number, account, parsed)
    if len(accounts) > 1:
        parsed.error(0, "Stmt/Acct", _("The file holds statements of several accounts (%(accounts)s): import one "
                                       "account at a time.") % {"accounts": ", ".join(sorted(accounts))})
    if not parsed.lines and not parsed.errors:
        raise file_error(_("The statement has no booked entries."))
    return parsed


def _entry_lines(entry, number: int, account: str, parsed: ParsedStatement) -> None:
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        parsed.error(number, "Ntry/CdtDbtInd", _("%(value)s is neither CRDT nor DBIT.") % {"value": indicator})
        return
    direction = CREDIT if indicator == "CRDT" else DEBIT
    booked_text = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")[:10]
    try:
        booked_on = date_cell(booked_text)
    except CellError as exc:
        parsed.error(number, "Ntry/BookgDt", str(exc))
        return
    value_text = _text(entry, "ValDt/Dt") or _text(entry, "ValDt/DtTm")[:10]
    value_on = None
    if value_text:
        try:
            value_on = date_cell(value_text)
        except CellError as exc:
            parsed.error(number, "Ntry/ValDt", str(exc))
            return
    entry_amount, entry_ccy = _amount(entry, "Ntry/Amt", parsed, number)
    if entry_amount is None:
        return
    entry_ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    details = [tx for nd in _all(entry, "NtryDtls") for tx in _all(nd, "TxDtls")]
    batch = len(details) > 1
    parts = details or [None]
    if batch:
        total = 0
        for tx in details:
            amt, _ccy = _amount(tx, "TxDtls/Amt", parsed, number)
            if amt is None:
                return
            total += amt
        if total != entry_amount:
            parsed.error(number, "Ntry/Amt", _("The entry's amount %(entry)s is not the sum of its transactions "
                                               "%(sum)s.") % {"entry": entry_amount, "sum": total})
            return
    for index, tx in enumerate(parts, start=1):
        amount, currency = (_amount(tx, "TxDtls/Amt", parsed, number) if batch else (entry_amount, entry_ccy))
        if amount is None:
            return
        currency = currency or entry_ccy or "CNY"
        if currency != "CNY":
            parsed.error(number, "Ntry/Amt/@Ccy", _("Currency %(code)s: only renminbi (CNY) is accepted on the "
                                                    "court's fund account.") % {"code": currency})
            return
        if amount == 0:
            parsed.error(number, "Ntry/Amt", _("The amount is zero."))
            return
        ref = (_text(tx, "Refs/AcctSvcrRef") if tx is not None else "") or (
            f"{entry_ref}-{index}" if batch and entry_ref else entry_ref)
        if not ref:
            parsed.error(number, "Ntry/AcctSvcrRef", _("The bank reference (流水号) is missing."))
            return
        scope = tx if tx is not None else entry
        name, acct, bank = _party(scope, "Dbtr" if direction == CREDIT else "Cdtr")
        remark = " ".join(u.text.strip() for u in (_all(_find(scope, "RmtInf"), "Ustrd")) if u.text)
        remark = remark or _text(entry, "AddtlNtryInf")
        try:
            parsed.lines.append(ParsedLine(
                row=number, bank_reference=text_cell(ref, max_length=80), booked_on=booked_on, value_on=value_on,
                amount=amount, direction=direction, currency="CNY", payer_name=text_cell(name, max_length=200),
                payer_account=account_text(acct)[:40], payer_bank=text_cell(bank, max_length=100, cut=True),
                remark=text_cell(remark, max_length=300, cut=True), account_number=account,
            ))
        except CellError as exc:
            parsed.error(number, "TxDtls", str(exc))
            return
