"""The national-list export: every line validates against the published schema; the manifest's checksums match."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.urls import reverse

from credit import services

pytestmark = pytest.mark.django_db
SCHEMAS = Path(settings.BASE_DIR) / "docs" / "exchange"


def _load(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _unzip(data: bytes):
    zf = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(zf.read("manifest.json"))
    body = zf.read(manifest["files"][0]["name"])
    return manifest, body


def test_export_validates_against_the_schema(client, org, listed, make_case):
    m = listed("published")
    unit_case = make_case()  # a unit debtor whose conduct runs over two lines
    cp = unit_case.case_parties.get(role="respondent")
    u = services.measure_propose(actor=org.officer, case=unit_case, case_party=cp, kind="dishonest", ground="2",
                                 reasons="暴力抗拒", conduct="以暴力方法妨碍执行\n（见笔录）", extension_years=1)
    u = services.measure_serve(actor=org.clerk, measure=services.measure_decide(
        actor=org.chief, measure=services.measure_approve(actor=org.chief, measure=u)), method="direct")
    u = services.measure_publish(actor=org.clerk, measure=u)
    services.measure_remove(actor=org.chief, measure=services.removal_open(
        actor=org.officer, measure=m, ground="applicant", note="申请"))
    client.force_login(org.clerk)
    r = client.get(reverse("credit:register_export"))
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    manifest, body = _unzip(r.content)
    jsonschema.validate(manifest, _load("credit-manifest.schema.json"))
    assert manifest["files"][0]["sha256"] == hashlib.sha256(body).hexdigest()
    lines = body.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == manifest["files"][0]["rows"] == 2
    schema = _load("credit-listing.schema.json")
    records = {}
    for line in lines[:-1]:
        rec = json.loads(line)
        jsonschema.validate(rec, schema, format_checker=jsonschema.FormatChecker())
        records[rec["record_type"]] = rec
    assert records["removal"]["id_number"] == m.case_party.party.id_number  # in full: it goes to the SPC
    assert records["removal"]["removal_ground"] == "applicant"
    assert records["listing"]["debtor_kind"] == "unit" and records["listing"]["sex"] is None
    assert records["listing"]["conduct"] == "以暴力方法妨碍执行\n（见笔录）"  # one line in the file


def test_schema_refuses_a_broken_record(org, listed):
    from credit.exchange import record

    rec = record(listed("published"))
    schema = _load("credit-listing.schema.json")
    jsonschema.validate(rec, schema)
    for broken in ({**rec, "ground": "7"}, {**rec, "record_type": "removal"}, {k: v for k, v in rec.items()
                                                                               if k != "id_number"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def test_export_is_the_clerks_court_only(client, org, listed):
    listed("published")
    client.force_login(org.other_chief)
    manifest, body = _unzip(client.get(reverse("credit:register_export")).content)
    assert manifest["files"][0]["rows"] == 0 and body == b""
    client.force_login(org.officer)
    assert client.get(reverse("credit:register_export")).status_code == 403
    client.force_login(org.clerk)
    assert client.get(reverse("credit:register_export"), {"since": "bad"}).status_code == 400


def test_a_record_is_always_one_line():
    from credit.exchange import jsonl_line

    line = jsonl_line({"conduct": "甲\u2028乙\u2029丙\u0085丁\n戊"})
    assert line.count("\n") == 1 and line.endswith("\n")
    assert json.loads(line)["conduct"] == "甲\u2028乙\u2029丙\u0085丁\n戊"
    assert "\u2028" not in line and "\u2029" not in line and "\u0085" not in line
