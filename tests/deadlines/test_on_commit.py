"""Deadlines follow the case on commit (deadlines.on_commit): a freeze, a seizure, a lead, a payout or a closure
leaves the case's Deadline rows as the engine computes them right after the service returns, with no scan run."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from assets.services import asset_register, control_order, payout_approve, payout_execute, payout_prepare, \
    receipt_record
from cases.models import Lead
from cases.services.closures import closure_approve, closure_request
from cases.services.leads import lead_handle, lead_register
from deadlines import engine, on_commit
from deadlines.models import Deadline

COMPARED = ("source_type", "source_id", "kind", "seq", "due_on", "status", "met_on", "responsible_id")


def _rows(case) -> set:
    return set(Deadline.objects.filter(case_id=case.pk).exclude(status="cancelled").values_list(*COMPARED))


def _computed(case) -> set:
    return {tuple(r[c] for c in COMPARED) for r in engine.preview(case_id=case.pk)}


def _listed_here() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM deadlines_dirtycase WHERE pid = pg_backend_pid()")
        return cursor.fetchone()[0]


def assert_up_to_date(case):
    assert _rows(case) == _computed(case)
    assert _listed_here() == 0  # taken off the list: the scan need not recompute the case again


@pytest.fixture
def case(org_committed, make_case_committed):
    today = timezone.localdate()
    return make_case_committed(received_on=today - timedelta(days=9), filed_on=today - timedelta(days=8),
                               basis_effective_on=today - timedelta(days=200), basis_due_on=today - timedelta(days=100))


def _asset(org, case, kind="bank_deposit", description="工商银行账户6222****1234"):
    owner = case.case_parties.get(role="respondent")
    return asset_register(actor=org.officer, case=case, owner=owner, kind=kind, description=description,
                          source="network_query", bank_name="工商银行", account_number="62220000001234",
                          certificate_number="甘(2020)麦积区不动产权第0001234号", plate_number="甘E12345",
                          estimated_value=Decimal("80000.00"), location="天水市")


def _one(case, kind):
    return Deadline.objects.get(case_id=case.pk, kind=kind)


TX = pytest.mark.django_db(transaction=True)


@TX
def test_registration_gives_the_case_its_deadlines_at_once(case):
    assert {"filing", "notice", "term"} <= {d.kind for d in Deadline.objects.filter(case_id=case.pk)}
    assert_up_to_date(case)


@TX
def test_freeze(org_committed, case):
    org = org_committed
    today = timezone.localdate()
    control = control_order(actor=org.officer, asset=_asset(org, case), kind="freeze", ordered_on=today,
                            ruling_number="（2026）甘0503执1号之一", assisting_body="工商银行天水分行")
    d = Deadline.objects.get(source_type="control", source_id=control.pk, kind="control_expiry")
    assert d.due_on == control.expires_on and d.status == "open"
    assert_up_to_date(case)


@TX
def test_seizure(org_committed, case):
    org = org_committed
    today = timezone.localdate()
    house = _asset(org, case, kind="real_estate", description="麦积区桥南路1号住宅")
    control = control_order(actor=org.officer, asset=house, kind="seizure", ordered_on=today,
                            ruling_number="（2026）甘0503执1号之二", assisting_body="麦积区不动产登记中心")
    assert Deadline.objects.get(source_type="control", source_id=control.pk, kind="reference_price").status == "open"
    assert Deadline.objects.get(source_type="control", source_id=control.pk, kind="control_expiry").due_on \
        == control.expires_on
    assert_up_to_date(case)


@TX
def test_lead_registered_then_verified(org_committed, case):
    org = org_committed
    lead = lead_register(actor=org.officer, case=case, description="申请人称被执行人有车辆")
    d = Deadline.objects.get(source_type="lead", source_id=lead.pk)
    assert d.status == "open"
    assert_up_to_date(case)
    lead_handle(actor=org.officer, lead=Lead.objects.get(pk=lead.pk), result="已核实：车辆在被执行人名下")
    d.refresh_from_db()
    assert d.status == "met" and d.met_on == timezone.localdate()
    assert_up_to_date(case)


@TX
def test_receipt_then_payout(org_committed, case):
    org = org_committed
    today = timezone.localdate()
    entry = receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("12000.00"),
                           occurred_on=today - timedelta(days=2), payer="天水示例建材有限公司")
    d = Deadline.objects.get(source_type="ledger_entry", source_id=entry.pk, kind="payout")
    assert d.status == "open"
    applicant = case.case_parties.get(role="applicant")
    payout = payout_prepare(actor=org.officer, case=case, payee=applicant, amount=Decimal("12000.00"),
                            payee_account_name=applicant.party.name, payee_bank="中国建设银行天水分行",
                            payee_account_number="6217000000000000001")
    payout_approve(actor=org.finance, payout=payout)
    payout_execute(actor=org.finance, payout=payout)
    d.refresh_from_db()
    assert d.status == "met" and d.met_on == today
    assert_up_to_date(case)


@TX
def test_closure(org_committed, case):
    org = org_committed
    assert _one(case, "term").status == "open" and _one(case, "notice").status in ("open", "overdue")
    request = closure_request(actor=org.officer, case=case, mode="terminated", ground="applicant_withdrew",
                              reason="申请执行人撤回执行申请")
    closure_approve(actor=org.chief, request=request)
    assert _one(case, "term").status != "open" and _one(case, "notice").status not in ("open", "overdue")
    assert _one(case, "archive").status == "open"  # archive within 3 months of closing
    assert_up_to_date(case)


@TX
def test_rolled_back_write_recomputes_nothing_and_lists_nothing(org_committed, case):
    org = org_committed
    before = _rows(case)
    with pytest.raises(RuntimeError), transaction.atomic():
        lead_register(actor=org.officer, case=case, description="撤销的线索")
        raise RuntimeError
    assert _rows(case) == before and _listed_here() == 0


@TX
def test_a_running_scan_leaves_the_case_listed_for_it(org_committed, case, settings):
    """The engine's lock is held (a scan): the recompute after commit gives up quickly, the case stays listed."""
    import threading

    settings.DEADLINES_ON_COMMIT_LOCK_TIMEOUT_MS = 50
    org = org_committed
    held, release = threading.Event(), threading.Event()

    def scan_holding_the_lock():
        from django.db import connection as conn
        try:
            with transaction.atomic(), conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [engine.RECOMPUTE_LOCK])
                held.set()
                release.wait(10)
        finally:
            conn.close()

    thread = threading.Thread(target=scan_holding_the_lock)
    thread.start()
    try:
        assert held.wait(10)
        lead = lead_register(actor=org.officer, case=case, description="扫描期间登记的线索")
        assert not Deadline.objects.filter(source_type="lead", source_id=lead.pk).exists()
        assert _listed_here() >= 1
    finally:
        release.set()
        thread.join()
    # the next commit on this connection (or the scan) catches up
    lead_register(actor=org.officer, case=case, description="另一条线索")
    assert Deadline.objects.filter(source_type="lead", source_id=lead.pk, status="open").exists()
    assert_up_to_date(case)


