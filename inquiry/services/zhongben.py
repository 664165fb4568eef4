"""After 终本 (终结本次执行程序): for 5 years the court queries the debtor's assets every 6 months and tells the
applicant the result (domain.md §2.4, 终本规定 art 9). This module

* gathers, per court, the 终本 cases whose next six-monthly query falls due within the court's horizon
  (``inquiry_zhongben_horizon_days``) into one automatic batch (purpose ``post_zhongben``, made by the system,
  legal basis: the case number and its handling officer) and exports it through the channel, once even when the
  schedule runs twice at the same time (a transaction-level advisory lock per court, then the open-request check);
* when the results of such a batch are in (``post_zhongben_results_recorded``, called by the result import), records
  the query on the case as a network-query action (the deadline engine's ``zb_query`` deadline is met by it, the
  timeline shows it) and, when assets were found, proposes resuming enforcement (``ResumptionProposal``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm
from cases.models import Action, ActionKind, Case, CaseParty, ClosureMode, PartyRole, Stage
from core import court_settings

from ..models import (
    AGENCY_ASSET_KIND, AccessAction, AccessLog, BatchStatus, Channel, InquiryBatch, InquiryRequest, Measure,
    PostZhongbenQuery, Purpose, ResultRow, RowStatus,
)

log = logging.getLogger(__name__)

ZB_QUERY_MONTHS = 6  # deadlines.rules RuleSpec(K.ZB_QUERY, months=6): a query in every 6-month period
SYSTEM_NAME = "系统（终本后定期查询）"
LOCK_NAMESPACE = 0x5A42  # "ZB": pg_advisory_xact_lock(namespace, court id)
# The network-query form's asset type of each agency kind (cases.actions.NETWORK_ASSET_TYPES).
QUERY_TYPE = {"bank": "bank_deposit", "real_estate": "real_estate", "vehicle": "vehicle", "securities": "securities",
              "equity": "equity", "social_insurance": "insurance", "provident_fund": "housing_fund",
              "payment_platform": "online_funds"}


@dataclass(frozen=True)
class Due:
    case: Case
    period: int  # k: the k-th six-month period after the closure
    due_on: date


def period_bounds(closed_on: date, k: int) -> tuple[date, date]:
    """The k-th period after 终本: (start, due], as the deadline engine counts it (month ends clamped)."""
    return (closed_on + relativedelta(months=ZB_QUERY_MONTHS * (k - 1)),
            closed_on + relativedelta(months=ZB_QUERY_MONTHS * k))


def current_period(closed_on: date, today: date, years: int) -> int | None:
    """The period whose due date is today or next; None once the query horizon (``years``) has passed."""
    last = max(1, years * 12 // ZB_QUERY_MONTHS)
    for k in range(1, last + 1):
        if period_bounds(closed_on, k)[1] >= today:
            return k
    return None


def _open_request_q() -> Q:
    return Q(batch__purpose=Purpose.POST_ZHONGBEN, answered_at__isnull=True) & ~Q(batch__status=BatchStatus.CANCELLED)


def zhongben_due(*, court, today: date, horizon_days: int | None = None) -> list[Due]:
    """The court's 终本 cases whose current six-monthly query is not yet done and falls due within ``horizon_days``,
    within the query horizon, not resumed, with no post-终本 request still open. Three queries whatever the count."""
    if horizon_days is None:
        horizon_days = court_settings.get(court, "inquiry_zhongben_horizon_days")
    years = court_settings.get(court, "deadline_zb_query_years")
    earliest = today - relativedelta(years=years) - timedelta(days=1)
    cases = list(
        Case.objects.filter(court=court, closure_mode=ClosureMode.TERMINATED_ROUND, stage__in=[Stage.CLOSED,
                            Stage.ARCHIVED], closed_on__gte=earliest, closed_on__lt=today, officer__isnull=False)
        .exclude(Exists(Case.objects.filter(origin_case=OuterRef("pk"))))
        .exclude(Exists(InquiryRequest.objects.filter(_open_request_q(), case=OuterRef("pk"))))
        .select_related("court", "officer").order_by("closed_on", "id"))
    due: list[Due] = []
    for case in cases:
        k = current_period(case.closed_on, today, years)
        if k is None:
            continue
        start, end = period_bounds(case.closed_on, k)
        if (end - today).days <= horizon_days:
            due.append(Due(case, k, end))
    if not due:
        return []
    # a query already logged in the period meets it (the engine's rule: occurred_on in (start, due])
    met = set()
    windows = Q()
    for d in due:
        start, end = period_bounds(d.case.closed_on, d.period)
        windows |= Q(case_id=d.case.pk, occurred_on__gt=start, occurred_on__lte=end)
    met = set(Action.objects.filter(windows, kind=ActionKind.NETWORK_QUERY).values_list("case_id", flat=True))
    return [d for d in due if d.case.pk not in met]


def _access_rows(requests, *, batch, action) -> list[AccessLog]:
    seen = {}
    for r in requests:
        seen.setdefault((r.case_id, r.party_id), r)
    return [AccessLog(user=None, user_name=SYSTEM_NAME, court_id=batch.court_id, action=action, case_id=r.case_id,
                      party_id=r.party_id, batch=batch, case_number=r.case_number, legal_basis_officer=r.officer_name,
                      party_name=r.subject_name) for r in seen.values()]


def post_zhongben_batch_create(*, court, today: date | None = None, export: bool = True,
                               horizon_days: int | None = None, limit: int | None = None) -> InquiryBatch | None:
    """The court's automatic post-终本 batch for the cases due (None when none is due): a query of every enabled
    agency kind about every respondent with an identifier number, in the name of the case's handling officer, then
    exported (the channel sends it after commit). Runs once at a time per court; a second run finds the requests
    open and makes nothing. ``horizon_days`` overrides the court's setting, ``limit`` caps the cases (the demo)."""
    from ..court_settings import channel_for, enabled_kinds
    from .batches import _next_number, _subject_kind

    today = today or timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, court.pk])
        due = zhongben_due(court=court, today=today, horizon_days=horizon_days)[:limit]
        kinds = enabled_kinds(court)
        if not due or not kinds:
            return None
        respondents = defaultdict(list)
        for cp in (CaseParty.objects.filter(case__in=[d.case for d in due], role=PartyRole.RESPONDENT)
                   .exclude(party__id_number="").select_related("party").order_by("case_id", "position", "id")):
            respondents[cp.case_id].append(cp)
        due = [d for d in due if respondents[d.case.pk]]
        if not due:
            return None
        numbers = "、".join(d.case.number for d in due[:3]) + ("…" if len(due) > 3 else "")
        batch = InquiryBatch.objects.create(
            court=court, number=_next_number(court), created_by=None, kinds=kinds, purpose=Purpose.POST_ZHONGBEN,
            note=(_("Six-monthly query after 终本: %(n)s cases (%(numbers)s)") % {"n": len(due), "numbers": numbers}
                  )[:300])
        channels = {k: channel_for(court, k) for k in kinds}
        requests, seq = [], 0
        for d in due:
            officer = d.case.officer
            officer_name = (officer.full_name or officer.get_username())[:50]
            for cp in respondents[d.case.pk]:
                for kind in kinds:
                    seq += 1
                    requests.append(InquiryRequest(
                        batch=batch, seq=seq, request_id=f"{batch.number}-{seq:06d}", case=d.case, party=cp.party,
                        agency_kind=kind, channel=channels[kind], measure=Measure.QUERY,
                        subject_name=cp.party.name, subject_kind=_subject_kind(cp.party.kind),
                        subject_id_number=cp.party.id_number, case_number=d.case.number, officer=officer,
                        officer_name=officer_name))
        InquiryRequest.objects.bulk_create(requests, batch_size=2000)
        AccessLog.objects.bulk_create(_access_rows(requests, batch=batch, action=AccessAction.BATCH_CREATED))
        if export:
            export_system(batch, requests)
        return batch


