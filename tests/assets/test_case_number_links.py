"""Case numbers in drill-downs, queues and registers link to the case when the viewer may open it, and are plain
text otherwise (issue 19, "It is quick to work with")."""

import re
from datetime import timedelta

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from assets import services
from cases.models import Case
from reports.models import Campaign

from .conftest import fund, hand_over, prepare


def linked(html: str, case) -> bool:
    """The case number appears inside an <a href> to the case."""
    pattern = (r'<a [^>]*href="' + re.escape(reverse("cases:detail", args=[case.pk])) + r'(\?[^"]*)?"[^>]*>\s*'
               + re.escape(case.number) + r"\s*</a>")
    return re.search(pattern, html) is not None


def unlinked_numbers(html: str, case) -> int:
    """How often the number is shown without being a link."""
    return html.count(case.number) - len(re.findall(r">\s*" + re.escape(case.number) + r"\s*</a>", html))


def test_report_drilldown_links_each_case(client, org, case):
    client.force_login(org.chief)
    html = client.get("/reports/cases/", {"measure": "received", "period": "year",
                                          "start": case.filed_on.isoformat()}).content.decode()
    assert 'id="drill-table"' in html
    assert linked(html, case)


def test_aux_drilldown_links_the_case_of_each_record(client, org, case):
    from cases.services import petition_register

    petition_register(actor=org.clerk, case=case, content="信访", received_on=case.filed_on)
    client.force_login(org.chief)
    html = client.get("/reports/cases/", {"measure": "petitions_received", "period": "year",
                                          "start": case.filed_on.isoformat()}).content.decode()
    assert 'id="drill-table"' in html
    assert linked(html, case)


def test_campaign_list_of_cases_links_each_case(client, org, case):
    campaign = Campaign.objects.create(court=org.court, name="专项行动", starts_on=case.filed_on,
                                       ends_on=case.filed_on + timedelta(days=90), created_by=org.chief)
    campaign.cases.add(case)
    client.force_login(org.chief)
    html = client.get(reverse("reports:campaign_detail", args=[campaign.pk])).content.decode()
    assert linked(html, case)


def test_handover_queue_and_disposals_link_the_case(client, org, case, seized_house, today):
    handover = hand_over(org, case, approve=False)
    client.force_login(org.chief)
    html = client.get(reverse("assets:handovers")).content.decode()
    assert linked(html, case), html
    services.handover_approve(actor=org.chief, handover=handover)
    disposal = services.disposal_start(actor=org.colleague, asset=seized_house, team=org.other_team,
                                       reference_method="appraisal",
                                       reference_requested_on=today - timedelta(days=35))
    # The disposal team's officer may not open the (other team's) case: the number is plain text for them.
    client.force_login(org.colleague)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code in (403, 404)
    html = client.get(reverse("assets:disposals")).content.decode()
    assert case.number in html and not linked(html, case)
    html = client.get(reverse("assets:disposal_detail", args=[disposal.pk])).content.decode()
    assert case.number in html and not linked(html, case)
    # The chief may: links.
    client.force_login(org.chief)
    html = client.get(reverse("assets:disposals")).content.decode()
    assert linked(html, case) and unlinked_numbers(html, case) == 0
    html = client.get(reverse("assets:disposal_detail", args=[disposal.pk])).content.decode()
    assert linked(html, case)


def test_payout_confirmation_links_the_case(client, org, case):
    fund(case, org.finance, "5000.00")
    payout = prepare(case, org.officer, "5000.00")
    services.payout_approve(actor=org.finance, payout=payout)
    client.force_login(org.finance)
    html = client.get(reverse("assets:payout_confirm", args=[payout.pk])).content.decode()
    assert linked(html, case)
    html = client.get(reverse("assets:payout_queue")).content.decode()
    assert linked(html, case)


def test_a_case_the_viewer_may_not_open_is_plain_text(org, case):
    template = Template("{% load case_tags %}{% case_link case %}")
    request = RequestFactory().get("/")
    request.user = org.outsider  # another court's officer
    html = template.render(Context({"case": case, "request": request}))
    assert case.number in html and "<a" not in html
    request.user = org.officer
    html = template.render(Context({"case": Case.objects.get(pk=case.pk), "request": request}))
    assert linked(html, case)
