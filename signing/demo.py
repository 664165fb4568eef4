"""Demo data: the demo certificate authority and a certificate per court, so documents issued by the demo seed are
signed (signing runs before notices in core's DEMO_APPS)."""

from __future__ import annotations


def seed(org, *, seed: int, cases: int) -> str:
    from .setup import ensure_demo

    created, given = ensure_demo()
    return f"demo CA {'created' if created else 'present'}, {len(given)} court certificate(s) issued"
