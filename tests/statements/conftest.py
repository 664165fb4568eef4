from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "data" / "statements"
HEADER = "交易日期,贷方发生额,借方发生额,对方户名,对方账号,摘要,流水号\n"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode("utf-8")


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    """The samples are of March 2026: "today" is after them."""
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 20))


# --- Statement lines for the matching, posting and claim tests (built directly: the import has its own tests) ------
_seq = count(1)


@pytest.fixture
def make_line(org):
    from statements.models import Statement, StatementLine

    statements = {}

    def _make(*, court=None, amount="1000.00", booked_on=date(2026, 12, 1), direction="credit", payer_name="",
              remark="", sub_account="", reference=None, **kw):
        court = court or org.court
        if court.pk not in statements:
            n = next(_seq)
            statements[court.pk] = Statement.objects.create(
                court=court, account_number="2705020109000012345", bank="中国工商银行", format="csv",
                file_name=f"s{n}.csv", sha256=f"{n:064d}", imported_by=org.finance)
        statement = statements[court.pk]
        return StatementLine.objects.create(
            court=court, statement=statement, account_number=statement.account_number,
            bank_reference=reference or f"BR{next(_seq):08d}", booked_on=booked_on, amount=Decimal(amount),
            direction=direction, payer_name=payer_name, remark=remark, sub_account=sub_account, **kw)

    _make.statement = lambda court=None: statements[(court or org.court).pk]
    return _make


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are compared in English here (the pages' tests read the Chinese ones through a request)."""
    from django.utils import translation

    with translation.override("en"):
        yield
