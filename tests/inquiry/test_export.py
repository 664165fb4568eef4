"""Export: one JSONL per agency kind plus a manifest whose checksums match the files (re-hashed here); exporting
again gives the same bytes; the channel writes the ZIP to the outbox once committed."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseParty, Party, PartyRole
from inquiry.channels import FileChannel, get_channel
from inquiry.models import AccessLog
from inquiry.services import ControlLine, batch_cancel, batch_create, batch_export

pytestmark = pytest.mark.django_db


def _zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_export_files_and_manifest_checksums(org, make_case, django_capture_on_commit_callbacks, settings):
    a, b = make_case(), make_case()
    debtor = CaseParty.objects.get(case=a, role=PartyRole.RESPONDENT).party
    batch = batch_create(actor=org.officer, kinds=["bank", "real_estate", "securities"], case_ids=[a.pk, b.pk],
                         controls=[ControlLine(a.pk, debtor.pk, "bank", "freeze", "1234.50")])
    with django_capture_on_commit_callbacks(execute=True):
        export = batch_export(actor=org.officer, batch=batch)
    files = _zip(export.content)
    n = batch.number
    assert set(files) == {"manifest.json", f"{n}_bank.jsonl", f"{n}_real_estate.jsonl", f"{n}_securities.jsonl"}
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "enf-inquiry-batch/1" and manifest["batch"] == n
    assert manifest["court_code"] == "甘0503" and manifest["court_name"] == org.court.name
    for entry in manifest["files"]:
        data = files[entry["name"]]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["rows"] == data.count(b"\n")
    assert {e["agency_kind"]: e["rows"] for e in manifest["files"]} == {"bank": 3, "real_estate": 2, "securities": 2}
    lines = [json.loads(line) for line in files[f"{n}_bank.jsonl"].decode("utf-8").splitlines()]
    freeze = [line for line in lines if line["measure"] == "freeze"]
    assert freeze[0]["amount"] == "1234.50" and freeze[0]["subject"]["id_number"] == debtor.id_number
    assert all("amount" not in line for line in lines if line["measure"] == "query")
    assert freeze[0]["legal_basis"] == {"case_number": a.number, "officer": "郑强", "document_number": ""}
    assert "天水示例建材有限公司" in files[f"{n}_bank.jsonl"].decode("utf-8")  # UTF-8, not \\u escapes
    assert export.sha256 == hashlib.sha256(export.content).hexdigest()
    # The channel wrote the same bytes to the outbox.
    assert (settings.INQUIRY_OUTBOX_DIR / f"{n}.zip").read_bytes() == export.content
    batch.refresh_from_db()
    assert batch.status == "exported" and batch.exported_by == org.officer and batch.exported_at


def test_export_is_idempotent(org, make_case, django_capture_on_commit_callbacks):
    case = make_case()
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    with django_capture_on_commit_callbacks(execute=False) as first_callbacks:
        first = batch_export(actor=org.officer, batch=batch)
    with django_capture_on_commit_callbacks(execute=False) as again_callbacks:
        again = batch_export(actor=org.chief, batch=batch)
    assert again.content == first.content and again.sha256 == first.sha256
    assert len(first_callbacks) == 1 and again_callbacks == []  # sent once
    batch.refresh_from_db()
    assert batch.status == "exported" and batch.exported_by == org.officer
    actions = list(AccessLog.objects.filter(batch=batch).order_by("id").values_list("action", "user_id"))
    assert actions == [("batch_created", org.officer.pk), ("exported", org.officer.pk),
                       ("downloaded", org.chief.pk)]


def test_cancelled_batch_not_exported(org, make_case):
    case = make_case()
    batch = batch_cancel(actor=org.officer, batch=batch_create(actor=org.officer, kinds=["bank"],
                                                               case_ids=[case.pk]))
    with pytest.raises(ValidationError):
        batch_export(actor=org.officer, batch=batch)


def test_export_robust_to_control_characters_in_names(org, make_case):
    """Intake refuses them (core.text); a name that got in anyway still gives one JSON line per request."""
    case = make_case()
    party = CaseParty.objects.get(case=case, role=PartyRole.RESPONDENT).party
    Party.objects.filter(pk=party.pk).update(name="天水\n示例\u2028\u2029\x85建材\x01\"有限公司")
    batch = batch_create(actor=org.officer, kinds=["bank"], case_ids=[case.pk])
    files = _zip(batch_export(actor=org.officer, batch=batch).content)
    data = files[f"{batch.number}_bank.jsonl"]
    assert data.count(b"\n") == 1 and len(data.decode("utf-8").splitlines()) == 1
    assert json.loads(data)["subject"]["name"] == "天水\n示例\u2028\u2029\x85建材\x01\"有限公司"


def test_file_channel_send_and_fetch(tmp_path, settings):
    from inquiry.services import BatchExport

    channel = get_channel()
    assert isinstance(channel, FileChannel)
    export = BatchExport(batch_number="CX20260010001", file_name="CX20260010001.zip", content=b"PK zip",
                         sha256=hashlib.sha256(b"PK zip").hexdigest())
    path = channel.send(export)
    assert open(path, "rb").read() == b"PK zip"
    assert channel.send(export) == path
    with pytest.raises(ValueError):
        channel.send(BatchExport("x", "../evil.zip", b"", ""))
    inbox = settings.INQUIRY_INBOX_DIR
    inbox.mkdir(parents=True)
    (inbox / "CX20260010001_bank_result.jsonl").write_bytes(b'{"format": "enf-inquiry-result/1"}\n')
    (inbox / ".partial").write_bytes(b"x")
    files = channel.fetch()
    assert [(f.name, f.content) for f in files] == [("CX20260010001_bank_result.jsonl",
                                                      b'{"format": "enf-inquiry-result/1"}\n')]
    assert channel.fetch() == []  # each once
    assert (inbox / "done" / "CX20260010001_bank_result.jsonl").exists()


def test_export_amount_is_decimal_string(org, make_case):
    case = make_case()
    debtor = CaseParty.objects.get(case=case, role=PartyRole.RESPONDENT).party
    batch = batch_create(actor=org.officer, kinds=["real_estate"], case_ids=[case.pk],
                         controls=[ControlLine(case.pk, debtor.pk, "real_estate", "seize", Decimal("99999"))])
    files = _zip(batch_export(actor=org.officer, batch=batch).content)
    seize = [json.loads(x) for x in files[f"{batch.number}_real_estate.jsonl"].splitlines()
             if json.loads(x)["measure"] == "seize"]
    assert seize[0]["amount"] == "99999.00"
