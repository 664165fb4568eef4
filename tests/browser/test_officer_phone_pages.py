"""Every page an enforcement officer uses, on a 390 px phone, for a case of the demo court with something in every
tab: nothing scrolls sideways, tables are shown as cards (one card a row, each value with its column's label), and
buttons keep their words on one line. And the chief's menu, with every page, fits one line of a 1366 px screen and
works from the keyboard."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, go_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "Court-demo-2026"
TABS = ["actions", "followups", "closures", "assets", "funds", "documents", "deadlines"]
# The tabs and pages whose lists are tables (each must be shown as cards).
CARD_PAGES = {"my-cases", "my-deadlines", "tab-assets", "tab-funds", "tab-documents", "tab-deadlines"}


@pytest.fixture
def demo_case(transactional_db):
    """The demo court (a small year of it), and officer1's open case with the most seized property, topped up so
    that every tab has something: a lead and a petition, a seized asset, money received and a payout prepared, an
    issued 执行通知书, and the deadlines computed."""
    from accounts.models import User
    from assets.services import asset_register, control_order, payout_prepare, receipt_record
    from cases.models import Case, CaseParty
    from cases.services import lead_register, petition_register
    from deadlines import engine
    from notices import documents
    from notices.services import document_issue

    call_command("seed_demo", "--cases", "60", "--seed", "11", verbosity=0)
    officer = User.objects.get(username="officer1")
    finance = User.objects.get(username="finance1")
    today = timezone.localdate()
    cases = Case.objects.filter(officer=officer, closed_on__isnull=True, case_type="执",
                                filed_on__lte=today - timedelta(days=10))
    case = max(cases, key=lambda c: (c.controls.count(), c.pk))
    applicant = CaseParty.objects.filter(case=case, role="applicant").select_related("party").first()
    debtor = CaseParty.objects.filter(case=case, role="respondent").select_related("party").first()

    lead_register(actor=officer, case=case, description="申请人来电：被执行人在花牛苹果市场有一处仓库，存有钢材",
                  received_at=timezone.now() - timedelta(days=1))
    petition_register(actor=officer, case=case, content="申请执行人反映执行进度缓慢", received_on=today - timedelta(days=2),
                      petitioner=applicant.party.name)
    if not case.controls.exists():
        asset = asset_register(actor=officer, case=case, owner=debtor, kind="vehicle", description="小型汽车 大众帕萨特",
                               source="network_query", plate_number="甘E·A1234", estimated_value=Decimal("85000"))
        control_order(actor=officer, asset=asset, kind="seizure", ordered_on=today - timedelta(days=3),
                      ruling_number=f"{case.number}之三", assisting_body="天水市公安局交通警察支队车辆管理所")
    receipt_record(actor=finance, case=case, kind="debtor_payment", amount=Decimal("3000.00"),
                   occurred_on=today - timedelta(days=2), payer=debtor.party.name, reference="HX2026120501")
    payout_prepare(actor=officer, case=case, payee=applicant, amount=Decimal("3000.00"),
                   payee_account_name=applicant.party.name, payee_bank="甘肃银行天水麦积支行",
                   payee_account_number="6228480869123456789")
    kind = documents.get("enforcement_notice")
    document_issue(user=officer, case=case, doc_type="enforcement_notice",
                   addressee_key=kind.addressees(case)[0].key)
    engine.recompute(wait=True)
    return case


CARDS_JS = """() => [...document.querySelectorAll('main table')].filter(t => t.offsetParent !== null).map(t => {
    const rows = [...t.querySelectorAll(':scope > tbody > tr')];
    const cells = rows.flatMap(r => [...r.querySelectorAll(':scope > td[data-label]')]);
    return {
        id: t.id || t.className,
        cards: t.classList.contains('table-cards'),
        columns: t.querySelectorAll(':scope > thead th').length,
        rows: rows.length,
        rowsAsBlocks: rows.every(r => getComputedStyle(r).display === 'block'),
        headerHidden: !t.tHead || t.tHead.getBoundingClientRect().height <= 1,
        labelled: cells.length,
        labelsShown: cells.every(c => getComputedStyle(c, '::before').content === JSON.stringify(c.dataset.label)),
    };
})"""

WRAPPED_BUTTONS_JS = """() => [...document.querySelectorAll('main .btn, nav .nav-link')].filter(b => b.offsetParent !== null)
    .filter(b => { const s = getComputedStyle(b); return b.getBoundingClientRect().height
        > 1.6 * parseFloat(s.lineHeight || '20') + parseFloat(s.paddingTop) + parseFloat(s.paddingBottom) + 2; })
    .map(b => b.innerText.trim())"""


def _check_phone_page(page, name: str) -> list[dict]:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{name} ({page.url}) scrolls sideways: {width}px wide on a 390 px screen"
    tables = page.evaluate(CARDS_JS)
    for t in tables:
        if t["columns"] >= 3:  # a real list (not a two-cell key/value table)
            assert t["cards"], f"{name}: table {t['id']} is not shown as cards"
        if t["cards"] and t["rows"]:
            assert t["rowsAsBlocks"] and t["headerHidden"], f"{name}: table {t['id']} is not laid out as cards: {t}"
            assert t["labelsShown"], f"{name}: table {t['id']} has cells without their column label: {t}"
    assert not page.evaluate(WRAPPED_BUTTONS_JS), f"{name}: buttons wrap: {page.evaluate(WRAPPED_BUTTONS_JS)}"
    shot(page, f"officer-phone-{name}")
    return tables


def test_officer_pages_fit_a_phone_and_show_tables_as_cards(browser, live_server, demo_case):
    case = demo_case
    context = browser.new_context(**PHONE_DEVICE, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, "officer1", DEMO_PASSWORD)
        pages = {
            "home": "/",
            "my-cases": "/cases/mine/",
            "my-deadlines": "/deadlines/",
            "notifications": "/deadlines/notifications/",
            "case": f"/cases/{case.pk}/",
            **{f"tab-{key}": f"/cases/{case.pk}/?tab={key}" for key in TABS},
            "action-form": f"/cases/{case.pk}/actions/new/",
            "lead-form": f"/cases/{case.pk}/leads/new/",
        }
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, (name, url, response.status)
            tables = _check_phone_page(page, name)
            if name in CARD_PAGES:
                assert any(t["cards"] and t["rows"] and t["labelled"] for t in tables), f"{name}: no table as cards"

        # The parts of the tabs an officer opens: the asset registration form, the lead follow-up form.
        page.goto(f"/cases/{case.pk}/?tab=assets")
        page.click("#asset-add summary")
        page.wait_for_selector("#id_asset-description", state="visible")
        _check_phone_page(page, "asset-form")
        page.goto(f"/cases/{case.pk}/?tab=followups")
        with page.expect_navigation():
            page.locator("#tabpane-followups a[href*='/leads/']").first.click()
        _check_phone_page(page, "lead-follow-up-form")

        # A card shows each value with its column's label: the ledger's amount under "金额".
        page.goto(f"/cases/{case.pk}/?tab=funds")
        cell = page.locator("#ledger td[data-label='金额']").first
        assert cell.inner_text().strip()
        assert cell.evaluate("c => getComputedStyle(c, '::before').content") == '"金额"'

        # The menu opens from the toggler and its topic menus open inside it.
        go_nav(page, "deadlines:mine")
        assert page.url.endswith("/deadlines/")
    finally:
        context.close()


def test_chief_menu_fits_one_line_at_1366_and_works_from_the_keyboard(new_page, demo_case):
    page = new_page(DESKTOP)
    sign_in(page, "chief", DEMO_PASSWORD)
    tops = page.evaluate("() => [...document.querySelectorAll('#role-nav > li')].map(li => li.offsetTop)")
    assert len(set(tops)) == 1, f"the chief's menu wraps onto several lines: {tops}"
    height = page.evaluate("() => document.querySelector('nav.navbar').getBoundingClientRect().height")
    assert height < 70, height
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    # Every page the chief may open is still in the menu, in a topic's drop-down where not at the top.
    names = page.evaluate("() => [...document.querySelectorAll('#role-nav a[data-nav]')].map(a => a.dataset.nav)")
    assert {"cases:approvals", "deadlines:overdue", "reports:dashboard", "reports:weekly_list",
            "assets:funds_awaiting", "notices:batch"} <= set(names), names
    shot(page, "chief-menu-1366")

    # Keyboard only: Tab to the statistics menu, open it with Enter, arrow down to the dashboard, Enter.
    toggle = page.locator("#role-nav a[data-bs-toggle='dropdown']", has_text="统计")
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#role-nav a[data-nav='reports:dashboard']", state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    shot(page, "chief-menu-statistics-open")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.dataset.nav") == "reports:dashboard"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/reports/" in page.url
    # The current page's topic is marked in the menu.
    assert "active" in (page.locator("#role-nav a[data-bs-toggle='dropdown']", has_text="统计")
                        .get_attribute("class") or "")
