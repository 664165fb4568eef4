"""API: the delivery log (read-only, scoped like the case's 消息 tab) and the court's message templates (CRUD for
MESSAGING_MANAGE)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets

from accounts.policy import Perm, Target, has_perm
from core.idempotency import idempotent

from . import selectors, services
from .models import Audience, Channel, EventKind, Message, MessageTemplate, Status


class MessageSerializer(serializers.ModelSerializer):
    address = serializers.CharField(source="masked_address", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Message
        fields = ["id", "case", "case_number", "event", "event_kind", "purpose", "channel", "recipient_name",
                  "address", "subject", "body", "status", "status_label", "attempts", "provider_id", "error",
                  "created_at", "sent_at"]
        read_only_fields = fields


class MessageFilter(filters.FilterSet):
    case = filters.NumberFilter(field_name="case_id")
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    channel = filters.ChoiceFilter(choices=Channel.choices)
    event_kind = filters.ChoiceFilter(choices=EventKind.choices)

    class Meta:
        model = Message
        fields = ["case", "status", "channel", "event_kind"]


class MessageViewSet(viewsets.ReadOnlyModelViewSet):
    """Messages sent to parties: those of cases the user works on (the case's team, the chief), and every message
    of the court for its messaging managers. Addresses are masked."""

    serializer_class = MessageSerializer
    filterset_class = MessageFilter

    def get_queryset(self):
        return selectors.message_list_for_user(user=self.request.user)


class MessageTemplateSerializer(serializers.ModelSerializer):
    event = serializers.ChoiceField(choices=EventKind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    body = serializers.CharField(max_length=1000)
    enabled = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = MessageTemplate
        fields = ["id", "court", "event", "channel", "audience", "enabled", "enabled_since", "subject", "body",
                  "updated_at"]
        read_only_fields = ["court", "enabled_since", "updated_at"]


class MessageTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The court's message templates (one per event and channel; creating one that exists changes it). Placeholders
    such as {案号} are checked: an unknown one is refused naming the field."""

    serializer_class = MessageTemplateSerializer

    def get_queryset(self):
        return selectors.template_list_for_user(user=self.request.user).order_by("event", "channel")

    def _court(self):
        user = self.request.user
        if not user.court_id or not has_perm(user, Perm.MESSAGING_MANAGE, Target(court_id=user.court_id)):
            raise PermissionDenied(_("You do not have permission to do this."))
        return user.court

    @idempotent("message-template-save")
    def create(self, request, *args, **kwargs):
        self._court()  # permission before validation
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        court = self._court()
        d = serializer.validated_data
        serializer.instance = services.template_save(
            actor=self.request.user, court=court, event=d["event"], channel=d["channel"], audience=d["audience"],
            enabled=d.get("enabled", False), subject=d.get("subject", ""), body=d["body"])

    def perform_update(self, serializer):
        t = serializer.instance
        d = serializer.validated_data
        if d.get("event", t.event) != t.event or d.get("channel", t.channel) != t.channel:
            raise serializers.ValidationError({"event": [_("A template's event and channel cannot change.")]})
        serializer.instance = services.template_save(
            actor=self.request.user, court=t.court, event=t.event, channel=t.channel,
            audience=d.get("audience", t.audience), enabled=d.get("enabled", t.enabled),
            subject=d.get("subject", t.subject), body=d.get("body", t.body))

    def perform_destroy(self, instance):
        services.template_delete(actor=self.request.user, template=instance)
