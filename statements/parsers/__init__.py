"""Bank statement parsers: one module per format, one result type (``ParsedStatement`` of ``ParsedLine``s, all
amounts ``Decimal``), one error type (``StatementFileError`` with ``RowError(row, column, message)``s).

``parse_statement(file_name, data)`` recognises the format by the file's content first (a zip is xlsx, an OLE2
compound file is xls, XML is camt.053, ``:20:``/``{1:`` is MT940, an HTML table is the "xls" some banks write) and
by its name only for text, so a statement saved under the wrong extension still reads right.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .camt053 import parse_camt053
from .common import CREDIT, DEBIT, ParsedLine, ParsedStatement, RowError, StatementFileError, file_error
from .csv_format import decode, parse_csv
from .excel import parse_html_table, parse_xls, parse_xlsx
from .mt940_format import parse_mt940

__all__ = ["CREDIT", "DEBIT", "ParsedLine", "ParsedStatement", "RowError", "StatementFileError", "detect_format",
           "parse_statement"]

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(file_name: str, data: bytes) -> str:
    head = data[:2048]
    if head.startswith(b"PK"):  # a zip: xlsx (also when saved as .xls)
        return "xlsx"
    if head.startswith(OLE2):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        lowered = head.lower()
        if b"<table" in lowered or b"<html" in lowered:
            return "html"
        return "camt053"
    if stripped.startswith((b":20:", b"{1:", b":940:")) or (b"\n:61:" in data[:8192] and b":25:" in data[:8192]):
        return "mt940"
    name = (file_name or "").lower()
    if name.endswith((".sta", ".mt940", ".940")):
        return "mt940"
    if name.endswith(".xml"):
        return "camt053"
    return "csv"


def parse_statement(file_name: str, data: bytes) -> ParsedStatement:
    """Parse a statement file; raises ``StatementFileError`` for a file that cannot be read at all. Row errors are
    in ``ParsedStatement.errors`` (the import refuses the file when there are any)."""
    if not data:
        raise file_error(_("The file is empty."))
    fmt = detect_format(file_name, data)
    name = (file_name or "").lower()
    if fmt == "xlsx":
        return parse_xlsx(data)
    if fmt == "xls":
        return parse_xls(data)
    if fmt == "html":
        return parse_html_table(decode(data))
    if fmt == "camt053":
        return parse_camt053(data)
    if fmt == "mt940":
        return parse_mt940(data)
    if name.endswith((".xlsx", ".xls")):
        raise file_error(_("The file is named like an Excel file but is not one (it may be truncated or renamed)."))
    return parse_csv(data)
