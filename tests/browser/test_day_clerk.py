"""A clerk's day in a real browser: registers a case with two respondents, sees its case number, prints its
执行通知书 and 报告财产令, and runs the week's batch print. Each step checks what the clerk sees and is screenshotted."""

from __future__ import annotations

import re

import pytest

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import ARTIFACTS, DESKTOP, shot, sign_in
from .days import CeleryWorker, alerts, flat, go_nav, pdf_text, resident_id, uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_NUMBER = re.compile(r"（(\d{4})）甘0503执(\d+)号")
APPLICANT_ID = resident_id("620503", "19800315", "021")
DEBTOR_ID = uscc("620503", "MA7K2P5Q")  # 天水恒达商贸有限公司
GUARANTOR_ID = resident_id("620502", "19750708", "113")  # 李卫东, the guarantor


def _fill_party(page, index: int, *, role: str, kind: str, name: str, id_kind: str, id_number: str, phone: str = "",
                address: str = "", legal_representative: str = "") -> None:
    p = f"#id_parties-{index}-"
    page.select_option(p + "role", role)
    page.select_option(p + "kind", kind)
    page.fill(p + "name", name)
    page.select_option(p + "id_kind", id_kind)
    page.fill(p + "id_number", id_number)
    page.fill(p + "phone", phone)
    page.fill(p + "address", address)
    page.fill(p + "legal_representative", legal_representative)


def register_case(page, org) -> str:
    """The clerk fills in the registration form and returns the case number shown on the case page."""
    go_nav(page, "cases:register")
    assert page.inner_text("h1") == "立案登记"
    page.select_option("#id_basis_kind", "judgment")
    page.fill("#id_basis_issuer", "天水市麦积区人民法院")
    page.fill("#id_basis_number", "（2026）甘0503民初1187号")
    page.fill("#id_basis_effective_on", "2026-09-10")
    page.fill("#id_basis_due_on", "2026-09-25")
    page.fill("#id_cause", "买卖合同纠纷")
    page.select_option("#id_obligation_kind", "money")
    page.fill("#id_principal", "286500.00")
    page.fill("#id_litigation_costs", "5600.00")
    _fill_party(page, 0, role="applicant", kind="person", name="王秀英", id_kind="resident_id", id_number=APPLICANT_ID,
                phone="13909381234", address="甘肃省天水市麦积区商埠路12号")
    _fill_party(page, 1, role="respondent", kind="legal_person", name="天水恒达商贸有限公司", id_kind="uscc",
                id_number=DEBTOR_ID, address="甘肃省天水市麦积区渭滨南路88号", legal_representative="周建平")
    # The second respondent: the form starts with two rows; the clerk adds a third.
    page.click("#add-party")
    assert page.locator("#party-rows .party-row").count() == 3
    wrong = GUARANTOR_ID[:-1] + ("1" if GUARANTOR_ID[-1] != "1" else "2")  # a mistyped check character
    _fill_party(page, 2, role="respondent", kind="person", name="李卫东", id_kind="resident_id", id_number=wrong,
                phone="13830812345", address="甘肃省天水市秦州区民主西路5号")
    page.select_option("#id_team", str(org.team.pk))
    page.select_option("#id_officer", str(org.officer.pk))
    shot(page, "clerk-01-registration-form")

    # A mistyped identity number is refused on its own field; nothing is registered and the form keeps its input.
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    error = page.inner_text("[data-field='parties-2-id_number']")
    assert GUARANTOR_ID[-1] in error and wrong[-1] in error, error
    assert page.input_value("#id_parties-1-name") == "天水恒达商贸有限公司"
    assert page.locator("#party-rows .party-row").count() == 3
    shot(page, "clerk-02-id-checksum-error")

    page.fill("#id_parties-2-id_number", GUARANTOR_ID)
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    number = page.inner_text("#case-number")
    assert CASE_NUMBER.fullmatch(number), number
    assert number in alerts(page)
    parties = page.inner_text("#parties")
    for name in ("王秀英", "天水恒达商贸有限公司", "李卫东"):
        assert name in parties
    assert parties.count("被执行人") == 2
    assert DEBTOR_ID in parties and GUARANTOR_ID in parties
    summary = page.inner_text(".case-summary")
    assert "郑强" in summary and "执行实施一组" in summary
    assert "292,100.00" in summary  # principal + litigation costs
    shot(page, "clerk-03-case-registered")
    return number


@pytest.fixture
def week(org_committed, tmp_path):
    """The court's contact phone, two other cases filed this week that still lack their notices (registered earlier
    through the service), and a real Celery worker for the batch, booting while the clerk works."""
    from notices.batch import this_week

    org_committed.court.phone = "0938-2712345"  # printed on every notice as the court's contact number
    org_committed.court.save(update_fields=["phone"])
    make_case = root_conftest.make_case.__wrapped__(org_committed)
    monday, _sunday = this_week()
    others = [make_case(received_on=monday, filed_on=monday, principal=p) for p in ("35000.00", "128000.00")]
    worker = CeleryWorker(tmp_path, "clerk-day")
    try:
        yield others, worker
    finally:
        worker.stop()


