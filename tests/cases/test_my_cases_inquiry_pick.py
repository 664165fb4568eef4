"""我的案件: tick cases and press 网络查控 to open a new inquiry batch with them preselected."""

import re

from django.urls import reverse

from accounts.policy import Perm


def _form(html: str) -> str | None:
    m = re.search(r'<form method="get" action="([^"]*)" id="inquiry-pick">(.*?)</form>', html, re.S)
    return m and (m.group(1), m.group(2))


def test_officer_gets_the_pick_form_with_a_checkbox_per_case(org, make_case, client):
    a, b = make_case(), make_case()
    client.force_login(org.officer)
    html = client.get(reverse("cases:my_cases")).content.decode()
    action, body = _form(html)
    assert action == reverse("inquiry:batch_new")
    for case in (a, b):
        assert re.search(rf'<td class="select-col" data-label="选择"><input [^>]*type="checkbox" name="case" '
                         rf'value="{case.pk}"', body)
    assert 'type="submit"' in body and "网络查控" in body
    assert "js/batch.js" in html  # select all / none reuses the notices batch-print script


def test_no_pick_form_without_inquiry_permission(org, make_case, client, monkeypatch):
    make_case()
    client.force_login(org.clerk)  # no case.act: the list itself is refused, and shows no form
    page = client.get(reverse("cases:my_cases"))
    assert page.status_code == 403 and 'id="inquiry-pick"' not in page.content.decode()

    import cases.views

    real = cases.views.has_perm
    monkeypatch.setattr(cases.views, "has_perm", lambda user, perm, *a, **k: perm != Perm.INQUIRY_RUN
                        and real(user, perm, *a, **k))
    client.force_login(org.officer)
    html = client.get(reverse("cases:my_cases")).content.decode()
    assert 'id="inquiry-pick"' not in html and 'name="case"' not in html


def test_ticked_cases_are_preselected_on_the_new_batch_page(org, make_case, client):
    a, b, c = make_case(), make_case(), make_case()
    client.force_login(org.officer)
    html = client.get(reverse("inquiry:batch_new"), {"case": [a.pk, b.pk]}).content.decode()
    assert a.number in html and b.number in html and c.number not in html
