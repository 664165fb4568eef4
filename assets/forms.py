"""Page forms: they check the shape of the input; the services decide everything else."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import fields
from core.idempotency import FormTokenField
from core.rules.distribution import (
    DistributionMode,
    PriorityClass,
    duplicate_names,
    priority_class_from_text,
)
from core.text import clean_name

from .models import (
    RECEIPT_KINDS,
    AssetKind,
    AssetSource,
    ControlKind,
    ObjectionStatus,
    PayoutKind,
    ReferenceMethod,
    ReleaseGround,
    RoundResult,
)

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def money_field(label, required=True):
    return fields.MoneyFormField(label=label, max_digits=16, decimal_places=2, min_value=Decimal("0"),
                              required=required, widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class AssetForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=AssetKind.choices)
    description = forms.CharField(label=pgettext_lazy("asset", "Description"), max_length=200)
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    account_number = forms.CharField(label=_("Account number"), max_length=40, required=False)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=80, required=False)
    plate_number = forms.CharField(label=_("Plate number"), max_length=20, required=False)
    company_name = forms.CharField(label=_("Company or employer"), max_length=200, required=False)
    share = forms.CharField(label=_("Share held"), max_length=60, required=False)
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    estimated_value = money_field(_("Estimated value"), required=False)
    source = forms.ChoiceField(label=_("Source"), choices=AssetSource.choices)
    source_note = forms.CharField(label=_("Source details"), max_length=300, required=False)
    # The network query finding it is registered from (filled in by "register the asset" on the timeline).
    source_action = forms.IntegerField(widget=forms.HiddenInput, required=False)
    source_row = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    form_token = FormTokenField()

    def __init__(self, *args, case=None, **kwargs):
        from .findings import default_owner

        super().__init__(*args, **kwargs)
        parties = list(case.case_parties.select_related("party").order_by("role", "position", "pk"))
        # Debtors first: a new asset's owner is a debtor unless the officer says otherwise (never an applicant).
        parties.sort(key=lambda cp: cp.role != "respondent")
        self.fields["owner"].choices = [(cp.pk, f"{cp.get_role_display()}：{cp.party.name}") for cp in parties]
        owner = default_owner(case)
        if owner is None:  # no debtor on the case: nobody is preselected
            self.fields["owner"].choices = [("", "—")] + self.fields["owner"].choices
        self.initial.setdefault("owner", owner.pk if owner is not None else "")


class ControlOrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=ControlKind.choices)
    ordered_on = fields.DateFormField(label=_("Ordered on"), **DATE)
    effective_on = fields.DateFormField(label=_("In force from (service)"), required=False, **DATE)
    ruling_number = forms.CharField(label=_("Ruling number"), max_length=60)
    assisting_body = forms.CharField(label=_("Assisting body"), max_length=200)
    requested_until = fields.DateFormField(label=_("Term until (if shorter than the maximum)"), required=False, **DATE)
    amount = money_field(_("Amount frozen"), required=False)
    preservation = forms.BooleanField(label=_("Preservation measure"), required=False)


class RenewForm(forms.Form):
    renewed_on = fields.DateFormField(label=_("Renewed on"), **DATE)
    ruling_number = forms.CharField(label=_("Ruling number"), max_length=60)
    requested_until = fields.DateFormField(label=_("New expiry (if shorter than the maximum)"), required=False, **DATE)


class ReleaseForm(forms.Form):
    released_on = fields.DateFormField(label=_("Released on"), **DATE)
    ground = forms.ChoiceField(label=_("Ground"), choices=ReleaseGround.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ObjectionForm(forms.Form):
    objector = forms.CharField(label=_("Objector"), max_length=200)
    filed_on = fields.DateFormField(label=pgettext_lazy("objection", "Filed on"), **DATE)
    grounds = forms.CharField(label=_("Grounds"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionDecideForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[c for c in ObjectionStatus.choices if c[0] != "pending"])
    decided_on = fields.DateFormField(label=_("Decided on"), **DATE)


class DisposalStartForm(forms.Form):
    """The disposing team is not chosen: it is the team the asset was handed over to (or the case's own team)."""

    reference_method = forms.ChoiceField(label=_("Reference price method"), choices=ReferenceMethod.choices)
    reference_requested_on = fields.DateFormField(label=_("Requested on"), **DATE)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)


