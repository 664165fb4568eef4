"""Helpers for the post-终本 tests: 终本 cases closed on a given day, answered post-终本 batches."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cases.models import Case


def zhongben(case, closed_on: date):
    """Mark ``case`` closed by 终本 on ``closed_on`` (received and filed before it)."""
    received = min(case.received_on, closed_on - timedelta(days=60))
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="terminated_round", closed_on=closed_on,
                                           received_on=received, filed_on=received + timedelta(days=1))
    case.refresh_from_db()
    return case


def due_in(days: int, *, periods: int = 1) -> date:
    """The closure day whose ``periods``-th six-monthly query falls due ``days`` from today."""
    return timezone.localdate() + timedelta(days=days) - relativedelta(months=6 * periods)


def answer(batch, *, found: dict | None = None, user=None, skip_kinds=()):
    """Results for every request of ``batch`` (except ``skip_kinds``), as an import would store them: ``found`` maps
    an agency kind to its found rows' balances ("none" rows otherwise). Returns the requests answered."""
    from inquiry.models import InquiryRequest, ResultFile, ResultRow

    found = found or {}
    now = timezone.now()
    answered = []
    for kind in batch.kinds:
        if kind in skip_kinds:
            continue
        requests = list(InquiryRequest.objects.filter(batch=batch, agency_kind=kind).order_by("seq"))
        rf = ResultFile.objects.create(court=batch.court, batch=batch, file_name=f"r_{batch.number}_{kind}.jsonl",
                                       sha256=f"{batch.pk:08d}{kind:0>20}".ljust(64, "0")[:64], agency_kind=kind,
                                       imported_by=user or batch.court.staff.first(), row_count=len(requests))
        line = 1
        for r in requests:
            balances = found.get(kind) or []
            for balance in balances or [None]:
                line += 1
                ResultRow.objects.create(
                    result_file=rf, request=r, line_no=line, status="found" if balances else "none",
                    asset_kind={"bank": "bank_deposit", "vehicle": "vehicle"}.get(kind, "real_estate")
                    if balances else "", institution="中国工商银行天水分行" if balances else "",
                    account=f"6222{line:012d}" if balances else "",
                    balance=None if balance is None else Decimal(balance), as_of=timezone.localdate())
            answered.append(r)
        InquiryRequest.objects.filter(pk__in=[r.pk for r in requests]).update(answered_at=now)
    return answered


@pytest.fixture
def enable_kinds(org):
    """The demo's courts ask banks, vehicles and real estate only (three requests per debtor)."""
    from core.models import CourtSetting

    for court in (org.court, org.other_court):
        CourtSetting.objects.update_or_create(court=court, key="inquiry_agency_kinds",
                                              defaults={"value": ["bank", "real_estate", "vehicle"]})


@pytest.fixture(autouse=True)
def _inquiry_dirs(settings, tmp_path):
    settings.INQUIRY_OUTBOX_DIR = tmp_path / "outbox"
    settings.INQUIRY_INBOX_DIR = tmp_path / "inbox"


def close_zhongben(case, on):
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="terminated_round", closed_on=on)
    case.refresh_from_db()
    return case


def close_fulfilled(case, on):
    Case.objects.filter(pk=case.pk).update(stage="closed", closure_mode="fulfilled", closed_on=on)
    case.refresh_from_db()
    return case
