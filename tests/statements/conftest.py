from __future__ import annotations

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


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are compared in English here (the pages' tests read the Chinese ones through a request)."""
    from django.utils import translation

    with translation.override("en"):
        yield
