"""Demo data for the statements app: one imported statement of the court's fund account from the last ten days, matched
by the real matcher; the reference matches posted by finance through the ledger service (so the posted lines ARE the
ledger's receipts), the case-number and name matches left for finance to confirm, unidentified money (some of it
waiting longer than the escalation limit) and one claim by the case's officer awaiting finance.

Deterministic (random.Random(seed)), idempotent (nothing happens if the demo statement exists). Runs after
assets.demo; nothing is dated before its case was filed or in the future.
"""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from cases.models import OPEN_STAGES, Case, CaseParty, PartyRole

from .models import LineStatus, Statement, StatementLine

FILE_NAME = "工行执行款专户流水-演示.csv"
UNKNOWN_PAYERS = ["天水宏达商贸有限公司", "李秀兰", "甘肃陇原物流有限公司", "王建军", "天水市秦州区某某五金店"]


def seed(org, *, seed: int, cases: int) -> str:
    from .claims import claim_create
    from .matching import match_lines
    from .posting import lines_confirm

    court = org.court
    if Statement.objects.filter(court=court, file_name=FILE_NAME).exists():
        return ""
    rng = random.Random(seed + 20)
    today = timezone.localdate()
    finance = org.staff["finance1"]
    candidates = list(
        Case.objects.filter(court=court, stage__in=OPEN_STAGES, filed_on__lte=today - timedelta(days=20),
                            officer__isnull=False, amount_claimed__gt=F("amount_recovered") + 20000)
        .order_by("id")[:400])
    if len(candidates) < 12:
        return ""
    picked = rng.sample(candidates, 12)
    debtor = dict(CaseParty.objects.filter(case__in=picked, role=PartyRole.RESPONDENT, position=1)
                  .values_list("case_id", "party__name"))
    rows = []  # (booked_on, amount, payer, remark, sub_account)

    def day() -> object:
        return today - timedelta(days=rng.randint(1, 10))

    for case in picked[:6]:  # paid to the case's own reference (子账号): posted
        rows.append((day(), Decimal(rng.randint(10, 150) * 100), debtor.get(case.pk, ""), "还款",
                     case.account_reference))
    for case in picked[6:9]:  # the case number in the remark: proposed, left for finance
        number = case.number.replace("（", "(").replace("）", ")") if rng.random() < 0.5 else case.number
        rows.append((day(), Decimal(rng.randint(5, 80) * 100), debtor.get(case.pk, ""), f"{number}执行款", ""))
    for payer in UNKNOWN_PAYERS:  # nobody can tell whose money it is
        rows.append((today - timedelta(days=rng.randint(1, 10)), Decimal(rng.randint(3, 60) * 100), payer,
                     rng.choice(["货款", "还款", "转账", ""]), ""))
    content = "\n".join(f"{r[0]}|{r[1]}|{r[2]}|{r[3]}|{r[4]}" for r in rows)
    dates = [r[0] for r in rows]
    statement = Statement.objects.create(
        court=court, account_number=court.fund_account_number or "2705020109000012345",
        bank=court.fund_account_bank or "中国工商银行", format="csv", file_name=FILE_NAME,
        sha256=hashlib.sha256(content.encode()).hexdigest(), size=len(content.encode()), period_from=min(dates),
        period_to=max(dates), imported_by=finance, line_count=len(rows), new_line_count=len(rows),
        credit_count=len(rows), credit_total=sum((r[1] for r in rows), Decimal("0.00")))
    lines = StatementLine.objects.bulk_create([StatementLine(
        court=court, statement=statement, row=i + 2, account_number=statement.account_number,
        bank_reference=f"ICBC{today:%Y%m%d}{i + 1:04d}", booked_on=booked, amount=amount, direction="credit",
        payer_name=payer[:200], remark=remark, sub_account=sub, waiting_since=booked)
        for i, (booked, amount, payer, remark, sub) in enumerate(sorted(rows, key=lambda r: r[0]))])
    match_lines(court=court, line_ids=[line.pk for line in lines])
    confident = list(StatementLine.objects.filter(statement=statement, status=LineStatus.PROPOSED,
                                                  match_rule="reference").values_list("pk", flat=True))
    result = lines_confirm(actor=finance, court_id=court.pk, line_ids=confident)
    unidentified = (StatementLine.objects.filter(statement=statement, status=LineStatus.UNMATCHED)
                    .order_by("booked_on", "id").first())
    claimed = 0
    if unidentified is not None:
        case = picked[-1]
        claim_create(actor=case.officer, line=unidentified, case=case,
                     reason="被执行人亲属来电称代为付款，已核对付款凭证")
        claimed = 1
    proposed = StatementLine.objects.filter(statement=statement, status=LineStatus.PROPOSED).count()
    waiting = StatementLine.objects.filter(statement=statement, status=LineStatus.UNMATCHED).count()
    return (f"1 statement, {len(rows)} lines: {len(result.posted)} posted, {proposed} proposed, {waiting} "
            f"unidentified, {claimed} claim pending")
