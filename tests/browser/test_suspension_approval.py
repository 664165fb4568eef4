"""中止 on the chief's approval in a real browser: the officer asks on a phone (390 px, no sideways scrolling), the
case stays where it is until the chief approves at a desktop; then it shows 中止 and the term pause is open."""

import pytest

from cases.models import Stage, SuspensionRequest, TermPause
from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_requests_on_a_phone_and_the_chief_approves_at_a_desk(new_page, org_committed):
    from tests.conftest import make_case

    case = make_case.__wrapped__(org_committed)()
    phone = new_page(PHONE, is_mobile=True)
    sign_in(phone, "officer", PASSWORD)
    phone.goto(f"/cases/{case.pk}/")
    phone.click("#request-suspension")
    phone.wait_for_selector("#suspension-form")
    phone.select_option("#id_ground", "third_party_objection")
    phone.fill("#id_reason", "案外人李某对查封的房屋提出书面异议，经审查理由成立。")
    phone.fill("#id_proposal", "建议中止执行，待异议之诉审结后恢复。")
    shot(phone, "officer-suspension-request-phone")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.click("#suspension-form button[type=submit]")
    phone.wait_for_selector("#suspension-pending")
    assert phone.inner_text("#case-stage") == "立案"  # nothing suspended before the approval
    assert phone.locator("#request-suspension").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "officer-suspension-pending-phone")
    request = SuspensionRequest.objects.get(case=case)
    assert request.status == "pending" and not TermPause.objects.filter(case=case).exists()

    desk = new_page(DESKTOP)
    sign_in(desk, "chief", PASSWORD)
    desk.goto("/cases/approvals/")
    card = desk.locator(f"#suspension-{request.pk}")
    assert "案外人李某" in card.inner_text() and "建议中止执行" in card.inner_text()
    shot(desk, "chief-suspension-queue-desktop")
    card.locator("button.btn-success").click()
    desk.wait_for_selector(".alert-success, .alert")
    assert desk.locator(f"#suspension-{request.pk}").count() == 0
    desk.goto(f"/cases/{case.pk}/")
    assert desk.inner_text("#case-stage") == "中止执行"
    shot(desk, "chief-suspension-approved-case-desktop")
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED
    assert TermPause.objects.get(case=case).ended_on is None
