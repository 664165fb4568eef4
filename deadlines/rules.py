"""The deadline rules as data: the defaults (domain.md §2.1, §3, §5), overridden per court by ``DeadlineRule`` rows.

A rule says how far from its start date a deadline lies (``months`` then ``days``, calendar or working days), whether
a calendar-day deadline falling on a rest day moves to the next working day (CPL art 85), and the warning thresholds
(days before the deadline at which the responsible officer is reminded). What each deadline counts from, and what
meets it, is in ``deadlines.engine``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import DeadlineKind as K


@dataclass(frozen=True)
class RuleSpec:
    kind: str
    days: int = 0
    months: int = 0
    working_days: bool = False
    roll: bool = True  # a calendar-day deadline on a rest day moves to the next working day (CPL art 85)
    warn_days: tuple[int, ...] = ()
    source: str = ""  # the legal source, for the admin and the docs


RULES: dict[str, RuleSpec] = {r.kind: r for r in [
    RuleSpec(K.FILING, days=7, warn_days=(2,), source="EXEC-98 art 16; TERM-2000 art 6"),
    RuleSpec(K.NOTICE, days=10, warn_days=(3, 1), source="CPL-I art 480; INVEST art 3"),
    # Months default to the cases app's court settings term_months / term_months_non_litigation (6 / 3).
    RuleSpec(K.TERM, months=6, warn_days=(30, 10, 3), source="TERM-2000 arts 5, 9; EXEC-98 art 63"),
    RuleSpec(K.OBJECTION, days=15, warn_days=(5, 2), source="CPL art 236; EXEC-PROC art 5"),
    RuleSpec(K.RECONSIDERATION, days=30, warn_days=(7, 2), source="EXEC-PROC art 8"),
    RuleSpec(K.LEAD, days=7, warn_days=(2,), source="INVEST art 2"),
    RuleSpec(K.LEAD_URGENT, days=3, warn_days=(1,), source="INVEST art 2"),
    RuleSpec(K.CONTROL_EXPIRY, roll=False, warn_days=(30, 7), source="CPL-I art 485; SEIZE art 27"),
    # Counted back from the expiry: the applicant must apply at least 7 days before it (PRES art 18).
    RuleSpec(K.PRESERVATION_RENEWAL, days=7, roll=False, warn_days=(30, 7), source="PRES art 18"),
    RuleSpec(K.REFERENCE_PRICE, days=30, warn_days=(7,), source="REFPRICE art 1"),
    RuleSpec(K.REAUCTION, days=30, warn_days=(7,), source="NETAUC art 26"),
    RuleSpec(K.PAYOUT, days=30, warn_days=(10, 3), source="法发〔2017〕6号 as quoted by KUAN-DL (UNCONFIRMED)"),
    RuleSpec(K.ZB_QUERY, months=6, warn_days=(30, 7), source="终本规定 art 9 (ZB-9)"),
    RuleSpec(K.DISHONEST_TERM, days=3, working_days=True, warn_days=(7,), source="BAD-2017 art 2; BAD-DEL"),
    RuleSpec(K.DISHONEST_REMOVAL, days=3, working_days=True, warn_days=(1,), source="BAD-DEL"),
    RuleSpec(K.RESTRICTION_REVIEW, months=12, warn_days=(30,), source="XGXF-2010 (no maximum; UNCONFIRMED)"),
    RuleSpec(K.RESTRICTION_LIFT, days=3, working_days=True, warn_days=(1,), source="XGXF-2010 art 9"),
    RuleSpec(K.ARCHIVE, days=60, warn_days=(10,), source="NODE-JN (practice; UNCONFIRMED)"),
    RuleSpec(K.INSTALMENT, roll=False, warn_days=(3,), source="SETTLE"),
    RuleSpec(K.PETITION, roll=False, warn_days=(3, 1), source="court practice"),
    # Issue 21-23. Counted from the event each engine source names (docs/domain.md).
    RuleSpec(K.PORTAL_QUESTION, days=5, working_days=True, warn_days=(1,), source="court practice (configurable)"),
    RuleSpec(K.CREDIT_CORRECTION_REVIEW, days=15, warn_days=(5, 2), source="BAD-2017b art 12"),
    RuleSpec(K.CREDIT_CORRECTION_FIX, days=3, working_days=True, warn_days=(1,), source="BAD-2017b art 12"),
    RuleSpec(K.OBJECTION_FILING, days=3, warn_days=(1,), source="OBJ art 2"),
    RuleSpec(K.RECONSIDERATION_WINDOW, days=10, warn_days=(), source="CPL art 236"),
    RuleSpec(K.RECONSIDERATION_FILE_UP, days=5, warn_days=(2,), source="EXEC-PROC art 7"),
    RuleSpec(K.OBJECTION_SUIT_WINDOW, days=15, warn_days=(), source="CPL art 238"),
    RuleSpec(K.DELEGATION_START, days=15, warn_days=(5, 2), source="CPL art 240"),
    RuleSpec(K.DELEGATION_REPORT, days=30, warn_days=(7, 2), source="CPL art 240"),
    RuleSpec(K.SUPERVISION_REPLY, days=10, warn_days=(3, 1), source="court practice (set per order)"),
    RuleSpec(K.RECEPTION_FOLLOWUP, days=15, warn_days=(3,), source="court practice (set per visit)"),
    RuleSpec(K.CREDIT_APPLICATION_REVIEW, days=15, warn_days=(5, 2), source="BAD-2017 art 5 (15 days UNCONFIRMED)"),
]}

assert set(RULES) == set(K.values), "every deadline kind needs a default rule"