def export_system(batch: InquiryBatch, requests, *, send: bool = True) -> None:
    """Export as ``inquiry.services.export.batch_export`` does, in the system's name; the channel gets the ZIP after
    commit (``send=False``: kept on the batch only, as the demo does)."""
    from ..channels import get_channel
    from .export import _as_export, build_zip

    now = timezone.now()
    batch.export_zip = build_zip(batch, when=now)
    batch.export_sha256 = hashlib.sha256(batch.export_zip).hexdigest()
    batch.exported_at, batch.exported_by, batch.status = now, None, BatchStatus.EXPORTED
    batch.save(update_fields=["export_zip", "export_sha256", "exported_at", "exported_by", "status"])
    AccessLog.objects.bulk_create(_access_rows(requests, batch=batch, action=AccessAction.EXPORTED))
    export = _as_export(batch)
    if send:
        transaction.on_commit(lambda: get_channel().send(export))


# --- results in -----------------------------------------------------------------------------------------------------

def _worth_resuming(row: ResultRow) -> bool:
    """A found asset that may pay: anything but an account holding nothing."""
    return row.status == RowStatus.FOUND and (row.balance is None or row.balance > 0)


def _query_details(*, party, requests, rows) -> dict:
    """The network-query action's details (cases.actions.NetworkQueryForm) for one debtor's answered requests:
    each agency kind found / none (an agency that answered only with errors counts as not queried)."""
    from cases.actions import FOUND_ROWS, NETWORK_ASSET_TYPES

    by_kind: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        by_kind[row.request.agency_kind].append(row)
    details = {"system": "national" if any(r.channel == Channel.NATIONAL for r in requests) else "local",
               "subject": party.name[:200]}
    details.update({f"result_{key}": "not_queried" for key, _label in NETWORK_ASSET_TYPES})
    for kind in {r.agency_kind for r in requests}:
        statuses = {row.status for row in by_kind[kind]}
        key = f"result_{QUERY_TYPE[kind]}"
        value = ("found" if RowStatus.FOUND in statuses else "none" if RowStatus.NONE in statuses else "not_queried")
        if details[key] != "found":
            details[key] = value
    found = [row for row in rows if row.status == RowStatus.FOUND]
    for n, row in enumerate(found[:FOUND_ROWS], 1):
        details[f"found_{n}_type"] = QUERY_TYPE[row.request.agency_kind]
        details[f"found_{n}_institution"] = row.institution[:100]
        details[f"found_{n}_number"] = row.account[:80]
        details[f"found_{n}_amount"] = "" if row.balance is None else f"{row.balance:.2f}"
    batch = requests[0].batch
    note = _("Six-monthly query after 终本, batch %(batch)s: %(n)s assets found.") % {"batch": batch.number,
                                                                                     "n": len(found)}
    if len(found) > FOUND_ROWS:
        note += " " + _("The full list is in the batch's results.")
    details["note"] = note[:1000]
    return details


