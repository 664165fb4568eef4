"""The measure's rules, each tried by breaking it: who may do what, in which order, once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases.models import Party
from credit import services
from credit.models import CreditMeasure, MeasureStatus

from .conftest import debtor, resident_id

pytestmark = pytest.mark.django_db


def _propose(org, case, **kw):
    args = dict(actor=org.officer, case=case, case_party=debtor(case), kind="dishonest", ground="1",
                reasons="拒不履行", conduct="有履行能力而拒不履行")
    args.update(kw)
    return services.measure_propose(**args)


def test_proposer_cannot_approve_own(org, credit_case):
    m = _propose(org, credit_case, actor=org.chief)  # the chief proposes...
    with pytest.raises(PermissionDenied):
        services.measure_approve(actor=org.chief, measure=m)  # ...and may not approve it
    m.refresh_from_db()
    assert m.status == MeasureStatus.PROPOSED and m.approved_by is None
    with pytest.raises(PermissionDenied):
        services.measure_reject(actor=org.chief, measure=m, reason="不")
    with pytest.raises(PermissionDenied):  # an officer holds no CREDIT_DECIDE
        services.measure_approve(actor=org.officer, measure=m)


def test_other_team_and_court_are_refused(org, credit_case):
    with pytest.raises(PermissionDenied):
        _propose(org, credit_case, actor=org.colleague)  # another team's officer
    with pytest.raises(PermissionDenied):
        _propose(org, credit_case, actor=org.outsider)  # another court
    m = _propose(org, credit_case)
    with pytest.raises(PermissionDenied):
        services.measure_approve(actor=org.other_chief, measure=m)  # another court's chief
    m = services.measure_approve(actor=org.chief, measure=m)
    m = services.measure_decide(actor=org.chief, measure=m)
    m = services.measure_serve(actor=org.clerk, measure=m, method="post")
    with pytest.raises(PermissionDenied):
        services.measure_publish(actor=org.officer, measure=m)  # officers do not publish
    with pytest.raises(PermissionDenied):
        services.measure_publish(actor=org.other_chief, measure=m)
    with pytest.raises(PermissionDenied):
        services.removal_open(actor=org.colleague, measure=m, ground="applicant", note="申请")


def test_double_submit_makes_one(org, credit_case):
    _propose(org, credit_case)
    with pytest.raises(ValidationError) as exc:
        _propose(org, credit_case)
    assert "kind" in exc.value.message_dict
    # a rejected proposal does not block a new one; a restriction is another kind
    assert services.measure_propose(actor=org.officer, case=credit_case, case_party=debtor(credit_case),
                                    kind="restriction", reasons="未履行")
    assert CreditMeasure.objects.filter(case=credit_case).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_proposals_make_one(org_committed):
    from cases.services import PartyInput
    from tests.conftest import make_case

    org = org_committed
    case = make_case.__wrapped__(org)(parties=[
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                   id_number="11010519491231002X", phones=["13800000001"], address="天水"),
        PartyInput(role="respondent", kind="person", name="李四", id_kind="resident_id",
                   id_number=resident_id("19800101"), address="天水")])
    cp = debtor(case)
    results, barrier = [], threading.Barrier(2)

    def go():
        try:
            barrier.wait()
            services.measure_propose(actor=org.officer, case=case, case_party=cp, kind="dishonest", ground="1",
                                     reasons="拒不履行", conduct="拒不履行")
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == ["ok", "refused"]
    assert CreditMeasure.objects.filter(case_party=cp).count() == 1


def test_preservation_case_cannot_list_or_restrict(org, credit_case):
    from cases.models import Case

    Case.objects.filter(pk=credit_case.pk).update(case_type="执保")
    credit_case.refresh_from_db()
    for kind in ("dishonest", "restriction"):
        with pytest.raises(ValidationError) as exc:
            _propose(org, credit_case, kind=kind, ground="1" if kind == "dishonest" else "",
                     conduct="x" if kind == "dishonest" else "")
        assert "case" in exc.value.message_dict
    assert not CreditMeasure.objects.exists()
    Case.objects.filter(pk=credit_case.pk).update(case_type="执恢")  # a resumed enforcement can
    credit_case.refresh_from_db()
    assert _propose(org, credit_case).status == MeasureStatus.PROPOSED


def test_minor_refused(org, credit_case):
    cp = debtor(credit_case)
    born = timezone.localdate() - timedelta(days=365 * 17)
    Party.objects.filter(pk=cp.party_id).update(id_number=resident_id(born.strftime("%Y%m%d")), birth_date=None)
    cp.refresh_from_db()
    for kind in ("dishonest", "restriction"):
        with pytest.raises(ValidationError) as exc:
            _propose(org, credit_case, kind=kind, ground="1" if kind == "dishonest" else "",
                     conduct="x" if kind == "dishonest" else "")
        assert "case_party" in exc.value.message_dict
    assert not CreditMeasure.objects.exists()


def test_bad_input_names_the_field(org, credit_case, make_case):
    applicant = credit_case.case_parties.get(role="applicant")
    cases = [
        (dict(case_party=applicant), "case_party"),  # an applicant
        (dict(ground=""), "ground"),
        (dict(ground="7"), "ground"),
        (dict(conduct=""), "conduct"),
        (dict(reasons="   "), "reasons"),
        (dict(ground="1", extension_years=2), "extension_years"),
        (dict(ground="2", extension_years=4), "extension_years"),
        (dict(kind="restriction", ground="2", conduct=""), "ground"),
        (dict(kind="nonsense"), "kind"),
        (dict(kind="restriction", ground="", conduct="", persons=[{"name": "王\u202e五", "role": "legal_rep"}]),
         "persons"),
        (dict(kind="restriction", ground="", conduct="", case_party=debtor(credit_case, "legal_person"),
              persons=[{"name": "王五\u202e", "role": "legal_rep"}]), "persons.0.name"),
        (dict(kind="restriction", ground="", conduct="", case_party=debtor(credit_case, "legal_person"),
              persons=[{"name": "王五", "role": "boss"}]), "persons.0.role"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            _propose(org, credit_case, **kwargs)
        assert field in exc.value.message_dict, (kwargs, exc.value.message_dict)
    other = make_case()
    with pytest.raises(ValidationError) as exc:  # a respondent of another case
        _propose(org, credit_case, case_party=debtor(other, "legal_person"))
    assert "case_party" in exc.value.message_dict
    assert not CreditMeasure.objects.exists()


def test_unit_restriction_names_the_legal_representative(org, credit_case):
    m = services.measure_propose(actor=org.officer, case=credit_case, case_party=debtor(credit_case, "legal_person"),
                                 kind="restriction", reasons="未履行")
    assert [(p.name, p.role) for p in m.persons.all()] == [("王五", "legal_rep")]


def test_steps_in_order(org, listed):
    m = listed("proposed")
    with pytest.raises(ValidationError):
        services.measure_decide(actor=org.chief, measure=m)
    m = services.measure_approve(actor=org.chief, measure=m)
    with pytest.raises(ValidationError):
        services.measure_approve(actor=org.chief, measure=m)  # twice
    with pytest.raises(ValidationError):
        services.measure_serve(actor=org.clerk, measure=m, method="post")
    m = services.measure_decide(actor=org.chief, measure=m)
    assert m.until is None  # ground (1): no fixed term
    with pytest.raises(ValidationError):
        services.measure_publish(actor=org.clerk, measure=m)  # not served
    with pytest.raises(ValidationError) as exc:
        services.measure_serve(actor=org.clerk, measure=m, method="post",
                               served_on=timezone.localdate() + timedelta(days=1))
    assert "served_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.measure_serve(actor=org.clerk, measure=m, method="pigeon")
    assert "method" in exc.value.message_dict
    m = services.measure_serve(actor=org.clerk, measure=m, method="post")
    m = services.measure_publish(actor=org.clerk, measure=m)
    assert m.status == MeasureStatus.PUBLISHED
    r = services.measure_propose(actor=org.officer, case=m.case, case_party=m.case_party, kind="restriction",
                                 reasons="未履行")
    r = services.measure_serve(actor=org.clerk, measure=services.measure_decide(
        actor=org.chief, measure=services.measure_approve(actor=org.chief, measure=r)), method="direct")
    with pytest.raises(ValidationError):
        services.measure_publish(actor=org.clerk, measure=r)  # a restriction is not published


def test_term_of_grounds_two_to_six(org, listed):
    m = listed("decided", ground="4")
    assert m.until == m.decided_on.replace(year=m.decided_on.year + 2)
    m.case_party.refresh_from_db()
    assert (m.case_party.dishonest_until, m.case_party.dishonest_ground) == (m.until, "4")


def test_removed_twice_refused(org, listed):
    m = listed("published")
    with pytest.raises(ValidationError):
        services.measure_remove(actor=org.chief, measure=m)  # no ground yet
    with pytest.raises(ValidationError) as exc:
        services.removal_open(actor=org.officer, measure=m, ground="applicant")  # the request must be named
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.removal_open(actor=org.officer, measure=m, ground="guarantee", note="x")  # restriction only
    m = services.removal_open(actor=org.officer, measure=m, ground="applicant", note="2026年12月1日书面申请")
    with pytest.raises(ValidationError):
        services.removal_open(actor=org.officer, measure=m, ground="applicant", note="again")
    with pytest.raises(PermissionDenied):
        services.measure_remove(actor=org.officer, measure=m)
    m = services.measure_remove(actor=org.chief, measure=m)
    with pytest.raises(ValidationError) as exc:
        services.measure_remove(actor=org.chief, measure=m)
    assert list(exc.value.message_dict) == ["status"]
    assert m.case.events.filter(type="credit_removed").count() == 1


def test_removing_a_listing_lifts_the_restriction_too(org, listed):
    m = listed("published")
    r = services.measure_propose(actor=org.officer, case=m.case, case_party=m.case_party, kind="restriction",
                                 reasons="未履行")
    r = services.measure_decide(actor=org.chief, measure=services.measure_approve(actor=org.chief, measure=r))
    m = services.removal_open(actor=org.officer, measure=m, ground="applicant", note="书面申请")
    services.measure_remove(actor=org.chief, measure=m)
    r.refresh_from_db()
    r.case_party.refresh_from_db()
    assert r.status == MeasureStatus.REMOVED and r.removal_ground == "applicant"
    assert r.case_party.restriction_lifted_on == timezone.localdate()
