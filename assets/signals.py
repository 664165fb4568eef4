"""Signals other apps may listen to (higher floors react without the assets app importing them).

``receipt_recorded``: sent inside the receipt's transaction, after the case's recovered amount was updated, with
``case`` (its ``amount_recovered`` current), ``entry`` and ``actor``. A receiver's error rolls the receipt back: the
credit app only opens the removal of a listing whose debtor has now paid in full (domain.md §3.5).
"""

from django.dispatch import Signal

receipt_recorded = Signal()
