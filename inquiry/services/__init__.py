"""Writes of the inquiry app (HackSoft services): batches, their export, the access log."""

from .access import access_log_record, access_log_record_many
from .batches import ControlLine, batch_cancel, batch_create, batch_require, outstanding_claim
from .export import BatchExport, batch_export, build_zip

__all__ = ["BatchExport", "ControlLine", "access_log_record", "access_log_record_many", "batch_cancel",
           "batch_create", "batch_export", "batch_require", "build_zip", "outstanding_claim"]
