"""The API of the electronic case file: file items (list, upload, reorder, search, PDF) and archive volumes (build,
status, download). Same services, same policy as the pages."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.policy import Perm, has_perm
from cases.selectors import case_get_for_user
from core.api import Pagination
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import selectors, services, storage
from .models import ArchiveVolume, FileItem, ItemKind, VolumeStatus

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="A client-chosen unique key: repeating the request with the same key returns the first result.")
CASE_PARAM = OpenApiParameter("case", int, OpenApiParameter.QUERY, description="Only this case's file.")
Q_PARAM = OpenApiParameter("q", str, OpenApiParameter.QUERY,
                           description="Search the text (at least 2 characters; Chinese substring search).")


class FileItemSerializer(serializers.ModelSerializer):
    section_code = serializers.CharField(source="section.code", read_only=True)
    section_title = serializers.CharField(source="section.title", read_only=True)

    class Meta:
        model = FileItem
        fields = ["id", "case", "section", "section_code", "section_title", "position", "title", "kind",
                  "source_key", "register_number", "doc_date", "original_name", "original_mime", "original_sha256",
                  "sha256", "size", "page_count", "ocr_status", "ocr_progress", "superseded", "volume", "filed_by",
                  "filed_at"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    section = serializers.CharField(max_length=30, help_text="Section id or code (filing, basis, notices, ...).")
    title = serializers.CharField(max_length=200)
    doc_date = serializers.DateField(required=False)
    file = serializers.FileField()


class ReorderSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    order = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField(), min_length=2,
                                                              max_length=2),
                                  help_text="[[item id, section id], ...] for every current item, in the new order.")


class FileItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FileItemSerializer
    pagination_class = Pagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = FileItem.objects.none()

    def get_queryset(self):
        case = self.request.query_params.get("case")
        qs = selectors.items_for_user(self.request.user,
                                      case_id=int(case) if case and case.isdigit() else None)
        query = self.request.query_params.get("q", "").strip()
        if self.action == "list" and query:
            ids = [r["item"].pk for r in selectors.search(self.request.user, query)]
            qs = qs.filter(pk__in=ids)
        return qs.select_related("section")

    @extend_schema(parameters=[CASE_PARAM, Q_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": UploadSerializer},
                   responses={201: FileItemSerializer, 200: FileItemSerializer, **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("efile-upload")
    def create(self, request):
        if not has_perm(request.user, Perm.EFILE_FILE):
            raise PermissionDenied()
        s = UploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        case = case_get_for_user(user=request.user, pk=d["case"], perm=Perm.EFILE_FILE)
        item = services.scan_upload(user=request.user, case=case, section=d["section"], title=d["title"],
                                    upload=d["file"], doc_date=d.get("doc_date"))
        return Response(FileItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReorderSerializer, responses={200: OpenApiResponse(description="Reordered.")})
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        if not has_perm(request.user, Perm.EFILE_FILE):
            raise PermissionDenied()
        s = ReorderSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = case_get_for_user(user=request.user, pk=s.validated_data["case"], perm=Perm.EFILE_FILE)
        services.items_reorder(user=request.user, case=case, order=[tuple(p) for p in s.validated_data["order"]])
        return Response({"ok": True})

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        item = self.get_object()
        if item.kind == ItemKind.GENERATED:
            return HttpResponse(services.generated_pdf(item), content_type="application/pdf")
        return FileResponse(open(storage.absolute(item.path), "rb"), content_type="application/pdf")


class VolumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArchiveVolume
        fields = ["id", "case", "status", "progress", "stage", "retention", "catalogue", "sha256", "size",
                  "page_count", "document_pages", "pdfa", "error", "built_by", "requested_at", "built_at"]
        read_only_fields = fields


class VolumeBuildSerializer(serializers.Serializer):
    case = serializers.IntegerField()


class ArchiveVolumeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VolumeSerializer
    pagination_class = Pagination
    queryset = ArchiveVolume.objects.none()

    def get_queryset(self):
        return selectors.volumes_for_user(self.request.user)

    @extend_schema(request=VolumeBuildSerializer, responses={201: VolumeSerializer, 200: VolumeSerializer})
    def create(self, request):
        """Build the archive volume of a closed case: the volume already building or built is returned (200)."""
        if not has_perm(request.user, Perm.EFILE_ARCHIVE):
            raise PermissionDenied()
        s = VolumeBuildSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = case_get_for_user(user=request.user, pk=s.validated_data["case"], perm=Perm.EFILE_ARCHIVE)
        before = ArchiveVolume.objects.filter(case=case).exclude(status=VolumeStatus.FAILED).exists()
        volume = services.volume_request(user=request.user, case=case)
        return Response(VolumeSerializer(volume).data, status=status.HTTP_200_OK if before else status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        volume = self.get_object()
        if volume.status != VolumeStatus.DONE:
            raise Http404
        return FileResponse(open(storage.absolute(volume.path), "rb"), content_type="application/pdf",
                            as_attachment=True, filename=f"volume-{volume.pk}.pdf")
