"""Benchmark: importing a bank statement of 50,000 lines (a busy court's quarter), in the database
enf_bench_statements_import.

Measures, for a GBK CSV in 建设银行's layout and for the same lines as xlsx:

* parsing alone (``statements.parsers.parse_statement``), against a baseline of ``csv.reader`` over the decoded text
  (the least any CSV import does) — the ratio is the cost of strict Decimal/date/text checks per cell;
* the import (``statement_import``: parse, validate, look up stored references, insert) of a new file;
* the same file again (recognised by its SHA-256: nothing parsed);
* an overlapping file (half its lines already stored);
* the insert alone, the same parsed lines written by the ORM's ``bulk_create`` (the import's former path) and by
  ``COPY`` (its path now), each in a transaction rolled back, alternated twice: the ratio is the figure to read;
* the matcher (``match_new_lines``, run by the import after it commits) on its own.

    .venv/bin/python bench/statements_import.py [--lines 50000] [--no-xlsx]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_bench_statements_import"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.pop("REDIS_URL", None)
ACCOUNT = "2705020109000012345"
HEADER = ("账号,交易时间,借方发生额（支取）,贷方发生额（收入）,余额,币种,对方户名,对方账号,对方开户机构,记账日期,摘要,备注,"
          "账户明细编号-交易流水号")


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def statement_csv(start: int, n: int) -> bytes:
    first = date(2026, 1, 1)
    rows = [f"账号:{ACCOUNT}", "账户名称:天水市麦积区人民法院执行款专户", HEADER]
    for i in range(start, start + n):
        day = first + timedelta(days=i // 600)
        cents = 10_000 + (i * 7919) % 9_000_000
        amount = f"{cents // 100:,}.{cents % 100:02d}"
        debit, credit = ("", f'"{amount}"') if i % 10 else (f'"{amount}"', "")
        rows.append(f"{ACCOUNT},{day} 10:{i % 60:02d}:00,{debit},{credit},,人民币,付款人{i % 5000},"
                    f"62220202{i:011d},中国建设银行天水分行,{day:%Y%m%d},跨行转入,（2026）甘0503执{i % 9000 + 1}号 案款,"
                    f"CCB{i:012d}")
    return ("\r\n".join(rows) + "\r\n").encode("gb18030")


def as_xlsx(data: bytes) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in csv.reader(io.StringIO(data.decode("gb18030"))):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def insert_alone(court, lines) -> None:
    """The lines' insert by bulk_create and by COPY, alternated, each rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from statements.models import Direction, LineStatus, Statement, StatementLine
    from statements.services import _copy_lines

    class Rollback(Exception):
        pass

    def run(how: str) -> float:
        try:
            with transaction.atomic():
                statement = Statement.objects.create(court=court, account_number=ACCOUNT, format="csv",
                                                     file_name="x.csv", sha256="0" * 64, size=1)
                t = time.perf_counter()
                if how == "copy":
                    _copy_lines(statement, court, ACCOUNT, lines, today=timezone.localdate())
                else:
                    StatementLine.objects.bulk_create([StatementLine(
                        court=court, statement=statement, row=x.row, account_number=ACCOUNT,
                        bank_reference=x.bank_reference, booked_on=x.booked_on, value_on=x.value_on, amount=x.amount,
                        direction=x.direction, currency="CNY", balance=x.balance, payer_name=x.payer_name,
                        payer_account=x.payer_account, payer_bank=x.payer_bank, remark=x.remark,
                        sub_account=x.sub_account,
                        status=LineStatus.UNMATCHED if x.direction == Direction.CREDIT else LineStatus.IGNORED,
                        waiting_since=timezone.localdate() if x.direction == Direction.CREDIT else None,
                    ) for x in lines], batch_size=2000)
                took = time.perf_counter() - t
                raise Rollback
        except Rollback:
            return took

    times = {"orm": [], "copy": []}
    for how in ("orm", "copy", "orm", "copy"):
        times[how].append(run(how))
    orm, copy = min(times["orm"]), min(times["copy"])
    print(f"insert alone ({len(lines)} lines, best of 2, load {os.getloadavg()[0]:.2f}): bulk_create {orm:.2f} s, "
          f"COPY {copy:.2f} s ({orm / copy:.1f}x faster)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--no-xlsx", action="store_true")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accounts.models import Court, CourtLevel, Role, User
    from statements.models import Statement, StatementLine
    from statements.parsers import parse_statement
    from statements.services import statement_import

    court, _ = Court.objects.get_or_create(code="甘0503", defaults=dict(
        name="天水市麦积区人民法院", level=CourtLevel.BASIC, fund_account_number=ACCOUNT,
        fund_account_bank="中国建设银行天水分行"))
    finance = User.objects.filter(username="bench-finance").first() or User.objects.create_user(
        username="bench-finance", court=court, roles=[Role.FINANCE], full_name="赵红梅")
    StatementLine.objects.filter(court=court).delete()
    Statement.objects.filter(court=court).delete()
    timezone.localdate = lambda *a, **k: date(2026, 12, 31)  # the generated lines run into the autumn

    n = args.lines
    data = statement_csv(0, n)
    overlap = statement_csv(n // 2, n)
    print(f"{n} lines, CSV {len(data) / 1e6:.1f} MB; load average before {os.getloadavg()[0]:.2f}")
    base, _ = timed(lambda: sum(1 for _ in csv.reader(io.StringIO(data.decode("gb18030")))))
    parse, parsed = timed(lambda: parse_statement("s.csv", data))
    assert not parsed.errors and len(parsed.lines) == n
    print(f"csv.reader baseline {base:.2f} s; parse_statement {parse:.2f} s ({parse / base:.1f}x the baseline, "
          f"{parse / n * 1e6:.0f} us a line)")
    insert_alone(court, parsed.lines)
    import statements.services as services

    matched = []
    real_match = services.match_new_lines

    def match_timed(**kwargs):
        took, summary = timed(lambda: real_match(**kwargs))
        matched.append(took)
        return summary

    services.match_new_lines = match_timed
    first, result = timed(lambda: statement_import(actor=finance, court=court, file_name="q1.csv", data=data))
    services.match_new_lines = real_match
    assert result.new_lines == n
    print(f"import new file: {first:.2f} s ({first / n * 1e6:.0f} us a line, parse {parse / first:.0%} of it, "
          f"the matcher {sum(matched):.2f} s of it)")
    again, result = timed(lambda: statement_import(actor=finance, court=court, file_name="q1.csv", data=data))
    assert not result.created
    print(f"same file again: {again * 1000:.1f} ms (recognised by SHA-256)")
    over, result = timed(lambda: statement_import(actor=finance, court=court, file_name="q2.csv", data=overlap))
    assert result.new_lines == n // 2 + n % 2 and result.known_lines == n // 2
    print(f"overlapping file (half known): {over:.2f} s")
    if not args.no_xlsx:
        xlsx = as_xlsx(data)
        px, parsed = timed(lambda: parse_statement("s.xlsx", xlsx))
        assert not parsed.errors and len(parsed.lines) == n
        print(f"xlsx {len(xlsx) / 1e6:.1f} MB: parse {px:.2f} s ({px / parse:.1f}x the CSV)")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
