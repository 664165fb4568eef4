"""The demo court tells a consistent story: nothing happens to a case before it is filed or in the future, closures
come after the work, payouts after the money came in, a believable share of the open deadlines is overdue (not most),
and the badges agree with their pages because seeding ends with a deadline scan."""

from __future__ import annotations

from django.core.management import call_command
from django.db.models import F, Max, Min
from django.utils import timezone

from accounts.models import User
from assets.models import ControlMeasure, ControlRenewal, Disposal, EntryKind, Handover, LedgerEntry, Payout
from cases.models import Action, Case, ClosureRequest, Lead, Petition
from deadlines.models import Deadline, DeadlineStatus, Notification, ScanRun

RECEIPTS = [EntryKind.DEBTOR_PAYMENT, EntryKind.BANK_DEDUCTION, EntryKind.AUCTION_PROCEEDS, EntryKind.FIELD_COLLECTION]


def test_the_demo_court_tells_a_consistent_story(db, client):
    """One seeding (the slow part) for all the checks below."""
    call_command("seed_demo", "--cases", "400", "--seed", "20240101", verbosity=0)
    today = timezone.localdate()
    _nothing_happens_before_filing_or_in_the_future(today)
    _closures_come_after_the_work(today)
    _payouts_come_after_the_money_they_pay(today)
    _a_believable_share_of_the_open_deadlines_is_overdue(today)
    assert Notification.objects.filter(read_at__isnull=True).exists()  # the reminders the scan made due
    for username in ("officer1", "chief"):
        _badges_match_their_pages(client, today, username)
    _every_suspension_was_approved()
    _bases_read_as_issued()
    _inquiries_were_answered_and_one_resumption_waits(today)
    _credit_listings_tell_their_story(today)
    _objections_come_while_the_case_is_open_and_on_their_dates(today)


def _objections_come_while_the_case_is_open_and_on_their_dates(today):
    """Objections (review.demo): each received after its enforcement case was filed and not after its closure, and
    each step's timeline event stands on the step's own date (not on the day the demo was seeded)."""
    from cases.models import CaseEvent
    from review.models import Objection

    objections = list(Objection.objects.select_related("enforcement_case"))
    assert len(objections) >= 3
    for o in objections:
        case = o.enforcement_case
        assert case.filed_on <= o.received_on <= today, o
        assert case.closed_on is None or o.received_on <= case.closed_on, (o, case.closed_on)
        events = CaseEvent.objects.filter(case=case, parameters__objection_id=o.pk)
        assert events.exists()
        for event in events:
            on = timezone.localtime(event.at).date()
            assert o.received_on <= on <= today, (event.type, on, o.received_on)
        ruled = events.filter(type="objection_ruled").first()
        if ruled is not None:
            assert timezone.localtime(ruled.at).date() == o.ruled_on


def _inquiries_were_answered_and_one_resumption_waits(today):
    """Network inquiries (inquiry.demo): officers' batches answered, some found assets accepted into the register and
    some waiting; the post-终本 batch put its query on each case (after the closure) and proposed resuming one case,
    which its officer put to the chief; nothing before its case was filed or in the future."""
    from inquiry.models import InquiryBatch, InquiryRequest, PostZhongbenQuery, ResultRow, ResumptionProposal

    now = timezone.now()
    assert InquiryBatch.objects.filter(purpose="regular", status="answered").exists()
    assert InquiryBatch.objects.filter(purpose="regular", status="partly_answered").exists()
    found = ResultRow.objects.filter(status="found")
    assert found.filter(accepted_asset__isnull=False).exists() and found.filter(accepted_asset__isnull=True).exists()
    assert not InquiryBatch.objects.filter(created_at__gt=now).exists()
    assert not InquiryRequest.objects.filter(batch__created_at__date__lt=F("case__filed_on")).exists()
    post = InquiryBatch.objects.get(purpose="post_zhongben")
    assert post.created_by is None and post.status == "answered"
    queries = PostZhongbenQuery.objects.filter(batch=post).select_related("action", "case")
    assert queries.exists()
    for q in queries:
        assert q.case.closure_mode == "terminated_round"
        assert q.case.closed_on < q.action.occurred_on <= today
    assert ResumptionProposal.objects.filter(batch=post, status="submitted").count() == 1


