"""REST API for cases and the officer's work. Same services, same policy as the pages; money as strings."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Team, User
from accounts.policy import Perm, scope_q
from core import fields
from core.api import Pagination, PolicyFirstMixin
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import selectors, services
from .models import (
    Action, ActionKind, BasisKind, Case, CaseParty, CaseType, ClosureMode, ClosureRequest, Lead, LeadOutcome,
    LeadSource, ObligationKind, Party, PartyKind, PartyRole, PetitionKind, Petition, Settlement, SettlementInstalment,
    Stage, Stream,
)

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}


class EnumChoiceField(serializers.ChoiceField):
    """A choice field documented with its values inline, so that choice sets of different apps sharing a field
    name ("kind", "status") never collide in the schema's enum components."""


class EnumChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumChoiceField

    def map_serializer_field(self, auto_schema, direction):
        values = [v for v in self.target.choices if v not in ("", None)]
        described = ", ".join(f"`{v}` {label}" for v, label in self.target.choices.items() if v not in ("", None))
        if getattr(self.target, "allow_blank", False):
            return {"anyOf": [{"type": "string", "enum": values}, {"type": "string", "maxLength": 0}],
                    "description": described}
        return {"allOf": [{"type": "string", "enum": values}], "description": described}


class BaseModelSerializer(serializers.ModelSerializer):
    serializer_choice_field = EnumChoiceField


def _case_scope(user, perm=Perm.CASE_VIEW, prefix="case__"):
    return scope_q(user, perm, court=f"{prefix}court", team=f"{prefix}team", officer=f"{prefix}officer")


# --- Serializers ------------------------------------------------------------------------------------------------

class PartySerializer(BaseModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "kind", "name", "id_kind", "id_number", "id_flagged", "sex", "birth_date",
                  "legal_representative", "phones", "address", "postcode"]


class CasePartySerializer(BaseModelSerializer):
    party = PartySerializer(read_only=True)

    class Meta:
        model = CaseParty
        fields = ["id", "role", "position", "party", "service_address", "phone", "agent", "agent_id_number",
                  "agent_phone", "email", "restricted_on",
                  "restriction_lifted_on", "dishonest_listed_on", "dishonest_until", "dishonest_ground",
                  "dishonest_removed_on"]


class CaseListSerializer(BaseModelSerializer):
    amount_claimed = serializers.DecimalField(**MONEY, read_only=True)
    amount_recovered = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "case_type", "year", "serial", "stage", "stream", "filed_on", "received_on",
                  "team", "officer", "amount_claimed", "amount_recovered", "closure_mode", "closed_on", "tags"]


class CaseDetailSerializer(CaseListSerializer):
    parties = CasePartySerializer(source="case_parties", many=True, read_only=True)
    principal = serializers.DecimalField(**MONEY, read_only=True)
    interest_awarded = serializers.DecimalField(**MONEY, read_only=True)
    litigation_costs = serializers.DecimalField(**MONEY, read_only=True)
    other_amount = serializers.DecimalField(**MONEY, read_only=True)
    term_deadline = serializers.SerializerMethodField()
    account_reference_display = serializers.SerializerMethodField(
        help_text="The payment reference grouped in fours for reading (6205 0320 2610 0000 190); "
                  "account_reference is the same digits without spaces, for copying.")

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "court", "account_reference", "account_reference_display", "non_litigation", "basis_kind", "basis_issuer",
            "basis_number",
            "basis_effective_on", "basis_due_on", "cause", "obligation_kind", "act_description", "principal",
            "interest_awarded", "litigation_costs", "other_amount", "stream_overridden", "resume_stage",
            "archived_on", "origin_case", "intake_warnings", "parties", "term_deadline"]

    def get_account_reference_display(self, case) -> str:
        from core.rules.payment_ref import format_payment_reference

        return format_payment_reference(case.account_reference)

    def get_term_deadline(self, case) -> str | None:
        from .term import case_term_deadline

        return case_term_deadline(case).isoformat() if case.is_open else None


class PartyInputSerializer(serializers.Serializer):
    role = EnumChoiceField(choices=PartyRole.choices)
    kind = EnumChoiceField(choices=PartyKind.choices)
    name = serializers.CharField(max_length=200)
    id_kind = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phones = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    agent = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    agent_id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                            help_text="The agent's ID number: with it the agent signs in to the "
                                                      "party portal.")
    agent_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                        help_text="The agent's mobile number (the portal's one-time code).")
    email = serializers.CharField(required=False, allow_blank=True, default="",  # length and form: the service
                                  help_text="The party's e-mail for this case: messages from case events and the "
                                            "portal's one-time code are sent there as well.")
    resolution = EnumChoiceField(
        choices=[("use_existing", "Use the existing record"), ("update", "Correct the existing record")],
        required=False, allow_blank=True, default="",
        help_text="Only when the identifier matches a record with a different name, kind or address (409 "
                  "party_conflict): attach the existing record as it is, or correct it to the typed values.")
    resolution_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                              help_text="Required with resolution=update; recorded in the timeline.")


