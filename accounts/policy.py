"""The permission policy: the one place that says who may do what, and on which records.

Every page and every API endpoint asks the same two questions of this module:

* ``has_perm(user, perm, target=None)`` - may this user do this (on this record)?
* ``scope_q(user, perm, ...)`` - which rows may this user see or act on, as a ``Q`` for the query's own WHERE clause.

A grant is a permission with a scope. Scopes widen in this order:

* ``TEAM``  - records of a team the user belongs to, or records the user handles personally;
* ``COURT`` - every record of the user's own court;
* ``TREE``  - every record of the user's court and of its subordinate courts (a superior court's supervision, read only).

A user with several roles gets, for each permission, the widest scope any of the roles grants.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Role


class Perm(str, enum.Enum):
    CASE_VIEW = "case.view"
    CASE_REGISTER = "case.register"
    CASE_EDIT = "case.edit"
    CASE_ACT = "case.act"  # log enforcement actions, leads, petitions, settlements on a case
    CASE_ASSIGN = "case.assign"
    CASE_TRIAGE = "case.triage"  # override the simple/complex stream
    CASE_CLOSE_REQUEST = "case.close_request"
    CASE_CLOSE_APPROVE = "case.close_approve"
    NOTICE_ISSUE = "notice.issue"
    ASSET_CONTROL = "asset.control"
    ASSET_DISPOSE = "asset.dispose"  # on a disposal: only by the team its case's assets were handed over to
    DISPOSAL_HANDOVER = "disposal.handover"  # hand a case's assets over to a disposal team (移交处置)
    DISPOSAL_HANDOVER_APPROVE = "disposal.handover_approve"
    FUNDS_RECORD = "funds.record"
    PAYOUT_PREPARE = "payout.prepare"
    PAYOUT_APPROVE = "payout.approve"
    REPORT_VIEW = "report.view"
    COURT_ADMIN = "court.admin"
    ROLE_CHANGE_APPROVE = "role.change_approve"  # the second person on a role change (never the requester or subject)
    INQUIRY_RUN = "inquiry.run"  # build and export network inquiry batches, import results, accept rows (网络查控)
    INQUIRY_AUDIT = "inquiry.audit"  # read the inquiry access log (who looked at whose financial data)
    FUNDS_CLAIM = "funds.claim"  # claim unidentified money (不明款) for a case; finance confirms (FUNDS_RECORD)
    MESSAGING_MANAGE = "messaging.manage"  # the court's message templates and settings (SMS / e-mail to parties)
    CREDIT_PROPOSE = "credit.propose"  # propose a 失信 listing / 限制消费 order, or a removal / lifting, on a case
    CREDIT_DECIDE = "credit.decide"  # approve (as the second person) listings, orders, removals; review corrections
    CREDIT_PUBLISH = "credit.publish"  # record service and publication; export the national-list register
    REVIEW_HANDLE = "review.handle"  # register objections and reconsiderations (执异/执复), record hearings, draft rulings
    REVIEW_RULE = "review.rule"  # rule on an objection or reconsideration (the panel's presiding judge / chief)
    DELEGATION_SEND = "delegation.send"  # send an enforcement step or a whole case to another court (委托)
    DELEGATION_RECEIVE = "delegation.receive"  # accept, carry out and answer another court's delegated step
    SUPERVISION_ORDER = "supervision.order"  # open a supervision order (督办) on a case, here or in a lower court
    DISPATCH = "supervision.dispatch"  # command centre (指挥中心 / 执行110): dispatch urgent reports to the duty officer
    RECEPTION_RECORD = "supervision.reception"  # record the bureau chief's reception day (局长接待日)
    EFILE_FILE = "efile.file"  # file scans into a case's electronic file (电子卷宗), order its catalogue
    EFILE_ARCHIVE = "efile.archive"  # produce and freeze the archive volume of a closed case (立卷归档)
    DOCUMENT_SIGN = "document.sign"  # sign generated documents with the court's seal (per document type: signing app)
    SIGNING_MANAGE = "signing.manage"  # the court's signing certificate and who signs which document type

    def __str__(self) -> str:
        return self.value


class Scope(enum.IntEnum):
    TEAM = 1
    COURT = 2
    TREE = 3


_T, _C, _TREE = Scope.TEAM, Scope.COURT, Scope.TREE

ROLE_GRANTS: dict[str, dict[Perm, Scope]] = {
    Role.OFFICER: {
        Perm.CASE_VIEW: _T,
        Perm.CASE_EDIT: _T,
        Perm.CASE_ACT: _T,
        Perm.DISPOSAL_HANDOVER: _T,
        Perm.CASE_CLOSE_REQUEST: _T,
        Perm.NOTICE_ISSUE: _T,
        Perm.ASSET_CONTROL: _T,
        Perm.ASSET_DISPOSE: _T,
        # No FUNDS_RECORD: receipts (到账登记) and their reversals (冲正) are the finance office's work.
        Perm.PAYOUT_PREPARE: _T,
        Perm.INQUIRY_RUN: _T,
        Perm.FUNDS_CLAIM: _T,
        Perm.CREDIT_PROPOSE: _T,
        Perm.REVIEW_HANDLE: _T,
        Perm.DELEGATION_SEND: _T,
        Perm.DELEGATION_RECEIVE: _T,
        Perm.EFILE_FILE: _T,
        Perm.DOCUMENT_SIGN: _T,
    },
    Role.CLERK: {
        Perm.CASE_VIEW: _C,
        Perm.CASE_REGISTER: _C,
        Perm.CASE_EDIT: _C,
        Perm.NOTICE_ISSUE: _C,
        Perm.CREDIT_PUBLISH: _C,
        Perm.REVIEW_HANDLE: _C,
        Perm.DELEGATION_RECEIVE: _C,
        Perm.DISPATCH: _C,
        Perm.RECEPTION_RECORD: _C,
        Perm.EFILE_FILE: _C,
        Perm.EFILE_ARCHIVE: _C,
        Perm.DOCUMENT_SIGN: _C,
    },
    Role.CHIEF: {
        Perm.CASE_VIEW: _TREE,
        Perm.CASE_REGISTER: _C,
        Perm.CASE_EDIT: _C,
        Perm.CASE_ACT: _C,
        Perm.CASE_ASSIGN: _C,
        Perm.CASE_TRIAGE: _C,
        Perm.CASE_CLOSE_APPROVE: _C,
        Perm.NOTICE_ISSUE: _C,
        Perm.PAYOUT_APPROVE: _C,
        Perm.REPORT_VIEW: _TREE,
        Perm.DISPOSAL_HANDOVER: _C,
        Perm.DISPOSAL_HANDOVER_APPROVE: _C,
        Perm.ROLE_CHANGE_APPROVE: _C,
        Perm.INQUIRY_RUN: _C,
        Perm.INQUIRY_AUDIT: _TREE,
        Perm.FUNDS_CLAIM: _C,
        Perm.MESSAGING_MANAGE: _C,
        Perm.CREDIT_PROPOSE: _C,
        Perm.CREDIT_DECIDE: _C,
        Perm.CREDIT_PUBLISH: _C,
        Perm.REVIEW_HANDLE: _C,
        Perm.REVIEW_RULE: _C,
        Perm.DELEGATION_SEND: _C,
        Perm.DELEGATION_RECEIVE: _C,
        Perm.SUPERVISION_ORDER: _TREE,
        Perm.DISPATCH: _C,
        Perm.RECEPTION_RECORD: _C,
        Perm.EFILE_FILE: _C,
        Perm.EFILE_ARCHIVE: _C,
        Perm.DOCUMENT_SIGN: _C,
    },
    Role.FINANCE: {
        Perm.CASE_VIEW: _C,
        Perm.FUNDS_RECORD: _C,
        Perm.PAYOUT_APPROVE: _C,
    },
    Role.COURT_ADMIN: {
        Perm.COURT_ADMIN: _C,
        Perm.ROLE_CHANGE_APPROVE: _C,
        Perm.MESSAGING_MANAGE: _C,
        Perm.SIGNING_MANAGE: _C,
    },
}


class PolicyTarget(Protocol):
    """Anything the policy can judge: a case, or a record that belongs to one, exposes these three ids."""

    def policy_target(self) -> "Target": ...


@dataclass(frozen=True)
class Target:
    court_id: int | None
    team_id: int | None = None
    officer_id: int | None = None


def _as_target(obj) -> Target:
    if obj is None or isinstance(obj, Target):
        return obj
    return obj.policy_target()


def granted_scope(user, perm: Perm) -> Scope | None:
    """The widest scope any of the user's roles grants for ``perm``, or None."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Scope.TREE
    scopes = [ROLE_GRANTS.get(role, {}).get(perm) for role in (user.roles or [])]
    scopes = [s for s in scopes if s is not None]
    return max(scopes) if scopes else None


