"""The met dates that were correlated subqueries (终本 queries, restriction reviews, re-auctions) and are now
aggregated once per scan; and the scan's computation, which must stay parallel-safe over its unlogged staging tables.

Each met date is checked against the old rule written out by hand: the first action of the kind in the period
(start, end], the period's own bounds (exclusive start, inclusive end), equal dates, several periods, none in a
period; for the re-auction the earliest notice of any later round, whatever its number. A full scan (unlogged
staging tables) and a single case's recompute (temporary ones) must leave the same rows.
"""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from assets.models import AuctionRound, Disposal
from assets.services import asset_register
from cases.models import Action, Case, CaseParty
from deadlines import engine
from deadlines.models import Deadline

TODAY = date(2027, 3, 10)


def _met(kind: str, source_type: str, source_id: int) -> dict[int, date | None]:
    rows = Deadline.objects.filter(kind=kind, source_type=source_type, source_id=source_id)
    return {d.seq: d.met_on for d in rows}


def _act(org, case, kind: str, on: date) -> None:
    Action.objects.create(case=case, kind=kind, occurred_on=on, actor=org.officer)


def _zb(case, closed_on: date) -> None:
    Case.objects.filter(pk=case.pk).update(stage="closed", closed_on=closed_on, closure_mode="terminated_round")


def _case(make_case, filed_on: date):
    return make_case(received_on=filed_on, filed_on=filed_on, basis_effective_on=date(2024, 12, 1),
                     basis_due_on=date(2024, 12, 20))


def _rows() -> list[tuple]:
    # (a single case's recompute also computes the filing deadline of cases filed long ago; a scan does not)
    return sorted(Deadline.objects.exclude(kind="filing").values_list("source_type", "source_id", "kind", "seq",
                                                                      "due_on", "status", "met_on"))


def _both_ways(case_ids: list[int], check) -> None:
    """The full scan, then each case recomputed on its own from an empty table: the same rows both times."""
    engine.recompute(today=TODAY, full=True)
    check()
    rows = _rows()
    Deadline.objects.all().delete()
    for case_id in case_ids:
        engine.recompute(today=TODAY, case_ids=[case_id])
    check()
    assert _rows() == rows


def test_zhongben_period_is_met_by_its_first_query_within_its_own_bounds(org, make_case):
    a = _case(make_case, date(2025, 1, 6))
    b = _case(make_case, date(2025, 1, 6))
    _zb(a, date(2025, 8, 31))  # periods end 2026-02-28, 2026-08-31, 2027-02-28, 2027-08-31 (month ends clamped)
    _zb(b, date(2026, 1, 15))  # periods end 2026-07-15, 2027-01-15, 2027-07-15
    _act(org, a, "network_query", date(2025, 8, 31))  # the closing day itself: in no period
    _act(org, a, "network_query", date(2026, 2, 28))  # the last day of period 1, twice (equal dates)
    _act(org, a, "network_query", date(2026, 2, 28))
    _act(org, a, "network_query", date(2026, 5, 20))  # period 2: the earlier of two, whatever the order logged
    _act(org, a, "network_query", date(2026, 3, 1))
    _act(org, a, "notice_served", date(2026, 10, 1))  # another kind: period 3 stays unmet
    _act(org, b, "network_query", date(2026, 9, 1))  # b's period 2; inside a's period 3, which it must not meet

    def check():
        assert _met("zb_query", "case", a.pk) == {1: date(2026, 2, 28), 2: date(2026, 3, 1), 3: None, 4: None}
        assert _met("zb_query", "case", b.pk) == {1: None, 2: date(2026, 9, 1), 3: None}

    _both_ways([a.pk, b.pk], check)
    assert Deadline.objects.get(kind="zb_query", source_id=a.pk, seq=1).status == "met"
    assert Deadline.objects.get(kind="zb_query", source_id=a.pk, seq=3).status == "overdue"


def test_restriction_review_period_is_met_per_party_by_the_cases_first_restriction_in_it(org, make_case):
    case = _case(make_case, date(2025, 1, 6))
    p1 = case.case_parties.get(role="respondent")
    p2 = case.case_parties.get(role="applicant")
    # 12-month periods: p1 (2025-01-31, 2026-01-31], (.., 2027-01-31], (.., 2028-01-31]; p2 (2025-06-30, 2026-06-30],
    # (.., 2027-06-30]
    CaseParty.objects.filter(pk=p1.pk).update(restricted_on=date(2025, 1, 31))
    CaseParty.objects.filter(pk=p2.pk).update(restricted_on=date(2025, 6, 30))
    _act(org, case, "consumption_restriction", date(2027, 1, 31))  # p1's period 2 (its last day), p2's period 2
    _act(org, case, "consumption_restriction", date(2026, 2, 1))  # p1's period 2, twice
    _act(org, case, "consumption_restriction", date(2026, 2, 1))
    _act(org, case, "consumption_restriction", date(2026, 1, 31))  # p1's period 1 (its last day), p2's period 1
    _act(org, case, "network_query", date(2027, 2, 15))  # another kind: p1's period 3 stays unmet

    def check():
        assert _met("restriction_review", "case_party", p1.pk) == {1: date(2026, 1, 31), 2: date(2026, 2, 1), 3: None}
        assert _met("restriction_review", "case_party", p2.pk) == {1: date(2026, 1, 31), 2: date(2027, 1, 31)}

    _both_ways([case.pk], check)


