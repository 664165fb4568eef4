from datetime import date

import pytest

from deadlines.models import Deadline


@pytest.fixture
def deadline_of():
    def _get(source, kind, seq=0, source_type=None):
        st = source_type or {"Case": "case", "Lead": "lead", "Petition": "petition", "ControlMeasure": "control",
                             "LedgerEntry": "ledger_entry", "SettlementInstalment": "instalment",
                             "CaseParty": "case_party", "Objection": "asset_objection",
                             "AuctionRound": "auction_round"}[type(source).__name__]
        return Deadline.objects.get(source_type=st, source_id=source.pk, kind=kind, seq=seq)
    return _get


TODAY = date(2026, 3, 10)


@pytest.fixture
def make_case_committed(org_committed):
    """``make_case`` for transactional tests (committed rows, several connections)."""
    from tests.conftest import make_case

    return make_case.__wrapped__(org_committed)


@pytest.fixture(autouse=True)
def official_holidays(request):
    """The national calendar comes from a data migration; transactional tests flush it, so reload it (idempotent)."""
    marker = request.node.get_closest_marker("django_db")
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    from deadlines.services import holidays_load_official

    holidays_load_official()