def _download_pdf(page, click, name: str) -> str:
    """Download a PDF the way the clerk does, keep it with the screenshots, and return its text (whitespace removed)."""
    with page.expect_download(timeout=60000) as info:
        click()
    download = info.value
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF"), download.suggested_filename
    pdfs = ARTIFACTS.parent / "pdfs"
    pdfs.mkdir(parents=True, exist_ok=True)
    (pdfs / f"{name}.pdf").write_bytes(data)
    return flat(pdf_text(data))


def _issue(page, doc_type: str, addressee: str) -> str:
    """Choose the document on the Documents tab, its addressee, and issue it: the PDF downloads by itself."""
    with page.expect_navigation():
        page.select_option("#id_doc_type", doc_type)  # reloads the tab with the issue form
    page.wait_for_selector("#issue-form")
    select = page.locator("#issue-form select[name=addressee_key]")
    option = select.locator("option", has_text=addressee).first
    assert option.inner_text() == f"{addressee} (被执行人)"  # the party's role in words, not its code
    value = option.get_attribute("value")
    select.select_option(value)

    def issue():
        # The issued page starts the PDF download while it loads, so its "load" event may never come.
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.click("#issue-submit")
        if not page.locator("#issued-banner").count():  # refused: say why, as the page does
            shot(page, f"clerk-failed-issue-{doc_type}")
            raise AssertionError(page.inner_text("#issue-card"))

    return _download_pdf(page, issue, f"clerk-{doc_type}")


def test_clerk_day(new_page, org_committed, week):
    week, worker = week
    page = new_page(DESKTOP)
    sign_in(page, "clerk", PASSWORD)
    number = register_case(page, org_committed)
    from django.utils import timezone

    assert CASE_NUMBER.fullmatch(number).group(1) == str(timezone.localdate().year)

    # The case is in the court's list under its number, with both respondents.
    go_nav(page, "cases:list")
    row = page.locator("table.cases-table tr", has_text=number)
    assert "天水恒达商贸有限公司" in row.inner_text() and "李卫东" in row.inner_text()
    shot(page, "clerk-04-case-list")

    # Print the 执行通知书 for the company and the 报告财产令 for the guarantor, from the case's Documents tab.
    with page.expect_navigation():
        row.locator("a", has_text=number).click()
    with page.expect_navigation():
        page.click("#tab-documents")
    notice = _issue(page, "enforcement_notice", "天水恒达商贸有限公司")
    assert "执行通知书" in notice and flat(number) in notice and "天水恒达商贸有限公司" in notice, notice[:400]
    assert "本金人民币286,500.00元" in notice and "合计人民币292,100.00元" in notice, notice[:800]
    assert "2705020109000012345" in notice  # the court's case-fund account to pay into
    shot(page, "clerk-05-enforcement-notice-issued")
    order = _issue(page, "asset_report_order", "李卫东")
    assert "报告财产令" in order and flat(number) in order and "李卫东" in order, order[:400]
    table = page.inner_text("#documents-table")
    assert "执行通知书" in table and "报告财产令" in table and "天水恒达商贸有限公司" in table and "李卫东" in table
    shot(page, "clerk-06-asset-report-order-issued")

    # The week's batch: cases filed this week that still have no 执行通知书 (this case has one now).
    go_nav(page, "notices:batch")
    listed = page.inner_text("#batch-cases")
    assert number not in listed
    for case in week:
        assert case.number in listed
    assert page.inner_text("#batch-selected-count") == "0"  # nothing ticked until the clerk chooses
    page.click("#batch-select-all")
    assert page.inner_text("#batch-selected-count") == str(len(week))
    page.check("input[name=doc_types][value=enforcement_notice]")
    page.check("input[name=doc_types][value=asset_report_order]")
    page.fill("#id_title", "本周立案 执行通知书、报告财产令")
    shot(page, "clerk-07-batch-selection")
    worker.ready()
    with page.expect_navigation():
        page.click("#batch-start")
    page.wait_for_selector("#batch-status .progress-bar")
    try:
        page.wait_for_selector("#batch-status[data-status^=done], #batch-status[data-status=failed]", timeout=120000)
    except Exception:
        raise AssertionError(f"the batch did not finish: {page.inner_text('#batch-status')}\n{worker.log()}") from None
    status = page.locator("#batch-status")
    assert status.get_attribute("data-status") == "done", status.inner_text()
    assert "100%" in page.inner_text("#batch-status .progress-bar")
    assert "已完成4份，共4份" in flat(status.inner_text())  # two cases, two documents each
    shot(page, "clerk-08-batch-done")
    batch = _download_pdf(page, lambda: page.click("#batch-pdf"), "clerk-batch")
    for case in week:
        assert flat(case.number) in batch
    assert flat(number) not in batch  # already printed this morning
    assert "执行通知书" in batch and "报告财产令" in batch and "天水示例建材有限公司" in batch
    labels = _download_pdf(page, lambda: page.click("#batch-labels"), "clerk-batch-labels")
    assert "甘肃省天水市麦积区马跑泉路8号" in labels and week[0].number in labels
