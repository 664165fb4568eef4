"""The structured export of a delegation (docs/exchange.md, "Delegation between courts"; JSON schema
docs/exchange/delegation.schema.json): what a court outside the system gets with the letter, and what the
receiving side of the system reads. Only what the request shares: never the sending case's other records."""

from __future__ import annotations

from .models import Delegation, PaperSide

FORMAT = "enf.delegation"
VERSION = 1


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def delegation_export(d: Delegation) -> dict:
    case = d.case
    sender = d.sending_court
    papers = list(d.papers.all())
    out = {
        "format": FORMAT,
        "version": VERSION,
        "letter": {
            "number": d.number,
            "kind": d.kind,
            "kind_label": str(d.get_kind_display()),
            "sent_on": d.sent_on.isoformat() if d.sent_on else None,
            "instructions": d.instructions,
            "amount": _money(d.amount),
            "start_within_days": 15,
            "report_within_days": 30,
        },
        "sending_court": {"code": sender.code, "name": sender.name, "address": sender.address or "",
                          "phone": sender.phone or ""},
        "receiving_court": ({"code": d.receiving_court.code, "name": d.receiving_court.name,
                             "address": d.receiving_court.address or ""} if d.receiving_court_id else
                            {"code": None, "name": d.external_court_name, "address": d.external_court_address}),
        "case": {
            "number": case.number,
            "basis": {"kind": case.basis_kind, "issuer": case.basis_issuer, "number": case.basis_number,
                      "effective_on": case.basis_effective_on.isoformat()},
            "amount_claimed": _money(case.amount_claimed),
            "amount_outstanding": _money(max(case.amount_claimed - case.amount_recovered, 0)),
        },
        "subjects": [{"role": s.get("role", ""), "kind": s.get("kind", ""), "name": s.get("name", ""),
                      "id_kind": s.get("id_kind", ""), "id_number": s.get("id_number", ""),
                      "address": s.get("address", "")} for s in d.subjects],
        "contact": {"name": d.contact_name, "phone": d.contact_phone},
        "papers": [{"side": p.side, "name": p.original_name, "content_type": p.content_type, "size": p.size,
                    "sha256": p.sha256} for p in papers if p.side == PaperSide.REQUEST],
        "reply": None,
    }
    if d.answered_on:
        out["reply"] = {"answered_on": d.answered_on.isoformat(), "outcome": d.outcome, "result": d.result,
                        "papers": [{"side": p.side, "name": p.original_name, "content_type": p.content_type,
                                    "size": p.size, "sha256": p.sha256} for p in papers
                                   if p.side == PaperSide.REPLY]}
    return out
