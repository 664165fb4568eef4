"""Fixtures for the security tests: one "world" of records built once per module and rolled back afterwards.

``world`` holds, for each placement ``own`` (the officer's team), ``team`` (another team of the same court) and
``court`` (a sibling court), a case with every kind of record that hangs off it (action with an attachment, lead,
petition, settlement and instalment, closure request, assets, objection, control measure, disposal, ledger entry,
payout, issued document, deadline), plus court-bound report records and a notification. The rows live inside one
outer transaction opened for the module and rolled back at its end; each test runs in a savepoint inside it
(pytest-django's ``db``), so tests may change rows freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from tests.conftest import make_user

PLACEMENTS = ("own", "team", "court")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class World:
    org: object
    users: dict  # role label -> User or None (anonymous)
    superuser: object = None
    objects: dict = field(default_factory=dict)  # placement -> {kind: obj}

    def obj(self, placement: str, kind: str):
        return self.objects[placement][kind]


def _build_placement(org, make_case, *, court, team, officer, actor, chief, label):
    from assets import services as asset_services
    from cases.models import PartyRole
    from cases.services import (
        action_log, attachment_add, closure_request, lead_register, petition_register, settlement_register,
        suspension_request,
    )
    from deadlines import engine
    from deadlines.models import Deadline
    from notices import services as notice_services

    today = timezone.localdate()
    filed = today - timedelta(days=40)
    from cases.services import PartyInput
    from core.rules.checksums import resident_id_check_char

    body = f"62050319800101{label}23"[:17]
    parties = [
        PartyInput(role="applicant", kind="person", name=f"张{label}", id_kind="resident_id",
                   id_number=body + resident_id_check_char(body), phones=["13800000001"], address="天水市桥南路1号"),
        PartyInput(role="respondent", kind="person", name=f"李{label}", id_kind="resident_id",
                   id_number=body[:-1] + "7" + resident_id_check_char(body[:-1] + "7"), address="天水市马跑泉路8号"),
    ]
    case = make_case(court=court, team=team, officer=officer, actor=actor, parties=parties,
                     received_on=filed - timedelta(days=2), filed_on=filed,
                     basis_effective_on=filed - timedelta(days=60), basis_due_on=filed - timedelta(days=30))
    applicant = case.case_parties.get(role=PartyRole.APPLICANT)
    respondent = case.case_parties.get(role=PartyRole.RESPONDENT)
    action = action_log(actor=officer, case=case, kind="other", occurred_on=today,
                        details={"description": f"现场照片 {label}"})
    attachment = attachment_add(actor=officer, action=action,
                                upload=SimpleUploadedFile("现场.png", PNG, "image/png"))
    lead = lead_register(actor=officer, case=case, description="有车辆", urgent=False)
    petition = petition_register(actor=actor, case=case, content="申请人反映执行不力", received_on=today)
    settlement = settlement_register(actor=officer, case=case, signed_on=today - timedelta(days=5), terms="分两期",
                                     instalments=[(today + timedelta(days=10), Decimal("1000.00")),
                                                  (today + timedelta(days=40), Decimal("1000.00"))])
    instalment = settlement.instalments.order_by("number").first()
    # A second case carries the closure request (a pending request freezes the first case's workflow).
    closing = make_case(court=court, team=team, officer=officer, actor=actor, received_on=filed - timedelta(days=2),
                        filed_on=filed, basis_effective_on=filed - timedelta(days=60),
                        basis_due_on=filed - timedelta(days=30))
    closure = closure_request(actor=officer, case=closing, mode="terminated", ground="other", reason="和解")
    # A 中止 request waiting for the chief, on the same second case (the first case's workflow stays free).
    suspension = suspension_request(actor=officer, case=closing, ground="other", reason="案外人提出异议，待审查")

    values = {"description": "麦积区桥南路8号3单元502室", "source": "network_query", "estimated_value": "800000.00",
              "certificate_number": f"甘（2021）不动产权第00{label}号", "location": "甘肃省天水市麦积区桥南路8号"}
    house = asset_services.asset_register(actor=officer, case=case, owner=respondent, kind="real_estate", **values)
    control = asset_services.control_order(actor=officer, asset=house, kind="seizure",
                                           ordered_on=today - timedelta(days=40), ruling_number="（2026）执1号之一",
                                           assisting_body="不动产登记中心")
    house.refresh_from_db()
    vehicle = asset_services.asset_register(actor=officer, case=case, owner=respondent, kind="vehicle",
                                            description="小型轿车", source="network_query",
                                            estimated_value="50000.00", plate_number=f"甘E·1{label}")
    # Seized: only an asset under a control measure in force is handed over for disposal.
    asset_services.control_order(actor=officer, asset=vehicle, kind="seizure", ordered_on=today - timedelta(days=30),
                                 ruling_number="（2026）执1号之二", assisting_body="车辆管理所")
    vehicle.refresh_from_db()
    objection = asset_services.objection_record(actor=officer, asset=vehicle, objector="王某（案外人）", filed_on=today)
    disposer_team, disposer = (org.other_team, org.colleague) if team == org.team else (
        (org.team, org.officer) if team == org.other_team else (team, officer))
    if court != org.court:  # the sibling court has one team; separation off for it is simplest: use a 2nd team
        from accounts.models import Team, TeamKind

        disposer_team = Team.objects.create(court=court, name="执行实施二组", kind=TeamKind.IMPLEMENTATION)
        disposer = make_user(f"disposer{court.pk}", court, [Role.OFFICER], [disposer_team])
    # 移交处置: the case's officer hands the house over to the disposal team, the chief approves; the vehicle's
    # handover waits for approval.
    asset_services.handover_approve(actor=chief, handover=asset_services.handover_request(
        actor=officer, case=case, assets=[house], to_team=disposer_team, reason="分段集约"))
    handover = asset_services.handover_request(actor=officer, case=case, assets=[vehicle], to_team=disposer_team)
    disposal = asset_services.disposal_start(actor=disposer, asset=house, team=disposer_team,
                                             reference_method="appraisal",
                                             reference_requested_on=today - timedelta(days=35))
    finance = org.finance if court == org.court else make_user(f"finance{case.pk}", court, [Role.FINANCE])
    receipt = asset_services.receipt_record(actor=finance, case=case, kind="debtor_payment",
                                            amount=Decimal("50000.00"), occurred_on=today - timedelta(days=3),
                                            payer="天水示例建材有限公司")
    payout = asset_services.payout_prepare(actor=officer, case=case, payee=applicant, amount=Decimal("10000.00"),
                                           payee_account_name=applicant.party.name, payee_bank="中国建设银行天水分行",
                                           payee_account_number="6217000000000000001", idempotency_key=None)
    # A large receipt whose reversal awaits a second person, requested by a finance user none of the audit's
    # users is (the requester may not confirm), so every permitted user may decide on it.
    requester = make_user(f"finreq{case.pk}", court, [Role.FINANCE])
    large = asset_services.receipt_record(actor=requester, case=case, kind="bank_deduction",
                                          amount=Decimal("80000.00"), occurred_on=today - timedelta(days=2))
    reversal = asset_services.entry_reverse(actor=requester, entry=large, reason="重复入账")
    # A distribution plan awaiting approval, prepared by an officer of the case's team none of the audit's users is
    # (the preparer may not approve it).
    planner = make_user(f"planner{case.pk}", court, [Role.OFFICER], [team])
    plan = asset_services.distribution_plan_prepare(actor=planner, case=case, lines=[
        {"party": applicant.pk, "amount": "20000.00"}])
    document = notice_services.document_issue(user=actor, case=case, doc_type="enforcement_notice",
                                              addressee_key=f"party:{respondent.pk}")
    engine.recompute(case_ids=[case.pk], wait=True)
    deadline = Deadline.objects.filter(case_id=case.pk).order_by("id").first()
    return {
        "case": case, "party": respondent.party, "action": action, "attachment": attachment, "lead": lead,
        "petition": petition, "settlement": settlement, "instalment": instalment, "closure": closure,
        "suspension": suspension,
        "closing_case": closing, "asset": house, "vehicle": vehicle, "objection": objection, "control": control,
        "disposal": disposal, "handover": handover, "entry": receipt, "payout": payout, "document": document,
        "deadline": deadline, "reversal": reversal, "plan": plan,
    }


def _court_records(court, actor, label):
    from reports.models import Campaign, ReportRun

    today = timezone.localdate()
    start = today - timedelta(days=today.weekday() + 7)
    from reports.periods import Period
    from reports.selectors import ReportScope
    from reports.services import snapshot_create

    period = Period.parse("week", start.isoformat(), default=start)
    snapshot = snapshot_create(scope=ReportScope(court=court), period=period, actor=actor)
    run = ReportRun.objects.create(court=court, period_kind="week", period_start=start,
                                   period_end=start + timedelta(days=6), scope={"court": court.pk},
                                   requested_by=actor, status="done", snapshot=snapshot)
    campaign = Campaign.objects.create(court=court, name=f"专项行动{label}", starts_on=date(2026, 1, 1),
                                       ends_on=date(2026, 12, 31), created_by=actor)
    return {"snapshot": snapshot, "run": run, "campaign": campaign}


def _statement(court, importer, label):
    # A bank statement (issue 20) of the court's fund account with one credit line: finance's records, court-wide.
    from statements.models import Statement, StatementLine

    today = timezone.localdate()
    statement = Statement.objects.create(court=court, account_number=court.fund_account_number, bank="银行",
                                         format="csv", file_name=f"流水{label}.csv", sha256=f"{label:0>64}",
                                         imported_by=importer, line_count=1, new_line_count=1)
    line = StatementLine.objects.create(court=court, statement=statement, row=2,
                                        account_number=court.fund_account_number, bank_reference=f"AUDIT{label}",
                                        booked_on=today, amount="100.00", direction="credit", waiting_since=today)
    return {"statement": statement, "statement_line": line}


def _batch(court, creator, case):
    from notices.models import BatchJob

    return BatchJob.objects.create(court=court, created_by=creator, doc_types=["enforcement_notice"],
                                   case_ids=[case.pk], status="done", total=1, done=1, pdf=b"%PDF-1.4 batch",
                                   labels_pdf=b"%PDF-1.4 labels")


def _delegation(case, creator, to):
    """A step (investigation) sent from the placement's case to ``to``, with one paper."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from delegation.services import delegation_create, delegation_send

    paper = SimpleUploadedFile("委托材料.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    d = delegation_create(actor=creator, case=case, kind="investigate", receiving_court=to,
                          instructions="调查被执行人名下不动产", papers=[paper])
    return delegation_send(actor=creator, delegation=d)


