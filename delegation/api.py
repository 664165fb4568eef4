"""API of delegation between courts: ``/api/v1/delegations/`` (list with ``box``/``show``, retrieve, create: JSON or
multipart with papers, idempotent) and one POST per step (send, withdraw, close, accept, refuse, start, reply) and
GET ``export`` (the structured export). Each court reads its own side (delegation.selectors); the permission is
checked before the body is read, so a user who may not act gets 403 (404 when they cannot see it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Court, Team, User
from accounts.policy import Perm, has_perm
from cases.selectors import case_get_for_user
from core import fields
from core.api import Pagination
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import selectors, services
from .exchange import delegation_export
from .models import Delegation, DelegationPaper, Kind, Outcome, Status

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="A client-chosen unique key: repeating the request with the same key returns the first result.")


class DelegationPaperSerializer(serializers.ModelSerializer):
    class Meta:
        model = DelegationPaper
        fields = ["id", "side", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class DelegationSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    sending_court_name = serializers.CharField(source="sending_court.name", read_only=True)
    receiver_name = serializers.CharField(read_only=True)
    receiving_case_number = serializers.CharField(source="receiving_case.number", default=None, allow_null=True,
                                                  read_only=True)
    papers = DelegationPaperSerializer(many=True, read_only=True)
    outcome = serializers.CharField(read_only=True, help_text="done, partly or not_done; empty until answered.")

    class Meta:
        model = Delegation
        fields = ["id", "number", "kind", "status", "sending_court", "sending_court_name", "case_number",
                  "receiving_court", "external_court_name", "external_court_address", "receiver_name",
                  "instructions", "amount", "subjects", "contact_name", "contact_phone", "sent_on", "accepted_on",
                  "team", "officer", "refused_on", "refuse_reason", "started_on", "answered_on", "result",
                  "outcome", "closed_on", "withdrawn_on", "withdraw_reason", "receiving_case_number", "papers",
                  "created_at"]
        read_only_fields = fields


class DelegationCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=Kind.choices)
    receiving_court = serializers.PrimaryKeyRelatedField(queryset=Court.objects.all(), required=False,
                                                         allow_null=True)
    external_court_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    external_court_address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    instructions = serializers.CharField(max_length=4000)
    amount = fields.MoneyField(required=False, allow_null=True)
    parties = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                    help_text="Case-party ids of the sending case; empty: every respondent.")
    papers = serializers.ListField(child=serializers.FileField(), required=False)


class DelegationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class DelegationAcceptSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)


class DelegationReplySerializer(serializers.Serializer):
    result = serializers.CharField(max_length=4000)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    answered_on = fields.DateField(required=False, allow_null=True)
    papers = serializers.ListField(child=serializers.FileField(), required=False)


class DelegationFilterSerializer(serializers.Serializer):
    box = serializers.ChoiceField(choices=[selectors.INCOMING, selectors.OUTGOING], required=False)
    show = serializers.ChoiceField(choices=selectors.SHOWS, required=False)


def _papers(request) -> list:
    return request.FILES.getlist("papers") if hasattr(request, "FILES") else []


class DelegationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Delegations the user sees from the sending side (the case's scope) or the receiving side (the receiving
    court's DELEGATION_RECEIVE scope; never a draft)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = DelegationSerializer
    queryset = Delegation.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            f = DelegationFilterSerializer(data={k: v for k, v in self.request.query_params.items() if v != ""})
            f.is_valid(raise_exception=True)
            return selectors.delegation_list(user=user, box=f.validated_data.get("box", selectors.INCOMING),
                                             show=f.validated_data.get("show", "all")).prefetch_related("papers")
        return (Delegation.objects.select_related("case", "sending_court", "receiving_court", "receiving_case")
                .prefetch_related("papers").filter(selectors.sending_q(user) | selectors.receiving_q(user))
                .distinct())

    @extend_schema(parameters=[OpenApiParameter("box", str, enum=[selectors.INCOMING, selectors.OUTGOING],
                                                description="incoming (default) or outgoing"),
                               OpenApiParameter("show", str, enum=list(selectors.SHOWS))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"application/json": DelegationCreateSerializer,
                            "multipart/form-data": DelegationCreateSerializer},
                   responses={201: DelegationSerializer, **idempotency_responses()}, parameters=[IDEMPOTENCY_HEADER])
    @idempotent("delegation-create")
    def create(self, request):
        """A draft delegation from a case (DELEGATION_SEND on it); papers as multipart ``papers``."""
        if not has_perm(request.user, Perm.DELEGATION_SEND):
            raise PermissionDenied()
        case_id = request.data.get("case")
        if str(case_id or "").isdigit():  # the case first: 404 / 403 before the body is judged
            case_get_for_user(user=request.user, pk=int(case_id), perm=Perm.DELEGATION_SEND)
        s = DelegationCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        case = case_get_for_user(user=request.user, pk=v["case"], perm=Perm.DELEGATION_SEND)
        d = services.delegation_create(
            actor=request.user, case=case, kind=v["kind"], receiving_court=v.get("receiving_court"),
            external_court_name=v.get("external_court_name", ""),
            external_court_address=v.get("external_court_address", ""), instructions=v["instructions"],
            amount=v.get("amount"), party_ids=v.get("parties") or None, papers=_papers(request))
        return Response(DelegationSerializer(d).data, status=status.HTTP_201_CREATED)

    def _step(self, request, *, allowed, serializer=None, call):
        d = self.get_object()
        if not allowed(request.user, d):
            raise PermissionDenied()
        data = {}
        if serializer is not None:
            s = serializer(data=request.data)
            s.is_valid(raise_exception=True)
            data = s.validated_data
        d = call(d, data)
        d = self.get_queryset().get(pk=d.pk)
        return Response(DelegationSerializer(d).data)

    @staticmethod
    def _sender(user, d) -> bool:
        return has_perm(user, Perm.DELEGATION_SEND, d.case)

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send the draft (numbered now); a whole case needs the chief (CASE_CLOSE_APPROVE)."""
        return self._step(request, allowed=self._sender,
                          call=lambda d, v: services.delegation_send(actor=request.user, delegation=d))

    @extend_schema(request=DelegationReasonSerializer, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, allowed=self._sender, serializer=DelegationReasonSerializer,
                          call=lambda d, v: services.delegation_withdraw(actor=request.user, delegation=d,
                                                                         reason=v["reason"]))

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, allowed=self._sender,
                          call=lambda d, v: services.delegation_close(actor=request.user, delegation=d))

    @extend_schema(request=DelegationAcceptSerializer, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The receiving court's clerk or chief accepts and assigns (委托执行: registers the case there)."""
        return self._step(request, allowed=services.may_assign, serializer=DelegationAcceptSerializer,
                          call=lambda d, v: services.delegation_accept(actor=request.user, delegation=d,
                                                                       team=v["team"], officer=v.get("officer")))

    @extend_schema(request=DelegationReasonSerializer, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._step(request, allowed=services.may_assign, serializer=DelegationReasonSerializer,
                          call=lambda d, v: services.delegation_refuse(actor=request.user, delegation=d,
                                                                       reason=v["reason"]))

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._step(request, allowed=services.may_receive,
                          call=lambda d, v: services.delegation_start(actor=request.user, delegation=d))

    @extend_schema(request={"application/json": DelegationReplySerializer,
                            "multipart/form-data": DelegationReplySerializer},
                   responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """The result, once (the receiving court; for a court outside the system, the sending court records the
        letter it got back, with the scan as ``papers``)."""
        return self._step(request, allowed=services.may_receive, serializer=DelegationReplySerializer,
                          call=lambda d, v: services.delegation_reply(
                              actor=request.user, delegation=d, result=v["result"], outcome=v["outcome"],
                              answered_on=v.get("answered_on"), papers=_papers(request)))

    @extend_schema(responses={200: {"type": "object", "description": "docs/exchange/delegation.schema.json"}})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The structured export (docs/exchange.md); a draft has none (404)."""
        d = self.get_object()
        if d.status == Status.DRAFT:
            from django.http import Http404

            raise Http404
        return Response(delegation_export(d))
