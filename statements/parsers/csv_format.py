"""CSV (and the pipe- or tab-separated text 中国银行 and others export) statements.

Decoding is strict: UTF-8 (with or without a byte-order mark), else GB18030 (which covers GBK and GB2312, the
encoding Chinese Excel and bank programs write). Anything else (UTF-16, binary, a file cut inside a character) is a
clear "wrong encoding" error instead of garbled names.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from .common import ParsedStatement, file_error
from .tabular import parse_rows


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 3 and b"\x00" in data[:200]):
        raise file_error(_("Wrong encoding: the file is UTF-16 (\"Unicode text\"). Export it from the bank's program "
                           "as CSV in UTF-8 or GBK."))
    if b"\x00" in data:
        raise file_error(_("Wrong encoding: the file contains binary data; it is not a text (CSV) file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            raise file_error(_("The file ends in the middle of a character: it is truncated. Download it again."))
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise file_error(_("Wrong encoding: the file is neither UTF-8 nor GBK (GB18030). Export it from the bank's "
                           "program as CSV in one of these encodings."))


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ",", -1
    for candidate in (",", "\t", "|", ";"):
        counts = [line.count(candidate) for line in lines]
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def parse_csv(data: bytes) -> ParsedStatement:
    text = decode(data)
    if not text.strip():
        raise file_error(_("The file is empty."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, numbers = [], []
    try:
        for row in reader:
            # 中国银行's text export ends every line with the separator: drop the empty last cell.
            if delimiter == "|" and row and row[-1] == "":
                row = row[:-1]
            rows.append(row)
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise file_error(_("The file cannot be read as CSV at line %(line)s (%(why)s): it may be truncated or "
                           "damaged.") % {"line": reader.line_num, "why": exc}, row=reader.line_num)
    return parse_rows(rows, fmt="csv", row_numbers=numbers, strict_width=True)
