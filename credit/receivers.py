"""What the credit app does when a case's facts change (cases.signals)."""

from __future__ import annotations


def on_case_closed(sender, *, case, mode, on, actor, **kwargs) -> None:
    """A closure as fulfilled, 终结 or 不予执行 is a removal ground: open the removal of the case's measures in
    force, in the closing transaction (due within 3 working days of the closure). Proposals not yet decided lapse."""
    from .services.measures import proposals_withdraw
    from .services.removal import removal_grounds_sync

    proposals_withdraw(case=case, actor=actor)
    removal_grounds_sync(case=case, actor=actor)


def on_receipt_recorded(sender, *, case, entry, actor, **kwargs) -> None:
    """A receipt that pays the claim in full is a removal ground: open it at once, in the receipt's transaction
    (the hourly scan would find it too, later)."""
    if case.amount_claimed > 0 and case.amount_recovered >= case.amount_claimed:
        from .services.removal import removal_grounds_sync

        removal_grounds_sync(case=case, actor=actor)
