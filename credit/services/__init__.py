"""Writes of the credit app: measures (propose, approve, decide, serve, publish), removal, corrections."""

from .corrections import correction_fix, correction_review, correction_submit  # noqa: F401
from .measures import (  # noqa: F401
    measure_approve, measure_decide, measure_propose, measure_publish, measure_reject, measure_serve,
)
from .removal import measure_remove, removal_grounds_sync, removal_open  # noqa: F401
