"""docs/exchange: the JSON Schemas are valid draft 2020-12, every example file satisfies them (and its checksums), and
a broken example is caught: the schemas are the contract a court's channel is built against."""

import hashlib
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from inquiry import schemas

EXAMPLES = Path(schemas.SCHEMA_DIR) / "examples"


def _manifest():
    return json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))


def _first(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8").splitlines()[0])


@pytest.mark.parametrize("name", schemas.SCHEMAS)
def test_schema_is_valid_draft_2020_12(name):
    schema = json.loads((schemas.SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_manifest_example_valid_and_files_match_their_checksums():
    manifest = _manifest()
    assert schemas.errors("inquiry-manifest", manifest) == []
    assert {f["agency_kind"] for f in manifest["files"]} == {"bank", "vehicle", "real_estate"}
    for entry in manifest["files"]:
        data = (EXAMPLES / entry["name"]).read_bytes()
        assert schemas.check_request_file(data, sha256=entry["sha256"], rows=entry["rows"]) == []
        for line in data.decode().splitlines():
            row = json.loads(line)
            assert row["agency_kind"] == entry["agency_kind"] and row["batch"] == manifest["batch"]


def test_every_example_file_is_listed_in_the_manifest_or_is_a_result():
    listed = {f["name"] for f in _manifest()["files"]} | {"manifest.json"}
    results = {p.name for p in EXAMPLES.glob("result_*.jsonl")}
    assert results, "the result examples are missing"
    assert {p.name for p in EXAMPLES.iterdir()} == listed | results


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("result_*.jsonl")), ids=lambda p: p.name)
def test_result_examples_valid(path):
    assert schemas.check_result_file(path.read_bytes()) == []


def test_result_examples_cover_every_status_and_control_outcome():
    rows = [json.loads(line) for p in EXAMPLES.glob("result_*.jsonl")
            for line in p.read_text(encoding="utf-8").splitlines()[1:]]
    assert {r["status"] for r in rows} == {"found", "none", "error"}
    assert {r["control"]["status"] for r in rows if "control" in r} >= {"done", "partial"}
    request_ids = {json.loads(line)["request_id"] for f in _manifest()["files"]
                   for line in (EXAMPLES / f["name"]).read_text(encoding="utf-8").splitlines()}
    assert {r["request_id"] for r in rows} == request_ids  # every request answered


# --- a broken example is refused ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, where", [
    (lambda r: r.pop("legal_basis"), "(root)"),
    (lambda r: r.update(measure="detain"), "measure"),
    (lambda r: r.update(amount=1000.5), "amount"),  # a float, not a string
    (lambda r: r.update(amount="1000.5"), "amount"),  # one decimal place
    (lambda r: r.pop("amount"), "(root)"),  # a freeze without its amount
    (lambda r: r["subject"].update(id_number="62050319850615231"), "subject/id_number"),  # 17 digits
    (lambda r: r["subject"].update(name="张\u202e伟"), "subject/name"),  # direction override
    (lambda r: r.update(extra="x"), "(root)"),
    (lambda r: r.update(request_id="CX20260012-1"), "request_id"),
])
def test_broken_request_refused(mutate, where):
    row = json.loads((EXAMPLES / "CX20260012_bank.jsonl").read_text(encoding="utf-8").splitlines()[1])  # a freeze
    assert schemas.errors("inquiry-request", row) == []
    mutate(row)
    problems = schemas.errors("inquiry-request", row)
    assert problems and any(p.startswith(where) for p in problems), problems


def test_query_request_with_amount_refused():
    row = _first("CX20260012_bank.jsonl")
    assert row["measure"] == "query"
    row["amount"] = "100.00"
    assert schemas.errors("inquiry-request", row)


@pytest.mark.parametrize("mutate", [
    lambda r: r.update(status="maybe"),
    lambda r: r.update(balance="12,345.67"),
    lambda r: r.update(account="6222 0227"),
    lambda r: r.update(as_of="2026-13-05"),
    lambda r: r.update(as_of="05/12/2026"),
    lambda r: r.update(asset_kind="yacht"),
    lambda r: r.pop("account"),
    lambda r: r.update(error="x"),  # an error text on a found row
    lambda r: r.update(control={"measure": "freeze", "status": "done"}),  # done without amount/reference/until
    lambda r: r.update(control={"measure": "freeze", "status": "refused"}),  # refused without a reason
])
def test_broken_result_row_refused(mutate):
    row = json.loads((EXAMPLES / "result_CX20260012_bank.jsonl").read_text(encoding="utf-8").splitlines()[1])
    assert schemas.errors("inquiry-result-row", row) == []
    mutate(row)
    assert schemas.errors("inquiry-result-row", row)


def test_altered_or_truncated_result_file_fails_its_checksum():
    data = (EXAMPLES / "result_CX20260012_bank.jsonl").read_bytes()
    altered = data.replace(b"12345.67", b"92345.67", 1)
    assert any("sha256_of_rows" in p for p in schemas.check_result_file(altered))
    truncated = data[: data.rindex(b"\n", 0, len(data) - 1) + 1]  # last row cut off
    problems = schemas.check_result_file(truncated)
    assert any("sha256_of_rows" in p for p in problems) and any("rows, the header says" in p for p in problems)


def test_request_file_checksum_mismatch_reported():
    entry = _manifest()["files"][0]
    data = (EXAMPLES / entry["name"]).read_bytes() + b"\n"
    problems = schemas.check_request_file(data, sha256=entry["sha256"], rows=entry["rows"])
    assert "sha256 does not match the manifest" in problems
    assert any("malformed JSON" in p for p in problems)  # the empty line
    assert hashlib.sha256(data).hexdigest() != entry["sha256"]


def test_result_file_not_utf8_named():
    data = (EXAMPLES / "result_CX20260012_bank.jsonl").read_bytes()
    head, _, body = data.partition(b"\n")
    body = body.decode().encode("gb18030")
    header = json.loads(head)
    header["sha256_of_rows"] = hashlib.sha256(body).hexdigest()
    problems = schemas.check_result_file(json.dumps(header).encode() + b"\n" + body)
    assert any(p.startswith("wrong encoding") for p in problems), problems