def _record_action(*, case: Case, details: dict, on: date, actor) -> Action | None:
    """The network query on the case, in the name of the handling officer (the request's legal basis); the
    importing user when the officer may no longer act on the case; nobody (no action) otherwise."""
    from cases.services.actions import action_log

    for who in (case.officer, actor):
        if who is None or not who.is_active or not has_perm(who, Perm.CASE_ACT, case):
            continue
        try:
            return action_log(actor=who, case=case, kind=ActionKind.NETWORK_QUERY, occurred_on=on, details=details)
        except (ValidationError, PermissionDenied) as exc:
            log.warning("post-终本 query of case %s not recorded as %s: %s", case.pk, who.pk, exc)
            return None
    return None


def _applicant_to_tell(*, case: Case, party, batch: InquiryBatch, found: int) -> None:
    """The applicant must be told the result (ZB-9): a timeline entry says what to tell whom. Where the court has
    switched on the 终本后财产查询结果 message (messaging, event ``zhongben_result``), the messaging outbox sends it to
    the applicants by SMS / e-mail from this entry; a written notice is served and logged by the officer as usual."""
    from cases.events import event_log

    applicants = "、".join(CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT)
                          .order_by("position", "id").values_list("party__name", flat=True)[:5])
    result = (_("%(n)s assets found") % {"n": found}) if found else _("no assets found")
    event_log(case=case, type="zhongben_result_to_tell", actor=None,
              summary=_("Tell the applicant %(applicants)s the post-终本 query result (batch %(batch)s, %(debtor)s): "
                        "%(result)s") % {"applicants": applicants or "—", "batch": batch.number,
                                        "debtor": party.name, "result": result},
              batch=batch.number, party_id=party.pk, found=found)


