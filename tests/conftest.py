"""Shared fixtures: a small court organisation with an owner, a colleague and an outsider for every check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import Court, CourtLevel, Role, Team, TeamKind, User

# Property tests everywhere: no per-example deadline (the 2-core CI machine runs two pytest workers, Celery workers and
# Chromium side by side; a slow example is not a failure), as tests/rules/helpers.PROPERTY already does.
hypothesis_settings.register_profile("court", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("court")

PASSWORD = "Test-password-2026"


def pytest_configure(config):
    # PBKDF2 with Django's default work factor costs ~0.5 s a user; tests create many users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_xdist_setupnodes(config, specs):
    """Under pytest-xdist (scripts/test.sh runs ``-n``): each worker its own Redis cache and broker databases and
    var directory, set in its environment before Django's settings are read (tests/xdist_isolation.py)."""
    from tests.xdist_isolation import worker_env

    for spec in specs:
        spec.env.update(worker_env(spec.id))


@dataclass
class Org:
    high: Court
    intermediate: Court
    court: Court  # the court under test (甘0503)
    other_court: Court  # a sibling court (甘0502)
    team: Team
    other_team: Team
    foreign_team: Team
    officer: User  # member of ``team``
    colleague: User  # officer in ``other_team``, same court
    outsider: User  # officer at ``other_court``
    clerk: User
    chief: User
    finance: User
    court_admin: User
    supervisor: User  # chief at the intermediate court
    other_chief: User  # chief at ``other_court``


def make_user(username: str, court: Court, roles: list[str], teams=(), **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, court=court, roles=[str(r) for r in roles],
                                    full_name=extra.pop("full_name", username), **extra)
    if teams:
        user.teams.set(teams)
    return user


@pytest.fixture
def org(db) -> Org:
    high = Court.objects.create(code="甘", name="甘肃省高级人民法院", level=CourtLevel.HIGH, admin_division_code="620000")
    mid = Court.objects.create(code="甘05", name="甘肃省天水市中级人民法院", level=CourtLevel.INTERMEDIATE, parent=high,
                               admin_division_code="620500")
    court = Court.objects.create(code="甘0503", name="天水市麦积区人民法院", level=CourtLevel.BASIC, parent=mid,
                                 admin_division_code="620503", fund_account_name="天水市麦积区人民法院执行款专户",
                                 fund_account_bank="中国工商银行天水麦积支行", fund_account_number="2705020109000012345")
    other = Court.objects.create(code="甘0502", name="天水市秦州区人民法院", level=CourtLevel.BASIC, parent=mid,
                                 admin_division_code="620502")
    team = Team.objects.create(court=court, name="执行实施一组", kind=TeamKind.IMPLEMENTATION)
    other_team = Team.objects.create(court=court, name="执行实施二组", kind=TeamKind.IMPLEMENTATION)
    foreign_team = Team.objects.create(court=other, name="执行实施组", kind=TeamKind.IMPLEMENTATION)
    officer = make_user("officer", court, [Role.OFFICER], [team], full_name="郑强")
    team.leader = officer
    team.save()
    return Org(
        high=high, intermediate=mid, court=court, other_court=other, team=team, other_team=other_team,
        foreign_team=foreign_team, officer=officer,
        colleague=make_user("colleague", court, [Role.OFFICER], [other_team], full_name="陈刚"),
        outsider=make_user("outsider", other, [Role.OFFICER], [foreign_team], full_name="何平"),
        clerk=make_user("clerk", court, [Role.CLERK], full_name="孙丽"),
        chief=make_user("chief", court, [Role.CHIEF], full_name="王建国"),
        finance=make_user("finance", court, [Role.FINANCE], full_name="赵红梅"),
        court_admin=make_user("courtadmin", court, [Role.COURT_ADMIN], is_staff=True, full_name="李明远"),
        supervisor=make_user("supervisor", mid, [Role.CHIEF], full_name="刘振华"),
        other_chief=make_user("otherchief", other, [Role.CHIEF], full_name="马超"),
    )


@pytest.fixture
def make_case(org):
    """Register a case through the real service. Returns a function taking overrides."""
    from cases.services import PartyInput, case_register

    def _make(*, court=None, team=None, officer=None, actor=None, principal="100000.00", parties=None, **kw):
        court = court or org.court
        actor = actor or (org.clerk if court == org.court else make_user(f"clerk{court.pk}x", court, [Role.CLERK]))
        if parties is None:
            parties = [
                PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                           id_number="11010519491231002X", phones=["13800000001"], address="甘肃省天水市麦积区桥南路1号"),
                PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                           id_number="91110108551385082Q", address="甘肃省天水市麦积区马跑泉路8号"),
            ]
        defaults = dict(
            case_type="执", received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4), basis_kind="judgment",
            basis_issuer="天水市麦积区人民法院", basis_number="（2025）甘0503民初456号",
            basis_effective_on=date(2025, 12, 1), basis_due_on=date(2025, 12, 31), principal=Decimal(principal),
        )
        defaults.update(kw)
        if team is None and officer is None and court == org.court:
            team, officer = org.team, org.officer
        return case_register(actor=actor, court=court, team=team, officer=officer, parties=parties, **defaults)

    return _make


def login(client, user: User) -> None:
    client.force_login(user)


@pytest.fixture
def org_committed(transactional_db):
    """The same organisation, for tests that use several connections (threads) and need committed rows."""
    return org.__wrapped__(transactional_db)


@pytest.fixture
def official_calendar(request):
    """The national holiday calendar (State Council notices) in the ``Holiday`` table, for tests whose dates depend on
    it. A data migration loads it, but every transactional test flushes the tables when it ends, so a test that runs
    after one (any order, any xdist worker, a reused database) would see no holidays: load it here (idempotent)."""
    marker = request.node.get_closest_marker("django_db")
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    from deadlines.services import holidays_load_official

    holidays_load_official()
