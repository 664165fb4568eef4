"""API for 中止 (suspension) requests: an officer asks, a chief approves or returns (cases.services.suspensions)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policy import Perm
from core.api import PolicyFirstMixin

from . import services
from .api import BaseModelSerializer, CaseChildViewSet, EnumChoiceField, ReturnSerializer
from .models import Case, SuspensionGround, SuspensionRequest


class SuspensionSerializer(BaseModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    ground = EnumChoiceField(choices=SuspensionGround.choices)

    class Meta:
        model = SuspensionRequest
        fields = ["id", "case", "ground", "reason", "proposal", "status", "requested_by", "requested_at",
                  "decided_by", "decided_at", "return_reason", "pause"]
        read_only_fields = ["status", "requested_by", "requested_at", "decided_by", "decided_at", "return_reason",
                            "pause"]


class SuspensionViewSet(PolicyFirstMixin, mixins.CreateModelMixin, CaseChildViewSet):
    action_perms = {"create": (Perm.CASE_CLOSE_REQUEST, Perm.CASE_CLOSE_APPROVE),
                    "approve": Perm.CASE_CLOSE_APPROVE, "return_": Perm.CASE_CLOSE_APPROVE}
    serializer_class = SuspensionSerializer
    model = SuspensionRequest

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def tune(self, qs):
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs.order_by("-requested_at", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.suspension_request(
            actor=self.request.user, case=self.case_for_write(d["case"]), ground=d["ground"], reason=d["reason"],
            proposal=d.get("proposal", ""))

    @extend_schema(request=None, responses=SuspensionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        req = services.suspension_approve(actor=request.user, request=self.get_object())
        return Response(SuspensionSerializer(req).data)

    @extend_schema(request=ReturnSerializer, responses=SuspensionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        s = ReturnSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        req = services.suspension_return(actor=request.user, request=self.get_object(), **s.validated_data)
        return Response(SuspensionSerializer(req).data)
