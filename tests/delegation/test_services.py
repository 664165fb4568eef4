"""The delegation flow and its invariants, each tried by breaking it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cases.models import Case, CaseEvent
from delegation import services
from delegation.models import Delegation, DelegationPaper, Status

from .conftest import pdf


def test_step_goes_out_and_the_reply_lands_on_the_sending_case(org, case, send, other_clerk):
    d = send()
    assert d.status == Status.SENT and d.number == f"（{d.year}）甘0503执委1号"
    assert d.papers.filter(side="request").count() == 1
    d = services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    assert d.status == Status.ACCEPTED
    d = services.delegation_reply(actor=org.outsider, delegation=d, result="查明被执行人名下房产一套",
                                  outcome="done", papers=[pdf("回复.pdf")])
    assert d.status == Status.ANSWERED and d.started_on is not None
    types = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert {"delegation_sent", "delegation_accepted", "delegation_answered"} <= set(types)
    reply = CaseEvent.objects.get(case=case, type="delegation_answered")
    assert "查明被执行人名下房产一套" in reply.summary and "秦州区" in reply.summary
    services.delegation_close(actor=org.officer, delegation=d)
    assert Delegation.objects.get(pk=d.pk).status == Status.CLOSED


def test_numbers_are_per_court_and_year_without_gaps(org, case, send, make_case):
    from delegation.services import delegation_create

    draft = delegation_create(actor=org.officer, case=case, kind="serve", receiving_court=org.other_court,
                              instructions="送达执行通知书")
    first, second = send(), send(kind="serve")
    assert draft.number is None
    assert (first.serial, second.serial) == (1, 2)
    other_case = make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)
    theirs = delegation_create(actor=org.outsider, case=other_case, kind="serve", receiving_court=org.court,
                               instructions="送达")
    theirs = services.delegation_send(actor=org.outsider, delegation=theirs)
    assert theirs.serial == 1 and "甘0502执委1号" in theirs.number


def test_another_court_cannot_accept_or_answer_a_delegation_sent_elsewhere(org, send, make_case):
    from accounts.models import Court, CourtLevel, Role, Team
    from tests.conftest import make_user

    third = Court.objects.create(code="甘0521", name="清水县人民法院", level=CourtLevel.BASIC, parent=org.intermediate)
    team = Team.objects.create(court=third, name="执行组", kind="implementation")
    chief3 = make_user("chief3", third, [Role.CHIEF], [team])
    d = send()
    with pytest.raises(PermissionDenied):
        services.delegation_accept(actor=chief3, delegation=d, team=team)
    # and the sending court's own chief cannot accept for the receiver
    with pytest.raises(PermissionDenied):
        services.delegation_accept(actor=org.chief, delegation=d, team=org.team)
    assert Delegation.objects.get(pk=d.pk).status == Status.SENT


def test_officer_of_receiving_court_acts_only_once_assigned_to_their_team(org, send, other_clerk):
    from accounts.models import Role, Team
    from tests.conftest import make_user

    d = send()
    with pytest.raises(PermissionDenied):  # an officer does not accept: the clerk or chief assigns
        services.delegation_accept(actor=org.outsider, delegation=d, team=org.foreign_team)
    second = Team.objects.create(court=org.other_court, name="执行实施二组", kind="implementation")
    stranger = make_user("stranger", org.other_court, [Role.OFFICER], [second])
    d = services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    with pytest.raises(PermissionDenied):
        services.delegation_reply(actor=stranger, delegation=d, result="x", outcome="done")
    services.delegation_reply(actor=org.outsider, delegation=d, result="已办结", outcome="done")


def test_team_and_officer_must_belong_to_the_receiving_court(org, send, other_clerk):
    d = send()
    with pytest.raises(ValidationError) as exc:
        services.delegation_accept(actor=other_clerk, delegation=d, team=org.team)
    assert "team" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.officer)
    assert "officer" in exc.value.message_dict


def test_double_accept_and_double_reply_are_refused(org, send, other_clerk):
    d = send()
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    with pytest.raises(ValidationError):
        services.delegation_accept(actor=org.other_chief, delegation=d, team=org.foreign_team)
    services.delegation_reply(actor=org.outsider, delegation=d, result="第一次", outcome="done")
    with pytest.raises(ValidationError):
        services.delegation_reply(actor=org.outsider, delegation=d, result="第二次", outcome="partly")
    d.refresh_from_db()
    assert d.result == "第一次"
    assert CaseEvent.objects.filter(case=d.case, type="delegation_answered").count() == 1


def test_reply_after_withdrawal_is_refused(org, send, other_clerk):
    d = send()
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    services.delegation_withdraw(actor=org.officer, delegation=d, reason="被执行人已主动履行")
    with pytest.raises(ValidationError):
        services.delegation_reply(actor=org.outsider, delegation=d, result="查到", outcome="done")
    with pytest.raises(ValidationError):
        services.delegation_withdraw(actor=org.officer, delegation=d, reason="again")
    assert Delegation.objects.get(pk=d.pk).status == Status.WITHDRAWN


def test_receiving_court_cannot_withdraw_and_sender_cannot_reply(org, send, other_clerk):
    d = send()
    with pytest.raises(PermissionDenied):
        services.delegation_withdraw(actor=org.other_chief, delegation=d, reason="x")
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    with pytest.raises(PermissionDenied):
        services.delegation_reply(actor=org.officer, delegation=d, result="自己回复", outcome="done")


def test_freeze_beyond_the_claim_is_refused_counting_other_delegations(org, case, send):
    # the claim is 100,000.00: 60,000 out, then 40,000.01 more is too much, 40,000.00 fits
    send(kind="freeze", amount="60000.00")
    with pytest.raises(ValidationError) as exc:
        send(kind="freeze", amount="40000.01")
    assert "amount" in exc.value.message_dict and "40,000.00" in exc.value.message_dict["amount"][0]
    send(kind="seize", amount="40000.00")
    with pytest.raises(ValidationError):
        send(kind="freeze", amount="0.01")


@pytest.mark.parametrize("amount", ["-1", "1e5", "1.001", "", "abc", 12.5])
def test_bad_amounts_name_the_field_and_save_nothing(org, case, amount):
    with pytest.raises(ValidationError) as exc:
        services.delegation_create(actor=org.officer, case=case, kind="freeze", receiving_court=org.other_court,
                                   instructions="冻结", amount=amount, papers=[pdf()])
    assert "amount" in exc.value.message_dict
    assert not Delegation.objects.exists() and not DelegationPaper.objects.exists()


def test_a_withdrawn_freeze_no_longer_counts(org, case, send):
    d = send(kind="freeze", amount="100000.00")
    services.delegation_withdraw(actor=org.officer, delegation=d, reason="改为网络查控")
    send(kind="freeze", amount="100000.00")


def test_bad_papers_are_refused_and_nothing_is_half_saved(org, case):
    for upload in (pdf("空.pdf", b""), pdf("病毒.pdf", b"MZ\x90\x00 not a pdf")):
        with pytest.raises(ValidationError) as exc:
            services.delegation_create(actor=org.officer, case=case, kind="serve", receiving_court=org.other_court,
                                       instructions="送达", papers=[upload])
        assert "papers" in exc.value.message_dict
    assert not Delegation.objects.exists()


def test_control_characters_in_the_external_court_name_are_refused(org, case):
    with pytest.raises(ValidationError) as exc:
        services.delegation_create(actor=org.officer, case=case, kind="serve",
                                   external_court_name="北京市\u202e朝阳区人民法院", external_court_address="北京",
                                   instructions="送达")
    assert "external_court_name" in exc.value.message_dict


def test_cannot_delegate_to_itself_or_to_nobody(org, case):
    for kw in ({"receiving_court": org.court}, {}):
        with pytest.raises(ValidationError) as exc:
            services.delegation_create(actor=org.officer, case=case, kind="serve", instructions="送达", **kw)
        assert "receiving_court" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        Delegation.objects.create(sending_court=org.court, case=case, kind="serve", receiving_court=org.court,
                                  instructions="x", created_by=org.officer)


def test_another_team_cannot_delegate_from_the_case(org, case):
    with pytest.raises(PermissionDenied):
        services.delegation_create(actor=org.colleague, case=case, kind="serve", receiving_court=org.other_court,
                                   instructions="送达")
    with pytest.raises(PermissionDenied):  # the clerk receives, never sends
        services.delegation_create(actor=org.clerk, case=case, kind="serve", receiving_court=org.other_court,
                                   instructions="送达")


def test_whole_case_moves_atomically(org, case, send, other_clerk):
    with pytest.raises(PermissionDenied):  # the officer may draft; only the chief sends a whole case away
        send(kind="whole_case", actor=org.officer)
    d = Delegation.objects.get(kind="whole_case")
    d = services.delegation_send(actor=org.chief, delegation=d)
    before = Case.objects.count()
    d = services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    case.refresh_from_db()
    new = d.receiving_case
    assert case.stage == "closed" and case.closure_mode == "withdrawn"
    assert new.court_id == org.other_court.pk and new.number.startswith(f"（{new.year}）甘0502执")
    assert new.amount_claimed == Decimal("100000.00") and Case.objects.count() == before + 1
    assert sorted(new.case_parties.values_list("party_id", flat=True)) == sorted(
        case.case_parties.values_list("party_id", flat=True))
    assert CaseEvent.objects.filter(case=case, type="entrusted_out").exists()
    assert CaseEvent.objects.filter(case=new, type="entrusted_in").exists()
    assert d.status == Status.CLOSED


def test_whole_case_keeps_the_parties_email_and_agent_contact(org, case, send, other_clerk):
    """Messages and the portal keep working on the moved case: the e-mail and the agent's ID and mobile go along."""
    case.case_parties.filter(role="applicant").update(email="zhang@example.com", agent="李律师",
                                                      agent_id_number="620503198001010011", agent_phone="13900000009")
    d = send(kind="whole_case", actor=org.chief)
    d = services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    cp = d.receiving_case.case_parties.get(role="applicant")
    assert (cp.email, cp.agent, cp.agent_id_number, cp.agent_phone) == (
        "zhang@example.com", "李律师", "620503198001010011", "13900000009")


