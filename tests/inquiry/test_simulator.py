"""inquiry_simulate, the agencies' stand-in: its result files satisfy the exchange schemas and answer every request,
the same seed gives the same bytes, a broken or foreign input is refused with a clear error."""

import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inquiry import schemas
from inquiry.simulator import SimulationError, read_batch, simulate

EXAMPLES = Path(schemas.SCHEMA_DIR) / "examples"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def example_zip() -> bytes:
    return _zip({p.name: p.read_bytes() for p in EXAMPLES.iterdir() if not p.name.startswith("result_")})


def big_batch(n: int = 400) -> bytes:
    """One batch of ``n`` queries and freezes per kind (the example's subject)."""
    files, entries = {}, []
    base = json.loads((EXAMPLES / "CX20260012_bank.jsonl").read_text(encoding="utf-8").splitlines()[1])
    seq = 0
    for kind in ("bank", "vehicle", "real_estate", "securities", "equity", "social_insurance", "provident_fund",
                 "payment_platform"):
        lines = []
        for i in range(n):
            seq += 1
            row = dict(base, request_id=f"CX20260012-{seq:06d}", agency_kind=kind)
            if i % 3:
                row["measure"] = "query"
                row.pop("amount")
            else:
                row["measure"] = "seize" if kind in ("vehicle", "real_estate") else "freeze"
            lines.append((json.dumps(row, ensure_ascii=False) + "\n").encode())
        data = b"".join(lines)
        files[f"CX20260012_{kind}.jsonl"] = data
        entries.append({"name": f"CX20260012_{kind}.jsonl", "agency_kind": kind, "rows": n,
                        "sha256": hashlib.sha256(data).hexdigest()})
    manifest = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = entries
    return _zip({"manifest.json": json.dumps(manifest, ensure_ascii=False).encode(), **files})


def test_output_validates_and_answers_every_request():
    batch = read_batch(big_batch())
    files = simulate(batch, seed=7, as_of=date(2026, 12, 5))
    assert len(files) == 8
    rows = []
    for name, data in files.items():
        assert schemas.check_result_file(data) == [], name
        rows += [json.loads(line) for line in data.decode().splitlines()[1:]]
    requests = {r["request_id"]: r for reqs in batch.requests.values() for r in reqs}
    assert {r["request_id"] for r in rows} == set(requests)
    statuses = {r["status"] for r in rows}
    assert statuses == {"found", "none", "error"}
    assert {r["asset_kind"] for r in rows if r["status"] == "found"} >= {"bank_deposit", "vehicle", "real_estate",
                                                                          "equity", "wage_income"}
    controls = [r for r in rows if "control" in r]
    assert {c["control"]["status"] for c in controls} == {"done", "partial", "refused"}
    for r in controls:  # a control answers a freeze/seize request only, never beyond its amount
        request = requests[r["request_id"]]
        assert request["measure"] == r["control"]["measure"]
        if "amount" in r["control"]:
            assert Decimal(r["control"]["amount"]) <= Decimal(request["amount"])
    for r in rows:
        if requests[r["request_id"]]["measure"] == "query":
            assert "control" not in r


def test_same_seed_same_bytes_other_seed_differs():
    batch = read_batch(example_zip())
    one = simulate(batch, seed=3, as_of=date(2026, 12, 5))
    assert one == simulate(read_batch(example_zip()), seed=3, as_of=date(2026, 12, 5))
    assert one != simulate(batch, seed=4, as_of=date(2026, 12, 5))


def test_command_writes_into_out_dir(tmp_path):
    path = tmp_path / "CX20260012.zip"
    path.write_bytes(example_zip())
    call_command("inquiry_simulate", str(path), "--seed", "5", "--out", str(tmp_path / "in"), "--as-of",
                 "2026-12-05", stdout=io.StringIO())
    written = sorted(p.name for p in (tmp_path / "in").iterdir())
    assert written == ["result_CX20260012_bank.jsonl", "result_CX20260012_real_estate.jsonl",
                       "result_CX20260012_vehicle.jsonl"]
    for p in (tmp_path / "in").iterdir():
        assert schemas.check_result_file(p.read_bytes()) == []


@pytest.mark.parametrize("args, message", [
    (["/nonexistent/x.zip"], "no such file"),
    (["a b"], "neither a ZIP file nor a batch number"),
    (["CX2026999"], "has no exported ZIP"),
    (["{zip}", "--as-of", "2026-02-30"], "is not a date"),
    (["{zip}", "--as-of", "2999-01-01"], "is in the future"),
    (["{zip}", "--as-of", "2026-12-01"], "before the batch was created"),
    (["{bad}"], "not a ZIP file"),
])
def test_command_bad_arguments(db, tmp_path, settings, args, message):
    settings.INQUIRY_OUTBOX_DIR = str(tmp_path / "outbox")
    good, bad = tmp_path / "b.zip", tmp_path / "bad.zip"
    good.write_bytes(example_zip())
    bad.write_bytes(b"PK not really")
    args = [a.format(zip=good, bad=bad) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("inquiry_simulate", *args, "--out", str(tmp_path / "in"), stdout=io.StringIO())
    assert not (tmp_path / "in").exists()  # nothing half-written


@pytest.mark.parametrize("break_it, message", [
    (lambda f: f.pop("manifest.json"), "manifest.json is missing"),
    (lambda f: f.update({"CX20260012_bank.jsonl": f["CX20260012_bank.jsonl"] + b"\n"}), "sha256 does not match"),
    (lambda f: f.pop("CX20260012_vehicle.jsonl"), "missing from the ZIP"),
    (lambda f: f.update({"manifest.json": b"{\"format\": \"other\"}"}), "manifest.json"),
])
def test_broken_batch_refused(break_it, message):
    files = {p.name: p.read_bytes() for p in EXAMPLES.iterdir() if not p.name.startswith("result_")}
    break_it(files)
    with pytest.raises(SimulationError, match=message):
        read_batch(_zip(files))
