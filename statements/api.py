"""API of the statement register: ``/api/v1/statements/`` (list, retrieve, import a file: multipart, idempotent)
and ``/api/v1/statement-lines/`` (list with filters, retrieve). Finance's (``FUNDS_RECORD``), its own court."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.policy import Perm
from core import fields
from core.api import Pagination, PolicyFirstMixin
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import selectors
from .models import Direction, LineStatus, Statement, StatementLine
from .services import MAX_BYTES, StatementImportError, statement_import

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="A client-chosen unique key: repeating the request with the same key returns the first result.")


class StatementSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="imported_by.full_name", default="", read_only=True)
    known_line_count = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = ["id", "account_number", "bank", "format", "file_name", "sha256", "size", "period_from", "period_to",
                  "opening_balance", "closing_balance", "line_count", "new_line_count", "known_line_count",
                  "credit_count", "credit_total", "imported_by", "imported_at", "status"]
        read_only_fields = fields

    def get_known_line_count(self, obj) -> int:
        return obj.line_count - obj.new_line_count


class StatementLineSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None, allow_null=True, read_only=True)
    match_rule = serializers.CharField(read_only=True, help_text="How the line was matched to its case (reference, "
                                       "case_number, debtor_name, amount_payer, claim, manual); empty if not.")

    class Meta:
        model = StatementLine
        fields = ["id", "statement", "row", "account_number", "bank_reference", "booked_on", "value_on", "amount",
                  "direction", "currency", "balance", "payer_name", "payer_account", "payer_bank", "remark",
                  "sub_account", "status", "case", "case_number", "match_rule", "confidence", "note",
                  "ledger_entry", "posted_at", "waiting_since"]
        read_only_fields = fields


class StatementImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The statement file: CSV/text (UTF-8 or GBK), xlsx, xls, MT940 or "
                                           "camt.053 XML.")
    account_number = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                           help_text="Optional: the court's fund account the file is for.")

    def validate_file(self, value):
        if value.size > MAX_BYTES:
            raise serializers.ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return value


ImportResultSerializer = inline_serializer("StatementImportResult", {
    "statement": StatementSerializer(),
    "created": serializers.BooleanField(help_text="False: this very file was imported before; nothing changed."),
    "new_lines": serializers.IntegerField(),
    "known_lines": serializers.IntegerField(),
    "message": serializers.CharField(),
})


class LineFilterSerializer(serializers.Serializer):
    statement = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=LineStatus.choices, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    booked_from = fields.DateField(required=False)
    booked_to = fields.DateField(required=False)
    q = serializers.CharField(required=False, max_length=80, allow_blank=True)


class StatementViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imported statements of the user's court (finance)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = StatementSerializer
    queryset = Statement.objects.none()
    action_perms = {"create": Perm.FUNDS_RECORD}

    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.statement_list_for_user(user=self.request.user)

    @extend_schema(request={"multipart/form-data": StatementImportSerializer},
                   responses={201: ImportResultSerializer, 200: ImportResultSerializer,
                              **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("statement-import")
    def create(self, request):
        """Import a statement file. 201 with the new statement and how many lines were new or already known; 200
        when this very file was imported before (nothing changed); 400 with every problem (nothing saved):
        ``{"file": ["第3行，贷方发生额：…"], "rows": [{"row": 3, "column": "贷方发生额", "message": "…"}]}`` (row 0 is
        the file itself; for MT940 and camt.053 the row is the entry's number)."""
        s = StatementImportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        upload = s.validated_data["file"]
        try:
            result = statement_import(actor=request.user, court=request.user.court, file_name=upload.name,
                                      data=upload.read(), account_number=s.validated_data.get("account_number", ""))
        except StatementImportError as exc:
            return Response({"file": exc.messages, "rows": [r.as_dict() for r in exc.rows]},
                            status=status.HTTP_400_BAD_REQUEST)
        body = {"statement": StatementSerializer(result.statement).data, "created": result.created,
                "new_lines": result.new_lines, "known_lines": result.known_lines, "message": result.message}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class StatementLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lines of the user's court's statements, filtered by statement, status, direction, booking dates or text."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = StatementLineSerializer
    queryset = StatementLine.objects.none()

    def get_queryset(self):
        if self.action != "list":
            return selectors.statement_line_list_for_user(user=self.request.user)
        f = LineFilterSerializer(data={k: v for k, v in self.request.query_params.items() if v != ""})
        f.is_valid(raise_exception=True)
        return selectors.statement_line_list_for_user(user=self.request.user, **f.validated_data)

    @extend_schema(parameters=[
        OpenApiParameter("statement", int), OpenApiParameter("status", str, enum=LineStatus.values),
        OpenApiParameter("direction", str, enum=Direction.values), OpenApiParameter("booked_from", str),
        OpenApiParameter("booked_to", str),
        OpenApiParameter("q", str, description="A bank reference, account or sub-account; or part of a payer or "
                                               "remark")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
