"""Fixtures for delegation tests: the court under test (甘0503) sends, its sibling (甘0502) receives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from tests.conftest import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="委托材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def other_clerk(org):
    return make_user("otherclerk", org.other_court, [Role.CLERK], full_name="周敏")


@pytest.fixture
def case(make_case):
    return make_case(principal="100000.00")


@pytest.fixture
def send(org, case):
    """A step delegation from the officer's case to the sibling court, sent."""
    from delegation.services import delegation_create, delegation_send

    def _send(kind="investigate", amount=None, actor=None, to=None, papers=None, **kw):
        d = delegation_create(actor=actor or org.officer, case=kw.pop("case", case), kind=kind,
                              receiving_court=to or org.other_court, instructions="调查被执行人在秦州区的房产情况",
                              amount=amount, papers=papers if papers is not None else [pdf()], **kw)
        return delegation_send(actor=actor or (org.chief if kind == "whole_case" else org.officer), delegation=d)

    return _send


ZERO = Decimal("0.00")
