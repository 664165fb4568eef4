"""The role policy as a table: every role x every permission x own team / other team / other court / subordinate court.

The table below is written out by hand from the bureau's rules, independently of ``accounts.policy.ROLE_GRANTS``: a
change to the policy that is not also made here fails the suite.

Letters: T = the user's own team only; C = the whole own court; R = own court and subordinate courts (read);
- = never.
"""

from __future__ import annotations

import pytest

from accounts.models import Court, CourtLevel, Role, Team, TeamKind
from accounts.policy import Perm, Target, has_perm, scope_q
from cases.models import Case

#                         officer clerk chief finance court_admin
EXPECTED = {
    Perm.CASE_VIEW:          ("T",   "C",  "R",  "C",    "-"),
    Perm.CASE_REGISTER:      ("-",   "C",  "C",  "-",    "-"),
    Perm.CASE_EDIT:          ("T",   "C",  "C",  "-",    "-"),
    Perm.CASE_ACT:           ("T",   "-",  "C",  "-",    "-"),
    Perm.CASE_ASSIGN:        ("-",   "-",  "C",  "-",    "-"),
    Perm.CASE_TRIAGE:        ("-",   "-",  "C",  "-",    "-"),
    Perm.CASE_CLOSE_REQUEST: ("T",   "-",  "-",  "-",    "-"),
    Perm.CASE_CLOSE_APPROVE: ("-",   "-",  "C",  "-",    "-"),
    Perm.DISPOSAL_HANDOVER:  ("T",   "-",  "C",  "-",    "-"),
    Perm.DISPOSAL_HANDOVER_APPROVE: ("-", "-", "C", "-", "-"),
    Perm.NOTICE_ISSUE:       ("T",   "C",  "C",  "-",    "-"),
    Perm.ASSET_CONTROL:      ("T",   "-",  "-",  "-",    "-"),
    Perm.ASSET_DISPOSE:      ("T",   "-",  "-",  "-",    "-"),
    Perm.FUNDS_RECORD:       ("-",   "-",  "-",  "C",    "-"),
    Perm.PAYOUT_PREPARE:     ("T",   "-",  "-",  "-",    "-"),
    Perm.PAYOUT_APPROVE:     ("-",   "-",  "C",  "C",    "-"),
    Perm.REPORT_VIEW:        ("-",   "-",  "R",  "-",    "-"),
    Perm.COURT_ADMIN:        ("-",   "-",  "-",  "-",    "C"),
    Perm.ROLE_CHANGE_APPROVE: ("-",  "-",  "C",  "-",    "C"),
    Perm.INQUIRY_RUN:        ("T",   "-",  "C",  "-",    "-"),
    Perm.INQUIRY_AUDIT:      ("-",   "-",  "R",  "-",    "-"),
    Perm.FUNDS_CLAIM:        ("T",   "-",  "C",  "-",    "-"),
    Perm.MESSAGING_MANAGE:   ("-",   "-",  "C",  "-",    "C"),
    Perm.CREDIT_PROPOSE:     ("T",   "-",  "C",  "-",    "-"),
    Perm.CREDIT_DECIDE:      ("-",   "-",  "C",  "-",    "-"),
    Perm.CREDIT_PUBLISH:     ("-",   "C",  "C",  "-",    "-"),
    Perm.REVIEW_HANDLE:      ("T",   "C",  "C",  "-",    "-"),
    Perm.REVIEW_RULE:        ("-",   "-",  "C",  "-",    "-"),
    Perm.DELEGATION_SEND:    ("T",   "-",  "C",  "-",    "-"),
    Perm.DELEGATION_RECEIVE: ("T",   "C",  "C",  "-",    "-"),
    Perm.SUPERVISION_ORDER:  ("-",   "-",  "R",  "-",    "-"),
    Perm.DISPATCH:           ("-",   "C",  "C",  "-",    "-"),
    Perm.RECEPTION_RECORD:   ("-",   "C",  "C",  "-",    "-"),
    Perm.EFILE_FILE:         ("T",   "C",  "C",  "-",    "-"),
    Perm.EFILE_ARCHIVE:      ("-",   "C",  "C",  "-",    "-"),
    Perm.DOCUMENT_SIGN:      ("T",   "C",  "C",  "-",    "-"),
    Perm.SIGNING_MANAGE:     ("-",   "-",  "-",  "-",    "C"),
}
ROLES = (Role.OFFICER, Role.CLERK, Role.CHIEF, Role.FINANCE, Role.COURT_ADMIN)
PLACES = ("own_team", "other_team", "other_court", "subordinate_court")
ALLOWED_PLACES = {
    "T": {"own_team"},
    "C": {"own_team", "other_team"},
    "R": {"own_team", "other_team", "subordinate_court"},
    "-": set(),
}


def test_table_covers_every_permission():
    assert set(EXPECTED) == set(Perm)