def test_whole_case_move_rolls_back_entirely_when_registration_fails(org, case, other_clerk, monkeypatch):
    from cases.services import registration

    d = services.delegation_create(actor=org.officer, case=case, kind="whole_case", receiving_court=org.other_court,
                                   instructions="被执行人财产均在秦州区")
    d = services.delegation_send(actor=org.chief, delegation=d)

    def broken(**kw):
        raise ValidationError({"parties": ["boom"]})

    monkeypatch.setattr(registration, "case_register", broken)
    with pytest.raises(ValidationError):
        services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team)
    case.refresh_from_db()
    d.refresh_from_db()
    assert case.stage != "closed" and d.status == Status.SENT and d.receiving_case is None


def test_whole_case_needs_a_court_in_the_system(org, case):
    with pytest.raises(ValidationError) as exc:
        services.delegation_create(actor=org.officer, case=case, kind="whole_case", external_court_name="上海市某法院",
                                   external_court_address="上海", instructions="委托执行")
    assert "receiving_court" in exc.value.message_dict


def test_external_reply_is_recorded_by_hand_with_its_scan(org, case):
    d = services.delegation_create(actor=org.officer, case=case, kind="serve", external_court_name="四川省成都市锦江区人民法院",
                                   external_court_address="成都市锦江区", instructions="代为送达")
    d = services.delegation_send(actor=org.officer, delegation=d)
    with pytest.raises(ValidationError) as exc:
        services.delegation_reply(actor=org.clerk, delegation=d, result="已送达", outcome="done")
    assert "papers" in exc.value.message_dict
    d = services.delegation_reply(actor=org.clerk, delegation=d, result="已送达", outcome="done",
                                  papers=[pdf("回函扫描.pdf")])
    assert d.status == Status.ANSWERED
    assert CaseEvent.objects.filter(case=case, type="delegation_answered").exists()


def test_an_answered_freeze_counts_until_the_sender_closes_it(org, case, send, other_clerk):
    d = send(kind="freeze", amount="100000.00")
    services.delegation_accept(actor=other_clerk, delegation=d, team=org.foreign_team, officer=org.outsider)
    services.delegation_reply(actor=org.outsider, delegation=d, result="已冻结100000元", outcome="done")
    with pytest.raises(ValidationError):  # frozen there, not yet in our register: nothing more may be frozen
        send(kind="freeze", amount="1.00")
    services.delegation_close(actor=org.officer, delegation=d)
    send(kind="freeze", amount="1.00")
