"""The whole network-inquiry loop in a browser: an officer selects a case's debtor, builds a batch, exports and
downloads it; the bank's answer (written here from the downloaded requests, as an agency would) is uploaded, a bad
file first (GBK bytes: refused, naming the row, nothing changed); the debtor's diff shows the new account; "accept
all" registers it (a double click registers it once, linked back to its row); the officer then freezes the account
from the assets tab. Screenshots at 1366 px and 390 px, no sideways scrolling on the phone."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, alerts, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT = "6222021234567890001"


def _answer(zip_bytes: bytes) -> tuple[bytes, bytes]:
    """The bank's result file for the batch's bank requests (one account found each), and the same file with a row
    in GBK (a wrong encoding) and the checksum made to fit, so that only the encoding is wrong."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        bank = next(f for f in manifest["files"] if f["agency_kind"] == "bank")
        requests = [json.loads(line) for line in zf.read(bank["name"]).decode().splitlines() if line.strip()]
    rows = [{"request_id": r["request_id"], "case_number": r["case_number"],
             "subject_id_number": r["subject"]["id_number"], "status": "found", "asset_kind": "bank_deposit",
             "institution": "中国工商银行天水分行", "account": ACCOUNT, "balance": "23456.78", "as_of": "2026-12-05"}
            for r in requests]

    def build(body: bytes) -> bytes:
        header = {"format": "enf-inquiry-result/1", "agency_kind": "bank", "batch": manifest["batch"],
                  "court_code": manifest["court_code"], "rows": len(rows),
                  "sha256_of_rows": hashlib.sha256(body).hexdigest()}
        return json.dumps(header, ensure_ascii=False).encode() + b"\n" + body

    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows]
    return build("".join(lines).encode()), build("".join(lines).encode("gbk"))


def _upload(page, name: str, data: bytes) -> None:
    page.goto("/inquiry/results/")
    page.set_input_files("#result-file", files=[{"name": name, "mimeType": "application/json", "buffer": data}])
    with page.expect_navigation():
        page.click("#result-import")


def test_select_export_import_accept_freeze(browser, live_server, org_committed):
    from assets.models import Asset, ControlMeasure
    from inquiry.models import InquiryBatch, ResultFile, ResultRow

    case = root_conftest.make_case.__wrapped__(org_committed)()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        sign_in(page, "officer", PASSWORD)

        # 1. From the case's assets tab to a new batch about its debtor, built, exported and downloaded.
        page.goto(f"/cases/{case.pk}/?tab=assets")
        with page.expect_navigation():
            page.click("#inquiry-new")
        assert case.number in page.inner_text("#batch-preset")
        shot(page, "inquiry-loop-01-new-batch-1366")
        with page.expect_navigation():
            page.click("#batch-create")
        batch = InquiryBatch.objects.get()
        with page.expect_navigation():
            page.click("#batch-export")
        with page.expect_download() as info:
            page.click("#batch-download")
        zip_bytes = open(info.value.path(), "rb").read()
        shot(page, "inquiry-loop-02-exported-1366")
        good, gbk = _answer(zip_bytes)

        # 2. A file in the wrong encoding is refused naming the row; nothing is saved.
        _upload(page, "bank-gbk.jsonl", gbk)
        report = page.inner_text("#import-report")
        assert "第 2 行" in report and "UTF-8" in report, report
        assert not ResultFile.objects.exists()
        shot(page, "inquiry-loop-03-bad-file-1366")

        # 3. The good file: imported, the debtor's diff shows a new account.
        _upload(page, "bank.jsonl", good)
        assert "反馈文件已导入" in alerts(page), alerts(page)
        rf = ResultFile.objects.get()
        shot(page, "inquiry-loop-04-result-file-1366")
        with page.expect_navigation():
            page.locator("#result-debtors a").first.click()
        assert page.locator("#result-rows tr.diff-new").count() == 1
        assert ACCOUNT in page.inner_text("#result-rows")
        shot(page, "inquiry-loop-05-diff-1366")

        # 4. Accept all (a double click registers once), linked back to its row.
        page.dblclick("#debtor-accept-all")
        page.wait_for_selector("[id^=freeze-]")
        page.wait_for_load_state()
        assert Asset.objects.filter(case=case).count() == 1
        asset = Asset.objects.get(case=case)
        assert ResultRow.objects.get(result_file=rf).accepted_asset == asset and asset.account_number == ACCOUNT
        shot(page, "inquiry-loop-06-accepted-1366")

        # 5. Freeze the account from the assets tab.
        with page.expect_navigation():
            page.click(f"#freeze-{asset.pk}")
        card = page.locator(f"#asset-{asset.pk}")
        card.locator("details.asset-action summary").first.click()
        prefix = f"#id_order{asset.pk}-"
        page.select_option(prefix + "kind", "freeze")
        page.fill(prefix + "ordered_on", timezone.localdate().isoformat())
        page.fill(prefix + "ruling_number", "（2026）甘0503执1号之一")
        page.fill(prefix + "assisting_body", "中国工商银行天水分行")
        page.fill(prefix + "amount", "23456.78")
        with page.expect_navigation():
            card.locator("form[action$='/control/'] button").click()
        control = ControlMeasure.objects.get(asset=asset)
        assert control.kind == "freeze" and str(control.amount) == "23456.78", control
        assert "冻结" in page.inner_text(f"#asset-{asset.pk}")
        shot(page, "inquiry-loop-07-frozen-1366")
        batch.refresh_from_db()
        assert batch.status in ("partly_answered", "answered")
    finally:
        context.close()

    # The same pages on a phone: no sideways scrolling.
    phone = browser.new_context(**PHONE_DEVICE, locale="zh-CN", base_url=live_server.url)
    try:
        page = phone.new_page()
        page.set_default_timeout(20000)
        sign_in(page, "officer", PASSWORD)
        _upload(page, "bank-gbk.jsonl", gbk)
        assert_no_horizontal_scroll(page)
        shot(page, "inquiry-loop-03-bad-file-390")
        page.goto(f"/inquiry/results/{rf.pk}/")
        assert_no_horizontal_scroll(page)
        shot(page, "inquiry-loop-04-result-file-390")
        page.goto(f"/inquiry/case/{case.pk}/debtor/{asset.owner.party_id}/results/")
        assert_no_horizontal_scroll(page)
        shot(page, "inquiry-loop-06-accepted-390")
    finally:
        phone.close()
