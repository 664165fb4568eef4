"""Excel statements: xlsx (openpyxl), xls (xlrd), and the "xls" files some bank programs write that are really an
HTML table (read with the standard library's HTML parser).

Cells keep their spreadsheet types (numbers, dates) until ``tabular`` reads them: an amount stored as a number is
accepted only when it has at most 2 decimals, an account or reference stored as a number only when no digit was lost.
"""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from .common import ParsedStatement, file_error
from .tabular import parse_rows

MAX_ROWS = 200_000


def parse_xlsx(data: bytes) -> ParsedStatement:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError):
        raise file_error(_("The Excel file is damaged or truncated (it cannot be opened). Download it again."))
    except Exception as exc:  # openpyxl raises many kinds on broken parts (KeyError, ValueError, XML errors)
        raise file_error(_("The Excel file cannot be read (%(why)s): it may be damaged or truncated.")
                         % {"why": type(exc).__name__})
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(min_row=1, values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS:
                raise file_error(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile):
        raise file_error(_("The Excel file is damaged or truncated (it cannot be opened). Download it again."))
    except Exception as exc:
        if hasattr(exc, "errors"):
            raise
        raise file_error(_("The Excel file cannot be read (%(why)s): it may be damaged or truncated.")
                         % {"why": type(exc).__name__})
    finally:
        book.close()
    if not rows:
        raise file_error(_("The file is empty."))
    return parse_rows(rows, fmt="xlsx")


def parse_xls(data: bytes) -> ParsedStatement:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheet = book.sheet_by_index(0)
        rows = []
        for r in range(min(sheet.nrows, MAX_ROWS + 1)):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append("#ERROR")
                else:
                    row.append(cell.value)
            rows.append(row)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, IndexError … on a cut or broken file
        raise file_error(_("The Excel (xls) file is damaged or truncated (%(why)s). Download it again.")
                         % {"why": type(exc).__name__})
    if len(rows) > MAX_ROWS:
        raise file_error(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    if not rows:
        raise file_error(_("The file is empty."))
    return parse_rows(rows, fmt="xls")


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse_html_table(text: str) -> ParsedStatement:
    parser = _Tables()
    parser.feed(text)
    parser.close()
    if parser._row is not None or "</table>" not in text.lower():
        raise file_error(_("The file ends inside its table: it is truncated. Download it again."))
    if not parser.rows:
        raise file_error(_("The file has no table rows."))
    return parse_rows(parser.rows, fmt="xls")

