"""Bad input through the API, the pages and a management command: a clear 4xx (or form error) naming the field, and
no row changes (counted before and after)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from assets.models import LedgerEntry, Payout
from cases.models import Action, ActionAttachment, Case, CaseParty, Lead, Party

BAD_AMOUNTS = ["12,000", "1e5", "NaN", "-1", "99999999999999999", "１２３", "Infinity", "12.345", "", "abc",
               "1e400", "-0", "+5", "1000000000000.01", "1,000", ".5", "5.", "٣", 100.1, 0.5, True]
BAD_DATES = ["2026-02-30", "0001-01-01", "9999-12-31", "2026-13-01", "26-3-1", "２０２６-０３-０１"]
BAD_IDS = ["11010519491231002", "110105194912310021", "1101051949\u200b1231002X",
           "\u202e11010519491231002X", "91110108551385082", "91110108551385082O"]
ODD_TEXT = ["（2026）甘0503执１号", "Аpple有限公司", "天水\u200b建材", "\u202egnp.exe", "\x00null"]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Case, CaseParty, Party, Action, ActionAttachment, Lead,
                                                    LedgerEntry, Payout)}


def register_body(**overrides) -> dict:
    today = timezone.localdate()
    body = {
        "case_type": "执", "received_on": str(today), "filed_on": str(today), "basis_kind": "judgment",
        "basis_issuer": "天水市麦积区人民法院", "basis_number": "（2025）甘0503民初456号",
        "basis_effective_on": str(today - timedelta(days=60)), "principal": "1000.00",
        "parties": [
            {"role": "applicant", "kind": "person", "name": "张三", "id_kind": "resident_id",
             "id_number": "11010519491231002X"},
            {"role": "respondent", "kind": "legal_person", "name": "天水示例建材有限公司", "id_kind": "uscc",
             "id_number": "91110108551385082Q"},
        ],
    }
    body.update(overrides)
    return body


def field_named(body: dict, field: str) -> bool:
    """The 400 body names ``field`` (top level, or nested under parties/instalments)."""
    if field in body:
        return True
    return any(isinstance(v, (list, dict)) and field in str(v) for v in body.values()) or \
        any(k.endswith(f".{field}") or k.startswith(f"{field}.") for k in body)


def test_the_good_request_works(world, db):
    """The baseline: the same body with good values registers (so the failures below are about the bad value)."""
    before = counts()
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(), format="json")
    assert response.status_code == 201, response.content
    assert counts()["Case"] == before["Case"] + 1


@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_case_register_refuses_bad_amounts(world, db, value):
    before = counts()
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(principal=value), format="json")
    assert response.status_code == 400, (value, response.status_code, response.content)
    assert "principal" in response.json(), response.json()
    assert counts() == before


@pytest.mark.parametrize("value", BAD_DATES)
def test_case_register_refuses_bad_dates(world, db, value):
    before = counts()
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(basis_effective_on=value), format="json")
    assert response.status_code == 400, (value, response.status_code, response.content)
    assert "basis_effective_on" in response.json(), response.json()
    assert counts() == before


@pytest.mark.parametrize("value", BAD_IDS)
def test_case_register_refuses_malformed_id_numbers(world, db, value):
    before = counts()
    kind = "uscc" if value.startswith("9") else "resident_id"
    parties = register_body()["parties"]
    parties[0] = {**parties[0], "id_kind": kind, "id_number": value}
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(parties=parties), format="json")
    assert response.status_code == 400, (value, response.status_code, response.content)
    assert field_named(response.json(), "id_number"), response.json()
    assert counts() == before


def test_full_width_id_characters_are_normalized_not_stored(world, db):
    """By design (core.rules.identifiers.normalize_id) a full-width ID number typed with a Chinese IME is normalized to
    its ASCII form; what is stored is the ASCII number, so search and duplicate checks still match."""
    parties = register_body()["parties"]
    parties[0] = {**parties[0], "id_number": "１１０１０５１９４９１２３１００２Ｘ"}
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(parties=parties), format="json")
    assert response.status_code == 201, response.content
    assert Party.objects.filter(id_number="11010519491231002X").exists()
    assert not Party.objects.filter(id_number__contains="Ｘ").exists()


@pytest.mark.parametrize("value", ODD_TEXT)
def test_unicode_oddities_are_refused_or_stored_without_invisible_characters(world, db, value):
    """Odd text in a free-text field is either refused with a 400 naming the field or stored without its invisible
    and direction-changing characters (core.text.clean_text): "\u202egnp.exe" must not print as "exe.png" on a
    notice. (Before issue 18 this test asserted the text was stored verbatim, direction overrides included.)"""
    import unicodedata

    before = counts()
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(basis_number=value), format="json")
    assert response.status_code in (201, 400), (value, response.status_code, response.content)
    if response.status_code == 400:
        assert "basis_number" in response.json(), response.json()
        assert counts() == before
    else:
        stored = Case.objects.get(pk=response.json()["id"]).basis_number
        assert stored == "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf"))
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in stored)


@pytest.mark.parametrize("name", ["\u202e张三", "张\u200b三", "张三\u2066", "\ufeff张三", "张\x00三"])
def test_party_names_with_invisible_characters_are_refused(world, db, name):
    before = counts()
    parties = register_body()["parties"]
    parties[1] = {**parties[1], "name": name, "id_number": "", "id_kind": ""}
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(parties=parties), format="json")
    assert response.status_code == 400, (name, response.status_code, response.content)
    assert "parties.1.name" in response.json() or field_named(response.json(), "name"), response.json()
    assert counts() == before


@pytest.mark.parametrize(("field", "value"), [("id_kind", "passport_of_mars"), ("id_kind", ""),
                                              ("id_number", "110105189912310020")])
def test_party_identifier_kind_and_old_birth_years_are_field_errors(world, db, field, value):
    """Unknown identifier kinds and birth years before 1900 were 500s."""
    from core.rules.checksums import resident_id_check_char

    if field == "id_number":
        value = value[:17] + resident_id_check_char(value[:17])
    before = counts()
    parties = register_body()["parties"]
    parties[0] = {**parties[0], field: value}
    response = api(world.org.clerk).post("/api/v1/cases/", register_body(parties=parties), format="json")
    assert response.status_code == 400, (value, response.status_code, response.content)
    assert f"parties.0.{field}" in response.json(), response.json()
    assert counts() == before


def _case_posts(world):
    case = world.obj("own", "case")
    return [
        (f"/api/v1/cases/{case.pk}/transition/", {"to_stage": "stayed", "reason": "因" * 400}, "reason",
         world.org.officer),
        (f"/api/v1/cases/{case.pk}/assign/", {"team": world.org.other_team.pk, "officer": world.org.colleague.pk,
                                               "reason": "因" * 400}, "reason", world.org.chief),
        (f"/api/v1/cases/{case.pk}/stream/", {"stream": "complex", "reason": "因" * 400}, "reason", world.org.chief),
        ("/api/v1/leads/", {"case": case.pk, "description": "线" * 2001}, "description", world.org.officer),
        ("/api/v1/actions/", {"case": case.pk, "kind": "other", "occurred_on": str(timezone.localdate()),
                              "details": {"description": "上门"}, "summary": "记" * 301}, "summary",
         world.org.officer),
        ("/api/v1/closures/", {"case": case.pk, "mode": "fulfilled", "reason": "理" * 1001}, "reason",
         world.org.officer),
        ("/api/v1/suspensions/", {"case": case.pk, "ground": "other", "reason": "理" * 1001}, "reason",
         world.org.officer),
    ]


@pytest.mark.parametrize("index", range(7))
def test_over_long_reasons_and_texts_are_field_errors(world, db, index):
    """A 400-character suspension reason was a 500 (the column holds 300); its neighbours the same way."""
    from cases.models import CaseEvent, ClosureRequest, TermPause

    url, body, field, user = _case_posts(world)[index]
    before = (counts(), TermPause.objects.count(), ClosureRequest.objects.count(), CaseEvent.objects.count())
    response = api(user).post(url, body, format="json")
    assert response.status_code == 400, (url, response.status_code, response.content)
    assert field in response.json(), response.json()
    assert (counts(), TermPause.objects.count(), ClosureRequest.objects.count(), CaseEvent.objects.count()) == before


def test_over_long_control_texts_are_field_errors(world, db):
    from assets.models import ControlMeasure

    control = world.obj("own", "control")
    before = ControlMeasure.objects.filter(status="released").count()
    response = api(world.org.officer).post(f"/api/v1/control-measures/{control.pk}/release/", {
        "released_on": str(timezone.localdate()), "ground": "other", "note": "\u202e"}, format="json")
    assert response.status_code == 400 and "note" in response.json(), response.content
    assert ControlMeasure.objects.filter(status="released").count() == before


@pytest.mark.parametrize("value", ["1e400", "-1e400", "1E+400"])
def test_calculator_page_and_api_refuse_huge_exponents(world, db, client, value):
    """A part payment of 1e400 on the calculator page was a 500 (the decimal quantize overflowed)."""
    client.force_login(world.org.officer)
    response = client.post("/assets/calculators/", {
        "calc": "interest", "int-principal": "100000", "int-start": "2026-01-01", "int-end": "2026-06-01",
        "int-payments": f"2026-03-01 {value}"})
    assert response.status_code == 200 and "payments" in response.context["interest_form"].errors
    response = client.post("/assets/calculators/", {"calc": "distribution", "dist-total": "1000",
                                                    "dist-mode": "pro_rata", "dist-claims": f"张三, {value}"})
    assert response.status_code == 200 and "claims" in response.context["dist_form"].errors
    for url, body, field in [
        ("/api/v1/calculators/interest/", {"principal": value, "start": "2026-01-01", "end": "2026-06-01"},
         "principal"),
        ("/api/v1/calculators/enforcement-fee/", {"amount": value}, "amount"),
        ("/api/v1/calculators/distribution/", {"total": value, "claims": [{"creditor": "甲", "principal": "1"}]},
         "total"),
    ]:
        response = api(world.org.officer).post(url, body, format="json")
        assert response.status_code == 400 and field in response.json(), (url, response.content)


@pytest.mark.parametrize("value", ["（2026）甘0503执１号", "\u202e1号", "2026\u200b执1"])
def test_case_search_with_odd_numbers_does_not_fail(world, db, value):
    response = api(world.org.clerk).get("/api/v1/cases/", {"q": value, "number": value})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_payout_refuses_bad_amounts(world, db, value):
    case = world.obj("own", "case")
    applicant = case.case_parties.get(role="applicant")
    before = counts()
    response = api(world.org.officer).post("/api/v1/payouts/", {
        "case": case.pk, "payee": applicant.pk, "amount": value, "payee_account_name": "张三",
        "payee_bank": "中国建设银行", "payee_account_number": "6217000000000000001"}, format="json")
    assert response.status_code == 400, (value, response.status_code, response.content)
    assert "amount" in response.json(), response.json()
    assert counts() == before


@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_receipt_page_refuses_bad_amounts(world, db, client, value):
    """The same through the page form: the form is shown again with the amount's error; nothing is recorded."""
    if not isinstance(value, str):
        return  # a page form posts text only
    case = world.obj("own", "case")
    client.force_login(world.org.finance)  # receipts are finance's work
    before = counts()
    response = client.post(f"/assets/case/{case.pk}/funds/receipt/", {
        "receipt-kind": "debtor_payment", "receipt-amount": value,
        "receipt-occurred_on": str(timezone.localdate()), "receipt-payer": "天水示例建材有限公司"})
    assert response.status_code == 400, (value, response.status_code)
    forms_with_errors = [f for f in (response.context.get("bound") or ())[1:] if hasattr(f, "errors")]
    assert all("amount" in f.errors for f in forms_with_errors), [f.errors for f in forms_with_errors]
    assert counts() == before


