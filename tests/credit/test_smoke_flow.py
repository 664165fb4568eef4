from datetime import timedelta

import pytest
from django.utils import timezone

from credit import services
from credit.models import MeasureStatus

pytestmark = pytest.mark.django_db


def test_listing_runs_from_proposal_to_removal(org, listed):
    m = listed("published")
    assert m.status == MeasureStatus.PUBLISHED
    m.case_party.refresh_from_db()
    assert m.case_party.dishonest_listed_on == m.decided_on
    m = services.removal_open(actor=org.officer, measure=m, ground="applicant", note="申请人2026年12月1日书面申请")
    assert m.status == MeasureStatus.REMOVAL_OPEN and m.removal_due_on > m.removal_arose_on
    m = services.measure_remove(actor=org.chief, measure=m)
    assert m.status == MeasureStatus.REMOVED and m.removed_on == timezone.localdate()
    m.case_party.refresh_from_db()
    assert m.case_party.dishonest_removed_on == timezone.localdate()


def test_correction_submit_from_the_portal_needs_no_staff_user(listed):
    m = listed("published")
    req = services.correction_submit(measure=m, name="李四", phone="13900000000", grounds="已履行完毕", channel="portal")
    assert req.submitted_by is None and req.received_on == timezone.localdate() - timedelta(days=0)
