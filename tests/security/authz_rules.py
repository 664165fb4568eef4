"""The authorization table: for every named URL of the project, who may call it, by HTTP method.

HOW TO DECLARE A NEW ENDPOINT
    Add one line to ``RULES`` below, keyed by the URL name (namespaced for pages: ``"notices:verify"``; DRF router
    names for the API: ``"api-document-list"``). The value maps each HTTP method the view accepts to a check:

        "cases:lead_new": {"GET": on("case", Perm.CASE_EDIT), "POST": on("case", Perm.CASE_EDIT)},
        "reversal-request-list": {"GET": LOGIN},
    "reversal-request-detail": {"GET": on("reversal")},
    "reversal-request-confirm": {"POST": on("reversal", Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE)},
    "reversal-request-reject": {"POST": on("reversal", Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE)},
    "payout-list": {"GET": LOGIN, "POST": needs(Perm.PAYOUT_PREPARE)},

    PUBLIC                   anyone, anonymous included
    LOGIN                    any signed-in user (lists filtered by the policy, the user's own settings...)
    STAFF                    is_staff users (Django admin)
    needs(*perms)            a signed-in user holding any of ``perms`` somewhere (no record involved)
    on(kind, *perms, see=)   a record of ``kind`` from the audit's world (tests/security/conftest.py): the user must
                             see it (``see``: CASE_VIEW on its case by default) and hold one of ``perms`` on it
    owner(kind)              a record that belongs to one user (notifications): only that user
    custom(fn, kind)         anything else: ``fn(user, obj, world, placement) -> bool``; say why in a comment

    ``on``/``owner``/``custom`` take ``kw={...}`` for extra URL kwargs (slugs) and ``key=`` for how the record fills
    the URL's own kwarg (default: its primary key).

The expected outcome is computed from ``accounts.policy`` (ROLE_GRANTS and the scopes), never from the views. A URL
name the project serves that has no line here fails the audit ("new endpoint without an authorization rule"), and so
does a line for a URL name that no longer exists.

For pages the methods listed are the methods the view accepts (checked: any other method gets 405); for DRF views they
come from the view itself and each must be listed.

VALIDATES_FIRST lists (URL name, method) pairs whose view validates the request body before it checks permission: an
empty-body probe by a user who may not act gets 400 instead of 403/404, so the audit cannot tell allow from deny
there. Each is a finding (permission must come before validation); the audit accepts 400 from a denied user only for
these, and fails when one of them starts answering 403/404 (so the line gets removed once fixed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from accounts.policy import Perm, Target, has_perm


@dataclass(frozen=True)
class Check:
    about: str  # public | login | staff | global | object | owner | custom
    perms: tuple = ()
    kind: str | None = None
    see: tuple = ((Perm.CASE_VIEW, "case"),)
    kw: dict = field(default_factory=dict)
    key: Callable | None = None
    fn: Callable | None = None
    query: str = ""  # a query string the page needs to answer at all

    def expected(self, user, world, placement) -> bool:
        if self.about == "public":
            return True
        if user is None:
            return False
        if self.about == "login":
            return True
        if self.about == "staff":
            return user.is_staff
        if self.about == "global":
            return any(has_perm(user, p) for p in self.perms)
        obj = world.obj(placement, self.kind)
        if self.about == "owner":
            return obj.recipient_id == user.pk
        if self.about == "custom":
            return self.fn(user, obj, world, placement)
        case = world.obj(placement, "case")
        targets = {"case": case, "self": obj}
        visible = any(has_perm(user, perm, targets[where]) for perm, where in self.see)
        target = obj if hasattr(obj, "policy_target") else case  # e.g. an objection is judged as its case
        return visible and (not self.perms or any(has_perm(user, p, target) for p in self.perms))


PUBLIC = Check("public")
LOGIN = Check("login")
STAFF = Check("staff")


def needs(*perms) -> Check:
    return Check("global", perms=perms)


def on(kind: str, *perms, see=((Perm.CASE_VIEW, "case"),), kw=None, key=None) -> Check:
    return Check("object", perms=perms, kind=kind, see=see, kw=kw or {}, key=key)


def owner(kind: str) -> Check:
    return Check("owner", kind=kind)


def custom(fn, kind: str, kw=None, key=None) -> Check:
    return Check("custom", kind=kind, fn=fn, kw=kw or {}, key=key)


def same(check: Check, *methods) -> dict:
    return {m: check for m in methods}


GP = ("GET", "POST")
REPORT = ((Perm.REPORT_VIEW, "self"),)
DISPOSAL_SEE = ((Perm.CASE_VIEW, "case"), (Perm.ASSET_DISPOSE, "self"))
FUNDS_SEE = ((Perm.FUNDS_RECORD, "self"),)  # court records outside any case (bank statements): finance's


def _approved_handover(asset):
    from django.db.models import Q

    from assets.models import Handover

    return (Handover.objects.filter(case_id=asset.case_id, status="approved")
            .filter(Q(whole_case=True) | Q(assets=asset)).first())


def _inquiry_batch(user, batch, world, placement):
    # An inquiry batch (inquiry.selectors.batch_list_for_user): users of its court who may run inquiries and either
    # built it or may run inquiries on one of its cases; another court's batch is not found.
    if not has_perm(user, Perm.INQUIRY_RUN) or batch.court_id != user.court_id:
        return False
    return batch.created_by_id == user.pk or any(has_perm(user, Perm.INQUIRY_RUN, r.case)
                                                 for r in batch.requests.select_related("case"))


def _inquiry_batch_act(user, batch, world, placement):
    # Exporting or cancelling: INQUIRY_RUN on every case of the batch (inquiry.services.batch_require).
    return _inquiry_batch(user, batch, world, placement) and all(
        has_perm(user, Perm.INQUIRY_RUN, r.case) for r in batch.requests.select_related("case"))


def _inquiry_result(user, rf, world, placement):
    # A result file (inquiry.result_selectors.result_file_list_for_user): users of its court who may run inquiries
    # and imported it or may run inquiries on the case of one of its rows; another court's file is not found.
    if not has_perm(user, Perm.INQUIRY_RUN) or rf.court_id != user.court_id:
        return False
    return rf.imported_by_id == user.pk or any(has_perm(user, Perm.INQUIRY_RUN, r.request.case)
                                               for r in rf.rows.select_related("request__case"))


def _inquiry_row_accept(user, row, world, placement):
    # Accepting a result row: the row is found only in the user's INQUIRY_RUN scope (404), and the register's
    # service needs ASSET_CONTROL on the case (403).
    case = row.request.case
    return has_perm(user, Perm.INQUIRY_RUN, case) and has_perm(user, Perm.ASSET_CONTROL, case)


def _delegation_sees(user, d, world, placement):
    # delegation.selectors: the sending case's viewers (CASE_VIEW on it), or the receiving court's staff in their
    # DELEGATION_RECEIVE scope (clerk and chief: the court; an officer once assigned), never for a draft.
    if has_perm(user, Perm.CASE_VIEW, d.case):
        return True
    return (d.receiving_court_id is not None and d.status != "draft" and user.court_id == d.receiving_court_id
            and has_perm(user, Perm.DELEGATION_RECEIVE, d.receiver_target()))


def _delegation_send(user, d, world, placement):
    # send / withdraw / close: the sending side with DELEGATION_SEND on the case (delegation.views._sender)
    return _delegation_sees(user, d, world, placement) and has_perm(user, Perm.DELEGATION_SEND, d.case)


def _delegation_assign(user, d, world, placement):
    # accept / refuse: the receiving court's clerk or chief (delegation.services.may_assign)
    from delegation.services import may_assign

    return _delegation_sees(user, d, world, placement) and may_assign(user, d)


def _delegation_receive(user, d, world, placement):
    # start / reply: the receiving side in its scope (delegation.services.may_receive)
    from delegation.services import may_receive

    return _delegation_sees(user, d, world, placement) and may_receive(user, d)


def _delegation_paper_kw(d) -> dict:
    return {"pk": d.pk, "paper_pk": d.papers.first().pk}


def _debtor_kw(row) -> dict:
    return {"case_pk": row.request.case_id, "party_pk": row.request.party_id}


def _disposal_start(user, asset, world, placement):
    # 移交处置 (issue 18): the asset must be in the user's own court (the view looks it up there); the disposing team
    # is the receiving team of the approved handover covering the asset, else the case's own team and officer. An
    # officer of any other team is refused, whatever team the form names.
    if asset.case.court_id != user.court_id:
        return False
    handover = _approved_handover(asset)
    target = Target(court_id=asset.case.court_id, team_id=handover.to_team_id) if handover else asset.case
    return has_perm(user, Perm.ASSET_DISPOSE, target)


def _plan_may_prepare(user, plan) -> bool:
    return has_perm(user, Perm.PAYOUT_PREPARE, plan) or has_perm(user, Perm.FUNDS_RECORD, plan)


def _plan_may_approve(user, plan) -> bool:
    # The chief: the approval permission and one of the court's payout_high_approver_roles (default the chief).
    return has_perm(user, Perm.PAYOUT_APPROVE, plan) and ("chief" in (user.roles or []) or user.is_superuser)


def _plan_approve(user, plan, world, placement):
    # The world's plan is a draft prepared by a user none of the audit's users is.
    return has_perm(user, Perm.CASE_VIEW, plan) and _plan_may_approve(user, plan)


def _plan_withdraw(user, plan, world, placement):
    # A draft: whoever may prepare a plan on the case (payout.prepare or funds.record), or the chief.
    return has_perm(user, Perm.CASE_VIEW, plan) and (_plan_may_prepare(user, plan) or _plan_may_approve(user, plan))


def _handover_visible(user, handover) -> bool:
    # A handover is seen by whoever sees its case, and by the receiving (disposal) team.
    return (has_perm(user, Perm.CASE_VIEW, handover.case)
            or has_perm(user, Perm.ASSET_DISPOSE, Target(court_id=handover.court_id, team_id=handover.to_team_id)))


def _handover_see(user, handover, world, placement):
    return _handover_visible(user, handover)


def _handover_approve(user, handover, world, placement):
    # The division chief of the case's court (policy: DISPOSAL_HANDOVER_APPROVE on the case), never the requester.
    return (_handover_visible(user, handover) and handover.requested_by_id != user.pk
            and has_perm(user, Perm.DISPOSAL_HANDOVER_APPROVE, handover))


def _handover_withdraw(user, handover, world, placement):
    return _handover_visible(user, handover) and has_perm(user, Perm.DISPOSAL_HANDOVER, handover)


def _role_change_decide(user, change, world, placement):
    # Four eyes: ROLE_CHANGE_APPROVE at the user's court, never the requester, never the user concerned.
    return (user.pk not in (change.requested_by_id, change.user_id)
            and has_perm(user, Perm.ROLE_CHANGE_APPROVE, Target(court_id=change.court_id)))


def _run_detail(user, run, world, placement):
    # Whoever asked for a report run may follow it; otherwise REPORT_VIEW on the run's court.
    return has_perm(user, Perm.REPORT_VIEW) and (run.requested_by_id == user.pk
                                                 or has_perm(user, Perm.REPORT_VIEW, run))


def _batch(user, batch, world, placement):
    # A batch print is seen by its creator, and by anyone who may issue notices for its whole court
    # (notices.batch.batch_get_for_user); NOTICE_ISSUE is needed either way.
    from accounts.policy import Target

    if not has_perm(user, Perm.NOTICE_ISSUE):
        return False
    return batch.created_by_id == user.pk or (
        batch.court_id == user.court_id and has_perm(user, Perm.NOTICE_ISSUE, Target(court_id=user.court_id)))


def _entry_reverse(user, entry, world, placement):
    # Reversing a disbursement needs PAYOUT_APPROVE, reversing a receipt FUNDS_RECORD (assets.services.entry_reverse).
    perm = Perm.PAYOUT_APPROVE if entry.kind == "disbursement" else Perm.FUNDS_RECORD
    return has_perm(user, Perm.CASE_VIEW, entry) and has_perm(user, perm, entry)


def _template(user, _obj, world, placement):
    # A court administrator edits the templates of their own court only (no record in the URL).
    return has_perm(user, Perm.COURT_ADMIN)


def _token_owner(user, token, world, placement):
    # An API token is its owner's alone: listed, used and revoked only by them (accounts.tokens).
    return token.user_id == user.pk


MESSAGE_SEE = ((Perm.CASE_ACT, "case"), (Perm.MESSAGING_MANAGE, "self"))


def _msg_manage(user, _obj, world, placement):
    # The court's message templates: MESSAGING_MANAGE at the user's own court (no record in the URL).
    return has_perm(user, Perm.MESSAGING_MANAGE)


MSG_TEMPLATE_PAGE = custom(_msg_manage, "case", kw={"event": "case_accepted", "channel": "sms"})


TOKEN = custom(_token_owner, "api_token", key=lambda t: {"key": t.token_key})


def _sign(user, obj, world, placement) -> bool:
    # signing: DOCUMENT_SIGN on the case and a role the court's policy names for the document's type
    from signing.services import may_sign

    return has_perm(user, Perm.CASE_VIEW, obj.case) and may_sign(user, doc_type=obj.doc_type,
                                                                 target=obj.case.policy_target())
def _review_register(user, case, world, placement):
    # Registering an objection makes a 执异 case: REVIEW_HANDLE and CASE_REGISTER at the enforcement case's court,
    # on a case the user sees (review.services.objection_register).
    target = Target(court_id=case.court_id)
    return (has_perm(user, Perm.CASE_VIEW, case) and has_perm(user, Perm.REVIEW_HANDLE, target)
            and has_perm(user, Perm.CASE_REGISTER, target))


def _review_higher(user, objection, world, placement):
    # The reconsideration is extended and decided by the next-higher court (REVIEW_RULE there), on an objection the
    # user sees (review.services.reconsideration_decide).
    return (has_perm(user, Perm.CASE_VIEW, objection.enforcement_case)
            and has_perm(user, Perm.REVIEW_RULE, Target(court_id=objection.reconsideration.higher_court_id)))



# Supervision. An order is seen by those who see its case and belong to the case's court or to the ordering
# court (supervision.selectors.order_list_for_user); closed/reopened only by the orderer or a chief of the ordering
# court (services.may_decide). A dispatch is the court's command centre's (DISPATCH) and its officer's; only the
# officer confirms and reports back. A reception day is the court's (RECEPTION_RECORD); a visit also its responsible
# officer's, who may record the follow-up.
def _sv_order_see(user, order, world, placement):
    return has_perm(user, Perm.CASE_VIEW, order.case) and user.court_id in (order.case.court_id, order.court_id)


def _sv_order_reply(user, order, world, placement):
    return _sv_order_see(user, order, world, placement) and has_perm(user, Perm.CASE_ACT, order.case)


def _sv_order_decide(user, order, world, placement):
    from supervision.services import may_decide

    return _sv_order_see(user, order, world, placement) and may_decide(user, order)


def _sv_attachment(user, att, world, placement):
    return _sv_order_see(user, att.order, world, placement)


def _sv_ticket_see(user, ticket, world, placement):
    return ticket.dispatched_to_id == user.pk or has_perm(user, Perm.DISPATCH, Target(court_id=ticket.court_id))


def _sv_ticket_officer(user, ticket, world, placement):
    return ticket.dispatched_to_id == user.pk


def _sv_day(user, day, world, placement):
    return has_perm(user, Perm.RECEPTION_RECORD, Target(court_id=day.court_id))


def _sv_shift(user, shift, world, placement):
    return has_perm(user, Perm.DISPATCH, Target(court_id=shift.court_id))


def _sv_visit(user, visit, world, placement):
    return visit.responsible_id == user.pk or has_perm(user, Perm.RECEPTION_RECORD,
                                                       Target(court_id=visit.day.court_id))

RULES: dict[str, dict[str, Check]] = {
    # --- shell, sign-in, i18n, health, schema ---
    "core:home": {"GET": LOGIN},
    "accounts:login": same(PUBLIC, *GP),
    "accounts:logout": {"POST": PUBLIC},
    "accounts:password_change": same(LOGIN, *GP),
    "accounts:password_change_done": {"GET": LOGIN},
    "accounts:role_changes": {"GET": needs(Perm.ROLE_CHANGE_APPROVE, Perm.COURT_ADMIN)},
    "accounts:role_change_decide": {"POST": custom(_role_change_decide, "role_change", kw={"action": "approve"})},
    "accounts:api_tokens": {"GET": LOGIN},
    "accounts:api_tokens_revoke_all": {"POST": LOGIN},
    "accounts:api_token_revoke": {"POST": TOKEN},
    "set_language": same(PUBLIC, *GP),
    "javascript-catalog": {"GET": PUBLIC},
    "healthz": {"GET": PUBLIC},
    "favicon": {"GET": PUBLIC},
    # The OpenAPI schema and its viewer are public documentation (no data; every operation still needs a token).
    "api-schema": {"GET": LOGIN},
    "api-docs": {"GET": LOGIN},
    "admin:index": {"GET": STAFF},
    # --- cases pages ---
    "cases:list": {"GET": needs(Perm.CASE_VIEW)},
    "cases:my_cases": {"GET": needs(Perm.CASE_ACT)},
    "cases:register": same(needs(Perm.CASE_REGISTER), *GP),
    "cases:approvals": {"GET": needs(Perm.CASE_CLOSE_APPROVE, Perm.PAYOUT_APPROVE)},
    "cases:detail": {"GET": on("case")},
    "cases:transition": {"POST": on("case", Perm.CASE_ACT)},
    "cases:assign": same(on("case", Perm.CASE_ASSIGN), *GP),
    "cases:stream": same(on("case", Perm.CASE_TRIAGE), *GP),
    "cases:resume": same(on("case", Perm.CASE_REGISTER), *GP),
    # A party's contact details, edited from one of their cases: CASE_EDIT on that case.
    "cases:party_edit": same(on("party", Perm.CASE_EDIT,
                                key=lambda p: {"pk": p.case_links.first().case_id, "party_pk": p.pk}), *GP),
    "cases:action_new": same(on("case", Perm.CASE_ACT), *GP),
    "cases:lead_new": same(on("case", Perm.CASE_EDIT), *GP),
    "cases:petition_new": same(on("case", Perm.CASE_EDIT), *GP),
    "cases:settlement_new": same(on("case", Perm.CASE_ACT), *GP),
    "cases:closure_new": same(on("case", Perm.CASE_CLOSE_REQUEST, Perm.CASE_CLOSE_APPROVE), *GP),
    "cases:attachment": {"GET": on("attachment")},
    "cases:lead_handle": same(on("lead", Perm.CASE_ACT), *GP),
    "cases:petition_answer": same(on("petition", Perm.CASE_ACT), *GP),
    "cases:instalment_pay": same(on("instalment", Perm.CASE_ACT), *GP),
    "cases:settlement_breach": same(on("settlement", Perm.CASE_ACT), *GP),
    "cases:closure_decide": {"POST": on("closure", Perm.CASE_CLOSE_APPROVE)},
    "cases:suspension_new": same(on("case", Perm.CASE_CLOSE_REQUEST, Perm.CASE_CLOSE_APPROVE), *GP),
    "cases:suspension_decide": {"POST": on("suspension", Perm.CASE_CLOSE_APPROVE)},
    # --- assets pages ---
    "assets:case_assets": {"GET": on("case")},
    "assets:asset_add": {"GET": on("case", Perm.ASSET_CONTROL), "POST": on("case", Perm.ASSET_CONTROL)},
    "assets:case_funds": {"GET": on("case")},
    "assets:receipt_add": {"POST": on("case", Perm.FUNDS_RECORD)},
    # The handling officer and team, or finance from the case's ledger (the GET opens the form filled in).
    "assets:payout_prepare": {"GET": on("case", Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD),
                              "POST": on("case", Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD)},
    "assets:fee_transfer": {"POST": on("case", Perm.FUNDS_RECORD)},
    "assets:distribution_plan_prepare": {"POST": on("case", Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD)},
    # The page shows a refused approval (a preparer who is not the chief) as a message, like the payout queue.
    "assets:distribution_plan_decide": {"POST": custom(_plan_withdraw, "plan", kw={"action": "approve"})},
    "assets:control_order": {"POST": on("asset", Perm.ASSET_CONTROL)},
    "assets:objection_add": {"POST": on("asset", Perm.ASSET_CONTROL)},
    "assets:disposal_start": {"POST": custom(_disposal_start, "vehicle")},
    "assets:handover_request": {"POST": on("case", Perm.DISPOSAL_HANDOVER)},
    "assets:handovers": {"GET": needs(Perm.DISPOSAL_HANDOVER_APPROVE, Perm.ASSET_DISPOSE)},
    "assets:handover_decide": {"POST": custom(_handover_approve, "handover", kw={"action": "approve"})},
    "assets:objection_decide": {"POST": on("objection", Perm.ASSET_CONTROL)},
    "assets:control_renew": {"POST": on("control", Perm.ASSET_CONTROL)},
    "assets:control_release": {"POST": on("control", Perm.ASSET_CONTROL)},
    "assets:disposals": {"GET": LOGIN},
    "assets:disposal_detail": {"GET": on("disposal", see=DISPOSAL_SEE)},
    "assets:disposal_action": {"POST": on("disposal", Perm.ASSET_DISPOSE, see=DISPOSAL_SEE, kw={"action": "withdraw"})},
    "assets:entry_reverse": {"POST": custom(_entry_reverse, "entry")},
    "assets:payout_decide": {"POST": on("payout", Perm.PAYOUT_APPROVE, kw={"action": "approve"})},
    "assets:payout_confirm": {"GET": on("payout", Perm.PAYOUT_APPROVE)},
    "assets:controls_expiring": {"GET": needs(Perm.CASE_VIEW)},
    "assets:funds_awaiting": {"GET": needs(Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE, Perm.PAYOUT_PREPARE)},
    "statements:list": {"GET": needs(Perm.FUNDS_RECORD)},
    "statements:upload": same(needs(Perm.FUNDS_RECORD), *GP),
    "statements:detail": {"GET": on("statement", Perm.FUNDS_RECORD, see=FUNDS_SEE)},
    # A reversal awaiting a second person: another finance user or the chief (assets.services.reversal_confirm).
    "assets:reversal_decide": {"POST": on("reversal", Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE,
                                          kw={"action": "confirm"})},
    "assets:payout_queue": {"GET": needs(Perm.PAYOUT_APPROVE)},
    "assets:calculators": {"GET": needs(Perm.CASE_VIEW)},
    # --- notices pages ---
    "notices:case_documents": {"GET": on("case")},
    "notices:document_issue": {"POST": on("case", Perm.NOTICE_ISSUE)},
    "notices:document_download": {"GET": on("document")},
    "notices:document_correct": {"POST": on("document", Perm.NOTICE_ISSUE)},
    "notices:register": {"GET": needs(Perm.NOTICE_ISSUE, Perm.CASE_VIEW)},
    "notices:templates": {"GET": needs(Perm.COURT_ADMIN)},
    "notices:template_edit": same(custom(_template, "case", kw={"doc_type": "enforcement_notice"}), *GP),
    "notices:template_preview": {"GET": custom(_template, "case", kw={"doc_type": "enforcement_notice"})},
    "notices:verify": same(PUBLIC, *GP),
    "notices:verify_code": same(Check("public", kind="document", key=lambda d: {"code": d.verification_code}), *GP),
    "notices:batch": same(needs(Perm.NOTICE_ISSUE), *GP),
    "notices:batch_detail": {"GET": custom(_batch, "batch")},
    "notices:batch_progress": {"GET": custom(_batch, "batch")},
    "notices:batch_pdf": {"GET": custom(_batch, "batch")},
    "notices:batch_labels": {"GET": custom(_batch, "batch")},
    "notices:batch_rerun": {"POST": custom(_batch, "batch")},
    # --- deadlines pages ---
    "messaging:templates": {"GET": needs(Perm.MESSAGING_MANAGE)},
    "messaging:template_edit": same(MSG_TEMPLATE_PAGE, *GP),
    "messaging:template_preview": {"GET": MSG_TEMPLATE_PAGE},
    "messaging:optouts": same(needs(Perm.MESSAGING_MANAGE), *GP),
    "messaging:optout_delete": {"POST": on("optout", see=((Perm.MESSAGING_MANAGE, "self"),))},
    "messaging:case_optout": {"POST": on("case", Perm.CASE_ACT)},
    # The SMS gateway's reply callback: no user may call it; only the gateway's bearer token (SMS_INBOUND_TOKEN,
    # unset in the audit: 404) opens it (tests/messaging/test_pages_api.py).
    "messaging:inbound": {"POST": needs()},
    "deadlines:mine": {"GET": LOGIN},
    "deadlines:overdue": {"GET": needs(Perm.REPORT_VIEW)},
    "deadlines:notifications": {"GET": LOGIN},
    "deadlines:notification_read": {"POST": owner("notification")},
    "deadlines:notifications_read_all": {"POST": LOGIN},
    "deadlines:case_recompute": {"POST": on("case")},
    # --- inquiry pages (网络查控, issue 20) ---
    "inquiry:batch_list": {"GET": needs(Perm.INQUIRY_RUN)},
    "inquiry:batch_new": same(needs(Perm.INQUIRY_RUN), *GP),
    "inquiry:batch_detail": {"GET": custom(_inquiry_batch, "inquiry_batch")},
    "inquiry:batch_export": {"POST": custom(_inquiry_batch_act, "inquiry_batch")},
    "inquiry:batch_download": {"GET": custom(_inquiry_batch, "inquiry_batch")},
    "inquiry:batch_cancel": {"POST": custom(_inquiry_batch_act, "inquiry_batch")},
    "inquiry:access_log": {"GET": needs(Perm.INQUIRY_AUDIT)},
    # resumption proposals after a post-终本 query found assets: the officer puts one to the chief (or dismisses it
    # while it waits for them), the chief accepts (inquiry.services.resumption)
    "inquiry:resumptions": {"GET": needs(Perm.CASE_ACT, Perm.CASE_CLOSE_APPROVE)},
    "inquiry:resumption_submit": {"POST": on("resumption", Perm.CASE_ACT)},
    "inquiry:resumption_accept": {"POST": on("resumption", Perm.CASE_CLOSE_APPROVE)},
    "inquiry:resumption_dismiss": {"POST": on("resumption", Perm.CASE_ACT)},
    # --- 失信/限消 (credit, issue 21): the services check the permission before any state or input rule
    "credit:list": {"GET": LOGIN},
    "credit:approvals": {"GET": needs(Perm.CREDIT_DECIDE)},
    "credit:removals": {"GET": needs(Perm.CREDIT_DECIDE, Perm.CREDIT_PROPOSE)},
    "credit:propose": same(on("case", Perm.CREDIT_PROPOSE), *GP),
    "credit:detail": {"GET": on("credit_measure")},
    "credit:approve": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "credit:reject": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "credit:decide": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "credit:serve": {"POST": on("credit_measure", Perm.CREDIT_PUBLISH, Perm.CREDIT_PROPOSE)},
    "credit:publish": {"POST": on("credit_measure", Perm.CREDIT_PUBLISH)},
    "credit:removal_open": {"POST": on("credit_measure", Perm.CREDIT_PROPOSE)},
    "credit:remove": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "credit:correction_new": same(on("credit_measure", Perm.CREDIT_PROPOSE, Perm.CREDIT_PUBLISH), *GP),
    "credit:corrections": {"GET": LOGIN},
    "credit:correction_detail": {"GET": on("credit_correction")},
    "credit:correction_review": {"POST": on("credit_correction", Perm.CREDIT_DECIDE)},
    "credit:correction_fix": {"POST": on("credit_correction", Perm.CREDIT_DECIDE)},
    "credit:register": {"GET": needs(Perm.CREDIT_PUBLISH)},
    "credit:register_export": {"GET": needs(Perm.CREDIT_PUBLISH)},
    "credit:public": {"GET": PUBLIC},
    "inquiry:result_upload": same(needs(Perm.INQUIRY_RUN), *GP),
    "inquiry:result_detail": {"GET": custom(_inquiry_result, "inquiry_result")},
    "inquiry:result_accept_all": {"POST": custom(_inquiry_result, "inquiry_result")},
    "inquiry:debtor_results": {"GET": on("inquiry_row", Perm.INQUIRY_RUN, key=_debtor_kw)},
    "inquiry:debtor_accept_all": {"POST": on("inquiry_row", Perm.INQUIRY_RUN, key=_debtor_kw)},
    "inquiry:row_accept": {"POST": custom(_inquiry_row_accept, "inquiry_row")},
    # --- reports pages ---
    "reports:dashboard": {"GET": needs(Perm.REPORT_VIEW)},
    "reports:table": {"GET": needs(Perm.REPORT_VIEW)},
    "reports:export": {"GET": Check("global", perms=(Perm.REPORT_VIEW,), kw={"dim": "headline", "fmt": "csv"})},
    "reports:drilldown": {"GET": Check("global", perms=(Perm.REPORT_VIEW,), query="measure=carried_over")},
    "reports:refresh": {"POST": needs(Perm.REPORT_VIEW)},
    "reports:weekly_list": {"GET": needs(Perm.REPORT_VIEW)},
    "reports:run_create": {"POST": needs(Perm.REPORT_VIEW)},
    "reports:run_detail": {"GET": custom(_run_detail, "run")},
    "reports:snapshot_detail": {"GET": on("snapshot", Perm.REPORT_VIEW, see=REPORT)},
    "reports:snapshot_pdf": {"GET": on("snapshot", Perm.REPORT_VIEW, see=REPORT)},
    "reports:campaign_list": same(needs(Perm.REPORT_VIEW), *GP),
    "reports:campaign_detail": same(on("campaign", Perm.REPORT_VIEW, see=REPORT), *GP),
    # 案款账龄: the chief (report scope) and finance (own court); officers and clerks 403.
    "reports:funds_ageing": {"GET": needs(Perm.REPORT_VIEW, Perm.FUNDS_RECORD)},
    "reports:funds_ageing_cases": {"GET": needs(Perm.REPORT_VIEW, Perm.FUNDS_RECORD)},
    # --- API: accounts ---
    "api-token": {"POST": PUBLIC},
    "api-token-revoke": {"DELETE": LOGIN},
    "api-token-list": {"GET": LOGIN, "DELETE": LOGIN},
    "api-token-detail": {"DELETE": TOKEN},
    "api-me": {"GET": LOGIN},
    # --- API: cases ---
    "case-list": {"GET": LOGIN, "POST": needs(Perm.CASE_REGISTER)},
    "case-detail": {"GET": on("case")},
    "case-assign": {"POST": on("case", Perm.CASE_ASSIGN)},
    "case-checklist": {"GET": on("case")},
    "case-resume": {"POST": on("case", Perm.CASE_REGISTER)},
    "case-stream": {"POST": on("case", Perm.CASE_TRIAGE)},
    "case-party-details": {"POST": on("case", Perm.CASE_EDIT)},
    # CASE_EDIT may move a case to "archived" only; any other stage needs CASE_ACT (cases.services.case_transition).
    "case-transition": {"POST": on("case", Perm.CASE_ACT, Perm.CASE_EDIT)},
    "party-list": {"GET": LOGIN},
    "party-detail": {"GET": on("party")},
    "action-list": {"GET": LOGIN, "POST": needs(Perm.CASE_ACT)},
    "action-detail": {"GET": on("action")},
    "action-attachments": {"POST": on("action", Perm.CASE_ACT)},
    "lead-list": {"GET": LOGIN, "POST": needs(Perm.CASE_EDIT)},
    "lead-detail": {"GET": on("lead")},
    "lead-handle": {"POST": on("lead", Perm.CASE_ACT)},
    "petition-list": {"GET": LOGIN, "POST": needs(Perm.CASE_EDIT)},
    "petition-detail": {"GET": on("petition")},
    "petition-answer": {"POST": on("petition", Perm.CASE_ACT)},
    "settlement-list": {"GET": LOGIN, "POST": needs(Perm.CASE_ACT)},
    "settlement-detail": {"GET": on("settlement")},
    "settlement-breach": {"POST": on("settlement", Perm.CASE_ACT)},
    "settlement-pay": {"POST": on("settlement", Perm.CASE_ACT)},
    "closure-list": {"GET": LOGIN, "POST": needs(Perm.CASE_CLOSE_REQUEST, Perm.CASE_CLOSE_APPROVE)},
    "closure-detail": {"GET": on("closure")},
    "closure-approve": {"POST": on("closure", Perm.CASE_CLOSE_APPROVE)},
    "closure-return-": {"POST": on("closure", Perm.CASE_CLOSE_APPROVE)},
    "suspension-list": {"GET": LOGIN, "POST": needs(Perm.CASE_CLOSE_REQUEST, Perm.CASE_CLOSE_APPROVE)},
    "suspension-detail": {"GET": on("suspension")},
    "suspension-approve": {"POST": on("suspension", Perm.CASE_CLOSE_APPROVE)},
    "suspension-return-": {"POST": on("suspension", Perm.CASE_CLOSE_APPROVE)},
    # --- API: assets and funds ---
    "case-funds": {"GET": on("case")},
    "calc-enforcement-fee": {"POST": needs(Perm.CASE_VIEW)},
    "calc-interest": {"POST": needs(Perm.CASE_VIEW)},
    "calc-distribution": {"POST": needs(Perm.CASE_VIEW)},
    "asset-list": {"GET": LOGIN, "POST": needs(Perm.ASSET_CONTROL)},
    "asset-detail": {"GET": on("asset")},
    "asset-objections": {"POST": on("asset", Perm.ASSET_CONTROL)},
    "asset-objection-decide": {"POST": on("asset", Perm.ASSET_CONTROL)},
    "control-measure-list": {"GET": LOGIN, "POST": needs(Perm.ASSET_CONTROL)},
    "control-measure-detail": {"GET": on("control")},
    "control-measure-renew": {"POST": on("control", Perm.ASSET_CONTROL)},
    "control-measure-release": {"POST": on("control", Perm.ASSET_CONTROL)},
    "disposal-list": {"GET": LOGIN, "POST": needs(Perm.ASSET_DISPOSE)},
    "handover-list": {"GET": LOGIN, "POST": needs(Perm.DISPOSAL_HANDOVER)},
    "handover-detail": {"GET": custom(_handover_see, "handover")},
    "handover-approve": {"POST": custom(_handover_approve, "handover")},
    "handover-reject": {"POST": custom(_handover_approve, "handover")},
    "handover-withdraw": {"POST": custom(_handover_withdraw, "handover")},
    "disposal-detail": {"GET": on("disposal", see=DISPOSAL_SEE)},
    **{f"disposal-{a}": {"POST": on("disposal", Perm.ASSET_DISPOSE, see=DISPOSAL_SEE)}
       for a in ("handover", "reference-price", "round-result", "rounds", "ruling", "transfer", "withdraw")},
    # Bank statements (issue 20): the finance office's records of its own court (FUNDS_RECORD, court scope).
    "statement-list": {"GET": LOGIN, "POST": needs(Perm.FUNDS_RECORD)},
    "statement-detail": {"GET": on("statement", Perm.FUNDS_RECORD, see=FUNDS_SEE)},
    "statement-line-list": {"GET": LOGIN},
    "statement-line-detail": {"GET": on("statement_line", Perm.FUNDS_RECORD, see=FUNDS_SEE)},
    "ledger-entry-list": {"GET": LOGIN, "POST": needs(Perm.FUNDS_RECORD)},
    "ledger-entry-detail": {"GET": on("entry")},
    "ledger-entry-reverse": {"POST": custom(_entry_reverse, "entry")},
    "ledger-entry-fee-transfer": {"POST": needs(Perm.FUNDS_RECORD)},
    "distribution-plan-list": {"GET": LOGIN, "POST": needs(Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD)},
    "distribution-plan-detail": {"GET": on("plan")},
    "distribution-plan-approve": {"POST": custom(_plan_approve, "plan")},
    "distribution-plan-withdraw": {"POST": custom(_plan_withdraw, "plan")},
    "reversal-request-list": {"GET": LOGIN},
    "reversal-request-detail": {"GET": on("reversal")},
    "reversal-request-confirm": {"POST": on("reversal", Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE)},
    "reversal-request-reject": {"POST": on("reversal", Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE)},
    "payout-list": {"GET": LOGIN, "POST": needs(Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD)},
    "payout-detail": {"GET": on("payout")},
    "payout-approve": {"POST": on("payout", Perm.PAYOUT_APPROVE)},
    "payout-execute": {"POST": on("payout", Perm.PAYOUT_APPROVE)},
    "payout-return-": {"POST": on("payout", Perm.PAYOUT_APPROVE)},
    "payout-cancel": {"POST": on("payout", Perm.PAYOUT_PREPARE, Perm.PAYOUT_APPROVE)},
    # --- API: notices ---
    "api-document-list": {"GET": LOGIN, "POST": needs(Perm.NOTICE_ISSUE)},
    "api-document-detail": {"GET": on("document")},
    "api-document-correct": {"POST": on("document", Perm.NOTICE_ISSUE)},
    "api-document-pdf": {"GET": on("document")},
    "api-document-type-list": {"GET": LOGIN},
    "api-batch-list": {"GET": needs(Perm.NOTICE_ISSUE), "POST": needs(Perm.NOTICE_ISSUE)},
    "api-batch-detail": {"GET": custom(_batch, "batch")},
    "api-batch-pdf": {"GET": custom(_batch, "batch")},
    "api-batch-labels": {"GET": custom(_batch, "batch")},
    # --- API: deadlines and notifications ---
    "api-deadline-list": {"GET": LOGIN},
    "api-deadline-detail": {"GET": on("deadline", see=((Perm.CASE_VIEW, "self"),))},
    # --- messaging (issue 21): templates and opt-outs for MESSAGING_MANAGE at its own court; the delivery log for the
    # case's team and the chief (CASE_ACT on the case) and the court's messaging managers ---
    "api-message-list": {"GET": LOGIN},
    "api-message-detail": {"GET": on("message", see=MESSAGE_SEE)},
    "api-message-template-list": {"GET": LOGIN, "POST": needs(Perm.MESSAGING_MANAGE)},
    "api-message-template-detail": same(on("msg_template", see=((Perm.MESSAGING_MANAGE, "self"),)),
                                        "GET", "PUT", "PATCH", "DELETE"),
    "api-notification-list": {"GET": LOGIN},
    "api-notification-read-all": {"POST": LOGIN},
    "api-notification-unread-count": {"GET": LOGIN},
    "api-notification-detail": {"GET": owner("notification")},
    "api-notification-read": {"POST": owner("notification")},
    # --- API: reports ---
    "api-report-kpis": {"GET": needs(Perm.REPORT_VIEW)},
    "api-report-snapshot-list": {"GET": needs(Perm.REPORT_VIEW)},
    "api-report-snapshot-detail": {"GET": on("snapshot", Perm.REPORT_VIEW, see=REPORT)},
    "api-report-snapshot-pdf": {"GET": on("snapshot", Perm.REPORT_VIEW, see=REPORT)},
    "api-report-run-list": {"POST": needs(Perm.REPORT_VIEW)},
    "api-report-run-detail": {"GET": on("run", Perm.REPORT_VIEW, see=REPORT)},
    "api-report-campaign-list": {"GET": needs(Perm.REPORT_VIEW), "POST": needs(Perm.REPORT_VIEW)},
    "api-report-campaign-detail": same(on("campaign", Perm.REPORT_VIEW, see=REPORT), "GET", "PUT", "PATCH", "DELETE"),
    # --- API: inquiry (网络查控) ---
    # credit
    "api-credit-measure-list": {"GET": LOGIN, "POST": needs(Perm.CREDIT_PROPOSE)},
    "api-credit-measure-detail": {"GET": on("credit_measure")},
    "api-credit-measure-approve": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "api-credit-measure-reject": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "api-credit-measure-decide": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "api-credit-measure-serve": {"POST": on("credit_measure", Perm.CREDIT_PUBLISH, Perm.CREDIT_PROPOSE)},
    "api-credit-measure-publish": {"POST": on("credit_measure", Perm.CREDIT_PUBLISH)},
    "api-credit-measure-open-removal": {"POST": on("credit_measure", Perm.CREDIT_PROPOSE)},
    "api-credit-measure-remove": {"POST": on("credit_measure", Perm.CREDIT_DECIDE)},
    "api-credit-correction-list": {"GET": LOGIN, "POST": needs(Perm.CREDIT_PROPOSE, Perm.CREDIT_PUBLISH)},
    "api-credit-correction-detail": {"GET": on("credit_correction")},
    "api-credit-correction-review": {"POST": on("credit_correction", Perm.CREDIT_DECIDE)},
    "api-credit-correction-fix": {"POST": on("credit_correction", Perm.CREDIT_DECIDE)},
    "api-credit-register-list": {"GET": needs(Perm.CREDIT_PUBLISH)},
    "api-credit-register-export": {"GET": needs(Perm.CREDIT_PUBLISH)},
    "api-credit-public-list": {"GET": PUBLIC},
    "api-inquiry-batch-list": {"GET": needs(Perm.INQUIRY_RUN), "POST": needs(Perm.INQUIRY_RUN)},
    "api-inquiry-batch-detail": {"GET": custom(_inquiry_batch, "inquiry_batch")},
    "api-inquiry-batch-export": {"POST": custom(_inquiry_batch_act, "inquiry_batch")},
    "api-inquiry-batch-download": {"GET": custom(_inquiry_batch, "inquiry_batch")},
    "api-inquiry-batch-cancel": {"POST": custom(_inquiry_batch_act, "inquiry_batch")},
    "api-inquiry-batch-requests": {"GET": custom(_inquiry_batch, "inquiry_batch")},
    "api-inquiry-access-log-list": {"GET": needs(Perm.INQUIRY_AUDIT)},
    # Statements (issue 20): matching results and finance's confirmation; the unidentified queue (finance and whoever
    # may claim), claims (officers, FUNDS_CLAIM; the case checked in the service), finance's decisions, the chief's
    # escalations. Lines and claims are the user's own court's (filtered in the queries).
    "statements:matches": {"GET": needs(Perm.FUNDS_RECORD)},
    "statements:matches_confirm": {"POST": needs(Perm.FUNDS_RECORD)},
    "statements:unidentified": {"GET": needs(Perm.FUNDS_RECORD, Perm.FUNDS_CLAIM)},
    "statements:rematch": {"POST": needs(Perm.FUNDS_RECORD)},
    "statements:claim_new": {"POST": needs(Perm.FUNDS_CLAIM)},
    "statements:claims": {"GET": needs(Perm.FUNDS_RECORD)},
    "statements:claim_decide": {"POST": needs(Perm.FUNDS_RECORD)},
    "statements:escalations": {"GET": needs(Perm.CASE_CLOSE_APPROVE)},
    "statement-lines-confirm": {"POST": needs(Perm.FUNDS_RECORD)},
    "statement-claim-create": {"POST": needs(Perm.FUNDS_CLAIM)},
    "statement-claim-decide": {"POST": needs(Perm.FUNDS_RECORD)},
    "api-inquiry-result-list": {"GET": needs(Perm.INQUIRY_RUN), "POST": needs(Perm.INQUIRY_RUN)},
    "api-inquiry-result-detail": {"GET": custom(_inquiry_result, "inquiry_result")},
    "api-inquiry-result-rows": {"GET": custom(_inquiry_result, "inquiry_result")},
    "api-inquiry-result-accept": {"POST": custom(_inquiry_result, "inquiry_result")},
    "api-inquiry-result-row-accept": {"POST": custom(_inquiry_row_accept, "inquiry_row")},
    # --- party portal (issue 21): the party's pages are PUBLIC; the portal session (its own cookie, never
    # django.contrib.auth) is checked inside each view and the case comes from that session, never from the URL.
    # The staff side: the user's own waiting list, answers with CASE_ACT on the question's case.
    "portal:signin": same(PUBLIC, *GP),
    "portal:code": {"POST": PUBLIC},
    "portal:case": {"GET": PUBLIC},
    "portal:lead": same(PUBLIC, *GP),
    "portal:question": same(PUBLIC, *GP),
    "portal:correction": same(PUBLIC, *GP),
    "portal:signout": {"POST": PUBLIC},
    "portal:waiting": {"GET": LOGIN},
    "portal:answer": {"POST": on("portal_question", Perm.CASE_ACT)},
    "portal:lead_file": {"GET": on("portal_file")},
    "api-portal-question-list": {"GET": LOGIN},
    "api-portal-question-detail": {"GET": on("portal_question")},
    "api-portal-question-answer": {"POST": on("portal_question", Perm.CASE_ACT)},
    # --- efile (issue 22): the case file is seen by whoever sees the case; filing and ordering need EFILE_FILE,
    # the archive volume EFILE_ARCHIVE, on the case; search and lists are filtered by the policy in the query ---
    "efile:case_file": {"GET": on("case")},
    "efile:upload": {"POST": on("case", Perm.EFILE_FILE)},
    "efile:reorder": {"POST": on("case", Perm.EFILE_FILE)},
    "efile:sort": {"POST": on("case", Perm.EFILE_FILE)},
    "efile:volume_build": {"POST": on("case", Perm.EFILE_ARCHIVE)},
    "efile:item_move": {"POST": on("efile_item", Perm.EFILE_FILE)},
    "efile:item_section": {"POST": on("efile_item", Perm.EFILE_FILE)},
    "efile:item_ocr_retry": {"POST": on("efile_item", Perm.EFILE_FILE)},
    "efile:item_status": {"GET": on("efile_item")},
    "efile:item_pdf": {"GET": on("efile_item")},
    "efile:item_page": {"GET": on("efile_item", kw={"page": 1})},
    "efile:volume_status": {"GET": on("efile_volume")},
    "efile:volume_pdf": {"GET": on("efile_volume")},
    "efile:search": {"GET": LOGIN},
    "efile:to_archive": {"GET": needs(Perm.EFILE_ARCHIVE)},
    "efile-item-list": {"GET": LOGIN, "POST": needs(Perm.EFILE_FILE)},
    "efile-item-detail": {"GET": on("efile_item")},
    "efile-item-pdf": {"GET": on("efile_item")},
    "efile-item-reorder": {"POST": needs(Perm.EFILE_FILE)},
    "efile-volume-list": {"GET": LOGIN, "POST": needs(Perm.EFILE_ARCHIVE)},
    "efile-volume-detail": {"GET": on("efile_volume")},
    "efile-volume-download": {"GET": on("efile_volume")},
    # --- signing (issue 22): the court's seal ---
    "signing:settings": same(needs(Perm.SIGNING_MANAGE), *GP),
    "signing:queue": {"GET": needs(Perm.DOCUMENT_SIGN)},
    "signing:sign": {"POST": needs(Perm.DOCUMENT_SIGN)},
    "signing:certificate_revoke": {"POST": needs(Perm.SIGNING_MANAGE)},
    "api-signature-list": {"GET": LOGIN},
    "api-signature-detail": {"GET": on("document")},
    "api-signature-sign": {"POST": custom(_sign, "document")},
    "api-signature-sign-many": {"POST": needs(Perm.DOCUMENT_SIGN)},
    "api-signing-policy-list": {"GET": LOGIN, "POST": needs(Perm.SIGNING_MANAGE)},
    "api-signing-certificate-list": {"GET": LOGIN},
    # --- review (执行异议/复议): visible to whoever sees the enforcement case (or the 执异 case); registration
    # needs REVIEW_HANDLE and CASE_REGISTER at the case's court; the reconsideration decision is the higher court's ---
    "review:objection_list": {"GET": needs(Perm.CASE_VIEW, Perm.REVIEW_HANDLE)},
    "review:objection_new": same(custom(_review_register, "case"), "GET", "POST"),
    "review:objection_detail": {"GET": on("review_objection")},
    "review:objection_act": {"POST": on("review_objection")},
    "review:kpis": {"GET": needs(Perm.REPORT_VIEW)},
    "api-review-objection-list": {"GET": LOGIN, "POST": needs(Perm.REVIEW_HANDLE)},
    "api-review-objection-detail": {"GET": on("review_objection")},
    "api-review-objection-sessions": {"POST": on("review_objection", Perm.REVIEW_HANDLE)},
    "api-review-objection-rule": {"POST": on("review_objection", Perm.REVIEW_RULE)},
    "api-review-objection-withdraw": {"POST": on("review_objection", Perm.REVIEW_HANDLE)},
    "api-review-objection-papers-notice": {"POST": on("review_objection", Perm.REVIEW_HANDLE)},
    "api-review-objection-serve": {"POST": on("review_objection", Perm.REVIEW_HANDLE)},
    "api-review-objection-suit": {"POST": on("review_objection", Perm.REVIEW_HANDLE)},
    "api-review-objection-lift": {"POST": on("review_objection", Perm.REVIEW_RULE)},
    "api-review-objection-reconsideration-apply": {"POST": on("review_objection", Perm.REVIEW_HANDLE)},
    "api-review-objection-reconsideration-send-up": {"POST": on("review_objection", Perm.REVIEW_HANDLE)},
    "api-review-objection-reconsideration-extend": {"POST": custom(_review_higher, "review_objection")},
    "api-review-objection-reconsideration-decide": {"POST": custom(_review_higher, "review_objection")},
    "api-review-objection-kpis": {"GET": needs(Perm.REPORT_VIEW)},
    # --- delegation between courts (issue 23): two courts see one delegation, each its own part ---
    "delegation:list": {"GET": needs(Perm.DELEGATION_RECEIVE, Perm.CASE_VIEW)},
    "delegation:new": same(on("case", Perm.DELEGATION_SEND, key=lambda case: {"case_pk": case.pk}), *GP),
    "delegation:detail": {"GET": custom(_delegation_sees, "delegation")},
    "delegation:paper": {"GET": custom(_delegation_sees, "delegation", key=_delegation_paper_kw)},
    "delegation:export": {"GET": custom(_delegation_sees, "delegation")},
    "delegation:send": {"POST": custom(_delegation_send, "delegation")},
    "delegation:withdraw": {"POST": custom(_delegation_send, "delegation")},
    "delegation:close": {"POST": custom(_delegation_send, "delegation")},
    "delegation:accept": {"POST": custom(_delegation_assign, "delegation")},
    "delegation:refuse": {"POST": custom(_delegation_assign, "delegation")},
    "delegation:start": {"POST": custom(_delegation_receive, "delegation")},
    "delegation:reply": {"POST": custom(_delegation_receive, "delegation")},
    "notices:delegation_letter": {"GET": custom(_delegation_sees, "delegation")},
    # the reply letter exists once the delegation is answered (the audit's are not: nobody gets it)
    "notices:delegation_reply": {"GET": custom(
        lambda user, d, world, placement: d.answered_on is not None and _delegation_sees(user, d, world, placement),
        "delegation")},
    "delegation-list": {"GET": LOGIN, "POST": needs(Perm.DELEGATION_SEND)},
    "delegation-detail": {"GET": custom(_delegation_sees, "delegation")},
    "delegation-export": {"GET": custom(_delegation_sees, "delegation")},
    "delegation-send": {"POST": custom(_delegation_send, "delegation")},
    "delegation-withdraw": {"POST": custom(_delegation_send, "delegation")},
    "delegation-close": {"POST": custom(_delegation_send, "delegation")},
    "delegation-accept": {"POST": custom(_delegation_assign, "delegation")},
    "delegation-refuse": {"POST": custom(_delegation_assign, "delegation")},
    "delegation-start": {"POST": custom(_delegation_receive, "delegation")},
    "delegation-reply": {"POST": custom(_delegation_receive, "delegation")},
    # Supervision and command: supervision orders, command-centre dispatch, reception days.
    "supervision:orders": {"GET": LOGIN},
    "supervision:order_new": same(needs(Perm.SUPERVISION_ORDER), *GP),
    "supervision:order_detail": {"GET": custom(_sv_order_see, "sv_order")},
    "supervision:order_reply": {"POST": custom(_sv_order_reply, "sv_order")},
    "supervision:order_close": {"POST": custom(_sv_order_decide, "sv_order")},
    "supervision:order_reopen": {"POST": custom(_sv_order_decide, "sv_order")},
    "notices:supervision_letter": {"POST": custom(_sv_order_decide, "sv_order")},
    "supervision:attachment": {"GET": custom(_sv_attachment, "sv_attachment")},
    "supervision:board": {"GET": needs(Perm.DISPATCH)},
    "supervision:ticket_new": same(needs(Perm.DISPATCH), *GP),
    "supervision:my_tickets": {"GET": needs(Perm.CASE_ACT)},
    "supervision:stats": {"GET": needs(Perm.DISPATCH)},
    "supervision:ticket_detail": {"GET": custom(_sv_ticket_see, "sv_ticket")},
    "supervision:ticket_ack": {"POST": custom(_sv_ticket_officer, "sv_ticket")},
    "supervision:ticket_report": {"POST": custom(_sv_ticket_officer, "sv_ticket")},
    "supervision:roster": same(needs(Perm.DISPATCH), *GP),
    "supervision:shift_cancel": {"POST": custom(_sv_shift, "sv_shift")},
    "supervision:reception": same(needs(Perm.RECEPTION_RECORD), *GP),
    "supervision:reception_day": same(custom(_sv_day, "sv_day"), *GP),
    "supervision:followups": {"GET": LOGIN},
    "supervision:visit_detail": same(custom(_sv_visit, "sv_visit"), *GP),
    "supervision-order-list": {"GET": LOGIN, "POST": needs(Perm.SUPERVISION_ORDER)},
    "supervision-order-detail": {"GET": custom(_sv_order_see, "sv_order")},
    "supervision-order-reply": {"POST": custom(_sv_order_reply, "sv_order")},
    "supervision-order-close": {"POST": custom(_sv_order_decide, "sv_order")},
    "supervision-order-reopen": {"POST": custom(_sv_order_decide, "sv_order")},
    "dispatch-ticket-list": {"GET": LOGIN, "POST": needs(Perm.DISPATCH)},
    "dispatch-ticket-detail": {"GET": custom(_sv_ticket_see, "sv_ticket")},
    "dispatch-ticket-acknowledge": {"POST": custom(_sv_ticket_officer, "sv_ticket")},
    "dispatch-ticket-report-back": {"POST": custom(_sv_ticket_officer, "sv_ticket")},
    "duty-shift-list": {"GET": LOGIN, "POST": needs(Perm.DISPATCH)},
    "duty-shift-cancel": {"POST": custom(_sv_shift, "sv_shift")},
    "dispatch-stats": {"GET": needs(Perm.DISPATCH)},
    "reception-day-list": {"GET": LOGIN, "POST": needs(Perm.RECEPTION_RECORD)},
    "reception-day-detail": {"GET": custom(_sv_day, "sv_day")},
    "reception-visit-list": {"GET": LOGIN, "POST": needs(Perm.RECEPTION_RECORD)},
    "reception-visit-detail": {"GET": custom(_sv_visit, "sv_visit")},
    "reception-visit-follow-up": {"POST": custom(_sv_visit, "sv_visit")},
}

# URL names the audit does not probe, with the reason. The Django admin is Django's own (staff only; its index is
# audited above, every other admin page sits behind the same admin_view check).
SKIPPED_NAMESPACES = {"admin"}

# (URL name, method): the view validates the body before it checks permission (a finding; see the module docstring).
# Found by the audit (2026-11-23): ~40 API endpoints (fixed with core.api.PolicyFirstMixin) and three asset pages
# (fixed in assets/views.py) validated first. Remove a line once its view checks permission first.
VALIDATES_FIRST: set[tuple[str, str]] = set()
