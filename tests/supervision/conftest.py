from datetime import timedelta

import pytest
from django.utils import timezone

from supervision.models import DutyShift


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def foreign_case(org, make_case):
    """A case of the sibling court 甘0502."""
    return make_case(court=org.other_court, team=org.foreign_team, officer=org.outsider)


@pytest.fixture
def on_duty(org):
    """The officer is on duty from an hour ago for eight hours; the colleague is not on the roster."""
    now = timezone.now()
    return DutyShift.objects.create(court=org.court, officer=org.officer, starts_at=now - timedelta(hours=1),
                                    ends_at=now + timedelta(hours=7), created_by=org.clerk)