def test_the_tracked_tables_are_those_with_the_triggers():
    with connection.cursor() as cursor:
        cursor.execute("""SELECT DISTINCT event_object_table FROM information_schema.triggers
                          WHERE trigger_name LIKE 'deadlines_dirty_%'""")
        assert {r[0] for r in cursor.fetchall()} == on_commit.TRACKED_TABLES


@pytest.mark.parametrize("sql, tracked", [
    ('INSERT INTO "cases_lead" ("case_id") VALUES (%s) RETURNING "cases_lead"."id"', True),
    ('UPDATE "assets_controlmeasure" SET "status" = %s WHERE "id" = %s', True),
    ('DELETE FROM "cases_termpause" WHERE "id" IN (%s)', True),
    ("WITH x AS (SELECT 1) UPDATE assets_ledgerentry SET paid_out_on = NULL", True),
    ('SELECT "cases_case"."id" FROM "cases_case" WHERE "id" = %s FOR UPDATE OF "cases_case"', False),
    ('UPDATE "django_session" SET "expire_date" = %s', False),
    ('INSERT INTO "cases_caseevent" ("case_id") VALUES (%s)', False),
    ("UPDATE deadlines_deadline d SET status = 'overdue'", False),
])
def test_which_statements_schedule_a_recompute(sql, tracked):
    assert on_commit.writes_tracked(sql) is tracked


def test_a_connection_opened_inside_another_wrappers_context_keeps_ours(db):
    """pghistory.context (around every request) pushes its execute wrapper and pops the last one on exit: a
    connection opened inside it must not have ours popped instead of theirs (theirs then fails on every query)."""
    def theirs(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    ours = [w for w in connection.execute_wrappers if isinstance(w, on_commit._Wrapper)]
    assert len(ours) == 1
    connection.execute_wrappers.remove(ours[0])
    try:
        with connection.execute_wrapper(theirs):
            on_commit._on_connection_created(None, connection)  # the connection is (re)opened in the context
        assert theirs not in connection.execute_wrappers
        assert sum(isinstance(w, on_commit._Wrapper) for w in connection.execute_wrappers) == 1
    finally:
        connection.execute_wrappers[:] = [w for w in connection.execute_wrappers
                                          if not isinstance(w, on_commit._Wrapper)] + ours


def test_a_write_schedules_one_recompute_per_transaction_unless_suspended(org, make_case):
    from django.utils import timezone as tz

    case = make_case()

    def scheduled():
        return sum(func is on_commit._after_commit for _, func, _ in connection.run_on_commit)

    connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not on_commit._after_commit]
    with on_commit.suspended():
        Lead.objects.create(case=case, received_at=tz.now(), description="批量", due_at=tz.now())
    assert scheduled() == 0
    Lead.objects.create(case=case, received_at=tz.now(), description="一", due_at=tz.now())
    Lead.objects.create(case=case, received_at=tz.now(), description="二", due_at=tz.now())
    assert scheduled() == 1
