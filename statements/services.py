"""Writes of the statements app: importing a bank statement (导入银行流水).

``statement_import`` is idempotent twice over: a file imported before (same SHA-256) is recognised and changes
nothing; a line already stored (same court, account and bank reference, 流水号) is not stored again, so an
overlapping file adds only its new lines. Every line is validated before anything is written, in one transaction:
a file with one bad row is refused as a whole with a report naming each row and column. Matching the new lines to
cases (``statements.matching``) runs after the import has committed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, Target, require
from assets.services.ledger import reference_normalize
from core.formats import local_datetime

from .models import Direction, LineStatus, Statement, StatementLine
from .parsers import ParsedLine, RowError, StatementFileError, parse_statement

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # a year of a busy court's account as CSV is a few MB
MAX_LINES = 200_000


class StatementImportError(ValidationError):
    """The file was refused; ``rows`` lists each problem as (row, column, message) for the report."""

    def __init__(self, rows: list[RowError]):
        self.rows = list(rows)
        super().__init__({"file": [str(r) for r in self.rows] or [_("The file cannot be imported.")]})


@dataclass
class ImportResult:
    statement: Statement
    created: bool  # False: this very file was imported before; nothing changed
    new_lines: int = 0
    known_lines: int = 0
    new_line_ids: list[int] = field(default_factory=list)
    match_summary: object = None

    @property
    def message(self) -> str:
        if not self.created:
            return _("This file was already imported on %(at)s by %(by)s; nothing was changed.") % {
                "at": local_datetime(self.statement.imported_at),
                "by": getattr(self.statement.imported_by, "full_name", "") or _("(unknown)")}
        return _("Statement imported: %(new)s new lines, %(known)s already known.") % {
            "new": self.new_lines, "known": self.known_lines}


def account_normalize(value: str | None) -> str:
    return re.sub(r"[\s\-]", "", value or "")


def _refuse(rows: list[RowError]) -> StatementImportError:
    return StatementImportError(sorted(rows, key=lambda r: (r.row, r.column)))


def statement_import(*, actor, court, file_name: str, data: bytes, account_number: str = "") -> ImportResult:
    """Import a bank statement file of ``court``'s fund account (finance, ``FUNDS_RECORD``)."""
    if court is None:
        raise ValidationError({"court": _("Only a user of a court imports its statements.")})
    require(actor, Perm.FUNDS_RECORD, Target(court_id=court.pk))
    file_name = (file_name or "").strip()[-255:] or "statement"
    if not data:
        raise _refuse([RowError(0, "", _("The file is empty."))])
    if len(data) > MAX_BYTES:
        raise _refuse([RowError(0, "", _("The file is larger than %(mb)s MB: import a shorter period.")
                                % {"mb": MAX_BYTES // (1024 * 1024)})])
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = _already_imported(court, sha256)
    if earlier is not None:
        return ImportResult(statement=earlier, created=False)

    fund_account = account_normalize(court.fund_account_number)
    if not fund_account:
        raise _refuse([RowError(0, "", _("The court's fund account number is not set: the court administrator "
                                         "enters it under the court's details first."))])
    chosen = account_normalize(account_number)
    if chosen and chosen != fund_account:
        raise ValidationError({"account_number": _("%(account)s is not the court's fund account (%(fund)s).")
                               % {"account": chosen, "fund": fund_account}})
    try:
        parsed = parse_statement(file_name, data)
    except StatementFileError as exc:
        raise _refuse(exc.errors)
    errors = list(parsed.errors)
    if parsed.account_number and account_normalize(parsed.account_number) != fund_account:
        errors.append(RowError(0, "", _("The statement is for account %(account)s, not the court's fund account "
                                        "%(fund)s.") % {"account": parsed.account_number, "fund": fund_account}))
    if len(parsed.lines) > MAX_LINES:
        errors.append(RowError(0, "", _("The file has more than %(n)s lines: import a shorter period.")
                               % {"n": MAX_LINES}))
    lines = _unique_lines(parsed.lines, fund_account, errors)
    if errors:
        raise _refuse(errors)

    with transaction.atomic():
        # One import per court at a time: the same file sent twice at once is imported once, and two overlapping
        # files never both insert a line.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"statement-import:{court.pk}"])
        earlier = _already_imported(court, sha256)
        if earlier is not None:
            return ImportResult(statement=earlier, created=False)
        known = _known_lines(court, fund_account, lines, errors)
        if errors:
            raise _refuse(errors)
        new = [line for line in lines if line.bank_reference not in known]
        credits = [line for line in lines if line.direction == Direction.CREDIT]
        dates = [line.booked_on for line in lines]
        statement = Statement.objects.create(
            court=court, account_number=fund_account, bank=(parsed.bank or court.fund_account_bank or "")[:100],
            format=parsed.format, file_name=file_name, sha256=sha256, size=len(data),
            period_from=parsed.period_from or (min(dates) if dates else None),
            period_to=parsed.period_to or (max(dates) if dates else None),
            opening_balance=parsed.opening_balance, closing_balance=parsed.closing_balance, imported_by=actor,
            line_count=len(lines), new_line_count=len(new), credit_count=len(credits),
            credit_total=sum((line.amount for line in credits), Decimal("0.00")),
        )
        _copy_lines(statement, court, fund_account, new, today=timezone.localdate())
        created = list(StatementLine.objects.filter(statement=statement).order_by("pk").values_list("pk", "direction"))
    result = ImportResult(statement=statement, created=True, new_lines=len(new), known_lines=len(lines) - len(new),
                          new_line_ids=[pk for pk, _direction in created])
    credit_ids = [pk for pk, direction in created if direction == Direction.CREDIT]
    if credit_ids:
        result.match_summary = match_new_lines(court=court, line_ids=credit_ids)
    return result


# The columns a new line is written with (every NOT NULL column without a database default; the rest stay NULL).
COPY_COLUMNS = ("court_id", "statement_id", "row", "account_number", "bank_reference", "booked_on", "value_on",
                "amount", "direction", "currency", "balance", "payer_name", "payer_account", "payer_bank", "remark",
                "sub_account", "status", "match_rule", "confidence", "note", "waiting_since")


def _copy_lines(statement: Statement, court, fund_account: str, lines: list[ParsedLine], *, today) -> None:
    """Store the new lines with PostgreSQL's COPY in the import's transaction: the parsed values are already checked
    (amounts Decimal with 2 places, dates, bounded text), and an ORM bulk insert spent two thirds of a 50,000-line
    import building model instances and escaping parameters (docs/benchmarks.md). The constraints still hold: the
    unique bank reference and the checks are the table's own."""
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
                f"COPY {StatementLine._meta.db_table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for line in lines:
                credit = line.direction == Direction.CREDIT
                copy.write_row((
                    court.pk, statement.pk, line.row, fund_account, line.bank_reference, line.booked_on,
                    line.value_on, line.amount, line.direction, "CNY", line.balance, line.payer_name,
                    line.payer_account, line.payer_bank, line.remark, line.sub_account,
                    LineStatus.UNMATCHED if credit else LineStatus.IGNORED, "", 0, "", today if credit else None))


def match_new_lines(*, court, line_ids: list[int]):
    """THE CALL SITE OF THE MATCHER: ``statements.matching.match_lines`` (written separately) proposes or posts the
    new credit lines. Runs after the import committed, so a failure there never undoes an import; until the
    matcher is installed the lines simply wait as unidentified."""
    if importlib.util.find_spec("statements.matching") is None:
        return None
    from . import matching  # noqa: PLC0415 (optional until the matcher is merged)

    return matching.match_lines(court=court, line_ids=line_ids)


def _already_imported(court, sha256: str) -> Statement | None:
    return Statement.objects.select_related("imported_by").filter(court=court, sha256=sha256).first()


def _unique_lines(lines: list[ParsedLine], fund_account: str, errors: list[RowError]) -> list[ParsedLine]:
    """The file's lines once each: a line repeated in the file (same reference, same facts) counts once; the same
    reference with different facts, a line of another account or a date in the future is an error of its row."""
    today = timezone.localdate()
    seen: dict[str, ParsedLine] = {}
    out = []
    for line in lines:
        line.bank_reference = reference_normalize(line.bank_reference)
        own = account_normalize(line.account_number)
        if own != fund_account and own.startswith(fund_account) and len(own) <= 40:
            # A virtual sub-account of the fund account (一案一账号: the fund account's number and a suffix).
            line.sub_account = line.sub_account or own
        elif own and own != fund_account:
            errors.append(RowError(line.row, _("account number"), _(
                "The line is for account %(account)s, not the court's fund account %(fund)s (a statement of "
                "another account or another court).") % {"account": line.account_number, "fund": fund_account}))
            continue
        if line.booked_on > today:
            errors.append(RowError(line.row, _("date"), _("The booking date %(date)s is in the future.")
                                   % {"date": line.booked_on.isoformat()}))
            continue
        if not line.bank_reference or len(line.bank_reference) > 80:
            errors.append(RowError(line.row, _("bank reference"), _("The bank reference (流水号) is missing or "
                                                                     "longer than 80 characters.")))
            continue
        first = seen.get(line.bank_reference)
        if first is None:
            seen[line.bank_reference] = line
            out.append(line)
        elif _facts(first) != _facts(line):
            errors.append(RowError(line.row, _("bank reference"), _(
                "Bank reference %(reference)s is also in row %(row)s with a different amount, date or direction.")
                % {"reference": line.bank_reference, "row": first.row}))
    return out


def _facts(line) -> tuple:
    return (line.amount, line.direction, line.booked_on)


def _known_lines(court, fund_account: str, lines: list[ParsedLine], errors: list[RowError]) -> set[str]:
    """References of the file already stored; a stored line whose amount, direction or date differs is an error
    (the bank reference is the line's identity: the same reference with other facts is not the same money)."""
    known: set[str] = set()
    refs = [line.bank_reference for line in lines]
    by_ref = {line.bank_reference: line for line in lines}
    for start in range(0, len(refs), 5000):
        chunk = refs[start:start + 5000]
        for ref, amount, direction, booked_on in (StatementLine.objects.filter(
                court=court, account_number=fund_account, bank_reference__in=chunk)
                .values_list("bank_reference", "amount", "direction", "booked_on")):
            known.add(ref)
            line = by_ref[ref]
            if (amount, direction, booked_on) != _facts(line):
                errors.append(RowError(line.row, _("bank reference"), _(
                    "Bank reference %(reference)s was imported before with %(amount)s on %(date)s; this row says "
                    "%(new_amount)s on %(new_date)s.") % {
                    "reference": ref, "amount": amount, "date": booked_on.isoformat(),
                    "new_amount": line.amount, "new_date": line.booked_on.isoformat()}))
    return known
