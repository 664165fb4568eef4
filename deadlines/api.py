"""API: deadlines (read; recomputed by the engine) and the user's notifications (read, mark read)."""

from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .models import Deadline, DeadlineKind, DeadlineStatus, Notification


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    days_left = serializers.SerializerMethodField()
    met_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "kind", "kind_label", "source_type", "source_id", "seq", "case", "case_number", "court",
                  "team", "responsible", "start_on", "due_on", "warn_from", "warn_days", "status", "status_label",
                  "met_on", "met_late", "days_left", "computed_at"]
        read_only_fields = fields

    def get_days_left(self, obj) -> int:
        return (obj.due_on - timezone.localdate()).days


class DeadlineFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=DeadlineKind.choices)
    status = filters.MultipleChoiceFilter(choices=DeadlineStatus.choices)
    case = filters.NumberFilter(field_name="case_id")
    due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")
    mine = filters.BooleanFilter(method="filter_mine", label="Only deadlines I am responsible for")

    class Meta:
        model = Deadline
        fields = ["kind", "status", "case", "due_after", "due_before", "mine"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(responsible_id=self.request.user.pk) if value else queryset


class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Deadlines the user may see (their team's and their own), most urgent first."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter

    def get_queryset(self):
        return selectors.deadline_list_for_user(user=self.request.user).order_by("due_on", "id")


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()
    deadline = DeadlineSerializer(read_only=True, allow_null=True)
    case_number = serializers.CharField(source="case.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "level", "threshold", "more", "text", "deadline", "case", "case_number", "created_at",
                  "read_at"]
        read_only_fields = fields

    def get_text(self, obj) -> str:
        return selectors.notification_text(obj)


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Only unread")

    class Meta:
        model = Notification
        fields = ["unread"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's notifications; nobody sees another user's."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        return (selectors.notification_list_for_user(user=self.request.user)
                .select_related("deadline__case", "case"))

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()  # another user's notification is not found (404), before anything else
        note = services.notification_mark_read(actor=request.user, notification_id=note.pk)
        return Response(NotificationSerializer(self.get_queryset().get(pk=note.pk)).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_all_read(actor=request.user)})

    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.notification_unread_count(user=request.user)})
