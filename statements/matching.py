"""Matching statement lines to cases, set-based: a handful of SQL statements whatever the number of lines.

``match_lines(court=..., line_ids=...)`` reads the unmatched credit lines in one query, extracts in Python (pure
functions of ``statements.rules``) the references, case numbers and names each carries, looks all of them up at
once (one query per kind, a join on ``unnest(array)``: one probe of a unique or court-prefixed index per
value; ``= ANY(array)`` with thousands of values made PostgreSQL 15 scan a million cases comparing each with every
value), decides each line with
``rules.decide`` and writes every result back in one ``UPDATE ... FROM unnest(...)``. The rules, their confidence
and their order are in ``statements/rules.py`` and docs/statements.md.

The lines are not locked: the final ``UPDATE`` only touches lines still ``unmatched``, so a line claimed or set
aside meanwhile keeps its state. A line found for a case of another court, a closed case with nothing due, or for several cases at once stays
unmatched (the unidentified queue) with a note saying why; it is never posted by the matcher.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import OPEN_STAGES

from . import rules
from .models import LineStatus, Statement, StatementStatus

_OPEN = [str(s) for s in OPEN_STAGES]
_OPEN_SET = frozenset(_OPEN)


def note_text(code: str) -> str:
    """The note stored on an unmatched line (in the court's language: it is shown to every user as is)."""
    with translation.override("zh-hans"):
        return {
            rules.NOTE_OTHER_COURT: _("A case of another court"),
            rules.NOTE_CLOSED_CASE: _("The case is closed: nothing may be posted to it without review"),
            rules.NOTE_AMBIGUOUS: _("Several cases fit: choose by claim"),
        }.get(code, "")


@dataclass
class MatchSummary:
    lines: int = 0
    by_rule: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unmatched: int = 0
    other_court: int = 0


_ZERO = Decimal("0.00")


def _case_fact(row) -> rules.CaseFacts:
    """One case's facts from a row starting (id, court_id, stage, outstanding)."""
    pk, court_id, stage, outstanding = row[:4]
    return rules.CaseFacts(pk, court_id, stage in _OPEN_SET, max(outstanding, _ZERO))


def _with(facts: rules.CaseFacts, **changes) -> rules.CaseFacts:
    return rules.CaseFacts(**{**facts.__dict__, **changes})


@transaction.atomic
def match_lines(*, court, line_ids: list[int] | None = None, statement: Statement | None = None,
                today: date | None = None) -> MatchSummary:
    """Match the unmatched credit lines among ``line_ids`` (or of ``statement``) of ``court``; lines already
    proposed, claimed or posted are left alone. Returns the counts per rule."""
    court_id = getattr(court, "pk", court)
    today = today or timezone.localdate()
    summary = MatchSummary()
    with connection.cursor() as cur:
        source, params = "statements_statementline l", []
        if line_ids is not None:
            source = "unnest(%s::bigint[]) AS k(id) JOIN statements_statementline l ON l.id = k.id"
            params.append(list(line_ids))
        where = "l.court_id = %s AND l.direction = 'credit' AND l.status = 'unmatched'"
        params.append(court_id)
        if statement is not None:
            where += " AND l.statement_id = %s"
            params.append(statement.pk)
        cur.execute("SELECT l.id, l.amount, l.booked_on, l.sub_account, l.remark, l.payer_name, l.account_number "
                    f"FROM {source} WHERE {where} ORDER BY l.id", params)
        lines = cur.fetchall()
        summary.lines = len(lines)
        if not lines:
            return summary
        facts: dict[int, rules.LineFacts] = {}
        refs, numbers = set(), set()
        for pk, amount, booked_on, sub_account, remark, payer, account in lines:
            f = rules.LineFacts(amount, booked_on, tuple(rules.line_references(sub_account, remark, account)),
                                tuple(rules.extract_case_numbers(remark)), tuple(rules.name_candidates(payer, remark)))
            facts[pk] = f
            refs.update(f.references)
            numbers.update(f.case_numbers)
        case_cols = "c.id, c.court_id, c.stage, c.amount_claimed - c.amount_recovered"
        # Equality lookups must probe the btree indexes: the trigram GIN indexes on case numbers and party names
        # also answer "=", and with thousands of values PostgreSQL 15 picked them (each probe reading every row
        # sharing the trigrams of "（2026）甘0503执": minutes). GIN is only ever read by bitmap scans.
        # The same for hash and merge joins (see the names below): every lookup is one index probe per value.
        cur.execute("SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_hashjoin', 'off', true), "
                    "set_config('enable_mergejoin', 'off', true)")
        by_reference: dict[str, rules.CaseFacts] = {}
        if refs:
            cur.execute(f"SELECT {case_cols}, c.account_reference FROM unnest(%s::varchar[]) AS r(v) "
                        "JOIN cases_case c ON c.account_reference = r.v", [list(refs)])
            for row in cur.fetchall():
                by_reference[row[4]] = _case_fact(row)
        by_number: dict[str, rules.CaseFacts] = {}
        if numbers:
            cur.execute(f"SELECT {case_cols}, c.number FROM unnest(%s::varchar[]) AS n(v) "
                        "JOIN cases_case c ON c.number = n.v", [list(numbers)])
            for row in cur.fetchall():
                by_number[row[4]] = _case_fact(row)
            ours = [c.id for c in by_number.values() if c.court_id == court_id]
            if ours:  # the debtors' names, for the +5 of rule 2
                debtors: dict[int, set[str]] = defaultdict(set)
                cur.execute("SELECT cp.case_id, p.name FROM unnest(%s::bigint[]) AS k(id) "
                            "JOIN cases_caseparty cp ON cp.case_id = k.id JOIN cases_party p ON p.id = cp.party_id "
                            "WHERE cp.role = 'respondent'", [ours])
                for case_id, name in cur.fetchall():
                    debtors[case_id].add(rules.normalize_name(name))
                by_number = {n: _with(c, debtor_names=frozenset(debtors.get(c.id, ()))) for n, c in by_number.items()}
        # Names are looked up only for the lines rules 1 and 2 leave open (most lines carry a reference or number).
        # A line rule 1 or 2 decides (a match or a note) never reaches rule 3, so its decision is kept as is.
        settled = rules.Candidates(by_reference, by_number, {})
        decisions: dict[int, rules.Decision] = {}
        names: set[str] = set()
        for pk, f in facts.items():
            d = rules.decide(f, settled, court_id=court_id)
            if f.names and not d.matched and not d.note:
                names.update(f.names)
            else:
                decisions[pk] = d
        by_name: dict[str, list[rules.CaseFacts]] = defaultdict(list)
        if names:
            # The court's open cases whose respondent bears one of the names (party search table: court + name).
            # (a join on unnest, so each name is one probe of party_search_court_prefix, whatever their number;
            # with tens of thousands of names PostgreSQL 15 preferred hashing all 2,000,000 rows of a million cases:
            # 2.6 s warm, 7 s cold, against 1.3 s for the probes, hence no hash or merge join here)
            cur.execute(f"SELECT {case_cols}, ps.name FROM unnest(%s::varchar[]) AS n(name) "
                        "JOIN cases_partysearch ps ON ps.court_id = %s AND ps.name = n.name "
                        "JOIN cases_caseparty cp ON cp.id = ps.case_party_id JOIN cases_case c ON c.id = ps.case_id "
                        "WHERE cp.role = 'respondent' AND c.stage = ANY(%s)", [list(names), court_id, _OPEN])
            seen = set()
            for row in cur.fetchall():
                key = (rules.normalize_name(row[4]), row[0])
                if key not in seen:
                    seen.add(key)
                    by_name[key[0]].append(_case_fact(row))
            shared = sorted({c.id for cases in by_name.values() if len(cases) > 1 for c in cases})
            if shared:  # rule 4: the unpaid instalments of these cases' active settlements
                due: dict[int, list] = defaultdict(list)
                cur.execute("SELECT s.case_id, i.due_on, i.amount - i.paid_amount FROM unnest(%s::bigint[]) AS k(id) "
                            "JOIN cases_settlement s ON s.case_id = k.id AND s.status = 'active' "
                            "JOIN cases_settlementinstalment i ON i.settlement_id = s.id "
                            "WHERE i.paid_amount < i.amount", [shared])
                for case_id, due_on, amount in cur.fetchall():
                    due[case_id].append((due_on, amount))
                for name, cases in by_name.items():
                    by_name[name] = [_with(c, instalments=tuple(due.get(c.id, ()))) for c in cases]
        cur.execute("SELECT set_config('enable_bitmapscan', 'on', true), set_config('enable_hashjoin', 'on', true), "
                    "set_config('enable_mergejoin', 'on', true)")
        candidates = rules.Candidates(by_reference, by_number, by_name)
        ids, statuses, cases, rule_names, confidences, notes = [], [], [], [], [], []
        note_texts = {code: note_text(code) for code in (rules.NOTE_OTHER_COURT, rules.NOTE_CLOSED_CASE,
                                                         rules.NOTE_AMBIGUOUS, rules.NOTE_NOTHING)}
        for pk, f in facts.items():
            decision = decisions.get(pk) or rules.decide(f, candidates, court_id=court_id)
            ids.append(pk)
            cases.append(decision.case_id)
            rule_names.append(decision.rule)
            confidences.append(decision.confidence)
            notes.append(note_texts[decision.note])
            if decision.matched:
                statuses.append(LineStatus.PROPOSED.value)
                summary.by_rule[decision.rule] += 1
            else:
                statuses.append(LineStatus.UNMATCHED.value)
                summary.unmatched += 1
                summary.other_court += decision.note == rules.NOTE_OTHER_COURT
        cur.execute(
            "UPDATE statements_statementline l SET status = v.status, case_id = v.case_id, match_rule = v.rule, "
            "confidence = v.confidence, note = v.note, "
            "waiting_since = CASE WHEN v.status = 'unmatched' THEN COALESCE(l.waiting_since, %s) END "
            "FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[], %s::varchar[], %s::smallint[], %s::varchar[]) "
            "AS v(id, status, case_id, rule, confidence, note) WHERE l.id = v.id AND l.status = 'unmatched'",
            [today, ids, statuses, cases, rule_names, confidences, notes])
    if statement is not None:
        Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.MATCHED)
    return summary
