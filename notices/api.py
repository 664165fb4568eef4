"""REST API of the document register: list and read issued documents, issue, correct, download the PDF, and the
document types with their addressees for a case. Same services and policy as the pages."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.policy import Perm
from cases.models import Case
from cases.selectors import case_get_for_user
from core.api import Pagination, PolicyFirstMixin

from . import documents, selectors, services
from .models import IssuedDocument


class IssuedDocumentSerializer(serializers.ModelSerializer):
    doc_title = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.number", read_only=True)
    superseded_by = serializers.SerializerMethodField()
    reprint = serializers.SerializerMethodField(help_text="True when an identical document existed and was returned.")
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = ["id", "case", "case_number", "court", "doc_type", "doc_title", "year", "serial", "number",
                  "version", "supersedes", "superseded_by", "correction_reason", "addressee_key", "addressee_name",
                  "addressee_address", "addressee_postcode", "params", "sha256", "pages", "size",
                  "verification_code", "template_override", "issued_by", "issued_at", "issue_date", "batch",
                  "reprint", "pdf_url"]
        read_only_fields = fields

    def get_doc_title(self, obj) -> str:
        try:
            return documents.get(obj.doc_type).title
        except Exception:
            return obj.doc_type

    def get_superseded_by(self, obj) -> int | None:
        try:
            return obj.superseded_by.pk
        except IssuedDocument.superseded_by.RelatedObjectDoesNotExist:
            return None

    def get_reprint(self, obj) -> bool:
        return bool(getattr(obj, "reprint", False))

    def get_pdf_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("api-document-pdf", args=[obj.pk])


class IssueSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    doc_type = serializers.CharField(max_length=40)
    addressee_key = serializers.CharField(max_length=60)
    params = serializers.DictField(required=False, default=dict)
    issue_date = serializers.DateField(required=False, allow_null=True, default=None)


class CorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    params = serializers.DictField(required=False, allow_null=True, default=None,
                                   help_text="New parameters; omit to keep the old ones.")
    issue_date = serializers.DateField(required=False, allow_null=True, default=None)


class AddresseeSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    role = serializers.CharField()


class ParamFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    type = serializers.CharField()
    choices = serializers.ListField(child=serializers.ListField(), required=False)


class DocumentTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    params = ParamFieldSerializer(many=True)
    addressees = AddresseeSerializer(many=True, required=False)
    unavailable = serializers.CharField(required=False)


def _param_fields(kind) -> list[dict]:
    if kind.params_form is None:
        return []
    out = []
    for name, field in kind.params_form().fields.items():
        row = {"name": name, "label": str(field.label or name), "required": field.required,
               "type": type(field).__name__}
        choices = getattr(field, "choices", None)
        if choices is not None:
            row["choices"] = [[str(v), str(label)] for v, label in choices]
        out.append(row)
    return out


class DocumentViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Issued documents of the cases the user may see (every version). POST issues one."""
    action_perms = {"create": Perm.NOTICE_ISSUE, "correct": Perm.NOTICE_ISSUE}

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = IssuedDocumentSerializer
    queryset = IssuedDocument.objects.none()

    @extend_schema(parameters=[
        OpenApiParameter("case", int), OpenApiParameter("doc_type", str), OpenApiParameter("number", str),
        OpenApiParameter("year", int), OpenApiParameter("serial", int),
        OpenApiParameter("date_from", OpenApiTypes.DATE), OpenApiParameter("date_to", OpenApiTypes.DATE)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if self.action != "list":
            return selectors.document_list_for_user(user=self.request.user)
        p = self.request.query_params

        def as_int(name):
            value = p.get(name)
            if not value:
                return None
            if not value.isdigit():
                raise serializers.ValidationError({name: ["Enter a whole number."]})
            return int(value)

        def as_date(name):
            value = p.get(name)
            if not value:
                return None
            try:
                return serializers.DateField().to_internal_value(value)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({name: exc.detail}) from None

        filters = selectors.RegisterFilter(doc_type=p.get("doc_type", ""), number=p.get("number", ""),
                                           serial=as_int("serial"), year=as_int("year"),
                                           date_from=as_date("date_from"), date_to=as_date("date_to"))
        qs = selectors.register_search(user=self.request.user, filters=filters).prefetch_related("superseded_by")
        case = as_int("case")
        if case is not None:
            qs = qs.filter(case_id=case)
        return qs

    @extend_schema(request=IssueSerializer, responses={201: IssuedDocumentSerializer, 200: IssuedDocumentSerializer},
                   description="Issue a document. An identical current document (same case, type, addressee and "
                               "parameters) is returned with 200 and `reprint: true` instead of a new number.")
    def create(self, request):
        s = IssueSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        # A type with its own issuer rule (a 督办函: the ordering chief, maybe of a superior court) needs the case
        # visible only; the service then applies that rule.
        own_rule = d["doc_type"] in {t.code for t in documents.all_types() if t.authorize is not None}
        case = case_get_for_user(user=request.user, pk=d["case"], perm=Perm.CASE_VIEW if own_rule else Perm.NOTICE_ISSUE)
        document = services.document_issue(user=request.user, case=case, doc_type=d["doc_type"],
                                           addressee_key=d["addressee_key"], params=d["params"],
                                           issue_date=d["issue_date"])
        return Response(IssuedDocumentSerializer(document).data,
                        status=status.HTTP_200_OK if document.reprint else status.HTTP_201_CREATED)

    @extend_schema(request=CorrectSerializer, responses={201: IssuedDocumentSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        s = CorrectSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        document = selectors.document_get_for_user(user=request.user, pk=pk, perm=Perm.NOTICE_ISSUE)
        new = services.document_correct(user=request.user, document=document, **s.validated_data)
        return Response(IssuedDocumentSerializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                       description="The stored PDF")})
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        document = selectors.document_get_for_user(user=request.user, pk=pk)
        data = services.document_pdf(user=request.user, document=document)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="document-{document.pk}.pdf"'
        response["X-Document-SHA256"] = document.sha256
        return response


class DocumentTypeViewSet(viewsets.ViewSet):
    """The document types; with ``?case=`` each type lists its addressees in that case (or why it cannot be
    issued)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("case", int)], responses=DocumentTypeSerializer(many=True))
    def list(self, request):
        case_param = request.query_params.get("case")
        case: Case | None = None
        if case_param:
            if not case_param.isdigit():
                raise serializers.ValidationError({"case": ["Enter a whole number."]})
            case = case_get_for_user(user=request.user, pk=int(case_param))
        rows = []
        for kind in documents.all_types():
            row = {"code": kind.code, "title": kind.title, "label": str(kind.label),
                   "description": str(kind.description or ""), "params": _param_fields(kind)}
            if case is not None:
                addressees = kind.addressees(case)
                row["addressees"] = [{"key": a.key, "name": a.name, "address": a.address, "postcode": a.postcode,
                                      "role": str(a.role)} for a in addressees]
                row["unavailable"] = "" if addressees else str(
                    (kind.unavailable(case) if kind.unavailable else "") or "-")
            rows.append(row)
        return Response(rows)
