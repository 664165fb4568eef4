"""API of the supervision app: ``/api/v1/supervision-orders/`` (+ reply, close, reopen), ``/api/v1/dispatch-tickets/``
(+ acknowledge, report-back), ``/api/v1/duty-shifts/``, ``/api/v1/dispatch-stats/``, ``/api/v1/reception-days/``,
``/api/v1/reception-visits/`` (+ follow-up). The services check permissions; ``action_perms`` answers 403 before a
body is read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy import Perm, has_perm
from cases.selectors import case_get_for_user
from core.api import Pagination, PolicyFirstMixin
from core.idempotency import idempotent
from core.idempotency import schema_responses as idempotency_responses

from . import selectors, services
from .models import DispatchKind, DispatchTicket, DutyShift, ReceptionDay, ReceptionVisit, SupervisionOrder

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER,
    description="A client-chosen unique key: repeating the request with the same key returns the first result.")


class OrderSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    ordering_court = serializers.CharField(source="court.name", read_only=True)
    ordered_by_name = serializers.CharField(source="ordered_by.display_name", read_only=True)
    petitions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionOrder
        fields = ["id", "number", "case", "case_number", "court", "ordering_court", "ordered_by", "ordered_by_name",
                  "opened_at", "instructions", "reply_due", "status", "round", "reply", "replied_by", "replied_at",
                  "late", "closed_by", "closed_at", "close_note", "escalation_level", "petitions", "attachments"]
        read_only_fields = fields

    @extend_schema_field(inline_serializer("SupervisionAttachment", many=True, fields={
        "id": serializers.IntegerField(), "name": serializers.CharField(), "size": serializers.IntegerField(),
        "content_type": serializers.CharField(), "url": serializers.CharField()}))
    def get_attachments(self, obj) -> list:
        return [{"id": a.pk, "name": a.name, "size": a.size, "content_type": a.content_type,
                 "url": reverse("supervision:attachment", args=[a.pk])} for a in obj.attachments.all()]


class OrderCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    instructions = serializers.CharField(max_length=2000)
    reply_due = serializers.DateField()
    petitions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=4000)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list,
        help_text="Photos or PDFs (multipart/form-data, the field repeated): at most 5, checked by content.")


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReopenSerializer(serializers.Serializer):
    instructions = serializers.CharField(max_length=2000)
    reply_due = serializers.DateField()


class SupervisionOrderViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """Supervision orders (督办) the user can see. ``?view=answer|overdue|close`` narrows to the home tiles' lists."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = OrderSerializer
    queryset = SupervisionOrder.objects.none()
    action_perms = {"create": Perm.SUPERVISION_ORDER, "reply": Perm.CASE_ACT, "close": Perm.SUPERVISION_ORDER,
                    "reopen": Perm.SUPERVISION_ORDER}

    def get_queryset(self):
        view = self.request.query_params.get("view", "all") if self.action == "list" else "all"
        build = selectors.ORDER_VIEWS.get(view, selectors.ORDER_VIEWS["all"])
        return build(self.request.user, None).prefetch_related("petitions", "attachments").order_by("-opened_at", "-id")

    def get_object(self):
        obj = selectors.order_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return obj

    @extend_schema(parameters=[OpenApiParameter("view", str, enum=list(selectors.ORDER_VIEWS))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer, **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("supervision-order-create")
    def create(self, request):
        s = OrderCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = case_get_for_user(user=request.user, pk=s.validated_data["case"], perm=Perm.SUPERVISION_ORDER)
        order = services.order_open(actor=request.user, case=case, instructions=s.validated_data["instructions"],
                                    reply_due=s.validated_data["reply_due"],
                                    petition_ids=s.validated_data.get("petitions", []))
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"application/json": ReplySerializer, "multipart/form-data": ReplySerializer},
                   responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def reply(self, request, pk=None):
        """The officer's reply: JSON, or multipart/form-data with photos or PDFs (``attachments``, repeated)."""
        s = ReplySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        order = services.order_reply(actor=request.user, order=self.get_object(), reply=s.validated_data["reply"],
                                     attachments=s.validated_data["attachments"])
        return Response(OrderSerializer(order).data)

    def _decidable(self):
        order = self.get_object()
        if not services.may_decide(self.request.user, order):  # before the body is read
            raise PermissionDenied(_("Only the ordering chief may close or reopen a supervision order."))
        return order

    @extend_schema(request=CloseSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        order = self._decidable()
        s = CloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        order = services.order_close(actor=request.user, order=order,
                                     note=s.validated_data.get("note", ""))
        return Response(OrderSerializer(order).data)

    @extend_schema(request=ReopenSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        order = self._decidable()
        s = ReopenSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        order = services.order_reopen(actor=request.user, order=order, **s.validated_data)
        return Response(OrderSerializer(order).data)


class TicketSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None, allow_null=True, read_only=True)
    dispatched_to_name = serializers.CharField(source="dispatched_to.display_name", read_only=True)
    response_seconds = serializers.IntegerField(read_only=True, allow_null=True,
                                                help_text="Seconds from dispatch to confirmation.")

    class Meta:
        model = DispatchTicket
        fields = ["id", "number", "court", "case", "case_number", "kind", "report", "reporter_name",
                  "reporter_phone", "location", "received_at", "dispatched_to", "dispatched_to_name",
                  "dispatched_by", "dispatched_at", "off_roster_reason", "response_due", "status", "acknowledged_at",
                  "reported_back_at", "result", "escalated_at", "response_seconds"]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DispatchKind.choices)
    report = serializers.CharField(max_length=2000)
    officer = serializers.IntegerField(min_value=1)
    case = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False)
    off_roster_reason = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                              help_text="Required to dispatch to an officer not on duty now.")


class DispatchResultSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=2000)


class DispatchTicketViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """Command-centre dispatches (执行110). ``?view=open|ack|escalated``."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = TicketSerializer
    queryset = DispatchTicket.objects.none()
    action_perms = {"create": Perm.DISPATCH}

    def get_queryset(self):
        view = self.request.query_params.get("view", "all") if self.action == "list" else "all"
        return selectors.TICKET_VIEWS.get(view, selectors.TICKET_VIEWS["all"])(self.request.user)

    def get_object(self):
        return selectors.ticket_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("view", str, enum=list(selectors.TICKET_VIEWS))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer, **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("dispatch-ticket-create")
    def create(self, request):
        s = TicketCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        case_id = data.pop("case", None)
        case = case_get_for_user(user=request.user, pk=case_id) if case_id else None
        ticket = services.ticket_dispatch(actor=request.user, case=case, officer_id=data.pop("officer"), **data)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        ticket = services.ticket_acknowledge(actor=request.user, ticket=self.get_object())
        return Response(TicketSerializer(ticket).data)

    @extend_schema(request=DispatchResultSerializer, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"], url_path="report-back")
    def report_back(self, request, pk=None):
        ticket = self.get_object()
        if request.user.pk != ticket.dispatched_to_id:  # before the body is read
            raise PermissionDenied(_("Only the officer it was dispatched to may report back."))
        s = DispatchResultSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        ticket = services.ticket_report_back(actor=request.user, ticket=ticket, result=s.validated_data["result"])
        return Response(TicketSerializer(ticket).data)


class ShiftSerializer(serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.display_name", read_only=True)

    class Meta:
        model = DutyShift
        fields = ["id", "court", "officer", "officer_name", "starts_at", "ends_at", "void", "cancelled_at",
                  "cancelled_by", "cancel_reason"]
        read_only_fields = ["id", "court", "officer_name", "void", "cancelled_at", "cancelled_by", "cancel_reason"]

    void = serializers.BooleanField(read_only=True, help_text="Cancelled before it started: it never counted.")


class ShiftCreateSerializer(serializers.Serializer):
    officer = serializers.IntegerField(min_value=1)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class ShiftCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class DutyShiftViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The duty roster of the user's court (DISPATCH)."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = ShiftSerializer
    queryset = DutyShift.objects.none()
    action_perms = {"create": Perm.DISPATCH, "cancel": Perm.DISPATCH}

    def get_queryset(self):
        return selectors.shift_list_for_user(user=self.request.user)

    @extend_schema(request=ShiftCreateSerializer, responses={201: ShiftSerializer})
    def create(self, request):
        s = ShiftCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        shift = services.shift_add(actor=request.user, officer_id=s.validated_data["officer"],
                                   starts_at=s.validated_data["starts_at"], ends_at=s.validated_data["ends_at"])
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShiftCancelSerializer, responses={200: ShiftSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Take the shift off the roster with a reason: void before it starts, ended now while it runs; 400 when it
        has already ended or been taken off."""
        shift = self.get_object()
        s = ShiftCancelSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        shift = services.shift_cancel(actor=request.user, shift=shift, reason=s.validated_data["reason"])
        return Response(ShiftSerializer(shift).data)


