"""督办函: the supervision letter of a supervision order (督办, supervision app; issue 23), from the ordering court to
the court (its 执行局) handling the case, or, when a bureau chief supervises a case of their own court, to the team
or officer handling it (最高人民法院关于执行案件督办工作的规定（试行）).

One letter per order and round: the addressee is ``supervision:<order id>:<round>`` and is offered while the order
awaits its reply (a reopened order offers a new letter for its new round). It prints the case number, the parties
(names only), the instructions, the reply date, the ordering court and the date. Its number is the ordering court's:
（2026）甘05执督3号 from the order's serial of the year at that court (之二 for a second round...).

Who may issue it (``authorize``, instead of NOTICE_ISSUE on the case): those who may decide on the order
(``supervision.services.may_decide``: the orderer, or a chief of the ordering court holding SUPERVISION_ORDER on the
case); the case's own officers may not. The document goes into the case's register, its timeline and e-file like
any other (notices.services.document_issue)."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Addressee, DocumentType, register
from ._common import CaseData, fail
from ._samples import sample_context

PREFIX = "supervision"
ROUND_SUFFIX = {2: "之二", 3: "之三", 4: "之四", 5: "之五", 6: "之六", 7: "之七", 8: "之八", 9: "之九"}


def _key(order) -> str:
    return f"{PREFIX}:{order.pk}:{order.round}"


def _parse(key: str) -> tuple[int, int]:
    parts = (key or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1].isdigit() or not parts[2].isdigit():
        raise fail("addressee", _("The addressee %(key)s does not fit this document.") % {"key": key or "-"})
    return int(parts[1]), int(parts[2])


def _orders(case):
    from supervision.models import SupervisionOrder

    return (SupervisionOrder.objects.filter(case_id=case.pk)
            .select_related("court", "case__court", "case__team", "case__officer", "ordered_by").order_by("pk"))


def _recipient(order) -> str:
    """The court (its 执行局) handling the case; within the ordering court itself, the team (or officer)."""
    case = order.case
    if order.court_id != case.court_id:
        return f"{case.court.name}执行局"
    if case.team_id:
        return case.team.name
    return case.officer.display_name if case.officer_id else f"{case.court.name}执行局"


def addressees(case) -> list[Addressee]:
    return [Addressee(key=_key(o), name=_recipient(o), address=o.case.court.address, role="court")
            for o in _orders(case).filter(status="open")]


def unavailable(case) -> str:
    return "" if addressees(case) else _("No supervision order of this case awaits a reply.")


def _load(case, key: str):
    pk, round_ = _parse(key)
    order = _orders(case).filter(pk=pk).first()
    if order is None or order.round != round_:
        raise fail("addressee", _("No such supervision order (or round) in this case."))
    return order


def authorize(user, case, addressee_key: str) -> None:
    """The orderer, or a chief of the ordering court who may supervise the case (the officers of the case, a
    sibling court and everyone else: PermissionDenied)."""
    from supervision.services import may_decide

    try:
        pk, _round = _parse(addressee_key)
    except Exception:  # noqa: BLE001 - a malformed key is judged by the context later; nobody may issue it here
        raise PermissionDenied(_("Only the ordering chief may issue a supervision letter.")) from None
    order = _orders(case).filter(pk=pk).first()
    if order is None or not may_decide(user, order):
        raise PermissionDenied(_("Only the ordering chief may issue a supervision letter."))


def letter_number(order) -> str:
    """（2026）甘05执督3号 from the order's number ``DB<year><court id, 3><serial, 4>`` (the ordering court's own
    count of the year); a later round adds 之二, 之三..."""
    from supervision.services import number_parts  # supervision sits above notices' documents; read it late

    year, serial = number_parts(order.number, order.court_id)
    suffix = ROUND_SUFFIX.get(order.round, f"之{order.round}") if order.round > 1 else ""
    return f"（{year}）{order.court.code}执督{serial}号{suffix}"


def context(case, addressee, params=None) -> dict:
    order = _load(case, getattr(addressee, "key", addressee))
    data = CaseData.load(case)
    case = data.case
    own_court = order.court_id == case.court_id
    opened = timezone.localdate(order.opened_at)
    return {
        "court_name": order.court.name,
        "case_number": case.number,
        "document_number": letter_number(order),
        "addressee": _recipient(order),
        "applicant_names": "、".join(cp.party.name for cp in data.applicants),
        "respondent_names": "、".join(cp.party.name for cp in data.respondents),
        "case": {"number": case.number, "cause": case.cause, "court": case.court.name},
        "order": {"instructions": order.instructions, "reply_due": order.reply_due, "opened_on": opened,
                  "round": order.round, "own_court": own_court, "orderer": order.ordered_by.display_name,
                  "phone": order.court.phone},
    }


LETTER = register(DocumentType(
    code="supervision_letter",
    title="督办函",
    label=gettext_lazy("Supervision letter"),
    description=gettext_lazy("The ordering court's letter of a supervision order: the instructions and the date to "
                             "report back by (督办函)."),
    template="notices/docs/supervision_letter.html",
    addressees=addressees,
    context=context,
    unavailable=unavailable,
    authorize=authorize,
    order=75,
    sample_context=partial(sample_context, "supervision_letter"),
))
