"""An objection stops a disposal and is ruled on, in a real browser: the clerk registers an objection suspending the
disposal of a seized house from the case's 异议复议 tab; the disposal team's officer is refused the next auction round
on the disposal page; a hearing and the panel's deliberation are recorded; the chief rules (dismissed) and issues
the ruling (执行裁定书) into the 执异 case's documents; the round can then be scheduled. Desktop and phone
screenshots; no page scrolls sideways at 390 px; no CSP violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, Team, TeamKind
from assets import services as asset_services
from notices.models import IssuedDocument
from review.models import Objection
from tests.conftest import PASSWORD, make_user

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(org_committed):
    from tests.assets.conftest import hand_over, register_asset
    from tests.conftest import make_case

    org = org_committed
    today = timezone.localdate()
    case = make_case.__wrapped__(org)()
    team = Team.objects.create(court=org.court, name="执行裁决组", kind=TeamKind.ADJUDICATION)
    judge = make_user("judge", org.court, [Role.OFFICER], [team], full_name="周法官")
    house = register_asset(case, org.officer, kind="real_estate", description="麦积区桥南路8号3单元502室",
                           estimated_value="800000.00", location="甘肃省天水市麦积区桥南路8号")
    asset_services.control_order(actor=org.officer, asset=house, kind="seizure", ordered_on=today - timedelta(days=40),
                                 ruling_number="（2026）甘0503执1号之一", assisting_body="天水市麦积区不动产登记中心")
    hand_over(org, case)
    disposal = asset_services.disposal_start(actor=org.colleague, asset=house, team=org.other_team,
                                             reference_method="appraisal",
                                             reference_requested_on=today - timedelta(days=35))
    asset_services.disposal_reference_price_set(actor=org.colleague, disposal=disposal, reference_price="800000",
                                                report_on=today - timedelta(days=34))
    return org, case, team, judge, disposal


def _csp(page) -> list:
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def _no_sideways(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _try_round(page, disposal, today) -> None:
    page.goto(f"/assets/disposals/{disposal.pk}/")
    details = page.locator("details", has=page.locator(f"form[action$='/disposals/{disposal.pk}/round/']"))
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    form = details.locator("form")
    form.locator("[name='round-notice_on']").fill(today.isoformat())
    form.locator("[name='round-auction_on']").fill((today + timedelta(days=30)).isoformat())
    form.locator("[name='round-opening_price']").fill("560000")
    form.locator("button").click()
    page.wait_for_load_state()


def test_an_objection_stops_a_disposal_and_is_ruled_on(new_page, setup):
    org, case, team, judge, disposal = setup
    today = timezone.localdate()

    # 1. The clerk registers the objection from the case's tab.
    clerk = new_page(DESKTOP)
    violations = _csp(clerk)
    sign_in(clerk, "clerk", PASSWORD)
    clerk.goto(f"/cases/{case.pk}/?tab=review")
    clerk.click("#objection-new")
    form = clerk.locator("#objection-form")
    form.locator("#id_kind").select_option("act")
    form.locator("#id_objector").fill("天水示例建材有限公司")
    form.locator("#id_objector_kind").select_option("legal_person")
    form.locator("#id_contested_kind").select_option("disposal")
    form.locator("#id_disposal").select_option(str(disposal.pk))
    form.locator("#id_request").fill("撤销对该房屋的评估结果，重新确定参考价")
    form.locator("#id_grounds").fill("评估基准日选择错误")
    form.locator("#id_suspends").check()
    form.locator("#id_suspension_reason").fill("异议人提供了相应担保")
    form.locator("#id_team").select_option(str(team.pk))
    form.locator("#id_officer").select_option(str(judge.pk))
    shot(clerk, "review-register-desktop")
    form.locator("button[type=submit]").click()
    clerk.wait_for_selector("#hold-banner")
    objection = Objection.objects.get()
    assert objection.hold_active and "执异" in objection.case.number
    shot(clerk, "review-objection-registered-desktop")

    # 2. The disposal team's officer is refused the next round on the disposal page.
    disposer = new_page(DESKTOP)
    violations += _csp(disposer)
    sign_in(disposer, "colleague", PASSWORD)
    disposer.goto(f"/assets/disposals/{disposal.pk}/")
    assert objection.case.number in disposer.inner_text("#review-hold")  # said before any form is filled
    _try_round(disposer, disposal, today)
    assert objection.case.number in disposer.inner_text("main")
    assert not disposal.rounds.exists()
    shot(disposer, "review-disposal-refused-desktop")

    # 3. A hearing and the panel's deliberation.
    for kind, minutes in (("hearing", "异议人陈述评估基准日问题，申请执行人认为评估程序合法。"), ("deliberation", "合议庭评议：驳回异议。")):
        clerk.goto(f"/review/{objection.pk}/")
        step = clerk.locator("#step-session")
        step.locator("[name='kind']").select_option(kind)
        step.locator("[name='participants']").fill("审判长周法官、审判员二人；异议人、申请执行人")
        step.locator("[name='minutes']").fill(minutes)
        step.locator("button[type=submit]").click()
        clerk.wait_for_selector("#sessions")
    assert objection.sessions.count() == 2
    assert clerk.locator("#step-rule").count() == 0  # the clerk does not rule

    # 4. The chief rules (dismissed) and issues the ruling into the 执异 case's documents.
    chief = new_page(DESKTOP)
    violations += _csp(chief)
    sign_in(chief, "chief", PASSWORD)
    chief.goto(f"/review/{objection.pk}/")
    step = chief.locator("#step-rule")
    step.locator("[name='outcome']").select_option("dismissed")
    step.locator("[name='reasons']").fill("评估机构依法选定，评估基准日符合规定，异议理由不能成立")
    step.locator("button[type=submit]").click()
    chief.wait_for_selector("#issue-ruling")
    assert "已暂停处分" not in chief.inner_text("main")
    shot(chief, "review-ruled-desktop")
    with chief.expect_navigation(timeout=90000, wait_until="domcontentloaded"):  # the PDF is rendered in the request
        chief.locator("#issue-ruling button").click()
    shot(chief, "review-ruling-issued-desktop")
    doc = IssuedDocument.objects.get(case=objection.case, doc_type="objection_ruling")
    assert doc.number in chief.inner_text("main")
    shot(chief, "review-ruling-issued-desktop")

    # 5. The disposal proceeds.
    _try_round(disposer, disposal, today)
    assert disposal.rounds.count() == 1
    assert disposer.locator("#review-hold").count() == 0
    shot(disposer, "review-disposal-proceeds-desktop")

    # 6. The phone: the objection page and the case tab fit 390 px.
    phone = new_page(PHONE, is_mobile=True)
    violations += _csp(phone)
    sign_in(phone, "chief", PASSWORD)
    phone.goto(f"/review/{objection.pk}/")
    _no_sideways(phone)
    shot(phone, "review-objection-phone")
    phone.goto(f"/cases/{case.pk}/?tab=review")
    assert objection.case.number in phone.inner_text("#tabpane-review")
    _no_sideways(phone)
    shot(phone, "review-case-tab-phone")
    phone.goto("/review/")
    _no_sideways(phone)
    shot(phone, "review-list-phone")
    assert violations == []