class CaseRegisterSerializer(serializers.Serializer):
    case_type = EnumChoiceField(choices=CaseType.choices)
    received_on = fields.DateField()
    filed_on = fields.DateField(required=False, allow_null=True, default=None)
    non_litigation = serializers.BooleanField(required=False, default=False)
    basis_kind = EnumChoiceField(choices=BasisKind.choices)
    basis_issuer = serializers.CharField(max_length=100)
    basis_number = serializers.CharField(max_length=60)
    basis_effective_on = fields.DateField()
    basis_due_on = fields.DateField(required=False, allow_null=True, default=None)
    cause = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    obligation_kind = EnumChoiceField(choices=ObligationKind.choices, default=ObligationKind.MONEY)
    act_description = serializers.CharField(required=False, allow_blank=True, default="")
    principal = fields.MoneyField(**MONEY, min_value=0, default=Decimal("0.00"))
    interest_awarded = fields.MoneyField(**MONEY, min_value=0, default=Decimal("0.00"))
    litigation_costs = fields.MoneyField(**MONEY, min_value=0, default=Decimal("0.00"))
    other_amount = fields.MoneyField(**MONEY, min_value=0, default=Decimal("0.00"))
    assets_known = serializers.BooleanField(required=False, default=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True,
                                              default=None)
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                                 default=None)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    parties = PartyInputSerializer(many=True)


class PartyDetailsSerializer(serializers.Serializer):
    party = serializers.IntegerField(help_text="The party (a party to this case)")
    phones = serializers.ListField(child=serializers.CharField(max_length=40, allow_blank=True), required=False,
                                   max_length=10)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                     help_text="邮政编码: 6 digits, or empty")
    original = serializers.DictField(
        help_text="For each field sent, the value as last read (GET /parties/{id}/). A field someone else changed "
                  "since is refused with 409; fields not sent are left alone, so concurrent edits of different "
                  "fields both survive.")


class TransitionSerializer(serializers.Serializer):
    to_stage = EnumChoiceField(choices=Stage.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True,
                                              default=None)
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                                 default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StreamSerializer(serializers.Serializer):
    stream = EnumChoiceField(choices=Stream.choices)
    reason = serializers.CharField()


class ResumeSerializer(serializers.Serializer):
    reason = serializers.CharField()
    received_on = fields.DateField(required=False, allow_null=True, default=None)