@transaction.atomic
def post_zhongben_results_recorded(*, request_ids, actor=None) -> list[PostZhongbenQuery]:
    """Results were imported for these requests (pks or request-id strings; others than post-终本 ones are
    ignored). For each debtor of a post-终本 batch whose requests are now all answered, once: record the network
    query on the case (meeting its 终本 query deadline, on the timeline) and, if assets worth resuming were found,
    propose resumption. ``actor``: the user who imported (stands in when the officer can no longer act).
    Returns the queries recorded by this call."""
    pks = [x for x in request_ids if isinstance(x, int)]
    ids = [x for x in request_ids if isinstance(x, str)]
    touched = set(InquiryRequest.objects.filter(Q(pk__in=pks) | Q(request_id__in=ids),
                                                batch__purpose=Purpose.POST_ZHONGBEN)
                  .values_list("batch_id", "case_id", "party_id").distinct())
    recorded = []
    for batch_id, case_id, party_id in sorted(touched):
        case = Case.objects.select_for_update(of=("self",)).select_related("court", "officer").get(pk=case_id)
        if PostZhongbenQuery.objects.filter(batch_id=batch_id, case_id=case_id, party_id=party_id).exists():
            continue
        requests = list(InquiryRequest.objects.filter(batch_id=batch_id, case_id=case_id, party_id=party_id)
                        .select_related("batch", "party"))
        if not requests or any(r.answered_at is None for r in requests):
            continue  # other agencies have not answered yet
        rows = list(ResultRow.objects.filter(request__in=requests).select_related("request")
                    .order_by("result_file_id", "line_no"))
        on = timezone.localdate(max(r.answered_at for r in requests))
        on = min(max(on, case.closed_on + timedelta(days=1)), timezone.localdate())
        action = _record_action(case=case, details=_query_details(party=requests[0].party, requests=requests,
                                                                 rows=rows), on=on, actor=actor)
        found = [row for row in rows if row.status == RowStatus.FOUND]
        _applicant_to_tell(case=case, party=requests[0].party, batch=requests[0].batch, found=len(found))
        recorded.append(PostZhongbenQuery.objects.create(batch_id=batch_id, case=case, party_id=party_id,
                                                         action=action, found=len(found)))
        worth = [row for row in found if _worth_resuming(row)]
        if worth:
            from .resumption import proposal_propose

            proposal_propose(case=case, batch=requests[0].batch, rows=worth)
    return recorded


def asset_kind_label(row: ResultRow) -> str:
    from assets.models import AssetKind

    kind = row.asset_kind or AGENCY_ASSET_KIND.get(row.request.agency_kind, "")
    return str(AssetKind(kind).label) if kind in AssetKind.values else ""


__all__ = ["Due", "period_bounds", "current_period", "zhongben_due", "post_zhongben_batch_create",
           "post_zhongben_results_recorded"]