def _inquiry_batch(creator, case):
    """A network inquiry batch (网络查控) about the placement's case, built and exported by its officer."""
    from inquiry.services import batch_create, batch_export

    batch = batch_create(actor=creator, kinds=["bank"], case_ids=[case.pk])
    batch_export(actor=creator, batch=batch)
    return batch


def _credit(case, proposer, chief, clerk):
    """A published 失信 listing of the case's debtor (credit) and a portal correction request on it."""
    from cases.models import PartyRole
    from credit import services as credit_services

    today = timezone.localdate()
    respondent = case.case_parties.get(role=PartyRole.RESPONDENT)
    m = credit_services.measure_propose(actor=proposer, case=case, case_party=respondent, kind="dishonest",
                                        ground="4", reasons="违反财产报告制度", conduct="拒不报告财产")
    m = credit_services.measure_approve(actor=chief, measure=m)
    m = credit_services.measure_decide(actor=chief, measure=m, decided_on=today - timedelta(days=5))
    m = credit_services.measure_serve(actor=clerk, measure=m, method="direct", served_on=today - timedelta(days=4))
    m = credit_services.measure_publish(actor=clerk, measure=m, published_on=today - timedelta(days=3))
    correction = credit_services.correction_submit(measure=m, name=respondent.party.name, phone="13900000000",
                                                   grounds="已报告财产", channel="portal")
    return {"credit_measure": m, "credit_correction": correction}


