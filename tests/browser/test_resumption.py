"""A post-终本 query found money: the officer, on a phone, puts the resumption to the chief; the chief, at a desk,
resumes enforcement and lands on the 执恢 case's link. Both pages fit their width."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposal(org_committed, settings, tmp_path):
    from core.models import CourtSetting
    from inquiry.models import ResumptionProposal
    from inquiry.services.zhongben import post_zhongben_batch_create, post_zhongben_results_recorded
    from tests.conftest import make_case as make_case_fixture
    from tests.inquiry.conftest import answer, due_in, zhongben

    settings.INQUIRY_OUTBOX_DIR = tmp_path / "outbox"
    org = org_committed
    CourtSetting.objects.create(court=org.court, key="inquiry_agency_kinds", value=["bank", "vehicle"])
    case = zhongben(make_case_fixture.__wrapped__(org)(), due_in(5))
    batch = post_zhongben_batch_create(court=org.court, export=False)
    answered = answer(batch, found={"bank": ["12345.67", "800.00"], "vehicle": [None]}, user=org.chief)
    post_zhongben_results_recorded(request_ids=[r.pk for r in answered])
    return ResumptionProposal.objects.get(case=case)


def test_officer_puts_to_chief_on_a_phone_chief_resumes(browser, live_server, org_committed, proposal):
    org = org_committed
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE_DEVICE)
    page = context.new_page()
    sign_in(page, org.officer.username, PASSWORD)
    page.goto("/")
    page.click('[data-tile="resumptions_officer"]')
    page.wait_for_selector(f"#proposal-{proposal.pk}")
    assert "待承办人处理" in page.inner_text(f"#proposal-{proposal.pk}")
    assert_no_horizontal_scroll(page)
    shot(page, "resumption_officer_390")
    page.fill(f"#proposal-{proposal.pk} input[name=note]", "查到存款，建议恢复执行")
    page.click(f"#proposal-{proposal.pk} button:has-text('报请庭长恢复执行')")
    page.wait_for_selector("text=已报请庭长决定")
    assert page.locator(f"#proposal-{proposal.pk}").count() == 0  # no longer waiting for the officer
    page.goto(f"/cases/{proposal.case_id}/?tab=resumption")  # the case's tab shows where it stands
    assert "已报庭长" in page.inner_text(f"#proposal-{proposal.pk}")
    assert_no_horizontal_scroll(page)
    shot(page, "resumption_case_tab_390")
    context.close()

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, org.chief.username, PASSWORD)
    page.goto("/inquiry/resumptions/?show=chief")
    card = f"#proposal-{proposal.pk}"
    assert "查到存款，建议恢复执行" in page.inner_text(card)
    shot(page, "resumption_chief_1366")
    page.click(f"{card} button:has-text('恢复执行')")
    page.wait_for_selector("text=已恢复执行，案号")
    assert "执恢" in page.inner_text(".alert-success, .alert") or "执恢" in page.content()
    shot(page, "resumption_accepted_1366")
    context.close()
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.resumed_case.case_type == "执恢"
