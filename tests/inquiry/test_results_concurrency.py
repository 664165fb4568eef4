"""Parallel clicks and parallel imports: one asset per row, one import per file (committed rows, several connections)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from assets.models import Asset, ControlMeasure
from inquiry.exchange_in import ResultFileRefused
from inquiry.models import ResultFile, ResultRow
from inquiry.services.accept import result_row_accept, result_rows_accept
from inquiry.services.results import result_file_import

from .results_helpers import exported_batch, found, result_bytes, stream

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_accepts_of_one_row_register_one_asset(org_committed):
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    batch, reqs = exported_batch(court=org.court, officer=org.officer, cases=[case], measure="freeze",
                                 amount="5000.00")
    rf = result_file_import(actor=org.officer, court=org.court, file_name="b", stream=stream(result_bytes(batch, [
        found(reqs[0], control={"measure": "freeze", "status": "done", "amount": "5000.00", "reference": "R1"})])))
    row = rf.rows.get()

    def accept(i):
        try:
            if i % 2:
                return result_row_accept(actor=org.officer, row=row).pk
            result_rows_accept(actor=org.officer, rows=ResultRow.objects.filter(pk=row.pk))
            return "all"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(accept, range(12)))
    assert Asset.objects.filter(case=case).count() == 1
    assert ControlMeasure.objects.filter(case=case).count() == 1
    assert ResultRow.objects.get(pk=row.pk).accepted_asset == Asset.objects.get(case=case)


def test_parallel_imports_of_one_file_store_it_once(org_committed):
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)()
    batch, reqs = exported_batch(court=org.court, officer=org.officer, cases=[case])
    data = result_bytes(batch, [found(reqs[0])])

    def run(i):
        try:
            result_file_import(actor=org.officer, court=org.court, file_name=f"b{i}", stream=stream(data))
            return "ok"
        except ResultFileRefused as exc:
            assert "already imported" in str(exc.errors[0]) or "已于" in str(exc.errors[0]), exc.errors
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(8)))
    assert results.count("ok") == 1 and ResultFile.objects.count() == 1 and ResultRow.objects.count() == 1
