"""What the credit app does when a case's facts change (cases.signals)."""

from __future__ import annotations


def on_case_closed(sender, *, case, mode, on, actor, **kwargs) -> None:
    """A closure as fulfilled, 终结 or 不予执行 is a removal ground: open the removal of the case's measures in
    force, in the closing transaction (due within 3 working days of the closure)."""
    from .services.removal import removal_grounds_sync

    removal_grounds_sync(case=case, actor=actor)