class HandoverRequestForm(forms.Form):
    """移交处置: hand assets of the case (or the whole case) over to a disposal team."""

    whole_case = forms.BooleanField(label=_("The whole case (assets registered later included)"), required=False)
    assets = forms.TypedMultipleChoiceField(label=_("Assets"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    to_team = forms.TypedChoiceField(label=_("Disposal team"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, assets=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].choices = [(a.pk, str(a)) for a in assets]
        self.fields["to_team"].choices = [("", _("The court's designated disposal team"))] + [
            (t.pk, t.name) for t in teams]


class HandoverDecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReferencePriceForm(forms.Form):
    reference_price = money_field(_("Reference price"))
    report_on = fields.DateFormField(label=_("Report dated"), **DATE)
    valid_months = forms.IntegerField(label=_("Valid for (months)"), min_value=1, max_value=12, initial=12)


class RoundForm(forms.Form):
    notice_on = fields.DateFormField(label=_("Notice published on"), **DATE)
    auction_on = fields.DateFormField(label=_("Auction date"), **DATE)
    opening_price = money_field(_("Opening price"))
    deposit = money_field(_("Deposit"), required=False)
    platform = forms.CharField(label=_("Platform"), max_length=100, required=False)


class RoundResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[c for c in RoundResult.choices if c[0] != "pending"])
    ended_on = fields.DateFormField(label=_("Ended on"), **DATE)
    hammer_price = money_field(_("Hammer price"), required=False)
    buyer = forms.CharField(label=_("Buyer"), max_length=200, required=False)


class TransferForm(forms.Form):
    transferee = forms.CharField(label=_("Creditor taking the asset"), max_length=200)
    transferred_on = fields.DateFormField(label=_("Transferred on"), **DATE)


class RulingForm(forms.Form):
    ruling_number = forms.CharField(label=_("Confirmation ruling number"), max_length=60)
    served_on = fields.DateFormField(label=_("Served on"), **DATE)


class HandoverForm(forms.Form):
    handed_over_on = fields.DateFormField(label=_("Handed over on"), **DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReceiptForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in RECEIPT_KINDS])
    amount = money_field(_("Amount"))
    occurred_on = fields.DateFormField(label=pgettext_lazy("receipt", "Received on"), **DATE)
    payer = forms.CharField(label=_("Payer"), max_length=200, required=False)
    reference = forms.CharField(label=_("Bank or receipt reference"), max_length=80, required=False)
    memo = forms.CharField(label=_("Memo"), max_length=300, required=False)
    disposal = forms.TypedChoiceField(label=_("From the disposal"), coerce=int, required=False, empty_value=None)
    duplicate_confirmed = forms.BooleanField(
        label=_("Not a duplicate: record it although the bank reference is already on the ledger"), required=False)
    duplicate_reason = forms.CharField(label=_("Why it is not a duplicate"), max_length=300, required=False)
    form_token = FormTokenField()

    def __init__(self, *args, disposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disposal"].choices = [("", "—")] + [(d.pk, str(d.asset)) for d in disposals]


class ReverseForm(forms.Form):
    """Two steps: the first post shows what will happen (nothing is written); only a post with ``confirmed`` set,
    from the confirmation page, reverses."""

    reason = forms.CharField(label=_("Reason"), max_length=300)
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)
    form_token = FormTokenField()


class RejectReversalForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PayoutPrepareForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of payout"), choices=PayoutKind.choices, initial=PayoutKind.APPLICANT,
                             required=False)
    payee = forms.TypedChoiceField(label=_("Payee"), coerce=int)
    amount = money_field(_("Amount"))
    payee_account_name = forms.CharField(label=_("Account name"), max_length=200)
    payee_bank = forms.CharField(label=_("Bank"), max_length=100)
    payee_account_number = forms.CharField(label=_("Account number"), max_length=40)
    name_override = forms.BooleanField(label=_("The account name differs from the payee's name"), required=False)
    name_override_reason = forms.CharField(label=_("Why the account name differs"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)

    def __init__(self, *args, applicants=(), **kwargs):
        """``applicants``: the case's parties a payout may go to (applicants; respondents for the surplus)."""
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["payee"].choices = [
            (cp.pk, cp.party.name if cp.role == "applicant" else f"{cp.party.name} ({cp.get_role_display()})")
            for cp in applicants]

    def clean_kind(self):
        return self.cleaned_data.get("kind") or PayoutKind.APPLICANT


class ExecuteForm(forms.Form):
    """The confirmation of a payment (发放 cannot be undone except by a reversing entry): the approver ticks the box
    that names the amount and the payee; ``amount`` repeats the amount shown, so a stale page cannot pay. Carries a
    key made when the page was drawn: a double click sends the same key twice."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    amount = fields.MoneyFormField(widget=forms.HiddenInput, max_digits=16, decimal_places=2)
    confirm = forms.BooleanField(label=_("I have checked the payee, the account and the amount, and confirm the "
                                         "payment."))


class PayoutQueueFilterForm(forms.Form):
    """Filters and sort of the payout approval queue (page and API)."""

    court = forms.TypedChoiceField(label=_("Court"), coerce=int, required=False, empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    amount_min = fields.MoneyFormField(label=_("Amount from"), max_digits=16, decimal_places=2, min_value=Decimal("0"),
                                       required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    amount_max = fields.MoneyFormField(label=_("Amount to"), max_digits=16, decimal_places=2, min_value=Decimal("0"),
                                       required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    older_than_days = forms.IntegerField(label=_("Waiting at least (days)"), min_value=0, max_value=3650,
                                         required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("age", _("Oldest first")), ("-age", _("Newest first")), ("-amount", _("Largest amount first")),
        ("amount", _("Smallest amount first")), ("case", _("Case number")), ("-case", _("Case number, descending"))])

    def __init__(self, *args, courts=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = [("", _("All"))] + [(c.pk, c.name) for c in courts]
        self.fields["team"].choices = [("", _("All"))] + [(t.pk, t.name) for t in teams]

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The upper bound is below the lower bound."))
        return data

    def queue_filters(self) -> dict:
        d = self.cleaned_data
        return {"court": d.get("court"), "team": d.get("team"), "amount_min": d.get("amount_min"),
                "amount_max": d.get("amount_max"), "older_than_days": d.get("older_than_days"),
                "sort": d.get("sort") or "age"}


# --- Calculators -----------------------------------------------------------------------------------------------

def _parse_amount(text: str, line_no: int) -> Decimal:
    """An amount on a line of a calculator's text box, under the rules of every money input."""
    try:
        return fields.parse_money(text)
    except ValidationError as exc:
        raise ValidationError(_("Line %(n)s: %(value)s is not an amount.") % {"n": line_no, "value": text}
                              + " " + " ".join(exc.messages)) from None


def _bounded_lines(text: str, limit: int) -> list[str]:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > limit:
        raise ValidationError(_("Enter at most %(n)s lines.") % {"n": limit})
    return (text or "").splitlines()


class FeeCalcForm(forms.Form):
    amount = money_field(_("Amount (leave empty if no amount is involved)"), required=False)
    preservation = forms.BooleanField(label=_("Preservation fee"), required=False)


class InterestCalcForm(forms.Form):
    principal = money_field(_("Unpaid principal"))
    start = fields.DateFormField(label=_("Performance period expired on"), **DATE)
    end = fields.DateFormField(label=_("Paid or calculated to"), **DATE)
    payments = forms.CharField(
        label=_("Part payments"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: date and amount, e.g. 2026-03-01 40000"))

    def clean_payments(self):
        rows = []
        from .services.calculators import MAX_ROWS

        for n, line in enumerate(_bounded_lines(self.cleaned_data.get("payments"), MAX_ROWS), start=1):
            if not line.strip():
                continue
            parts = line.replace("，", " ").replace(",", " ").split()
            if len(parts) != 2:
                raise ValidationError(_("Line %(n)s: write a date and an amount.") % {"n": n})
            try:
                day = date.fromisoformat(parts[0])
            except ValueError:
                raise ValidationError(_("Line %(n)s: %(value)s is not a date.") % {"n": n, "value": parts[0]}) \
                    from None
            rows.append((day, _parse_amount(parts[1], n)))
        return rows


class DistributionCalcForm(forms.Form):
    total = money_field(_("Proceeds to distribute"))
    sale_costs = money_field(_("Costs of the sale"), required=False)
    enforcement_costs = money_field(_("Enforcement costs"), required=False)
    mode = forms.ChoiceField(label=_("Ordinary claims"), choices=[
        (DistributionMode.PRO_RATA.value, _("Pro rata (one distribution)")),
        (DistributionMode.SEIZURE_ORDER.value, _("In order of seizure"))])
    claims = forms.CharField(
        label=_("Claims"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the creditor's name, principal, interest, class (担保/优先/工资/普通), rank or "
                    "seizure order. E.g. 张三, 300000, 5000, 普通, 1"))

    def clean_claims(self):
        rows, line_numbers = [], []
        classes = set(PriorityClass.values)
        from .services.calculators import MAX_ROWS

        for n, line in enumerate(_bounded_lines(self.cleaned_data["claims"], MAX_ROWS), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) < 2:
                raise ValidationError(_("Line %(n)s: write at least a creditor and a principal.") % {"n": n})
            try:
                creditor = clean_name(parts[0], field="claims", max_length=200)
            except ValidationError as exc:
                raise ValidationError(_("Line %(n)s: %(error)s") % {"n": n, "error": " ".join(exc.messages)}) \
                    from None
            principal = _parse_amount(parts[1], n)
            interest = _parse_amount(parts[2], n) if len(parts) > 2 and parts[2] else Decimal("0")
            klass = priority_class_from_text(parts[3]) if len(parts) > 3 and parts[3] else PriorityClass.ORDINARY
            if klass not in classes:
                raise ValidationError(_("Line %(n)s: the class must be one of 担保, 优先, 工资, 普通 (given "
                                        "%(value)s).") % {"n": n, "value": parts[3]})
            try:
                order = int(parts[4]) if len(parts) > 4 and parts[4] else None
            except ValueError:
                raise ValidationError(_("Line %(n)s: the rank must be a whole number.") % {"n": n}) from None
            rows.append({"creditor": creditor, "principal": principal, "interest": interest, "priority_class": klass,
                         "rank": order or 0, "seizure_order": order})
            line_numbers.append(n)
        if not rows:
            raise ValidationError(_("Enter at least one claim."))
        repeat = duplicate_names([r["creditor"] for r in rows])
        if repeat:
            first, again = (line_numbers[i - 1] for i in repeat)
            raise ValidationError(_("Line %(again)s: the creditor %(name)s is already on line %(first)s; put each "
                                    "creditor's claim on one line.") % {
                "again": again, "first": first, "name": rows[repeat[1] - 1]["creditor"]})
        return rows


class FeeTransferForm(forms.Form):
    """The enforcement fee withheld first leaves the case's account for the court's fee account (执行费划转)."""

    amount = money_field(_("Amount"))
    occurred_on = fields.DateFormField(label=pgettext_lazy("fee transfer", "Transferred on"), **DATE)
    reference = forms.CharField(label=_("Bank or receipt reference"), max_length=80, required=False)
    memo = forms.CharField(label=_("Memo"), max_length=300, required=False)
    form_token = FormTokenField()


class DistributionPlanForm(forms.Form):
    """A distribution plan (分配方案): per applicant the claim (optional, for the pro-rata helper) and the amount
    allotted; optionally the surplus to a debtor; a note."""

    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    form_token = FormTokenField()

    def __init__(self, *args, applicants=(), respondents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applicants, self.respondents = list(applicants), list(respondents)
        for cp in self.applicants:
            self.fields[f"claim_{cp.pk}"] = money_field(_("Claim of %(name)s") % {"name": cp.party.name},
                                                        required=False)
            self.fields[f"amount_{cp.pk}"] = money_field(_("Allotted to %(name)s") % {"name": cp.party.name},
                                                         required=False)
        if self.respondents:
            self.fields["surplus_party"] = forms.TypedChoiceField(
                label=_("Surplus to the debtor"), coerce=int, required=False, empty_value=None,
                choices=[("", "—")] + [(cp.pk, cp.party.name) for cp in self.respondents])
            self.fields["surplus_amount"] = money_field(_("Surplus amount"), required=False)
        self.order_fields([f for f in self.fields if f not in ("note", "form_token")] + ["note", "form_token"])

    def claims(self) -> dict[int, object]:
        return {cp.pk: self.cleaned_data.get(f"claim_{cp.pk}") for cp in self.applicants}

    def lines(self) -> list[dict]:
        d = self.cleaned_data
        lines = [{"party": cp.pk, "amount": d[f"amount_{cp.pk}"], "claim": d.get(f"claim_{cp.pk}")}
                 for cp in self.applicants if d.get(f"amount_{cp.pk}") is not None]
        if d.get("surplus_party") and d.get("surplus_amount") is not None:
            lines.append({"party": d["surplus_party"], "amount": d["surplus_amount"], "kind": "surplus"})
        return lines
