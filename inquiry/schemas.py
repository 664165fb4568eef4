"""The exchange format's JSON Schemas (docs/exchange/*.schema.json, draft 2020-12) and the checks they cannot
express (checksums, row counts). Used by the schema test, the simulator's self-check and anyone validating a file
before sending it; the importer's own row checks (inquiry.services) name the row and field in Chinese."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(settings.BASE_DIR) / "docs" / "exchange"
SCHEMAS = ("inquiry-manifest", "inquiry-request", "inquiry-result-header", "inquiry-result-row")


@cache
def validator(name: str) -> Draft202012Validator:
    if name not in SCHEMAS:
        raise KeyError(name)
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(name: str, document) -> list[str]:
    """Every schema violation of ``document``, as "path: message" (empty when valid)."""
    out = []
    for error in sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        out.append(f"{where}: {error.message}")
    return out


def _rows(name: str, data: bytes, *, first: int) -> tuple[int, list[str]]:
    """(number of lines, problems) of JSON Lines ``data`` whose lines are each checked against schema ``name``;
    ``first`` is the number of its first line in the file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return 0, [f"wrong encoding: the file is not UTF-8 (byte {exc.start})"]
    problems = [] if not text or text.endswith("\n") else ["the last line does not end with LF"]
    lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    for n, line in enumerate(lines, first):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: malformed JSON ({exc.msg})")
            continue
        problems += [f"line {n}: {e}" for e in errors(name, row)]
    return len(lines), problems


def check_request_file(data: bytes, *, sha256: str | None = None, rows: int | None = None) -> list[str]:
    """Problems of one request file (<batch>_<kind>.jsonl) against its manifest entry."""
    problems = []
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        problems.append("sha256 does not match the manifest")
    count, found = _rows("inquiry-request", data, first=1)
    if rows is not None and count != rows:
        problems.append(f"{count} rows, the manifest says {rows}")
    return problems + found


def check_result_file(data: bytes) -> list[str]:
    """Problems of one result file: header schema, checksum of the rows, row count, each row's schema."""
    head, sep, body = data.partition(b"\n")
    if not sep:
        return ["line 1: the header line does not end with LF"]
    try:
        header = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ["line 1: the header is not a JSON object in UTF-8"]
    problems = [f"line 1: {e}" for e in errors("inquiry-result-header", header)]
    if problems:
        return problems
    if hashlib.sha256(body).hexdigest() != header["sha256_of_rows"]:
        problems.append("sha256_of_rows does not match the rows (truncated or altered file)")
    count, found = _rows("inquiry-result-row", body, first=2)
    if count != header["rows"]:
        problems.append(f"{count} rows, the header says {header['rows']}")
    return problems + found
