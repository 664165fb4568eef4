"""API of the inquiry app: batches (list, detail, create with Idempotency-Key, export, download, cancel, requests)
and the access log for the chief's audit. Thin: the services decide and log, the selectors scope."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.policy import Perm, has_perm
from core import fields
from core.api import Pagination, PolicyFirstMixin
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import selectors, services
from .models import AccessAction, AccessLog, AgencyKind, BatchStatus, InquiryBatch, InquiryRequest, Measure, Purpose

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="A client-chosen unique key: repeating the request with the same key returns the first result.")


class RequestSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(allow_null=True, read_only=True, **MONEY)

    class Meta:
        model = InquiryRequest
        fields = ["id", "request_id", "seq", "case", "case_number", "party", "subject_name", "subject_kind",
                  "subject_id_number", "agency_kind", "channel", "measure", "amount", "officer_name",
                  "document_number", "answered_at"]
        read_only_fields = fields


class BatchSerializer(serializers.ModelSerializer):
    kinds = serializers.ListField(child=serializers.ChoiceField(AgencyKind.choices), read_only=True)

    class Meta:
        model = InquiryBatch
        fields = ["id", "number", "status", "purpose", "kinds", "document_number", "note", "created_by",
                  "created_at", "exported_at", "exported_by", "export_sha256", "cancelled_at"]
        read_only_fields = fields


class ControlLineSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    party = serializers.IntegerField(help_text="The debtor (party id), a respondent of the case.")
    agency_kind = serializers.ChoiceField(AgencyKind.choices)
    measure = serializers.ChoiceField([Measure.FREEZE, Measure.SEIZE])
    amount = fields.MoneyField(max_digits=16, decimal_places=2,
                               help_text="A string of digits with at most 2 decimals; > 0 and, with the other "
                                         "lines about this debtor, at most the case's outstanding claim.")


class BatchCreateSerializer(serializers.Serializer):
    kinds = serializers.ListField(child=serializers.ChoiceField(AgencyKind.choices), min_length=1)
    cases = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=5000)
    stage = serializers.CharField(required=False, allow_blank=True, max_length=16)
    controls = ControlLineSerializer(many=True, required=False, max_length=20000)
    purpose = serializers.ChoiceField(Purpose.choices, default=Purpose.REGULAR)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class AccessLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLog
        fields = ["id", "at", "user", "user_name", "action", "case", "case_number", "party", "party_name",
                  "legal_basis_officer", "batch", "request", "result_file"]
        read_only_fields = fields


class InquiryBatchViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = BatchSerializer
    queryset = InquiryBatch.objects.none()
    action_perms = {"create": Perm.INQUIRY_RUN, "list": Perm.INQUIRY_RUN}

    def get_queryset(self):
        status_ = self.request.query_params.get("status", "") if self.action == "list" else ""
        return selectors.batch_list_for_user(user=self.request.user,
                                             status=status_ if status_ in BatchStatus.values else "")

    def retrieve(self, request, *args, **kwargs):
        batch = self.get_object()
        services.access_log_record(user=request.user, action=AccessAction.BATCH_VIEWED, batch=batch)
        return Response(BatchSerializer(batch).data)

    @extend_schema(request=BatchCreateSerializer, responses={201: BatchSerializer, 200: BatchSerializer,
                                                             **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("inquiry-batch-create")
    def create(self, request):
        s = BatchCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        controls = [services.ControlLine(c["case"], c["party"], c["agency_kind"], c["measure"], c["amount"])
                    for c in d.get("controls", [])]
        batch = services.batch_create(actor=request.user, kinds=d["kinds"], case_ids=d.get("cases") or None,
                                      stage=d.get("stage") or None, controls=controls, purpose=d["purpose"],
                                      document_number=d["document_number"], note=d["note"])
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: BatchSerializer})
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        batch = self.get_object()
        services.batch_export(actor=request.user, batch=batch)
        batch.refresh_from_db()
        return Response(BatchSerializer(batch).data)

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(description="The exported ZIP.")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        batch = self.get_object()
        if batch.status in (BatchStatus.DRAFT, BatchStatus.CANCELLED):
            raise Http404("Not exported.")
        export = services.batch_export(actor=request.user, batch=batch)
        response = HttpResponse(export.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
        response["X-Content-SHA256"] = export.sha256
        return response

    @extend_schema(request=None, responses={200: BatchSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        batch = services.batch_cancel(actor=request.user, batch=self.get_object())
        return Response(BatchSerializer(batch).data)

    @extend_schema(responses={200: RequestSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def requests(self, request, pk=None):
        batch = self.get_object()
        page = self.paginate_queryset(selectors.batch_requests_for_user(user=request.user, batch=batch))
        services.access_log_record_many(user=request.user, action=AccessAction.BATCH_VIEWED, requests=page,
                                        batch=batch)
        return self.get_paginated_response(RequestSerializer(page, many=True).data)


class AccessLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The inquiry access log (INQUIRY_AUDIT): ``?user=`` (username), ``?case_number=``, ``?date_from=``/``?date_to=``
    (YYYY-MM-DD), ``?action=``."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = AccessLogSerializer
    queryset = AccessLog.objects.none()

    def get_queryset(self):
        if not has_perm(self.request.user, Perm.INQUIRY_AUDIT):
            raise PermissionDenied()
        p = self.request.query_params
        s = _AuditQuery(data=p)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        return selectors.access_log_for_user(user=self.request.user, username=d.get("user", ""),
                                             case_number=d.get("case_number", ""), date_from=d.get("date_from"),
                                             date_to=d.get("date_to"), action=d.get("action", ""))

    @extend_schema(parameters=[OpenApiParameter("user", str), OpenApiParameter("case_number", str),
                               OpenApiParameter("date_from", str), OpenApiParameter("date_to", str),
                               OpenApiParameter("action", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class _AuditQuery(serializers.Serializer):
    user = serializers.CharField(required=False, allow_blank=True, max_length=150)
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    date_from = fields.DateField(required=False)
    date_to = fields.DateField(required=False)
    action = serializers.ChoiceField(AccessAction.choices, required=False, allow_blank=True)