def _resumption(make_case, case):
    """A resumption proposal (恢复执行建议) on a 终本 case of the placement's team and officer, as a post-终本 query
    that found assets leaves it: waiting for the officer."""
    from cases.models import Case
    from inquiry.models import InquiryBatch, ResumptionProposal
    from inquiry.services.batches import _next_number

    closed = make_case(court=case.court, team=case.team, officer=case.officer)
    Case.objects.filter(pk=closed.pk).update(stage="closed", closure_mode="terminated_round",
                                             closed_on=timezone.localdate() - timedelta(days=170))
    batch = InquiryBatch.objects.create(court=case.court, number=_next_number(case.court), created_by=None,
                                        kinds=["bank"], purpose="post_zhongben")
    return ResumptionProposal.objects.create(case=closed, batch=batch)


def _inquiry_result(creator, batch):
    """A result file answering the batch's first request with one bank account found (imported by its officer)."""
    import io

    from inquiry.exchange_in import build_result_file
    from inquiry.services.results import result_file_import

    req = batch.requests.order_by("seq").first()
    data = build_result_file({"agency_kind": "bank", "batch": batch.number, "court_code": batch.court.code}, [
        {"request_id": req.request_id, "case_number": req.case_number, "subject_id_number": req.subject_id_number,
         "status": "found", "asset_kind": "bank_deposit", "institution": "中国工商银行", "account": "6222000011112222",
         "balance": "100.00", "as_of": "2026-12-01"}])
    rf = result_file_import(actor=creator, court=batch.court, file_name="result.jsonl", stream=io.BytesIO(data))
    return rf, rf.rows.get()


