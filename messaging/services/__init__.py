"""Writes of the messaging app: templates, the outbox (case events -> messages), sending, opt-outs."""

from .optouts import case_party_opt_out, inbound_reply, optout_record, optout_remove
from .outbox import outbox_dispatch, outbox_scan
from .sending import SendOutcome, message_send
from .templates import template_delete, template_preview, template_save

__all__ = [
    "SendOutcome", "case_party_opt_out", "inbound_reply", "message_send", "optout_record", "optout_remove",
    "outbox_dispatch", "outbox_scan", "template_delete", "template_preview", "template_save",
]
