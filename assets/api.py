"""REST API for assets, control measures, disposals, the case-fund ledger, payouts and the calculators.

Thin: serializers validate the shape, services decide and check permissions, selectors scope reads. Money is a string.
Receipts, payout preparation and execution honour an ``Idempotency-Key`` header: a retried request gets the first
result back (core.idempotency).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Team
from accounts.policy import Perm
from cases.models import CaseParty
from cases.selectors import case_get_for_user
from core import fields
from core.api import Pagination, PolicyFirstMixin
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses
from core.rules.distribution import DistributionMode, PriorityClass

from . import findings, selectors, services
from .services.calculators import MAX_ROWS as CALC_MAX_ROWS
from .models import (
    RECEIPT_KINDS,
    Asset,
    AssetKind,
    AssetSource,
    AuctionRound,
    ControlKind,
    ControlMeasure,
    Disposal,
    DistributionPlan,
    DistributionPlanLine,
    EntryKind,
    Handover,
    LedgerEntry,
    ObjectionStatus,
    Payout,
    PayoutKind,
    PlanLineKind,
    PlanStatus,
    ReferenceMethod,
    ReleaseGround,
    ReversalRequest,
    RoundKind,
    RoundResult,
)

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="A client-chosen unique key: repeating the request with the same key returns the first result.")


def enum_field(choices, *, blank: bool = False, **kwargs) -> serializers.ChoiceField:
    """A choice field documented as an inline enum (several models here have a ``kind`` with different values)."""
    values = [c[0] for c in choices] + ([""] if blank else [])

    @extend_schema_field({"allOf": [{"type": "string", "enum": values}]})
    class EnumField(serializers.ChoiceField):
        pass

    return EnumField(choices=list(choices) + ([("", "")] if blank else []), **kwargs)


def _case_param(request, perm=Perm.CASE_VIEW):
    try:
        pk = int(request.query_params.get("case") or request.data.get("case"))
    except (TypeError, ValueError):
        raise serializers.ValidationError({"case": ["Enter the case id."]}) from None
    return case_get_for_user(user=request.user, pk=pk, perm=perm)


# --- Serializers -----------------------------------------------------------------------------------------------

class ControlSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)
    kind = enum_field(ControlKind.choices, read_only=True)
    release_ground = enum_field(ReleaseGround.choices, blank=True, read_only=True)

    class Meta:
        model = ControlMeasure
        fields = ["id", "asset", "case", "kind", "preservation", "ordered_on", "ruling_number", "assisting_body",
                  "amount", "queue_rank", "status", "effective_on", "expires_on", "renewals", "released_on",
                  "release_ground", "release_note", "lapsed_on", "team", "controlled_by", "released_by"]
        read_only_fields = fields


class AssetSerializer(serializers.ModelSerializer):
    estimated_value = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)
    kind = enum_field(AssetKind.choices, read_only=True)
    controls = ControlSerializer(many=True, read_only=True)

    class Meta:
        model = Asset
        fields = ["id", "case", "owner", "kind", "description", "bank_name", "account_number", "certificate_number",
                  "plate_number", "company_name", "share", "location", "estimated_value", "source", "source_note",
                  "source_action", "source_row", "objection_pending", "created_at", "controls"]
        read_only_fields = fields


class AssetCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    owner = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="A party of the case (case-party id). Left out: the debtor the finding names, else the case's first "
                  "debtor (respondent); never an applicant. A case without a debtor needs it.")
    kind = enum_field(AssetKind.choices)
    description = serializers.CharField(max_length=200)
    source = serializers.ChoiceField(AssetSource.choices)
    source_note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    estimated_value = fields.MoneyField(required=False, allow_null=True, **MONEY)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    bank_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    account_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    certificate_number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    plate_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    company_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    share = serializers.CharField(max_length=60, required=False, allow_blank=True)
    source_action = serializers.IntegerField(required=False, allow_null=True, default=None,
                                             help_text="The network query (action id) whose finding this asset is.")
    source_row = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                          help_text="The index of the asset in that query's details.found.")


class ObjectionSerializer(serializers.Serializer):
    objector = serializers.CharField(max_length=200)
    filed_on = fields.DateField()
    grounds = serializers.CharField(required=False, allow_blank=True)


class ObjectionDecideSerializer(serializers.Serializer):
    objection = serializers.IntegerField()
    status = serializers.ChoiceField([s for s in ObjectionStatus.choices if s[0] != "pending"])
    decided_on = fields.DateField()


class ControlCreateSerializer(serializers.Serializer):
    asset = serializers.IntegerField()
    kind = enum_field(ControlKind.choices)
    ordered_on = fields.DateField()
    ruling_number = serializers.CharField(max_length=60)
    assisting_body = serializers.CharField(max_length=200)
    preservation = serializers.BooleanField(default=False)
    effective_on = fields.DateField(required=False, allow_null=True)
    requested_until = fields.DateField(required=False, allow_null=True)
    amount = fields.MoneyField(required=False, allow_null=True, **MONEY)


class RenewSerializer(serializers.Serializer):
    renewed_on = fields.DateField()
    ruling_number = serializers.CharField(max_length=60)
    requested_until = fields.DateField(required=False, allow_null=True)


class ReleaseSerializer(serializers.Serializer):
    released_on = fields.DateField()
    ground = enum_field(ReleaseGround.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RoundSerializer(serializers.ModelSerializer):
    opening_price = serializers.DecimalField(read_only=True, **MONEY)
    deposit = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)
    hammer_price = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)
    kind = enum_field(RoundKind.choices, read_only=True)

    class Meta:
        model = AuctionRound
        fields = ["id", "round_no", "kind", "platform", "notice_on", "auction_on", "opening_price", "deposit",
                  "result", "ended_on", "hammer_price"]
        read_only_fields = fields


class DisposalSerializer(serializers.ModelSerializer):
    reference_price = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)
    final_price = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)
    rounds = RoundSerializer(many=True, read_only=True)

    class Meta:
        model = Disposal
        fields = ["id", "asset", "case", "team", "status", "reference_method", "reference_requested_on",
                  "reference_due_on", "reference_price", "reference_report_on", "reference_valid_until", "buyer",
                  "final_price", "concluded_on", "confirmation_ruling", "ruling_served_on", "handover_due_on",
                  "handed_over_on", "started_by", "concluded_by", "rounds"]
        read_only_fields = fields


class DisposalCreateSerializer(serializers.Serializer):
    asset = serializers.IntegerField()
    team = serializers.IntegerField(required=False, allow_null=True,
                                    help_text="Optional: the disposing team is the one the asset was handed over to "
                                              "(移交处置), or the case's own team; if given it must be that team.")
    reference_method = serializers.ChoiceField(ReferenceMethod.choices)
    reference_requested_on = fields.DateField()


class ReferencePriceSerializer(serializers.Serializer):
    reference_price = fields.MoneyField(**MONEY)
    report_on = fields.DateField()
    valid_months = serializers.IntegerField(default=12)


class RoundCreateSerializer(serializers.Serializer):
    notice_on = fields.DateField()
    auction_on = fields.DateField()
    opening_price = fields.MoneyField(**MONEY)
    deposit = fields.MoneyField(required=False, allow_null=True, **MONEY)
    platform = serializers.CharField(max_length=100, required=False, allow_blank=True)


class RoundResultSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    result = serializers.ChoiceField([r for r in RoundResult.choices if r[0] != "pending"])
    ended_on = fields.DateField()
    hammer_price = fields.MoneyField(required=False, allow_null=True, **MONEY)
    buyer = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TransferSerializer(serializers.Serializer):
    transferee = serializers.CharField(max_length=200)
    transferred_on = fields.DateField()


class RulingSerializer(serializers.Serializer):
    ruling_number = serializers.CharField(max_length=60)
    served_on = fields.DateField()


class HandoverSerializer(serializers.Serializer):
    handed_over_on = fields.DateField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class LedgerEntrySerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(read_only=True, **MONEY)
    signed_amount = serializers.DecimalField(read_only=True, **MONEY)
    kind = enum_field(EntryKind.choices, read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "case", "kind", "amount", "signed_amount", "occurred_on", "recorded_at", "recorded_by",
                  "payer", "reference", "memo", "reverses", "payout", "disposal", "payout_due_on", "paid_out_on"]
        read_only_fields = fields


class ReceiptCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    kind = enum_field([(k.value, k.label) for k in RECEIPT_KINDS])
    amount = fields.MoneyField(**MONEY)
    occurred_on = fields.DateField()
    payer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True,
                                      help_text="Bank reference (银行流水号); one already on the court's ledger is "
                                                "refused unless duplicate_confirmed with a duplicate_reason")
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True)
    disposal = serializers.IntegerField(required=False, allow_null=True)
    duplicate_confirmed = serializers.BooleanField(default=False)
    duplicate_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    occurred_on = fields.DateField(required=False, allow_null=True)


class ReversalRequestSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(source="entry.amount", read_only=True, **MONEY)

    class Meta:
        model = ReversalRequest
        fields = ["id", "case", "entry", "amount", "reason", "occurred_on", "status", "requested_by", "requested_at",
                  "decided_by", "decided_at", "decision_note", "reversal"]
        read_only_fields = fields


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FundsSummarySerializer(serializers.Serializer):
    case = serializers.IntegerField()
    account_reference = serializers.CharField()
    balance = fields.MoneyField(**MONEY)
    reserved = fields.MoneyField(**MONEY)
    available = fields.MoneyField(**MONEY)
    received = fields.MoneyField(**MONEY)
    paid_out = fields.MoneyField(**MONEY)
    awaiting = fields.MoneyField(**MONEY)
    overdue_receipts = serializers.IntegerField()
    claim = fields.MoneyField(help_text="Amount in the instrument plus delayed-performance interest to date", **MONEY)
    fee_withheld = fields.MoneyField(help_text="Enforcement fee withheld first (先执行后收费), or 0", **MONEY)
    applicant_limit = fields.MoneyField(help_text="The most a new payout to the applicants may be (together)",
                                        **MONEY)
    fee_transferred = fields.MoneyField(help_text="Enforcement fee already transferred to the court's fee account",
                                        **MONEY)
    held_for_reversals = fields.MoneyField(help_text="Receipts whose reversal awaits a second person", **MONEY)
    plan_required = serializers.BooleanField(help_text="Several applicants and no approved distribution plan: no "
                                                       "applicant may be paid")
    surplus = fields.MoneyField(help_text="What may go back to the debtor now (余款)", **MONEY)


class PayoutSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = Payout
        fields = ["id", "case", "kind", "payee", "amount", "payee_account_name", "payee_bank", "payee_account_number",
                  "name_override", "name_override_reason", "note", "status", "prepared_by", "prepared_at", "approved_by", "approved_at", "executed_by", "executed_at",
                  "returned_reason"]
        read_only_fields = fields


class PayoutCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    payee = serializers.IntegerField()
    amount = fields.MoneyField(**MONEY)
    payee_account_name = serializers.CharField(max_length=200)
    payee_bank = serializers.CharField(max_length=100)
    payee_account_number = serializers.CharField(max_length=40)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = serializers.ChoiceField(PayoutKind.choices, default=PayoutKind.APPLICANT)
    name_override = serializers.BooleanField(default=False, help_text="The account name differs from the payee's")
    name_override_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FeeTransferSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    amount = fields.MoneyField(**MONEY)
    occurred_on = fields.DateField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    memo = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PlanLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(read_only=True, **MONEY)
    claim = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    kind = enum_field(PlanLineKind.choices, read_only=True)

    class Meta:
        model = DistributionPlanLine
        fields = ["party", "kind", "amount", "claim"]
        read_only_fields = fields


class DistributionPlanSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(read_only=True, **MONEY)
    lines = PlanLineSerializer(many=True, read_only=True)
    status = enum_field(PlanStatus.choices, read_only=True)

    class Meta:
        model = DistributionPlan
        fields = ["id", "case", "status", "total", "note", "lines", "prepared_by", "prepared_at", "approved_by",
                  "approved_at", "closed_by", "closed_at", "closed_reason"]
        read_only_fields = fields


class PlanLineInputSerializer(serializers.Serializer):
    party = serializers.IntegerField(help_text="A CaseParty of the case: an applicant, or a respondent (surplus)")
    amount = fields.MoneyField(**MONEY)
    kind = serializers.ChoiceField(PlanLineKind.choices, default=PlanLineKind.APPLICANT)
    claim = fields.MoneyField(required=False, allow_null=True, **MONEY)


class DistributionPlanCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    lines = PlanLineInputSerializer(many=True, allow_empty=False, max_length=200)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


# --- Views -----------------------------------------------------------------------------------------------------

class _Base(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    def _validated(self, serializer_class):
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)


class _CaseListViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """A list and detail of the records of cases the user may see (``visible``: a selector's queryset), the list
    narrowed to one case by ``?case=``."""

    def visible(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self):
        qs = self.visible()
        if self.action == "list" and self.request.query_params.get("case"):
            qs = qs.filter(case=_case_param(self.request))
        return qs

    @extend_schema(parameters=[OpenApiParameter("case", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AssetViewSet(_CaseListViewSet):
    action_perms = {"create": Perm.ASSET_CONTROL, "objections": Perm.ASSET_CONTROL,
        "objection_decide": Perm.ASSET_CONTROL}
    serializer_class = AssetSerializer
    queryset = Asset.objects.none()

    def visible(self) -> QuerySet:
        return selectors.asset_list_for_user(user=self.request.user).prefetch_related("controls").order_by("id")

    @extend_schema(request=AssetCreateSerializer, responses={201: AssetSerializer})
    def create(self, request):
        d = self._validated(AssetCreateSerializer)
        case = case_get_for_user(user=request.user, pk=d.pop("case"))
        owner_id = d.pop("owner")
        if owner_id is None:
            found = findings.finding_row(case, d.get("source_action"), d.get("source_row"))
            owner = findings.default_owner(case, subject=(found[0].details or {}).get("subject", "") if found else "")
        else:
            owner = CaseParty.objects.filter(case=case, pk=owner_id).first()
        asset = services.asset_register(actor=request.user, case=case, owner=owner, **d)
        return Response(AssetSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectionSerializer, responses={201: AssetSerializer})
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        d = self._validated(ObjectionSerializer)
        asset = selectors.asset_get_for_user(user=request.user, pk=pk)
        services.objection_record(actor=request.user, asset=asset, **d)
        asset.refresh_from_db()
        return Response(AssetSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ObjectionDecideSerializer, responses=AssetSerializer)
    @action(detail=True, methods=["post"], url_path="objections/decide")
    def objection_decide(self, request, pk=None):
        d = self._validated(ObjectionDecideSerializer)
        asset = selectors.asset_get_for_user(user=request.user, pk=pk)
        objection = get_object_or_404(asset.objections, pk=d.pop("objection"))
        services.objection_decide(actor=request.user, objection=objection, **d)
        asset.refresh_from_db()
        return Response(AssetSerializer(asset).data)


class ControlMeasureViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    action_perms = {"create": Perm.ASSET_CONTROL, "renew": Perm.ASSET_CONTROL, "release": Perm.ASSET_CONTROL}
    serializer_class = ControlSerializer
    queryset = ControlMeasure.objects.none()

    def get_queryset(self):
        p = self.request.query_params
        if self.action == "list" and p.get("expiring_within"):
            try:
                days = int(p["expiring_within"])
            except ValueError:
                raise serializers.ValidationError({"expiring_within": ["Enter a whole number of days."]}) from None
            if not 0 <= days <= 36600:
                raise serializers.ValidationError({"expiring_within": ["Enter a number of days from 0 to 36600."]})
            return selectors.controls_expiring(user=self.request.user, within_days=days)
        qs = selectors.control_list_for_user(user=self.request.user).order_by("id")
        if self.action == "list" and p.get("case"):
            qs = qs.filter(case=_case_param(self.request))
        return qs

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter(
        "expiring_within", int, description="Only measures in force expiring within this many days, soonest first")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ControlCreateSerializer, responses={201: ControlSerializer})
    def create(self, request):
        d = self._validated(ControlCreateSerializer)
        asset = selectors.asset_get_for_user(user=request.user, pk=d.pop("asset"))
        control = services.control_order(actor=request.user, asset=asset, **d)
        return Response(ControlSerializer(control).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RenewSerializer, responses=ControlSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        d = self._validated(RenewSerializer)
        control = services.control_renew(actor=request.user, control=self.get_object(), **d)
        return Response(ControlSerializer(control).data)

    @extend_schema(request=ReleaseSerializer, responses=ControlSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        d = self._validated(ReleaseSerializer)
        control = services.control_release(actor=request.user, control=self.get_object(), **d)
        return Response(ControlSerializer(control).data)


class DisposalViewSet(_CaseListViewSet):
    action_perms = {"create": Perm.ASSET_DISPOSE, **{a: Perm.ASSET_DISPOSE for a in ("reference_price", "rounds",
        "round_result", "transfer", "ruling", "handover", "withdraw")}}
    serializer_class = DisposalSerializer
    queryset = Disposal.objects.none()

    def visible(self) -> QuerySet:
        return selectors.disposal_list_for_user(user=self.request.user).prefetch_related("rounds").order_by("id")

    def _done(self, disposal, code=status.HTTP_200_OK):
        disposal = selectors.disposal_get_for_user(user=self.request.user, pk=disposal.pk)
        return Response(DisposalSerializer(disposal).data, status=code)

    @extend_schema(request=DisposalCreateSerializer, responses={201: DisposalSerializer})
    def create(self, request):
        d = self._validated(DisposalCreateSerializer)
        asset = get_object_or_404(Asset.objects.select_related("case"), pk=d.pop("asset"),
                                  case__court_id=request.user.court_id)
        team_id = d.pop("team", None)
        team = None
        if team_id is not None:
            team = Team.objects.filter(pk=team_id, court_id=asset.case.court_id).first()
            if team is None:
                raise serializers.ValidationError({"team": ["Choose a team of this court."]})
        disposal = services.disposal_start(actor=request.user, asset=asset, team=team, **d)
        return self._done(disposal, status.HTTP_201_CREATED)

    @extend_schema(request=ReferencePriceSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"], url_path="reference-price")
    def reference_price(self, request, pk=None):
        d = self._validated(ReferencePriceSerializer)
        return self._done(services.disposal_reference_price_set(actor=request.user, disposal=self.get_object(), **d))

    @extend_schema(request=RoundCreateSerializer, responses={201: DisposalSerializer})
    @action(detail=True, methods=["post"])
    def rounds(self, request, pk=None):
        d = self._validated(RoundCreateSerializer)
        auction = services.auction_round_schedule(actor=request.user, disposal=self.get_object(), **d)
        return self._done(auction.disposal, status.HTTP_201_CREATED)

    @extend_schema(request=RoundResultSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"], url_path="round-result")
    def round_result(self, request, pk=None):
        d = self._validated(RoundResultSerializer)
        disposal = self.get_object()
        auction = get_object_or_404(disposal.rounds, pk=d.pop("round"))
        services.auction_round_record_result(actor=request.user, auction=auction, **d)
        return self._done(disposal)

    @extend_schema(request=TransferSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        d = self._validated(TransferSerializer)
        return self._done(services.disposal_transfer_in_lieu(actor=request.user, disposal=self.get_object(), **d))

    @extend_schema(request=RulingSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def ruling(self, request, pk=None):
        d = self._validated(RulingSerializer)
        return self._done(services.disposal_ruling_record(actor=request.user, disposal=self.get_object(), **d))

    @extend_schema(request=HandoverSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        d = self._validated(HandoverSerializer)
        return self._done(services.disposal_handover_record(actor=request.user, disposal=self.get_object(), **d))

    @extend_schema(request=ReasonSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        d = self._validated(ReasonSerializer)
        return self._done(services.disposal_withdraw(actor=request.user, disposal=self.get_object(), **d))


class HandoverSerializerOut(serializers.ModelSerializer):
    class Meta:
        model = Handover
        fields = ["id", "case", "whole_case", "assets", "from_team", "to_team", "reason", "status", "requested_by",
                  "requested_at", "decided_by", "decided_at", "decision_note"]
        read_only_fields = fields


class HandoverCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    whole_case = serializers.BooleanField(required=False, default=False)
    assets = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=500)
    to_team = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class HandoverNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class HandoverViewSet(_CaseListViewSet):
    """移交处置: the case's team hands assets over to a disposal team; the division chief approves."""

    action_perms = {"create": Perm.DISPOSAL_HANDOVER, "approve": Perm.DISPOSAL_HANDOVER_APPROVE,
                    "reject": Perm.DISPOSAL_HANDOVER_APPROVE, "withdraw": Perm.DISPOSAL_HANDOVER}
    serializer_class = HandoverSerializerOut
    queryset = Handover.objects.none()

    def visible(self) -> QuerySet:
        return selectors.handover_list_for_user(user=self.request.user).prefetch_related("assets").order_by("id")

    def _done(self, handover, code=status.HTTP_200_OK):
        handover = selectors.handover_get_for_user(user=self.request.user, pk=handover.pk)
        return Response(HandoverSerializerOut(handover).data, status=code)

    @extend_schema(request=HandoverCreateSerializer, responses={201: HandoverSerializerOut})
    def create(self, request):
        d = self._validated(HandoverCreateSerializer)
        case = case_get_for_user(user=request.user, pk=d.pop("case"), perm=Perm.DISPOSAL_HANDOVER)
        ids = set(d.pop("assets"))
        assets = list(Asset.objects.filter(case=case, pk__in=ids))
        if len(assets) != len(ids):
            raise serializers.ValidationError({"assets": ["Choose assets of this case."]})
        to_team_id = d.pop("to_team", None)
        to_team = None
        if to_team_id is not None:
            to_team = Team.objects.filter(pk=to_team_id, court_id=case.court_id).first()
            if to_team is None:
                raise serializers.ValidationError({"to_team": ["Choose a team of this court."]})
        handover = services.handover_request(actor=request.user, case=case, assets=assets, to_team=to_team, **d)
        return self._done(handover, status.HTTP_201_CREATED)

    @extend_schema(request=HandoverNoteSerializer, responses=HandoverSerializerOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        d = self._validated(HandoverNoteSerializer)
        return self._done(services.handover_approve(actor=request.user, handover=self.get_object(), **d))

    @extend_schema(request=HandoverNoteSerializer, responses=HandoverSerializerOut)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = self._validated(HandoverNoteSerializer)
        return self._done(services.handover_reject(actor=request.user, handover=self.get_object(), **d))

    @extend_schema(request=None, responses=HandoverSerializerOut)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._done(services.handover_withdraw(actor=request.user, handover=self.get_object()))


class LedgerEntryViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    action_perms = {"create": Perm.FUNDS_RECORD, "fee_transfer": Perm.FUNDS_RECORD, "reverse": lambda entry: (
        Perm.PAYOUT_APPROVE if entry.kind == EntryKind.DISBURSEMENT else Perm.FUNDS_RECORD)}
    serializer_class = LedgerEntrySerializer
    queryset = LedgerEntry.objects.none()

    def get_queryset(self):
        p = self.request.query_params
        if self.action == "list" and p.get("awaiting_payout") in ("1", "true"):
            return selectors.funds_awaiting(user=self.request.user)
        qs = selectors.ledger_list_for_user(user=self.request.user).order_by("occurred_on", "id")
        if self.action == "list" and p.get("case"):
            qs = qs.filter(case=_case_param(self.request))
        return qs

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter(
        "awaiting_payout", bool, description="Only receipts not yet paid out, by payout due date")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReceiptCreateSerializer, responses={201: LedgerEntrySerializer, 200: LedgerEntrySerializer,
                                                               **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("ledger-entry-create")
    def create(self, request):
        d = self._validated(ReceiptCreateSerializer)
        case = case_get_for_user(user=request.user, pk=d.pop("case"))
        disposal_id = d.pop("disposal", None)
        disposal = get_object_or_404(Disposal, pk=disposal_id, case=case) if disposal_id else None
        entry = services.receipt_record(actor=request.user, case=case, disposal=disposal, **d)
        return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FeeTransferSerializer, responses={201: LedgerEntrySerializer, 200: LedgerEntrySerializer,
                                                             **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @action(detail=False, methods=["post"], url_path="fee-transfer")
    @idempotent("ledger-entry-fee-transfer")
    def fee_transfer(self, request):
        """Transfer the enforcement fee withheld first to the court's fee account (执行费划转): at most the fee still
        withheld in the account and at most what is available."""
        d = self._validated(FeeTransferSerializer)
        case = case_get_for_user(user=request.user, pk=d.pop("case"))
        entry = services.fee_transfer_record(actor=request.user, case=case, **d)
        return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReverseSerializer, responses={201: LedgerEntrySerializer, 202: ReversalRequestSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Reverse an entry (冲正): 201 with the reversing entry, or, for a receipt at or above the court's
        ``reversal_second_person_threshold``, 202 with a reversal request awaiting a second person."""
        d = self._validated(ReverseSerializer)
        done = services.entry_reverse(actor=request.user, entry=self.get_object(), **d)
        if isinstance(done, ReversalRequest):
            return Response(ReversalRequestSerializer(done).data, status=status.HTTP_202_ACCEPTED)
        return Response(LedgerEntrySerializer(done).data, status=status.HTTP_201_CREATED)


class ReversalRequestViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Reversals of large receipts awaiting a second person: confirmed or rejected by another finance user or the
    chief (the requester may only withdraw)."""

    action_perms = {"confirm": (Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE),
                    "reject": (Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE)}
    serializer_class = ReversalRequestSerializer
    queryset = ReversalRequest.objects.none()

    def get_queryset(self):
        qs = selectors.reversal_request_list_for_user(user=self.request.user).order_by("-requested_at", "-id")
        p = self.request.query_params
        if self.action == "list" and p.get("case"):
            qs = qs.filter(case=_case_param(self.request))
        if self.action == "list" and p.get("pending") in ("1", "true"):
            qs = qs.filter(status="pending")
        return qs

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter("pending", bool)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=ReversalRequestSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        done = services.reversal_confirm(actor=request.user, request=self.get_object())
        return Response(ReversalRequestSerializer(done).data)

    @extend_schema(request=RejectSerializer, responses=ReversalRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = self._validated(RejectSerializer)
        done = services.reversal_reject(actor=request.user, request=self.get_object(), **d)
        return Response(ReversalRequestSerializer(done).data)


class DistributionPlanViewSet(_CaseListViewSet):
    """A case's distribution plans (分配方案): prepared by whoever may prepare payouts or record funds on the case,
    approved by the division chief (never the preparer), withdrawn. See docs/money.md."""

    action_perms = {"create": (Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD), "approve": Perm.PAYOUT_APPROVE,
                    "withdraw": (Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD, Perm.PAYOUT_APPROVE)}
    serializer_class = DistributionPlanSerializer
    queryset = DistributionPlan.objects.none()

    def visible(self) -> QuerySet:
        return (selectors.distribution_plan_list_for_user(user=self.request.user).prefetch_related("lines")
                .order_by("-prepared_at", "-id"))

    @extend_schema(request=DistributionPlanCreateSerializer, responses={201: DistributionPlanSerializer,
                                                                        200: DistributionPlanSerializer,
                                                                        **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("distribution-plan-create")
    def create(self, request):
        d = self._validated(DistributionPlanCreateSerializer)
        case = case_get_for_user(user=request.user, pk=d.pop("case"))
        plan = services.distribution_plan_prepare(actor=request.user, case=case,
                                                  lines=[dict(line) for line in d["lines"]], note=d.get("note", ""))
        return Response(DistributionPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DistributionPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = services.distribution_plan_approve(actor=request.user, plan=self.get_object())
        return Response(DistributionPlanSerializer(plan).data)

    @extend_schema(request=WithdrawSerializer, responses=DistributionPlanSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        d = self._validated(WithdrawSerializer)
        plan = services.distribution_plan_withdraw(actor=request.user, plan=self.get_object(), **d)
        return Response(DistributionPlanSerializer(plan).data)


class CaseFundsView(APIView):
    """A case's fund account: balance, amounts reserved for payouts, received, paid out, awaiting payout."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=FundsSummarySerializer)
    def get(self, request, case_id: int):
        case = case_get_for_user(user=request.user, pk=case_id)
        limits = selectors.payout_limits(case=case)
        s = selectors.case_funds_summary(case=case, limits=limits)
        return Response(FundsSummarySerializer({
            "case": case.pk, "account_reference": case.account_reference, "balance": s.balance,
            "reserved": s.reserved, "available": s.available, "received": s.received, "paid_out": s.paid_out,
            "awaiting": s.awaiting, "overdue_receipts": s.overdue_receipts, "claim": limits.claim,
            "fee_withheld": limits.fee, "applicant_limit": limits.applicant_limit, "surplus": limits.surplus,
            "fee_transferred": limits.fee_transferred, "held_for_reversals": limits.held,
            "plan_required": limits.plan_required}).data)


class PayoutViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    action_perms = {"create": (Perm.PAYOUT_PREPARE, Perm.FUNDS_RECORD), "approve": Perm.PAYOUT_APPROVE,
        "execute": Perm.PAYOUT_APPROVE, "return_": Perm.PAYOUT_APPROVE, "cancel": (Perm.PAYOUT_PREPARE, Perm.PAYOUT_APPROVE)}
    serializer_class = PayoutSerializer
    queryset = Payout.objects.none()

    def get_queryset(self):
        p = self.request.query_params
        if self.action == "list" and p.get("queue") in ("1", "true"):
            return selectors.payout_queue(user=self.request.user, **self._queue_filters())
        qs = selectors.payout_list_for_user(user=self.request.user).order_by("-prepared_at", "-id")
        if self.action == "list" and p.get("case"):
            qs = qs.filter(case=_case_param(self.request))
        return qs

    def _queue_filters(self) -> dict:
        from .forms import PayoutQueueFilterForm

        user = self.request.user
        courts = list(selectors.payout_queue_courts(user=user))
        teams = Team.objects.filter(court_id__in=[c.pk for c in courts])
        form = PayoutQueueFilterForm(self.request.query_params, courts=courts, teams=teams)
        if not form.is_valid():
            raise serializers.ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        return form.queue_filters()

    @extend_schema(parameters=[
        OpenApiParameter("case", int),
        OpenApiParameter("queue", bool, description="Only payouts awaiting approval or payment that you may approve"),
        OpenApiParameter("court", int, description="Queue: only this court's payouts"),
        OpenApiParameter("team", int, description="Queue: only payouts of this team's cases"),
        OpenApiParameter("amount_min", str, description="Queue: amount at least (yuan)"),
        OpenApiParameter("amount_max", str, description="Queue: amount at most (yuan)"),
        OpenApiParameter("older_than_days", int, description="Queue: prepared at least this many days ago"),
        OpenApiParameter("sort", str, enum=list(selectors.QUEUE_SORTS), description="Queue: order (default age)"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _key(self):
        return self.request.headers.get("Idempotency-Key")

    @extend_schema(request=PayoutCreateSerializer, responses={201: PayoutSerializer, 200: PayoutSerializer,
                                                              **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("payout-create")
    def create(self, request):
        d = self._validated(PayoutCreateSerializer)
        case = case_get_for_user(user=request.user, pk=d.pop("case"))
        payee = CaseParty.objects.filter(case=case, pk=d.pop("payee")).first()
        payout = services.payout_prepare(actor=request.user, case=case, payee=payee, idempotency_key=self._key(), **d)
        return Response(PayoutSerializer(payout).data,
                        status=status.HTTP_200_OK if payout.replayed else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PayoutSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(PayoutSerializer(services.payout_approve(actor=request.user, payout=self.get_object())).data)

    @extend_schema(request=None, responses=PayoutSerializer, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    def execute(self, request, pk=None):
        payout = services.payout_execute(actor=request.user, payout=self.get_object(), idempotency_key=self._key())
        return Response(PayoutSerializer(payout).data)

    @extend_schema(request=ReasonSerializer, responses=PayoutSerializer, operation_id="payouts_return")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        d = self._validated(ReasonSerializer)
        return Response(PayoutSerializer(services.payout_return(actor=request.user, payout=self.get_object(),
                                                                **d)).data)

    @extend_schema(request=ReasonSerializer, responses=PayoutSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        d = self._validated(ReasonSerializer)
        return Response(PayoutSerializer(services.payout_cancel(actor=request.user, payout=self.get_object(),
                                                                **d)).data)


# --- Calculators -----------------------------------------------------------------------------------------------

class FeeInputSerializer(serializers.Serializer):
    amount = fields.MoneyField(required=False, allow_null=True, **MONEY)
    preservation = serializers.BooleanField(default=False)


class FeeLineSerializer(serializers.Serializer):
    lower = fields.MoneyField(allow_null=True, **MONEY)
    upper = fields.MoneyField(allow_null=True, **MONEY)
    rate = fields.MoneyField(max_digits=6, decimal_places=4, allow_null=True, coerce_to_string=True)
    portion = fields.MoneyField(allow_null=True, **MONEY)
    fee = fields.MoneyField(max_digits=20, decimal_places=4, coerce_to_string=True)


class FeeResultSerializer(serializers.Serializer):
    amount = fields.MoneyField(allow_null=True, **MONEY)
    lines = FeeLineSerializer(many=True)
    subtotal = fields.MoneyField(max_digits=20, decimal_places=4, coerce_to_string=True)
    cap = fields.MoneyField(allow_null=True, **MONEY)
    total = fields.MoneyField(**MONEY)


class DatedAmountSerializer(serializers.Serializer):
    date = fields.DateField()
    amount = fields.MoneyField(**MONEY)


class InterestInputSerializer(serializers.Serializer):
    principal = fields.MoneyField(**MONEY)
    start = fields.DateField(help_text="The day the performance period expired")
    end = fields.DateField(help_text="The payment (or calculation) date")
    payments = DatedAmountSerializer(many=True, required=False, max_length=CALC_MAX_ROWS)
    excluded_periods = inline_serializer("ExcludedPeriod", {"first": fields.DateField(),
                                                            "last": fields.DateField()}, many=True,
                                         required=False, max_length=CALC_MAX_ROWS)


class SegmentSerializer(serializers.Serializer):
    first_day = fields.DateField()
    last_day = fields.DateField()
    days = serializers.IntegerField()
    principal = fields.MoneyField(**MONEY)
    excluded = serializers.BooleanField()
    interest = fields.MoneyField(max_digits=24, decimal_places=6, coerce_to_string=True)


class InterestResultSerializer(serializers.Serializer):
    principal = fields.MoneyField(**MONEY)
    daily_rate = fields.MoneyField(max_digits=10, decimal_places=6, coerce_to_string=True)
    days = serializers.IntegerField()
    excluded_days = serializers.IntegerField()
    segments = SegmentSerializer(many=True)
    total = fields.MoneyField(**MONEY)
    warnings = serializers.ListField(child=serializers.CharField())


class ClaimInputSerializer(serializers.Serializer):
    creditor = serializers.CharField(max_length=200)
    principal = fields.MoneyField(**MONEY)
    interest = fields.MoneyField(default="0", **MONEY)
    priority_class = serializers.ChoiceField(PriorityClass.choices, default=PriorityClass.ORDINARY)
    rank = serializers.IntegerField(default=0, min_value=0)
    seizure_order = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class DistributionInputSerializer(serializers.Serializer):
    total = fields.MoneyField(**MONEY)
    sale_costs = fields.MoneyField(default="0", **MONEY)
    enforcement_costs = fields.MoneyField(default="0", **MONEY)
    mode = serializers.ChoiceField(DistributionMode.choices, default=DistributionMode.PRO_RATA)
    claims = ClaimInputSerializer(many=True, max_length=CALC_MAX_ROWS)


class DistributionLineSerializer(serializers.Serializer):
    claim_id = serializers.IntegerField()
    creditor = serializers.CharField()
    priority_class = serializers.CharField()
    step = serializers.IntegerField()
    principal_owed = fields.MoneyField(**MONEY)
    interest_owed = fields.MoneyField(**MONEY)
    principal_paid = fields.MoneyField(**MONEY)
    interest_paid = fields.MoneyField(**MONEY)
    paid = fields.MoneyField(**MONEY)
    shortfall = fields.MoneyField(**MONEY)


class DistributionResultSerializer(serializers.Serializer):
    total = fields.MoneyField(**MONEY)
    sale_costs_paid = fields.MoneyField(**MONEY)
    enforcement_costs_paid = fields.MoneyField(**MONEY)
    lines = DistributionLineSerializer(many=True)
    surplus = fields.MoneyField(**MONEY)


class _CalcView(APIView):
    permission_classes = [IsAuthenticated]

    def _input(self, serializer_class):
        from django.core.exceptions import PermissionDenied

        from accounts.policy import has_perm

        if not has_perm(self.request.user, Perm.CASE_VIEW):
            raise PermissionDenied
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        return s.validated_data


class EnforcementFeeView(_CalcView):
    """Enforcement application fee (or, with ``preservation``, the preservation fee), tier by tier (§4)."""

    @extend_schema(request=FeeInputSerializer, responses=FeeResultSerializer)
    def post(self, request):
        d = self._input(FeeInputSerializer)
        result = services.enforcement_fee_calculate(court=request.user.court_id, amount=d.get("amount"),
                                                    preservation=d["preservation"])
        return Response(FeeResultSerializer(result).data)


class InterestView(_CalcView):
    """Doubled-part interest for delayed performance, with part payments (§5.2)."""

    @extend_schema(request=InterestInputSerializer, responses=InterestResultSerializer)
    def post(self, request):
        d = self._input(InterestInputSerializer)
        result = services.interest_calculate(
            court=request.user.court_id, principal=d["principal"], start=d["start"], end=d["end"],
            payments=[(p["date"], p["amount"]) for p in d.get("payments", [])],
            excluded_periods=[(p["first"], p["last"]) for p in d.get("excluded_periods", [])])
        return Response(InterestResultSerializer(result).data)


class DistributionView(_CalcView):
    """Distribution of proceeds among several creditors (§5.1); the parts sum exactly to the total."""

    @extend_schema(request=DistributionInputSerializer, responses=DistributionResultSerializer)
    def post(self, request):
        d = self._input(DistributionInputSerializer)
        claims = [services.calculators.ClaimInput(**c) for c in d["claims"]]
        result = services.distribution_calculate(court=request.user.court_id, total=d["total"],
                                                 sale_costs=d["sale_costs"],
                                                 enforcement_costs=d["enforcement_costs"], claims=claims,
                                                 mode=d["mode"])
        return Response(DistributionResultSerializer(result).data)
