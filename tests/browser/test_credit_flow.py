"""失信 from decision to removal in a real browser (issue 21 part 3): the officer proposes, the chief approves
and issues the decision, the clerk records service and publishes on a phone; the public 曝光台 shows the debtor
(no login, ID masked); a receipt pays the claim in full, the removal opens with its 3-working-day deadline, the
chief removes the listing and the public page drops the debtor."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases.services import PartyInput
from credit.models import CreditMeasure
from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID_NUMBER = "620503198001011239"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_listed_published_paid_and_removed(new_page, org_committed, official_calendar):
    from assets.services import receipt_record
    from core.rules.checksums import resident_id_check_char
    from credit.jobs import removal_grounds_scan_all
    from tests.conftest import make_case

    cache.clear()
    org = org_committed
    today = timezone.localdate()
    body = ID_NUMBER[:17]
    case = make_case.__wrapped__(org)(parties=[
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="11010519491231002X",
                   phones=["13800000001"], address="甘肃省天水市麦积区桥南路1号"),
        PartyInput(role="respondent", kind="person", name="龚某某", id_kind="resident_id",
                   id_number=body + resident_id_check_char(body), address="天水市马跑泉路8号"),
    ], principal="20000.00", received_on=today - timedelta(days=62), filed_on=today - timedelta(days=60),
        basis_effective_on=today - timedelta(days=120), basis_due_on=today - timedelta(days=90))
    full_id = case.case_parties.get(role="respondent").party.id_number

    officer = new_page(DESKTOP)
    sign_in(officer, "officer", PASSWORD)
    officer.goto(f"/cases/{case.pk}/?tab=credit")
    officer.click("#credit-propose-dishonest")
    officer.wait_for_selector("#propose-form")
    officer.select_option("#id_ground", "1")
    officer.fill("#id_conduct", "有履行能力而拒不履行生效法律文书确定义务")
    officer.fill("#id_reasons", "经查被执行人有稳定工资收入，拒不履行。")
    shot(officer, "h2-credit-1-propose-desktop")
    officer.click("#propose-form button[type=submit]")
    officer.wait_for_selector("#measure-facts")
    m = CreditMeasure.objects.get(case=case)
    assert m.status == "proposed" and officer.locator("#btn-approve").count() == 0  # never the proposer

    chief = new_page(DESKTOP)
    sign_in(chief, "chief", PASSWORD)
    chief.goto("/")
    chief.goto("/credit/approvals/")
    assert chief.inner_text("#measure-count").startswith("1")
    chief.click(f'tr[data-measure="{m.pk}"] a.btn')
    chief.click("#btn-approve")
    chief.wait_for_selector("#btn-decide")
    chief.click("#btn-decide")
    chief.wait_for_selector("#decision")
    shot(chief, "h2-credit-2-decided-desktop")

    clerk = new_page(PHONE, is_mobile=True)
    sign_in(clerk, "clerk", PASSWORD)
    clerk.goto(f"/credit/{m.pk}/")
    clerk.click("#btn-serve")
    clerk.wait_for_selector("#btn-publish")
    assert _fits(clerk)
    clerk.click("#btn-publish")
    clerk.wait_for_selector(".credit-status[data-status=published]")
    shot(clerk, "h2-credit-3-published-phone")
    assert _fits(clerk)

    public = new_page(PHONE, is_mobile=True)  # no sign-in
    public.goto("/accounts/login/")
    public.click("#public-list-link")
    public.wait_for_selector("#public-list")
    entry = public.locator('.public-entry[data-name="龚某某"]')
    assert entry.count() == 1
    text = entry.inner_text()
    assert f"{full_id[:6]}********{full_id[-4:]}" in text and full_id not in public.content()
    assert case.number in text
    assert _fits(public)
    shot(public, "h2-credit-4-public-listed-phone")
    desk_public = new_page(DESKTOP)
    desk_public.goto("/credit/public/")
    shot(desk_public, "h2-credit-4-public-listed-desktop")

    # The debtor pays in full: the finance officer records the receipt, which opens the removal at once (the
    # hourly scan then finds nothing more to open).
    receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("20000.00"),
                   occurred_on=today, payer="龚某某")
    assert removal_grounds_scan_all() == 0
    m.refresh_from_db()
    assert m.status == "removal_open" and m.removal_due_on > today

    chief.goto(f"/cases/{case.pk}/?tab=credit")
    row = chief.locator(f'#credit-tab-table tr[data-measure="{m.pk}"]')
    assert "待删除/解除" in row.inner_text()
    chief.goto(f"/credit/{m.pk}/")
    assert "已全部履行完毕" in chief.inner_text("#removal-ground")
    due = m.removal_due_on
    assert chief.inner_text("#removal-due") == f"{due.year}年{due.month}月{due.day}日" or str(due) in \
        chief.inner_text("#removal-due")
    shot(chief, "h2-credit-5-removal-due-desktop")
    chief.click("#btn-remove")
    chief.wait_for_selector("#removed-on")
    shot(chief, "h2-credit-6-removed-desktop")
    m.refresh_from_db()
    assert m.status == "removed" and m.removed_on == today <= m.removal_due_on  # within the deadline

    public.goto("/credit/public/")
    assert public.locator('.public-entry[data-name="龚某某"]').count() == 0
    assert public.locator("#public-empty").count() == 1
    shot(public, "h2-credit-7-public-removed-phone")