def _credit_listings_tell_their_story(today):
    """失信/限消 (credit.demo): listings published and some removed, a restriction, a proposal and a correction
    waiting; every step between the case's filing and today, in order."""
    from credit.models import CorrectionRequest, CreditMeasure

    measures = CreditMeasure.objects.select_related("case")
    assert measures.filter(status="published").exists() and measures.filter(status="removed").exists()
    assert measures.filter(kind="restriction", status="served").exists()
    assert measures.filter(status="proposed").exists()
    assert CorrectionRequest.objects.filter(status="pending").exists()
    for m in measures.exclude(decided_on__isnull=True):
        steps = [m.decided_on, m.served_on, m.published_on, m.removal_arose_on, m.removed_on]
        steps = [d for d in steps if d is not None]
        assert m.case.filed_on <= steps[0] and steps == sorted(steps) and steps[-1] <= today, (m.pk, steps)


def _bases_read_as_issued():
    """An instrument carries its issuer's number: the intermediate court's code 甘05, an arbitral award the
    commission's 仲字 number."""
    bases = list(Case.objects.values_list("basis_issuer", "basis_kind", "basis_number"))
    assert bases
    for issuer, kind, number in bases:
        assert (kind == "arbitral_award") == ("仲裁" in issuer) == ("仲字" in number), (issuer, kind, number)
        if issuer == "天水市中级人民法院":
            assert "甘05民" in number, (issuer, number)


def _every_suspension_was_approved():
    """中止 only on the chief's approval of a request, with its term pause (cases.services.suspensions)."""
    from cases.models import Stage, SuspensionRequest

    suspended = Case.objects.filter(stage=Stage.SUSPENDED)
    assert suspended.exists()
    approved = SuspensionRequest.objects.filter(status="approved", pause__isnull=False, decided_by__isnull=False,
                                                requested_at__lt=F("decided_at"))
    assert set(suspended.values_list("pk", flat=True)) <= set(approved.values_list("case_id", flat=True))


def _nothing_happens_before_filing_or_in_the_future(today):
    now = timezone.now()
    assert Case.objects.exists()
    assert not Case.objects.filter(filed_on__lt=F("received_on")).exists()
    assert not Case.objects.filter(closed_on__lt=F("filed_on")).exists()
    assert not Case.objects.filter(archived_on__gt=today).exists()

    entries = LedgerEntry.objects.select_related("case")
    receipts = entries.filter(kind__in=RECEIPTS)
    assert receipts.exists()
    early = receipts.filter(occurred_on__lt=F("case__filed_on"))
    assert not early.exists(), [(e.case.number, e.case.filed_on, e.occurred_on) for e in early[:5]]
    assert not entries.filter(occurred_on__gt=today).exists()
    assert not entries.filter(recorded_at__gt=now).exists()
    assert not receipts.filter(case__closed_on__isnull=False, occurred_on__gt=F("case__closed_on")).exists()

    assert not Action.objects.filter(occurred_on__gt=today).exists()
    assert not Action.objects.filter(occurred_on__lt=F("case__filed_on")).exists()
    assert not Action.objects.filter(created_at__gt=now).exists()
    assert not Lead.objects.filter(received_at__date__lt=F("case__filed_on")).exists()
    assert not Lead.objects.filter(handled_at__gt=now).exists()
    assert not Petition.objects.filter(received_on__gt=today).exists()
    assert not Petition.objects.filter(answered_on__gt=today).exists()

    # Measures ordered in the enforcement case (not carried over from the trial's preservation) come after filing.
    controls = ControlMeasure.objects.filter(preservation=False)
    assert controls.exists()
    assert not controls.filter(ordered_on__lt=F("case__filed_on")).exists()
    assert not ControlMeasure.objects.filter(ordered_on__gt=today).exists()
    assert not ControlMeasure.objects.filter(effective_on__gt=today).exists()
    assert not ControlRenewal.objects.filter(renewed_on__gt=today).exists()
    assert not Disposal.objects.filter(reference_requested_on__lt=F("case__filed_on")).exists()
    assert not Disposal.objects.filter(reference_requested_on__gt=today).exists()
    assert not Handover.objects.filter(requested_at__gt=now).exists()
    assert not Handover.objects.filter(decided_at__gt=now).exists()


