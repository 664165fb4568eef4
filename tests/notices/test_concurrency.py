"""Numbering under concurrency: parallel issues of one document type in one court (real transactions, one database
connection per thread) never share or skip a register serial."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import PartyRole
from cases.services import PartyInput, case_register
from notices import services
from notices.models import DocumentSequence, IssuedDocument

from .conftest import TEST_NOTICE

N = 8


def _register_cases(org, n):
    cases = []
    for i in range(n):
        cases.append(case_register(
            actor=org.clerk, court=org.court, team=org.team, officer=org.officer, case_type="执",
            received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4), basis_kind="judgment",
            basis_issuer="天水市麦积区人民法院", basis_number=f"（2025）甘0503民初{100 + i}号",
            basis_effective_on=date(2025, 12, 1), principal=Decimal("1000.00"),
            parties=[PartyInput(role="applicant", kind="person", name="张三"),
                     PartyInput(role="respondent", kind="person", name=f"李{'一二三四五六七八九十'[i % 10]}")]))
    return cases


def _run_threads(target, args_list):
    barrier = threading.Barrier(len(args_list))
    errors: list[BaseException] = []
    results: list = [None] * len(args_list)

    def worker(index, args):
        try:
            barrier.wait()
            results[index] = target(*args)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_parallel_issues_take_serials_without_gaps_or_duplicates(org_committed, test_types):
    org = org_committed
    cases = _register_cases(org, N)
    keys = [f"party:{c.case_parties.get(role=PartyRole.RESPONDENT).pk}" for c in cases]
    today = timezone.localdate()
    timings = []

    def issue(case, key):
        doc = services.document_issue(user=org.clerk, case=case, doc_type=TEST_NOTICE, addressee_key=key,
                                      issue_date=today)
        timings.append((services.LAST_TIMING.issue_ms, services.LAST_TIMING.lock_ms))
        return doc.pk

    results, errors = _run_threads(issue, list(zip(cases, keys)))
    assert not errors, errors
    serials = sorted(IssuedDocument.objects.filter(doc_type=TEST_NOTICE, year=today.year)
                     .values_list("serial", flat=True))
    assert serials == list(range(1, N + 1))
    assert DocumentSequence.objects.get(court=org.court, year=today.year, doc_type=TEST_NOTICE).last_serial == N
    assert len(set(results)) == N
    # the serial's row lock is held for the inserts only, not for the rendering: a small share of each issue
    issue_ms = sorted(total for total, _lock in timings)
    lock_ms = sorted(lock for _total, lock in timings)
    print(f"issue ms {issue_ms}; serial lock ms {lock_ms}")
    # a structural check, not a speed target: the window runs from obtaining the serial's lock (the wait for it is
    # not holding it) to COMMIT, and is well under 1 % of an issue here (held through the whole rendering it would
    # be ~100 %; it once took in the after-commit callbacks too, 34-50 % under a loaded CI), so the bound is a tenth
    assert lock_ms[N // 2] < issue_ms[N // 2] / 10


@pytest.mark.django_db(transaction=True)
def test_parallel_identical_issues_give_one_document(org_committed, test_types):
    org = org_committed
    (case,) = _register_cases(org, 1)
    key = f"party:{case.case_parties.get(role=PartyRole.RESPONDENT).pk}"
    results, errors = _run_threads(
        lambda: services.document_issue(user=org.clerk, case=case, doc_type=TEST_NOTICE, addressee_key=key).pk,
        [()] * 4)
    assert not errors, errors
    assert len(set(results)) == 1 and IssuedDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_issues_with_the_serial_printed_in_the_number(org_committed, test_types):
    from core.models import CourtSetting

    org = org_committed
    CourtSetting.objects.create(court=org.court, key="document_number_format", value="（{year}）{court_code}执通{serial}号")
    cases = _register_cases(org, 4)
    keys = [f"party:{c.case_parties.get(role=PartyRole.RESPONDENT).pk}" for c in cases]
    results, errors = _run_threads(
        lambda case, key: services.document_issue(user=org.clerk, case=case, doc_type=TEST_NOTICE,
                                                  addressee_key=key).pk, list(zip(cases, keys)))
    assert not errors, errors
    year = timezone.localdate().year
    rows = list(IssuedDocument.objects.filter(pk__in=results).values_list("serial", "number"))
    assert sorted(serial for serial, _n in rows) == [1, 2, 3, 4]
    assert all(number == f"（{year}）甘0503执通{serial}号" for serial, number in rows)