@pytest.fixture
def world(db):
    """A court with two teams, a subordinate court and an unrelated sibling court; the user sits at ``court``."""
    parent = Court.objects.create(code="甘", name="甘肃省高级人民法院", level=CourtLevel.HIGH)
    court = Court.objects.create(code="甘05", name="天水市中级人民法院", level=CourtLevel.INTERMEDIATE, parent=parent)
    sub = Court.objects.create(code="甘0503", name="麦积区人民法院", level=CourtLevel.BASIC, parent=court)
    sibling = Court.objects.create(code="甘06", name="武威市中级人民法院", level=CourtLevel.INTERMEDIATE, parent=parent)
    own = Team.objects.create(court=court, name="一组", kind=TeamKind.IMPLEMENTATION)
    other = Team.objects.create(court=court, name="二组", kind=TeamKind.IMPLEMENTATION)
    sub_team = Team.objects.create(court=sub, name="一组", kind=TeamKind.IMPLEMENTATION)
    sibling_team = Team.objects.create(court=sibling, name="一组", kind=TeamKind.IMPLEMENTATION)
    targets = {
        "own_team": Target(court.pk, own.pk),
        "other_team": Target(court.pk, other.pk),
        "other_court": Target(sibling.pk, sibling_team.pk),
        "subordinate_court": Target(sub.pk, sub_team.pk),
    }
    return court, own, targets


def _user(court, team, role):
    from accounts.models import User

    user = User.objects.create(username=f"u-{role}", court=court, roles=[role])
    user.teams.set([team])
    return user


@pytest.mark.parametrize("perm", list(Perm), ids=lambda p: p.value)
def test_role_policy(world, perm):
    """For this permission: every role x every place gives the answer in the table."""
    court, own_team, targets = world
    mismatches = []
    for role_index, role in enumerate(ROLES):
        user = _user(court, own_team, role)
        letter = EXPECTED[perm][role_index]
        for place in PLACES:
            expected = place in ALLOWED_PLACES[letter]
            if has_perm(user, perm, targets[place]) is not expected:
                mismatches.append(f"{role}@{place}: expected {'allow' if expected else 'deny'}")
        # Without a target the question is "does the role grant this anywhere": it drives the navigation.
        if has_perm(user, perm) is not (letter != "-"):
            mismatches.append(f"{role}: navigation grant wrong")
    assert not mismatches, mismatches


def test_multiple_roles_take_the_widest_scope(world):
    court, own_team, targets = world
    user = _user(court, own_team, Role.OFFICER)
    user.roles = [Role.OFFICER, Role.CHIEF]
    user.save()
    assert has_perm(user, Perm.CASE_ACT, targets["other_team"])  # chief's court scope beats officer's team scope
    assert has_perm(user, Perm.PAYOUT_PREPARE, targets["own_team"])  # officer's grant kept
    assert not has_perm(user, Perm.PAYOUT_PREPARE, targets["other_team"])


def test_handling_officer_reaches_own_case_outside_their_teams(world):
    court, own_team, targets = world
    user = _user(court, own_team, Role.OFFICER)
    foreign = Target(court.pk, targets["other_team"].team_id, officer_id=user.pk)
    assert has_perm(user, Perm.CASE_ACT, foreign)


def test_inactive_or_anonymous_users_get_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    court, own_team, targets = world
    user = _user(court, own_team, Role.CHIEF)
    user.is_active = False
    assert not has_perm(user, Perm.CASE_VIEW, targets["own_team"])
    assert not has_perm(AnonymousUser(), Perm.CASE_VIEW)


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_query_scope_agrees_with_object_check(org, make_case, role):
    """scope_q (the WHERE clause) and has_perm (the object check) give the same answer for every case."""
    from cases.services import PartyInput

    parties = [PartyInput(role="applicant", kind="person", name="甲"), PartyInput(role="respondent", kind="person", name="乙")]
    cases = [
        make_case(parties=parties, team=org.team, officer=org.officer),
        make_case(parties=parties, team=org.other_team, officer=org.colleague),
        make_case(parties=parties, court=org.other_court, team=org.foreign_team, officer=org.outsider),
    ]
    user = {Role.OFFICER: org.officer, Role.CLERK: org.clerk, Role.CHIEF: org.chief, Role.FINANCE: org.finance,
            Role.COURT_ADMIN: org.court_admin}[role]
    for perm in (Perm.CASE_VIEW, Perm.CASE_ACT, Perm.PAYOUT_APPROVE):
        by_query = set(Case.objects.filter(scope_q(user, perm)).values_list("pk", flat=True))
        by_object = {c.pk for c in cases if has_perm(user, perm, c)}
        assert by_query == by_object, perm


def test_supervisor_reads_subordinate_courts_but_cannot_act(org, make_case):
    case = make_case()
    assert has_perm(org.supervisor, Perm.CASE_VIEW, case)
    assert has_perm(org.supervisor, Perm.REPORT_VIEW, case)
    assert not has_perm(org.supervisor, Perm.CASE_ACT, case)
    assert not has_perm(org.supervisor, Perm.CASE_CLOSE_APPROVE, case)
    assert not has_perm(org.other_chief, Perm.CASE_VIEW, case)
