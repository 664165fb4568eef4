"""Timeline entries of the credit app (cases.events.event_log): one function per step, types prefixed ``credit_``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.events import event_log


def _who(measure) -> str:
    return measure.case_party.party.name


def measure_step(*, measure, actor, step: str, text: str = "") -> None:
    labels = {
        "proposed": _("%(kind)s proposed for %(name)s"),
        "approved": _("%(kind)s for %(name)s approved"),
        "rejected": _("%(kind)s for %(name)s rejected"),
        "decided": _("%(kind)s for %(name)s decided (%(number)s)"),
        "served": _("%(kind)s decision for %(name)s served"),
        "published": _("%(kind)s of %(name)s published"),
        "removal_open": _("%(kind)s of %(name)s: removal due (%(ground)s)"),
        "removed": _("%(kind)s of %(name)s removed"),
        "corrected": _("%(kind)s of %(name)s corrected"),
    }
    summary = labels[step] % {"kind": measure.get_kind_display(), "name": _who(measure),
                              "number": measure.document_number, "ground": measure.get_removal_ground_display()}
    if text:
        summary = f"{summary}: {text}"
    event_log(case=measure.case, type=f"credit_{step}", actor=actor, summary=summary, measure_id=measure.pk,
              kind=measure.kind, case_party_id=measure.case_party_id)


def correction_step(*, request, actor, step: str) -> None:
    labels = {
        "received": _("Correction request from %(name)s received"),
        "well_founded": _("Correction request from %(name)s found well founded"),
        "rejected": _("Correction request from %(name)s rejected"),
        "corrected": _("Correction request from %(name)s: entry corrected"),
    }
    event_log(case=request.measure.case, type=f"credit_correction_{step}", actor=actor,
              summary=labels[step] % {"name": request.requester_name}, correction_id=request.pk,
              measure_id=request.measure_id)