StatRow = inline_serializer("DispatchStatRow", many=True, fields={
    "officer_id": serializers.IntegerField(), "officer": serializers.CharField(),
    "tickets": serializers.IntegerField(), "acknowledged": serializers.IntegerField(),
    "late": serializers.IntegerField(),
    "median_seconds": serializers.IntegerField(allow_null=True), "p90_seconds": serializers.IntegerField(allow_null=True),
})


class DispatchStatsView(APIView):
    """Time to respond per officer of the user's court (DISPATCH)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: StatRow})
    def get(self, request):
        if not has_perm(request.user, Perm.DISPATCH):
            raise PermissionDenied()
        return Response(selectors.response_stats(user=request.user))


class DaySerializer(serializers.ModelSerializer):
    chief_name = serializers.CharField(source="chief.display_name", read_only=True)

    class Meta:
        model = ReceptionDay
        fields = ["id", "court", "held_on", "chief", "chief_name", "place"]
        read_only_fields = ["id", "court", "chief_name"]


class DayCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    chief = serializers.IntegerField(min_value=1)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ReceptionDayViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = DaySerializer
    queryset = ReceptionDay.objects.none()
    action_perms = {"create": Perm.RECEPTION_RECORD}

    def get_queryset(self):
        return selectors.day_list_for_user(user=self.request.user)

    @extend_schema(request=DayCreateSerializer, responses={201: DaySerializer})
    def create(self, request):
        s = DayCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        day = services.reception_day_create(actor=request.user, held_on=s.validated_data["held_on"],
                                            chief_id=s.validated_data["chief"],
                                            place=s.validated_data.get("place", ""))
        return Response(DaySerializer(day).data, status=status.HTTP_201_CREATED)


class VisitSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None, allow_null=True, read_only=True)

    class Meta:
        model = ReceptionVisit
        fields = ["id", "day", "visitor_name", "visitor_phone", "case", "case_number", "matter", "promised",
                  "followup_due", "responsible", "followup_done_on", "followup_note", "followup_by"]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer):
    day = serializers.IntegerField(min_value=1)
    visitor_name = serializers.CharField(max_length=50)
    visitor_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    case = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    matter = serializers.CharField(max_length=2000)
    promised = serializers.CharField(max_length=2000)
    followup_due = serializers.DateField()
    responsible = serializers.IntegerField(min_value=1)


class FollowUpSerializer(serializers.Serializer):
    followup_note = serializers.CharField(max_length=2000)
    followup_done_on = serializers.DateField(required=False)


class ReceptionVisitViewSet(PolicyFirstMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """Visits received on reception days; ``?view=overdue`` lists follow-ups past due."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = VisitSerializer
    queryset = ReceptionVisit.objects.none()
    action_perms = {"create": Perm.RECEPTION_RECORD}

    def get_queryset(self):
        if self.action == "list" and self.request.query_params.get("view") == "overdue":
            return selectors.followups_overdue(user=self.request.user)
        return selectors.visit_list_for_user(user=self.request.user)

    @extend_schema(parameters=[OpenApiParameter("view", str, enum=["all", "overdue"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitSerializer, **idempotency_responses()},
                   parameters=[IDEMPOTENCY_HEADER])
    @idempotent("reception-visit-create")
    def create(self, request):
        s = VisitCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        day = selectors.day_get_for_user(user=request.user, pk=data.pop("day"))
        case_id = data.pop("case", None)
        case = case_get_for_user(user=request.user, pk=case_id) if case_id else None
        visit = services.visit_add(actor=request.user, day=day, case=case, responsible_id=data.pop("responsible"),
                                   **data)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpSerializer, responses={200: VisitSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        visit = self.get_object()
        if not services.may_follow_up(request.user, visit):
            raise PermissionDenied()
        s = FollowUpSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        visit = services.visit_follow_up(actor=request.user, visit=visit, note=s.validated_data["followup_note"],
                                         done_on=s.validated_data.get("followup_done_on"))
        return Response(VisitSerializer(visit).data)
