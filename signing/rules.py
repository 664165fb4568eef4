"""Which document types carry the court's seal and who signs them, by default (a court changes it per type on the
signing page; its rows are ``SigningPolicy``). Pure data: no queries.

Rulings and decisions that restrict the debtor (裁定书, 失信决定书, 限制消费令) and the 督办函 are signed by the chief; the
notices and requests for assistance by the officer or the chief. The 案款领取收据 (payout receipt) is an internal slip
the payee signs: it carries no seal. Types not listed (a test type, a type added later) carry no seal until the court
configures them.
"""

from __future__ import annotations

# code: printed name (documents' titles are Chinese and never translated)
TYPES: dict[str, str] = {
    "control_ruling": "执行裁定书（控制）",
    "release_ruling": "执行裁定书（解除）",
    "zhongben_ruling": "执行裁定书（终本）",
    "dishonest_decision": "纳入失信被执行人名单决定书",
    "consumption_order": "限制消费令",
    "enforcement_notice": "执行通知书",
    "asset_report_order": "报告财产令",
    "acceptance_notice": "执行案件受理通知书",
    "risk_notice": "执行风险告知书",
    "assist_bank": "协助执行通知书（银行）",
    "assist_employer": "协助执行通知书（工作单位）",
    "assist_registry": "协助执行通知书（不动产登记）",
    "closure_notice": "结案通知书",
    "performance_certificate": "自动履行证明书",
    "payout_notice": "案款发放通知书",
    "payout_receipt": "案款领取收据",
    "supervision_letter": "督办函",
}

ROLES = ("officer", "clerk", "chief")  # the roles holding Perm.DOCUMENT_SIGN (accounts/policy.py)

CHIEF_ONLY = ("chief",)
OFFICER_OR_CHIEF = ("officer", "chief")
UNSEALED = frozenset({"payout_receipt"})
CHIEF_TYPES = frozenset({"dishonest_decision", "consumption_order", "supervision_letter"})


def default(doc_type: str) -> tuple[bool, tuple[str, ...]]:
    """(sealed, roles) for a type the court has not configured."""
    if doc_type not in TYPES or doc_type in UNSEALED:
        return False, ()
    if doc_type.endswith("_ruling") or doc_type in CHIEF_TYPES:
        return True, CHIEF_ONLY
    return True, OFFICER_OR_CHIEF