def _review_objection(case, clerk, chief, label):
    """An objection (执异, review app) against the placement's case, ruled, served and with a reconsideration applied
    for, so every step's URL has its record."""
    from accounts.models import Team, TeamKind
    from review import services as review_services

    today = timezone.localdate()
    team, _created = Team.objects.get_or_create(court=case.court, name="执行裁决组", kind=TeamKind.ADJUDICATION)
    objection = review_services.objection_register(
        actor=clerk, enforcement_case=case, kind="act", objector=f"异议人{label}", contested_kind="other",
        contested_act=f"审计{label}", request="撤销执行行为", received_on=today - timedelta(days=5),
        accepted_on=today - timedelta(days=4), team=team)
    review_services.session_record(actor=clerk, objection=objection, kind="deliberation",
                                   held_on=today - timedelta(days=3), participants="合议庭", minutes="评议")
    review_services.objection_rule(actor=chief, objection=objection, outcome="dismissed",
                                   ruled_on=today - timedelta(days=2), reasons="理由不成立")
    review_services.objection_serve(actor=clerk, objection=objection, served_on=today - timedelta(days=1))
    review_services.reconsideration_apply(actor=clerk, objection=objection, applicant=f"异议人{label}",
                                          applied_on=today)
    objection.refresh_from_db()
    return objection


