"""API of the result side: import a result file (multipart), read a file and its rows, accept rows into the
register. Thin: the services check and write, the selectors scope, every read of results is logged."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.policy import Perm, has_perm
from core.api import Pagination
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import result_selectors as sel
from .exchange_in import ResultFileRefused
from .models import AccessAction, ControlStatus, Measure, ResultFile, ResultRow
from .services.access import access_log_record, access_log_record_many
from .services.accept import result_row_accept, result_rows_accept
from .services.results import result_file_import

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True, "allow_null": True, "read_only": True}


class ResultFileSerializer(serializers.ModelSerializer):
    batch_number = serializers.CharField(source="batch.number", read_only=True)

    class Meta:
        model = ResultFile
        fields = ["id", "batch", "batch_number", "file_name", "sha256", "agency_kind", "imported_by", "imported_at",
                  "row_count", "status"]
        read_only_fields = fields


class ResultRowSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(**MONEY)
    control_amount = serializers.DecimalField(**MONEY)
    request_id = serializers.CharField(source="request.request_id", read_only=True)
    case = serializers.IntegerField(source="request.case_id", read_only=True)
    party = serializers.IntegerField(source="request.party_id", read_only=True)
    # Empty on a row that reports no control (a query's answer): blank is part of the documented set.
    control_measure = serializers.ChoiceField(choices=Measure.choices, allow_blank=True, read_only=True)
    control_status = serializers.ChoiceField(choices=ControlStatus.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ResultRow
        fields = ["id", "result_file", "line_no", "request_id", "case", "party", "status", "diff", "asset_kind",
                  "institution", "account", "balance", "description", "as_of", "control_measure", "control_status",
                  "control_amount", "control_reference", "control_until", "control_reason", "error",
                  "matched_asset", "accepted_asset", "accepted_at"]
        read_only_fields = fields


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class RefusalSerializer(serializers.Serializer):
    """A 400: either the file was refused (``errors``: line, field, message; ``count``: all errors) or the upload
    itself was missing or empty (``file``: the field's errors)."""

    errors = serializers.ListField(child=serializers.DictField(), required=False)
    count = serializers.IntegerField(required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)


class AcceptOutcomeSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    already = serializers.IntegerField()
    refused = serializers.ListField(child=serializers.DictField())


def _run(user) -> None:
    if not has_perm(user, Perm.INQUIRY_RUN):
        raise PermissionDenied()


class ResultFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Result files of the user's court they may see (imported by them, or with rows of their cases)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = ResultFileSerializer
    queryset = ResultFile.objects.none()
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        _run(self.request.user)
        return sel.result_file_list_for_user(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        rf = self.get_object()
        access_log_record(user=request.user, action=AccessAction.RESULT_VIEWED, batch=rf.batch, result_file=rf)
        return Response(ResultFileSerializer(rf).data)

    @extend_schema(request={"multipart/form-data": ImportSerializer},
                   responses={201: ResultFileSerializer, 400: RefusalSerializer, **idempotency_responses()})
    @idempotent("inquiry-result-import")
    def create(self, request):
        _run(request.user)
        s = ImportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        upload = s.validated_data["file"]
        try:
            rf = result_file_import(actor=request.user, court=request.user.court, file_name=upload.name,
                                    stream=upload.file)
        except ResultFileRefused as exc:
            return Response({"errors": [{"line": e.line_no, "field": e.field, "message": e.message}
                                        for e in exc.errors], "count": exc.count},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(ResultFileSerializer(rf).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("case", int), OpenApiParameter("party", int)],
                   responses={200: ResultRowSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        rf = self.get_object()
        qs = (rf.rows.filter(sel.row_scope(request.user))
              .select_related("request__batch").order_by("line_no"))
        for name, field in (("case", "request__case_id"), ("party", "request__party_id")):
            value = request.query_params.get(name, "")
            if value.isdigit():
                qs = qs.filter(**{field: int(value)})
        page = self.paginate_queryset(qs)
        access_log_record_many(user=request.user, action=AccessAction.RESULT_VIEWED,
                               requests=[r.request for r in page], result_file=rf)
        return self.get_paginated_response(ResultRowSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: AcceptOutcomeSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept every found row of the file that the user may register into the register (idempotent)."""
        rf = self.get_object()
        outcome = result_rows_accept(actor=request.user, rows=rf.rows.filter(sel.row_scope(request.user)))
        return Response({"accepted": outcome.accepted, "already": outcome.already,
                         "refused": [{"line": n, "message": m} for n, m in outcome.refused]})


class ResultRowViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ResultRowSerializer
    queryset = ResultRow.objects.none()

    def get_queryset(self):
        _run(self.request.user)
        return (ResultRow.objects.filter(sel.row_scope(self.request.user))
                .select_related("request__case", "request__party", "result_file"))

    @extend_schema(request=None, responses={200: ResultRowSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the row into the register; a second call returns the same asset (nothing more is created)."""
        row = self.get_object()
        result_row_accept(actor=request.user, row=row)
        row.refresh_from_db()
        return Response(ResultRowSerializer(row).data)
