"""Batch printing starts with nothing ticked, offers select all / none with a count, and says so clearly when started
with nothing selected (issue 19, "It is quick to work with")."""

from __future__ import annotations

import re

from django.urls import reverse

from notices.models import BatchJob

from .test_batch import EN, make_week_cases


def checked_boxes(html: str) -> list[str]:
    return re.findall(r'<input class="form-check-input batch-case"[^>]*value="(\d+)"[^>]*\bchecked\b', html)


def test_page_starts_with_nothing_selected_and_offers_select_all(client, org, make_case):
    cases = make_week_cases(make_case, 3)
    client.force_login(org.clerk)
    html = client.get(reverse("notices:batch"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert all(f'id="case-{c.pk}"' in html for c in cases)
    assert checked_boxes(html) == []
    assert '<span id="batch-selected-count" aria-live="polite">0</span>' in html
    assert 'id="batch-select-all"' in html and "全选" in html and 'id="batch-select-none"' in html


def test_starting_with_nothing_selected_says_so_and_creates_nothing(client, org, make_case):
    make_week_cases(make_case, 2)
    client.force_login(org.clerk)
    response = client.post(reverse("notices:batch"), {"doc_types": [EN], "with_labels": "on"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    html = response.content.decode()
    assert "尚未选择案件" in html and "全选" in html
    assert not BatchJob.objects.exists()


def test_a_refused_submission_keeps_the_ticks_and_their_count(client, org, make_case):
    cases = make_week_cases(make_case, 3)
    client.force_login(org.clerk)
    response = client.post(reverse("notices:batch"), {"case": [cases[0].pk, cases[2].pk]})  # no document type
    assert response.status_code == 400
    html = response.content.decode()
    assert sorted(checked_boxes(html)) == sorted([str(cases[0].pk), str(cases[2].pk)])
    assert '<span id="batch-selected-count" aria-live="polite">2</span>' in html
    assert not BatchJob.objects.exists()
