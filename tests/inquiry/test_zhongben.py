"""After 终本: the automatic six-monthly batches (which cases, once, concurrently once), the results meeting the
终本 query deadline, and the resumption proposals (who may decide, exactly once)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Action, Case
from core.models import CourtSetting
from inquiry.models import AccessLog, InquiryBatch, InquiryRequest, PostZhongbenQuery, ResumptionProposal
from inquiry.services import resumption
from inquiry.services.zhongben import (
    current_period, period_bounds, post_zhongben_batch_create, post_zhongben_results_recorded, zhongben_due,
)
from tests.conftest import login
from tests.inquiry.conftest import answer, due_in, zhongben

pytestmark = pytest.mark.usefixtures("enable_kinds")


def _due_numbers(org, **kw):
    return {d.case.number for d in zhongben_due(court=org.court, today=timezone.localdate(), **kw)}


def test_period_arithmetic_matches_the_engine():
    closed = timezone.localdate().replace(month=8, day=31)
    assert period_bounds(closed, 1)[1] == closed.replace(year=closed.year + 1, month=2, day=28)  # clamped
    assert current_period(closed, closed + timedelta(days=1), 5) == 1
    assert current_period(closed, period_bounds(closed, 10)[1] + timedelta(days=1), 5) is None


def test_scheduler_picks_cases_due_within_the_horizon(org, make_case):
    today = timezone.localdate()
    due = zhongben(make_case(), due_in(10))
    later = zhongben(make_case(), due_in(20))
    last_period = zhongben(make_case(), due_in(5, periods=10))  # the 10th (last) query of 5 years
    expired = zhongben(make_case(), due_in(5, periods=11))  # past the 5 years
    queried = zhongben(make_case(), due_in(3))
    Action.objects.create(case=queried, kind="network_query", occurred_on=today - timedelta(days=2),
                          actor=org.officer, details={}, summary="查询")
    resumed = zhongben(make_case(), due_in(3))
    Case.objects.filter(pk=make_case().pk).update(origin_case=resumed)
    fulfilled = make_case()
    Case.objects.filter(pk=fulfilled.pk).update(stage="closed", closure_mode="fulfilled", closed_on=due_in(3))
    foreign = zhongben(make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider), due_in(3))

    assert _due_numbers(org) == {due.number, last_period.number}
    assert later.number in _due_numbers(org, horizon_days=30)
    CourtSetting.objects.create(court=org.court, key="inquiry_zhongben_horizon_days", value=25)
    assert _due_numbers(org) == {due.number, later.number, last_period.number}
    assert {d.case.number for d in zhongben_due(court=org.other_court, today=today)} == {foreign.number}
    assert expired.number not in _due_numbers(org, horizon_days=400)


def test_batch_made_once_by_the_system_and_exported(org, make_case, settings, tmp_path,
                                                     django_capture_on_commit_callbacks):
    settings.INQUIRY_OUTBOX_DIR = str(tmp_path / "outbox")
    case = zhongben(make_case(), due_in(7))
    with django_capture_on_commit_callbacks(execute=True):
        batch = post_zhongben_batch_create(court=org.court)
    assert batch.purpose == "post_zhongben" and batch.created_by is None and batch.status == "exported"
    requests = list(InquiryRequest.objects.filter(batch=batch))
    assert {r.agency_kind for r in requests} == {"bank", "real_estate", "vehicle"}
    assert {(r.case_id, r.officer_id, r.measure) for r in requests} == {(case.pk, org.officer.pk, "query")}
    assert all(r.case_number == case.number and r.officer_name for r in requests)
    assert (tmp_path / "outbox" / f"{batch.number}.zip").read_bytes() == bytes(batch.export_zip)
    logged = set(AccessLog.objects.filter(batch=batch).values_list("action", "user_id", "case_number"))
    assert logged == {("batch_created", None, case.number), ("exported", None, case.number)}
    # the second run (the task again, tomorrow) finds the request open and makes nothing
    assert post_zhongben_batch_create(court=org.court) is None
    assert post_zhongben_batch_create(court=org.court, today=timezone.localdate() + timedelta(days=1)) is None
    assert InquiryBatch.objects.filter(purpose="post_zhongben").count() == 1


def test_nothing_due_no_batch(org, make_case):
    zhongben(make_case(), due_in(60))
    assert post_zhongben_batch_create(court=org.court) is None
    assert not InquiryBatch.objects.exists()


def test_task_runs_every_court(org, make_case, settings, tmp_path):
    from inquiry.tasks import post_zhongben_batches

    settings.INQUIRY_OUTBOX_DIR = str(tmp_path / "outbox")
    zhongben(make_case(), due_in(5))
    zhongben(make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider), due_in(5))
    made = post_zhongben_batches()["batches"]
    assert set(made) == {org.court.code, org.other_court.code}
    assert post_zhongben_batches()["batches"] == {}


# --- results ----------------------------------------------------------------------------------------------------

def _batch(org, make_case, **kw):
    case = zhongben(make_case(**kw), due_in(5))
    return case, post_zhongben_batch_create(court=case.court, export=False)


def test_results_recorded_meet_the_zb_query_deadline(org, make_case):
    from deadlines import engine
    from deadlines.models import Deadline

    case, batch = _batch(org, make_case)
    engine.recompute(case_ids=[case.pk], wait=True)
    deadline = Deadline.objects.get(case=case, kind="zb_query", seq=1)
    assert deadline.met_on is None
    answered = answer(batch, user=org.chief)
    recorded = post_zhongben_results_recorded(request_ids=[r.pk for r in answered], actor=org.chief)
    assert len(recorded) == 1 and recorded[0].found == 0
    action = recorded[0].action
    assert action.kind == "network_query" and action.actor == org.officer  # the legal basis: the handling officer
    assert action.details["results"] == {**action.details["results"], "bank_deposit": "none", "vehicle": "none",
                                         "real_estate": "none"}
    assert batch.number in action.details["note"]
    engine.recompute(case_ids=[case.pk], wait=True)
    deadline.refresh_from_db()
    assert deadline.met_on == timezone.localdate() and deadline.status == "met"
    assert case.events.filter(type="action_logged").exists()  # on the timeline
    told = case.events.get(type="zhongben_result_to_tell")  # what to tell the applicant
    assert "张三" in told.summary and batch.number in told.summary
    assert not ResumptionProposal.objects.exists()  # nothing found


def test_partial_answers_wait_and_recording_happens_once(org, make_case):
    case, batch = _batch(org, make_case)
    first = answer(batch, skip_kinds=("vehicle",), found={"bank": ["5000.00"]})
    assert post_zhongben_results_recorded(request_ids=[r.request_id for r in first]) == []  # vehicles not yet
    rest = answer(batch, skip_kinds=("bank", "real_estate"))
    assert len(post_zhongben_results_recorded(request_ids=[r.pk for r in rest])) == 1
    assert post_zhongben_results_recorded(request_ids=[r.pk for r in first + rest]) == []
    assert PostZhongbenQuery.objects.count() == 1
    assert Action.objects.filter(case=case, kind="network_query").count() == 1
    proposal = ResumptionProposal.objects.get(case=case)
    assert proposal.status == "proposed" and proposal.rows.count() == 1


def test_regular_batches_ignored_and_empty_accounts_do_not_propose(org, make_case):
    case, batch = _batch(org, make_case)
    InquiryBatch.objects.filter(pk=batch.pk).update(purpose="regular")
    answered = answer(batch, found={"bank": ["0.00"]})
    assert post_zhongben_results_recorded(request_ids=[r.pk for r in answered]) == []
    InquiryBatch.objects.filter(pk=batch.pk).update(purpose="post_zhongben")
    assert len(post_zhongben_results_recorded(request_ids=[r.pk for r in answered])) == 1
    assert not ResumptionProposal.objects.exists()  # an account holding 0.00 is no reason to resume


# --- resumption proposals -----------------------------------------------------------------------------------------

@pytest.fixture
def proposal(org, make_case):
    case, batch = _batch(org, make_case)
    answered = answer(batch, found={"bank": ["12345.67"], "vehicle": [None]})
    post_zhongben_results_recorded(request_ids=[r.pk for r in answered])
    return ResumptionProposal.objects.get(case=case)


def test_officer_puts_to_chief_chief_accepts_once(org, proposal):
    with pytest.raises(PermissionDenied):
        resumption.proposal_accept(actor=org.officer, proposal=proposal)
    with pytest.raises(PermissionDenied):
        resumption.proposal_submit(actor=org.colleague, proposal=proposal)  # another team's officer
    with pytest.raises(PermissionDenied):
        resumption.proposal_submit(actor=org.clerk, proposal=proposal)
    resumption.proposal_submit(actor=org.officer, proposal=proposal, note="账户有余额，建议恢复")
    with pytest.raises(ValidationError):
        resumption.proposal_submit(actor=org.officer, proposal=proposal)  # twice
    with pytest.raises(PermissionDenied):
        resumption.proposal_accept(actor=org.other_chief, proposal=proposal)  # the sibling court's chief
    with pytest.raises(PermissionDenied):
        resumption.proposal_dismiss(actor=org.officer, proposal=proposal, reason="不恢复")  # now the chief's
    new = resumption.proposal_accept(actor=org.chief, proposal=proposal)
    assert new.case_type == "执恢" and new.origin_case_id == proposal.case_id and "执恢" in new.number
    assert resumption.proposal_accept(actor=org.chief, proposal=proposal) == new  # double accept: the same case
    assert Case.objects.filter(origin_case=proposal.case).count() == 1
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.resumed_case) == ("accepted", org.chief, new)
    with pytest.raises(ValidationError):
        resumption.proposal_dismiss(actor=org.chief, proposal=proposal, reason="x")


def test_accept_refused_when_an_open_resumed_case_exists(org, proposal):
    from cases.services.closures import case_resume

    case_resume(actor=org.chief, case=proposal.case, reason="申请执行人申请恢复执行")
    with pytest.raises(ValidationError):
        resumption.proposal_accept(actor=org.chief, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.resumed_case is None
    assert Case.objects.filter(origin_case=proposal.case).count() == 1


def test_dismiss_needs_a_reason(org, proposal):
    with pytest.raises(ValidationError) as exc:
        resumption.proposal_dismiss(actor=org.officer, proposal=proposal, reason="  ")
    assert "reason" in exc.value.message_dict
    resumption.proposal_dismiss(actor=org.officer, proposal=proposal, reason="余额系工资，已另案处理")
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.decided_by == org.officer
    assert proposal.case.events.filter(type="resumption_dismissed").exists()


def test_pages_tiles_and_refusals(client, org, proposal):
    login(client, org.officer)
    page = client.get("/inquiry/resumptions/", {"show": "officer"})
    assert page.status_code == 200 and proposal.case.number in page.content.decode()
    home = client.get("/").content.decode()
    assert 'data-tile="resumptions_officer"' in home
    assert client.get(f"/cases/{proposal.case_id}/", {"tab": "resumption"}).status_code == 200
    client.post(f"/inquiry/resumptions/{proposal.pk}/submit/", {"note": "建议恢复"})
    assert client.post(f"/inquiry/resumptions/{proposal.pk}/accept/").status_code == 403
    login(client, org.other_chief)
    assert client.post(f"/inquiry/resumptions/{proposal.pk}/accept/").status_code == 404
    login(client, org.chief)
    page = client.get("/inquiry/resumptions/", {"show": "chief"})
    assert len(page.context["proposals"]) == 1
    client.post(f"/inquiry/resumptions/{proposal.pk}/accept/")
    client.post(f"/inquiry/resumptions/{proposal.pk}/accept/")  # a double click
    assert Case.objects.filter(origin_case=proposal.case).count() == 1
    assert client.get("/inquiry/resumptions/", {"show": "chief"}).context["proposals"] == []


def test_simulator_answers_an_exported_batch_by_number(org, make_case, settings):
    """The agencies' stand-in reads the batch the system exported (by its number) and writes schema-valid results
    answering every request into the inbox."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from inquiry import schemas

    zhongben(make_case(), due_in(5))
    batch = post_zhongben_batch_create(court=org.court)
    call_command("inquiry_simulate", batch.number, "--seed", "2", stdout=StringIO())
    files = sorted(settings.INQUIRY_INBOX_DIR.iterdir())
    assert [p.name for p in files] == [f"result_{batch.number}_{k}.jsonl" for k in sorted(batch.kinds)]
    answered = set()
    for p in files:
        assert schemas.check_result_file(p.read_bytes()) == []
        answered |= {line.split('"request_id": "')[1].split('"')[0] for line in p.read_text().splitlines()[1:]}
    assert answered == set(InquiryRequest.objects.filter(batch=batch).values_list("request_id", flat=True))
    with pytest.raises(CommandError, match="no exported ZIP"):
        call_command("inquiry_simulate", batch.number, "--court", org.other_court.code, stdout=StringIO())


def test_importing_simulated_results_records_the_query_and_proposes(org, make_case, settings):
    """End to end: the schedule's batch, the agencies' stand-in answering it, the real import: the case gets its
    network query (once, even when another file of the batch comes later) and a proposal when assets were found."""
    import io

    from django.core.management import call_command

    from inquiry.services.results import result_file_import

    cases = [zhongben(make_case(), due_in(5)) for _ in range(6)]
    batch = post_zhongben_batch_create(court=org.court)
    call_command("inquiry_simulate", batch.number, "--seed", "11", stdout=io.StringIO())
    for path in sorted(settings.INQUIRY_INBOX_DIR.iterdir()):
        result_file_import(actor=org.officer, court=org.court, file_name=path.name,
                           stream=io.BytesIO(path.read_bytes()))
    recorded = PostZhongbenQuery.objects.filter(batch=batch)
    assert recorded.count() == 6
    for case in cases:
        assert Action.objects.filter(case=case, kind="network_query").count() == 1
    found = {q.case_id for q in recorded if q.found}
    proposed = set(ResumptionProposal.objects.values_list("case_id", flat=True))
    assert proposed and proposed <= found