def test_reauction_is_met_by_the_earliest_notice_of_any_later_round(org, make_case):
    case = _case(make_case, date(2026, 1, 6))
    owner = case.case_parties.get(role="respondent")

    def disposal(n: int, status: str, later: list[tuple[int, date]], first_result: str = "failed") -> AuctionRound:
        asset = asset_register(actor=org.officer, case=case, owner=owner, kind="real_estate",
                               description=f"麦积区桥南路{n}号", source="network_query",
                               certificate_number=f"甘(2020)麦积区不动产权第000{n}号", estimated_value=Decimal("80000.00"),
                               location="天水市")
        d = Disposal.objects.create(asset=asset, case=case, court=org.court, team=org.team, status=status,
                                    reference_method="auction", reference_requested_on=date(2026, 2, 1))
        first = AuctionRound.objects.create(disposal=d, round_no=1, notice_on=date(2026, 2, 10),
                                            auction_on=date(2026, 2, 28), result=first_result,
                                            ended_on=date(2027, 3, 1), opening_price=Decimal("50000"))
        for round_no, notice_on in later:
            AuctionRound.objects.create(disposal=d, round_no=round_no, notice_on=notice_on,
                                        auction_on=date(2027, 4, 20), opening_price=Decimal("40000"))
        return first

    none_later = disposal(1, "auction", [])
    two_later = disposal(2, "auction", [(2, date(2027, 3, 20)), (3, date(2027, 3, 15))])
    ended_none_later = disposal(3, "sold", [])
    ended_one_later = disposal(4, "withdrawn", [(2, date(2027, 3, 5))])
    sold_first = disposal(5, "auction", [], first_result="sold")

    def check():
        assert _met("reauction", "auction_round", none_later.pk) == {0: None}
        assert _met("reauction", "auction_round", two_later.pk) == {0: date(2027, 3, 15)}
        assert _met("reauction", "auction_round", ended_none_later.pk) == {}
        assert _met("reauction", "auction_round", ended_one_later.pk) == {0: date(2027, 3, 5)}
        assert _met("reauction", "auction_round", sold_first.pk) == {}
        assert Deadline.objects.filter(kind="reauction").count() == 3

    _both_ways([case.pk], check)


def test_scan_computation_is_parallel_safe_and_leaves_no_staging_tables(org, make_case):
    case = make_case()
    _zb(_case(make_case, date(2025, 1, 6)), date(2025, 8, 31))
    engine.recompute(today=TODAY)
    assert Deadline.objects.filter(case=case).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relname LIKE '\\_dl\\_%%' AND n.nspname NOT LIKE 'pg\\_temp%%'")
        assert cursor.fetchone()[0] == 0  # the scan dropped its unlogged tables
    with transaction.atomic(), connection.cursor() as cursor:
        run = engine._Runner(cursor, unlogged=True)
        engine._setup_rules(run)
        run("CREATE TEMP TABLE _dl_ids (id bigint PRIMARY KEY) ON COMMIT DROP")
        engine._setup_cases(run, today=TODAY, ids=False)
        prep, select, params = engine._computation(today=TODAY, filing_all=False)
        for name, sql in prep:
            run(f"{run.table(name)} AS {sql}", params)
        # A Gather on top of the whole plan, forced, appears only if every part of it may run in a worker: no
        # correlated subquery (parallel-restricted) and no temporary table. (Whether the planner then chooses one
        # Parallel Append is a matter of costs, seen on the benchmark's database: docs/benchmarks.md.)
        mode = "debug_parallel_query" if connection.pg_version >= 160000 else "force_parallel_mode"
        run(f"SET LOCAL {mode} = on")
        run("SET LOCAL parallel_setup_cost = 1e9")  # no partial plans of its own: only the forced Gather
        plan = [row[0] for row in run("EXPLAIN " + select, params).fetchall()]
        assert plan[0].startswith("Gather") and "Single Copy: true" in "\n".join(plan)
        assert not any("SubPlan" in line for line in plan)
        transaction.set_rollback(True)
