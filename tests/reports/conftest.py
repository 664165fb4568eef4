import pytest

from reports.periods import Period
from reports.selectors import ReportScope


@pytest.fixture
def year2025():
    return Period("year", __import__("datetime").date(2025, 1, 1), __import__("datetime").date(2025, 12, 31))


@pytest.fixture
def court_scope(org):
    return ReportScope(court=org.court)
