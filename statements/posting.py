"""Posting statement lines to the case ledger: finance's confirmation of proposed matches (one click for a batch).

A line becomes a receipt through ``assets.services.ledger.receipt_record`` (kind ``debtor_payment``, or
``bank_deduction`` when the remark says the bank deducted it; payer, reference = the bank reference, occurred on =
booked on), exactly once: the line row is locked first (then the case, by the ledger service), its status must
still be ``proposed`` (or ``claimed`` for a claim being confirmed) and it has no receipt yet; ``ledger_entry`` is a
OneToOne. A second click, or a second finance user confirming the same lines at the same time, waits on the row
lock and then finds the line posted: nothing is posted twice. The ledger's own duplicate-bank-reference check
applies too (a receipt already recorded by hand with this reference refuses the line).

A line is never posted to a closed or archived case, to a case of another court, or before the case was filed:
it is refused with a message and returns to the unidentified queue with that message as its note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, Target, require
from cases.models import OPEN_STAGES, Case

from . import rules
from .matching import MatchSummary, match_lines
from .models import Direction, LineStatus, MatchRule, Statement, StatementLine


def statement_match(*, actor, statement: Statement) -> MatchSummary:
    """Run the matcher over a statement's unmatched lines (finance's work)."""
    require(actor, Perm.FUNDS_RECORD, Target(court_id=statement.court_id))
    return match_lines(court=statement.court_id, statement=statement)


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages in exc.message_dict.values() for m in messages)
    return " ".join(exc.messages)


def lock_line(line_or_id) -> StatementLine:
    pk = getattr(line_or_id, "pk", line_or_id)
    return StatementLine.objects.select_for_update(of=("self",)).get(pk=pk)


def post_locked(*, actor, line: StatementLine, case: Case, rule: str, confidence: int):
    """Post a locked line to ``case`` as a receipt; raise ValidationError (field ``case``) if it may not be.
    Returns the ledger entry."""
    from assets.services.ledger import receipt_record

    if line.ledger_entry_id is not None or line.status == LineStatus.POSTED:
        raise ValidationError({"line": _("This line is already posted.")})
    if line.direction != Direction.CREDIT:
        raise ValidationError({"line": _("Only money received can be posted.")})
    if case.court_id != line.court_id:
        raise ValidationError({"case": _("The case belongs to another court: the money cannot be posted to it.")})
    if case.stage not in OPEN_STAGES:
        raise ValidationError({"case": _("Case %(case)s is closed: money cannot be posted to it here. Review it "
                                         "(the surplus goes back to the debtor, or the case is resumed).")
                               % {"case": case.number}})
    if line.booked_on < case.filed_on:
        raise ValidationError({"case": _("The money arrived on %(date)s, before case %(case)s was filed.")
                               % {"date": line.booked_on.isoformat(), "case": case.number}})
    entry = receipt_record(
        actor=actor, case=case, kind=rules.receipt_kind(line.remark, line.payer_name), amount=line.amount,
        occurred_on=line.booked_on, payer=line.payer_name[:200], reference=line.bank_reference,
        memo=line.remark[:300])
    StatementLine.objects.filter(pk=line.pk).update(
        status=LineStatus.POSTED, case=case, ledger_entry=entry, match_rule=rule, confidence=confidence,
        posted_by=actor, posted_at=timezone.now(), waiting_since=None, note="")
    return entry


@dataclass
class ConfirmResult:
    posted: list[int] = field(default_factory=list)  # line ids
    refused: dict[int, str] = field(default_factory=dict)  # line id: why (the line went back to the queue)
    skipped: int = 0  # already posted or no longer proposed (a second click)
    over_collected: dict[int, Decimal] = field(default_factory=dict)  # case id: amount over-collected
    total: Decimal = Decimal("0.00")


def line_confirm(*, actor, line_id: int, result: ConfirmResult | None = None) -> ConfirmResult:
    """Post one proposed line to its proposed case, in its own transaction."""
    result = result if result is not None else ConfirmResult()
    try:
        with transaction.atomic():
            line = lock_line(line_id)
            require(actor, Perm.FUNDS_RECORD, Target(court_id=line.court_id))
            if line.status != LineStatus.PROPOSED or line.case_id is None:
                result.skipped += 1
                return result
            case = Case.objects.get(pk=line.case_id)
            require(actor, Perm.FUNDS_RECORD, case)
            post_locked(actor=actor, line=line, case=case, rule=line.match_rule, confidence=line.confidence)
            result.posted.append(line.pk)
            result.total += line.amount
            touched = line.case_id
    except ValidationError as exc:
        message = _messages(exc)
        with transaction.atomic():
            # Back to the unidentified queue, saying why (only if still proposed: a concurrent post wins).
            StatementLine.objects.filter(pk=line_id, status=LineStatus.PROPOSED).update(
                status=LineStatus.UNMATCHED, case=None, match_rule="", confidence=0, note=message[:300],
                waiting_since=timezone.localdate())
        result.refused[line_id] = message
        return result
    from assets.over_collection import over_collected

    result.over_collected.update(over_collected([touched]))
    return result


def lines_confirm(*, actor, court_id: int, line_ids: list[int] | None = None, statement: Statement | None = None,
                  min_confidence: int | None = None) -> ConfirmResult:
    """Finance's one click: post the ticked proposed lines (``line_ids``), or every proposed line of ``statement``
    with at least the court's ``statement_auto_confidence``. Each line posts in its own transaction, in id order
    (the lock order); a refused line goes back to the queue and the others still post."""
    from core import court_settings

    require(actor, Perm.FUNDS_RECORD, Target(court_id=court_id))
    qs = StatementLine.objects.filter(court_id=court_id, status=LineStatus.PROPOSED)
    if line_ids is not None:
        qs = qs.filter(pk__in=line_ids)
    elif statement is not None:
        if statement.court_id != court_id:
            raise PermissionDenied(_("You do not have permission to do this."))
        threshold = min_confidence if min_confidence is not None else court_settings.get(
            court_id, "statement_auto_confidence")
        qs = qs.filter(statement=statement, confidence__gte=threshold)
    else:
        raise ValidationError({"line_ids": _("Tick the lines to post.")})
    result = ConfirmResult()
    for line_id in qs.order_by("pk").values_list("pk", flat=True):
        line_confirm(actor=actor, line_id=line_id, result=result)
    return result


@transaction.atomic
def line_ignore(*, actor, line: StatementLine, reason: str) -> StatementLine:
    """Finance sets a line aside (not case money: a refund of the court's own, a test transfer); reason required."""
    from core.text import clean_text

    reason = clean_text(reason, field="reason", max_length=300, required=True)
    line = lock_line(line)
    require(actor, Perm.FUNDS_RECORD, line)
    if line.status not in (LineStatus.UNMATCHED, LineStatus.PROPOSED):
        raise ValidationError({"line": _("Only an unidentified or proposed line can be set aside.")})
    StatementLine.objects.filter(pk=line.pk).update(status=LineStatus.IGNORED, case=None, match_rule=MatchRule.MANUAL,
                                                    confidence=0, note=reason, waiting_since=None)
    line.refresh_from_db()
    return line
