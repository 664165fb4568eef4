"""Two post-终本 schedule runs at the same moment make one batch (the per-court advisory lock, then the open-request
check)."""

import threading

import pytest
from django.db import connection

from inquiry.models import InquiryBatch, InquiryRequest
from inquiry.services.zhongben import post_zhongben_batch_create
from tests.inquiry.conftest import due_in, zhongben


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_make_one_batch(org_committed):
    from core.models import CourtSetting as CS

    from tests.conftest import make_case as make_case_fixture

    org = org_committed
    make_case = make_case_fixture.__wrapped__(org)
    CS.objects.create(court=org.court, key="inquiry_agency_kinds", value=["bank"])
    for _ in range(3):
        zhongben(make_case(), due_in(5))
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(post_zhongben_batch_create(court=org.court))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sum(b is not None for b in results) == 1
    assert InquiryBatch.objects.filter(purpose="post_zhongben").count() == 1
    assert InquiryRequest.objects.count() == 3
