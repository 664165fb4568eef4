"""API for 中止 (suspension) requests: an officer asks, a chief approves or returns (cases.services.suspensions)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from . import services
from .api import ApprovalRequestViewSet, BaseModelSerializer, EnumChoiceField, ReturnSerializer
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


class SuspensionViewSet(ApprovalRequestViewSet):
    serializer_class = SuspensionSerializer
    model = SuspensionRequest

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
