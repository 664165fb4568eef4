"""The expiring-controls list reads copies of the case's team and officer on each measure (for its indexes): they are
set when the measure is ordered and follow the case when it is reassigned, so who sees a measure never changes."""

from __future__ import annotations

from datetime import timedelta

from assets import selectors, services
from assets.models import ControlMeasure
from cases.services import case_assign

from .conftest import register_asset

YEARS = 3650


def freeze(case, org, today, n=1, days_ago=10):
    controls = []
    for i in range(n):
        asset = register_asset(case, org.officer, account_number=f"62284800000000{i:05d}", description=f"存款{i}")
        controls.append(services.control_order(
            actor=org.officer, asset=asset, kind="freeze", ordered_on=today - timedelta(days=days_ago + i),
            ruling_number=f"（2026）甘0503执1号之{i}", assisting_body="中国农业银行天水分行"))
    return controls


def listed(user, **kw):
    return [c.pk for c in selectors.controls_expiring_window(user=user, within_days=YEARS, **kw)]


def test_measure_copies_the_case_team_and_officer_and_follows_reassignment(org, make_case, today):
    case = make_case()
    (control,) = freeze(case, org, today)
    control.refresh_from_db()
    assert (control.case_team_id, control.case_officer_id) == (org.team.pk, org.officer.pk)
    assert listed(org.officer) == [control.pk] and listed(org.colleague) == [] and listed(org.outsider) == []
    assert listed(org.chief) == [control.pk]

    case_assign(actor=org.chief, case=case, team=org.other_team, officer=org.colleague, reason="调整")
    control.refresh_from_db()
    assert (control.case_team_id, control.case_officer_id) == (org.other_team.pk, org.colleague.pk)
    assert listed(org.officer) == [] and listed(org.colleague) == [control.pk]
    # The controlling team (who ordered the freeze) is history and does not move.
    assert control.team_id == org.team.pk


def test_officer_sees_cases_they_handle_outside_their_teams_once_and_in_expiry_order(org, make_case, today):
    own_team = make_case()
    handled_elsewhere = make_case()
    a = freeze(own_team, org, today, n=3)
    # Handled by the officer with no team: only the "cases I handle" arm of the policy reaches it.
    case_assign(actor=org.chief, case=handled_elsewhere, team=None, officer=org.officer, reason="个人承办")
    b = freeze(handled_elsewhere, org, today, n=2, days_ago=5)
    expected = [c.pk for c in sorted(ControlMeasure.objects.filter(pk__in=[x.pk for x in a + b]),
                                     key=lambda c: (c.expires_on, c.pk))]
    assert listed(org.officer) == expected  # each once, soonest first
    assert listed(org.colleague) == []
    # Paging across both arms: pages of 2 give the same order, and say whether there is more.
    first = selectors.controls_expiring_window(user=org.officer, within_days=YEARS, page=1, size=2)
    third = selectors.controls_expiring_window(user=org.officer, within_days=YEARS, page=3, size=2)
    assert [c.pk for c in first] == expected[:2] and first.has_next
    assert [c.pk for c in third] == expected[4:] and not third.has_next
    # The same as the plain query the API pages through.
    api = list(selectors.controls_expiring(user=org.officer, within_days=YEARS).values_list("pk", flat=True))
    assert api == expected
