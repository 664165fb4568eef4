"""The catalogue of enforcement measures: one small Django form per ``ActionKind`` with that measure's own fields.

``Action.details`` holds the form's cleaned data in JSON form (dates as ISO strings, money as strings). The same forms
validate the page, the API and the service, so a measure cannot be recorded without its required facts. Each form
also writes the one-line summary shown on the timeline.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.rules.periods import BlacklistGround

from .models import ActionKind

# Asset types a network query (网络查控) covers; the 终本 check wants a 总对总 query covering every one (§2.4).
NETWORK_ASSET_TYPES = (
    ("bank_deposit", _("Bank deposits")),
    ("real_estate", _("Real estate")),
    ("vehicle", _("Vehicles")),
    ("securities", _("Securities")),
    ("equity", _("Equity")),
    ("online_funds", _("Online payment accounts")),
    ("housing_fund", _("Housing provident fund")),
    ("insurance", _("Insurance")),
    ("wealth_products", _("Wealth-management products")),
    ("ships", _("Ships")),
)
QUERY_RESULTS = (
    ("not_queried", _("not queried")),
    ("none", _("nothing found")),
    ("found", _("assets found")),
)


class ActionDetailsForm(forms.Form):
    """Base class: turns cleaned data into JSON-safe details and a one-line summary."""

    kind: str = ""

    def details(self) -> dict:
        out = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = f"{value:.2f}"
            elif isinstance(value, (list, tuple)):
                value = [str(v) for v in value]
            out[name] = value
        return out

    def summarize(self) -> str:
        return ""

    @staticmethod
    def choice_label(field: forms.ChoiceField, value) -> str:
        return str(dict(field.choices).get(value, value))


class NoticeServedForm(ActionDetailsForm):
    DOCUMENTS = (
        ("acceptance_notice", _("Acceptance notice (受理通知书)")),
        ("enforcement_notice", _("Enforcement notice (执行通知书)")),
        ("asset_report_order", _("Asset-report order (报告财产令)")),
        ("ruling", _("Ruling (裁定书)")),
        ("consumption_order", _("Consumption-restriction order (限制消费令)")),
        ("risk_notice", _("Risk notice (风险告知书)")),
        ("other", pgettext_lazy("served document", "Other document")),
    )
    METHODS = (
        ("direct", _("In person (直接送达)")),
        ("left", _("Left at the address (留置送达)")),
        ("post", _("By post (邮寄送达)")),
        ("electronic", _("Electronically (电子送达)")),
        ("entrusted", _("By another court (委托送达)")),
        ("public", _("By public notice (公告送达)")),
    )
    documents = forms.MultipleChoiceField(label=_("Documents"), choices=DOCUMENTS)
    method = forms.ChoiceField(label=_("How served"), choices=METHODS)
    recipient = forms.CharField(label=_("Served on (recipient)"), max_length=100)
    served_on = forms.DateField(label=_("Served on (date)"))

    def summarize(self) -> str:
        docs = "、".join(self.choice_label(self.fields["documents"], d) for d in self.cleaned_data["documents"])
        return _("Served %(docs)s on %(recipient)s (%(method)s)") % {
            "docs": docs, "recipient": self.cleaned_data["recipient"],
            "method": self.choice_label(self.fields["method"], self.cleaned_data["method"])}


# How many found assets one network query form takes (the API sends the same ``found_<n>_*`` keys).
FOUND_ROWS = 3
# Asset types whose found amount is a balance (money held), not an estimated value.
BALANCE_TYPES = ("bank_deposit", "online_funds", "housing_fund", "securities", "wealth_products")


def mask_number(number: str) -> str:
    """An account number shortened for the timeline: the first and last four characters (6222…1234)."""
    number = (number or "").strip()
    return f"{number[:4]}…{number[-4:]}" if len(number) > 10 else number


def found_text(row: dict, *, mask: bool = True) -> str:
    """One asset a network query found, as a line: 银行存款 中国工商银行 6222…1234 余额¥12,345.00 (the account
    number shortened unless ``mask`` is False, as in the audit trail)."""
    labels = dict(NETWORK_ASSET_TYPES)
    number = row.get("number") or ""
    parts = [str(labels.get(row.get("type"), row.get("type") or "")), row.get("institution") or "",
             mask_number(number) if mask and row.get("type") in BALANCE_TYPES else number]
    if row.get("amount"):
        try:
            amount = f"¥{Decimal(str(row['amount'])):,.2f}"
        except ArithmeticError:  # not written by the form (an edited record): shown as stored
            amount = str(row["amount"])
        parts.append((_("balance %(amount)s") if row.get("type") in BALANCE_TYPES
                      else _("value %(amount)s")) % {"amount": amount})
    return " ".join(p for p in parts if p)


class NetworkQueryForm(ActionDetailsForm):
    SYSTEMS = (("national", _("总对总 (national system)")), ("local", _("点对点 (local system)")))
    system = forms.ChoiceField(label=_("System"), choices=SYSTEMS)
    subject = forms.CharField(label=_("Person or body queried"), max_length=200)
    note = forms.CharField(label=_("Findings"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from core.fields import MoneyFormField
        from django.utils.translation import gettext

        super().__init__(*args, **kwargs)
        for key, label in NETWORK_ASSET_TYPES:
            self.fields[f"result_{key}"] = forms.ChoiceField(label=label, choices=QUERY_RESULTS, initial="none")
        # The assets found, one row each (all optional): what it is, where it is held, its number, the amount.
        for n in range(1, FOUND_ROWS + 1):
            self.fields[f"found_{n}_type"] = forms.ChoiceField(
                label=gettext("Asset found %(n)s: type") % {"n": n}, required=False,
                choices=[("", "—")] + list(NETWORK_ASSET_TYPES))
            self.fields[f"found_{n}_institution"] = forms.CharField(
                label=gettext("Asset found %(n)s: bank or registry") % {"n": n}, max_length=100, required=False)
            self.fields[f"found_{n}_number"] = forms.CharField(
                label=gettext("Asset found %(n)s: account, certificate or plate number") % {"n": n}, max_length=80,
                required=False)
            self.fields[f"found_{n}_amount"] = MoneyFormField(
                label=gettext("Asset found %(n)s: balance or value (yuan)") % {"n": n}, required=False,
                min_value=Decimal("0"), widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def found_groups(self) -> list[tuple[int, list, bool]]:
        """The found-asset rows for the page: (number, its bound fields, whether it is shown open). The first row is
        always open; a further one when it holds something (or an error)."""
        groups = []
        for n in range(1, FOUND_ROWS + 1):
            bound = [self[f"found_{n}_{part}"] for part in ("type", "institution", "number", "amount")]
            filled = any(b.value() not in (None, "") or b.errors for b in bound)
            groups.append((n, bound, n == 1 or filled))
        return groups

    def clean(self):
        data = super().clean()
        for n in range(1, FOUND_ROWS + 1):
            kind, institution, number = (data.get(f"found_{n}_{f}") for f in ("type", "institution", "number"))
            amount = data.get(f"found_{n}_amount")
            if not (kind or institution or number or amount is not None):
                continue
            if not kind:
                self.add_error(f"found_{n}_type", _("Choose what kind of asset was found."))
                continue
            if not (number or "").strip():
                self.add_error(f"found_{n}_number", _("Enter the account, certificate or plate number found."))
            if kind == "bank_deposit" and not (institution or "").strip():
                self.add_error(f"found_{n}_institution", _("Enter the bank where the account is held."))
            # An asset found means the query of its type found something, whatever the result row said.
            data[f"result_{kind}"] = "found"
        if all(data.get(f"result_{k}") in (None, "not_queried") for k, _label in NETWORK_ASSET_TYPES):
            raise ValidationError(_("A query must cover at least one asset type."))
        return data

    def details(self) -> dict:
        out = {"system": self.cleaned_data["system"], "subject": self.cleaned_data["subject"],
               "note": self.cleaned_data.get("note", ""), "results": {}, "found": []}
        for key, _label in NETWORK_ASSET_TYPES:
            out["results"][key] = self.cleaned_data[f"result_{key}"]
        for n in range(1, FOUND_ROWS + 1):
            kind = self.cleaned_data.get(f"found_{n}_type")
            if not kind:
                continue
            amount = self.cleaned_data.get(f"found_{n}_amount")
            out["found"].append({"type": kind, "institution": self.cleaned_data.get(f"found_{n}_institution", ""),
                                 "number": self.cleaned_data.get(f"found_{n}_number", ""),
                                 "amount": "" if amount is None else f"{amount:.2f}"})
        return out

    def summarize(self) -> str:
        found = [str(label) for key, label in NETWORK_ASSET_TYPES if self.cleaned_data[f"result_{key}"] == "found"]
        text = _("%(system)s query of %(subject)s: %(found)s") % {
            "system": self.choice_label(self.fields["system"], self.cleaned_data["system"]),
            "subject": self.cleaned_data["subject"],
            "found": "、".join(found) if found else _("nothing found")}
        rows = [found_text(r) for r in self.details()["found"]]
        if rows:
            text += "；" + _("found %(assets)s") % {"assets": "；".join(rows)}
        if self.cleaned_data.get("note"):
            text += "；" + self.cleaned_data["note"]
        return text


class OnsiteInvestigationForm(ActionDetailsForm):
    place = forms.CharField(label=_("Place"), max_length=200)
    findings = forms.CharField(label=_("Findings"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    whereabouts_unknown = forms.BooleanField(label=_("Respondent's whereabouts unknown"), required=False)
    obstruction = forms.BooleanField(label=_("Enforcement was obstructed"), required=False)

    def summarize(self) -> str:
        return _("On-site investigation at %(place)s: %(findings)s") % {"place": self.cleaned_data["place"],
                                                                         "findings": self.cleaned_data["findings"]}


class SummonsForm(ActionDetailsForm):
    KINDS = (("summons", _("Summons (传唤)")), ("compelled", _("Compelled appearance (拘传)")))
    summons_kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    person = forms.CharField(label=_("Person summoned"), max_length=100)
    appeared = forms.BooleanField(label=_("Appeared"), required=False)
    hours = forms.IntegerField(label=_("Questioning hours"), min_value=0, max_value=24, required=False)
    whereabouts_unknown = forms.BooleanField(label=_("Respondent's whereabouts unknown"), required=False)

    def clean(self):
        data = super().clean()
        hours = data.get("hours")
        if hours and hours > 8 and data.get("summons_kind") == "summons":
            self.add_error("hours", _("Questioning under a summons may not exceed 8 hours."))
        return data

    def summarize(self) -> str:
        return _("%(kind)s of %(person)s") % {
            "kind": self.choice_label(self.fields["summons_kind"], self.cleaned_data["summons_kind"]),
            "person": self.cleaned_data["person"]}


class SearchForm(ActionDetailsForm):
    place = forms.CharField(label=_("Place searched"), max_length=200)
    warrant_number = forms.CharField(label=_("Search warrant number"), max_length=60)
    findings = forms.CharField(label=_("Findings"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def summarize(self) -> str:
        return _("Search of %(place)s: %(findings)s") % {"place": self.cleaned_data["place"],
                                                          "findings": self.cleaned_data["findings"]}


class ControlForm(ActionDetailsForm):
    """Freeze and seizure: the asset and the ruling; the asset register itself belongs to the assets app."""

    asset = forms.CharField(label=_("Asset"), max_length=200)
    amount = forms.DecimalField(label=_("Amount or value (yuan)"), max_digits=16, decimal_places=2, min_value=0,
                                required=False)
    ruling_number = forms.CharField(label=_("Ruling number"), max_length=60, required=False)
    assisting_body = forms.CharField(label=_("Assisting body"), max_length=100, required=False)

    def summarize(self) -> str:
        text = self.cleaned_data["asset"]
        if self.cleaned_data.get("amount") is not None:
            text += f" ¥{self.cleaned_data['amount']:,.2f}"
        return text


class VehicleDetentionForm(ActionDetailsForm):
    plate = forms.CharField(label=_("Plate number"), max_length=20)
    location = forms.CharField(label=_("Where detained"), max_length=200)
    kept_at = forms.CharField(label=_("Kept at"), max_length=200, required=False)

    def summarize(self) -> str:
        return _("Vehicle %(plate)s detained") % {"plate": self.cleaned_data["plate"]}


class EvictionForm(ActionDetailsForm):
    address = forms.CharField(label=_("Premises"), max_length=200)
    handed_to = forms.CharField(label=_("Handed over to"), max_length=100)
    completed = forms.BooleanField(label=_("Completed"), required=False)

    def summarize(self) -> str:
        return _("Eviction at %(address)s") % {"address": self.cleaned_data["address"]}


class JudicialDetentionForm(ActionDetailsForm):
    person = forms.CharField(label=_("Person detained"), max_length=100)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=15,
                              help_text=_("At most 15 days (CPL art 118)."))
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    ground = forms.CharField(label=_("Ground"), max_length=300)

    def summarize(self) -> str:
        return _("%(person)s detained for %(days)s days") % self.cleaned_data


class FineForm(ActionDetailsForm):
    person = forms.CharField(label=_("Person or body fined"), max_length=100)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    ground = forms.CharField(label=_("Ground"), max_length=300)

    def clean(self):
        data = super().clean()
        # CPL art 118: individuals up to 100,000 yuan, units 50,000 to 1,000,000 yuan.
        if data.get("amount") is not None and data["amount"] > Decimal("1000000"):
            self.add_error("amount", _("A fine cannot exceed 1,000,000 yuan (CPL art 118)."))
        return data

    def summarize(self) -> str:
        return _("%(person)s fined ¥%(amount)s") % {"person": self.cleaned_data["person"],
                                                    "amount": f"{self.cleaned_data['amount']:,.2f}"}


class PartyMeasureForm(ActionDetailsForm):
    """Base for measures that change a respondent's status in this case (限制消费, 失信)."""

    party_ids = forms.TypedMultipleChoiceField(label=_("Respondents"), coerce=int, choices=())

    def __init__(self, *args, respondents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_ids"].choices = [(cp.pk, cp.party.name) for cp in respondents]

    def details(self) -> dict:
        out = super().details()
        out["party_ids"] = [int(x) for x in self.cleaned_data["party_ids"]]
        return out


class ConsumptionRestrictionForm(PartyMeasureForm):
    MEASURES = (("impose", _("Impose")), ("lift", _("Lift")))
    measure = forms.ChoiceField(label=_("Measure"), choices=MEASURES, initial="impose")
    order_number = forms.CharField(label=_("Order number"), max_length=60, required=False)

    def summarize(self) -> str:
        names = "、".join(str(dict(self.fields["party_ids"].choices).get(p, p)) for p in self.cleaned_data["party_ids"])
        key = _("Consumption restriction imposed on %(names)s") if self.cleaned_data["measure"] == "impose" \
            else _("Consumption restriction lifted for %(names)s")
        return key % {"names": names}


class DishonestListingForm(PartyMeasureForm):
    MEASURES = (("list", _("List")), ("remove", pgettext_lazy("list membership", "Remove")))
    measure = forms.ChoiceField(label=_("Measure"), choices=MEASURES, initial="list")
    ground = forms.ChoiceField(label=_("Ground"), choices=BlacklistGround.choices, required=False)
    extension_years = forms.IntegerField(label=_("Extra years"), min_value=0, max_value=3, required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)

    def clean(self):
        data = super().clean()
        if data.get("measure") == "list" and not data.get("ground"):
            self.add_error("ground", _("Choose the ground for listing."))
        return data

    def summarize(self) -> str:
        names = "、".join(str(dict(self.fields["party_ids"].choices).get(p, p)) for p in self.cleaned_data["party_ids"])
        key = _("Listed as dishonest: %(names)s") if self.cleaned_data["measure"] == "list" \
            else _("Removed from the dishonest list: %(names)s")
        return key % {"names": names}


class MediaExposureForm(ActionDetailsForm):
    outlet = forms.CharField(label=_("Outlet"), max_length=100)
    published_on = forms.DateField(label=_("Published on"))

    def summarize(self) -> str:
        return _("Exposed in %(outlet)s") % {"outlet": self.cleaned_data["outlet"]}


class RewardNoticeForm(ActionDetailsForm):
    reward = forms.DecimalField(label=_("Reward (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    published_on = forms.DateField(label=_("Published on"))
    channel = forms.CharField(label=_("Where published"), max_length=100)

    def summarize(self) -> str:
        return _("Reward notice ¥%(reward)s in %(channel)s") % {"reward": f"{self.cleaned_data['reward']:,.2f}",
                                                                  "channel": self.cleaned_data["channel"]}


class HearingForm(ActionDetailsForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    participants = forms.CharField(label=_("Participants"), max_length=300)
    outcome = forms.CharField(label=_("Outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def summarize(self) -> str:
        return _("Hearing: %(subject)s") % {"subject": self.cleaned_data["subject"]}


class SettlementTalkForm(ActionDetailsForm):
    participants = forms.CharField(label=_("Participants"), max_length=300)
    outcome = forms.CharField(label=_("Outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    agreed = forms.BooleanField(label=_("Agreement reached"), required=False)

    def summarize(self) -> str:
        return _("Settlement talk with %(participants)s") % {"participants": self.cleaned_data["participants"]}


class ApplicantInterviewForm(ActionDetailsForm):
    applicant = forms.CharField(label=_("Applicant"), max_length=100)
    informed_of_closure = forms.BooleanField(label=_("Told of the intended closure (终本约谈)"), required=False)
    applicant_view = forms.CharField(label=_("Applicant's view"), max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def summarize(self) -> str:
        return _("Interview with applicant %(applicant)s") % {"applicant": self.cleaned_data["applicant"]}


class OtherForm(ActionDetailsForm):
    description = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def summarize(self) -> str:
        return self.cleaned_data["description"][:120]


ACTION_FORMS: dict[str, type[ActionDetailsForm]] = {
    ActionKind.NOTICE_SERVED: NoticeServedForm,
    ActionKind.NETWORK_QUERY: NetworkQueryForm,
    ActionKind.ONSITE_INVESTIGATION: OnsiteInvestigationForm,
    ActionKind.SUMMONS: SummonsForm,
    ActionKind.SEARCH: SearchForm,
    ActionKind.FREEZE: ControlForm,
    ActionKind.SEIZURE: ControlForm,
    ActionKind.VEHICLE_DETENTION: VehicleDetentionForm,
    ActionKind.EVICTION: EvictionForm,
    ActionKind.JUDICIAL_DETENTION: JudicialDetentionForm,
    ActionKind.FINE: FineForm,
    ActionKind.CONSUMPTION_RESTRICTION: ConsumptionRestrictionForm,
    ActionKind.DISHONEST_LISTING: DishonestListingForm,
    ActionKind.MEDIA_EXPOSURE: MediaExposureForm,
    ActionKind.REWARD_NOTICE: RewardNoticeForm,
    ActionKind.HEARING: HearingForm,
    ActionKind.SETTLEMENT_TALK: SettlementTalkForm,
    ActionKind.APPLICANT_INTERVIEW: ApplicantInterviewForm,
    ActionKind.OTHER: OtherForm,
}
assert set(ACTION_FORMS) == set(ActionKind.values)


def details_form(kind: str, *, data=None, case=None, prefix: str | None = None) -> ActionDetailsForm:
    """The detail form for ``kind``; party measures offer the case's respondents."""
    form_class = ACTION_FORMS[kind]
    kwargs = {"data": data, "prefix": prefix}
    if issubclass(form_class, PartyMeasureForm):
        respondents = []
        if case is not None:
            respondents = [cp for cp in case.case_parties.select_related("party") if cp.role == "respondent"]
        kwargs["respondents"] = respondents
    return form_class(**kwargs)
