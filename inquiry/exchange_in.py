"""Reading a result file that an agency sent back (format ``enf-inquiry-result/1``, docs/exchange.md).

The file is JSON Lines in UTF-8: a header line, then one line per result. This module checks the file as a file
(UTF-8, the header, the checksum of the rows, the row count) and each row on its own (types, sets, money, dates,
account numbers); whether a row fits a request of this court is the import service's job
(``inquiry.services.results``). It streams: a 100,000-row file is read line by line, never held whole.

Every problem is collected as ``RowError(line_no, field, message)`` (line 1 is the header; line 0 the file as a whole)
so the officer sees all of them at once, "第 N 行: field: problem".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assets.models import AssetKind
from core.fields import parse_money
from core.text import clean_text

RESULT_FORMAT = "enf-inquiry-result/1"
AGENCY_KINDS = ("bank", "real_estate", "vehicle", "securities", "equity", "social_insurance", "provident_fund",
                "payment_platform")
ROW_STATUSES = ("found", "none", "error")
CONTROL_MEASURES = ("query", "freeze", "seize")
CONTROL_STATUSES = ("done", "partial", "refused")
MAX_LINE_BYTES = 64 * 1024
MAX_ERRORS_KEPT = 200
# Account-like identifiers (bank card and account numbers, securities and payment accounts): ASCII letters and
# digits, 4 to 40 of them. Certificates, plates and shares carry Chinese and punctuation: free text up to 80.
ACCOUNT_KINDS = {AssetKind.BANK_DEPOSIT, AssetKind.WAGE_INCOME, AssetKind.OTHER_PROPERTY_RIGHT}
ACCOUNT_RE = re.compile(r"[0-9A-Za-z]{4,40}")
REQUEST_ID_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")
SHA_RE = re.compile(r"[0-9a-f]{64}")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TEXT_LIMITS = {"institution": 100, "description": 200, "case_number": 40, "subject_id_number": 40, "account": 40,
               "reference": 60, "reason": 300, "error": 300}


@dataclass(frozen=True)
class RowError:
    line_no: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.line_no == 0:
            return f"{self.field}: {self.message}" if self.field else self.message
        if not self.field:
            return _("Line %(n)s: %(message)s") % {"n": self.line_no, "message": self.message}
        return _("Line %(n)s: %(field)s: %(message)s") % {"n": self.line_no, "field": self.field,
                                                          "message": self.message}


class ErrorList:
    """All the errors of a file: the first ``MAX_ERRORS_KEPT`` kept for the report, every one counted."""

    def __init__(self, limit: int = MAX_ERRORS_KEPT):
        self.limit, self.items, self.count = limit, [], 0

    def add(self, line_no: int, field_name: str, message: str) -> None:
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append(RowError(line_no, field_name, str(message)))

    def __bool__(self) -> bool:
        return self.count > 0


class ResultFileRefused(Exception):
    """The file cannot be imported; ``errors`` lists why (the first ones) and ``count`` how many there were."""

    def __init__(self, errors: list[RowError], count: int | None = None):
        self.errors, self.count = list(errors), count if count is not None else len(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


@dataclass(frozen=True)
class ResultHeader:
    agency_kind: str
    batch: str
    court_code: str
    rows: int
    sha256_of_rows: str


@dataclass
class ParsedRow:
    line_no: int
    request_id: str
    case_number: str
    subject_id_number: str
    status: str
    asset_kind: str = ""
    institution: str = ""
    account: str = ""
    balance: Decimal | None = None
    as_of: date | None = None
    description: str = ""
    error: str = ""
    control_measure: str = ""
    control_status: str = ""
    control_amount: Decimal | None = None
    control_reference: str = ""
    control_until: date | None = None
    control_reason: str = ""
    raw: dict = field(default_factory=dict)


def _decode(data: bytes, line_no: int, errors: ErrorList) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.add(line_no, "", _("Wrong encoding: the file is not UTF-8 (byte %(offset)s of the line cannot be "
                                  "read; save the file as UTF-8).") % {"offset": exc.start + 1})
        return None


def _readline(stream: IO[bytes]) -> bytes:
    return stream.readline(MAX_LINE_BYTES + 1)


def read_header(stream: IO[bytes]) -> ResultHeader:
    """The first line, checked; the stream is left at the first row."""
    stream.seek(0)
    line = _readline(stream)
    errors = ErrorList()
    if not line.strip():
        raise ResultFileRefused([RowError(0, "", _("The file is empty."))])
    if len(line) > MAX_LINE_BYTES:
        raise ResultFileRefused([RowError(1, "", _("The line is too long."))])
    text = _decode(line, 1, errors)
    if text is None:
        raise ResultFileRefused(errors.items)
    try:
        data = json.loads(text)
    except ValueError:
        raise ResultFileRefused([RowError(1, "", _("The header is not valid JSON."))]) from None
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        raise ResultFileRefused([RowError(1, "format", _("Not a result file (the header must name the format "
                                                         "%(format)s).") % {"format": RESULT_FORMAT})])
    if data.get("agency_kind") not in AGENCY_KINDS:
        errors.add(1, "agency_kind", _("Unknown agency kind."))
    for name in ("batch", "court_code"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > 20 or not value.isprintable():
            errors.add(1, name, _("Enter the %(name)s as exported.") % {"name": name})
    rows = data.get("rows")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        errors.add(1, "rows", _("Enter the number of rows."))
    if not isinstance(data.get("sha256_of_rows"), str) or not SHA_RE.fullmatch(data["sha256_of_rows"]):
        errors.add(1, "sha256_of_rows", _("Enter the SHA-256 of the rows (64 lower-case hex digits)."))
    if errors:
        raise ResultFileRefused(errors.items, errors.count)
    return ResultHeader(agency_kind=data["agency_kind"], batch=data["batch"], court_code=data["court_code"],
                        rows=rows, sha256_of_rows=data["sha256_of_rows"])


def verify_checksum(stream: IO[bytes], header: ResultHeader) -> None:
    """The bytes after the header hash to ``sha256_of_rows`` and hold ``rows`` rows: a truncated or altered file
    is refused as a whole before any row is looked at."""
    stream.seek(0)
    _readline(stream)
    digest, count, last = hashlib.sha256(), 0, b"\n"
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        count += chunk.count(b"\n")
        last = chunk[-1:]
    if last != b"\n":
        count += 1
    if digest.hexdigest() != header.sha256_of_rows:
        raise ResultFileRefused([RowError(0, "sha256_of_rows", _(
            "The file is truncated or altered: its rows do not match the checksum in its header (%(rows)s rows "
            "announced). Ask the agency to send it again.") % {"rows": header.rows})])
    # Blank lines are allowed (they are skipped), so the count is an upper bound check only.
    if count < header.rows:
        raise ResultFileRefused([RowError(0, "rows", _("The file holds fewer rows than its header announces."))])


def _date(value, line_no: int, name: str, errors: ErrorList) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(line_no, name, _("Enter a date as YYYY-MM-DD."))
    return None


def _money(value, line_no: int, name: str, errors: ErrorList) -> Decimal | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors.add(line_no, name, _("Write the amount as a string, e.g. \"12345.67\"."))
        return None
    try:
        return parse_money(value)
    except ValidationError as exc:
        errors.add(line_no, name, exc.messages[0])
        return None


def _text(data: dict, key: str, line_no: int, errors: ErrorList, *, name: str | None = None,
          required: bool = False) -> str:
    name = name or key
    try:
        return clean_text(data.get(key), field=name, max_length=TEXT_LIMITS.get(key, 80), required=required)
    except ValidationError as exc:
        errors.add(line_no, name, exc.message_dict[name][0])
        return ""


def parse_row(data, line_no: int, errors: ErrorList) -> ParsedRow | None:
    """One decoded row checked on its own; ``None`` (and errors added) if it is not usable."""
    before = errors.count
    if not isinstance(data, dict):
        errors.add(line_no, "", _("A row must be a JSON object."))
        return None
    request_id = data.get("request_id")
    if not isinstance(request_id, str) or not REQUEST_ID_RE.fullmatch(request_id):
        errors.add(line_no, "request_id", _("Enter the request number of the batch."))
        request_id = ""
    row = ParsedRow(line_no=line_no, request_id=request_id, raw=data,
                    case_number=_text(data, "case_number", line_no, errors, required=True),
                    subject_id_number=_text(data, "subject_id_number", line_no, errors, required=True),
                    status=data.get("status") if data.get("status") in ROW_STATUSES else "")
    if not row.status:
        errors.add(line_no, "status", _("Enter found, none or error."))
    if row.status == "found":
        kind = data.get("asset_kind")
        if kind not in AssetKind.values:
            errors.add(line_no, "asset_kind", _("Unknown asset kind."))
        else:
            row.asset_kind = kind
        row.institution = _text(data, "institution", line_no, errors)
        account = data.get("account")
        if kind in ACCOUNT_KINDS:
            if not isinstance(account, str) or not ACCOUNT_RE.fullmatch(account):
                errors.add(line_no, "account", _("Malformed account number: 4 to 40 letters or digits."))
            else:
                row.account = account
        else:  # a certificate, plate or registration number: free text (the register keeps up to 40 here)
            row.account = _text(data, "account", line_no, errors, required=kind in AssetKind.values)
        if kind == AssetKind.BANK_DEPOSIT and not row.institution and not errors.count - before:
            errors.add(line_no, "institution", _("Name the bank."))
        row.balance = _money(data.get("balance"), line_no, "balance", errors)
        row.description = _text(data, "description", line_no, errors)
    elif row.status == "error":
        row.error = _text(data, "error", line_no, errors, required=True)
    row.as_of = _date(data.get("as_of"), line_no, "as_of", errors)
    control = data.get("control")
    if control not in (None, {}):
        if not isinstance(control, dict):
            errors.add(line_no, "control", _("The control must be a JSON object."))
        else:
            _control(row, control, line_no, errors)
    return row if errors.count == before else None


def _control(row: ParsedRow, control: dict, line_no: int, errors: ErrorList) -> None:
    measure, status = control.get("measure"), control.get("status")
    if measure not in CONTROL_MEASURES:
        errors.add(line_no, "control.measure", _("Enter query, freeze or seize."))
    if status not in CONTROL_STATUSES:
        errors.add(line_no, "control.status", _("Enter done, partial or refused."))
    row.control_measure = measure if measure in CONTROL_MEASURES else ""
    row.control_status = status if status in CONTROL_STATUSES else ""
    row.control_amount = _money(control.get("amount"), line_no, "control.amount", errors)
    row.control_reference = _text(control, "reference", line_no, errors, name="control.reference")
    row.control_until = _date(control.get("until"), line_no, "control.until", errors)
    row.control_reason = _text(control, "reason", line_no, errors, name="control.reason")
    if row.control_status == "refused" and not row.control_reason:
        errors.add(line_no, "control.reason", _("Give the reason of the refusal."))
    if row.control_status in ("done", "partial") and row.control_measure in ("freeze", "seize"):
        if row.status != "found":
            errors.add(line_no, "control", _("A freeze or seizure needs the asset it was applied to."))
        if not row.control_reference:
            errors.add(line_no, "control.reference", _("Enter the agency's reference of the measure."))


def iter_rows(stream: IO[bytes], errors: ErrorList) -> Iterator[ParsedRow]:
    """Each valid row, in file order; problems go to ``errors`` (and the row is skipped). The header must have been
    read and checked first."""
    stream.seek(0)
    _readline(stream)
    line_no = 1
    while True:
        line = _readline(stream)
        if not line:
            break
        line_no += 1
        if len(line) > MAX_LINE_BYTES:
            errors.add(line_no, "", _("The line is too long."))
            while line and not line.endswith(b"\n"):
                line = _readline(stream)
            continue
        if not line.strip():
            continue
        text = _decode(line, line_no, errors)
        if text is None:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            errors.add(line_no, "", _("The line is not valid JSON."))
            continue
        row = parse_row(data, line_no, errors)
        if row is not None:
            yield row


def open_checked(stream: IO[bytes]) -> ResultHeader:
    """Header and checksum: the file as a file. Raises ``ResultFileRefused``."""
    header = read_header(stream)
    verify_checksum(stream, header)
    return header


def build_result_file(header: dict, rows: list[dict]) -> bytes:
    """A result file as an agency writes it (tests, the bench, the simulator): the checksum and count filled in."""
    body = b"".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for r in rows)
    head = {"format": RESULT_FORMAT, **header, "rows": len(rows), "sha256_of_rows": hashlib.sha256(body).hexdigest()}
    return json.dumps(head, ensure_ascii=False).encode() + b"\n" + body