def _team_ids(user) -> set[int]:
    cached = getattr(user, "_policy_team_ids", None)
    if cached is None:
        cached = set(user.teams.values_list("id", flat=True))
        user._policy_team_ids = cached
    return cached


def _tree_court_ids(user) -> list[int]:
    cached = getattr(user, "_policy_tree_ids", None)
    if cached is None:
        cached = user.court.descendant_ids() if user.court_id else []
        user._policy_tree_ids = cached
    return cached


def has_perm(user, perm: Perm, target=None) -> bool:
    """May ``user`` do ``perm``; with a target, on that record."""
    scope = granted_scope(user, perm)
    if scope is None:
        return False
    if user.is_superuser:
        return True
    target = _as_target(target)
    if target is None:
        return True
    if scope == Scope.TREE:
        return target.court_id in _tree_court_ids(user)
    if target.court_id != user.court_id:
        return False
    if scope == Scope.COURT:
        return True
    return target.officer_id == user.pk or (target.team_id is not None and target.team_id in _team_ids(user))


def require(user, perm: Perm, target=None) -> None:
    """Raise PermissionDenied unless ``has_perm``; used by services, so no caller can skip the check."""
    if not has_perm(user, perm, target):
        raise PermissionDenied(_("You do not have permission to do this."))


def scope_q(user, perm: Perm, *, court: str = "court", team: str | None = "team", officer: str | None = "officer") -> Q:
    """A filter for the rows ``user`` may reach with ``perm``; field paths are given relative to the queried model."""
    scope = granted_scope(user, perm)
    if scope is None:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    if scope == Scope.TREE:
        return Q(**{f"{court}_id__in": _tree_court_ids(user)})
    q = Q(**{f"{court}_id": user.court_id})
    if scope == Scope.COURT:
        return q
    reach = Q(pk__in=[])
    if team:
        reach |= Q(**{f"{team}_id__in": list(_team_ids(user))})
    if officer:
        reach |= Q(**{f"{officer}_id": user.pk})
    return q & reach


def user_perms(user) -> set[str]:
    """Every permission the user holds somewhere: drives the navigation."""
    return {p.value for p in Perm if granted_scope(user, p) is not None}
