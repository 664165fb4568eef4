"""API of batch printing: create a batch, follow its status, download the combined PDF and the address labels."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.policy import Perm, require

from . import batch as service
from . import documents
from .models import BatchJob


class BatchFailureSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    case_number = serializers.CharField()
    doc_type = serializers.CharField()
    addressee = serializers.CharField(required=False)
    error = serializers.CharField()


class BatchSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.SerializerMethodField()
    failures = BatchFailureSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()
    labels_url = serializers.SerializerMethodField()

    class Meta:
        model = BatchJob
        fields = ["id", "court", "created_by", "created_at", "title", "doc_types", "case_ids", "with_labels",
                  "duplex", "status", "status_label", "total", "done", "percent", "failures", "started_at",
                  "finished_at", "pdf_url", "labels_url"]
        read_only_fields = fields

    def get_percent(self, obj) -> int:
        return service.batch_progress(obj)

    def _files(self, obj) -> tuple[bool, bool]:
        cache = self.context.setdefault("_files", {})
        if obj.pk not in cache:
            cache[obj.pk] = service.batch_has_pdf(obj) if obj.finished_at else (False, False)
        return cache[obj.pk]

    def get_pdf_url(self, obj) -> str | None:
        return reverse("api-batch-pdf", args=[obj.pk]) if self._files(obj)[0] else None

    def get_labels_url(self, obj) -> str | None:
        return reverse("api-batch-labels", args=[obj.pk]) if self._files(obj)[1] else None


class BatchCreateSerializer(serializers.Serializer):
    case_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False,
                                     max_length=service.MAX_CASES)
    doc_types = serializers.ListField(child=serializers.CharField(max_length=40), allow_empty=False,
                                      help_text="Document type codes, see /api/v1/document-types/")
    with_labels = serializers.BooleanField(default=True)
    duplex = serializers.BooleanField(default=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_doc_types(self, value):
        known = {t.code for t in documents.all_types()}
        unknown = [code for code in value if code not in known]
        if unknown:
            raise serializers.ValidationError(f"Unknown document type: {', '.join(unknown)}")
        return value


ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Batch id")
PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF")}


class BatchViewSet(viewsets.ViewSet):
    """Batch prints: POST queues one (a Celery task issues every document and combines them into one PDF);
    GET follows its progress; ``pdf`` and ``labels`` download the results once it is finished (404 before)."""

    @extend_schema(responses={200: BatchSerializer(many=True)})
    def list(self, request):
        """The user's recent batches."""
        require(request.user, Perm.NOTICE_ISSUE)
        rows = service.batch_list_for_user(user=request.user, limit=50)
        return Response(BatchSerializer(rows, many=True).data)

    @extend_schema(request=BatchCreateSerializer, responses={201: BatchSerializer})
    def create(self, request):
        require(request.user, Perm.NOTICE_ISSUE)  # before the body is validated: no 400 for someone who may not print
        s = BatchCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        job = service.batch_create(user=request.user, **s.validated_data)
        return Response(BatchSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID], responses={200: BatchSerializer})
    def retrieve(self, request, pk=None):
        job = service.batch_get_for_user(user=request.user, pk=_int(pk))
        return Response(BatchSerializer(job).data)

    @extend_schema(parameters=[ID], responses=PDF_RESPONSE)
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        return _download(request, pk, "pdf", "batch")

    @extend_schema(parameters=[ID], responses=PDF_RESPONSE)
    @action(detail=True, methods=["get"], url_path="labels", url_name="labels")
    def labels(self, request, pk=None):
        return _download(request, pk, "labels_pdf", "batch-labels")


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def _download(request, pk, field: str, stem: str) -> HttpResponse:
    job = service.batch_get_for_user(user=request.user, pk=_int(pk), with_files=True)
    data = getattr(job, field)
    if not data:
        raise Http404("Not ready.")
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{job.pk}.pdf"'
    return response
