"""Correction requests (纠错) from a listed person: reviewed within 15 days; if well founded, the entry is
corrected within 3 working days; if not, the requester may ask the higher court to reconsider within 10 days
(BAD-2017b art 12; domain.md §3.5). The listing stays in force meanwhile."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm, require
from cases.services._common import audited, stored_files_removed_on_error
from cases.services.actions import sniff_content_type
from core.text import clean_name, clean_phone_list, clean_text

from .. import events
from ..models import (
    IN_FORCE, CorrectionAttachment, CorrectionChannel, CorrectionRequest, CorrectionStatus, CreditMeasure,
    MeasureStatus, RemovalGround,
)
from ._common import day, lock_measure, public_changed
from .removal import _open

GROUNDS_MAX = 3000
MAX_FILES = 5
RECONSIDERATION_DAYS = 10


def _store(req: CorrectionRequest, upload, *, stored: list) -> CorrectionAttachment:
    limit = settings.ENF_ATTACHMENT_MAX_BYTES
    name = (getattr(upload, "name", "") or "file")[-200:]
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"files": [_("%(name)s is larger than %(mb)s MB.") % {
            "name": name, "mb": f"{limit / 1024 / 1024:.0f}"}]})
    if not content:
        raise ValidationError({"files": [_("%(name)s is empty.") % {"name": name}]})
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError({"files": [_("%(name)s is not a photo or a PDF.") % {"name": name}]})
    att = CorrectionAttachment(request=req, original_name=clean_text(name, field="files", max_length=200) or "file",
                               content_type=content_type, size=len(content),
                               sha256=hashlib.sha256(content).hexdigest())
    att.file.save("upload", ContentFile(content), save=False)
    stored.append((att.file.storage, att.file.name))
    att.save()
    return att


@audited
def correction_submit(*, measure: CreditMeasure, name: str, phone: str, grounds: str, files=(),
                      channel: str, relation: str = "", submitted_by=None, portal_reference: str = "",
                      received_on: date | None = None) -> CorrectionRequest:
    """Record a correction request. From the portal (``channel="portal"``, ``submitted_by=None``: the portal has
    checked who the requester is) or at the counter (``channel="counter"``, ``submitted_by`` the staff user, who must
    hold CREDIT_PUBLISH or CREDIT_PROPOSE on the case). The measure must be in force. A second pending request from
    the same requester on the same measure is refused (double submit). Files: at most 5 photos or PDFs."""
    measure = lock_measure(measure)
    if channel not in CorrectionChannel.values:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    if channel == CorrectionChannel.COUNTER:
        if submitted_by is None:
            raise ValidationError({"channel": [_("A counter request is recorded by a staff member.")]})
        if not has_perm(submitted_by, Perm.CREDIT_PROPOSE, measure.case):
            require(submitted_by, Perm.CREDIT_PUBLISH, measure.case)
    elif submitted_by is not None:
        raise ValidationError({"channel": [_("A portal request has no staff submitter.")]})
    if measure.status not in IN_FORCE:
        raise ValidationError({"measure": [_("Only a measure in force can be corrected.")]})
    name = clean_name(name, field="name", max_length=100)
    phones = clean_phone_list([phone] if phone else [], field="phone", max_items=1)
    grounds = clean_text(grounds, field="grounds", max_length=GROUNDS_MAX, multiline=True, required=True,
                         required_message=_("Say what is wrong and why."))
    relation = clean_text(relation, field="relation", max_length=60)
    portal_reference = clean_text(portal_reference, field="portal_reference", max_length=64)
    files = list(files or ())
    if len(files) > MAX_FILES:
        raise ValidationError({"files": [_("At most %(n)s files.") % {"n": MAX_FILES}]})
    today = timezone.localdate()
    received_on = day(received_on, field="received_on", not_before=measure.decided_on, today=today) \
        if channel == CorrectionChannel.COUNTER else today
    if CorrectionRequest.objects.filter(measure=measure, requester_name=name, status=CorrectionStatus.PENDING).exists():
        raise ValidationError({"measure": [_("A correction request from %(name)s on this entry is already under "
                                             "review.") % {"name": name}]})
    req = CorrectionRequest.objects.create(
        measure=measure, requester_name=name, requester_phone=phones[0] if phones else "", relation=relation,
        grounds=grounds, channel=channel, received_on=received_on, submitted_by=submitted_by,
        portal_reference=portal_reference)
    with stored_files_removed_on_error() as stored:
        for f in files:
            _store(req, f, stored=stored)
    events.correction_step(request=req, actor=submitted_by, step="received")
    return req


def _lock(req: CorrectionRequest) -> CorrectionRequest:
    return (CorrectionRequest.objects.select_for_update(of=("self",))
            .select_related("measure", "measure__case", "measure__case__court", "measure__case_party__party")
            .get(pk=req.pk))


def reconsideration_text(court) -> str:
    higher = court.parent.name if court.parent_id else _("the higher court")
    return _("May apply to %(court)s for reconsideration within %(days)s days of receiving this decision.") % {
        "court": higher, "days": RECONSIDERATION_DAYS}


@audited
def correction_review(*, actor, request: CorrectionRequest, well_founded: bool, reasons: str,
                      reviewed_on=None) -> CorrectionRequest:
    """The 15-day review (CREDIT_DECIDE). Rejected: reasons required, the reconsideration route recorded."""
    req = _lock(request)
    require(actor, Perm.CREDIT_DECIDE, req.measure.case)
    if req.status != CorrectionStatus.PENDING:
        raise ValidationError({"status": [_("This request has already been reviewed.")]})
    reasons = clean_text(reasons, field="reasons", max_length=GROUNDS_MAX, multiline=True,
                         required=not well_founded, required_message=_("Give the reasons for rejecting."))
    req.reviewed_on = day(reviewed_on, field="reviewed_on", not_before=req.received_on)
    req.reviewed_by, req.review_reasons = actor, reasons
    if well_founded:
        req.status = CorrectionStatus.WELL_FOUNDED
    else:
        req.status, req.reconsideration_info = CorrectionStatus.REJECTED, reconsideration_text(req.measure.case.court)
    req.save()
    events.correction_step(request=req, actor=actor, step="well_founded" if well_founded else "rejected")
    return req


@audited
def correction_fix(*, actor, request: CorrectionRequest, correction: str, conduct: str | None = None,
                   performance: str | None = None, remove: bool = False, corrected_on=None) -> CorrectionRequest:
    """Correct the entry of a well-founded request within 3 working days: the published fields (conduct,
    performance) rewritten, or the whole listing due for removal (listed in error)."""
    req = _lock(request)
    measure = lock_measure(req.measure)
    require(actor, Perm.CREDIT_DECIDE, measure.case)
    if req.status != CorrectionStatus.WELL_FOUNDED:
        raise ValidationError({"status": [_("Only a request found well founded, not yet corrected, is corrected.")]})
    req.correction = clean_text(correction, field="correction", max_length=GROUNDS_MAX, multiline=True,
                                required=True, required_message=_("Say what was corrected."))
    req.corrected_on = day(corrected_on, field="corrected_on", not_before=req.reviewed_on)
    changed = []
    if conduct is not None and conduct.strip():
        measure.conduct = clean_text(conduct, field="conduct", max_length=2000, multiline=True)
        changed.append("conduct")
    if performance is not None and performance.strip():
        measure.performance = clean_text(performance, field="performance", max_length=200)
        changed.append("performance")
    if changed:
        measure.save(update_fields=[*changed, "updated_at"])
        events.measure_step(measure=measure, actor=actor, step="corrected", text=req.correction[:100])
        public_changed()
    if remove and measure.status != MeasureStatus.REMOVAL_OPEN and measure.status in IN_FORCE:
        _open(actor=actor, measure=measure, ground=RemovalGround.CORRECTION, arose_on=req.corrected_on,
              note=req.correction[:300])
    req.status, req.corrected_by = CorrectionStatus.CORRECTED, actor
    req.save()
    events.correction_step(request=req, actor=actor, step="corrected")
    return req
