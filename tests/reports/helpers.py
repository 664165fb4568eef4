"""Bulk case builders for the report tests: rows straight into the table (bulk_create), values chosen by the test."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from cases.models import Assignment, Case, TermPause

TZ = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


def case_row(*, court, filed_on: date, case_type: str = "执", team=None, officer=None, closed_on: date | None = None,
             mode: str = "", claimed: str = "10000.00", recovered: str = "0.00", stream: str = "simple",
             tags=(), non_litigation: bool = False, origin=None) -> Case:
    serial = next(_serial)
    closed = closed_on is not None
    return Case(
        court=court, year=filed_on.year, case_type=case_type, serial=serial,
        number=f"（{filed_on.year}）{court.code}{case_type}{serial}号", account_reference=f"T{court.pk}{serial:09d}",
        received_on=filed_on, filed_on=filed_on, non_litigation=non_litigation, basis_kind="judgment",
        basis_issuer="法院", basis_number=f"（2024）民初{serial}号", basis_effective_on=date(2024, 1, 1),
        amount_claimed=Decimal(claimed), principal=Decimal(claimed), amount_recovered=Decimal(recovered),
        stream=stream, tags=list(tags), team=team, officer=officer,
        stage="closed" if closed else "investigation", closed_on=closed_on, closure_mode=mode if closed else "",
        origin_case=origin,
    )


def bulk(rows: list[Case]) -> list[Case]:
    return Case.objects.bulk_create(rows, batch_size=1000)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def assign(case: Case, *, team, officer, on: date, hour: int = 10) -> Assignment:
    """Record a (re)assignment on ``on``: ends the open one and moves the case, as the cases service does."""
    started = at(on, hour)
    Assignment.objects.filter(case=case, ended_at__isnull=True).update(ended_at=started)
    Case.objects.filter(pk=case.pk).update(team=team, officer=officer)
    return Assignment.objects.create(case=case, team=team, officer=officer, started_at=started)


def pause(case: Case, *, start: date, end: date | None, kind: str = "suspension") -> TermPause:
    return TermPause.objects.create(case=case, kind=kind, started_on=start, ended_on=end)
