"""Two clerks accepting at once, two sends of freezes at once: the row locks let exactly one through."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Role
from delegation import services
from delegation.models import Delegation
from tests.conftest import make_case, make_user


def _race(n, work):
    barrier, results = threading.Barrier(n), []

    def run(i):
        try:
            barrier.wait()
            work(i)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_at_once_accept_once(org_committed):
    org = org_committed
    case = make_case.__wrapped__(org)()
    clerks = [make_user(f"qzclerk{i}", org.other_court, [Role.CLERK]) for i in range(2)]
    d = services.delegation_create(actor=org.officer, case=case, kind="serve", receiving_court=org.other_court,
                                   instructions="送达")
    d = services.delegation_send(actor=org.officer, delegation=d)
    results = _race(2, lambda i: services.delegation_accept(actor=clerks[i], delegation=d, team=org.foreign_team))
    assert results == ["ok", "refused"]
    d.refresh_from_db()
    assert d.status == "accepted" and d.events.filter(type="accepted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_freezes_cannot_together_exceed_the_claim(org_committed):
    org = org_committed
    case = make_case.__wrapped__(org)()  # claim 100,000.00

    def work(i):
        d = services.delegation_create(actor=org.officer, case=case, kind="freeze", receiving_court=org.other_court,
                                       instructions="冻结", amount="60000.00")
        services.delegation_send(actor=org.officer, delegation=d)

    assert _race(3, work) == ["ok", "refused", "refused"]
    total = sum((d.amount for d in Delegation.objects.filter(case=case)), Decimal("0"))
    assert total == Decimal("60000.00")
