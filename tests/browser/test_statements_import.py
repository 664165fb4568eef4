"""Finance imports a bank statement on the page, at 1366 px and on a 390 px phone: a bad file shows its report by
row and column and saves nothing; the good file shows its lines as cards; nothing scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in
from .days import go_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).resolve().parents[1] / "data" / "statements"
BAD = "交易日期,贷方发生额,借方发生额,对方户名,流水号\n2026-03-02,100.00,,张三,R1\n2026-03-02,1e3,,李四,R2\n"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_finance_imports_a_statement(org_committed, new_page, tmp_path, device):
    from statements.models import Statement

    page = new_page(PHONE, is_mobile=True) if device == "phone" else new_page(DESKTOP)
    sign_in(page, "finance", PASSWORD)
    go_nav(page, "statements:list")
    page.click("#statement-upload")
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.set_input_files("#statement-upload-form input[type=file]", str(bad))
    page.click("#statement-upload-form button[type=submit]")
    report = page.locator("#import-report")
    report.wait_for()
    assert "1e3" in report.inner_text() and "贷方发生额" in report.inner_text()
    assert no_sideways_scroll(page)
    shot(page, f"statements-import-report-{device}")
    assert Statement.objects.count() == 0

    page.set_input_files("#statement-upload-form input[type=file]", str(DATA / "icbc_gbk.csv"))
    with page.expect_navigation():
        page.click("#statement-upload-form button[type=submit]")
    page.locator("#statement-lines").wait_for()
    text = page.locator("#statement-lines").inner_text()
    assert "ICBC20260302001" in text and "张三" in text
    assert no_sideways_scroll(page)
    if device == "phone":
        assert page.evaluate("() => getComputedStyle(document.querySelector('#statement-lines tbody tr')).display"
                             ) == "block"
    shot(page, f"statements-detail-{device}")
    go_nav(page, "statements:list")
    assert "天水" in page.locator("#statement-list").inner_text() or "工商" in page.locator("#statement-list").inner_text()
    assert no_sideways_scroll(page)
    shot(page, f"statements-list-{device}")
