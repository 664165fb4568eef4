"""API of the credit app: measures (propose with Idempotency-Key, each step as an action), correction requests
(counter requests, review, correction), the publication register and its export, and the public list (no login,
masked). Thin: the services check permissions and rules, the selectors scope."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from accounts.policy import Perm, has_perm
from cases.models import CaseParty
from cases.selectors import case_get_for_user
from core.api import Pagination, PolicyFirstMixin
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import exchange, selectors, services
from .models import (
    CorrectionRequest, CorrectionStatus, CreditMeasure, CreditMeasurePerson, DishonestGround, MeasureKind,
    MeasureStatus, PersonRole, RemovalGround, ServiceMethod,
)
from .views import public_rows

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="A client-chosen unique key: repeating the request with the same key returns the first result.")


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditMeasurePerson
        fields = ["name", "id_number", "role"]


class CreditMeasureSerializer(serializers.ModelSerializer):
    persons = PersonSerializer(many=True, read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    debtor_name = serializers.CharField(source="case_party.party.name", read_only=True)
    # blank until set: plain strings ("" or one of DishonestGround / RemovalGround / ServiceMethod)
    ground = serializers.CharField(read_only=True, help_text="1-6 (a listing), empty for a restriction")
    removal_ground = serializers.CharField(read_only=True, help_text="empty until a removal ground arose")
    service_method = serializers.CharField(read_only=True, help_text="empty until served")

    class Meta:
        model = CreditMeasure
        fields = ["id", "case", "case_number", "case_party", "debtor_name", "kind", "status", "ground", "term_years",
                  "extension_years", "conduct", "obligation", "performance", "reasons", "warnings", "persons",
                  "applied_on", "proposed_by", "proposed_at", "approved_by", "approved_at", "rejection_reason",
                  "document_number",
                  "decided_on", "until", "served_on", "service_method", "published_on", "removal_ground",
                  "removal_arose_on", "removal_due_on", "removal_note", "removed_on", "removal_document_number"]
        read_only_fields = fields


class PersonInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(PersonRole.choices)


class ProposeSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    case_party = serializers.IntegerField(help_text="A respondent (case-party id) of the case.")
    kind = serializers.ChoiceField(MeasureKind.choices)
    ground = serializers.ChoiceField(DishonestGround.choices, required=False, allow_blank=True, default="")
    extension_years = serializers.IntegerField(required=False, default=0, min_value=0, max_value=3)
    conduct = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    reasons = serializers.CharField(max_length=2000)
    obligation = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    performance = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    persons = PersonInputSerializer(many=True, required=False, max_length=10)
    applied_on = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text="The applicant's written application, if the measure answers one: "
                                                 "the court decides within 15 days of it.")


class CreditRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class DecideSerializer(serializers.Serializer):
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)


class ServeSerializer(serializers.Serializer):
    served_on = serializers.DateField(required=False, allow_null=True, default=None)
    method = serializers.ChoiceField(ServiceMethod.choices)


class PublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(required=False, allow_null=True, default=None)


class RemovalOpenSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(RemovalGround.choices)
    arose_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class RemoveSerializer(serializers.Serializer):
    removed_on = serializers.DateField(required=False, allow_null=True, default=None)
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)


class CreditMeasureViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """失信 listings and 限制消费 orders. ``?status=``, ``?kind=`` filter the list."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = CreditMeasureSerializer
    queryset = CreditMeasure.objects.none()
    action_perms = {
        "create": Perm.CREDIT_PROPOSE, "approve": Perm.CREDIT_DECIDE, "reject": Perm.CREDIT_DECIDE,
        "decide": Perm.CREDIT_DECIDE, "serve": (Perm.CREDIT_PUBLISH, Perm.CREDIT_PROPOSE),
        "publish": Perm.CREDIT_PUBLISH, "open_removal": Perm.CREDIT_PROPOSE, "remove": Perm.CREDIT_DECIDE,
    }

    def get_queryset(self):
        q = self.request.query_params
        return selectors.measure_list_for_user(
            user=self.request.user, status=q.get("status") if q.get("status") in MeasureStatus.values else None,
            kind=q.get("kind") if q.get("kind") in MeasureKind.values else None).prefetch_related("persons")

    @extend_schema(request=ProposeSerializer, responses={201: CreditMeasureSerializer, 200: CreditMeasureSerializer,
                                                         **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("credit-measure-create")
    def create(self, request):
        s = ProposeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        case = case_get_for_user(user=request.user, pk=d["case"], perm=Perm.CREDIT_PROPOSE)
        cp = CaseParty.objects.filter(pk=d["case_party"], case=case).select_related("party").first()
        if cp is None:
            raise serializers.ValidationError({"case_party": ["Choose a respondent of this case."]})
        m = services.measure_propose(actor=request.user, case=case, case_party=cp, kind=d["kind"],
                                     ground=d["ground"], extension_years=d["extension_years"], conduct=d["conduct"],
                                     reasons=d["reasons"], obligation=d["obligation"],
                                     performance=d["performance"], persons=d.get("persons") or (),
                                     applied_on=d["applied_on"])
        return Response(CreditMeasureSerializer(m).data, status=status.HTTP_201_CREATED)

    def _done(self, m):
        return Response(CreditMeasureSerializer(selectors.measure_get_for_user(user=self.request.user,
                                                                              pk=m.pk)).data)

    @extend_schema(request=None, responses=CreditMeasureSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._done(services.measure_approve(actor=request.user, measure=self.get_object()))

    @extend_schema(request=CreditRejectSerializer, responses=CreditMeasureSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        m = self.get_object()
        s = CreditRejectSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.measure_reject(actor=request.user, measure=m, reason=s.validated_data["reason"]))

    @extend_schema(request=DecideSerializer, responses=CreditMeasureSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        m = self.get_object()
        s = DecideSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.measure_decide(actor=request.user, measure=m, **s.validated_data))

    @extend_schema(request=ServeSerializer, responses=CreditMeasureSerializer)
    @action(detail=True, methods=["post"])
    def serve(self, request, pk=None):
        m = self.get_object()
        s = ServeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.measure_serve(actor=request.user, measure=m, **s.validated_data))

    @extend_schema(request=PublishSerializer, responses=CreditMeasureSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        m = self.get_object()
        s = PublishSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.measure_publish(actor=request.user, measure=m, **s.validated_data))

    @extend_schema(request=RemovalOpenSerializer, responses=CreditMeasureSerializer)
    @action(detail=True, methods=["post"], url_path="open-removal")
    def open_removal(self, request, pk=None):
        m = self.get_object()
        s = RemovalOpenSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.removal_open(actor=request.user, measure=m, **s.validated_data))

    @extend_schema(request=RemoveSerializer, responses=CreditMeasureSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        m = self.get_object()
        s = RemoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.measure_remove(actor=request.user, measure=m, **s.validated_data))


class CorrectionSerializer(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = CorrectionRequest
        fields = ["id", "measure", "requester_name", "requester_phone", "relation", "grounds", "channel",
                  "received_on", "submitted_by", "status", "reviewed_on", "reviewed_by", "review_reasons",
                  "reconsideration_info", "corrected_on", "corrected_by", "correction", "attachments"]
        read_only_fields = fields

    def get_attachments(self, obj) -> list[str]:
        return [a.original_name for a in obj.attachments.all()]


class CorrectionCreateSerializer(serializers.Serializer):
    measure = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    relation = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    grounds = serializers.CharField(max_length=3000)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class ReviewSerializer(serializers.Serializer):
    well_founded = serializers.BooleanField()
    reasons = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


class FixSerializer(serializers.Serializer):
    correction = serializers.CharField(max_length=3000)
    conduct = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True,
                                    default=None)
    performance = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True,
                                        default=None)
    remove = serializers.BooleanField(required=False, default=False)


class CorrectionViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Correction requests. ``create`` records a counter request (portal requests come through the portal)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = CorrectionSerializer
    queryset = CorrectionRequest.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    action_perms = {"create": (Perm.CREDIT_PROPOSE, Perm.CREDIT_PUBLISH), "review": Perm.CREDIT_DECIDE,
                    "fix": Perm.CREDIT_DECIDE}

    def get_queryset(self):
        st = self.request.query_params.get("status")
        return selectors.correction_list_for_user(
            user=self.request.user, status=st if st in CorrectionStatus.values else None
        ).prefetch_related("attachments")

    @extend_schema(request={"multipart/form-data": CorrectionCreateSerializer, "application/json":
                            CorrectionCreateSerializer},
                   responses={201: CorrectionSerializer, 200: CorrectionSerializer, **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("credit-correction-create")
    def create(self, request):
        s = CorrectionCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        m = selectors.measure_get_for_user(user=request.user, pk=d["measure"])
        if not (has_perm(request.user, Perm.CREDIT_PROPOSE, m.case)
                or has_perm(request.user, Perm.CREDIT_PUBLISH, m.case)):
            raise PermissionDenied()
        req = services.correction_submit(measure=m, name=d["name"], phone=d["phone"], relation=d["relation"],
                                         grounds=d["grounds"], files=d.get("files") or (), channel="counter",
                                         submitted_by=request.user, received_on=d["received_on"])
        return Response(CorrectionSerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        req = self.get_object()
        s = ReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        req = services.correction_review(actor=request.user, request=req, **s.validated_data)
        return Response(CorrectionSerializer(req).data)

    @extend_schema(request=FixSerializer, responses=CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def fix(self, request, pk=None):
        req = self.get_object()
        s = FixSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        req = services.correction_fix(actor=request.user, request=req, **s.validated_data)
        return Response(CorrectionSerializer(req).data)


class RegisterRecordSerializer(serializers.Serializer):
    """One line of the export (docs/exchange/credit-listing.schema.json): full identifier numbers."""

    record_type = serializers.CharField()
    record_id = serializers.CharField()
    court_code = serializers.CharField()
    case_number = serializers.CharField()
    name = serializers.CharField()
    id_kind = serializers.CharField()
    id_number = serializers.CharField()
    decision_number = serializers.CharField()
    decided_on = serializers.DateField()
    published_on = serializers.DateField()
    removed_on = serializers.DateField(allow_null=True)


class RegisterViewSet(PolicyFirstMixin, viewsets.GenericViewSet):
    """The publication register of the user's court (CREDIT_PUBLISH)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = RegisterRecordSerializer
    queryset = CreditMeasure.objects.none()
    action_perms = {"list": Perm.CREDIT_PUBLISH, "export": Perm.CREDIT_PUBLISH}

    def get_queryset(self):
        return selectors.publication_register(user=self.request.user, court=self.request.user.court)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([exchange.record(m) for m in page])

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
                   parameters=[OpenApiParameter("since", OpenApiTypes.DATE, description="Changed since (optional)")])
    @action(detail=False, methods=["get"])
    def export(self, request):
        since = None
        if request.query_params.get("since"):
            try:
                since = serializers.DateField().to_internal_value(request.query_params["since"])
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"since": exc.detail}) from None
        rows = selectors.publication_register(user=request.user, court=request.user.court, since=since)
        name, data, _n = exchange.export_zip(rows, court=request.user.court)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PublicEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    person = serializers.BooleanField()
    id_masked = serializers.CharField()
    legal_representative = serializers.CharField()
    case_number = serializers.CharField()
    court = serializers.CharField()
    obligation = serializers.CharField()
    performance = serializers.CharField()
    conduct = serializers.CharField()
    published_on = serializers.DateField()


class PublicThrottle(AnonRateThrottle):
    rate = "60/min"


class PublicListViewSet(viewsets.GenericViewSet):
    """The public list (曝光台): published, not removed 失信 debtors; no login; identifier numbers masked.
    ``?name=`` (name begins with), ``?court=`` (court code), ``?page=`` (at most 50 pages of 20)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PublicThrottle]
    serializer_class = PublicEntrySerializer
    queryset = CreditMeasure.objects.none()

    @extend_schema(parameters=[OpenApiParameter("name", str), OpenApiParameter("court", str),
                               OpenApiParameter("page", int)],
                   responses=PublicEntrySerializer(many=True))
    def list(self, request):
        from accounts.models import Court

        code = (request.query_params.get("court") or "")[:8]
        court = Court.objects.filter(code=code).first() if code else None
        qs = selectors.public_listed(court=court, name=(request.query_params.get("name") or "").strip()[:50])
        try:
            number = max(1, min(int(request.query_params.get("page") or 1), 50))
        except ValueError:
            number = 1
        page = Paginator(qs, 20).get_page(number)
        return Response({"count": page.paginator.count, "page": page.number,
                         "results": PublicEntrySerializer(public_rows(page.object_list), many=True).data})