def _closures_come_after_the_work(today):
    approved = ClosureRequest.objects.filter(status="approved").select_related("case")
    assert approved.exists()
    for request in approved:
        case = request.case
        assert request.requested_at <= request.decided_at, case.number
        assert request.decided_at.date() <= today
        last = (Action.objects.filter(case=case).exclude(kind="network_query", occurred_on__gt=case.closed_on)
                .aggregate(last=Max("occurred_on"))["last"])
        # The only work after closure is the six-monthly asset query of a 终本 case (ZB-9).
        assert last is None or last <= timezone.localtime(request.requested_at).date(), (case.number, last)
    after = Action.objects.filter(case__closed_on__isnull=False, occurred_on__gt=F("case__closed_on"))
    assert not after.exclude(kind="network_query", case__closure_mode="terminated_round").exists()


def _payouts_come_after_the_money_they_pay(today):
    now = timezone.now()
    payouts = Payout.objects.all()
    assert payouts.filter(status="executed").exists()
    first = dict(LedgerEntry.objects.filter(kind__in=RECEIPTS).values("case_id").annotate(on=Min("occurred_on"))
                 .values_list("case_id", "on"))
    for p in payouts:
        assert p.case_id in first, p.case_id  # nothing is paid out of an account that received nothing
        assert timezone.localtime(p.prepared_at).date() >= first[p.case_id]
        assert p.prepared_at <= now
        if p.approved_at:
            assert p.prepared_at <= p.approved_at <= now
        if p.executed_at:
            assert p.approved_at <= p.executed_at <= now
    for d in LedgerEntry.objects.filter(kind=EntryKind.DISBURSEMENT).select_related("payout"):
        assert d.occurred_on >= first[d.case_id]
        assert d.occurred_on == timezone.localtime(d.payout.executed_at).date()
    for e in LedgerEntry.objects.filter(paid_out_on__isnull=False):
        assert e.occurred_on <= e.paid_out_on <= today


def _a_believable_share_of_the_open_deadlines_is_overdue(today):
    unresolved = Deadline.objects.filter(status__in=[DeadlineStatus.OPEN, DeadlineStatus.OVERDUE])
    overdue = unresolved.filter(status=DeadlineStatus.OVERDUE).count()
    share = overdue / unresolved.count()
    assert 0.05 <= share <= 0.15, f"{overdue} of {unresolved.count()} open deadlines overdue ({share:.0%})"
    # The statuses are as of today: the scan at the end of seeding ran.
    assert not Deadline.objects.filter(status=DeadlineStatus.OPEN, due_on__lt=today).exists()
    assert not Deadline.objects.filter(status=DeadlineStatus.OVERDUE, due_on__gte=today).exists()
    assert ScanRun.objects.filter(trigger="demo", as_of=today).exists()
    # Nothing lapsed unnoticed: a measure in force has not passed its expiry.
    assert not ControlMeasure.objects.filter(status="active", expires_on__lt=today).exists()


def _badges_match_their_pages(client, today, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    unread = client.get("/deadlines/notifications/?unread=1")
    assert unread.status_code == 200
    badge = unread.context["unread_notifications"]
    assert badge == unread.context["page"].paginator.count
    if badge:
        assert f'id="unread-count">{badge}<' in unread.content.decode()
    if username == "officer1":
        mine = client.get("/deadlines/").context
        overdue_listed = sum(1 for it in mine["items"] if it.deadline.status == DeadlineStatus.OVERDUE)
        overdue = Deadline.objects.filter(responsible=user, status=DeadlineStatus.OVERDUE)
        assert mine["page"].paginator.count >= overdue.count()
        # The list is most urgent first: the overdue ones are the first rows, all of them before the others.
        assert overdue_listed == min(overdue.count(), len(mine["items"]))
        assert all(it.deadline.due_on < today for it in mine["items"][:overdue_listed])
    else:
        page = client.get("/deadlines/overdue/").context["page"]
        court_overdue = Deadline.objects.filter(court=user.court, status=DeadlineStatus.OVERDUE)
        assert page.paginator.count == court_overdue.count() > 0
        assert not court_overdue.filter(due_on__gte=today).exists()