@pytest.mark.parametrize("value", BAD_DATES)
def test_action_page_refuses_bad_dates(world, db, client, value):
    case = world.obj("own", "case")
    client.force_login(world.org.officer)
    before = counts()
    response = client.post(f"/cases/{case.pk}/actions/new/", {"kind": "other", "occurred_on": value,
                                                              "d-description": "上门"})
    assert response.status_code in (200, 400)
    assert "occurred_on" in response.context["form"].errors
    assert counts() == before


@pytest.fixture
def small_uploads(settings, tmp_path):
    settings.ENF_ATTACHMENT_MAX_BYTES = 1024
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("big.pdf", b"%PDF-1.4 " + b"0" * 4000, "application/pdf"),  # too large
    ("x.exe", b"MZ" + b"\x00" * 50, "image/png"),  # a program claiming to be a photo
    ("photo.png", b"<html><script>alert(1)</script>", "image/png"),  # HTML in a photo's clothes
    ("empty.pdf", b"", "application/pdf"),
])
def test_attachment_upload_refuses_bad_files(world, db, small_uploads, name, content, content_type):
    action = world.obj("own", "action")
    before = counts()
    response = api(world.org.officer).post(f"/api/v1/actions/{action.pk}/attachments/",
                                           {"file": SimpleUploadedFile(name, content, content_type)},
                                           format="multipart")
    assert response.status_code == 400, (name, response.status_code, response.content)
    body = response.json()
    assert "attachments" in body or "file" in body, body
    assert counts() == before


def test_attachment_upload_without_a_file_names_the_field(world, db):
    action = world.obj("own", "action")
    response = api(world.org.officer).post(f"/api/v1/actions/{action.pk}/attachments/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


@pytest.mark.parametrize("args", [["--cases", "abc"], ["--seed", "１２３"], ["--cases", "1e5"]])
def test_management_command_refuses_bad_numbers(world, db, args):
    before = counts()
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", *args)
    assert args[0].lstrip("-") in str(exc.value)
    assert counts() == before


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_decisions_never_redirect_to_another_site(world, db, client, target):
    """The approval forms take a "next" page; a foreign address is replaced by the queue (no open redirect)."""
    client.force_login(world.org.chief)
    closure = world.obj("own", "closure")
    response = client.post(f"/cases/closures/{closure.pk}/decide/", {"decision": "return", "return_reason": "缺少条件",
                                                                   "next": target})
    assert response.status_code == 302 and response["Location"] == "/cases/approvals/"
    payout = world.obj("own", "payout")
    response = client.post(f"/assets/payouts/{payout.pk}/return/", {"reason": "账号有误", "next": target})
    assert response.status_code == 302 and response["Location"] == "/assets/payouts/"
