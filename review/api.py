"""The API of objections and reconsideration: every resource the pages serve (list, detail, registration, each
step, the KPIs). The services check permissions and invariants again."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Team, TeamKind
from accounts.policy import Perm, Target, has_perm
from cases.models import PartyKind
from cases.selectors import case_get_for_user
from core import fields
from core.api import Pagination, PolicyFirstMixin
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import kpis, selectors, services
from .models import (
    ContestedKind,
    Objection,
    ObjectionKind,
    Reconsideration,
    ReconsiderationOutcome,
    RulingOutcome,
    Session,
    SessionKind,
)


class SessionSerializer(serializers.ModelSerializer):
    minutes_file = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "kind", "held_on", "participants", "minutes", "minutes_file", "outcome", "recorded_at"]

    def get_minutes_file(self, obj) -> str | None:
        return obj.minutes_file.url if obj.minutes_file else None


class ReconsiderationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reconsideration
        fields = ["id", "higher_court", "applicant", "applied_on", "file_sent_on", "higher_number", "extended",
                  "outcome", "decided_on"]


class ObjectionSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    enforcement_case_number = serializers.CharField(source="enforcement_case.number", read_only=True)
    hold_in_force = serializers.SerializerMethodField()
    reconsideration = serializers.SerializerMethodField()
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "case", "case_number", "enforcement_case", "enforcement_case_number", "court", "kind",
                  "objector", "objector_phone", "contested_kind", "asset", "disposal", "control", "contested_act",
                  "request", "grounds", "received_on", "accepted_on", "papers_notice_on", "papers_completed_on",
                  "suspends",
                  "suspension_reason", "hold_active", "hold_until", "hold_in_force", "status", "outcome", "ruled_on",
                  "ruling_reasons", "served_on", "withdrawn_on", "suit_filed_on", "suit_ended_on", "sessions",
                  "reconsideration", "created_at"]

    def get_hold_in_force(self, obj) -> bool:
        from django.utils import timezone

        return obj.hold_active and (obj.hold_until is None or obj.hold_until >= timezone.localdate())

    def get_reconsideration(self, obj) -> ReconsiderationSerializer(allow_null=True):  # type: ignore[valid-type]
        recon = getattr(obj, "reconsideration", None) if hasattr(obj, "reconsideration") else None
        return ReconsiderationSerializer(recon).data if recon else None


class ObjectionCreateSerializer(serializers.Serializer):
    enforcement_case = serializers.IntegerField()
    kind = serializers.ChoiceField(ObjectionKind.choices)
    objector = serializers.CharField(max_length=200)
    objector_kind = serializers.ChoiceField(PartyKind.choices, default=PartyKind.PERSON)
    objector_phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    contested_kind = serializers.ChoiceField(ContestedKind.choices)
    asset = serializers.IntegerField(required=False, allow_null=True)
    disposal = serializers.IntegerField(required=False, allow_null=True)
    control = serializers.IntegerField(required=False, allow_null=True)
    contested_act = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    request = serializers.CharField(max_length=2000)
    grounds = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    received_on = fields.DateField()
    accepted_on = fields.DateField(required=False, allow_null=True)
    suspends = serializers.BooleanField(default=False)
    suspension_reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    team = serializers.IntegerField()
    officer = serializers.IntegerField(required=False, allow_null=True)


class SessionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(SessionKind.choices)
    held_on = fields.DateField()
    participants = serializers.CharField(max_length=1000)
    minutes = serializers.CharField(max_length=20000, required=False, default="", allow_blank=True)
    minutes_file = serializers.FileField(required=False, allow_null=True)
    outcome = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class RuleSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(RulingOutcome.choices)
    ruled_on = fields.DateField()
    reasons = serializers.CharField(max_length=10000)


class OnDateSerializer(serializers.Serializer):
    on = fields.DateField()


class SuitSerializer(serializers.Serializer):
    filed_on = fields.DateField(required=False, allow_null=True)
    ended_on = fields.DateField(required=False, allow_null=True)


class LiftReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ReconApplySerializer(serializers.Serializer):
    applicant = serializers.CharField(max_length=200)
    applied_on = fields.DateField()


class ReconDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(ReconsiderationOutcome.choices)
    decided_on = fields.DateField()
    higher_number = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


def _recon_target(objection):
    recon = getattr(objection, "reconsideration", None) if hasattr(objection, "reconsideration") else None
    return Target(court_id=recon.higher_court_id) if recon else None


class ObjectionViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections (执异) the user may see; ``?status=`` and ``?case=`` (an enforcement case) narrow the list."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = ObjectionSerializer
    queryset = Objection.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    action_perms = {
        "create": Perm.REVIEW_HANDLE, "sessions": Perm.REVIEW_HANDLE, "rule": Perm.REVIEW_RULE,
        "withdraw": Perm.REVIEW_HANDLE, "serve": Perm.REVIEW_HANDLE, "papers_notice": Perm.REVIEW_HANDLE,
        "suit": Perm.REVIEW_HANDLE,
        "lift": Perm.REVIEW_RULE, "reconsideration_apply": Perm.REVIEW_HANDLE,
        "reconsideration_send_up": Perm.REVIEW_HANDLE,
    }

    def get_queryset(self):
        qs = selectors.objection_list(user=self.request.user, status=self.request.query_params.get("status", ""))
        case = self.request.query_params.get("case")
        if self.action == "list" and case:
            try:
                qs = qs.filter(enforcement_case_id=int(case))
            except ValueError:
                raise serializers.ValidationError({"case": ["Enter the case id."]}) from None
        return qs.prefetch_related("sessions").order_by("-received_on", "-id")

    def _data(self, serializer_class) -> dict:
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    def _answer(self, objection, code=status.HTTP_200_OK):
        fresh = selectors.objection_list(user=self.request.user).prefetch_related("sessions").get(pk=objection.pk)
        return Response(ObjectionSerializer(fresh).data, status=code)

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("case", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ObjectionCreateSerializer, responses={201: ObjectionSerializer, **idempotency_responses()})
    @idempotent("review:objection_create")
    def create(self, request):
        d = self._data(ObjectionCreateSerializer)
        case = case_get_for_user(user=request.user, pk=d.pop("enforcement_case"))
        team = Team.objects.filter(pk=d.pop("team"), court_id=case.court_id, kind=TeamKind.ADJUDICATION).first()
        officer_id = d.pop("officer", None)
        officer = get_user_model().objects.filter(pk=officer_id).first() if officer_id else None
        objection = services.objection_register(
            actor=request.user, enforcement_case=case, team=team, officer=officer,
            asset_id=d.pop("asset", None), disposal_id=d.pop("disposal", None), control_id=d.pop("control", None),
            **d)
        return self._answer(objection, status.HTTP_201_CREATED)

    @extend_schema(request=SessionCreateSerializer, responses={201: ObjectionSerializer})
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        objection = self.get_object()
        d = self._data(SessionCreateSerializer)
        services.session_record(actor=request.user, objection=objection, **d)
        return self._answer(objection, status.HTTP_201_CREATED)

    @extend_schema(request=RuleSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def rule(self, request, pk=None):
        objection = self.get_object()
        services.objection_rule(actor=request.user, objection=objection, **self._data(RuleSerializer))
        return self._answer(objection)

    @extend_schema(request=OnDateSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], url_path="papers-notice")
    def papers_notice(self, request, pk=None):
        objection = self.get_object()
        services.objection_papers_notice(actor=request.user, objection=objection,
                                         notice_on=self._data(OnDateSerializer)["on"])
        return self._answer(objection)

    @extend_schema(request=OnDateSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        objection = self.get_object()
        services.objection_withdraw(actor=request.user, objection=objection,
                                    withdrawn_on=self._data(OnDateSerializer)["on"])
        return self._answer(objection)

    @extend_schema(request=OnDateSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def serve(self, request, pk=None):
        objection = self.get_object()
        services.objection_serve(actor=request.user, objection=objection,
                                 served_on=self._data(OnDateSerializer)["on"])
        return self._answer(objection)

    @extend_schema(request=SuitSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def suit(self, request, pk=None):
        objection = self.get_object()
        services.objection_suit_record(actor=request.user, objection=objection, **self._data(SuitSerializer))
        return self._answer(objection)

    @extend_schema(request=LiftReasonSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        objection = self.get_object()
        services.objection_hold_lift(actor=request.user, objection=objection, **self._data(LiftReasonSerializer))
        return self._answer(objection)

    @extend_schema(request=ReconApplySerializer, responses={201: ObjectionSerializer})
    @action(detail=True, methods=["post"], url_path="reconsideration")
    def reconsideration_apply(self, request, pk=None):
        objection = self.get_object()
        services.reconsideration_apply(actor=request.user, objection=objection, **self._data(ReconApplySerializer))
        return self._answer(objection, status.HTTP_201_CREATED)

    def _recon(self, objection):
        recon = Reconsideration.objects.filter(objection=objection).first()
        if recon is None:
            raise serializers.ValidationError({"reconsideration": ["No application for reconsideration."]})
        return recon

    @extend_schema(request=OnDateSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], url_path="reconsideration/send-up")
    def reconsideration_send_up(self, request, pk=None):
        objection = self.get_object()
        services.reconsideration_send_up(actor=request.user, reconsideration=self._recon(objection),
                                         sent_on=self._data(OnDateSerializer)["on"])
        return self._answer(objection)

    def _require_higher(self, objection):
        target = _recon_target(objection)
        if target is None or not has_perm(self.request.user, Perm.REVIEW_RULE, target):
            raise PermissionDenied()

    @extend_schema(request=None, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], url_path="reconsideration/extend")
    def reconsideration_extend(self, request, pk=None):
        objection = self.get_object()
        self._require_higher(objection)
        services.reconsideration_extend(actor=request.user, reconsideration=self._recon(objection))
        return self._answer(objection)

    @extend_schema(request=ReconDecideSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], url_path="reconsideration/decide")
    def reconsideration_decide(self, request, pk=None):
        objection = self.get_object()
        self._require_higher(objection)
        services.reconsideration_decide(actor=request.user, reconsideration=self._recon(objection),
                                        **self._data(ReconDecideSerializer))
        return self._answer(objection)


class ObjectionKpiRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    received = serializers.IntegerField()
    decided = serializers.IntegerField()
    on_time = serializers.IntegerField()
    pending = serializers.IntegerField()
    reconsidered = serializers.IntegerField()
    reversed = serializers.IntegerField()
    is_total = serializers.BooleanField()


class ObjectionKpiView(APIView):
    """Objections received, ruled within 15 days, reversed on reconsideration, per team/officer/court; the last
    row (``is_total``) is the total."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("start", date, required=True), OpenApiParameter("end", date,
                                                                                                 required=True),
                               OpenApiParameter("by", str, enum=["team", "officer", "court"])],
                   responses=ObjectionKpiRowSerializer(many=True))
    def get(self, request):
        if not has_perm(request.user, Perm.REPORT_VIEW, Target(court_id=request.user.court_id)):
            raise PermissionDenied()
        s = _KpiQuery(data=request.query_params)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["end"] < d["start"]:
            raise serializers.ValidationError({"end": ["The end of the period cannot precede its start."]})
        rows = kpis.objection_kpis(user=request.user, start=d["start"], end=d["end"], by=d.get("by") or "team")
        return Response([ObjectionKpiRowSerializer(r).data for r in rows])


class _KpiQuery(serializers.Serializer):
    start = fields.DateField()
    end = fields.DateField()
    by = serializers.ChoiceField(["team", "officer", "court"], required=False)