def build_world() -> World:
    from deadlines.models import Notification
    from deadlines.services import holidays_load_official
    from tests.conftest import make_case as make_case_fixture
    from tests.conftest import org as org_fixture

    holidays_load_official()
    org = org_fixture.__wrapped__(None)
    make_case = make_case_fixture.__wrapped__(org)
    from accounts.models import Court

    Court.objects.filter(pk__in=[org.court.pk, org.other_court.pk]).update(phone="0938-2731234")
    Court.objects.filter(pk=org.other_court.pk).update(fund_account_name="秦州区人民法院执行款专户",
                                                       fund_account_bank="中国银行天水分行",
                                                       fund_account_number="1040000000000000001")
    org.court.refresh_from_db()
    org.other_court.refresh_from_db()
    norole = make_user("norole", org.court, [], full_name="无角色")
    users = {"anonymous": None, "norole": norole, "officer": org.officer, "clerk": org.clerk, "chief": org.chief,
             "finance": org.finance, "court_admin": org.court_admin, "supervisor": org.supervisor}
    other_clerk = make_user("otherclerk", org.other_court, [Role.CLERK])
    from accounts.models import User

    superuser = User.objects.create_superuser(username="root", password="x-Root-2026", court=org.court)
    world = World(org=org, users=users, superuser=superuser)
    world.objects["own"] = _build_placement(org, make_case, court=org.court, team=org.team, officer=org.officer,
                                            actor=org.clerk, chief=org.chief, label="1")
    world.objects["team"] = _build_placement(org, make_case, court=org.court, team=org.other_team,
                                             officer=org.colleague, actor=org.clerk, chief=org.chief, label="2")
    world.objects["court"] = _build_placement(org, make_case, court=org.other_court, team=org.foreign_team,
                                              officer=org.outsider, actor=other_clerk, chief=org.other_chief,
                                              label="3")
    world.objects["own"].update(_court_records(org.court, org.chief, "1"))
    world.objects["team"].update(_court_records(org.court, org.chief, "2"))
    world.objects["court"].update(_court_records(org.other_court, org.other_chief, "3"))
    for placement, creator in (("own", org.officer), ("team", org.colleague), ("court", org.outsider)):
        case = world.objects[placement]["case"]
        world.objects[placement]["batch"] = _batch(case.court, creator, case)
        world.objects[placement]["inquiry_batch"] = _inquiry_batch(creator, case)
        world.objects[placement]["resumption"] = _resumption(make_case, case)
        (world.objects[placement]["inquiry_result"],
         world.objects[placement]["inquiry_row"]) = _inquiry_result(creator, world.objects[placement]["inquiry_batch"])
    # (credit): a published 失信 listing of each case's debtor and a correction request from the portal
    for placement, proposer, chief, clerk in (("own", org.officer, org.chief, org.clerk),
                                              ("team", org.colleague, org.chief, org.clerk),
                                              ("court", org.outsider, org.other_chief, other_clerk)):
        world.objects[placement].update(_credit(world.objects[placement]["case"], proposer, chief, clerk))
    # Delegations (issue 23): the two cases of the court under test send a step to the sibling court; the sibling
    # court's case sends one to the court under test (received there, not yet assigned).
    for placement, creator, to in (("own", org.officer, org.other_court), ("team", org.colleague, org.other_court),
                                   ("court", org.outsider, org.court)):
        world.objects[placement]["delegation"] = _delegation(world.objects[placement]["case"], creator, to)
    for placement, label in (("own", "1"), ("team", "2"), ("court", "3")):
        court = world.objects[placement]["case"].court
        world.objects[placement].update(_statement(court, org.finance if court == org.court else None, label))
    # Objections (review app): the own and team placements' at the court under test, the sibling court's own.
    for placement, clerk, chief, label in (("own", org.clerk, org.chief, "1"), ("team", org.clerk, org.chief, "2"),
                                           ("court", other_clerk, org.other_chief, "3")):
        world.objects[placement]["review_objection"] = _review_objection(world.objects[placement]["case"], clerk,
                                                                         chief, label)
    # Role changes awaiting a second person: at the court under test asked by its admin (for the clerk, for
    # finance), at the sibling court by that court's admin.
    from accounts.services import role_change_request

    other_admin = make_user("otheradmin", org.other_court, [Role.COURT_ADMIN], is_staff=True)
    for placement, actor, subject in (("own", org.court_admin, org.clerk), ("team", org.court_admin, org.finance),
                                      ("court", other_admin, org.outsider)):
        world.objects[placement]["role_change"] = role_change_request(
            actor=actor, user=subject, new_roles=[*subject.roles, Role.CHIEF], reason="审计")
    # Notifications belong to one user: "own" is the officer's, the others are a colleague's and an outsider's.
    now = timezone.now()
    for placement, recipient in (("own", org.officer), ("team", org.colleague), ("court", org.outsider)):
        case = world.objects[placement]["case"]
        world.objects[placement]["notification"] = Notification.objects.create(
            recipient=recipient, case=case, created_at=now)
    # Messages to parties (messaging): a delivery on each case, a template per court (the two placements of the
    # court under test on different events), an opt-out recorded at each case's court.
    from messaging.models import Message, MessageTemplate, OptOut

    for placement, event in (("own", "case_accepted"), ("team", "funds_received"), ("court", "case_accepted")):
        case = world.objects[placement]["case"]
        world.objects[placement]["message"] = Message.objects.create(
            court=case.court, case=case, event_kind=event, channel="sms",
            address=f"1390000000{PLACEMENTS.index(placement)}", recipient_name="张某", body="【法院】测试",
            status="sent", sent_at=now)
        world.objects[placement]["msg_template"] = MessageTemplate.objects.create(
            court=case.court, event=event, channel="sms", audience="applicants", body="【{法院}】{案号}")
        world.objects[placement]["optout"] = OptOut.objects.create(
            address=f"1370000000{PLACEMENTS.index(placement)}", channel="sms", source="admin", court=case.court)
    # The party portal: a question and a lead with a file from a party on each case.
    from django.core.files.base import ContentFile

    from cases.models import Lead
    from portal.models import PortalLead, PortalLeadFile, PortalQuestion

    for placement in PLACEMENTS:
        case = world.objects[placement]["case"]
        cp = case.case_parties.order_by("role", "position").first()
        world.objects[placement]["portal_question"] = PortalQuestion.objects.create(
            case=case, case_party=cp, acting_as="party", text="什么时候发放案款？", asked_at=now,
            officer=case.officer, form_token=f"audit{placement}")
        lead = Lead.objects.create(case=case, received_at=now, source="party_portal", description="门户线索",
                                   officer=case.officer, due_at=now)
        portal_lead = PortalLead.objects.create(lead=lead, case_party=cp, acting_as="party", asset_kind="bank",
                                                form_token=f"audit{placement}")
        item = PortalLeadFile(portal_lead=portal_lead, original_name="线索.pdf", content_type="application/pdf",
                              size=9, sha256="0" * 64)
        item.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=False)
        item.save()
        world.objects[placement]["portal_file"] = item
    # The electronic case file (efile): each case's issued document is its first file item; a finished archive
    # volume (a small PDF under EFILE_ROOT) on each case, written directly (the audit needs no closed case).
    from efile import storage as efile_storage
    from efile.models import ArchiveVolume, FileItem

    for placement in PLACEMENTS:
        case = world.objects[placement]["case"]
        world.objects[placement]["efile_item"] = FileItem.objects.filter(case=case).order_by("id").first()
        relative, digest = efile_storage.write(b"%PDF-1.4\n%%EOF\n", folder="volumes")
        world.objects[placement]["efile_volume"] = ArchiveVolume.objects.create(
            case=case, status="done", path=relative, sha256=digest, page_count=1, built_by=org.clerk)
    # Supervision: per placement an order opened by its court's chief, a dispatch to its officer, a reception
    # day (a day apart, same chief allowed) with a visit its officer follows up.
    from supervision import services as sv

    for i, (placement, chief, dispatcher) in enumerate((("own", org.chief, org.clerk),
                                                        ("team", org.chief, org.clerk),
                                                        ("court", org.other_chief, other_clerk))):
        objs = world.objects[placement]
        case = objs["case"]
        objs["sv_order"] = sv.order_open(actor=chief, case=case, instructions="请报告进展",
                                         reply_due=timezone.localdate() + timedelta(days=5))
        replied = sv.order_open(actor=chief, case=case, instructions="请附照片",
                                reply_due=timezone.localdate() + timedelta(days=5))
        sv.order_reply(actor=case.officer, order=replied, reply="见照片",
                       attachments=[SimpleUploadedFile("现场.png", PNG, "image/png")])
        objs["sv_attachment"] = replied.attachments.get()
        objs["sv_ticket"] = sv.ticket_dispatch(actor=dispatcher, kind="lead", report="车辆出现", officer_id=case.officer_id,
                                               off_roster_reason="审计")
        objs["sv_day"] = sv.reception_day_create(actor=dispatcher, held_on=timezone.localdate() - timedelta(days=i),
                                                 chief_id=chief.pk)
        objs["sv_visit"] = sv.visit_add(actor=dispatcher, day=objs["sv_day"], visitor_name="张三", matter="进度",
                                        promised="答复", followup_due=timezone.localdate() + timedelta(days=5),
                                        responsible_id=case.officer_id, case=case)
        from supervision.models import DutyShift

        now = timezone.now()
        objs["sv_shift"] = DutyShift.objects.create(court=case.court, officer=case.officer, starts_at=now,
                                                    ends_at=now + timedelta(hours=8), created_by=dispatcher)
    # API tokens belong to one user too, the same ones.
    from accounts.models import ApiToken

    for placement, owner in (("own", org.officer), ("team", org.colleague), ("court", org.outsider)):
        world.objects[placement]["api_token"] = ApiToken.objects.create(user=owner, device=f"audit-{placement}")[0]
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The shared world, inside a transaction rolled back when the module is done."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
