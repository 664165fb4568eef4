"""Signals other apps may listen to (higher floors react to a case's facts without the cases app importing them).

``case_closed``: sent inside the closing transaction, after the case row is saved, with ``case``, ``mode``, ``on``
(the closure date) and ``actor``. A receiver's error rolls the closure back: receivers must only do what belongs to
the closure (the credit app opens the removal of listings and restrictions, domain.md §3.5-3.6).
"""

from django.dispatch import Signal

case_closed = Signal()
