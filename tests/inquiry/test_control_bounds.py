"""超标的查封 across batches (SEIZE art 19): new freeze/seize lines of a case are bounded by its outstanding claim less
what other open batches request and what is frozen or seized in force — an officer cannot freeze the claim several
times over by splitting it across batches, debtors or concurrent submissions."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from assets.models import ControlMeasure
from cases.models import CaseParty, PartyRole
from cases.services import PartyInput
from inquiry.models import InquiryBatch, InquiryRequest
from inquiry.services import ControlLine, batch_cancel, batch_create
from inquiry.services.accept import result_row_accept
from inquiry.services.results import result_file_import

from .results_helpers import exported_batch, found, result_bytes, stream


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def debtors(case):
    return [cp.party for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).order_by("position", "id")]


def freeze(case, amount, kind="bank", party=None):
    return ControlLine(case.pk, (party or debtors(case)[0]).pk, kind, "freeze", amount)


def create(org, case, *lines, kinds=("bank", "payment_platform")):
    return batch_create(actor=org.officer, kinds=list(kinds), case_ids=[case.pk], controls=list(lines))


def refused(org, case, *lines):
    with pytest.raises(ValidationError) as e:
        create(org, case, *lines)
    return e.value.message_dict["controls"]


@pytest.mark.django_db
def test_second_batch_bounded_by_what_the_first_requests(org, make_case):
    case = make_case()  # outstanding claim 100,000.00
    create(org, case, freeze(case, "60000.00"))
    before = InquiryBatch.objects.count()
    [message] = refused(org, case, freeze(case, "40000.01", "payment_platform"))
    assert message.startswith("Line 1: Amount: ¥40,000.01 is more than can still be frozen or seized for "
                              f"{case.number}: ¥40,000.00 of ¥40,000.00 available")
    assert "outstanding claim ¥100,000.00" in message
    assert InquiryBatch.objects.count() == before  # nothing half-saved
    create(org, case, freeze(case, "40000.00", "payment_platform"))
    refused(org, case, freeze(case, "0.01"))  # the claim is now fully requested


@pytest.mark.django_db
def test_error_names_the_line_and_the_rest_left_within_the_batch(org, make_case):
    case = make_case()
    create(org, case, freeze(case, "30000.00"))
    messages = refused(org, case, freeze(case, "50000.00"), freeze(case, "20000.01", "payment_platform"))
    assert len(messages) == 1 and messages[0].startswith("Line 2: Amount: ¥20,000.01")
    assert "¥20,000.00 of ¥70,000.00 available" in messages[0]


@pytest.mark.django_db
def test_bound_is_per_case_not_per_debtor(org, make_case):
    case = make_case(parties=[
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id", id_number="11010519491231002X"),
        PartyInput(role="respondent", kind="person", name="李四", id_kind="resident_id", id_number="110105198001010016"),
        PartyInput(role="respondent", kind="person", name="王五", id_kind="resident_id", id_number="110105199002020026"),
    ])
    li, wang = debtors(case)
    refused(org, case, freeze(case, "60000.00", party=li), freeze(case, "60000.00", party=wang))
    create(org, case, freeze(case, "60000.00", party=li))
    refused(org, case, freeze(case, "40000.01", party=wang))
    create(org, case, freeze(case, "40000.00", party=wang))


@pytest.mark.django_db
def test_cancelled_batch_frees_its_amount(org, make_case):
    case = make_case()
    first = create(org, case, freeze(case, "100000.00"))
    refused(org, case, freeze(case, "0.01", "payment_platform"))
    batch_cancel(actor=org.officer, batch=first)
    create(org, case, freeze(case, "100000.00", "payment_platform"))


@pytest.mark.django_db
def test_other_cases_requests_do_not_count(org, make_case):
    case, other = make_case(), make_case()
    create(org, other, freeze(other, "100000.00"))
    create(org, case, freeze(case, "100000.00"))


@pytest.mark.django_db
def test_refused_answer_frees_the_request(org, make_case):
    case = make_case()
    batch, [req] = exported_batch(court=org.court, officer=org.officer, cases=[case], measure="freeze",
                                  amount=Decimal("100000.00"))
    refused(org, case, freeze(case, "0.01"))  # exported, unanswered: pending
    result_file_import(actor=org.officer, court=org.court, file_name="r.jsonl", stream=stream(result_bytes(batch, [
        found(req, control={"measure": "freeze", "status": "refused", "reason": "账户已冻结（轮候）"})])))
    assert InquiryRequest.objects.get(pk=req.pk).answered_at is not None
    create(org, case, freeze(case, "100000.00"))


@pytest.mark.django_db
def test_done_answer_counts_until_accepted_then_the_freeze_in_force_counts(org, make_case):
    case = make_case()
    batch, [req] = exported_batch(court=org.court, officer=org.officer, cases=[case], measure="freeze",
                                  amount=Decimal("50000.00"))
    rf = result_file_import(actor=org.officer, court=org.court, file_name="r.jsonl", stream=stream(result_bytes(
        batch, [found(req, balance="30000.00", control={"measure": "freeze", "status": "done", "amount": "30000.00",
                                                         "reference": "冻结回执001", "until": "2027-12-04"})])))
    # Answered (no longer pending at 50,000): the agency reports 30,000 frozen, not yet in the register.
    assert "¥70,000.00 of ¥70,000.00 available" in refused(org, case, freeze(case, "70000.01"))[0]
    result_row_accept(actor=org.officer, row=rf.rows.get())
    measure = ControlMeasure.objects.get(case=case)
    assert (measure.status, measure.amount) == ("active", Decimal("30000.00"))
    # In the register and in force: still counts.
    assert "¥70,000.00 of ¥70,000.00 available" in refused(org, case, freeze(case, "70000.01"))[0]
    # Past its expiry (the lapse scan has not run yet): no longer in force, the whole claim is free again.
    ControlMeasure.objects.filter(pk=measure.pk).update(effective_on=timezone.localdate() - timedelta(days=30),
                                                        expires_on=timezone.localdate() - timedelta(days=1))
    create(org, case, freeze(case, "100000.00"))


@pytest.mark.django_db
def test_released_or_queued_measures_do_not_count(org, make_case):
    case = make_case()
    batch, [req] = exported_batch(court=org.court, officer=org.officer, cases=[case], measure="freeze",
                                  amount=Decimal("50000.00"))
    rf = result_file_import(actor=org.officer, court=org.court, file_name="r.jsonl", stream=stream(result_bytes(
        batch, [found(req, control={"measure": "freeze", "status": "done", "amount": "30000.00",
                                    "reference": "R1", "until": "2027-12-04"})])))
    result_row_accept(actor=org.officer, row=rf.rows.get())
    ControlMeasure.objects.filter(case=case).update(status="queued", effective_on=None, expires_on=None)
    create(org, case, freeze(case, "100000.00"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_cannot_together_exceed_the_claim(org_committed):
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    barrier, results = threading.Barrier(4), []

    def run(i):
        try:
            barrier.wait()
            with translation.override("en"):
                create(org, case, freeze(case, "40000.00", ["bank", "payment_platform"][i % 2]))
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "ok", "refused", "refused"]
    total = sum(r.amount for r in InquiryRequest.objects.filter(case=case, measure="freeze"))
    assert total == Decimal("80000.00")
