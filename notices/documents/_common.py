"""Shared pieces of the document context builders: parties, court and officer, the case fund account, amounts.

Every helper reads the case with a fixed number of queries (``CaseData`` loads the case's court, officer and parties
once), and raises ``ValidationError({field: message})`` naming the missing field when a document cannot be filled.

Addressee keys used by the document types (see ``notices.documents``):

* ``party:<case_party_id>``  a party of the case (notices and orders to an applicant or respondent)
* ``asset:<asset_id>``       an asset whose holder assists (a bank for a deposit, an employer for wages)
* ``control:<measure_id>``   a control measure (the ruling on it, the registry that records it)
* ``payout:<payout_id>``     a payout from the case fund account (its notice and receipt)
* ``case:<case_id>``         the case as a whole (rulings served on every party, e.g. 终本)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import BasisKind, Case, CaseParty, PartyKind, PartyRole
from core import court_settings
from core.rules.money import amount_in_capitals
from core.rules.payment_ref import format_payment_reference

from . import Addressee

ZERO = Decimal("0.00")

# The printed name of each kind of basis document (执行依据).
BASIS_TITLES = {
    BasisKind.JUDGMENT: "民事判决书",
    BasisKind.RULING: "民事裁定书",
    BasisKind.MEDIATION: "民事调解书",
    BasisKind.ARBITRAL_AWARD: "仲裁裁决书",
    BasisKind.NOTARISED_DEBT: "具有强制执行效力的公证债权文书",
    BasisKind.PAYMENT_ORDER: "支付令",
    BasisKind.PRESERVATION_RULING: "民事裁定书",
    BasisKind.ADMINISTRATIVE: "行政处理决定书",
    BasisKind.OTHER: "法律文书",
}

ROLE_LABELS = {PartyRole.APPLICANT: "申请执行人", PartyRole.RESPONDENT: "被执行人", PartyRole.THIRD_PARTY: "案外人"}


def fail(field_name: str, message) -> ValidationError:
    return ValidationError({field_name: [message]})


def addressee_key(addressee) -> str:
    """The key of an ``Addressee`` (or the key itself when a string is passed)."""
    return getattr(addressee, "key", addressee) or ""


def key_id(addressee, prefix: str) -> int:
    """The object id of an addressee key ``<prefix>:<id>``; ValidationError naming ``addressee`` otherwise."""
    key = addressee_key(addressee)
    head, _sep, tail = key.partition(":")
    if head != prefix or not tail.isdigit():
        raise fail("addressee", _("The addressee %(key)s does not fit this document.") % {"key": key or "-"})
    return int(tail)


def setting(case: Case, key: str):
    return court_settings.get(case.court_id, key)


def quantize(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def yuan_upper(value) -> str:
    """Money in capitals as on a receipt (``core.rules.money.amount_in_capitals``): 30000 → 叁万元整."""
    return amount_in_capitals(quantize(value))


def cn_number(n: int) -> str:
    """0-100 in Chinese numerals as printed in running text: 5 → 五, 50 → 五十, 15 → 十五, 100 → 一百."""
    digits = "零一二三四五六七八九"
    if n == 100:
        return "一百"
    if not 0 <= n < 100:
        raise ValueError(f"{n} out of range 0..100")
    tens, units = divmod(n, 10)
    if tens == 0:
        return digits[units]
    return ("十" if tens == 1 else digits[tens] + "十") + (digits[units] if units else "")


# --- Parties -----------------------------------------------------------------------------------------------------

def party_data(cp: CaseParty) -> dict[str, Any]:
    """A party as the templates print it (plain values)."""
    party = cp.party
    unit = party.kind != PartyKind.PERSON
    if unit:
        id_label = "统一社会信用代码" if party.id_kind == "uscc" or len(party.id_number) == 18 else "组织机构代码"
    else:
        id_label = "公民身份号码"
    address = cp.service_address or party.address
    sex = {"M": "男", "F": "女"}.get(party.sex, "")
    description = [party.name]
    if unit:
        if address:
            description.append(f"住所地{address}")
        if party.id_number:
            description.append(f"{id_label}{party.id_number}")
    else:
        if sex:
            description.append(sex)
        if party.birth_date:
            d = party.birth_date
            description.append(f"{d.year}年{d.month}月{d.day}日出生")
        if party.id_number:
            description.append(f"{id_label}{party.id_number}")
        if address:
            description.append(f"住{address}")
    return {
        "id": cp.pk,
        "role": cp.role,
        "role_label": ROLE_LABELS.get(cp.role, ""),
        "name": party.name,
        "kind": "unit" if unit else "person",
        "is_unit": unit,
        "id_label": id_label,
        "id_number": party.id_number,
        "address": address,
        "phone": cp.phone or next(iter(party.phones or []), ""),
        "sex": sex,
        "legal_representative": party.legal_representative,
        "description": "，".join(description),
        "restricted_on": cp.restricted_on,
        "restriction_lifted_on": cp.restriction_lifted_on,
        "dishonest_listed_on": cp.dishonest_listed_on,
        "dishonest_until": cp.dishonest_until,
        "dishonest_ground": cp.dishonest_ground,
        "dishonest_removed_on": cp.dishonest_removed_on,
    }


def party_addressee(cp: CaseParty) -> Addressee:
    # The party's postcode goes with its own address; a case-specific service address has none recorded.
    postcode = "" if cp.service_address and cp.service_address != cp.party.address else cp.party.postcode
    return Addressee(key=f"party:{cp.pk}", name=cp.party.name, address=cp.service_address or cp.party.address,
                     postcode=postcode, phone=cp.phone, role=cp.role)


_memo: ContextVar[dict[int, CaseData] | None] = ContextVar("notices_case_data", default=None)


@dataclass
class CaseData:
    """The case, its court, officer and parties, loaded once (3 queries at most) for one context call."""

    case: Case
    _parties: list[CaseParty] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, case: Case) -> CaseData:
        """Read the case afresh (amounts change as money comes in) with its court and officer: one query. Inside
        ``CaseData.memoized()`` each case is read once for the block."""
        memo = _memo.get()
        if memo is not None and case.pk in memo:
            return memo[case.pk]
        data = cls(Case.objects.select_related("court", "officer").get(pk=case.pk))
        if memo is not None:
            memo[case.pk] = data
        return data

    @classmethod
    @contextmanager
    def memoized(cls, case_ids: Iterable[int] = ()) -> Iterator[None]:
        """Within the block, ``load`` reads each case (and its parties) once; ``case_ids`` are read up front in two
        queries. For one unit of work over many cases (a batch chunk: the addressees, then the context of each
        document): a change made by another process during the block is not seen until it ends."""
        memo: dict[int, CaseData] = {}
        ids = list(dict.fromkeys(int(pk) for pk in case_ids))
        if ids:
            parties: dict[int, list[CaseParty]] = {pk: [] for pk in ids}
            for cp in (CaseParty.objects.filter(case_id__in=ids).select_related("party")
                       .order_by("case_id", "role", "position", "pk")):
                parties[cp.case_id].append(cp)
            for case in Case.objects.select_related("court", "officer").filter(pk__in=ids):
                memo[case.pk] = cls(case, parties[case.pk])
        token = _memo.set(memo)
        try:
            yield
        finally:
            _memo.reset(token)

    @property
    def parties(self) -> list[CaseParty]:
        if self._parties is None:
            self._parties = list(CaseParty.objects.filter(case_id=self.case.pk).select_related("party")
                                 .order_by("role", "position", "pk"))
        return self._parties

    def with_role(self, role: str) -> list[CaseParty]:
        return [cp for cp in self.parties if cp.role == role]

    @property
    def applicants(self) -> list[CaseParty]:
        return self.with_role(PartyRole.APPLICANT)

    @property
    def respondents(self) -> list[CaseParty]:
        return self.with_role(PartyRole.RESPONDENT)

    def party(self, addressee, *, role: str | None = None) -> CaseParty:
        pk = key_id(addressee, "party")
        for cp in self.parties:
            if cp.pk == pk and (role is None or cp.role == role):
                return cp
        raise fail("addressee", _("The addressee is not a party of this case in the role this document is for."))

    @cached_property
    def court(self):
        return self.case.court

    def officer(self) -> dict[str, str]:
        officer = self.case.officer
        if officer is None:
            raise fail("officer", _("The case has no handling officer."))
        phone = officer.phone or self.court.phone
        if not phone:
            raise fail("officer.phone", _("Neither the handling officer nor the court has a phone number."))
        return {"name": officer.display_name, "phone": phone}

    def account(self) -> dict[str, str]:
        """The case fund account (一案一账号): the court's account and this case's own reference."""
        court = self.court
        for attr in ("fund_account_name", "fund_account_bank", "fund_account_number"):
            if not getattr(court, attr):
                raise fail(f"court.{attr}", _("The court's case fund account is not set up (%(field)s).") % {
                    "field": attr})
        pattern = setting(self.case, "case_account_number_format") or "{account}"
        try:
            number = pattern.format(account=court.fund_account_number, reference=self.case.account_reference)
        except (KeyError, IndexError, ValueError):
            raise fail("case_account_number_format", _("The account number format may use {account} and "
                                                       "{reference} only.")) from None
        # The 汇款附言 prints the reference in groups of four joined by no-break spaces (read aloud and typed without
        # slips; ``unbroken_words`` keeps it on one line), then the case number after an ordinary space.
        grouped = format_payment_reference(self.case.account_reference, sep="\u00a0")
        return {
            "name": court.fund_account_name,
            "bank": court.fund_account_bank,
            "number": number,
            "case_reference": self.case.account_reference,
            "case_reference_grouped": grouped,
            "reference": f"{grouped} {self.case.number}",
        }

    def basis(self) -> dict[str, str]:
        case = self.case
        return {"issuer": case.basis_issuer, "number": case.basis_number,
                "title": BASIS_TITLES.get(case.basis_kind, "法律文书"), "cause": case.cause,
                "effective_on": case.basis_effective_on, "due_on": case.basis_due_on}

    def amounts(self) -> dict[str, Any]:
        case = self.case
        recovered = quantize(case.amount_recovered)
        claimed = quantize(case.amount_claimed)
        return {
            "principal": quantize(case.principal),
            "interest": quantize(case.interest_awarded),
            "interest_note": "",
            "costs": quantize(case.litigation_costs),
            "costs_label": "案件受理费等诉讼费用",
            "other": quantize(case.other_amount),
            "total": claimed,
            "recovered": recovered,
            "outstanding": max(claimed - recovered, ZERO),
        }

    def names(self, parties: list[CaseParty]) -> str:
        return "、".join(cp.party.name for cp in parties)

    def base(self) -> dict[str, Any]:
        """What every notice prints: court, case number, parties, the basis and the officer."""
        case = self.case
        return {
            "court_name": self.court.name,
            "court": {"name": self.court.name, "address": self.court.address, "postcode": self.court.postcode,
                      "phone": self.court.phone},
            "case_number": case.number,
            "case_ref": case.number,
            "case": {"number": case.number, "filed_on": case.filed_on, "received_on": case.received_on,
                     "cause": case.cause, "obligation": case.obligation_kind,
                     "act_description": case.act_description, "non_litigation": case.non_litigation},
            "filed_date": case.filed_on,
            "basis": self.basis(),
            "applicants": [party_data(cp) for cp in self.applicants],
            "respondents": [party_data(cp) for cp in self.respondents],
            "applicant_names": self.names(self.applicants),
            "respondent_names": self.names(self.respondents),
        }


def require_money_case(data: CaseData, field_name: str = "amount_claimed") -> None:
    if data.case.amount_claimed <= 0:
        raise fail(field_name, _("The case has no money obligation."))


ASSET_KIND_NAMES = {
    "bank_deposit": "银行存款", "real_estate": "不动产", "vehicle": "机动车", "equity": "股权",
    "other_property_right": "其他财产权", "wage_income": "工资收入", "movable": "动产",
}
CONTROL_VERBS = {"freeze": "冻结", "seizure": "查封", "detention": "扣押"}


def property_phrase(asset, *, with_amount: Decimal | None = None) -> str:
    """How a ruling or a request names an asset (被执行人名下的…)."""
    from assets.models import AssetKind

    kind = asset.kind
    if kind == AssetKind.BANK_DEPOSIT:
        text = f"在{asset.bank_name}开立的账户（账号：{asset.account_number}）内的存款"
        if with_amount:
            text += f"人民币{with_amount:,.2f}元"
        return text
    if kind == AssetKind.REAL_ESTATE:
        where = f"坐落于{asset.location}的" if asset.location else ""
        return f"{where}不动产（{asset.description}，不动产权证号：{asset.certificate_number}）"
    if kind == AssetKind.VEHICLE:
        return f"机动车（{asset.description}，号牌号码：{asset.plate_number}）"
    if kind == AssetKind.EQUITY:
        return f"持有的{asset.company_name}{asset.share}股权及其收益"
    if kind == AssetKind.WAGE_INCOME:
        return f"在{asset.company_name}的工资、奖金等收入"
    cert = f"，权属证号：{asset.certificate_number}" if asset.certificate_number else ""
    where = f"，存放于{asset.location}" if asset.location else ""
    return f"{asset.description}（{ASSET_KIND_NAMES.get(kind, '财产')}{cert}{where}）"


def term_text(start, end) -> str:
    """自2026年3月1日起至2027年2月28日止"""
    return f"自{start.year}年{start.month}月{start.day}日起至{end.year}年{end.month}月{end.day}日止"


# --- Assets and control measures ---------------------------------------------------------------------------------

def load_asset(case: Case, addressee, *, kinds: tuple[str, ...]):
    """The asset an ``asset:<id>`` addressee names, with its owner; must belong to ``case`` and be of ``kinds``."""
    from assets.models import Asset

    pk = key_id(addressee, "asset")
    asset = (Asset.objects.select_related("owner__party").filter(pk=pk, case_id=case.pk, kind__in=kinds).first())
    if asset is None:
        raise fail("addressee", _("No such asset of this kind in this case."))
    return asset


def load_control(case: Case, addressee, *, statuses: tuple[str, ...] | None = None):
    """The control measure a ``control:<id>`` addressee names, with its asset and owner; must belong to ``case``."""
    from assets.models import ControlMeasure

    pk = key_id(addressee, "control")
    qs = ControlMeasure.objects.select_related("asset__owner__party").filter(pk=pk, case_id=case.pk)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    control = qs.first()
    if control is None:
        raise fail("addressee", _("No such control measure in this case."))
    return control


def control_term(control) -> dict[str, Any]:
    """Term of a measure as printed: the statutory maximum for the property (CPL-I art 485) and the dates in force."""
    from assets.models import RULE_KIND
    from core.rules.periods import CONTROL_MAX_MONTHS

    months = CONTROL_MAX_MONTHS[RULE_KIND[control.asset.kind]]
    years = "一二三四五"[months // 12 - 1] if months % 12 == 0 and months // 12 <= 5 else ""
    return {
        "max": f"{years}年" if years else f"{months}个月",
        "text": term_text(control.effective_on, control.expires_on) if control.effective_on and control.expires_on
        else "",
        "queued": control.status == "queued" or (control.effective_on is None and control.status != "released"),
        "effective_on": control.effective_on,
        "expires_on": control.expires_on,
    }


def asset_data(asset, *, amount: Decimal | None = None) -> dict[str, Any]:
    return {
        "id": asset.pk, "kind": asset.kind, "kind_name": ASSET_KIND_NAMES.get(asset.kind, "财产"),
        "description": asset.description, "bank_name": asset.bank_name, "account_number": asset.account_number,
        "certificate_number": asset.certificate_number, "plate_number": asset.plate_number,
        "company_name": asset.company_name, "share": asset.share, "location": asset.location,
        "phrase": property_phrase(asset, with_amount=amount),
    }
