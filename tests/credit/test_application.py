"""The applicant's written application to list or restrict (申请纳入失信/限制消费, docs/domain.md §3.5): recorded on
the proposal, the court decides within 15 days of it (deadline credit_application, met by the decision or by a
rejection, a lapse on closure included); a date in the future or before the case is refused naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from credit import services
from credit.models import CreditMeasure
from credit.services.measures import proposals_withdraw
from deadlines import engine
from deadlines.models import Deadline

from .conftest import debtor

pytestmark = pytest.mark.django_db


def _propose(org, case, **kw):
    return services.measure_propose(actor=org.officer, case=case, case_party=debtor(case), kind="dishonest",
                                    ground="1", reasons="申请执行人书面申请", conduct="有履行能力而拒不履行", **kw)


def _deadline(m):
    engine.recompute(case_ids=[m.case_id])
    return Deadline.objects.get(source_type="credit_measure", source_id=m.pk, kind="credit_application")


def test_the_decision_is_due_15_days_after_the_application_and_meets_it(org, credit_case):
    applied = timezone.localdate() - timedelta(days=20)
    m = _propose(org, credit_case, applied_on=applied)
    d = _deadline(m)
    assert (d.start_on, d.due_on, d.status, d.court_id) == (applied, applied + timedelta(days=15), "overdue",
                                                            credit_case.court_id)
    m = services.measure_approve(actor=org.chief, measure=m)
    assert _deadline(m).status == "overdue"  # approval is not yet the decision
    m = services.measure_decide(actor=org.chief, measure=m, decided_on=timezone.localdate())
    d = _deadline(m)
    assert d.status == "met" and d.met_on == timezone.localdate()


def test_a_rejection_answers_the_application(org, credit_case):
    m = _propose(org, credit_case, applied_on=timezone.localdate() - timedelta(days=3))
    assert _deadline(m).status == "open"
    services.measure_reject(actor=org.chief, measure=m, reason="被执行人已提供担保")
    d = _deadline(m)
    assert d.status == "met" and d.met_on == timezone.localdate()


def test_no_application_no_deadline(org, credit_case):
    m = _propose(org, credit_case)
    engine.recompute(case_ids=[m.case_id])
    assert not Deadline.objects.filter(source_type="credit_measure", source_id=m.pk,
                                       kind="credit_application").exists()


@pytest.mark.parametrize("applied_on, message", [
    (lambda case: timezone.localdate() + timedelta(days=1), "future"),
    (lambda case: case.received_on - timedelta(days=1), "precede"),
    (lambda case: "2026-13-40", "valid date"),
])
def test_a_bad_application_date_is_refused_naming_the_field(org, credit_case, applied_on, message):
    with pytest.raises(ValidationError) as exc:
        _propose(org, credit_case, applied_on=applied_on(credit_case))
    assert "applied_on" in exc.value.message_dict and not CreditMeasure.objects.exists()


def test_page_and_api_take_the_application_date(client, org, credit_case):
    applied = timezone.localdate() - timedelta(days=2)
    client.force_login(org.officer)
    url = reverse("credit:propose", args=[credit_case.pk])
    page = client.get(url + "?kind=dishonest").content.decode()
    assert 'name="applied_on"' in page and "申请执行人提出书面申请的日期" in page
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {"kind": "dishonest", "case_party": debtor(credit_case).pk, "ground": "1", "extension_years": "0",
            "conduct": "有履行能力而拒不履行", "reasons": "申请执行人书面申请", "form_token": token,
            "applied_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    r = client.post(url, data)
    assert r.status_code == 200 and 'data-field="applied_on"' in r.content.decode()
    assert not CreditMeasure.objects.exists()
    r = client.post(url, dict(data, applied_on=applied.isoformat()))
    assert r.status_code == 302
    m = CreditMeasure.objects.get()
    assert m.applied_on == applied
    page = client.get(reverse("credit:detail", args=[m.pk])).content.decode()
    assert 'id="applied-on"' in page and "十五日内" in page
    services.measure_reject(actor=org.chief, measure=m, reason="撤回")
    body = {"case": credit_case.pk, "case_party": debtor(credit_case).pk, "kind": "dishonest", "ground": "1",
            "conduct": "有履行能力而拒不履行", "reasons": "申请执行人书面申请", "applied_on": "2999-01-01"}
    r = client.post("/api/v1/credit-measures/", body, content_type="application/json")
    assert r.status_code == 400 and "applied_on" in r.json()
    r = client.post("/api/v1/credit-measures/", dict(body, applied_on=applied.isoformat()),
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["applied_on"] == applied.isoformat()


@pytest.mark.parametrize("approved_first", [False, True])
def test_a_lapse_when_the_case_closes_answers_the_application_on_that_day(org, credit_case, approved_first):
    m = _propose(org, credit_case, applied_on=timezone.localdate() - timedelta(days=20))
    if approved_first:
        m = services.measure_approve(actor=org.chief, measure=m)
        # approved a week ago: the approval is not the answer
        CreditMeasure.objects.filter(pk=m.pk).update(approved_at=timezone.now() - timedelta(days=7))
    proposals_withdraw(case=credit_case, actor=org.chief)  # what the closure calls (credit.receivers)
    d = _deadline(m)
    assert d.status == "met" and d.met_on == timezone.localdate()