class ActionSerializer(BaseModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    kind = EnumChoiceField(choices=ActionKind.choices)
    details = serializers.JSONField(
        required=False, default=dict,
        help_text="The measure's own fields (cases.actions). A network query: system, subject, note, result_<type> "
                  "and, for each asset found, found_<n>_type, found_<n>_institution, found_<n>_number, "
                  "found_<n>_amount (n = 1..3); answered as details.found, a list of {type, institution, number, "
                  "amount}, whose index is the source_row of an asset registered from it.")
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "case", "kind", "occurred_on", "actor", "details", "summary", "created_at", "attachments"]
        read_only_fields = ["actor", "created_at"]

    def get_attachments(self, obj) -> list[dict]:
        return [{"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
                for a in obj.attachments.all()]


class LeadSerializer(BaseModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    source = EnumChoiceField(choices=LeadSource.choices, default=LeadSource.APPLICANT)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    # Empty until the lead is checked (the read-only model field would lose ``allow_blank`` in the schema).
    outcome = EnumChoiceField(choices=LeadOutcome.choices, read_only=True, allow_blank=True)

    class Meta:
        model = Lead
        fields = ["id", "case", "received_at", "urgent", "source", "description", "officer", "due_at",
                  "handled_at", "result", "outcome"]
        read_only_fields = ["officer", "due_at", "handled_at", "result", "outcome"]


class ResultSerializer(serializers.Serializer):
    result = serializers.CharField()
    outcome = EnumChoiceField(choices=LeadOutcome.choices, required=False, default="", allow_blank=True,
                              help_text="What the check turned up (属实/部分属实/不属实); shown on the timeline.")


class PetitionSerializer(BaseModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    kind = EnumChoiceField(choices=PetitionKind.choices, default=PetitionKind.PETITION)
    received_on = fields.DateField(required=False, allow_null=True, default=None)
    assigned_to = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                                     default=None)

    class Meta:
        model = Petition
        fields = ["id", "case", "kind", "petitioner", "received_on", "due_on", "content", "assigned_to",
                  "answered_on", "reply"]
        read_only_fields = ["due_on", "answered_on", "reply"]


class AnswerSerializer(serializers.Serializer):
    reply = serializers.CharField()
    answered_on = fields.DateField(required=False, allow_null=True, default=None)


class InstalmentSerializer(BaseModelSerializer):
    amount = fields.MoneyField(**MONEY)
    paid_amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = SettlementInstalment
        fields = ["id", "number", "due_on", "amount", "paid_on", "paid_amount"]
        read_only_fields = ["number", "paid_on"]


class SettlementSerializer(BaseModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    instalments = InstalmentSerializer(many=True)
    total_amount = serializers.DecimalField(**MONEY, read_only=True)
    pause_term = serializers.BooleanField(write_only=True, default=True)

    class Meta:
        model = Settlement
        fields = ["id", "case", "signed_on", "terms", "total_amount", "status", "breached_on", "breach_note",
                  "instalments", "pause_term"]
        read_only_fields = ["status", "breached_on", "breach_note"]


class PaySerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1)
    paid_on = fields.DateField()
    paid_amount = fields.MoneyField(**MONEY)


class BreachSerializer(serializers.Serializer):
    breached_on = fields.DateField()
    note = serializers.CharField()


class ClosureSerializer(BaseModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    mode = EnumChoiceField(choices=ClosureMode.choices)

    class Meta:
        model = ClosureRequest
        fields = ["id", "case", "mode", "ground", "status", "reason", "requested_by", "requested_at", "decided_by",
                  "decided_at", "return_reason", "checklist"]
        read_only_fields = ["status", "requested_by", "requested_at", "decided_by", "decided_at", "return_reason",
                            "checklist"]


class ReturnSerializer(serializers.Serializer):
    return_reason = serializers.CharField()


class CheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    required = serializers.BooleanField()
    detail = serializers.CharField()


# --- Views ------------------------------------------------------------------------------------------------------

def party_conflict_body(exc) -> dict:
    """The 409 answer to typed parties that clash with existing records: the field errors, and per party index the
    existing record next to what was typed, so a client can resend with a resolution per party."""
    from core.api import validation_error_detail

    return {**validation_error_detail(exc), "code": "party_conflict",
            "conflicts": {str(c.index): c.as_data() for c in exc.conflicts}}


def _visible_case(request, pk, perm=Perm.CASE_VIEW) -> Case:
    return selectors.case_get_for_user(user=request.user, pk=pk, perm=perm)


class CaseViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    action_perms = {"create": Perm.CASE_REGISTER, "transition": (Perm.CASE_ACT, Perm.CASE_EDIT),
        "assign": Perm.CASE_ASSIGN, "stream": Perm.CASE_TRIAGE, "resume": Perm.CASE_REGISTER,
        "party_details": Perm.CASE_EDIT}
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    queryset = Case.objects.none()

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseListSerializer

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="Case number (full or partial), party name or ID number"),
        OpenApiParameter("number", str), OpenApiParameter("party", str), OpenApiParameter("fuzzy", bool),
        OpenApiParameter("id_number", str), OpenApiParameter("officer", int), OpenApiParameter("team", int),
        OpenApiParameter("stage", str, many=True), OpenApiParameter("stream", str), OpenApiParameter("tag", str),
        OpenApiParameter("open", bool),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if self.action == "retrieve":
            return Case.objects.filter(scope_q(self.request.user, Perm.CASE_VIEW)).prefetch_related(
                "case_parties__party")
        p = self.request.query_params

        def as_int(name):
            try:
                return int(p.get(name)) if p.get(name) else None
            except ValueError:
                raise serializers.ValidationError({name: ["Enter a whole number."]}) from None

        search = selectors.CaseSearch(
            q=p.get("q", ""), number=p.get("number", ""), party=p.get("party", ""),
            fuzzy=p.get("fuzzy") in ("1", "true"), id_number=p.get("id_number", ""), officer=as_int("officer"),
            team=as_int("team"), stage=p.getlist("stage"), stream=p.get("stream", ""), tag=p.get("tag", ""),
            open_only=p.get("open") in ("1", "true"))
        return selectors.case_search(user=self.request.user, search=search)

    @extend_schema(request=CaseRegisterSerializer, responses={201: CaseDetailSerializer, 200: CaseDetailSerializer,
                                                              409: OpenApiTypes.OBJECT, **idempotency_responses()},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, description=(
                       "A client-chosen unique key: repeating the request with the same key returns the first "
                       "result."))])
    @idempotent("case-register")
    def create(self, request):
        s = CaseRegisterSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        d["parties"] = [services.PartyInput(**p) for p in d["parties"]]
        try:
            case = services.case_register(actor=request.user, court=request.user.court, **d)
        except services.PartyConflictError as exc:
            return Response(party_conflict_body(exc), status=status.HTTP_409_CONFLICT)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = services.case_transition(actor=request.user, case=_visible_case(request, pk), **s.validated_data)
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(request=AssignSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        s = AssignSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = services.case_assign(actor=request.user, case=_visible_case(request, pk), **s.validated_data)
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(request=PartyDetailsSerializer, responses={200: PartySerializer, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="party-details")
    def party_details(self, request, pk=None):
        """Change a party's contact details (only the fields sent; each checked against ``original``)."""
        case = _visible_case(request, pk, perm=Perm.CASE_EDIT)
        s = PartyDetailsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        party = Party.objects.filter(pk=d["party"], case_links__case=case).first()
        if party is None:
            raise serializers.ValidationError({"party": ["Not a party to this case."]})
        changes = {f: d[f] for f in ("phones", "address", "legal_representative", "postcode") if f in d}
        try:
            party = services.party_details_update(actor=request.user, case=case, party=party, changes=changes,
                                                  original=d["original"])
        except services.PartyDetailsStale as exc:
            from core.api import validation_error_detail

            return Response({**validation_error_detail(exc), "code": "stale"}, status=status.HTTP_409_CONFLICT)
        return Response(PartySerializer(party).data)

    @extend_schema(request=StreamSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def stream(self, request, pk=None):
        s = StreamSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = services.case_stream_override(actor=request.user, case=_visible_case(request, pk), **s.validated_data)
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(request=ResumeSerializer, responses={201: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        s = ResumeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        new = services.case_resume(actor=request.user, case=_visible_case(request, pk), **s.validated_data)
        return Response(CaseDetailSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("mode", str, required=True), OpenApiParameter("ground", str)],
                   responses=CheckSerializer(many=True))
    @action(detail=True, methods=["get"])
    def checklist(self, request, pk=None):
        from dataclasses import asdict

        case = _visible_case(request, pk)
        mode = request.query_params.get("mode", "")
        if mode not in ClosureMode.values:
            raise serializers.ValidationError({"mode": ["Unknown closure mode."]})
        checks = services.closure_checklist(case, mode, request.query_params.get("ground", ""))
        return Response([{**asdict(c), "label": str(c.label), "detail": str(c.detail)} for c in checks])


class PartyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Parties of the cases the user may see."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = PartySerializer

    @extend_schema(parameters=[OpenApiParameter("name", str), OpenApiParameter("id_number", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        visible = CaseParty.objects.filter(_case_scope(self.request.user)).values("party_id")
        qs = Party.objects.filter(pk__in=visible).order_by("name", "id")
        p = self.request.query_params
        if p.get("name"):
            qs = qs.filter(name__contains=p["name"].strip())
        if p.get("id_number"):
            from core.rules.identifiers import normalize_id

            qs = qs.filter(id_number=normalize_id(p["id_number"]))
        return qs


class CaseChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Base: records hanging off a case, filtered to the cases the user may see (``?case=`` narrows)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    model = None
    case_path = "case"

    @extend_schema(parameters=[OpenApiParameter("case", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = self.model.objects.filter(_case_scope(self.request.user, prefix=f"{self.case_path}__"))
        case = self.request.query_params.get("case")
        if case:
            if not case.isdigit():
                raise serializers.ValidationError({"case": ["Enter a whole number."]})
            qs = qs.filter(**{f"{self.case_path}_id": int(case)})
        return self.tune(qs)

    def tune(self, qs):
        return qs.order_by("-id")

    def case_for_write(self, serializer_case) -> Case:
        return _visible_case(self.request, serializer_case.pk)


class ActionViewSet(PolicyFirstMixin, mixins.CreateModelMixin, CaseChildViewSet):
    action_perms = {"create": Perm.CASE_ACT, "attachments": Perm.CASE_ACT}
    serializer_class = ActionSerializer
    model = Action

    def tune(self, qs):
        return qs.prefetch_related("attachments").order_by("-occurred_on", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.action_log(
            actor=self.request.user, case=self.case_for_write(d["case"]), kind=d["kind"],
            occurred_on=d["occurred_on"], details=d.get("details") or {}, summary=d.get("summary", ""))

    @extend_schema(request={"multipart/form-data": inline_serializer(
        "AttachmentUpload", {"file": serializers.FileField()})}, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        obj = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": ["Attach a file."]})
        services.attachment_add(actor=request.user, action=obj, upload=upload)
        return Response(ActionSerializer(Action.objects.prefetch_related("attachments").get(pk=obj.pk)).data)


class LeadViewSet(PolicyFirstMixin, mixins.CreateModelMixin, CaseChildViewSet):
    action_perms = {"create": Perm.CASE_EDIT, "handle": Perm.CASE_ACT}
    serializer_class = LeadSerializer
    model = Lead

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.lead_register(
            actor=self.request.user, case=self.case_for_write(d["case"]), description=d["description"],
            received_at=d.get("received_at"), urgent=d.get("urgent", False), source=d["source"])

    @extend_schema(request=ResultSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        s = ResultSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        lead = services.lead_handle(actor=request.user, lead=self.get_object(), result=s.validated_data["result"],
                                    outcome=s.validated_data.get("outcome", ""))
        return Response(LeadSerializer(lead).data)


class PetitionViewSet(PolicyFirstMixin, mixins.CreateModelMixin, CaseChildViewSet):
    action_perms = {"create": Perm.CASE_EDIT, "answer": Perm.CASE_ACT}
    serializer_class = PetitionSerializer
    model = Petition

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.petition_register(
            actor=self.request.user, case=self.case_for_write(d["case"]), content=d["content"],
            received_on=d.get("received_on"), kind=d["kind"], petitioner=d.get("petitioner", ""),
            assigned_to=d.get("assigned_to"))

    @extend_schema(request=AnswerSerializer, responses=PetitionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        s = AnswerSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        petition = services.petition_answer(actor=request.user, petition=self.get_object(), **s.validated_data)
        return Response(PetitionSerializer(petition).data)


class SettlementViewSet(PolicyFirstMixin, mixins.CreateModelMixin, CaseChildViewSet):
    action_perms = {"create": Perm.CASE_ACT, "pay": Perm.CASE_ACT, "breach": Perm.CASE_ACT}
    serializer_class = SettlementSerializer
    model = Settlement

    def tune(self, qs):
        return qs.prefetch_related("instalments").order_by("-signed_on", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.settlement_register(
            actor=self.request.user, case=self.case_for_write(d["case"]), signed_on=d["signed_on"], terms=d["terms"],
            instalments=[(i["due_on"], i["amount"]) for i in d["instalments"]], pause_term=d["pause_term"])

    @extend_schema(request=PaySerializer, responses=SettlementSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        s = PaySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        settlement = self.get_object()
        instalment = settlement.instalments.filter(number=s.validated_data["number"]).first()
        if instalment is None:
            raise serializers.ValidationError({"number": ["No such instalment."]})
        services.instalment_record(actor=request.user, instalment=instalment, paid_on=s.validated_data["paid_on"],
                                   paid_amount=s.validated_data["paid_amount"])
        return Response(SettlementSerializer(Settlement.objects.get(pk=settlement.pk)).data)

    @extend_schema(request=BreachSerializer, responses=SettlementSerializer)
    @action(detail=True, methods=["post"])
    def breach(self, request, pk=None):
        s = BreachSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        settlement = services.settlement_breach(actor=request.user, settlement=self.get_object(), **s.validated_data)
        return Response(SettlementSerializer(settlement).data)


class ApprovalRequestViewSet(PolicyFirstMixin, mixins.CreateModelMixin, CaseChildViewSet):
    """A case request the chief decides (closure, 中止): an officer creates it; approve and return need the approval
    permission; listed newest first, filtered by case and status."""

    action_perms = {"create": (Perm.CASE_CLOSE_REQUEST, Perm.CASE_CLOSE_APPROVE), "approve": Perm.CASE_CLOSE_APPROVE,
        "return_": Perm.CASE_CLOSE_APPROVE}

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def tune(self, qs):
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs.order_by("-requested_at", "-id")


class ClosureViewSet(ApprovalRequestViewSet):
    serializer_class = ClosureSerializer
    model = ClosureRequest

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.closure_request(
            actor=self.request.user, case=self.case_for_write(d["case"]), mode=d["mode"], reason=d["reason"],
            ground=d.get("ground", ""))

    @extend_schema(request=None, responses=ClosureSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(ClosureSerializer(services.closure_approve(actor=request.user, request=self.get_object())).data)

    @extend_schema(request=ReturnSerializer, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        s = ReturnSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        req = services.closure_return(actor=request.user, request=self.get_object(), **s.validated_data)
        return Response(ClosureSerializer(req).data)


