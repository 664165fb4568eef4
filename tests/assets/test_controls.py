from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assets import services
from assets.models import ControlMeasure, ControlStatus
from cases.models import CaseEvent
from core.models import CourtSetting

from .conftest import register_asset


def order(asset, actor, kind="freeze", ordered_on=None, **kw):
    return services.control_order(actor=actor, asset=asset, kind=kind, ordered_on=ordered_on or date(2026, 5, 10),
                                  ruling_number=kw.pop("ruling_number", "（2026）甘0503执1号之一"),
                                  assisting_body=kw.pop("assisting_body", "中国农业银行天水分行"), **kw)


@pytest.mark.parametrize(("kind", "measure", "expiry"), [
    ("bank_deposit", "freeze", date(2027, 5, 10)),
    ("wage_income", "freeze", date(2027, 5, 10)),
    ("vehicle", "detention", date(2028, 5, 10)),
    ("movable", "seizure", date(2028, 5, 10)),
    ("real_estate", "seizure", date(2029, 5, 10)),
    ("equity", "freeze", date(2029, 5, 10)),
])
def test_first_measure_takes_effect_with_term_by_asset_kind(org, case, kind, measure, expiry):
    asset = register_asset(case, org.officer, kind=kind)
    control = order(asset, org.officer, kind=measure)
    assert control.status == ControlStatus.ACTIVE
    assert control.effective_on == date(2026, 5, 10)
    assert control.expires_on == expiry
    assert control.team == org.team and control.controlled_by == org.officer
    assert CaseEvent.objects.filter(case=case, type="control_ordered").exists()


def test_court_counting_the_first_day_ends_the_term_a_day_earlier(org, case, deposit):
    CourtSetting.objects.create(court=org.court, key="control_count_start_day", value=True)
    assert order(deposit, org.officer).expires_on == date(2027, 5, 9)


def test_seizing_a_bank_deposit_is_refused_naming_the_kind(org, case, deposit):
    with pytest.raises(ValidationError) as exc:
        order(deposit, org.officer, kind="seizure")
    assert "kind" in exc.value.message_dict
    assert not ControlMeasure.objects.exists()


def test_shorter_term_in_the_ruling_is_kept_and_longer_refused(org, case, deposit):
    with pytest.raises(ValidationError) as exc:
        order(deposit, org.officer, requested_until=date(2027, 6, 1))
    assert "requested_until" in exc.value.message_dict
    assert order(deposit, org.officer, requested_until=date(2026, 11, 10)).expires_on == date(2026, 11, 10)


def test_second_seizure_queues_and_takes_effect_when_the_first_is_released(org, case, house):
    first = order(house, org.officer, kind="seizure", ordered_on=date(2026, 1, 5))
    second = order(house, org.officer, kind="seizure", ordered_on=date(2026, 2, 1), ruling_number="（2026）甘0503执9号")
    third = order(house, org.officer, kind="seizure", ordered_on=date(2026, 3, 1), ruling_number="（2026）甘0503执12号")
    assert [second.status, second.queue_rank, second.effective_on] == [ControlStatus.QUEUED, 2, None]
    assert third.queue_rank == 3

    services.control_release(actor=org.officer, control=first, released_on=date(2026, 6, 30), ground="debt_paid")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == ControlStatus.ACTIVE
    assert second.effective_on == date(2026, 6, 30)
    assert second.expires_on == date(2029, 6, 30)  # a full 3-year term from the day it took effect
    assert third.status == ControlStatus.QUEUED
    assert CaseEvent.objects.filter(case=case, type="control_took_effect").count() == 1


def test_releasing_a_queued_measure_does_not_touch_the_one_in_force(org, case, house):
    first = order(house, org.officer, kind="seizure", ordered_on=date(2026, 1, 5))
    second = order(house, org.officer, kind="seizure", ordered_on=date(2026, 2, 1))
    services.control_release(actor=org.officer, control=second, released_on=date(2026, 3, 1), ground="withdrawn")
    first.refresh_from_db()
    assert first.status == ControlStatus.ACTIVE and first.effective_on == date(2026, 1, 5)


def test_release_needs_a_statutory_ground_and_other_needs_an_explanation(org, case, deposit):
    control = order(deposit, org.officer)
    with pytest.raises(ValidationError) as exc:
        services.control_release(actor=org.officer, control=control, released_on=date(2026, 6, 1), ground="bored")
    assert "ground" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.control_release(actor=org.officer, control=control, released_on=date(2026, 6, 1), ground="other")
    assert "note" in exc.value.message_dict
    control.refresh_from_db()
    assert control.status == ControlStatus.ACTIVE


def test_renewal_before_expiry_extends_by_at_most_the_same_term(org, case, deposit, today):
    control = order(deposit, org.officer, ordered_on=today - timedelta(days=300))
    old_expiry = control.expires_on
    with pytest.raises(ValidationError) as exc:
        services.control_renew(actor=org.officer, control=control, renewed_on=today, ruling_number="续冻",
                               requested_until=old_expiry + timedelta(days=400))
    assert "requested_until" in exc.value.message_dict
    renewed = services.control_renew(actor=org.officer, control=control, renewed_on=today, ruling_number="续冻")
    assert renewed.expires_on.year == old_expiry.year + 1 and renewed.renewals == 1
    assert renewed.renewal_history.get().previous_expiry == old_expiry


def test_renewal_after_expiry_is_refused(org, case, deposit, today):
    control = order(deposit, org.officer, ordered_on=today - timedelta(days=400))
    with pytest.raises(ValidationError) as exc:
        services.control_renew(actor=org.officer, control=control, renewed_on=today, ruling_number="续冻")
    assert "renewed_on" in exc.value.message_dict


def test_lapse_scan_lapses_only_expired_measures_and_promotes_the_queue(org, case, house, deposit, today):
    old = order(house, org.officer, kind="seizure", ordered_on=today - timedelta(days=3 * 366 + 5))
    waiting = order(house, org.officer, kind="seizure", ordered_on=today - timedelta(days=100))
    fresh = order(deposit, org.officer, ordered_on=today - timedelta(days=10))
    assert services.controls_lapse_due(today) == 1
    old.refresh_from_db()
    waiting.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ControlStatus.LAPSED and old.lapsed_on == old.expires_on + timedelta(days=1)
    assert waiting.status == ControlStatus.ACTIVE and waiting.effective_on == old.lapsed_on
    assert fresh.status == ControlStatus.ACTIVE
    assert services.controls_lapse_due(today) == 0  # idempotent
    assert CaseEvent.objects.filter(case=case, type="control_lapsed").count() == 1


def test_lapse_scan_is_a_single_update_for_many_measures(org, case, today, django_assert_max_num_queries):
    for i in range(5):
        order(register_asset(case, org.officer, account_number=f"62284800000000000{i}"), org.officer,
              ordered_on=today - timedelta(days=400))
    with django_assert_max_num_queries(4):  # savepoint, UPDATE, queue check, release
        assert services.controls_lapse_due(today) == 5


@pytest.mark.parametrize("who", ["colleague", "outsider", "clerk", "finance"])
def test_only_the_case_team_may_order_a_measure(org, case, deposit, who):
    with pytest.raises(PermissionDenied):
        order(deposit, getattr(org, who))
    assert not ControlMeasure.objects.exists()


def test_outsider_cannot_release(org, case, deposit):
    control = order(deposit, org.officer)
    with pytest.raises(PermissionDenied):
        services.control_release(actor=org.outsider, control=control, released_on=date(2026, 6, 1),
                                 ground="debt_paid")
